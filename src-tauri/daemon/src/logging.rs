//! The daemon's log: to stderr and to a small file in `$XDG_STATE_HOME/unhunch/`.
//!
//! The file is capped: past [`LOG_FILE_CAP`] bytes it is renamed to `unhunch.log.1` (replacing the
//! previous one) and a new file starts, so a daemon that runs for months keeps at most two small
//! files. The filter follows `RUST_LOG` (`info`, `debug`, `unhunch=debug,zbus=warn`, …).

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use tracing_subscriber::filter::Targets;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;

/// Each of the two log files stays under this size.
pub const LOG_FILE_CAP: u64 = 256 * 1024;

/// Quiet by default: Unhunch's own news, and only warnings from the D-Bus and tray libraries.
const DEFAULT_FILTER: &str = "info,zbus=warn,ksni=warn,notify_rust=warn";

pub fn init(log_file: &Path) {
    let filter_text = std::env::var("RUST_LOG")
        .ok()
        .filter(|text| !text.trim().is_empty());
    let (filter, filter_problem) = match filter_text.as_deref().map(str::parse::<Targets>) {
        None => (
            DEFAULT_FILTER
                .parse::<Targets>()
                .expect("the default filter is valid"),
            None,
        ),
        Some(Ok(filter)) => (filter, None),
        Some(Err(why)) => (
            DEFAULT_FILTER
                .parse::<Targets>()
                .expect("the default filter is valid"),
            Some(format!(
                "RUST_LOG is not a filter Unhunch understands ({why}); logging at info"
            )),
        ),
    };
    let file = match CappedFile::open(log_file) {
        Ok(file) => Some(file),
        Err(why) => {
            eprintln!(
                "unhunch: cannot write the log file {}: {why}; logging to stderr only",
                log_file.display()
            );
            None
        }
    };
    let subscriber = tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(io::stderr)
                .with_ansi(false),
        )
        .with(file.map(|file| {
            tracing_subscriber::fmt::layer()
                .with_writer(file)
                .with_ansi(false)
        }))
        .with(filter);
    if tracing::subscriber::set_global_default(subscriber).is_err() {
        eprintln!("unhunch: logging was already set up");
    }
    if let Some(problem) = filter_problem {
        tracing::warn!("{problem}");
    }
}

/// A log file that starts over (keeping one previous file) when it reaches [`LOG_FILE_CAP`].
#[derive(Clone)]
pub struct CappedFile {
    inner: Arc<Mutex<CappedState>>,
}

struct CappedState {
    path: PathBuf,
    file: File,
    written: u64,
}

impl CappedFile {
    pub fn open(path: &Path) -> io::Result<CappedFile> {
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir)?;
        }
        let file = OpenOptions::new().append(true).create(true).open(path)?;
        let written = file.metadata()?.len();
        Ok(CappedFile {
            inner: Arc::new(Mutex::new(CappedState {
                path: path.to_path_buf(),
                file,
                written,
            })),
        })
    }
}

impl CappedState {
    fn start_over(&mut self) -> io::Result<()> {
        let mut previous = self.path.clone().into_os_string();
        previous.push(".1");
        fs::rename(&self.path, previous)?;
        self.file = OpenOptions::new()
            .append(true)
            .create(true)
            .open(&self.path)?;
        self.written = 0;
        Ok(())
    }
}

impl Write for CappedFile {
    fn write(&mut self, buffer: &[u8]) -> io::Result<usize> {
        let mut state = self
            .inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if state.written > 0 && state.written + buffer.len() as u64 > LOG_FILE_CAP {
            // If the rename fails (read-only folder…), keep appending rather than lose the line.
            let _ = state.start_over();
        }
        let written = state.file.write(buffer)?;
        state.written += written as u64;
        Ok(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .file
            .flush()
    }
}

impl<'a> MakeWriter<'a> for CappedFile {
    type Writer = CappedFile;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_file_starts_over_past_its_cap_and_keeps_one_previous_file() {
        let dir = std::env::temp_dir().join(format!("unhunch-log-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let path = dir.join("unhunch.log");
        let mut log = CappedFile::open(&path).unwrap();
        let line = vec![b'x'; 1000];
        for _ in 0..(3 * LOG_FILE_CAP / 1000) {
            log.write_all(&line).unwrap();
        }
        let current = fs::metadata(&path).unwrap().len();
        let previous = fs::metadata(dir.join("unhunch.log.1")).unwrap().len();
        assert!(
            current <= LOG_FILE_CAP && previous <= LOG_FILE_CAP,
            "{current} {previous}"
        );
        assert!(previous > LOG_FILE_CAP / 2);
        fs::remove_dir_all(dir).unwrap();
    }
}
