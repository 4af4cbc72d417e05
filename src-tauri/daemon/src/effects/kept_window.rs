//! A window the daemon keeps open at most once: the settings window and the history window. The
//! first request starts its process; the next ones, while it runs, write a `raise` line on its
//! stdin instead of starting a second. The daemon holds the stdin, so the end of it (the daemon
//! stopped) closes the window. The window's stdout is not read; its stderr goes to the daemon's
//! log.

use std::process::Stdio;

use tokio::io::AsyncWriteExt;
use tokio::process::{Child, ChildStdin, Command};
use tokio::sync::mpsc;
use tracing::{info, warn};

/// One kind of kept window, open or not.
pub struct KeptWindow {
    /// "settings", "history": how the log names it.
    name: &'static str,
    /// Asks the open window's keeper task to raise it; sending fails once that task has ended.
    raise: Option<mpsc::UnboundedSender<()>>,
    /// The open window's process, to tell a window that has just exited from one that runs.
    pid: Option<u32>,
}

impl KeptWindow {
    pub const fn new(name: &'static str) -> KeptWindow {
        KeptWindow {
            name,
            raise: None,
            pid: None,
        }
    }

    /// Raises the open window, or starts the one `command` makes (called only when none runs).
    /// An error is a sentence saying why no window could start.
    pub fn open_or_raise(&mut self, command: impl FnOnce() -> Command) -> Result<(), String> {
        let name = self.name;
        if let Some(raise) = &self.raise
            && still_running(self.pid)
            && raise.send(()).is_ok()
        {
            info!("raising the open {name} window");
            return Ok(());
        }
        let mut command = command();
        let program = command.as_std().get_program().to_owned();
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .map_err(|why| format!("cannot start {} ({why}).", program.display()))?;
        let Some(stdin) = child.stdin.take() else {
            return Err(format!("the {name} window's stdin could not be connected."));
        };
        info!("{name} window started (pid {:?})", child.id());
        let (raise, raised) = mpsc::unbounded_channel();
        self.raise = Some(raise);
        self.pid = child.id();
        tokio::spawn(keep(name, child, stdin, raised));
        Ok(())
    }
}

/// Holds the window's stdin open while it runs and passes raise requests on; ends (dropping the
/// receiver, which tells [`KeptWindow`] the window is gone) when the process exits.
async fn keep(
    name: &'static str,
    mut child: Child,
    mut stdin: ChildStdin,
    mut raised: mpsc::UnboundedReceiver<()>,
) {
    loop {
        tokio::select! {
            status = child.wait() => {
                match status {
                    Ok(status) if status.success() => info!("the {name} window closed"),
                    Ok(status) => warn!("the {name} window ended with {status}"),
                    Err(why) => warn!("cannot wait for the {name} window: {why}"),
                }
                return;
            }
            Some(()) = raised.recv() => {
                let written = stdin.write_all(b"raise\n").await;
                if let Err(why) = written.and(stdin.flush().await) {
                    warn!("cannot ask the {name} window to come to the front: {why}");
                }
            }
        }
    }
}

/// Whether the window process `pid`, a child the daemon has not yet waited for, still runs. A
/// window that has just exited is a zombie until the task holding it notices; a request in that
/// moment must start a new window rather than raise the one that is gone.
fn still_running(pid: Option<u32>) -> bool {
    pid.and_then(|pid| std::fs::read_to_string(format!("/proc/{pid}/stat")).ok())
        .is_some_and(|stat| stat_says_running(&stat))
}

/// Whether a `/proc/PID/stat` line's state is other than zombie (Z) or dead (X).
fn stat_says_running(stat: &str) -> bool {
    // The state follows the command name, which is in parentheses and may hold anything.
    stat.rsplit_once(')')
        .and_then(|(_, rest)| rest.trim_start().chars().next())
        .is_some_and(|state| state != 'Z' && state != 'X')
}

#[cfg(test)]
mod tests {
    use super::{stat_says_running, still_running};

    #[test]
    fn a_zombie_or_dead_process_is_gone_whatever_its_name() {
        assert!(stat_says_running(
            "4242 (unhunch-window) S 1 4242 4242 0 -1"
        ));
        assert!(stat_says_running("4242 (a) Z (b) R 1 4242"));
        assert!(!stat_says_running(
            "4242 (unhunch-window) Z 1 4242 4242 0 -1"
        ));
        assert!(!stat_says_running("4242 (a) S (b) X 1 4242"));
        assert!(!stat_says_running("4242 (cut"));
    }

    #[test]
    fn this_process_runs_and_no_process_does_not() {
        assert!(still_running(Some(std::process::id())));
        assert!(!still_running(None));
    }
}
