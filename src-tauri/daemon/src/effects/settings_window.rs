//! The settings window process (`unhunch-window --page settings --config PATH --routines DIR
//! --daemon PATH --autostart PATH`): started on the first request, raised on the next ones, so
//! there is never more than one. It is told where the user's routines and the autostart entry
//! are, and which program the entry starts (and "Try now" runs), so it reads no environment of
//! its own to find them.
//!
//! The daemon keeps the window's stdin: a `raise` line brings the open window to the front, and
//! the end of stdin (the daemon stopped) closes it. The window reads and writes config.toml
//! itself; the daemon's watch on that file applies a save, as it does any edit.

use std::process::Stdio;

use tokio::io::AsyncWriteExt;
use tokio::sync::mpsc;
use tracing::{info, warn};

use super::window::{still_running, window_command, window_program};
use crate::files::Paths;
use crate::{autostart_entry, programs};

/// The open settings window, if any: a line to the task that holds its process.
#[derive(Default)]
pub struct SettingsWindow {
    raise: Option<mpsc::UnboundedSender<()>>,
    /// The open window's process, to tell a window that has just exited from one that runs.
    pid: Option<u32>,
}

impl SettingsWindow {
    /// Raises the open window, or starts one for the user's files. An error is a sentence.
    pub fn open(&mut self, paths: &Paths) -> Result<(), String> {
        // The task ends when its window does, dropping its end of the line: a send that fails
        // means there is no window to raise.
        if let Some(raise) = &self.raise
            && still_running(self.pid)
            && raise.send(()).is_ok()
        {
            info!("raising the open settings window");
            return Ok(());
        }
        let program = window_program();
        let mut command = window_command(&program);
        command
            .arg("--page")
            .arg("settings")
            .arg("--config")
            .arg(&paths.config_file)
            .arg("--routines")
            .arg(&paths.routines_dir);
        // Without a home folder or a known program there is no entry to write: the window then
        // shows no "Start at login" switch.
        // The daemon program is also what "Try now" runs (`stretch-now ROUTINE-ID`).
        if let Ok(daemon) = programs::this_program() {
            command.arg("--daemon").arg(daemon);
            if let Some(entry) = autostart_entry::path() {
                command.arg("--autostart").arg(entry);
            }
        }
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .map_err(|why| format!("cannot start {}: {why}.", program.display()))?;
        let Some(mut stdin) = child.stdin.take() else {
            return Err("the settings window's stdin could not be connected.".to_owned());
        };
        info!("settings window started (pid {:?})", child.id());
        let (raise, mut raised) = mpsc::unbounded_channel();
        self.raise = Some(raise);
        self.pid = child.id();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    status = child.wait() => {
                        match status {
                            Ok(status) if status.success() => info!("the settings window closed"),
                            Ok(status) => warn!("the settings window ended with {status}"),
                            Err(why) => warn!("cannot wait for the settings window: {why}"),
                        }
                        break;
                    }
                    Some(()) = raised.recv() => {
                        if let Err(why) = stdin.write_all(b"raise\n").await {
                            warn!("cannot ask the settings window to come to the front: {why}");
                        }
                    }
                }
            }
        });
        Ok(())
    }
}
