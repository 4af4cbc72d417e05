//! The break on the notification servers Debian ships, each in its stock configuration, acted on
//! by real clicks on what the server drew: stock dunst's left click (which closes), the buttons of
//! xfce4-notifyd and lxqt-notificationd, a server that crashes mid-break, and a server without
//! actions with and without a tray.

use std::time::SystemTime;

use unhunch_tests::desktop::{
    CloseReason, MouseButton, NotificationServer, SeenNotification, Session,
    WITHOUT_ACTIONS_EXPIRY, wait_until,
};

use crate::daemon::{
    Daemon, PROMPTLY, action_keys, daemon_stderr, status, unhunch_notifications,
    wait_for_notification, wait_for_record, wait_for_state, window_processes,
};

/// Quick breaks: due three seconds after start, no heads-up, a snooze of three seconds.
const QUICK_BREAKS: &str = "[breaks]\ninterval = \"3s\"\nheads_up = \"0s\"\nsnooze = \"3s\"\n";

fn session_with(server: NotificationServer) -> Session {
    Session::builder()
        .notification_server(server)
        .without_tray()
        .start()
}

fn is_break(notification: &SeenNotification) -> bool {
    notification.summary.starts_with("Time to unhunch")
}

/// The break notification sent after `after`, once it is on screen.
fn wait_for_break_after(session: &Session, after: SystemTime) -> SeenNotification {
    wait_for_notification(session, "the break notification", |notification| {
        is_break(notification) && notification.sent_at > after
    })
}

fn due_break_id(session: &Session) -> u64 {
    let status = wait_for_state(session, "break_due", PROMPTLY);
    status["break_id"].as_u64().expect("a due break has an id")
}

#[test]
fn stock_dunst_a_left_click_snoozes_the_break_says_so_and_a_middle_click_starts_it() {
    let session = session_with(NotificationServer::DunstStock);
    let _daemon = Daemon::start(&session, Some(QUICK_BREAKS));

    let first = wait_for_break_after(&session, SystemTime::UNIX_EPOCH);
    assert_eq!(
        action_keys(&first),
        ["default", "start", "snooze", "skip"],
        "{first:?}"
    );
    assert!(
        first
            .body
            .contains("Closing this reminder puts the break off 3 s"),
        "the body says what closing does: {first:?}"
    );
    let first_break = due_break_id(&session);

    // Debian's dunstrc: a left click closes the notification (mouse_left_click = close_current).
    session.click_notification_body(MouseButton::Left, PROMPTLY);
    let snoozed = wait_for_record(&session, "snoozed", Some(first_break));
    assert_eq!(snoozed["snoozes_used"], 1);
    let closed = unhunch_notifications(&session)
        .into_iter()
        .find(|notification| notification.id == first.id)
        .and_then(|notification| notification.closed);
    assert!(
        matches!(closed, Some((CloseReason::DismissedByUser, _))),
        "dunst reported a dismissal: {closed:?}"
    );
    let told = wait_until("Unhunch says the break was put off", PROMPTLY, || {
        unhunch_notifications(&session)
            .into_iter()
            .find(|notification| notification.summary == "Break put off for 3 s")
    });
    assert!(
        told.body.contains("Closing the reminder snoozes the break"),
        "{told:?}"
    );

    // The break comes back after the snooze, and the message saying so is gone by then.
    let second = wait_for_break_after(&session, first.sent_at);
    let second_break = due_break_id(&session);
    assert_ne!(second_break, first_break);
    wait_until("the message about the snooze expires", PROMPTLY, || {
        unhunch_notifications(&session)
            .into_iter()
            .find(|notification| notification.id == told.id)
            .and_then(|notification| notification.closed)
    });
    assert_eq!(session.dunst_displayed_count(), 1);

    // The middle click is dunst's do_action: the default action, Start. Skip and Snooze are only
    // in its context menu, which needs dmenu.
    assert!(session.click_action(&second, "skip", PROMPTLY).is_err());
    assert_eq!(
        session.click_action(&second, "default", PROMPTLY),
        Ok("a middle click on the notification")
    );
    wait_for_record(&session, "started", Some(second_break));
    let acted = unhunch_notifications(&session)
        .into_iter()
        .find(|notification| notification.id == second.id)
        .expect("the second break notification was seen");
    assert_eq!(acted.invoked_actions, ["default"]);
}

#[test]
fn stock_dunst_a_left_click_with_no_snooze_left_opens_the_stretch_window() {
    let session = session_with(NotificationServer::DunstStock);
    let daemon = Daemon::start(&session, Some(&format!("{QUICK_BREAKS}max_snoozes = 1\n")));
    let first = wait_for_break_after(&session, SystemTime::UNIX_EPOCH);
    let first_break = due_break_id(&session);
    session.click_notification_body(MouseButton::Left, PROMPTLY);
    wait_for_record(&session, "snoozed", Some(first_break));

    let last = wait_for_break_after(&session, first.sent_at);
    assert!(
        last.body
            .contains("closing this reminder opens the stretch"),
        "{last:?}"
    );
    assert_eq!(action_keys(&last), ["default", "start", "skip"]);
    let last_break = due_break_id(&session);
    // The message about the first snooze has expired, so the click lands on the break.
    wait_until("only the break is on screen", PROMPTLY, || {
        session.dunst_displayed_count() == 1
    });
    session.click_notification_body(MouseButton::Left, PROMPTLY);
    wait_for_record(&session, "started", Some(last_break));
    wait_until("the stretch window process runs", PROMPTLY, || {
        !window_processes(&session, &daemon).is_empty()
    });
}

#[test]
fn xfce4_notifyd_draws_one_start_button_and_a_click_on_it_starts_the_break() {
    let session = session_with(NotificationServer::XfceNotifyd);
    let daemon = Daemon::start(&session, Some(QUICK_BREAKS));

    let shown = wait_for_break_after(&session, SystemTime::UNIX_EPOCH);
    assert_eq!(
        action_keys(&shown),
        ["default", "snooze", "skip"],
        "{shown:?}"
    );
    assert_eq!(shown.action_labels(), ["Start", "Snooze 3 s", "Skip"]);
    let break_id = due_break_id(&session);
    // Three buttons on screen, so exactly one of them is Start.
    let (_, buttons) = session.drawn_buttons(3, PROMPTLY);
    assert_eq!(buttons.len(), 3);

    session.click_notification_button(&shown, "Start", PROMPTLY);
    wait_for_record(&session, "started", Some(break_id));
    wait_until("the stretch window process runs", PROMPTLY, || {
        !window_processes(&session, &daemon).is_empty()
    });
    session.wait_until_nothing_drawn(PROMPTLY);
}

#[test]
fn xfce4_notifyd_closes_on_a_click_beside_its_buttons_which_snoozes_the_break() {
    let session = session_with(NotificationServer::XfceNotifyd);
    let _daemon = Daemon::start(&session, Some(QUICK_BREAKS));
    wait_for_break_after(&session, SystemTime::UNIX_EPOCH);
    let break_id = due_break_id(&session);
    session.click_notification_body(MouseButton::Left, PROMPTLY);
    wait_for_record(&session, "snoozed", Some(break_id));
    wait_until("Unhunch says the break was put off", PROMPTLY, || {
        unhunch_notifications(&session)
            .into_iter()
            .any(|notification| notification.summary == "Break put off for 3 s")
    });
}

#[test]
fn mate_and_notification_daemon_snooze_on_their_button_and_start_on_a_click_on_the_body() {
    for server in [
        NotificationServer::MateNotificationDaemon,
        NotificationServer::NotificationDaemon,
    ] {
        let session = session_with(server);
        let _daemon = Daemon::start(&session, Some(QUICK_BREAKS));
        let first = wait_for_break_after(&session, SystemTime::UNIX_EPOCH);
        assert_eq!(
            action_keys(&first),
            ["default", "start", "snooze", "skip"],
            "{}: the body is the default action, so Start is a button too",
            server.label()
        );
        let first_break = due_break_id(&session);
        let how = session.click_action(&first, "snooze", PROMPTLY);
        assert_eq!(how, Ok("a left click on its button"), "{}", server.label());
        wait_for_record(&session, "snoozed", Some(first_break));

        let second = wait_for_break_after(&session, first.sent_at);
        let second_break = due_break_id(&session);
        session.click_notification_body(MouseButton::Left, PROMPTLY);
        wait_for_record(&session, "started", Some(second_break));
        let acted = unhunch_notifications(&session)
            .into_iter()
            .find(|notification| notification.id == second.id)
            .expect("the second break notification was seen");
        assert_eq!(acted.invoked_actions, ["default"], "{}", server.label());
    }
}

#[test]
fn lxqt_gets_three_actions_drawn_as_buttons_and_survives_a_click() {
    let session = session_with(NotificationServer::LxqtNotificationd);
    let _daemon = Daemon::start(&session, Some(QUICK_BREAKS));

    let shown = wait_for_break_after(&session, SystemTime::UNIX_EPOCH);
    assert_eq!(
        action_keys(&shown),
        ["default", "snooze", "skip"],
        "{shown:?}"
    );
    assert_eq!(shown.action_labels(), ["Start", "Snooze", "Skip"]);
    let break_id = due_break_id(&session);

    session.click_notification_button(&shown, "Skip", PROMPTLY);
    wait_for_record(&session, "skipped", Some(break_id));
    wait_for_state(&session, "working", PROMPTLY);
    assert_eq!(
        session.notification_server_information()[0],
        "lxqt-notificationd",
        "lxqt-notificationd is still running"
    );
}

#[test]
fn a_server_that_crashes_mid_break_and_comes_back_shows_the_break_again() {
    let mut session = session_with(NotificationServer::DunstStock);
    // Reminders of an ignored break come a snooze apart: far off here, so the break shown
    // again is the daemon's answer to the crash.
    let _daemon = Daemon::start(
        &session,
        Some("[breaks]\ninterval = \"3s\"\nheads_up = \"0s\"\nsnooze = \"10m\"\n"),
    );

    let first = wait_for_break_after(&session, SystemTime::UNIX_EPOCH);
    let break_id = due_break_id(&session);
    session.kill_notifications();
    let killed_at = SystemTime::now();
    session.start_notifications();

    let again = wait_for_break_after(&session, killed_at);
    assert_eq!(again.summary, first.summary);
    assert_eq!(again.replaced, 0, "a new server shows it anew: {again:?}");
    assert_eq!(status(&session)["break_id"], break_id);
    assert_eq!(status(&session)["state"], "break_due");
    session.drawn_notification(PROMPTLY);
    let stderr = daemon_stderr(&session);
    assert!(
        stderr.contains(&format!("showing break {break_id} again")),
        "{stderr}"
    );
}

#[test]
fn a_server_that_crashes_mid_break_and_stays_away_opens_the_stretch_window() {
    let mut session = session_with(NotificationServer::DunstTest);
    let daemon = Daemon::start(
        &session,
        Some("[breaks]\ninterval = \"3s\"\nheads_up = \"0s\"\nsnooze = \"10m\"\n"),
    );
    wait_for_break_after(&session, SystemTime::UNIX_EPOCH);
    let break_id = due_break_id(&session);
    session.kill_notifications();

    wait_for_record(&session, "started", Some(break_id));
    wait_until("the stretch window process runs", PROMPTLY, || {
        !window_processes(&session, &daemon).is_empty()
    });
    let stderr = daemon_stderr(&session);
    assert!(
        stderr.contains("went away and none came back"),
        "the log says why: {stderr}"
    );
}

#[test]
fn without_actions_but_with_a_tray_the_words_point_to_the_tray_and_an_expired_reminder_opens_the_window()
 {
    let session = Session::builder()
        .notification_server(NotificationServer::WithoutActions)
        .start();
    // A reminder of the ignored break would replace the notification (and start its expiry
    // again) every snooze length: a longer one than the server's expiry, as by default.
    let daemon = Daemon::start(
        &session,
        Some("[breaks]\ninterval = \"3s\"\nheads_up = \"0s\"\nsnooze = \"1m\"\n"),
    );

    let shown = wait_for_break_after(&session, SystemTime::UNIX_EPOCH);
    assert!(shown.actions.is_empty(), "{shown:?}");
    assert!(
        shown.body.contains("from the Unhunch tray menu"),
        "{shown:?}"
    );
    assert!(
        shown
            .body
            .contains("when this reminder goes, the stretch window opens"),
        "{shown:?}"
    );
    let break_id = due_break_id(&session);

    // The server expires it, as notify-osd does: the break opens in its window.
    let started = wait_until(
        "the expired reminder opens the stretch window",
        WITHOUT_ACTIONS_EXPIRY + PROMPTLY,
        || {
            crate::daemon::history(&session)
                .into_iter()
                .find(|record| record["event"] == "started" && record["break_id"] == break_id)
        },
    );
    assert_eq!(started["break_id"], break_id);
    let closed = unhunch_notifications(&session)
        .into_iter()
        .find(|notification| notification.id == shown.id)
        .and_then(|notification| notification.closed);
    assert!(
        matches!(closed, Some((CloseReason::Expired, _))),
        "{closed:?}"
    );
    wait_until("the stretch window process runs", PROMPTLY, || {
        !window_processes(&session, &daemon).is_empty()
    });
}

#[test]
fn without_actions_and_without_a_tray_the_stretch_window_opens_at_once() {
    let session = session_with(NotificationServer::WithoutActions);
    let daemon = Daemon::start(&session, Some(QUICK_BREAKS));

    let due = wait_for_record(&session, "due", None);
    let break_id = due["break_id"].as_u64();
    wait_for_record(&session, "started", break_id);
    wait_until("the stretch window process runs", PROMPTLY, || {
        !window_processes(&session, &daemon).is_empty()
    });
    assert!(
        !unhunch_notifications(&session).iter().any(is_break),
        "no break notification that offers no way to act: {:?}",
        unhunch_notifications(&session)
    );
    let stderr = daemon_stderr(&session);
    assert!(
        stderr.contains("offers no buttons and no tray is running"),
        "the log says why: {stderr}"
    );
}
