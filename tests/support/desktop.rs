//! A real desktop session for tests: Xvfb, a private D-Bus session bus, dunst and an SNI tray, torn down on drop.
//!
//! Every test gets its own [`Session`]: a fresh temporary HOME with its XDG folders, its own X display,
//! its own session bus, a notification server (dunst) and a tray (gtk-sni-tray-standalone, which runs
//! the StatusNotifierWatcher, a host and a panel that draws the icons). Nothing is shared between
//! tests and nothing outlives the session, even when a test panics: every process started with the
//! session's environment carries a marker variable, and dropping the session ends all of them.
//!
//! Waiting is always done with [`wait_until`], which polls a condition against a deadline and says
//! what it was waiting for, and what it last saw, when the deadline passes.
//!
//! The D-Bus helpers drive `busctl --json=short`, so the tests crate needs no D-Bus library of its own.
//! Notifications are observed twice: dunst's own view (`dunstctl`), and a bus monitor that records
//! every `Notify` call with its actions and hints, and every `NotificationClosed` and `ActionInvoked`
//! signal, with the bus's timestamps.

use std::collections::{BTreeSet, HashMap};
use std::ffi::{OsStr, OsString};
use std::fmt;
use std::fs;
use std::io::{BufRead, BufReader};
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use serde_json::{Map, Value};

/// The well-known bus name of a notification server.
pub const NOTIFICATIONS_NAME: &str = "org.freedesktop.Notifications";
/// The well-known bus name of the StatusNotifierWatcher that tray items register with.
pub const WATCHER_NAME: &str = "org.kde.StatusNotifierWatcher";
/// The name of the environment variable that marks every process belonging to one session.
pub const SESSION_MARKER_VARIABLE: &str = "UNHUNCH_TEST_SESSION";

/// How long the session's own parts (X server, bus, dunst, tray) may take to come up.
const START_TIMEOUT: Duration = Duration::from_secs(20);
/// How long a process gets to exit after SIGTERM before it is killed.
const TERMINATE_GRACE: Duration = Duration::from_secs(3);

/// A real desktop session for one test. Dropping it ends every process started in it and removes
/// its temporary folder (set `UNHUNCH_TEST_KEEP=1` to keep the folder for a post-mortem).
pub struct Session {
    marker: String,
    root: PathBuf,
    home: PathBuf,
    display: String,
    bus_address: String,
    system_bus_address: String,
    screen: (u32, u32),
    x_server: Option<Background>,
    bus: Option<Background>,
    system_bus: Option<Background>,
    notification_server: Option<Background>,
    notification_monitor: Option<Background>,
    tray: Option<Background>,
    notifications: Arc<Mutex<NotificationLog>>,
    /// The process groups of the bus monitors that tests started, which are the harness's own too.
    monitor_groups: Arc<Mutex<BTreeSet<i32>>>,
}

/// Chooses which parts of the desktop a [`Session`] starts with.
#[derive(Debug, Clone)]
pub struct SessionBuilder {
    with_notifications: bool,
    with_tray: bool,
    screen: (u32, u32),
}

/// Turns what a polled condition returned into either the awaited value or a description of what
/// was observed instead. Implemented for `bool`, `Option<T>` and `Result<T, E>`.
pub trait Probe {
    /// The value [`wait_until`] returns once the condition holds.
    type Ready;
    /// `Ok` once the condition holds; otherwise what was observed, for the timeout message.
    fn into_ready(self) -> Result<Self::Ready, String>;
}

/// A condition that did not come true before its deadline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimedOut {
    pub description: String,
    pub waited: Duration,
    pub last_observed: String,
}

/// A D-Bus call or property read that failed, with the command that was run and what it said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusError {
    pub command: String,
    pub message: String,
}

/// One notification as an application sent it over D-Bus, and what became of it.
#[derive(Debug, Clone, PartialEq)]
pub struct SeenNotification {
    /// The id the notification server gave it.
    pub id: u32,
    pub app_name: String,
    pub summary: String,
    pub body: String,
    pub icon: String,
    /// The actions as (key, label) pairs, in the order the application listed them.
    pub actions: Vec<(String, String)>,
    /// The hints as `busctl` prints variants: `{"type": "y", "data": 2}`.
    pub hints: Map<String, Value>,
    /// The expiry the application asked for, in milliseconds (-1: the server decides, 0: never).
    pub expire_timeout_ms: i32,
    /// The unique bus name of the sender.
    pub sender: String,
    /// When the bus carried the `Notify` call.
    pub sent_at: SystemTime,
    /// How many times a later `Notify` replaced this notification in place.
    pub replaced: u32,
    /// The action keys the server reported as invoked, in order.
    pub invoked_actions: Vec<String>,
    /// Why and when the server closed it, if it did.
    pub closed: Option<(CloseReason, SystemTime)>,
}

/// Why a notification server closed a notification (the `NotificationClosed` signal's reason).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CloseReason {
    Expired,
    DismissedByUser,
    ClosedByApplication,
    Undefined,
}

/// One notification in dunst's history (`dunstctl history`): closed notifications, newest first.
/// Dunst's history does not keep the actions; see [`Session::notifications`] for those.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryNotification {
    pub id: i64,
    pub app_name: String,
    pub summary: String,
    pub body: String,
    /// The key of the default action, when the notification had one.
    pub default_action: Option<String>,
    pub urgency: Option<String>,
}

/// One line of dunst's context menu, as dunst offered it to the `dmenu` program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContextMenuEntry {
    pub label: String,
    pub summary: String,
    pub notification_id: u32,
    pub action_key: String,
}

/// One item of a tray item's menu (`com.canonical.dbusmenu`), with its children.
#[derive(Debug, Clone, PartialEq)]
pub struct MenuItem {
    pub id: i32,
    /// The label as sent, mnemonic underscores included.
    pub label: String,
    pub enabled: bool,
    pub visible: bool,
    /// `"standard"` or `"separator"`.
    pub kind: String,
    /// `"checkmark"` or `"radio"` for toggles.
    pub toggle_type: Option<String>,
    /// 1 on, 0 off, -1 indeterminate.
    pub toggle_state: Option<i64>,
    /// Every property as `busctl` prints variants.
    pub properties: Map<String, Value>,
    pub children: Vec<MenuItem>,
}

/// A process that carries a session's marker and does not belong to the session's own parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionProcess {
    pub pid: i32,
    pub command_line: String,
}

/// Records the bus messages matching some rules while it lives (see [`Session::monitor_bus`]).
pub struct BusMonitor {
    process: Option<Background>,
    messages: Arc<Mutex<Vec<BusMessage>>>,
    monitor_groups: Arc<Mutex<BTreeSet<i32>>>,
}

/// One message seen on the bus, as `busctl monitor` reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct BusMessage {
    /// `"method_call"`, `"method_return"`, `"error"` or `"signal"`.
    pub kind: String,
    pub sender: String,
    pub destination: String,
    pub path: String,
    pub interface: String,
    pub member: String,
    /// The body's values as `busctl --json` prints them.
    pub payload: Vec<Value>,
    /// When the monitor received it from the bus.
    pub at: SystemTime,
}

/// Polls `probe` until it reports the condition holds and returns the awaited value; panics with
/// `description` and the last observation when `timeout` passes first.
///
/// The poll interval starts at 2 ms and grows to 50 ms. Timeouts are multiplied by
/// `UNHUNCH_TEST_TIMEOUT_SCALE` when that is set, for slow machines.
pub fn wait_until<P: Probe>(
    description: &str,
    timeout: Duration,
    probe: impl FnMut() -> P,
) -> P::Ready {
    match try_wait_until(description, timeout, probe) {
        Ok(ready) => ready,
        Err(timed_out) => panic!("{timed_out}"),
    }
}

/// Like [`wait_until`], but returns the timeout as an error instead of panicking.
pub fn try_wait_until<P: Probe>(
    description: &str,
    timeout: Duration,
    mut probe: impl FnMut() -> P,
) -> Result<P::Ready, TimedOut> {
    let timeout = scaled_timeout(timeout);
    let started = Instant::now();
    let mut poll_interval = Duration::from_millis(2);
    loop {
        let last_observed = match probe().into_ready() {
            Ok(ready) => return Ok(ready),
            Err(observed) => observed,
        };
        let waited = started.elapsed();
        if waited >= timeout {
            return Err(TimedOut {
                description: description.to_owned(),
                waited,
                last_observed,
            });
        }
        // This sleep is the polling interval of a condition with a deadline, not a stand-in for one.
        thread::sleep(poll_interval.min(timeout - waited));
        poll_interval = (poll_interval * 2).min(Duration::from_millis(50));
    }
}

/// The path of a binary built from this workspace, such as `bin_path("unhunch")`.
///
/// Looks next to the running test or benchmark executable (`target/<profile>/`), then in
/// `UNHUNCH_BIN_DIR`, then in `$CARGO_TARGET_DIR/debug` and the workspace's `target/debug`.
/// Panics, saying to run `cargo build --workspace`, when it is in none of them.
pub fn bin_path(name: &str) -> PathBuf {
    if let Some(path) = find_bin(name) {
        return path;
    }
    let searched: Vec<String> = binary_folders()
        .iter()
        .map(|folder| folder.display().to_string())
        .collect();
    panic!(
        "the binary `{name}` was not found in {}; run `cargo build --workspace` (with the same \
         CARGO_TARGET_DIR and profile as the tests) first",
        searched.join(", ")
    );
}

/// Where [`bin_path`] finds `name`, or `None` when it is not built.
pub fn find_bin(name: &str) -> Option<PathBuf> {
    binary_folders()
        .into_iter()
        .map(|folder| folder.join(name))
        .find(|path| path.is_file())
}

/// Waits up to `timeout` for process `pid` to be gone, or a zombie its parent has not reaped yet.
pub fn wait_for_exit(pid: u32, what: &str, timeout: Duration) {
    let stat = format!("/proc/{pid}/stat");
    wait_until(&format!("{what} (pid {pid}) to exit"), timeout, || {
        match fs::read_to_string(&stat) {
            Err(_) => true,
            // The state follows the command name, which is in parentheses and may hold spaces.
            Ok(text) => text
                .rsplit(')')
                .next()
                .is_some_and(|rest| rest.trim_start().starts_with('Z')),
        }
    });
}

/// Where a screenshot goes: `tests/out/screenshots/<name>` (ignored by git) on every run, so a
/// test run never changes tracked files; with `UNHUNCH_UPDATE_SCREENSHOTS=1`, the README's
/// `tests/screenshots/<name>` instead.
pub fn screenshot_path(name: &str) -> PathBuf {
    let tests = Path::new(env!("CARGO_MANIFEST_DIR"));
    if std::env::var_os("UNHUNCH_UPDATE_SCREENSHOTS").is_some_and(|value| value == "1") {
        tests.join("screenshots").join(name)
    } else {
        tests.join("out").join("screenshots").join(name)
    }
}

/// A Python (python3-xlib) program that asks the window whose id is its argument to close, the
/// way a window manager's close button does (a `WM_DELETE_WINDOW` client message).
const SEND_WM_DELETE_WINDOW: &str = "\
import sys
from Xlib import X, display
from Xlib.protocol import event
screen = display.Display()
window = screen.create_resource_object('window', int(sys.argv[1]))
protocols = screen.intern_atom('WM_PROTOCOLS')
delete = screen.intern_atom('WM_DELETE_WINDOW')
message = event.ClientMessage(window=window, client_type=protocols, data=(32, [delete, X.CurrentTime, 0, 0, 0]))
window.send_event(message, event_mask=X.NoEventMask)
screen.flush()
";

impl Session {
    /// Starts a full session: X display, session bus, dunst and the tray, each ready for use.
    pub fn start() -> Session {
        Session::builder().start()
    }

    /// A builder for a session without some parts (no notification server, no tray watcher).
    pub fn builder() -> SessionBuilder {
        SessionBuilder {
            with_notifications: true,
            with_tray: true,
            screen: (1280, 800),
        }
    }

    /// The X display, such as `":3"`.
    pub fn display(&self) -> &str {
        &self.display
    }

    /// The address of the session's private D-Bus session bus.
    pub fn bus_address(&self) -> &str {
        &self.bus_address
    }

    /// The address of the session's private stand-in for the system bus, with no services on it
    /// (programs that insist on a system bus can connect; tests can own names such as logind's).
    pub fn system_bus_address(&self) -> &str {
        &self.system_bus_address
    }

    /// The screen size in pixels.
    pub fn screen_size(&self) -> (u32, u32) {
        self.screen
    }

    /// The session's temporary HOME.
    pub fn home(&self) -> &Path {
        &self.home
    }

    /// `XDG_CONFIG_HOME`, where the daemon keeps its settings.
    pub fn config_dir(&self) -> PathBuf {
        self.home.join(".config")
    }

    /// `XDG_DATA_HOME`, where the daemon keeps its history.
    pub fn data_dir(&self) -> PathBuf {
        self.home.join(".local/share")
    }

    /// `XDG_STATE_HOME`, where the daemon keeps its logs.
    pub fn state_dir(&self) -> PathBuf {
        self.home.join(".local/state")
    }

    /// `XDG_CACHE_HOME`.
    pub fn cache_dir(&self) -> PathBuf {
        self.home.join(".cache")
    }

    /// `XDG_RUNTIME_DIR` (mode 0700).
    pub fn runtime_dir(&self) -> PathBuf {
        self.root.join("runtime")
    }

    /// Where the session's own parts write their output (`xvfb.log`, `dunst.log`, `tray.log`, ...).
    pub fn log_dir(&self) -> PathBuf {
        self.root.join("logs")
    }

    /// The environment a program needs to run in this session.
    pub fn env(&self) -> Vec<(OsString, OsString)> {
        let mut variables: Vec<(OsString, OsString)> = [
            ("DISPLAY", self.display.clone().into()),
            ("DBUS_SESSION_BUS_ADDRESS", self.bus_address.clone().into()),
            (
                "DBUS_SYSTEM_BUS_ADDRESS",
                self.system_bus_address.clone().into(),
            ),
            ("HOME", self.home.clone().into_os_string()),
            ("XDG_CONFIG_HOME", self.config_dir().into_os_string()),
            ("XDG_DATA_HOME", self.data_dir().into_os_string()),
            ("XDG_STATE_HOME", self.state_dir().into_os_string()),
            ("XDG_CACHE_HOME", self.cache_dir().into_os_string()),
            ("XDG_RUNTIME_DIR", self.runtime_dir().into_os_string()),
            ("XDG_SESSION_TYPE", "x11".into()),
            ("GDK_BACKEND", "x11".into()),
            ("TMPDIR", self.root.join("tmp").into_os_string()),
            // Without this, every GTK program looks for an accessibility bus that is not there.
            ("NO_AT_BRIDGE", "1".into()),
            (SESSION_MARKER_VARIABLE, self.marker.clone().into()),
        ]
        .into_iter()
        .map(|(name, value)| (OsString::from(name), value))
        .collect();
        if let Some(rust_log) = std::env::var_os("RUST_LOG") {
            variables.push(("RUST_LOG".into(), rust_log));
        }
        variables
    }

    /// A command for `program` with this session's environment in place of the host's desktop
    /// variables, and standard input closed.
    pub fn command(&self, program: impl AsRef<OsStr>) -> Command {
        let mut command = Command::new(program);
        for variable in HOST_DESKTOP_VARIABLES {
            command.env_remove(variable);
        }
        command.envs(self.env());
        command.stdin(Stdio::null());
        command
    }

    /// Runs `program` with `arguments` in this session to completion and returns its output.
    /// Panics when it cannot be started.
    pub fn run(&self, program: &str, arguments: &[&str]) -> Output {
        self.command(program)
            .args(arguments)
            .output()
            .unwrap_or_else(|error| panic!("could not run `{program}`: {error}"))
    }

    /// Starts dunst, and the bus monitor that records notifications, if they are not running.
    /// Returns once dunst owns `org.freedesktop.Notifications`.
    pub fn start_notifications(&mut self) {
        if self.notification_server.is_some() {
            return;
        }
        let dunst_dir = self.root.join("dunst");
        let config = dunst_dir.join("dunstrc");
        let mut command = self.command("dunst");
        command.arg("-config").arg(&config);
        let mut dunst = self.spawn_part("dunst", command, PartOutput::Log);
        let ready = self.wait_for_part(
            &mut dunst,
            "dunst owns org.freedesktop.Notifications",
            |session| session.name_owner(NOTIFICATIONS_NAME).ok_or("no owner"),
        );
        self.notification_server = Some(dunst);
        let owner =
            ready.unwrap_or_else(|log| panic!("dunst exited while starting; its log:\n{log}"));
        self.start_notification_monitor(&owner);
    }

    /// Stops dunst (and its bus monitor), as when a user's notification server goes away.
    pub fn stop_notifications(&mut self) {
        if let Some(monitor) = self.notification_monitor.take() {
            monitor.stop();
        }
        if let Some(server) = self.notification_server.take() {
            server.stop();
        }
        wait_until(
            "org.freedesktop.Notifications has no owner after dunst stopped",
            START_TIMEOUT,
            || !self.name_has_owner(NOTIFICATIONS_NAME),
        );
    }

    /// Starts the tray (watcher, host and panel) if it is not running. Returns once the watcher is
    /// owned and reports a registered host, so tray items can register right away.
    pub fn start_tray(&mut self) {
        if self.tray.is_some() {
            return;
        }
        // gtk-sni-tray-standalone sometimes dies at start-up when its host asks its own watcher
        // too early ("Pattern match failure ... Main.hs:177"); a second start goes through.
        const ATTEMPTS: u32 = 3;
        for attempt in 1..=ATTEMPTS {
            let mut command = self.command("gtk-sni-tray-standalone");
            // A dark bar like a desktop panel, so screenshots show where the tray is.
            command.args([
                "--watcher",
                "--top",
                "--end",
                "--size",
                "28",
                "--color",
                "#2e3436",
            ]);
            let log_name = if attempt == 1 {
                "tray".to_owned()
            } else {
                format!("tray-{attempt}")
            };
            let mut tray = self.spawn_part(log_name, command, PartOutput::Log);
            let ready = self.wait_for_part(
                &mut tray,
                "the tray's StatusNotifierWatcher is owned and has a host",
                |session| {
                    session
                        .bus_property(
                            WATCHER_NAME,
                            "/StatusNotifierWatcher",
                            "org.kde.StatusNotifierWatcher",
                            "IsStatusNotifierHostRegistered",
                        )
                        .and_then(|value| match value {
                            Value::Bool(true) => Ok(()),
                            other => Err(BusError {
                                command: "IsStatusNotifierHostRegistered".into(),
                                message: format!("is {other}"),
                            }),
                        })
                },
            );
            match ready {
                Ok(()) => {
                    self.tray = Some(tray);
                    return;
                }
                Err(log) if attempt < ATTEMPTS => {
                    eprintln!("the tray exited while starting; starting it again. Its log:\n{log}");
                    tray.stop();
                }
                Err(log) => {
                    panic!("the tray exited while starting, {ATTEMPTS} times; its last log:\n{log}")
                }
            }
        }
    }

    /// Stops the tray, as when a user's panel restarts or has no tray.
    pub fn stop_tray(&mut self) {
        if let Some(tray) = self.tray.take() {
            tray.stop();
        }
        wait_until(
            "org.kde.StatusNotifierWatcher has no owner after the tray stopped",
            START_TIMEOUT,
            || !self.name_has_owner(WATCHER_NAME),
        );
    }

    /// Saves a PNG of the whole screen to `path`. Panics when `import` fails.
    pub fn screenshot(&self, path: impl AsRef<Path>) {
        let path = path.as_ref();
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            fs::create_dir_all(parent).unwrap_or_else(|error| {
                panic!(
                    "could not create {} for a screenshot: {error}",
                    parent.display()
                )
            });
        }
        let output = self
            .command("import")
            .args(["-window", "root", "-display", &self.display])
            .arg(path)
            .output()
            .unwrap_or_else(|error| panic!("could not run `import` (imagemagick): {error}"));
        assert!(
            output.status.success(),
            "`import` could not take a screenshot into {}: {}",
            path.display(),
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// How many pixels differ between two screenshots (ImageMagick's `compare -metric AE`).
    pub fn pixels_differing(&self, first: &Path, second: &Path) -> u64 {
        let output = self
            .command("compare")
            .args(["-metric", "AE"])
            .arg(first)
            .arg(second)
            .arg("null:")
            .output()
            .expect("run ImageMagick's compare");
        let text = String::from_utf8_lossy(&output.stderr);
        text.split_whitespace()
            .next()
            .and_then(|count| count.parse::<f64>().ok())
            .unwrap_or_else(|| panic!("compare printed {text:?}")) as u64
    }

    /// Every notification sent to the server in this session, oldest first, with its actions,
    /// hints, invoked actions and closing.
    pub fn notifications(&self) -> Vec<SeenNotification> {
        self.notifications
            .lock()
            .expect("notification log")
            .seen
            .clone()
    }

    /// The notifications on screen now: sent and not yet closed.
    pub fn dunst_displayed(&self) -> Vec<SeenNotification> {
        self.notifications()
            .into_iter()
            .filter(|notification| notification.closed.is_none())
            .collect()
    }

    /// How many notifications dunst says it is displaying (`dunstctl count displayed`).
    pub fn dunst_displayed_count(&self) -> usize {
        let output = self.dunstctl(&["count", "displayed"]);
        output.trim().parse().unwrap_or_else(|error| {
            panic!("`dunstctl count displayed` printed {output:?}, not a count: {error}")
        })
    }

    /// Dunst's history of closed notifications, newest first (`dunstctl history`).
    pub fn dunst_history(&self) -> Vec<HistoryNotification> {
        let output = self.dunstctl(&["history"]);
        parse_dunst_history(&output)
            .unwrap_or_else(|error| panic!("could not read `dunstctl history`: {error}\n{output}"))
    }

    /// Does what a click on the notification at `position` (0: the newest) does: invokes its default
    /// action, or opens its context menu when it has none (`dunstctl action`).
    pub fn dunst_action(&self, position: usize) {
        self.dunstctl(&["action", &position.to_string()]);
    }

    /// Opens dunst's context menu (`dunstctl context`) and picks the first action whose label is
    /// `choice`, as a user picking "Snooze" from the list would. Returns every entry dunst offered.
    /// Panics, listing what was offered, when no entry has that label.
    pub fn dunst_context_with_choice(&self, choice: &str) -> Vec<ContextMenuEntry> {
        let dunst_dir = self.root.join("dunst");
        let offered_path = dunst_dir.join("offered");
        fs::write(dunst_dir.join("choice"), choice).expect("write the context menu choice");
        match fs::remove_file(&offered_path) {
            Ok(()) => {}
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => panic!("could not remove {}: {error}", offered_path.display()),
        }
        self.dunstctl(&["context"]);
        let offered = wait_until(
            "dunst passes its context menu to the dmenu script",
            Duration::from_secs(5),
            || fs::read_to_string(&offered_path).ok(),
        );
        let entries = parse_context_menu(&offered);
        assert!(
            entries.iter().any(|entry| entry.label == choice),
            "dunst's context menu has no action labelled {choice:?}; it offered:\n{offered}"
        );
        entries
    }

    /// Closes every notification on screen (`dunstctl close-all`).
    pub fn dunst_close_all(&self) {
        self.dunstctl(&["close-all"]);
    }

    /// Whether `name` has an owner on the session bus.
    pub fn name_has_owner(&self, name: &str) -> bool {
        self.name_owner(name).is_some()
    }

    /// The unique name owning `name` on the session bus, if any.
    pub fn name_owner(&self, name: &str) -> Option<String> {
        let reply = self
            .bus_call(
                "org.freedesktop.DBus",
                "/org/freedesktop/DBus",
                "org.freedesktop.DBus",
                "NameHasOwner",
                "s",
                &[name],
            )
            .unwrap_or_else(|error| panic!("the session bus does not answer: {error}"));
        if reply.first() != Some(&Value::Bool(true)) {
            return None;
        }
        // The owner can leave between the two calls; that reads as no owner.
        self.bus_call(
            "org.freedesktop.DBus",
            "/org/freedesktop/DBus",
            "org.freedesktop.DBus",
            "GetNameOwner",
            "s",
            &[name],
        )
        .ok()
        .and_then(|reply| reply.first().and_then(Value::as_str).map(str::to_owned))
    }

    /// Waits until `name` has an owner on the session bus and returns that owner's unique name.
    pub fn wait_for_name(&self, name: &str, timeout: Duration) -> String {
        wait_until(
            &format!("{name} is owned on the session bus"),
            timeout,
            || self.name_owner(name),
        )
    }

    /// Calls a D-Bus method and returns its reply's values as JSON (as `busctl --json` prints them).
    /// `signature` and `arguments` follow `busctl call`'s syntax, such as `"isvu"` with
    /// `["3", "clicked", "s", "", "0"]`.
    pub fn bus_call(
        &self,
        destination: &str,
        path: &str,
        interface: &str,
        method: &str,
        signature: &str,
        arguments: &[&str],
    ) -> Result<Vec<Value>, BusError> {
        let mut busctl_arguments = vec!["call", destination, path, interface, method];
        if !signature.is_empty() {
            busctl_arguments.push(signature);
            busctl_arguments.extend_from_slice(arguments);
        }
        match self.busctl(&busctl_arguments)? {
            Value::Null => Ok(Vec::new()),
            reply => match reply.get("data") {
                Some(Value::Array(values)) => Ok(values.clone()),
                _ => Err(BusError {
                    command: busctl_arguments.join(" "),
                    message: format!("unexpected reply {reply}"),
                }),
            },
        }
    }

    /// Reads a D-Bus property and returns its value as JSON (as `busctl --json` prints it).
    pub fn bus_property(
        &self,
        destination: &str,
        path: &str,
        interface: &str,
        property: &str,
    ) -> Result<Value, BusError> {
        let busctl_arguments = ["get-property", destination, path, interface, property];
        let reply = self.busctl(&busctl_arguments)?;
        reply.get("data").cloned().ok_or_else(|| BusError {
            command: busctl_arguments.join(" "),
            message: format!("unexpected reply {reply}"),
        })
    }

    /// The tray items registered with the watcher, as the watcher lists them (a bus name, or a bus
    /// name followed by an object path).
    pub fn tray_items(&self) -> Result<Vec<String>, BusError> {
        let value = self.bus_property(
            WATCHER_NAME,
            "/StatusNotifierWatcher",
            "org.kde.StatusNotifierWatcher",
            "RegisteredStatusNotifierItems",
        )?;
        Ok(value
            .as_array()
            .map(|items| {
                items
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default())
    }

    /// Reads a property of a tray item (`org.kde.StatusNotifierItem`), such as `"ToolTip"`,
    /// `"IconName"` or `"Status"`.
    pub fn tray_item_property(&self, item: &str, property: &str) -> Result<Value, BusError> {
        let (destination, path) = split_tray_item(item);
        self.bus_property(destination, path, "org.kde.StatusNotifierItem", property)
    }

    /// The whole menu of a tray item (`com.canonical.dbusmenu` `GetLayout` on the item's `Menu`).
    pub fn tray_menu(&self, item: &str) -> Result<MenuItem, BusError> {
        let (destination, menu_path) = self.tray_menu_address(item)?;
        let reply = self.bus_call(
            destination,
            &menu_path,
            "com.canonical.dbusmenu",
            "GetLayout",
            "iias",
            &["0", "-1", "0"],
        )?;
        let layout = reply.get(1).ok_or_else(|| BusError {
            command: format!("GetLayout on {destination} {menu_path}"),
            message: format!("the reply has no layout: {reply:?}"),
        })?;
        MenuItem::from_busctl_layout(layout).map_err(|message| BusError {
            command: format!("GetLayout on {destination} {menu_path}"),
            message,
        })
    }

    /// Clicks the menu item `id` of a tray item, as a tray host does when the user picks it
    /// (`com.canonical.dbusmenu` `Event(id, "clicked", "", 0)`).
    pub fn tray_menu_click(&self, item: &str, id: i32) -> Result<(), BusError> {
        let (destination, menu_path) = self.tray_menu_address(item)?;
        let id = id.to_string();
        self.bus_call(
            destination,
            &menu_path,
            "com.canonical.dbusmenu",
            "Event",
            "isvu",
            &[&id, "clicked", "s", "", "0"],
        )
        .map(drop)
    }

    /// The processes that carry this session's marker, apart from the session's own parts: the
    /// programs under test and whatever they started. Empty once they have all exited.
    pub fn leftover_processes(&self) -> Vec<SessionProcess> {
        let own_groups = self.own_process_groups();
        marked_processes(&self.marker)
            .into_iter()
            .filter(|process| !own_groups.contains(&process.process_group))
            .map(|process| SessionProcess {
                pid: process.pid,
                command_line: process.command_line,
            })
            .collect()
    }

    /// Starts recording the bus messages that match any of `match_rules` (D-Bus match rules such
    /// as `"type='signal',interface='org.kde.StatusNotifierWatcher'"`), with the bus's timestamps.
    /// Recording has begun when this returns and stops when the monitor is dropped.
    pub fn monitor_bus(&self, match_rules: &[&str]) -> BusMonitor {
        static MONITORS_STARTED: AtomicU64 = AtomicU64::new(0);
        let number = MONITORS_STARTED.fetch_add(1, Ordering::Relaxed);
        let messages: Arc<Mutex<Vec<BusMessage>>> = Arc::default();
        let recorder = Arc::clone(&messages);
        let process = self.spawn_monitor(
            format!("bus-monitor-{number}"),
            match_rules,
            move |message| {
                recorder
                    .lock()
                    .expect("bus monitor messages")
                    .push(BusMessage::from_busctl(message));
            },
        );
        if let Some(group) = process.pid() {
            self.monitor_groups
                .lock()
                .expect("monitor groups")
                .insert(group);
        }
        BusMonitor {
            process: Some(process),
            messages,
            monitor_groups: Arc::clone(&self.monitor_groups),
        }
    }

    /// The X windows of process `pid` that are mapped on screen (`xdotool search --onlyvisible`).
    pub fn visible_windows_of(&self, pid: u32) -> Vec<String> {
        let output = self.run(
            "xdotool",
            &["search", "--onlyvisible", "--pid", &pid.to_string()],
        );
        // xdotool exits with 1 when it finds nothing.
        String::from_utf8_lossy(&output.stdout)
            .split_whitespace()
            .map(str::to_owned)
            .collect()
    }

    /// Clicks X window `window` at (`x`, `y`) from its top-left corner with the left button, as a
    /// user would, after giving it the keyboard focus.
    pub fn click_in_window(&self, window: &str, x: u32, y: u32) {
        // With no window manager, focusing directly is what the click would make a manager do.
        self.xdotool(&["windowfocus", "--sync", window]);
        self.xdotool(&[
            "mousemove",
            "--window",
            window,
            &x.to_string(),
            &y.to_string(),
            "click",
            "1",
        ]);
    }

    /// Asks X window `window` to close the way a window manager's close button does (a
    /// `WM_DELETE_WINDOW` client message, sent by a small python3-xlib program).
    pub fn close_window_as_window_manager(&self, window: &str) {
        let close = self.run("/usr/bin/python3", &["-c", SEND_WM_DELETE_WINDOW, window]);
        assert!(
            close.status.success(),
            "could not send WM_DELETE_WINDOW (needs Debian's python3-xlib): {}",
            String::from_utf8_lossy(&close.stderr)
        );
    }

    /// Types `keys` (xdotool key names, such as `"Escape"` or `"Return"`) into X window `window` as
    /// real key presses. Clicks the window's top-left corner first: WebKit takes keys only once
    /// a click has focused the page, and the corner is the window's margin, not a control.
    pub fn press_keys_in_window(&self, window: &str, keys: &[&str]) {
        self.click_in_window(window, 2, 2);
        let mut arguments = vec!["key", "--clearmodifiers"];
        arguments.extend_from_slice(keys);
        self.xdotool(&arguments);
    }

    fn xdotool(&self, arguments: &[&str]) {
        let output = self.run("xdotool", arguments);
        assert!(
            output.status.success(),
            "`xdotool {}` failed: {}",
            arguments.join(" "),
            String::from_utf8_lossy(&output.stderr)
        );
    }

    fn dunstctl(&self, arguments: &[&str]) -> String {
        let output = self.run("dunstctl", arguments);
        assert!(
            output.status.success(),
            "`dunstctl {}` failed: {}{}",
            arguments.join(" "),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    fn busctl(&self, arguments: &[&str]) -> Result<Value, BusError> {
        let address = format!("--address={}", self.bus_address);
        let output = self
            .command("busctl")
            .args([
                address.as_str(),
                "--json=short",
                "--timeout=10",
                "--auto-start=no",
                // Arguments such as -1 are values, not options.
                "--",
            ])
            .args(arguments)
            .output()
            .unwrap_or_else(|error| panic!("could not run `busctl` (systemd): {error}"));
        let command = format!("busctl {}", arguments.join(" "));
        if !output.status.success() {
            return Err(BusError {
                command,
                message: String::from_utf8_lossy(&output.stderr).trim().to_owned(),
            });
        }
        let stdout = String::from_utf8_lossy(&output.stdout);
        if stdout.trim().is_empty() {
            return Ok(Value::Null);
        }
        serde_json::from_str(&stdout).map_err(|error| BusError {
            command,
            message: format!("unreadable reply {stdout:?}: {error}"),
        })
    }

    fn tray_menu_address<'a>(&self, item: &'a str) -> Result<(&'a str, String), BusError> {
        let menu = self.tray_item_property(item, "Menu")?;
        let menu_path = menu.as_str().ok_or_else(|| BusError {
            command: format!("the Menu property of {item}"),
            message: format!("is {menu}, not an object path"),
        })?;
        Ok((split_tray_item(item).0, menu_path.to_owned()))
    }

    fn start_notification_monitor(&mut self, server_unique_name: &str) {
        let log = Arc::clone(&self.notifications);
        let monitor = self.spawn_monitor(
            "notification-monitor".into(),
            &[
                "type='method_call',interface='org.freedesktop.Notifications',member='Notify'",
                &format!("type='method_return',sender='{server_unique_name}'"),
                "type='signal',interface='org.freedesktop.Notifications'",
            ],
            move |message| log.lock().expect("notification log").record(message),
        );
        self.notification_monitor = Some(monitor);
    }

    /// Starts `busctl monitor` with `match_rules`, handing each message to `on_message` on a reader
    /// thread. Returns once the bus has made it a monitor, so no later message is missed.
    fn spawn_monitor(
        &self,
        name: String,
        match_rules: &[&str],
        mut on_message: impl FnMut(&Value) + Send + 'static,
    ) -> Background {
        let mut command = self.command("busctl");
        command.args([
            format!("--address={}", self.bus_address).as_str(),
            "monitor",
            "--json=short",
        ]);
        for rule in match_rules {
            command.args(["--match", rule]);
        }
        let monitor_log = self.log_dir().join(format!("{name}.log"));
        let mut monitor = self.spawn_part(name, command, PartOutput::Piped);
        let stdout = monitor
            .child
            .stdout
            .take()
            .expect("the monitor's stdout is piped");
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Ok(message) = serde_json::from_str::<Value>(&line) {
                    on_message(&message);
                }
            }
        });
        // busctl says so on stderr once the bus has made it a monitor; messages before that are lost.
        wait_until(
            "a bus monitor is attached to the bus",
            START_TIMEOUT,
            || {
                let text = fs::read_to_string(&monitor_log).unwrap_or_default();
                if let Ok(Some(status)) = monitor.child.try_wait() {
                    panic!("the bus monitor (busctl monitor) exited with {status}: {text}");
                }
                text.contains("Monitoring bus message stream")
                    .then_some(())
                    .ok_or(text)
            },
        );
        monitor
    }

    /// Starts one of the session's own parts in its own process group, its stderr (and its stdout,
    /// unless the caller reads it) going to a log.
    fn spawn_part(
        &self,
        name: impl Into<String>,
        mut command: Command,
        stdout: PartOutput,
    ) -> Background {
        let name = name.into();
        let log_path = self.log_dir().join(format!("{name}.log"));
        let log = fs::File::create(&log_path)
            .unwrap_or_else(|error| panic!("could not create {}: {error}", log_path.display()));
        match stdout {
            PartOutput::Log => {
                command.stdout(log.try_clone().expect("duplicate a log file handle"));
            }
            PartOutput::Piped => {
                command.stdout(Stdio::piped());
            }
        }
        command.stderr(log).process_group(0);
        spawn_background(name, command)
    }

    /// Waits until `ready` holds while `part` runs. `Err` holds the part's log when it exited first;
    /// panics when the part is still starting at the deadline.
    fn wait_for_part<T, E: fmt::Debug>(
        &self,
        part: &mut Background,
        description: &str,
        mut ready: impl FnMut(&Session) -> Result<T, E>,
    ) -> Result<T, String> {
        let log_path = self.log_dir().join(format!("{}.log", part.name));
        wait_until(description, START_TIMEOUT, || {
            if let Ok(Some(status)) = part.child.try_wait() {
                let log = fs::read_to_string(&log_path).unwrap_or_default();
                return Ok(Err(format!("(exited with {status})\n{log}")));
            }
            ready(self).map(Ok)
        })
    }

    fn own_process_groups(&self) -> BTreeSet<i32> {
        [
            &self.x_server,
            &self.bus,
            &self.system_bus,
            &self.notification_server,
            &self.notification_monitor,
            &self.tray,
        ]
        .into_iter()
        .flatten()
        .filter_map(Background::pid)
        .chain(
            self.monitor_groups
                .lock()
                .expect("monitor groups")
                .iter()
                .copied(),
        )
        .collect()
    }

    fn stop_everything(&mut self) {
        // The programs under test first, while the display and bus they use are still there, so
        // they can exit cleanly on SIGTERM.
        terminate_processes(&self.leftover_processes_pids());
        for part in [
            self.tray.take(),
            self.notification_monitor.take(),
            self.notification_server.take(),
            self.system_bus.take(),
            self.bus.take(),
            self.x_server.take(),
        ]
        .into_iter()
        .flatten()
        {
            part.stop();
        }
        // Anything a part started that outlived it, such as a dmenu script.
        let stragglers: Vec<i32> = marked_processes(&self.marker)
            .into_iter()
            .map(|p| p.pid)
            .collect();
        terminate_processes(&stragglers);
    }

    fn leftover_processes_pids(&self) -> Vec<i32> {
        self.leftover_processes()
            .into_iter()
            .map(|p| p.pid)
            .collect()
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        self.stop_everything();
        if std::env::var_os("UNHUNCH_TEST_KEEP").is_some_and(|value| value == "1") {
            eprintln!("UNHUNCH_TEST_KEEP=1: keeping {}", self.root.display());
        } else if let Err(error) = fs::remove_dir_all(&self.root) {
            eprintln!(
                "could not remove the session folder {}: {error}",
                self.root.display()
            );
        }
    }
}

impl SessionBuilder {
    /// Starts without a notification server, so nothing owns `org.freedesktop.Notifications` until
    /// [`Session::start_notifications`].
    pub fn without_notifications(mut self) -> SessionBuilder {
        self.with_notifications = false;
        self
    }

    /// Starts without the tray, so no StatusNotifierWatcher exists until [`Session::start_tray`].
    pub fn without_tray(mut self) -> SessionBuilder {
        self.with_tray = false;
        self
    }

    /// The screen size in pixels (1280x800 unless set).
    pub fn screen(mut self, width: u32, height: u32) -> SessionBuilder {
        self.screen = (width, height);
        self
    }

    /// Starts the session; every part is ready when this returns.
    pub fn start(self) -> Session {
        static ABANDONED_SWEPT: std::sync::Once = std::sync::Once::new();
        ABANDONED_SWEPT.call_once(end_abandoned_sessions);
        static SESSIONS_STARTED: AtomicU64 = AtomicU64::new(0);
        let number = SESSIONS_STARTED.fetch_add(1, Ordering::Relaxed);
        let marker = format!("{}-{number}", std::process::id());
        let root = std::env::temp_dir().join(format!("unhunch-test-{marker}"));
        // A folder by this name can only be left from an earlier run whose pid was reused.
        let _ = fs::remove_dir_all(&root);
        let mut session = Session {
            marker,
            home: root.join("home"),
            root,
            display: String::new(),
            bus_address: String::new(),
            system_bus_address: String::new(),
            screen: self.screen,
            x_server: None,
            bus: None,
            system_bus: None,
            notification_server: None,
            notification_monitor: None,
            tray: None,
            notifications: Arc::default(),
            monitor_groups: Arc::default(),
        };
        // From here on, a panic drops `session`, which ends whatever was started.
        session.create_folders();
        session.start_x_server();
        session.start_bus();
        if self.with_notifications {
            session.start_notifications();
        }
        if self.with_tray {
            session.start_tray();
        }
        session
    }
}

impl Session {
    fn create_folders(&self) {
        let mut private = fs::DirBuilder::new();
        private.recursive(true).mode(0o700);
        for folder in [
            self.root.clone(),
            self.home.clone(),
            self.config_dir(),
            self.data_dir(),
            self.state_dir(),
            self.cache_dir(),
            self.runtime_dir(),
            self.log_dir(),
            self.root.join("tmp"),
            self.root.join("dunst"),
            self.root.join("dbus-services"),
            self.root.join("system-bus"),
            self.root.join("system-bus-services"),
        ] {
            private
                .create(&folder)
                .unwrap_or_else(|error| panic!("could not create {}: {error}", folder.display()));
        }
        // The runtime folder must be private to the user; `mode` is subject to the umask.
        fs::set_permissions(self.runtime_dir(), fs::Permissions::from_mode(0o700))
            .expect("make XDG_RUNTIME_DIR mode 0700");
        self.write_dunst_files();
        self.write_bus_config();
    }

    fn start_x_server(&mut self) {
        let mut command = self.command("Xvfb");
        let screen = format!("{}x{}x24", self.screen.0, self.screen.1);
        // -displayfd 1: the server picks a free display and prints its number once it accepts
        // connections, so there is neither a guess nor a wait.
        command
            .args(["-displayfd", "1", "-screen", "0", &screen])
            .args(["-nolisten", "tcp", "-noreset", "-dpi", "96"]);
        let mut x_server = self.spawn_part("xvfb", command, PartOutput::Piped);
        let number = first_line(&mut x_server, START_TIMEOUT, &self.log_dir());
        self.x_server = Some(x_server);
        let number: u32 = number
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("Xvfb printed {number:?} instead of its display number"));
        self.display = format!(":{number}");
    }

    fn start_bus(&mut self) {
        let (bus, address) = self.start_bus_daemon("dbus", "dbus-session.conf");
        self.bus = Some(bus);
        self.bus_address = address;
        let (system_bus, system_address) = self.start_bus_daemon("dbus-system", "dbus-system.conf");
        self.system_bus = Some(system_bus);
        self.system_bus_address = system_address;
    }

    fn start_bus_daemon(&self, name: &'static str, config: &str) -> (Background, String) {
        let mut command = self.command("dbus-daemon");
        command
            .arg(format!(
                "--config-file={}",
                self.root.join(config).display()
            ))
            .args(["--nofork", "--nopidfile", "--print-address=1"]);
        let mut bus = self.spawn_part(name, command, PartOutput::Piped);
        let address = first_line(&mut bus, START_TIMEOUT, &self.log_dir());
        (bus, address.trim().to_owned())
    }

    fn write_bus_config(&self) {
        // The system's session.conf would let the bus start dunst (and the accessibility bus) on
        // demand from /usr/share/dbus-1/services; tests of "no notification server" need a bus that
        // starts nothing by itself. Only dconf, which every GNOME-like desktop has and GTK programs
        // write their settings through, may be started on demand. Otherwise this is session.conf's
        // policy.
        let services = self.root.join("dbus-services");
        let dconf = Path::new("/usr/share/dbus-1/services/ca.desrt.dconf.service");
        if dconf.is_file() {
            std::os::unix::fs::symlink(dconf, services.join("ca.desrt.dconf.service"))
                .expect("offer dconf on the session bus");
        }
        for (file, kind, socket_dir, services) in [
            ("dbus-session.conf", "session", self.runtime_dir(), services),
            (
                "dbus-system.conf",
                "system",
                self.root.join("system-bus"),
                self.root.join("system-bus-services"),
            ),
        ] {
            let config = format!(
                r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>{kind}</type>
  <keep_umask/>
  <listen>unix:dir={socket_dir}</listen>
  <auth>EXTERNAL</auth>
  <servicedir>{services}</servicedir>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
  <limit name="reply_timeout">60000</limit>
</busconfig>
"#,
                socket_dir = socket_dir.display(),
                services = services.display(),
            );
            fs::write(self.root.join(file), config).expect("write a bus config");
        }
    }

    fn write_dunst_files(&self) {
        let dunst_dir = self.root.join("dunst");
        let dmenu_script = dunst_dir.join("dmenu.sh");
        // Notifications stay until acted on (timeout 0 at every urgency), nothing is held back as
        // idle or over a limit, and a left click does what GNOME does: the default action.
        let config = format!(
            r#"[global]
    width = 360
    origin = top-right
    offset = 12x40
    notification_limit = 0
    idle_threshold = 0
    show_age_threshold = -1
    sticky_history = yes
    history_length = 1000
    show_indicators = no
    mouse_left_click = do_action, close_current
    mouse_middle_click = close_current
    mouse_right_click = context
    dmenu = {dmenu}
    browser = /bin/false
    always_run_script = true
[urgency_low]
    timeout = 0
[urgency_normal]
    timeout = 0
[urgency_critical]
    timeout = 0
"#,
            dmenu = dmenu_script.display()
        );
        fs::write(dunst_dir.join("dunstrc"), config).expect("write the dunst config");
        // Dunst writes one line per action on the script's stdin, like
        // `#Snooze (Time to stretch) [3,snooze]`, and invokes the line the script prints.
        let script = r##"#!/bin/sh
# Records the context menu dunst offers, then picks the entry whose label the test chose.
dir=$(dirname "$0")
cat > "$dir/offered.partial"
choice=$(cat "$dir/choice" 2>/dev/null)
grep -F -m 1 -e "#$choice (" "$dir/offered.partial"
mv "$dir/offered.partial" "$dir/offered"
"##;
        fs::write(&dmenu_script, script).expect("write the dmenu script");
        fs::set_permissions(&dmenu_script, fs::Permissions::from_mode(0o755))
            .expect("make the dmenu script executable");
    }
}

impl BusMonitor {
    /// Every message recorded so far, oldest first.
    pub fn messages(&self) -> Vec<BusMessage> {
        self.messages.lock().expect("bus monitor messages").clone()
    }

    /// Waits for the first recorded message (earlier ones included) that `matches` accepts.
    pub fn wait_for(
        &self,
        description: &str,
        timeout: Duration,
        mut matches: impl FnMut(&BusMessage) -> bool,
    ) -> BusMessage {
        wait_until(description, timeout, || {
            let messages = self.messages.lock().expect("bus monitor messages");
            match messages.iter().find(|message| matches(message)) {
                Some(message) => Ok(message.clone()),
                None => Err(format!("{} other messages", messages.len())),
            }
        })
    }
}

impl Drop for BusMonitor {
    fn drop(&mut self) {
        if let Some(process) = self.process.take() {
            let group = process.pid();
            process.stop();
            if let Some(group) = group {
                self.monitor_groups
                    .lock()
                    .expect("monitor groups")
                    .remove(&group);
            }
        }
    }
}

impl BusMessage {
    fn from_busctl(message: &Value) -> BusMessage {
        let text = |name: &str| {
            message
                .get(name)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        let micros = message
            .get("timestamp-realtime")
            .and_then(Value::as_u64)
            .unwrap_or_default();
        BusMessage {
            kind: text("type"),
            sender: text("sender"),
            destination: text("destination"),
            path: text("path"),
            interface: text("interface"),
            member: text("member"),
            payload: message
                .get("payload")
                .and_then(|payload| payload.get("data"))
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default(),
            at: SystemTime::UNIX_EPOCH + Duration::from_micros(micros),
        }
    }
}

impl MenuItem {
    /// The label as a user reads it: mnemonic underscores removed (`"_Pause"` reads `"Pause"`).
    pub fn text(&self) -> String {
        let mut text = String::with_capacity(self.label.len());
        let mut characters = self.label.chars().peekable();
        while let Some(character) = characters.next() {
            if character == '_' {
                // A doubled underscore is a literal one.
                if characters.peek() == Some(&'_') {
                    characters.next();
                    text.push('_');
                }
            } else {
                text.push(character);
            }
        }
        text
    }

    /// The first item, depth first, whose [`MenuItem::text`] is `text`.
    pub fn find(&self, text: &str) -> Option<&MenuItem> {
        if self.text() == text {
            return Some(self);
        }
        self.children.iter().find_map(|child| child.find(text))
    }

    /// The texts of the visible items under this one, depth first, separators left out.
    pub fn visible_texts(&self) -> Vec<String> {
        let mut texts = Vec::new();
        for child in self.children.iter().filter(|child| child.visible) {
            if child.kind != "separator" {
                texts.push(child.text());
            }
            texts.extend(child.visible_texts());
        }
        texts
    }

    /// Reads one `(ia{sv}av)` layout node as `busctl --json` prints it.
    pub fn from_busctl_layout(node: &Value) -> Result<MenuItem, String> {
        let fields = node
            .as_array()
            .filter(|fields| fields.len() == 3)
            .ok_or_else(|| {
                format!("a menu layout node is (id, properties, children), not {node}")
            })?;
        let id = fields[0]
            .as_i64()
            .and_then(|id| i32::try_from(id).ok())
            .ok_or_else(|| format!("a menu item id is {}", fields[0]))?;
        let properties = fields[1]
            .as_object()
            .cloned()
            .ok_or_else(|| format!("menu item {id} has properties {}", fields[1]))?;
        let children = fields[2]
            .as_array()
            .ok_or_else(|| format!("menu item {id} has children {}", fields[2]))?
            .iter()
            .map(|child| {
                // Each child is a variant: {"type": "(ia{sv}av)", "data": [id, properties, children]}.
                MenuItem::from_busctl_layout(child.get("data").unwrap_or(child))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let property = |name: &str| properties.get(name).and_then(|variant| variant.get("data"));
        Ok(MenuItem {
            id,
            label: property("label")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            enabled: property("enabled").and_then(Value::as_bool).unwrap_or(true),
            visible: property("visible").and_then(Value::as_bool).unwrap_or(true),
            kind: property("type")
                .and_then(Value::as_str)
                .unwrap_or("standard")
                .to_owned(),
            toggle_type: property("toggle-type")
                .and_then(Value::as_str)
                .filter(|toggle| !toggle.is_empty())
                .map(str::to_owned),
            toggle_state: property("toggle-state").and_then(Value::as_i64),
            properties: properties.clone(),
            children,
        })
    }
}

impl SeenNotification {
    /// A string hint, such as `"desktop-entry"` or `"category"`.
    pub fn hint_str(&self, name: &str) -> Option<&str> {
        self.hints.get(name)?.get("data")?.as_str()
    }

    /// The urgency hint: 0 low, 1 normal, 2 critical.
    pub fn urgency(&self) -> Option<u8> {
        let urgency = self.hints.get("urgency")?.get("data")?.as_u64()?;
        u8::try_from(urgency).ok()
    }

    /// The labels of the actions, in order.
    pub fn action_labels(&self) -> Vec<&str> {
        self.actions
            .iter()
            .map(|(_, label)| label.as_str())
            .collect()
    }
}

impl CloseReason {
    fn from_code(code: u64) -> CloseReason {
        match code {
            1 => CloseReason::Expired,
            2 => CloseReason::DismissedByUser,
            3 => CloseReason::ClosedByApplication,
            _ => CloseReason::Undefined,
        }
    }
}

impl Probe for bool {
    type Ready = ();
    fn into_ready(self) -> Result<(), String> {
        if self { Ok(()) } else { Err("false".into()) }
    }
}

impl<T> Probe for Option<T> {
    type Ready = T;
    fn into_ready(self) -> Result<T, String> {
        self.ok_or_else(|| "nothing yet".into())
    }
}

impl<T, E: fmt::Debug> Probe for Result<T, E> {
    type Ready = T;
    fn into_ready(self) -> Result<T, String> {
        self.map_err(|observed| format!("{observed:?}"))
    }
}

impl fmt::Display for TimedOut {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            formatter,
            "timed out after {:.1?} waiting until {}; last observed: {}",
            self.waited, self.description, self.last_observed
        )
    }
}

impl std::error::Error for TimedOut {}

impl fmt::Display for BusError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "`{}` failed: {}", self.command, self.message)
    }
}

impl std::error::Error for BusError {}

/// The host's desktop variables that must not leak into a session (a test must never reach the
/// developer's real display, bus or config).
const HOST_DESKTOP_VARIABLES: &[&str] = &[
    "DISPLAY",
    "WAYLAND_DISPLAY",
    "XAUTHORITY",
    "DBUS_SESSION_BUS_ADDRESS",
    "DBUS_SYSTEM_BUS_ADDRESS",
    "XDG_RUNTIME_DIR",
    "XDG_CONFIG_HOME",
    "XDG_DATA_HOME",
    "XDG_STATE_HOME",
    "XDG_CACHE_HOME",
    "XDG_SESSION_TYPE",
    "XDG_SESSION_DESKTOP",
    "XDG_CURRENT_DESKTOP",
    "DESKTOP_SESSION",
    "SESSION_MANAGER",
    "GNOME_DESKTOP_SESSION_ID",
    "KDE_FULL_SESSION",
    "UNHUNCH_PLAN",
];

/// Where a part's standard output goes.
enum PartOutput {
    Log,
    Piped,
}

/// One of the session's own processes, in its own process group.
struct Background {
    name: String,
    child: Child,
}

impl Background {
    fn pid(&self) -> Option<i32> {
        i32::try_from(self.child.id()).ok()
    }

    /// SIGTERM to the whole process group, SIGKILL after the grace period, then reaps the child.
    fn stop(mut self) {
        let Some(group) = self.pid().and_then(rustix::process::Pid::from_raw) else {
            return;
        };
        if matches!(self.child.try_wait(), Ok(Some(_))) {
            // The leader is gone; its group may still hold children.
            let _ = rustix::process::kill_process_group(group, rustix::process::Signal::KILL);
            return;
        }
        let _ = rustix::process::kill_process_group(group, rustix::process::Signal::TERM);
        let deadline = Instant::now() + TERMINATE_GRACE;
        while Instant::now() < deadline {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                let _ = rustix::process::kill_process_group(group, rustix::process::Signal::KILL);
                return;
            }
            thread::sleep(Duration::from_millis(5));
        }
        eprintln!(
            "{} did not exit within {TERMINATE_GRACE:?} of SIGTERM; killing it",
            self.name
        );
        let _ = rustix::process::kill_process_group(group, rustix::process::Signal::KILL);
        let _ = self.child.wait();
    }
}

fn spawn_background(name: String, mut command: Command) -> Background {
    let program = command.get_program().to_string_lossy().into_owned();
    let child = command.spawn().unwrap_or_else(|error| {
        panic!(
            "could not start {name} (`{program}`): {error}; the desktop tests need the Debian \
             packages xvfb, dbus-daemon, dunst, libnotify-bin, systemd (busctl), \
             haskell-gtk-sni-tray-utils and imagemagick"
        )
    });
    Background { name, child }
}

/// Reads the first line a part prints on its piped stdout, within `timeout`.
fn first_line(part: &mut Background, timeout: Duration, log_dir: &Path) -> String {
    let mut stdout = part.child.stdout.take().expect("stdout is piped");
    let (sender, receiver) = mpsc::channel();
    thread::spawn(move || {
        let mut reader = BufReader::new(&mut stdout);
        let mut line = String::new();
        let _ = reader.read_line(&mut line);
        let _ = sender.send(line);
        // Keep draining, so the part never blocks on, or dies of, a closed pipe.
        let _ = std::io::copy(&mut reader, &mut std::io::sink());
    });
    let log = || fs::read_to_string(log_dir.join(format!("{}.log", part.name))).unwrap_or_default();
    match receiver.recv_timeout(scaled_timeout(timeout)) {
        Ok(line) if !line.trim().is_empty() => line,
        Ok(_) => panic!(
            "{} exited before it was ready; its log:\n{}",
            part.name,
            log()
        ),
        Err(_) => panic!(
            "{} printed nothing within {timeout:?}; its log:\n{}",
            part.name,
            log()
        ),
    }
}

struct MarkedProcess {
    pid: i32,
    process_group: i32,
    command_line: String,
}

/// Every live process whose environment holds `UNHUNCH_TEST_SESSION=<marker>`.
fn marked_processes(marker: &str) -> Vec<MarkedProcess> {
    let wanted = format!("{SESSION_MARKER_VARIABLE}={marker}");
    let Ok(entries) = fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .filter_map(|entry| entry.file_name().to_str()?.parse::<i32>().ok())
        .filter_map(|pid| {
            // Zombies have an empty environment, so only live processes match.
            let environment = fs::read(format!("/proc/{pid}/environ")).ok()?;
            if !environment
                .split(|byte| *byte == 0)
                .any(|variable| variable == wanted.as_bytes())
            {
                return None;
            }
            let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
            // The command name is in parentheses and may contain spaces; the fields after it are not.
            let after_name = &stat[stat.rfind(')')? + 2..];
            let process_group = after_name.split(' ').nth(2)?.parse().ok()?;
            let command_line = fs::read(format!("/proc/{pid}/cmdline"))
                .map(|bytes| {
                    String::from_utf8_lossy(&bytes)
                        .split('\0')
                        .filter(|argument| !argument.is_empty())
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .unwrap_or_default();
            Some(MarkedProcess {
                pid,
                process_group,
                command_line,
            })
        })
        .collect()
}

/// Ends what sessions of killed test runs left behind: a test binary stopped by SIGKILL (a CI
/// timeout) never runs its drops, so its processes and folders are found by name and marker here,
/// when a later run starts its first session. A session counts as abandoned when its test process
/// is gone.
fn end_abandoned_sessions() {
    let Ok(entries) = fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name();
        let Some(marker) = name
            .to_str()
            .and_then(|name| name.strip_prefix("unhunch-test-"))
        else {
            continue;
        };
        let Some(test_pid) = marker
            .split('-')
            .next()
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        let alive = i32::try_from(test_pid).is_ok_and(is_running);
        if test_pid == std::process::id() || alive {
            continue;
        }
        let pids: Vec<i32> = marked_processes(marker)
            .into_iter()
            .map(|process| process.pid)
            .collect();
        terminate_processes(&pids);
        let _ = fs::remove_dir_all(entry.path());
    }
}

/// SIGTERM to each process, then SIGKILL to those still alive after the grace period.
fn terminate_processes(pids: &[i32]) {
    let pids: Vec<rustix::process::Pid> = pids
        .iter()
        .filter_map(|pid| rustix::process::Pid::from_raw(*pid))
        .collect();
    if pids.is_empty() {
        return;
    }
    for pid in &pids {
        let _ = rustix::process::kill_process(*pid, rustix::process::Signal::TERM);
    }
    let still_running = |pid: &rustix::process::Pid| is_running(pid.as_raw_nonzero().get());
    let deadline = Instant::now() + TERMINATE_GRACE;
    while Instant::now() < deadline && pids.iter().any(still_running) {
        thread::sleep(Duration::from_millis(5));
    }
    for pid in pids.iter().filter(|pid| still_running(pid)) {
        let _ = rustix::process::kill_process(*pid, rustix::process::Signal::KILL);
    }
}

/// Whether `pid` is a live process (not gone, not a zombie waiting to be reaped).
fn is_running(pid: i32) -> bool {
    fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|stat| {
            let state = stat[stat.rfind(')')? + 2..].chars().next()?;
            Some(state != 'Z' && state != 'X')
        })
        .unwrap_or(false)
}

fn split_tray_item(item: &str) -> (&str, &str) {
    match item.find('/') {
        Some(slash) => (&item[..slash], &item[slash..]),
        None => (item, "/StatusNotifierItem"),
    }
}

fn scaled_timeout(timeout: Duration) -> Duration {
    let scale = std::env::var("UNHUNCH_TEST_TIMEOUT_SCALE")
        .ok()
        .and_then(|scale| scale.parse::<f64>().ok())
        .filter(|scale| *scale > 0.0)
        .unwrap_or(1.0);
    timeout.mul_f64(scale)
}

fn binary_folders() -> Vec<PathBuf> {
    let mut folders = Vec::new();
    if let Ok(executable) = std::env::current_exe()
        && let Some(folder) = executable.parent()
    {
        // Test binaries live in target/<profile>/deps, other binaries in target/<profile>.
        if folder.file_name() == Some(OsStr::new("deps")) {
            folders.extend(folder.parent().map(Path::to_path_buf));
        } else {
            folders.push(folder.to_path_buf());
        }
    }
    if let Some(folder) = std::env::var_os("UNHUNCH_BIN_DIR") {
        folders.push(folder.into());
    }
    if let Some(target) = std::env::var_os("CARGO_TARGET_DIR") {
        folders.push(PathBuf::from(target).join("debug"));
    }
    folders.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/debug"));
    folders
}

fn parse_dunst_history(output: &str) -> Result<Vec<HistoryNotification>, String> {
    let history: Value = serde_json::from_str(output).map_err(|error| error.to_string())?;
    let entries = history
        .get("data")
        .and_then(|data| data.get(0))
        .and_then(Value::as_array)
        .ok_or("no data[0] list")?;
    entries
        .iter()
        .map(|entry| {
            let field = |name: &str| entry.get(name).and_then(|variant| variant.get("data"));
            let text = |name: &str| {
                field(name)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned()
            };
            Ok(HistoryNotification {
                id: field("id")
                    .and_then(Value::as_i64)
                    .ok_or_else(|| format!("an entry without an id: {entry}"))?,
                app_name: text("appname"),
                summary: text("summary"),
                body: text("body"),
                default_action: field("default_action_name")
                    .and_then(Value::as_str)
                    .filter(|name| !name.is_empty())
                    .map(str::to_owned),
                urgency: field("urgency").and_then(Value::as_str).map(str::to_owned),
            })
        })
        .collect()
}

fn parse_context_menu(offered: &str) -> Vec<ContextMenuEntry> {
    offered
        .lines()
        .filter_map(|line| {
            // `#Label (Summary) [id,key]`; URLs are offered as `[Summary] url` and are skipped.
            let rest = line.strip_prefix('#')?;
            let bracket = rest.rfind(" [")?;
            let (label_and_summary, reference) = (&rest[..bracket], &rest[bracket + 2..]);
            let (id, key) = reference.strip_suffix(']')?.split_once(',')?;
            let parenthesis = label_and_summary.rfind(" (")?;
            Some(ContextMenuEntry {
                label: label_and_summary[..parenthesis].to_owned(),
                summary: label_and_summary[parenthesis + 2..]
                    .strip_suffix(')')?
                    .to_owned(),
                notification_id: id.parse().ok()?,
                action_key: key.to_owned(),
            })
        })
        .collect()
}

/// The notifications seen on the bus, built from the monitor's messages.
#[derive(Default)]
struct NotificationLog {
    seen: Vec<SeenNotification>,
    /// `Notify` calls awaiting the server's reply with their id, by (sender, serial).
    awaiting_id: HashMap<(String, u64), (u32, SeenNotification)>,
}

impl NotificationLog {
    fn record(&mut self, message: &Value) {
        let text = |name: &str| {
            message
                .get(name)
                .and_then(Value::as_str)
                .unwrap_or_default()
        };
        let number = |name: &str| {
            message
                .get(name)
                .and_then(Value::as_u64)
                .unwrap_or_default()
        };
        let at = SystemTime::UNIX_EPOCH + Duration::from_micros(number("timestamp-realtime"));
        let payload = message
            .get("payload")
            .and_then(|payload| payload.get("data"))
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        match (text("type"), text("member")) {
            ("method_call", "Notify") => {
                if let Some((replaces_id, notification)) =
                    notification_from_call(&payload, text("sender"), at)
                {
                    self.awaiting_id.insert(
                        (text("sender").to_owned(), number("cookie")),
                        (replaces_id, notification),
                    );
                }
            }
            ("method_return", _) => {
                let key = (text("destination").to_owned(), number("reply_cookie"));
                let Some((replaces_id, mut notification)) = self.awaiting_id.remove(&key) else {
                    return;
                };
                let Some(id) = payload.first().and_then(Value::as_u64) else {
                    return;
                };
                notification.id = u32::try_from(id).unwrap_or_default();
                let replaced = self
                    .seen
                    .iter_mut()
                    .find(|seen| replaces_id != 0 && seen.id == replaces_id);
                match replaced {
                    Some(seen) => {
                        notification.replaced = seen.replaced + 1;
                        *seen = notification;
                    }
                    None => self.seen.push(notification),
                }
            }
            ("signal", "NotificationClosed") => {
                let id = payload.first().and_then(Value::as_u64).unwrap_or_default();
                let reason = payload.get(1).and_then(Value::as_u64).unwrap_or_default();
                if let Some(seen) = self.latest_mut(id) {
                    seen.closed = Some((CloseReason::from_code(reason), at));
                }
            }
            ("signal", "ActionInvoked") => {
                let id = payload.first().and_then(Value::as_u64).unwrap_or_default();
                let key = payload.get(1).and_then(Value::as_str).unwrap_or_default();
                if let Some(seen) = self.latest_mut(id) {
                    seen.invoked_actions.push(key.to_owned());
                }
            }
            _ => {}
        }
    }

    fn latest_mut(&mut self, id: u64) -> Option<&mut SeenNotification> {
        self.seen
            .iter_mut()
            .rev()
            .find(|seen| u64::from(seen.id) == id)
    }
}

/// Reads a `Notify(app_name, replaces_id, icon, summary, body, actions, hints, expire_timeout)`
/// payload; returns the id it replaces (0: none) and the notification without its id yet.
fn notification_from_call(
    payload: &[Value],
    sender: &str,
    sent_at: SystemTime,
) -> Option<(u32, SeenNotification)> {
    let text = |index: usize| payload.get(index)?.as_str().map(str::to_owned);
    let flat_actions: Vec<String> = payload
        .get(5)?
        .as_array()?
        .iter()
        .filter_map(|action| action.as_str().map(str::to_owned))
        .collect();
    let actions = flat_actions
        .chunks(2)
        .filter(|pair| pair.len() == 2)
        .map(|pair| (pair[0].clone(), pair[1].clone()))
        .collect();
    let replaces_id = u32::try_from(payload.get(1)?.as_u64()?).ok()?;
    Some((
        replaces_id,
        SeenNotification {
            id: 0,
            app_name: text(0)?,
            icon: text(2)?,
            summary: text(3)?,
            body: text(4)?,
            actions,
            hints: payload.get(6)?.as_object()?.clone(),
            expire_timeout_ms: i32::try_from(payload.get(7)?.as_i64()?).ok()?,
            sender: sender.to_owned(),
            sent_at,
            replaced: 0,
            invoked_actions: Vec::new(),
            closed: None,
        },
    ))
}

#[cfg(test)]
mod tests {
    //! The harness checks itself on a real session: notifications, actions, the tray, screenshots
    //! and cleanup.

    use super::*;

    const SHORT: Duration = Duration::from_secs(10);

    fn screenshots_dir() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("out/harness")
    }

    #[test]
    fn a_notification_with_actions_is_seen_displayed_and_its_default_action_can_be_invoked() {
        let session = Session::builder().without_tray().start();
        // notify-send waits for an action when it offers some, and prints the invoked key.
        let sender = session
            .command("notify-send")
            .args(["--app-name=Unhunch", "--urgency=critical", "--wait"])
            .args(["--action=default=Open", "--action=snooze=Snooze 5 minutes"])
            .args(["Time to stretch", "Sit tall and reach"])
            .stdout(Stdio::piped())
            .spawn()
            .expect("run notify-send (libnotify-bin)");

        let shown = wait_until("the notification is displayed", SHORT, || {
            session.dunst_displayed().into_iter().next()
        });
        assert_eq!(shown.summary, "Time to stretch");
        assert_eq!(shown.body, "Sit tall and reach");
        assert_eq!(shown.app_name, "Unhunch");
        assert_eq!(shown.action_labels(), ["Open", "Snooze 5 minutes"]);
        assert_eq!(shown.urgency(), Some(2));
        assert_eq!(session.dunst_displayed_count(), 1);
        let shot = screenshots_dir().join("notification.png");
        session.screenshot(&shot);

        session.dunst_action(0);
        let output = sender.wait_with_output().expect("notify-send exits");
        assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), "default");
        let closed = wait_until("the notification is closed", SHORT, || {
            session
                .notifications()
                .into_iter()
                .find(|seen| seen.id == shown.id && seen.closed.is_some())
        });
        assert_eq!(closed.invoked_actions, ["default"]);
        let history = wait_until("dunst's history holds it", SHORT, || {
            session
                .dunst_history()
                .into_iter()
                .find(|entry| entry.id == i64::from(shown.id))
        });
        assert_eq!(history.summary, "Time to stretch");
        assert_eq!(history.body, "Sit tall and reach");
        assert_eq!(history.default_action.as_deref(), Some("default"));
        assert!(session.dunst_displayed().is_empty());
    }

    #[test]
    fn a_replaced_notification_is_one_entry_with_the_new_text() {
        let session = Session::builder().without_tray().start();
        let first = session.run(
            "notify-send",
            &[
                "--print-id",
                "--app-name=Unhunch",
                "Break in 30 s",
                "Finish your sentence",
            ],
        );
        let id = String::from_utf8_lossy(&first.stdout).trim().to_owned();
        assert!(
            first.status.success() && !id.is_empty(),
            "notify-send printed {id:?}"
        );
        let second = session.run(
            "notify-send",
            &[
                &format!("--replace-id={id}"),
                "--app-name=Unhunch",
                "Time to stretch",
                "Cat-Cow",
            ],
        );
        assert!(second.status.success());

        let replaced = wait_until("the notification is replaced", SHORT, || {
            session
                .notifications()
                .into_iter()
                .find(|seen| seen.replaced == 1)
        });
        assert_eq!(replaced.id.to_string(), id);
        assert_eq!(replaced.summary, "Time to stretch");
        assert_eq!(session.notifications().len(), 1);
    }

    #[test]
    fn the_context_menu_choice_invokes_the_chosen_action() {
        let session = Session::builder().without_tray().start();
        let sender = session
            .command("notify-send")
            .args(["--app-name=Unhunch", "--wait"])
            .args(["--action=snooze=Snooze", "--action=skip=Skip this break"])
            .args(["Time to stretch", "Two minutes"])
            .stdout(Stdio::piped())
            .spawn()
            .expect("run notify-send (libnotify-bin)");
        let shown = wait_until("the notification is displayed", SHORT, || {
            session.dunst_displayed().into_iter().next()
        });

        let offered = session.dunst_context_with_choice("Skip this break");

        let labels: Vec<&str> = offered.iter().map(|entry| entry.label.as_str()).collect();
        assert!(labels.contains(&"Snooze"), "offered {labels:?}");
        assert!(
            offered
                .iter()
                .all(|entry| entry.notification_id == shown.id)
        );
        let output = sender.wait_with_output().expect("notify-send exits");
        assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), "skip");
    }

    #[test]
    fn the_tray_watcher_is_up_and_the_screen_can_be_photographed() {
        let session = Session::start();
        assert!(session.name_has_owner(WATCHER_NAME));
        assert_eq!(session.tray_items(), Ok(Vec::new()));
        let shot = screenshots_dir().join("empty-desktop.png");
        session.screenshot(&shot);
        let png = fs::read(&shot).expect("the screenshot exists");
        assert!(png.len() > 100, "the screenshot is {} bytes", png.len());
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    }

    #[test]
    fn parts_can_be_missing_and_started_later() {
        let mut session = Session::builder()
            .without_notifications()
            .without_tray()
            .start();
        assert!(!session.name_has_owner(NOTIFICATIONS_NAME));
        assert!(!session.name_has_owner(WATCHER_NAME));
        // A bus that started services on demand would start the system's dunst here.
        let call = session.bus_call(
            NOTIFICATIONS_NAME,
            "/org/freedesktop/Notifications",
            "org.freedesktop.Notifications",
            "GetServerInformation",
            "",
            &[],
        );
        assert!(call.is_err(), "nothing should answer, got {call:?}");
        assert!(session.tray_items().is_err());

        let names = session.monitor_bus(&["type='signal',member='NameOwnerChanged'"]);
        assert_eq!(
            session.leftover_processes(),
            [],
            "a monitor is the harness's own"
        );
        session.start_notifications();
        session.start_tray();
        let watcher_appeared = names.wait_for("the watcher's name is taken", SHORT, |message| {
            message.payload.first() == Some(&Value::from(WATCHER_NAME))
        });
        assert!(watcher_appeared.at <= SystemTime::now());
        assert!(session.name_has_owner(NOTIFICATIONS_NAME));
        assert!(session.name_has_owner(WATCHER_NAME));
        session.stop_notifications();
        assert!(!session.name_has_owner(NOTIFICATIONS_NAME));
    }

    #[test]
    fn the_environment_points_into_the_session_and_nothing_outlives_it() {
        let session = Session::builder()
            .without_notifications()
            .without_tray()
            .start();
        let root = session.root.clone();
        let output = session.run("sh", &["-c", "echo $HOME $DISPLAY $XDG_RUNTIME_DIR"]);
        let printed = String::from_utf8_lossy(&output.stdout);
        let runtime = session.runtime_dir();
        assert_eq!(
            printed.trim(),
            format!(
                "{} {} {}",
                session.home().display(),
                session.display(),
                runtime.display()
            )
        );
        let mode = fs::metadata(&runtime)
            .expect("runtime dir")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o700);

        // A program under test that starts a child and forgets both.
        let mut forgotten = session
            .command("sh")
            .args(["-c", "sleep 300 & sleep 300"])
            .spawn()
            .expect("run sh");
        let leftovers = wait_until("both sleeps are running", SHORT, || {
            let leftovers = session.leftover_processes();
            if leftovers.len() == 3 {
                Ok(leftovers)
            } else {
                Err(leftovers)
            }
        });
        let pids: Vec<i32> = leftovers.iter().map(|process| process.pid).collect();
        let x_server_pid = session.x_server.as_ref().and_then(Background::pid);

        drop(session);

        let status = forgotten.wait().expect("reap the shell");
        assert!(
            !status.success(),
            "the shell should have been ended, not exit"
        );
        assert!(!root.exists(), "{} is left behind", root.display());
        for pid in pids.into_iter().chain(x_server_pid) {
            assert!(!is_running(pid), "process {pid} outlived the session");
        }
    }

    #[test]
    fn the_system_bus_answers_and_dconf_started_on_demand_belongs_to_the_session() {
        let session = Session::builder()
            .without_notifications()
            .without_tray()
            .start();
        let system = session.run(
            "dbus-send",
            &[
                "--system",
                "--print-reply",
                "--dest=org.freedesktop.DBus",
                "/",
                "org.freedesktop.DBus.GetId",
            ],
        );
        assert!(
            system.status.success(),
            "the private system bus does not answer: {}",
            String::from_utf8_lossy(&system.stderr)
        );
        if !Path::new("/usr/share/dbus-1/services/ca.desrt.dconf.service").is_file() {
            return;
        }
        let ping = session.run(
            "dbus-send",
            &[
                "--session",
                "--print-reply",
                "--dest=ca.desrt.dconf",
                "/ca/desrt/dconf/Writer/user",
                "org.freedesktop.DBus.Peer.Ping",
            ],
        );
        assert!(
            ping.status.success(),
            "dconf was not started on demand: {}",
            String::from_utf8_lossy(&ping.stderr)
        );
        let dconf_pid = session
            .name_owner("ca.desrt.dconf")
            .and_then(|owner| {
                session
                    .bus_call(
                        "org.freedesktop.DBus",
                        "/org/freedesktop/DBus",
                        "org.freedesktop.DBus",
                        "GetConnectionUnixProcessID",
                        "s",
                        &[&owner],
                    )
                    .ok()
            })
            .and_then(|reply| reply.first().and_then(Value::as_i64))
            .expect("dconf owns its name and has a pid");
        assert_eq!(
            session.leftover_processes(),
            [],
            "dconf is part of the desktop"
        );
        drop(session);
        assert!(
            !is_running(i32::try_from(dconf_pid).expect("a pid")),
            "dconf outlived the session"
        );
    }

    #[test]
    fn a_timed_out_wait_says_what_it_waited_for_and_what_it_saw() {
        let mut polls = 0;
        let timed_out = try_wait_until("the count reaches 1000", Duration::from_millis(30), || {
            polls += 1;
            (polls >= 1000).then_some(()).ok_or(polls)
        })
        .expect_err("the count cannot reach 1000 in 30 ms");
        let message = timed_out.to_string();
        assert!(message.contains("the count reaches 1000"), "{message}");
        assert!(
            message.contains(&format!("last observed: {polls}")),
            "{message}"
        );
    }

    #[test]
    fn menu_layouts_read_as_busctl_prints_them() {
        let layout: Value = serde_json::from_str(
            r#"[0,{"children-display":{"type":"s","data":"submenu"}},[
                {"type":"(ia{sv}av)","data":[1,{"label":{"type":"s","data":"_Pause for an hour"}},[]]},
                {"type":"(ia{sv}av)","data":[2,{"type":{"type":"s","data":"separator"}},[]]},
                {"type":"(ia{sv}av)","data":[3,{"label":{"type":"s","data":"Skip next break"},
                    "enabled":{"type":"b","data":false}},[]]}]]"#,
        )
        .expect("valid JSON");
        let menu = MenuItem::from_busctl_layout(&layout).expect("a valid layout");
        assert_eq!(
            menu.visible_texts(),
            ["Pause for an hour", "Skip next break"]
        );
        let skip = menu.find("Skip next break").expect("the skip item");
        assert_eq!(skip.id, 3);
        assert!(!skip.enabled);
        assert_eq!(menu.children[1].kind, "separator");
        assert!(MenuItem::from_busctl_layout(&serde_json::json!([1, {}])).is_err());
    }
}
