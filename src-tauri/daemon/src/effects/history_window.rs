//! The history window process (`unhunch-window --page history`), at most one at a time.
//!
//! The daemon keeps the child and its stdin: History… while the window is open writes a `raise`
//! line instead of starting a second process, and the end of stdin (the daemon is gone) closes
//! the window. Its stdout is not read; its stderr goes to the daemon's log.

use std::path::{Path, PathBuf};
use std::process::Stdio;

use tokio::io::AsyncWriteExt;
use tokio::process::{Child, ChildStdin};
use tokio::sync::mpsc;
use tracing::{info, warn};

use super::window::{still_running, window_command, window_program};

/// The CSV export's file name, in the user's documents folder (their home folder without one):
/// a place they find again in a file manager or a spreadsheet's Open dialog.
const EXPORT_FILE_NAME: &str = "unhunch-history.csv";

#[derive(Default)]
pub struct HistoryWindow {
    /// Asks the open window's keeper task to raise it; sending fails once the window is gone.
    raise: Option<mpsc::UnboundedSender<()>>,
    /// The open window's process, to tell a window that has just exited from one that runs.
    pid: Option<u32>,
}

impl HistoryWindow {
    /// Raises the open history window, or starts one for `history_file`. An error is a sentence
    /// saying why no window could start.
    pub fn open_or_raise(&mut self, history_file: &Path) -> Result<(), String> {
        if let Some(raise) = &self.raise
            && still_running(self.pid)
            && raise.send(()).is_ok()
        {
            info!("raising the open history window");
            return Ok(());
        }
        let program = window_program();
        let export_file = export_file();
        let mut child = window_command(&program)
            .args(["--page", "history", "--from-daemon", "--history-file"])
            .arg(history_file)
            .arg("--export-to")
            .arg(&export_file)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .map_err(|why| format!("cannot start {} ({why})", program.display()))?;
        let Some(stdin) = child.stdin.take() else {
            return Err("the history window's stdin could not be connected".to_owned());
        };
        info!("history window started (pid {:?})", child.id());
        let (raise, raised) = mpsc::unbounded_channel();
        self.raise = Some(raise);
        self.pid = child.id();
        tokio::spawn(keep(child, stdin, raised));
        Ok(())
    }
}

/// Holds the window's stdin open while it runs and passes raise requests on; ends (dropping the
/// receiver, which tells [`HistoryWindow`] the window is gone) when the process exits.
async fn keep(mut child: Child, mut stdin: ChildStdin, mut raised: mpsc::UnboundedReceiver<()>) {
    loop {
        tokio::select! {
            status = child.wait() => {
                match status {
                    Ok(status) if status.success() => info!("the history window closed"),
                    Ok(status) => warn!("the history window ended with {status}"),
                    Err(why) => warn!("cannot wait for the history window: {why}"),
                }
                return;
            }
            Some(()) = raised.recv() => {
                let written = stdin.write_all(b"raise\n").await;
                if let Err(why) = written.and(stdin.flush().await) {
                    warn!("cannot ask the history window to come to the front: {why}");
                }
            }
        }
    }
}

/// `~/Documents/unhunch-history.csv` (the XDG documents folder), else in the home folder.
fn export_file() -> PathBuf {
    let folder = directories::UserDirs::new().map(|dirs| {
        dirs.document_dir()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| dirs.home_dir().to_path_buf())
    });
    folder.unwrap_or_default().join(EXPORT_FILE_NAME)
}
