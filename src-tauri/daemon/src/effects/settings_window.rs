//! The settings window process (`unhunch-window --page settings --config PATH --routines DIR
//! --daemon PATH --autostart PATH`), kept open at most once ([`KeptWindow`]). It is told where
//! the user's routines and the autostart entry are, and which program the entry starts (and
//! "Try now" runs), so it reads no environment of its own to find them.
//!
//! The window reads and writes config.toml itself; the daemon's watch on that file applies a
//! save, as it does any edit.

use super::kept_window::KeptWindow;
use super::window::{window_command, window_program};
use crate::files::Paths;
use crate::{autostart_entry, programs};

pub struct SettingsWindow(KeptWindow);

impl Default for SettingsWindow {
    fn default() -> SettingsWindow {
        SettingsWindow(KeptWindow::new("settings"))
    }
}

impl SettingsWindow {
    /// Raises the open window, or starts one for the user's files. An error is a sentence.
    pub fn open_or_raise(&mut self, paths: &Paths) -> Result<(), String> {
        self.0.open_or_raise(|| {
            let mut command = window_command(&window_program());
            command
                .arg("--page")
                .arg("settings")
                .arg("--config")
                .arg(&paths.config_file)
                .arg("--routines")
                .arg(&paths.routines_dir);
            // Without a home folder or a known program there is no entry to write: the window
            // then shows no "Start at login" switch. The daemon program is also what "Try now"
            // runs (`stretch-now ROUTINE-ID`).
            if let Ok(daemon) = programs::this_program() {
                command.arg("--daemon").arg(daemon);
                if let Some(entry) = autostart_entry::path() {
                    command.arg("--autostart").arg(entry);
                }
            }
            command
        })
    }
}
