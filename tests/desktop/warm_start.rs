//! The warm start on stock dunst: the heads-up starts the stretch window hidden (a process, no
//! window on screen), a click that starts the break shows that same process's window, and a
//! snooze from the notification or a pause during the heads-up ends the hidden process, with
//! nothing of it left running.

use unhunch_tests::desktop::{
    MouseButton, NotificationServer, Session, parent_of, wait_for_exit, wait_until,
};

use crate::daemon::{
    Daemon, PROMPTLY, status, unhunch, wait_for_notification, wait_for_record, wait_for_state,
    wait_until_only_the_daemon_runs,
};

/// A heads-up four seconds after the start, the break eight seconds after it.
const HEADS_UP_BREAKS: &str = "[breaks]\ninterval = \"12s\"\nheads_up = \"8s\"\nsnooze = \"2m\"\n";

fn stock_dunst_session() -> Session {
    Session::builder()
        .notification_server(NotificationServer::DunstStock)
        .without_tray()
        .start()
}

/// The pid of the hidden stretch window the daemon started on the heads-up, once it runs.
fn hidden_window(session: &Session, daemon: &Daemon) -> u32 {
    wait_until("the daemon starts the hidden window", PROMPTLY, || {
        let processes = session.leftover_processes();
        processes
            .iter()
            .find(|process| {
                parent_of(process.pid) == Some(daemon.pid())
                    && process.command_line.contains("unhunch-window")
                    && process.command_line.contains("--hidden")
            })
            .map(|process| process.pid as u32)
            .ok_or(processes)
    })
}

#[test]
fn the_heads_up_starts_the_window_hidden_and_a_click_on_the_break_shows_it() {
    let session = stock_dunst_session();
    let daemon = Daemon::start(&session, Some(HEADS_UP_BREAKS));
    wait_for_notification(&session, "the heads-up notification", |notification| {
        notification.summary.starts_with("Stretch break in")
    });
    let window = hidden_window(&session, &daemon);
    assert!(
        session.visible_windows_of(window).is_empty(),
        "the prepared window shows nothing during the heads-up"
    );
    let due = wait_for_notification(&session, "the break notification", |notification| {
        notification.summary.starts_with("Time to unhunch")
    });
    let break_id = wait_for_state(&session, "break_due", PROMPTLY)["break_id"].as_u64();
    // Seconds after it was started, its page long loaded: still nothing on screen.
    assert!(
        session.visible_windows_of(window).is_empty(),
        "the prepared window shows nothing while the break waits for Start"
    );

    let how = session
        .click_action(&due, "default", PROMPTLY)
        .expect("stock dunst starts a break with a middle click");
    wait_for_record(&session, "started", break_id);
    let shown = wait_until(
        &format!("the prepared window is shown after {how}"),
        PROMPTLY,
        || session.visible_windows_of(window).into_iter().next(),
    );
    assert!(!shown.is_empty());
    assert_eq!(
        wait_for_state(&session, "stretching", PROMPTLY)["break_id"].as_u64(),
        break_id
    );

    assert!(unhunch(&session, &["skip"]).status.success());
    wait_for_exit(window, "the shown window", PROMPTLY);
    wait_until_only_the_daemon_runs(&session, &daemon);
}

#[test]
fn closing_the_break_notification_snoozes_it_and_ends_the_hidden_window() {
    let session = stock_dunst_session();
    let daemon = Daemon::start(&session, Some(HEADS_UP_BREAKS));
    let window = hidden_window(&session, &daemon);
    wait_for_notification(&session, "the break notification", |notification| {
        notification.summary.starts_with("Time to unhunch")
    });
    let break_id = wait_for_state(&session, "break_due", PROMPTLY)["break_id"].as_u64();

    // Debian's dunstrc: a left click closes the notification, which snoozes the break.
    session.click_notification_body(MouseButton::Left, PROMPTLY);
    wait_for_record(&session, "snoozed", break_id);
    wait_for_exit(window, "the hidden window", PROMPTLY);
    wait_until_only_the_daemon_runs(&session, &daemon);
    assert_eq!(status(&session)["state"], "working");
}

#[test]
fn pausing_during_the_heads_up_ends_the_hidden_window() {
    let session = stock_dunst_session();
    let daemon = Daemon::start(&session, Some(HEADS_UP_BREAKS));
    let window = hidden_window(&session, &daemon);
    assert!(unhunch(&session, &["pause", "30m"]).status.success());
    wait_for_exit(window, "the hidden window", PROMPTLY);
    wait_until_only_the_daemon_runs(&session, &daemon);
    assert_eq!(status(&session)["state"], "paused");
}
