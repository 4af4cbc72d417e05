//! Starting and closing the stretch window process (`unhunch-window`) and reading its reports.
//!
//! The plan goes in as one JSON line on the window's stdin (`--plan-contract 2 --plan-on-stdin`;
//! an environment variable is capped at 128 KiB, which a long user routine outgrew). The daemon
//! then keeps stdin open for as long as the window runs and writes nothing more (but `show`, below): its end tells the
//! window that the daemon is gone. The window prints `WindowReport` lines on stdout. An outcome
//! reaches the owner as [`Message::WindowReported`] the moment it is printed (and its first painted
//! frame as [`Message::WindowPainted`], which the engine waits for before it counts the break as on
//! screen), since a completed break's window stays open on its finish screen; when the process ends the owner hears [`Message::WindowExited`],
//! which counts as an abandoned break only if nothing was reported.
//!
//! The heads-up's warm start: a window can also be prepared (`--hidden`): started as above, it
//! loads the plan and lays out its first screen without showing anything, and waits for one more
//! line on stdin, `show`. Start writes it; ending the prepared window kills and reaps it. A
//! prepared window that is never shown tells the owner nothing when it ends (it was never a break
//! on screen), and its painted report, like every window's, comes only after it was shown, so the
//! engine's paint timeout counts from Start. If it died while hidden, Start opens a window cold.
//!
//! A window of another plan contract (`unhunch_core::plan`) shows nothing and exits: a newer one
//! says so on stdout, and one from before the contract numbers (Unhunch 0.1.0) refuses
//! `--plan-contract` as an unknown argument. Either way the owner hears a [`WindowFailure`] that
//! names the program and its version and says what to do.

use std::collections::{HashMap, VecDeque};
use std::path::PathBuf;
use std::process::Stdio;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, ChildStderr, ChildStdin, ChildStdout};
use tokio::sync::oneshot;
use tracing::{debug, info, warn};
use unhunch_core::plan::{
    PLAN_CONTRACT, PLAN_CONTRACT_OPTION, RoutineView, StretchPlan, WindowReport,
};

use crate::inbox::{Inbox, Message, WindowFailure};
use crate::programs;

/// Names another program to run as the stretch window (a developer's build, a test's stand-in).
const WINDOW_PROGRAM_VARIABLE: &str = "UNHUNCH_WINDOW";

/// How many of the window's last stderr lines explain a window that failed to open.
const STDERR_LINES_KEPT: usize = 4;

/// How long the window's stderr is still read after the process ended.
const STDERR_DRAIN: std::time::Duration = std::time::Duration::from_secs(1);

/// The argument that starts `unhunch-window` hidden, to be shown by a `show` line on stdin.
const HIDDEN_OPTION: &str = "--hidden";

/// The line that shows a prepared window.
const SHOW_LINE: &str = "show\n";

pub struct Windows {
    inbox: Inbox,
    /// Open windows by break, each with the switch that closes it and the routine it was started
    /// with (shown as text if the window fails).
    open: HashMap<u64, (oneshot::Sender<()>, RoutineView)>,
    /// The window prepared hidden on the heads-up, if any.
    prepared: Option<Prepared>,
}

/// A window started hidden for `plan`; `running` is `None` when it could not be started (Start
/// then opens one cold).
struct Prepared {
    plan: StretchPlan,
    running: Option<Switches>,
}

/// What shows a prepared window and what closes it.
struct Switches {
    show: oneshot::Sender<()>,
    close: oneshot::Sender<()>,
}

impl Windows {
    pub fn new(inbox: Inbox) -> Windows {
        Windows {
            inbox,
            open: HashMap::new(),
            prepared: None,
        }
    }

    /// Starts the window for `plan` and shows it. An error is a sentence saying why it could not
    /// start.
    pub fn open(&mut self, plan: &StretchPlan) -> Result<(), String> {
        // One window at a time: a new break's window replaces an older one still on its finish
        // screen (that break's outcome is already in), and a prepared one of another plan.
        self.close_all();
        let close = self.start(plan, None)?;
        self.open
            .insert(plan.break_id, (close, plan.routine.clone()));
        Ok(())
    }

    /// Starts the window for `plan` hidden, for [`Windows::show_prepared`] to show. A window
    /// that cannot be started is only logged: Start will open one cold, and say why if that
    /// fails too.
    pub fn prepare(&mut self, plan: &StretchPlan) {
        self.end_prepared();
        let (show, shown) = oneshot::channel();
        let running = match self.start(plan, Some(shown)) {
            Ok(close) => Some(Switches { show, close }),
            Err(why) => {
                warn!(
                    "cannot prepare the stretch window of break {}: {why}",
                    plan.break_id
                );
                None
            }
        };
        self.prepared = Some(Prepared {
            plan: plan.clone(),
            running,
        });
    }

    /// Shows the window prepared for `break_id`, or opens one cold when the prepared one could not
    /// be started or is gone. An error is a sentence saying why no window could be opened; the
    /// routine comes with it, for the notification that shows the stretch as text instead.
    pub fn show_prepared(
        &mut self,
        break_id: u64,
    ) -> Result<(), (String, Option<Box<RoutineView>>)> {
        let Some(prepared) = self.prepared.take() else {
            return Err((format!("no window was prepared for break {break_id}"), None));
        };
        if prepared.plan.break_id != break_id {
            let routine = Some(Box::new(prepared.plan.routine.clone()));
            self.prepared = Some(prepared);
            self.end_prepared();
            return Err((
                format!("no window was prepared for break {break_id}"),
                routine,
            ));
        }
        let Prepared { plan, running } = prepared;
        if let Some(Switches { show, close }) = running {
            // Fails only when the prepared window has ended already.
            if show.send(()).is_ok() {
                info!("showing the stretch window prepared for break {break_id}");
                self.close_all();
                self.open.insert(break_id, (close, plan.routine));
                return Ok(());
            }
            warn!("the stretch window prepared for break {break_id} is gone; opening one");
        }
        self.open(&plan)
            .map_err(|why| (why, Some(Box::new(plan.routine))))
    }

    /// Ends the prepared window at once: the child is killed and reaped by its watch.
    pub fn end_prepared(&mut self) {
        if let Some(Prepared { plan, running }) = self.prepared.take() {
            info!(
                "ending the stretch window prepared for break {}",
                plan.break_id
            );
            if let Some(switches) = running {
                let _ = switches.close.send(());
            }
        }
    }

    /// Starts the window process for `plan`, hidden until `show` fires when given; returns the
    /// switch that closes it.
    fn start(
        &mut self,
        plan: &StretchPlan,
        show: Option<oneshot::Receiver<()>>,
    ) -> Result<oneshot::Sender<()>, String> {
        let program = window_program();
        let mut plan_line = serde_json::to_string(plan)
            .map_err(|why| format!("cannot write the plan as JSON: {why}"))?;
        plan_line.push('\n');
        let mut command = window_command(&program);
        command
            .arg(PLAN_CONTRACT_OPTION)
            .arg(PLAN_CONTRACT.to_string())
            .arg("--plan-on-stdin");
        if show.is_some() {
            command.arg(HIDDEN_OPTION);
        }
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .map_err(|why| cannot_start(&program, &why))?;
        let (Some(stdin), Some(stdout), Some(stderr)) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            return Err("the window's stdin, stdout or stderr could not be connected".to_owned());
        };
        info!(
            "stretch window for break {} started{} (pid {:?}, routine {}, plan of {} bytes)",
            plan.break_id,
            if show.is_some() { " hidden" } else { "" },
            child.id(),
            plan.routine.id,
            plan_line.len()
        );
        let (close, closed) = oneshot::channel();
        tokio::spawn(watch(
            Window {
                child,
                stdin,
                stdout,
                stderr,
                break_id: plan.break_id,
                program,
            },
            plan_line,
            show,
            closed,
            self.inbox.clone(),
        ));
        Ok(close)
    }

    pub fn close(&mut self, break_id: u64) {
        if let Some((close, _)) = self.open.remove(&break_id) {
            info!("closing the stretch window of break {break_id}");
            let _ = close.send(());
        }
    }

    pub fn close_all(&mut self) {
        self.end_prepared();
        for (_, (close, _)) in self.open.drain() {
            let _ = close.send(());
        }
    }

    /// Forgets the window of `break_id`; returns the routine it was started with, if it was
    /// still open.
    pub fn exited(&mut self, break_id: u64) -> Option<RoutineView> {
        self.open.remove(&break_id).map(|(_, routine)| routine)
    }
}

/// WebKit's variable that has the web process hand its painted frames to the window in plain
/// shared memory instead of DMA-BUF buffers.
const DMABUF_RENDERER_OFF: &str = "WEBKIT_DISABLE_DMABUF_RENDERER";

/// Starts the window with WebKit's DMA-BUF renderer off, unless the user chose for themselves.
/// The window paints its page in software (its WebKit settings turn hardware acceleration off),
/// so DMA-BUF buffers bring nothing but their cost: with them, WebKit's UI process sets up a GL
/// context to draw them, on the cold start's critical path before the web process is even
/// started (Mesa and its LLVM loaded, traced with strace on Xvfb). Plain memory paints the same
/// pixels (screenshots compared), starts the web process right after the network process
/// instead of after that GL set-up, and brought the first frame about 40 ms sooner on a lightly
/// loaded 2-core machine, 0.4 s and more on a heavily loaded one. WebKit reads the setting only from its environment, which the daemon sets here
/// for free; the window would have to start itself again to set it. It also spares the window
/// that restart on a Wayland desktop without a render node (`renderer.rs` in the window).
fn share_frames_in_plain_memory(command: &mut tokio::process::Command) {
    if std::env::var_os(DMABUF_RENDERER_OFF).is_none() {
        command.env(DMABUF_RENDERER_OFF, "1");
    }
}

/// `unhunch-window` as the daemon starts it for every window (stretch, settings, history): its
/// pages load only the app's own files and are painted in software, and it has no system bus.
pub(super) fn window_command(program: &std::path::Path) -> tokio::process::Command {
    let mut command = tokio::process::Command::new(program);
    // GLib's default network monitor would open a netlink socket in WebKit's network process to
    // watch for network changes that mean nothing here. The base monitor opens none.
    command.env("GIO_USE_NETWORK_MONITOR", "base");
    share_frames_in_plain_memory(&mut command);
    lighten_the_window(&mut command);
    keep_off_the_system_bus(&mut command);
    command
}

/// Starts the window with no system bus: an address of a transport that does not exist, which
/// GLib refuses before it opens any socket. No window needs the system bus, and WebKit's
/// connection to it hangs one start in fifty: its network process watches the system's power
/// profile (`g_power_profile_monitor_dup_default`), which connects to the system bus on a GLib
/// worker thread while the main thread builds its HTTP session, and with GLib 2.74 (Debian 12)
/// the two threads can deadlock registering GLib types (seen with gdb). WebKit gives up on that
/// network process after 6 s and starts another, so the break's window came 6 s late: in 4 of
/// 200 cold starts on Xvfb, and in none of 200 without the system bus. WebKit then knows nothing
/// of a power-saver profile, which would only slow the page's timers.
fn keep_off_the_system_bus(command: &mut tokio::process::Command) {
    command.env(SYSTEM_BUS_ADDRESS, NO_BUS);
}

/// Where GLib and libdbus look for the system bus, and an address of no transport.
const SYSTEM_BUS_ADDRESS: &str = "DBUS_SYSTEM_BUS_ADDRESS";
const NO_BUS: &str = "disabled:";

/// `unhunch-window` next to our own executable (how it is installed and built, and where an
/// upgrade puts the new one while this daemon runs on), else from PATH.
pub(super) fn window_program() -> PathBuf {
    if let Some(program) =
        std::env::var_os(WINDOW_PROGRAM_VARIABLE).filter(|value| !value.is_empty())
    {
        return PathBuf::from(program);
    }
    programs::beside_this_program("unhunch-window")
        .unwrap_or_else(|| PathBuf::from("unhunch-window"))
}

/// Why the window program could not be started, in words that do not send the user looking for a
/// missing file when the file is there.
fn cannot_start(program: &std::path::Path, why: &std::io::Error) -> String {
    match why.kind() {
        std::io::ErrorKind::NotFound => format!(
            "cannot start {}: it was not found. Is unhunch-window installed next to unhunch?",
            program.display()
        ),
        std::io::ErrorKind::PermissionDenied => format!(
            "cannot start {}: permission denied (is it executable?)",
            program.display()
        ),
        _ => format!("cannot start {}: {why}", program.display()),
    }
}

/// A started window process with its pipes.
struct Window {
    child: Child,
    /// Kept open until the process has ended: its end is how the window learns the daemon is gone.
    stdin: ChildStdin,
    stdout: ChildStdout,
    stderr: ChildStderr,
    break_id: u64,
    program: PathBuf,
}

/// Writes the plan (and, for a prepared window, `show` once `show` fires), then reads the window's
/// reports until it exits (or is told to close), passing an outcome on as soon as it is reported,
/// and finally tells the owner the window is gone, unless it was a prepared window never shown.
async fn watch(
    window: Window,
    plan_line: String,
    show: Option<oneshot::Receiver<()>>,
    mut close: oneshot::Receiver<()>,
    inbox: Inbox,
) {
    let Window {
        mut child,
        mut stdin,
        stdout,
        stderr,
        break_id,
        program,
    } = window;
    let hidden = show.is_some();
    // Set when Start came for a prepared window: from then on it is a break on screen.
    let shown = std::sync::atomic::AtomicBool::new(!hidden);
    // Written alongside reading the output: a plan of several MiB does not fit in the pipe, and
    // the owner loop must never wait for a window to read. `show` follows the plan on the same
    // pipe, so it can never overtake it.
    let write_plan = async {
        stdin.write_all(plan_line.as_bytes()).await?;
        stdin.flush().await?;
        if let Some(show) = show
            && show.await.is_ok()
        {
            shown.store(true, std::sync::atomic::Ordering::SeqCst);
            stdin.write_all(SHOW_LINE.as_bytes()).await?;
            stdin.flush().await?;
        }
        Ok::<(), std::io::Error>(())
    };
    tokio::pin!(write_plan);
    let mut plan_pending = true;
    let mut lines = BufReader::new(stdout).lines();
    let mut stderr_open = true;
    let mut stderr_lines = BufReader::new(stderr).lines();
    let mut last_stderr: VecDeque<String> = VecDeque::new();
    let mut reports = Reports::default();
    let mut closing = false;
    loop {
        tokio::select! {
            written = &mut write_plan, if plan_pending => {
                plan_pending = false;
                if let Err(why) = written {
                    warn!("cannot hand the plan to the stretch window of break {break_id}: {why}");
                }
            }
            line = lines.next_line() => match line {
                Ok(Some(line)) => {
                    let painted_before = reports.painted;
                    let outcome = reports.read(&line, break_id);
                    if reports.painted && !painted_before {
                        if shown.load(std::sync::atomic::Ordering::SeqCst) {
                            let _ = inbox.send(Message::WindowPainted { break_id });
                        } else {
                            // Not a frame anyone saw: the one painted after `show` counts.
                            debug!("the window prepared for break {break_id} reported a paint while hidden; ignored");
                            reports.painted = false;
                        }
                    }
                    if let Some(outcome) = outcome {
                        let _ = inbox.send(Message::WindowReported { break_id, outcome });
                    }
                }
                Ok(None) => break,
                Err(why) => {
                    warn!("cannot read the stretch window's output: {why}");
                    break;
                }
            },
            line = stderr_lines.next_line(), if stderr_open => match line {
                Ok(Some(line)) => {
                    reports.read_stderr(&line);
                    remember(&mut last_stderr, line);
                }
                _ => stderr_open = false,
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
            closing = true;
            let _ = child.start_kill();
            child.wait().await
        }
    };
    // A last word on stderr may still be in the pipe. The process is gone, but a helper it started
    // could hold the pipe open, so the rest is read for a moment only.
    if stderr_open {
        let rest_of_stderr = async {
            while let Ok(Some(line)) = stderr_lines.next_line().await {
                reports.read_stderr(&line);
                remember(&mut last_stderr, line);
            }
        };
        let _ = tokio::time::timeout(STDERR_DRAIN, rest_of_stderr).await;
    }
    if !shown.load(std::sync::atomic::Ordering::SeqCst) {
        // Never on screen, so no break to end: ended because its break went another way, or died
        // while hidden (Start then opens one cold).
        info!("stretch window prepared for break {break_id} ended unseen: {status:?}");
        return;
    }
    let failure = match status {
        Ok(status) if status.success() || closing => {
            debug!("stretch window of break {break_id} exited: {status}");
            None
        }
        Ok(status) => {
            warn!("stretch window of break {break_id} exited with {status}");
            // Only a window that never showed anything failed to open; one that painted and then
            // crashed was seen by the user, and is abandoned like any window closed early.
            (!reports.painted).then(|| match reports.contract_failure(&program) {
                Some(failure) => failure,
                None => WindowFailure {
                    summary: "Unhunch could not open the stretch window".to_owned(),
                    why: failure_message(&status, &last_stderr),
                },
            })
        }
        Err(why) => {
            warn!("cannot wait for the stretch window of break {break_id}: {why}");
            None
        }
    };
    let _ = inbox.send(Message::WindowExited {
        break_id,
        reported: reports.outcome_sent,
        failure,
    });
}

/// Logs a line the window wrote on stderr and keeps it among the last few.
fn remember(last_stderr: &mut VecDeque<String>, line: String) {
    info!(target: "unhunch::window", "window stderr: {line}");
    if last_stderr.len() == STDERR_LINES_KEPT {
        last_stderr.pop_front();
    }
    last_stderr.push_back(line);
}

/// Why a window that exited before painting failed, from its exit status and what it last said.
fn failure_message(status: &std::process::ExitStatus, last_stderr: &VecDeque<String>) -> String {
    let said: Vec<&str> = last_stderr
        .iter()
        .map(|line| line.trim())
        .filter(|line| !line.is_empty())
        .collect();
    if said.is_empty() {
        format!("The stretch window exited ({status}) before it showed anything.")
    } else {
        format!(
            "The stretch window exited ({status}) before it showed anything. It said: {}",
            said.join(" ")
        )
    }
}

/// What the window has reported so far.
#[derive(Default)]
struct Reports {
    painted: bool,
    outcome_sent: bool,
    /// The window's contract and version, when it said it speaks another contract.
    other_contract: Option<(u32, String)>,
    /// The window refused `--plan-contract` as an unknown argument: it is from before the numbers.
    refused_the_contract_option: bool,
}

/// What a window from before the contract numbers (Unhunch 0.1.0) prints when given them.
const REFUSED_CONTRACT_OPTION: &str = "unknown argument \"--plan-contract\"";

impl Reports {
    /// Reads one line of the window's stderr, for a refusal of the contract option.
    fn read_stderr(&mut self, line: &str) {
        if line.contains(REFUSED_CONTRACT_OPTION) {
            self.refused_the_contract_option = true;
        }
    }

    /// When the window showed nothing because it speaks another contract: which program, which
    /// versions, and what to do.
    fn contract_failure(&self, program: &std::path::Path) -> Option<WindowFailure> {
        let this_version = env!("CARGO_PKG_VERSION");
        let program = program.display();
        let (window_contract, window_version) = match &self.other_contract {
            Some((contract, version)) => (*contract, format!("Unhunch {version}")),
            None if self.refused_the_contract_option => (1, "Unhunch 0.1.0 or older".to_owned()),
            None => return None,
        };
        let versions = format!(
            "The stretch window program {program} is from {window_version} (plan contract \
             {window_contract}), but this running Unhunch is {this_version} (plan contract \
             {PLAN_CONTRACT}), so the window could not show this break."
        );
        Some(if window_contract > PLAN_CONTRACT {
            WindowFailure {
                summary: "Restart Unhunch: it was upgraded while it ran".to_owned(),
                why: format!(
                    "{versions} Quit Unhunch from its menu (or `unhunch quit`) and start it \
                     again. This break's stretch is in the next notification."
                ),
            }
        } else {
            WindowFailure {
                summary: "Unhunch's stretch window is an older version".to_owned(),
                why: format!(
                    "{versions} Install unhunch and unhunch-window from the same version of \
                     Unhunch, then restart Unhunch. This break's stretch is in the next \
                     notification."
                ),
            }
        })
    }

    /// Reads one line of the window's stdout; returns an outcome to pass on (the first one only).
    fn read(&mut self, line: &str, break_id: u64) -> Option<unhunch_core::plan::WindowOutcome> {
        match serde_json::from_str::<WindowReport>(line) {
            Ok(WindowReport::Painted {
                break_id: painted,
                at,
            }) => {
                if painted != break_id {
                    warn!(
                        "the window of break {break_id} reported painting break {painted}; ignored"
                    );
                    return None;
                }
                self.painted = true;
                debug!(target: "unhunch::window", break_id = painted, painted_at = %at, received_at = %crate::clock::now(), "window painted");
                None
            }
            Ok(WindowReport::Outcome {
                break_id: reported,
                outcome,
            }) => {
                if reported != break_id {
                    warn!(
                        "the window of break {break_id} reported an outcome for break {reported}; ignored"
                    );
                    None
                } else if self.outcome_sent {
                    warn!("the window of break {break_id} reported a second outcome; ignored");
                    None
                } else {
                    self.outcome_sent = true;
                    Some(outcome)
                }
            }
            Ok(WindowReport::OtherContract {
                daemon_contract,
                window_contract,
                window_version,
            }) => {
                warn!(
                    "the stretch window speaks plan contract {window_contract} (Unhunch \
                     {window_version}) and took this daemon's for {daemon_contract}: it shows nothing"
                );
                self.other_contract = Some((window_contract, window_version));
                None
            }
            Err(_) => {
                debug!(target: "unhunch::window", "window said: {line}");
                None
            }
        }
    }
}

/// JavaScriptCore's settings are read only from the environment: `JSC_useJIT=0` (unless the user
/// set it) keeps its JIT compilers out of the window's web process. The page runs a few hundred
/// lines of script, which the interpreter runs as fast as anyone can tell, and without the JIT
/// the web process touches about 5 MiB less of JavaScriptCore's code and keeps about 2 MiB less
/// private: a walk-through's peak fell from 228 to 221 MiB on Xvfb, with every page of the tree
/// counted once by frame, so other programs sharing the libraries cannot flatter the figure.
/// (`GDK_GL=disable` measured under 1 MiB and printed a warning at every start; WebKit's own EGL,
/// Mesa with LLVM in the window and web processes, stays: the web process aborts without it.)
fn lighten_the_window(command: &mut tokio::process::Command) {
    if std::env::var_os(JIT_SETTING).is_none() {
        command.env(JIT_SETTING, "0");
    }
}

/// JavaScriptCore's switch for its JIT compilers, read from the web process's environment.
const JIT_SETTING: &str = "JSC_useJIT";
