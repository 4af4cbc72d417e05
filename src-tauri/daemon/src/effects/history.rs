//! Appends the engine's history records to the history file, one whole line per write, and keeps
//! the records that cannot be written in memory until writing works again.

use std::collections::VecDeque;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use tracing::{debug, error, info};
use unhunch_core::history::HistoryRecord;

use crate::files::{ReadFailure, open_regular};
use crate::inbox::{Inbox, Message};

/// The first wait before trying an unwritable history again; it doubles up to the longest, so an
/// outage of hours costs a wakeup every few seconds at most and a fixed disk is noticed quickly.
const FIRST_RETRY: Duration = Duration::from_millis(500);
const LONGEST_RETRY: Duration = Duration::from_secs(4);

/// The history file and the records not yet in it.
pub struct History {
    file: PathBuf,
    inbox: Inbox,
    /// Records that could not be written yet, oldest first: they go to the file in this order.
    unwritten: VecDeque<HistoryRecord>,
    /// Why writing failed, while it does: the user is told once when this begins and once when
    /// it ends, not for every break in between.
    failing: Option<String>,
    retry_scheduled: bool,
    next_retry: Duration,
}

/// What the user must hear about the history: that it cannot be written, or that it can again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub summary: String,
    pub body: String,
}

impl History {
    pub fn new(file: PathBuf, inbox: Inbox) -> History {
        History {
            file,
            inbox,
            unwritten: VecDeque::new(),
            failing: None,
            retry_scheduled: false,
            next_retry: FIRST_RETRY,
        }
    }

    /// Adds a record after every record still waiting. Returns a notice when writing has just
    /// begun to fail.
    pub fn record(&mut self, record: HistoryRecord) -> Option<Notice> {
        self.unwritten.push_back(record);
        self.write_waiting()
    }

    /// Tries the waiting records again (the retry timer went off). Returns a notice when writing
    /// works again.
    pub fn retry(&mut self) -> Option<Notice> {
        self.retry_scheduled = false;
        self.write_waiting()
    }

    /// A last try before the daemon exits; what still cannot be written goes to the log, whole,
    /// so the user can copy it back by hand.
    pub fn shut_down(&mut self) {
        let _ = self.write_waiting();
        for record in &self.unwritten {
            match serde_json::to_string(record) {
                Ok(line) => error!(
                    "this history line could not be written to {}; add it by hand: {line}",
                    self.file.display()
                ),
                Err(why) => error!("a history record could not even be written as JSON: {why}"),
            }
        }
    }

    fn write_waiting(&mut self) -> Option<Notice> {
        let waiting = self.unwritten.len();
        while let Some(record) = self.unwritten.front() {
            match append(&self.file, record) {
                Ok(()) => {
                    self.unwritten.pop_front();
                }
                Err(why) => return self.failed(why),
            }
        }
        self.next_retry = FIRST_RETRY;
        let why = self.failing.take()?;
        info!(
            "the history in {} can be written again ({why} is over): {waiting} waiting records written",
            self.file.display()
        );
        Some(Notice {
            summary: "Unhunch saves your breaks again".to_owned(),
            body: format!(
                "{}: the {waiting} break record{} kept in memory {} written, in order.",
                self.file.display(),
                if waiting == 1 { "" } else { "s" },
                if waiting == 1 { "is now" } else { "are now" },
            ),
        })
    }

    fn failed(&mut self, why: io::Error) -> Option<Notice> {
        self.schedule_retry();
        let waiting = self.unwritten.len();
        if self.failing.is_some() {
            debug!(
                "the history in {} still cannot be written ({why}); {waiting} records wait",
                self.file.display()
            );
            return None;
        }
        error!(
            "cannot add to the history in {} ({why}); the records wait in memory",
            self.file.display()
        );
        self.failing = Some(why.to_string());
        Some(Notice {
            summary: "Unhunch cannot save your breaks".to_owned(),
            body: format!(
                "{}: {why}. {} Until then Unhunch keeps your breaks in memory and writes them as \
                 soon as it can; if it quits first, they go to its log.",
                self.file.display(),
                advice(&why)
            ),
        })
    }

    /// Asks the owner, through the inbox, to try again after a while; one timer at a time.
    fn schedule_retry(&mut self) {
        if self.retry_scheduled {
            return;
        }
        self.retry_scheduled = true;
        let delay = self.next_retry;
        self.next_retry = (self.next_retry * 2).min(LONGEST_RETRY);
        let inbox = self.inbox.clone();
        tokio::spawn(async move {
            tokio::time::sleep(delay).await;
            let _ = inbox.send(Message::HistoryRetry);
        });
    }
}

/// What the user can do about a write error, by its cause.
fn advice(why: &io::Error) -> &'static str {
    // Linux error numbers: ENOSPC, EDQUOT, EROFS, EISDIR, EACCES, EPERM, EFBIG.
    match why.raw_os_error() {
        Some(28 | 122) => "The disk is full: free some space.",
        Some(30) => "The folder is read-only: make it writable again.",
        Some(21) => "A folder is where the history file should be: move it away.",
        Some(13 | 1) => {
            "Unhunch may not write there: check the permissions of the file and its folder."
        }
        Some(27) => {
            "The file is too large for its disk or a size limit: free space or move it away."
        }
        _ if why.kind() == io::ErrorKind::InvalidInput => {
            "Move it away; Unhunch starts a new file."
        }
        _ => "Check that the file and its folder can be written.",
    }
}

/// Appends one history line. The line is built first and written on a file opened with O_APPEND,
/// so concurrent writers never interleave. A line left torn by a crash or a full disk (no newline
/// at the end of the file) is ended first, so only that fragment is a damaged line and the new
/// record stays whole; and a write that fails half-way is cut off again, so it tears nothing.
pub fn append(path: &Path, record: &HistoryRecord) -> io::Result<()> {
    let mut line = serde_json::to_vec(record).map_err(io::Error::other)?;
    line.push(b'\n');
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir)?;
    }
    let (mut file, readable) = open_for_append(path)?;
    let length_before = file.metadata()?.len();
    if readable && length_before > 0 {
        let mut last = [0u8];
        file.read_exact_at(&mut last, length_before - 1)?;
        if last[0] != b'\n' {
            line.insert(0, b'\n');
        }
    }
    if let Err(why) = file.write_all(&line) {
        if let Err(truncate_error) = file.set_len(length_before) {
            error!(
                "cannot cut a half-written history line off {} ({truncate_error}); the next line starts on a new one",
                path.display()
            );
        }
        return Err(why);
    }
    Ok(())
}

/// Opens the history for appending, readable too when allowed (to look at its last byte); never
/// blocks, and refuses anything but a regular file.
fn open_for_append(path: &Path) -> io::Result<(File, bool)> {
    let open = |read: bool| {
        open_regular(
            path,
            OpenOptions::new().read(read).append(true).create(true),
        )
    };
    let result = match open(true) {
        Err(ReadFailure::Io(error)) if error.kind() == io::ErrorKind::PermissionDenied => {
            open(false).map(|file| (file, false))
        }
        other => other.map(|file| (file, true)),
    };
    result.map_err(|failure| match failure {
        ReadFailure::Io(error) => error,
        ReadFailure::NotRegular(what) => io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("it is {what}, not a regular file"),
        ),
    })
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
            event: HistoryEvent::Skipped {
                break_id: 1,
                sides: Vec::new(),
            },
        };
        append(&path, &first).unwrap();
        // A crash mid-line elsewhere: a torn line with no newline, then our next append, which
        // ends the torn line first so that only the fragment is damaged.
        let mut file = OpenOptions::new().append(true).open(&path).unwrap();
        file.write_all(b"{\"at\":\"2026-11-23T10:").unwrap();
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
