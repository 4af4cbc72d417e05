//! What every cell does the same way, on X11 and Wayland alike: its settings, recording its row,
//! waiting for the next break, reading the notification Unhunch sent, the processes the daemon
//! started, and pressing Enter through a stretch until it is completed.

use std::time::Duration;

use serde_json::Value;
use unhunch_tests::daemon::{self, Daemon, PROMPTLY, history};
use unhunch_tests::desktop::{BusMonitor, Session, parent_of, try_wait_until, wait_until};

use crate::table::{Row, panic_message};

/// Short intervals, so three breaks take seconds; the steps wait for Enter, so the walk is ours.
pub const CONFIG: &str = "[breaks]\ninterval = \"5s\"\nheads_up = \"0s\"\nsnooze = \"3s\"\n\
                          [stretch]\nauto_advance = false\n";

/// How long a debug build of the window may take to open and paint on a loaded machine.
pub const WINDOW_PAINTS: Duration = Duration::from_secs(45);

/// The start of the break notification's summary.
pub const BREAK_SUMMARY: &str = "Time to unhunch";

/// The bus rules that record Unhunch's notifications and their closing.
pub const NOTIFICATION_RULES: [&str; 2] = [
    "type='method_call',interface='org.freedesktop.Notifications',member='Notify'",
    "type='signal',interface='org.freedesktop.Notifications',member='NotificationClosed'",
];

/// Runs `cell` with `row`, records the row whatever happens, and fails when a step failed.
pub fn record(mut row: Row, cell: impl FnOnce(&mut Row)) {
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| cell(&mut row)));
    match outcome {
        Ok(()) => row.finish(None),
        Err(panic) => {
            row.finish(Some(panic_message(&*panic)));
            std::panic::resume_unwind(panic);
        }
    }
}

/// Waits for a break other than `previous` to be due and returns its id.
pub fn due_break(session: &Session, previous: Option<u64>) -> u64 {
    wait_until("the next break is due", Duration::from_secs(30), || {
        let status = daemon::status(session);
        let id = status["break_id"].as_u64();
        match id {
            Some(id) if status["state"] == "break_due" && Some(id) != previous => Ok(id),
            _ => Err(status),
        }
    })
}

/// The newest `Notify` call of a break notification: its arguments (app, replaces, icon,
/// summary, body, actions, hints, timeout).
pub fn break_notify_call(calls: &BusMonitor, break_id: u64) -> Value {
    let message = wait_until(
        &format!("Unhunch sends the notification of break {break_id}"),
        PROMPTLY,
        || {
            calls
                .messages()
                .into_iter()
                .rev()
                .find(|message| {
                    message.member == "Notify"
                        && message.payload.first() == Some(&Value::from("Unhunch"))
                        && message
                            .payload
                            .get(3)
                            .and_then(Value::as_str)
                            .is_some_and(|summary| summary.starts_with(BREAK_SUMMARY))
                })
                .ok_or("none yet")
        },
    );
    Value::from(message.payload)
}

/// The processes the daemon started that still run (a stretch window, say).
pub fn daemon_children(session: &Session, daemon: &Daemon) -> Vec<i32> {
    session
        .leftover_processes()
        .into_iter()
        .filter(|process| parent_of(process.pid) == Some(daemon.pid()))
        .map(|process| process.pid)
        .collect()
}

/// Presses Enter in the stretch window with `press_enter`, step after step, until the history
/// says the break was completed.
pub fn walk_to_the_end(session: &Session, press_enter: impl Fn()) {
    for _ in 0..60 {
        press_enter();
        let completed = try_wait_until("the break is completed", Duration::from_secs(1), || {
            history(session)
                .iter()
                .any(|record| record["event"] == "completed")
        });
        if completed.is_ok() {
            return;
        }
    }
    panic!("sixty presses of Enter did not walk the stretch to its end");
}

/// Whether a window whose commonest colour covers `share` of it (0 to 1) is painted: the intro
/// page's background covers about two thirds of it, a blank window all of it.
pub fn painted_enough(share: f64) -> Result<(), String> {
    if share < 0.95 {
        Ok(())
    } else {
        Err(format!(
            "blank: one colour covers {:.1} % of the window",
            share * 100.0
        ))
    }
}
