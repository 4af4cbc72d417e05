//! The history window process (`unhunch-window --page history`), kept open at most once
//! ([`KeptWindow`]).

use std::path::{Path, PathBuf};

use super::kept_window::KeptWindow;
use super::window::{window_command, window_program};

/// The CSV export's file name, in the user's documents folder (their home folder without one):
/// a place they find again in a file manager or a spreadsheet's Open dialog.
const EXPORT_FILE_NAME: &str = "unhunch-history.csv";

pub struct HistoryWindow(KeptWindow);

impl Default for HistoryWindow {
    fn default() -> HistoryWindow {
        HistoryWindow(KeptWindow::new("history"))
    }
}

impl HistoryWindow {
    /// Raises the open history window, or starts one for `history_file`. An error is a sentence
    /// saying why no window could start.
    pub fn open_or_raise(&mut self, history_file: &Path) -> Result<(), String> {
        self.0.open_or_raise(|| {
            let mut command = window_command(&window_program());
            command
                .args(["--page", "history", "--from-daemon", "--history-file"])
                .arg(history_file)
                .arg("--export-to")
                .arg(export_file());
            command
        })
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
