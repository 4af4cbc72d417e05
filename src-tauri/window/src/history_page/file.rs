//! The history window's file work: reading the history file, writing the CSV export whole, and
//! clearing the history without ever losing a line.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use unhunch_core::history::HistoryRecord;

/// Every readable record and how many lines were damaged (skipped here, left in the file, as the
/// daemon does). A missing file is an empty history.
pub fn read_records(path: &Path) -> io::Result<(Vec<HistoryRecord>, usize)> {
    let bytes = match fs::read(path) {
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok((Vec::new(), 0)),
        other => other?,
    };
    // About 60 bytes a line: one allocation for the whole file.
    let mut records = Vec::with_capacity(bytes.len() / 60);
    let mut damaged = 0;
    for line in bytes.split(|byte| *byte == b'\n') {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match serde_json::from_slice::<HistoryRecord>(line) {
            Ok(record) => records.push(record),
            Err(_) => damaged += 1,
        }
    }
    Ok((records, damaged))
}

/// Writes `text` to `path` through a temporary file renamed into place, so a reader (a
/// spreadsheet with the last export open) never sees half a file.
pub fn write_whole(path: &Path, text: &str) -> io::Result<()> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir)?;
    }
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    fs::write(&partial, text)?;
    fs::rename(&partial, path)
}

/// The backup a clear at `stamp` (`2026-12-02T03-17-00`) keeps: `history-<stamp>.jsonl` next to
/// the history file, with `-2`, `-3`... when that name is taken.
fn backup_path(history_file: &Path, stamp: &str, attempt: u32) -> PathBuf {
    let name = if attempt == 1 {
        format!("history-{stamp}.jsonl")
    } else {
        format!("history-{stamp}-{attempt}.jsonl")
    };
    history_file.with_file_name(name)
}

/// Clears the history and returns the backup that holds everything it had (`None` when there was
/// no history). The backup is a hard link to the file made first (it fails rather than replace
/// any file), and only then is the history's name removed: at no moment is a line only in
/// memory, and a line the daemon appends in between lands in the backup, since both names are
/// the same file until the removal. The daemon's next line starts a new file.
pub fn clear(history_file: &Path, stamp: &str) -> io::Result<Option<PathBuf>> {
    if !history_file.exists() {
        return Ok(None);
    }
    let mut attempt = 1;
    let backup = loop {
        let backup = backup_path(history_file, stamp, attempt);
        match fs::hard_link(history_file, &backup) {
            Ok(()) => break backup,
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists && attempt < 100 => {
                attempt += 1;
            }
            Err(error) => return Err(error),
        }
    };
    fs::remove_file(history_file)?;
    Ok(Some(backup))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "unhunch-history-page-{name}-{}",
            std::process::id()
        ));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn clearing_keeps_every_line_in_a_dated_backup_and_never_replaces_one() {
        let dir = scratch("clear");
        let history = dir.join("history.jsonl");
        fs::write(&history, "first\n").unwrap();
        let backup = clear(&history, "2026-12-02T03-17-00").unwrap().unwrap();
        assert_eq!(backup, dir.join("history-2026-12-02T03-17-00.jsonl"));
        assert_eq!(fs::read_to_string(&backup).unwrap(), "first\n");
        assert!(!history.exists());
        fs::write(&history, "second\n").unwrap();
        let second = clear(&history, "2026-12-02T03-17-00").unwrap().unwrap();
        assert_eq!(second, dir.join("history-2026-12-02T03-17-00-2.jsonl"));
        assert_eq!(fs::read_to_string(&backup).unwrap(), "first\n");
        assert_eq!(fs::read_to_string(&second).unwrap(), "second\n");
        assert_eq!(clear(&history, "2026-12-02T03-17-00").unwrap(), None);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn damaged_lines_are_counted_and_skipped() {
        let dir = scratch("read");
        let history = dir.join("history.jsonl");
        fs::write(
            &history,
            "{\"at\":\"2026-11-23T10:25:00Z\",\"event\":\"skipped\",\"break_id\":4}\nnot json\n\n",
        )
        .unwrap();
        let (records, damaged) = read_records(&history).unwrap();
        assert_eq!((records.len(), damaged), (1, 1));
        assert_eq!(read_records(&dir.join("none.jsonl")).unwrap().1, 0);
        fs::remove_dir_all(&dir).unwrap();
    }
}
