//! `unhunch autostart on|off`: starts Unhunch with the desktop session, through an XDG autostart
//! entry in `$XDG_CONFIG_HOME/autostart/`, which GNOME, KDE, Xfce and most others honour.

use std::fs;
use std::path::{Path, PathBuf};

use crate::exit;
use crate::output::{complain, say};

pub fn run(enable: bool) -> u8 {
    let Some(entry) = entry_path() else {
        complain(format_args!(
            "unhunch: cannot tell where your home folder is: set HOME (or XDG_CONFIG_HOME)."
        ));
        return exit::FAILED;
    };
    if !enable {
        return match fs::remove_file(&entry) {
            Ok(()) => {
                say(format_args!(
                    "Unhunch no longer starts when you log in (removed {}).",
                    entry.display()
                ));
                exit::OK
            }
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                say(format_args!(
                    "Unhunch was not set to start when you log in."
                ));
                exit::OK
            }
            Err(error) => {
                complain(format_args!(
                    "unhunch: cannot remove {}: {error}",
                    entry.display()
                ));
                exit::FAILED
            }
        };
    }
    let program = match std::env::current_exe() {
        Ok(program) => program,
        Err(error) => {
            complain(format_args!(
                "unhunch: cannot tell where this program is installed: {error}"
            ));
            return exit::FAILED;
        }
    };
    let written = entry
        .parent()
        .map_or(Ok(()), fs::create_dir_all)
        .and_then(|()| fs::write(&entry, desktop_entry(&program)));
    match written {
        Ok(()) => {
            say(format_args!(
                "Unhunch now starts when you log in ({}).",
                entry.display()
            ));
            exit::OK
        }
        Err(error) => {
            complain(format_args!(
                "unhunch: cannot write {}: {error}",
                entry.display()
            ));
            exit::FAILED
        }
    }
}

fn entry_path() -> Option<PathBuf> {
    let config = directories::BaseDirs::new()?.config_dir().to_path_buf();
    Some(config.join("autostart").join("unhunch.desktop"))
}

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
}
