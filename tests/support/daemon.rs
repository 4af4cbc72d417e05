//! The one place the desktop and journey tests start the daemon, run the CLI, read the daemon's
//! files and work its tray menu.

use std::fs;
use std::path::PathBuf;
use std::process::{Child, Output, Stdio};
use std::time::{Duration, SystemTime};

use crate::desktop::{MenuItem, SeenNotification, Session, bin_path, parent_of, wait_until};
use serde_json::Value;
use unhunch_core::Timestamp;

pub const BUS_NAME: &str = "dev.unhunch.Unhunch";
/// How long a test waits for something the daemon does promptly (a reply, a notification).
pub const PROMPTLY: Duration = Duration::from_secs(15);

/// A running daemon; the session ends it (and anything it started) when the test is over.
pub struct Daemon {
    pub child: Child,
}

impl Daemon {
    /// Starts `unhunch` with `config` as its config.toml (none when `None`) and waits until it owns
    /// its bus name.
    pub fn start(session: &Session, config: Option<&str>) -> Daemon {
        if let Some(config) = config {
            write_config(session, config);
        }
        let daemon = Daemon::spawn(session, &[]);
        session.wait_for_name(BUS_NAME, PROMPTLY);
        daemon
    }

    /// Starts `unhunch --from-menu`, as the application menu's entry does, and waits until it owns
    /// its bus name.
    pub fn start_from_menu(session: &Session) -> Daemon {
        let daemon = Daemon::spawn_with(session, &["--from-menu"], &[]);
        session.wait_for_name(BUS_NAME, PROMPTLY);
        daemon
    }

    /// Starts `unhunch` with extra environment variables, without waiting for anything.
    pub fn spawn(session: &Session, extra_env: &[(&str, &str)]) -> Daemon {
        Daemon::spawn_with(session, &[], extra_env)
    }

    /// Starts `unhunch ARGUMENTS…` with extra environment variables, without waiting for anything.
    pub fn spawn_with(session: &Session, arguments: &[&str], extra_env: &[(&str, &str)]) -> Daemon {
        let log_dir = session.log_dir();
        let stdout = fs::File::create(log_dir.join("daemon.stdout"))
            .expect("create the daemon's stdout file");
        let stderr = fs::File::create(log_dir.join("daemon.stderr"))
            .expect("create the daemon's stderr file");
        let mut command = session.command(bin_path("unhunch"));
        command
            .args(arguments)
            .env("RUST_LOG", "info,unhunch=debug,zbus=warn,ksni=warn")
            .stdout(Stdio::from(stdout))
            .stderr(Stdio::from(stderr));
        for (name, value) in extra_env {
            command.env(name, value);
        }
        Daemon {
            child: command.spawn().expect("start the unhunch daemon"),
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Whether the daemon process has exited (reaping it if so).
    pub fn has_exited(&mut self) -> bool {
        self.child
            .try_wait()
            .expect("ask whether the daemon exited")
            .is_some()
    }
}

/// What the daemon wrote on stderr so far.
pub fn daemon_stderr(session: &Session) -> String {
    fs::read_to_string(session.log_dir().join("daemon.stderr")).unwrap_or_default()
}

pub fn config_file(session: &Session) -> PathBuf {
    session.config_dir().join("unhunch").join("config.toml")
}

pub fn write_config(session: &Session, text: &str) {
    let path = config_file(session);
    fs::create_dir_all(path.parent().expect("config.toml has a folder"))
        .expect("create the config folder");
    fs::write(&path, text).expect("write config.toml");
}

pub fn history_file(session: &Session) -> PathBuf {
    session.data_dir().join("unhunch").join("history.jsonl")
}

/// Runs `unhunch ARGS…` in the session.
pub fn unhunch(session: &Session, arguments: &[&str]) -> Output {
    session
        .command(bin_path("unhunch"))
        .args(arguments)
        .output()
        .expect("run the unhunch command")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// `unhunch status --json`, parsed. Panics when the command fails.
pub fn status(session: &Session) -> Value {
    let output = unhunch(session, &["status", "--json"]);
    assert!(
        output.status.success(),
        "`unhunch status --json` failed: {}{}",
        stdout(&output),
        stderr(&output)
    );
    serde_json::from_str(&stdout(&output))
        .unwrap_or_else(|error| panic!("status is not JSON ({error}): {}", stdout(&output)))
}

/// Waits until `unhunch status --json` has `state` equal to `state`, and returns that status.
pub fn wait_for_state(session: &Session, state: &str, timeout: Duration) -> Value {
    wait_for_status(
        session,
        &format!("unhunch status says {state}"),
        timeout,
        |report| report["state"] == state,
    )
}

/// Waits until `unhunch status --json` is one that `wanted` accepts (`what` says which, for the
/// timeout's message), and returns it.
pub fn wait_for_status(
    session: &Session,
    what: &str,
    timeout: Duration,
    wanted: impl Fn(&Value) -> bool,
) -> Value {
    wait_until(what, timeout, || {
        let report = status(session);
        if wanted(&report) {
            Ok(report)
        } else {
            Err(report)
        }
    })
}

/// The status once the daemon has chosen an idle source (`idle_source` is set).
pub fn chosen_idle_source(session: &Session) -> Value {
    wait_for_status(session, "status names an idle source", PROMPTLY, |report| {
        !report["idle_source"].is_null()
    })
}

/// The history records, one JSON value per line.
pub fn history(session: &Session) -> Vec<Value> {
    fs::read_to_string(history_file(session))
        .unwrap_or_default()
        .lines()
        .map(|line| {
            serde_json::from_str(line)
                .unwrap_or_else(|error| panic!("history line {line:?} is not JSON: {error}"))
        })
        .collect()
}

/// Waits until the history holds a record with this `event` (and, when given, this break id).
pub fn wait_for_record(session: &Session, event: &str, break_id: Option<u64>) -> Value {
    wait_until(
        &format!("a `{event}` history record for break {break_id:?}"),
        PROMPTLY,
        || {
            let records = history(session);
            records
                .iter()
                .find(|record| {
                    record["event"] == event && break_id.is_none_or(|id| record["break_id"] == id)
                })
                .cloned()
                .ok_or(records)
        },
    )
}

/// How many history records have this `event`.
pub fn count_records(session: &Session, event: &str) -> usize {
    history(session)
        .iter()
        .filter(|record| record["event"] == event)
        .count()
}

/// The processes the daemon started (the stretch window), as command lines.
pub fn window_processes(session: &Session, daemon: &Daemon) -> Vec<String> {
    session
        .leftover_processes()
        .into_iter()
        .filter(|process| parent_of(process.pid) == Some(daemon.pid()))
        .map(|process| process.command_line)
        .collect()
}

/// Waits until nothing but the daemon is left of what the session started: the window and
/// WebKit's helper processes are gone.
pub fn wait_until_only_the_daemon_runs(session: &Session, daemon: &Daemon) {
    wait_until("only the daemon is left running", PROMPTLY, || {
        let left = session.leftover_processes();
        if left
            .iter()
            .all(|process| process.pid == daemon.pid() as i32)
        {
            Ok(())
        } else {
            Err(left)
        }
    });
}

/// The seconds between now and an RFC 3339 time in a status field.
pub fn seconds_from_now(time: &Value) -> i64 {
    (time_of(time).unix_millis() - now().unix_millis()) / 1000
}

/// The wall-clock time now, as the daemon's status and history write times.
pub fn now() -> Timestamp {
    Timestamp::from_system_time(SystemTime::now())
}

/// The time in a status or history field (RFC 3339). Panics when it is not one.
pub fn time_of(value: &Value) -> Timestamp {
    value
        .as_str()
        .and_then(Timestamp::parse_rfc3339)
        .unwrap_or_else(|| panic!("{value} is not an RFC 3339 time"))
}

/// Seconds from `earlier` to `later`, negative when `later` is earlier.
pub fn seconds_between(earlier: Timestamp, later: Timestamp) -> f64 {
    (later.unix_millis() - earlier.unix_millis()) as f64 / 1000.0
}

/// Waits, without looking at anything, until `at` has passed: for checking that nothing happens
/// before a time, which no event can announce.
pub fn let_pass(at: Timestamp) {
    let left = at.unix_millis() - now().unix_millis();
    if left > 0 {
        std::thread::sleep(Duration::from_millis(left as u64));
    }
}

/// The registered tray item whose bus name carries the daemon's pid.
pub fn daemon_tray_item(session: &Session, daemon: &Daemon) -> String {
    let prefix = format!("org.kde.StatusNotifierItem-{}-", daemon.pid());
    wait_until(
        "the daemon's tray item is registered with the watcher",
        PROMPTLY,
        || {
            let items = session.tray_items();
            items
                .as_ref()
                .ok()
                .and_then(|items| items.iter().find(|item| item.starts_with(&prefix)).cloned())
                .ok_or(items)
        },
    )
}

/// The tray item's whole menu, read over dbusmenu.
pub fn menu(session: &Session, item: &str) -> MenuItem {
    session
        .tray_menu(item)
        .unwrap_or_else(|error| panic!("the tray menu cannot be read: {error:?}"))
}

/// The top-level entries as (text, visible), separators as "---".
pub fn entries(menu: &MenuItem) -> Vec<(String, bool)> {
    menu.children
        .iter()
        .map(|child| {
            if child.kind == "separator" {
                ("---".to_owned(), true)
            } else {
                (child.text(), child.visible)
            }
        })
        .collect()
}

/// Clicks the menu entry labelled `label` (at any depth) through dbusmenu, as the tray does when
/// the user picks it. Panics when it is missing, hidden or disabled.
pub fn click(session: &Session, item: &str, label: &str) {
    let menu = menu(session, item);
    let entry = menu
        .find(label)
        .unwrap_or_else(|| panic!("the tray menu has no {label:?}: {:?}", entries(&menu)));
    assert!(
        entry.visible && entry.enabled,
        "{label:?} is not clickable: {entry:?}"
    );
    session
        .tray_menu_click(item, entry.id)
        .unwrap_or_else(|error| panic!("clicking {label:?} failed: {error:?}"));
}

/// Every notification Unhunch sent in this session, oldest first.
pub fn unhunch_notifications(session: &Session) -> Vec<SeenNotification> {
    session
        .notifications()
        .into_iter()
        .filter(|notification| notification.app_name == "Unhunch")
        .collect()
}

/// Waits for the newest open Unhunch notification that `matches`.
pub fn wait_for_notification(
    session: &Session,
    description: &str,
    matches: impl Fn(&SeenNotification) -> bool,
) -> SeenNotification {
    wait_until(description, PROMPTLY, || {
        let seen = unhunch_notifications(session);
        seen.iter()
            .rev()
            .find(|notification| notification.closed.is_none() && matches(notification))
            .cloned()
            .ok_or(seen)
    })
}

/// The notification's action keys, in order (`default` is a click on its body).
pub fn action_keys(notification: &SeenNotification) -> Vec<&str> {
    notification
        .actions
        .iter()
        .map(|(key, _)| key.as_str())
        .collect()
}
