//! The one place that turns the window's results into IO: `WindowReport` JSON lines on stdout,
//! stamped with the wall clock, flushed at once so the daemon sees them before the process exits.

use std::io::Write;
use std::sync::Mutex;
use std::time::SystemTime;

use unhunch_core::Timestamp;
use unhunch_core::plan::{WindowOutcome, WindowReport};

/// Writes `painted` at most once and `outcome` at most once, whatever the page asks.
pub struct Reporter {
    inner: Mutex<ReporterState>,
}

struct ReporterState {
    out: Box<dyn Write + Send>,
    painted_sent: bool,
    outcome_sent: bool,
}

/// Why a report was not written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportError {
    /// An outcome was already reported; a break ends once.
    OutcomeAlreadySent,
    /// Stdout is gone (the daemon died or closed the pipe); the message says what the OS said.
    Write(String),
}

impl std::fmt::Display for ReportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReportError::OutcomeAlreadySent => {
                f.write_str("this break's outcome was already reported")
            }
            ReportError::Write(message) => {
                write!(f, "could not write the report to stdout: {message}")
            }
        }
    }
}

impl Reporter {
    /// Reports to the process's stdout, which the daemon reads.
    pub fn stdout() -> Reporter {
        Reporter::to_writer(Box::new(std::io::stdout()))
    }

    /// Reports to any writer (used by unit tests to read what would have been printed).
    pub fn to_writer(out: Box<dyn Write + Send>) -> Reporter {
        Reporter {
            inner: Mutex::new(ReporterState {
                out,
                painted_sent: false,
                outcome_sent: false,
            }),
        }
    }

    /// Prints the `painted` line, stamped now, the first time it is called; later calls (a page
    /// reload, "Another stretch") print nothing.
    pub fn painted(&self, break_id: u64) -> Result<(), ReportError> {
        let mut state = self.lock();
        if state.painted_sent {
            return Ok(());
        }
        let report = WindowReport::Painted {
            break_id,
            at: wall_clock_now(),
        };
        write_line(&mut state.out, &report)?;
        state.painted_sent = true;
        Ok(())
    }

    /// Prints the `outcome` line. Only the first outcome counts: a second one is refused so a
    /// double click can never report a break twice.
    pub fn outcome(&self, break_id: u64, outcome: WindowOutcome) -> Result<(), ReportError> {
        let mut state = self.lock();
        if state.outcome_sent {
            return Err(ReportError::OutcomeAlreadySent);
        }
        // Marked before writing: even if stdout is broken, the window closes once, not twice.
        state.outcome_sent = true;
        write_line(&mut state.out, &WindowReport::Outcome { break_id, outcome })
    }

    /// Prints that this window speaks another contract than the daemon's `daemon_contract`, and so
    /// shows nothing.
    pub fn other_contract(&self, daemon_contract: u32) -> Result<(), ReportError> {
        let report = WindowReport::OtherContract {
            daemon_contract,
            window_contract: unhunch_core::plan::PLAN_CONTRACT,
            window_version: env!("CARGO_PKG_VERSION").to_owned(),
        };
        write_line(&mut self.lock().out, &report)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, ReporterState> {
        // A panic while holding the lock leaves plain flags behind, which are still usable.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

fn write_line(out: &mut Box<dyn Write + Send>, report: &WindowReport) -> Result<(), ReportError> {
    let mut line =
        serde_json::to_string(report).map_err(|error| ReportError::Write(error.to_string()))?;
    line.push('\n');
    out.write_all(line.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|error| ReportError::Write(error.to_string()))
}

/// The wall clock, read here because the core never reads one.
fn wall_clock_now() -> Timestamp {
    Timestamp::from_system_time(SystemTime::now())
}

/// What the window's tests read the reports back with.
#[cfg(test)]
pub(crate) mod test_support {
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    use unhunch_core::plan::WindowReport;

    /// A writer the test can read back after the reporter wrote to it.
    #[derive(Clone, Default)]
    pub struct SharedBuffer(Arc<Mutex<Vec<u8>>>);

    impl Write for SharedBuffer {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    pub fn lines(buffer: &SharedBuffer) -> Vec<WindowReport> {
        String::from_utf8(buffer.0.lock().unwrap().clone())
            .unwrap()
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::{SharedBuffer, lines};
    use super::*;

    #[test]
    fn painted_is_printed_once_and_outcome_once() {
        let buffer = SharedBuffer::default();
        let reporter = Reporter::to_writer(Box::new(buffer.clone()));
        reporter.painted(7).unwrap();
        reporter.painted(7).unwrap();
        reporter.outcome(7, WindowOutcome::Snoozed).unwrap();
        assert_eq!(
            reporter.outcome(7, WindowOutcome::Skipped { sides_done: vec![] }),
            Err(ReportError::OutcomeAlreadySent)
        );
        let printed = lines(&buffer);
        assert_eq!(printed.len(), 2, "{printed:?}");
        assert!(matches!(
            printed[0],
            WindowReport::Painted { break_id: 7, .. }
        ));
        assert_eq!(
            printed[1],
            WindowReport::Outcome {
                break_id: 7,
                outcome: WindowOutcome::Snoozed
            }
        );
    }

    #[test]
    fn painted_is_stamped_with_the_wall_clock() {
        let buffer = SharedBuffer::default();
        let reporter = Reporter::to_writer(Box::new(buffer.clone()));
        let before = wall_clock_now();
        reporter.painted(1).unwrap();
        let after = wall_clock_now();
        match &lines(&buffer)[0] {
            WindowReport::Painted { at, .. } => assert!(before <= *at && *at <= after, "{at:?}"),
            other => panic!("expected painted, got {other:?}"),
        }
    }
}
