//! The command line: turns `unhunch …` arguments into a [`Command`] and runs it.
//!
//! Hand-rolled on purpose: the daemon is the same binary and stays small. Every mistake gets a
//! sentence saying what was wrong and what would work.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use unhunch_core::HumanDuration;
use unhunch_core::text::edit_distance;

use crate::command::Command;
use crate::exit;
use crate::output::{complain, say, say_as_is};

/// Runs the command the arguments name; with none, runs the daemon until it is told to quit.
pub fn run(arguments: Vec<OsString>) -> ExitCode {
    match parse(arguments) {
        Ok(command) => ExitCode::from(execute(command)),
        Err(message) => {
            complain(format_args!("unhunch: {message}"));
            complain("Run `unhunch --help` to see every command.");
            ExitCode::from(exit::USAGE)
        }
    }
}

const COMMAND_NAMES: &[&str] = &[
    "status",
    "stretch-now",
    "snooze",
    "skip",
    "pause",
    "resume",
    "quit",
    "settings",
    "history",
    "routines",
    "config",
    "autostart",
    "help",
];

pub const HELP: &str = "\
Unhunch: gentle stretch breaks for people who sit hunched at a keyboard.

Usage:
  unhunch                      start Unhunch (the tray icon and the break reminders)
  unhunch --from-menu          start it as the application menu does: the first time,
                               it asks whether to start at login
  unhunch status [--json]      when the next break is, or why there is none
  unhunch stretch-now [ROUTINE-ID]
                               start a stretch break right away, with that routine
                               if you name one (any routine, left out or not)
  unhunch snooze [DURATION]    put the due break off (default: your snooze setting)
  unhunch skip                 skip the due break, or the next one
  unhunch pause [UNTIL]        no breaks for a while: a duration like 30m or 1h30m,
                               until-tomorrow, indefinitely (the default), or a time
                               like 2026-11-23T17:00:00+01:00
  unhunch resume               end a pause
  unhunch quit                 stop Unhunch
  unhunch settings             open the settings window
  unhunch history [--json] [--days N]
                               your breaks day by day (default: the last 7 days)
  unhunch history --open       open the history window (charts, CSV export, clear)
  unhunch routines check [PATH...]
                               check routine files (default: your routines folder)
  unhunch config check [PATH]  check a config file (default: your config.toml)
  unhunch autostart on|off     start Unhunch when you log in, or stop doing so
  unhunch --help | --version

Files:
  ~/.config/unhunch/config.toml             settings; changes apply when you save
  ~/.local/share/unhunch/routines/*.toml    your own routines
  ~/.local/share/unhunch/history.jsonl      what happened to each break
  ~/.local/state/unhunch/unhunch.log        the log (RUST_LOG=debug for more)
  ~/.local/state/unhunch/login-question     whether to start at login, as answered once

Exit status: 0 done, 1 refused or problems found, 2 bad command line, 3 Unhunch is not running.
";

/// Parses the arguments after the program name.
pub fn parse(arguments: Vec<OsString>) -> Result<Command, String> {
    let mut words = arguments.into_iter();
    let Some(first) = words.next() else {
        return Ok(Command::Daemon { from_menu: false });
    };
    let first = first.to_string_lossy().into_owned();
    let rest: Vec<OsString> = words.collect();
    let command = match first.as_str() {
        "-h" | "--help" | "help" => Command::Help,
        "-V" | "--version" | "version" => Command::Version,
        "--from-menu" => {
            no_arguments(&first, &rest)?;
            Command::Daemon { from_menu: true }
        }
        "status" => Command::Status {
            json: flags_only(&first, &rest, &["--json"])?.contains(&"--json"),
        },
        "stretch-now" => Command::StretchNow {
            routine: at_most_one(&first, &rest)?,
        },
        "snooze" => {
            let length = match at_most_one(&first, &rest)? {
                None => None,
                Some(text) => Some(parse_snooze_length(&text)?),
            };
            Command::Snooze { length }
        }
        "skip" => {
            no_arguments(&first, &rest)?;
            Command::Skip
        }
        "pause" => {
            let until = at_most_one(&first, &rest)?.unwrap_or_else(|| "indefinitely".to_owned());
            check_pause_argument(&until)?;
            Command::Pause { until }
        }
        "resume" => {
            no_arguments(&first, &rest)?;
            Command::Resume
        }
        "quit" => {
            no_arguments(&first, &rest)?;
            Command::Quit
        }
        "settings" => {
            no_arguments(&first, &rest)?;
            Command::Settings
        }
        "history" => parse_history(&rest)?,
        "routines" => {
            match rest.split_first() {
                Some((sub, paths)) if sub == "check" => Command::RoutinesCheck {
                    paths: paths.iter().map(PathBuf::from).collect(),
                },
                _ => return Err(
                    "`unhunch routines` needs `check`, as in `unhunch routines check [PATH...]`."
                        .into(),
                ),
            }
        }
        "config" => match rest.split_first() {
            Some((sub, paths)) if sub == "check" => match paths {
                [] => Command::ConfigCheck { path: None },
                [path] => Command::ConfigCheck {
                    path: Some(PathBuf::from(path)),
                },
                _ => return Err("`unhunch config check` takes at most one file.".into()),
            },
            _ => {
                return Err(
                    "`unhunch config` needs `check`, as in `unhunch config check [PATH]`.".into(),
                );
            }
        },
        "autostart" => match rest.first().map(|word| word.to_string_lossy()).as_deref() {
            Some("on") if rest.len() == 1 => Command::Autostart { enable: true },
            Some("off") if rest.len() == 1 => Command::Autostart { enable: false },
            _ => return Err("`unhunch autostart` needs `on` or `off`.".into()),
        },
        unknown if unknown.starts_with('-') => {
            return Err(format!("unknown option `{unknown}`."));
        }
        unknown => {
            let hint = nearest_command(unknown)
                .map(|name| format!(" Did you mean `{name}`?"))
                .unwrap_or_default();
            return Err(format!("unknown command `{unknown}`.{hint}"));
        }
    };
    Ok(command)
}

fn execute(command: Command) -> u8 {
    match command {
        Command::Daemon { from_menu } => crate::daemon::run(from_menu),
        Command::Help => {
            say_as_is(HELP);
            exit::OK
        }
        Command::Version => {
            say(format_args!("unhunch {}", env!("CARGO_PKG_VERSION")));
            exit::OK
        }
        Command::History { json, days } => crate::commands::history::run(json, days),
        Command::RoutinesCheck { paths } => crate::commands::checks::routines(&paths),
        Command::ConfigCheck { path } => crate::commands::checks::config(path.as_deref()),
        Command::Autostart { enable } => crate::commands::autostart::run(enable),
        client_command => crate::commands::client::run(client_command),
    }
}

fn no_arguments(command: &str, rest: &[OsString]) -> Result<(), String> {
    match rest.first() {
        None => Ok(()),
        Some(extra) => Err(format!(
            "`unhunch {command}` takes no arguments, but got `{}`.",
            extra.to_string_lossy()
        )),
    }
}

fn at_most_one(command: &str, rest: &[OsString]) -> Result<Option<String>, String> {
    match rest {
        [] => Ok(None),
        [one] => Ok(Some(one.to_string_lossy().into_owned())),
        [_, extra, ..] => Err(format!(
            "`unhunch {command}` takes one argument at most, but also got `{}`.",
            extra.to_string_lossy()
        )),
    }
}

fn flags_only<'a>(
    command: &str,
    rest: &[OsString],
    allowed: &[&'a str],
) -> Result<Vec<&'a str>, String> {
    let mut seen = Vec::new();
    for word in rest {
        let word = word.to_string_lossy();
        match allowed.iter().find(|flag| **flag == word) {
            Some(flag) => seen.push(*flag),
            None => {
                return Err(format!(
                    "`unhunch {command}` does not know `{word}`; it accepts {}.",
                    allowed.join(", ")
                ));
            }
        }
    }
    Ok(seen)
}

fn parse_snooze_length(text: &str) -> Result<Duration, String> {
    let length = HumanDuration::parse(text).map_err(|why| {
        format!("cannot snooze for `{text}`: {why}. Write it like 5m, 90s or 1h.")
    })?;
    if length.0.is_zero() {
        return Err("a snooze of zero would not put the break off; leave the length out to use your snooze setting.".into());
    }
    if length.0 > Duration::from_secs(u32::MAX as u64) {
        return Err(format!("`{text}` is longer than a snooze can be."));
    }
    Ok(length.0)
}

/// Checks a pause argument here too, so a typo is caught before the daemon is asked.
pub fn check_pause_argument(text: &str) -> Result<(), String> {
    crate::inbox::PauseRequest::parse(text).map(|_| ())
}

fn parse_history(rest: &[OsString]) -> Result<Command, String> {
    if rest.first().is_some_and(|word| word == "--open") {
        no_arguments("history --open", &rest[1..])?;
        return Ok(Command::OpenHistory);
    }
    let mut json = false;
    let mut days = 7;
    let mut words = rest.iter().map(|word| word.to_string_lossy().into_owned());
    while let Some(word) = words.next() {
        match word.as_str() {
            "--json" => json = true,
            "--days" => {
                let value = words
                    .next()
                    .ok_or("`--days` needs a number, as in `--days 30`.")?;
                days = parse_days(&value)?;
            }
            other => match other.strip_prefix("--days=") {
                Some(value) => days = parse_days(value)?,
                None => {
                    return Err(format!(
                        "`unhunch history` does not know `{other}`; it accepts --json and --days N, or --open alone."
                    ));
                }
            },
        }
    }
    Ok(Command::History { json, days })
}

fn parse_days(text: &str) -> Result<u32, String> {
    match text.parse::<u32>() {
        Ok(days) if (1..=3660).contains(&days) => Ok(days),
        _ => Err(format!(
            "`--days {text}` should be a whole number of days from 1 to 3660."
        )),
    }
}

fn nearest_command(unknown: &str) -> Option<&'static str> {
    COMMAND_NAMES
        .iter()
        .map(|name| (edit_distance(unknown, name), *name))
        .filter(|(distance, name)| *distance <= 2.max(name.len() / 3))
        .min()
        .map(|(_, name)| name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_words(words: &[&str]) -> Result<Command, String> {
        parse(words.iter().map(OsString::from).collect())
    }

    #[test]
    fn no_arguments_starts_the_daemon() {
        assert_eq!(parse_words(&[]), Ok(Command::Daemon { from_menu: false }));
        assert_eq!(
            parse_words(&["--from-menu"]),
            Ok(Command::Daemon { from_menu: true })
        );
    }

    #[test]
    fn commands_with_their_arguments() {
        assert_eq!(
            parse_words(&["status", "--json"]),
            Ok(Command::Status { json: true })
        );
        assert_eq!(
            parse_words(&["snooze"]),
            Ok(Command::Snooze { length: None })
        );
        assert_eq!(
            parse_words(&["snooze", "90s"]),
            Ok(Command::Snooze {
                length: Some(Duration::from_secs(90))
            })
        );
        assert_eq!(
            parse_words(&["pause"]),
            Ok(Command::Pause {
                until: "indefinitely".into()
            })
        );
        assert_eq!(
            parse_words(&["pause", "until-tomorrow"]),
            Ok(Command::Pause {
                until: "until-tomorrow".into()
            })
        );
        assert_eq!(
            parse_words(&["history", "--days", "30", "--json"]),
            Ok(Command::History {
                json: true,
                days: 30
            })
        );
        assert_eq!(
            parse_words(&["history", "--open"]),
            Ok(Command::OpenHistory)
        );
        assert_eq!(
            parse_words(&["config", "check"]),
            Ok(Command::ConfigCheck { path: None })
        );
        assert_eq!(
            parse_words(&["routines", "check", "a.toml", "b"]),
            Ok(Command::RoutinesCheck {
                paths: vec!["a.toml".into(), "b".into()]
            })
        );
    }

    #[test]
    fn mistakes_say_what_would_work() {
        let unknown = parse_words(&["snoze"]).unwrap_err();
        assert!(unknown.contains("Did you mean `snooze`?"), "{unknown}");
        let bad_length = parse_words(&["snooze", "5 minutes please"]).unwrap_err();
        assert!(bad_length.contains("Write it like 5m"), "{bad_length}");
        let bad_pause = parse_words(&["pause", "lunch"]).unwrap_err();
        assert!(bad_pause.contains("until-tomorrow"), "{bad_pause}");
        assert!(
            parse_words(&["skip", "now"])
                .unwrap_err()
                .contains("takes no arguments")
        );
        assert!(
            parse_words(&["history", "--days", "0"])
                .unwrap_err()
                .contains("1 to 3660")
        );
    }
}
