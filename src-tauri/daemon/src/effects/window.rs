//! Starting and closing the stretch window process (`unhunch-window`) and reading its reports.
//!
//! The plan goes in as JSON in `UNHUNCH_PLAN`; the window prints `WindowReport` lines on stdout.
//! When the process ends, the owner hears [`Message::WindowClosed`] with the outcome it reported,
//! or none (an abandoned break).

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::Stdio;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, ChildStdout};
use tokio::sync::oneshot;
use tracing::{debug, info, warn};
use unhunch_core::plan::{StretchPlan, WindowOutcome, WindowReport};

use crate::inbox::{Inbox, Message};

/// Names another program to run as the stretch window (a developer's build, a test's stand-in).
const WINDOW_PROGRAM_VARIABLE: &str = "UNHUNCH_WINDOW";

pub struct Windows {
    inbox: Inbox,
    /// Open windows by break, each with the switch that closes it.
    open: HashMap<u64, oneshot::Sender<()>>,
}

impl Windows {
    pub fn new(inbox: Inbox) -> Windows {
        Windows {
            inbox,
            open: HashMap::new(),
        }
    }

    pub fn open(&mut self, plan: &StretchPlan) -> Result<(), String> {
        let program = window_program();
        let plan_json = serde_json::to_string(plan)
            .map_err(|why| format!("cannot write the plan as JSON: {why}"))?;
        let mut child = tokio::process::Command::new(&program)
            .env("UNHUNCH_PLAN", plan_json)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .map_err(|why| format!("cannot start {}: {why}", program.display()))?;
        let stdout = child
            .stdout
            .take()
            .ok_or("the window's output could not be read")?;
        info!(
            "stretch window for break {} started (pid {:?}, routine {})",
            plan.break_id,
            child.id(),
            plan.routine.id
        );
        let (close, closed) = oneshot::channel();
        if let Some(older) = self.open.insert(plan.break_id, close) {
            let _ = older.send(());
        }
        tokio::spawn(watch(
            child,
            stdout,
            plan.break_id,
            closed,
            self.inbox.clone(),
        ));
        Ok(())
    }

    pub fn close(&mut self, break_id: u64) {
        if let Some(close) = self.open.remove(&break_id) {
            info!("closing the stretch window of break {break_id}");
            let _ = close.send(());
        }
    }

    pub fn close_all(&mut self) {
        for (_, close) in self.open.drain() {
            let _ = close.send(());
        }
    }

    pub fn exited(&mut self, break_id: u64) {
        self.open.remove(&break_id);
    }
}

/// `unhunch-window` next to our own executable (how it is installed and built), else from PATH.
fn window_program() -> PathBuf {
    if let Some(program) =
        std::env::var_os(WINDOW_PROGRAM_VARIABLE).filter(|value| !value.is_empty())
    {
        return PathBuf::from(program);
    }
    std::env::current_exe()
        .ok()
        .map(|exe| exe.with_file_name("unhunch-window"))
        .filter(|beside| beside.is_file())
        .unwrap_or_else(|| PathBuf::from("unhunch-window"))
}

/// Reads the window's reports until it exits (or is told to close), then tells the owner.
async fn watch(
    mut child: Child,
    stdout: ChildStdout,
    break_id: u64,
    mut close: oneshot::Receiver<()>,
    inbox: Inbox,
) {
    let mut lines = BufReader::new(stdout).lines();
    let mut outcome: Option<WindowOutcome> = None;
    let mut closing = false;
    loop {
        tokio::select! {
            line = lines.next_line() => match line {
                Ok(Some(line)) => read_report(&line, break_id, &mut outcome),
                Ok(None) => break,
                Err(why) => {
                    warn!("cannot read the stretch window's output: {why}");
                    break;
                }
            },
            _ = &mut close, if !closing => {
                closing = true;
                let _ = child.start_kill();
            }
        }
    }
    let status = tokio::select! {
        status = child.wait() => status,
        _ = &mut close, if !closing => {
            let _ = child.start_kill();
            child.wait().await
        }
    };
    match status {
        Ok(status) if status.success() || closing => {
            debug!("stretch window of break {break_id} exited: {status}")
        }
        Ok(status) => warn!("stretch window of break {break_id} exited with {status}"),
        Err(why) => warn!("cannot wait for the stretch window of break {break_id}: {why}"),
    }
    let _ = inbox.send(Message::WindowClosed { break_id, outcome });
}

fn read_report(line: &str, break_id: u64, outcome: &mut Option<WindowOutcome>) {
    match serde_json::from_str::<WindowReport>(line) {
        Ok(WindowReport::Painted {
            break_id: painted,
            at,
        }) => {
            debug!(target: "unhunch::window", break_id = painted, painted_at = %at, received_at = %crate::clock::now(), "window painted");
        }
        Ok(WindowReport::Outcome {
            break_id: reported,
            outcome: reported_outcome,
        }) => {
            if reported == break_id {
                *outcome = Some(reported_outcome);
            } else {
                warn!(
                    "the window of break {break_id} reported an outcome for break {reported}; ignored"
                );
            }
        }
        Err(_) => debug!(target: "unhunch::window", "window said: {line}"),
    }
}
