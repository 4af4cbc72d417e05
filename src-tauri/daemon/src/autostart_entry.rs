//! The XDG autostart entry that starts Unhunch with the desktop session
//! (`$XDG_CONFIG_HOME/autostart/unhunch.desktop`, which GNOME, KDE, Xfce and most others honour):
//! written by `unhunch autostart on` and by "Start at login" on the first start's question.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Where the entry is, or `None` when there is no home folder to put it in.
pub fn path() -> Option<PathBuf> {
    let config = directories::BaseDirs::new()?.config_dir().to_path_buf();
    Some(config.join("autostart").join("unhunch.desktop"))
}

/// Whether Unhunch starts at login (the entry is there, whoever wrote it).
pub fn exists() -> bool {
    path().is_some_and(|path| path.exists())
}

/// Writes the entry that starts `program`; returns where it is. An error names the file.
pub fn write(program: &Path) -> io::Result<PathBuf> {
    let entry = path().ok_or_else(no_home)?;
    entry
        .parent()
        .map_or(Ok(()), fs::create_dir_all)
        .and_then(|()| fs::write(&entry, desktop_entry(program)))
        .map_err(|error| naming(&entry, error))?;
    Ok(entry)
}

/// Removes the entry; returns where it was, or `None` when there was none.
pub fn remove() -> io::Result<Option<PathBuf>> {
    let entry = path().ok_or_else(no_home)?;
    match fs::remove_file(&entry) {
        Ok(()) => Ok(Some(entry)),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(naming(&entry, error)),
    }
}

/// The error with the file's path in front, so the message says which file.
fn naming(entry: &Path, error: io::Error) -> io::Error {
    io::Error::new(error.kind(), format!("{}: {error}", entry.display()))
}

fn no_home() -> io::Error {
    io::Error::other(
        "the autostart entry: there is no home folder to put it in; set HOME (or XDG_CONFIG_HOME)",
    )
}

/// The entry's text. It runs plain `unhunch`, without `--from-menu`: a start at login asks nothing.
fn desktop_entry(program: &Path) -> String {
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
    }
}
