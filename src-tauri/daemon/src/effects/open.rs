//! Opens the user's files in their own apps: a plain-text history summary when the history
//! window cannot start, and config.toml when the settings window cannot start.

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};

use tracing::{info, warn};

use crate::files::{self, Paths};

/// Opens config.toml in the user's editor, first writing the commented example if there is no
/// file (never touching one that exists).
pub fn settings(paths: &Paths) {
    if let Err(why) = files::write_example_config_if_missing(&paths.config_file) {
        warn!(
            "cannot write the example settings to {}: {why}",
            paths.config_file.display()
        );
    }
    open_with_desktop(&paths.config_file);
}

/// Writes a readable summary of the last weeks next to the log and opens it: History… when no
/// `unhunch-window` can be started.
pub fn history(paths: &Paths) {
    let summary = crate::history_summary::text_summary(&paths.history_file, 14);
    let path = paths.state_dir.join("history.txt");
    // Written whole, then renamed into place, so the viewer never reads half a file.
    let partial = paths.state_dir.join("history.txt.partial");
    let written = fs::create_dir_all(&paths.state_dir)
        .and_then(|()| fs::write(&partial, summary))
        .and_then(|()| fs::rename(&partial, &path));
    match written {
        Ok(()) => open_with_desktop(&path),
        Err(why) => warn!(
            "cannot write the history summary to {}: {why}",
            path.display()
        ),
    }
}

/// `xdg-open`, detached: it may block until the editor closes, and the daemon must not wait.
/// The child is reaped by a task so no zombie is left behind.
fn open_with_desktop(path: &Path) {
    info!("opening {}", path.display());
    match tokio::process::Command::from(xdg_open(path)).spawn() {
        Ok(mut child) => {
            tokio::spawn(async move {
                if let Ok(status) = child.wait().await
                    && !status.success()
                {
                    warn!(
                        "xdg-open could not open the file ({status}); set a default app for .toml/.txt files"
                    );
                }
            });
        }
        Err(why) => warn!(
            "cannot run xdg-open ({why}); the file is {}",
            path.display()
        ),
    }
}

fn xdg_open(path: &Path) -> Command {
    let mut command = Command::new("xdg-open");
    command.arg(path).stdin(Stdio::null()).stdout(Stdio::null());
    command
}
