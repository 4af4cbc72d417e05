//! Appends the engine's history records to the history file, one whole line per write.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::Path;

use unhunch_core::history::HistoryRecord;

/// Appends one history line. The line is built first and written with a single `write` on a file
/// opened with O_APPEND, so concurrent writers and crashes never interleave or tear a line in the
/// middle of another.
pub fn append(path: &Path, record: &HistoryRecord) -> io::Result<()> {
    let mut line = serde_json::to_vec(record).map_err(io::Error::other)?;
    line.push(b'\n');
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir)?;
    }
    let mut file = OpenOptions::new().append(true).create(true).open(path)?;
    let written = file.write(&line)?;
    if written != line.len() {
        return Err(io::Error::new(
            io::ErrorKind::WriteZero,
            format!(
                "only {written} of {} bytes of a history line were written (disk full?)",
                line.len()
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::files::read_history;
    use std::path::PathBuf;
    use unhunch_core::Timestamp;
    use unhunch_core::history::HistoryEvent;

    fn temporary_dir(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("unhunch-history-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn history_lines_are_appended_and_damaged_ones_are_skipped_but_kept() {
        let dir = temporary_dir("history");
        let path = dir.join("history.jsonl");
        let first = HistoryRecord {
            at: Timestamp::from_unix_secs(1_800_000_000),
            event: HistoryEvent::Skipped { break_id: 1 },
        };
        append(&path, &first).unwrap();
        // A crash mid-line elsewhere: a torn line with no newline, then our next append.
        let mut file = OpenOptions::new().append(true).open(&path).unwrap();
        file.write_all(b"{\"at\":\"2026-11-23T10:").unwrap();
        file.write_all(b"\n").unwrap();
        let second = HistoryRecord {
            at: Timestamp::from_unix_secs(1_800_000_060),
            event: HistoryEvent::Resumed,
        };
        append(&path, &second).unwrap();
        let before = fs::read(&path).unwrap();

        let (records, warnings) = read_history(&path).unwrap();

        assert_eq!(records, vec![first, second]);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].contains("history.jsonl:2:"), "{}", warnings[0]);
        assert_eq!(
            fs::read(&path).unwrap(),
            before,
            "reading must not change the file"
        );
        fs::remove_dir_all(dir).unwrap();
    }
}
