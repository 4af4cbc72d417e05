//! The XDG autostart entry's text and place, shared by `unhunch autostart on|off` (the daemon) and
//! the settings window's "Start at login" switch, so both write the same file.

use std::path::{Path, PathBuf};

/// Where the entry goes under the user's config folder (`$XDG_CONFIG_HOME`, usually `~/.config`).
pub fn entry_path(config_dir: &Path) -> PathBuf {
    config_dir.join("autostart").join("unhunch.desktop")
}

/// The entry's text for the daemon at `program`. It runs plain `unhunch`, without `--from-menu`:
/// a start at login asks nothing.
pub fn desktop_entry(program: &Path) -> String {
    format!(
        "[Desktop Entry]\nType=Application\nName=Unhunch\nComment=Gentle stretch breaks for people who sit hunched at a keyboard\n\
         Exec={}\nTerminal=false\nX-GNOME-Autostart-enabled=true\n",
        quote_exec_argument(&program.to_string_lossy())
    )
}

/// Quotes a program path for a desktop entry's `Exec=` key: inside double quotes, `"`, `` ` ``,
/// `$` and `\` are escaped with a backslash; `%` is doubled (the spec's field codes).
fn quote_exec_argument(argument: &str) -> String {
    let needs_quotes = argument
        .chars()
        .any(|character| " \t\n\"'\\><~|&;$*?#()`".contains(character));
    let escaped = argument.replace('%', "%%");
    if !needs_quotes {
        return escaped;
    }
    let mut quoted = String::from("\"");
    for character in escaped.chars() {
        if matches!(character, '"' | '`' | '$' | '\\') {
            quoted.push('\\');
        }
        quoted.push(character);
    }
    quoted.push('"');
    quoted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exec_paths_are_quoted_as_desktop_entries_need() {
        assert_eq!(quote_exec_argument("/usr/bin/unhunch"), "/usr/bin/unhunch");
        assert_eq!(
            quote_exec_argument("/home/a b/unhunch"),
            "\"/home/a b/unhunch\""
        );
        assert_eq!(
            quote_exec_argument("/opt/100%/un$hunch"),
            "\"/opt/100%%/un\\$hunch\""
        );
    }

    #[test]
    fn the_entry_starts_unhunch_without_asking() {
        let entry = desktop_entry(Path::new("/usr/bin/unhunch"));
        assert!(entry.contains("\nExec=/usr/bin/unhunch\n"), "{entry}");
        assert_eq!(
            entry_path(Path::new("/home/a/.config")),
            Path::new("/home/a/.config/autostart/unhunch.desktop")
        );
    }
}
