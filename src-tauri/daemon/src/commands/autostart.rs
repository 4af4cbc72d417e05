//! `unhunch autostart on|off`: starts Unhunch with the desktop session, or stops doing so, through
//! the XDG autostart entry (`autostart_entry`).

use crate::autostart_entry;
use crate::exit;
use crate::output::{complain, say};
use crate::programs;

pub fn run(enable: bool) -> u8 {
    if !enable {
        return match autostart_entry::remove() {
            Ok(Some(entry)) => {
                say(format_args!(
                    "Unhunch no longer starts when you log in (removed {}).",
                    entry.display()
                ));
                exit::OK
            }
            Ok(None) => {
                say(format_args!(
                    "Unhunch was not set to start when you log in."
                ));
                exit::OK
            }
            Err(error) => {
                complain(format_args!("unhunch: cannot remove {error}"));
                exit::FAILED
            }
        };
    }
    let program = match programs::this_program() {
        Ok(program) => program,
        Err(error) => {
            complain(format_args!(
                "unhunch: cannot tell where this program is installed: {error}"
            ));
            return exit::FAILED;
        }
    };
    match autostart_entry::write(&program) {
        Ok(entry) => {
            say(format_args!(
                "Unhunch now starts when you log in ({}).",
                entry.display()
            ));
            exit::OK
        }
        Err(error) => {
            complain(format_args!("unhunch: cannot write {error}"));
            exit::FAILED
        }
    }
}
