//! What the user asked for on the command line, once `cli` has understood it: the one type the
//! argument parser produces and the commands under `commands/` consume.

use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// The daemon; `from_menu` when the application menu started it (`--from-menu`), which is
    /// when it may ask once about starting at login.
    Daemon {
        from_menu: bool,
    },
    Help,
    Version,
    Status {
        json: bool,
    },
    /// Stretch now, with the routine the user named (`unhunch stretch-now ID`) or a random pick.
    StretchNow {
        routine: Option<String>,
    },
    /// `None` snoozes by the configured length.
    Snooze {
        length: Option<Duration>,
    },
    Skip,
    /// The pause as the D-Bus `Pause` method takes it: "30m", "until-tomorrow", "indefinitely"
    /// or an RFC 3339 time.
    Pause {
        until: String,
    },
    Resume,
    Quit,
    /// Opens the settings window (or brings the open one to the front).
    Settings,
    History {
        json: bool,
        days: u32,
    },
    /// `unhunch history --open`: the daemon opens (or raises) the history window.
    OpenHistory,
    RoutinesCheck {
        paths: Vec<PathBuf>,
    },
    ConfigCheck {
        path: Option<PathBuf>,
    },
    Autostart {
        enable: bool,
    },
}
