//! Notifications in dunst: the heads-up and the break with its actions, one notification replaced
//! rather than stacked, and each action (click, Snooze, Skip) carried out through dunst itself.

use unhunch_tests::desktop::{Session, wait_until};

use crate::daemon::{
    Daemon, PROMPTLY, action_keys, status, unhunch, unhunch_notifications, wait_for_notification,
    wait_for_record, wait_for_state, wait_until_only_the_daemon_runs, window_processes,
};

#[test]
fn the_heads_up_becomes_the_break_notification_and_a_click_opens_the_stretch_window() {
    let session = Session::builder().without_tray().start();
    let daemon = Daemon::start(
        &session,
        Some("[breaks]\ninterval = \"5s\"\nheads_up = \"3s\"\nsnooze = \"2m\"\n"),
    );

    let heads_up = wait_for_notification(&session, "the heads-up notification", |notification| {
        notification.summary.starts_with("Stretch break in")
    });
    assert!(
        heads_up.actions.is_empty(),
        "the heads-up asks nothing: {heads_up:?}"
    );
    assert!(heads_up.body.starts_with("Next: "), "{heads_up:?}");

    let break_due = wait_for_notification(&session, "the break notification", |notification| {
        notification.summary.starts_with("Time to unhunch — ")
    });
    let status = status(&session);
    assert_eq!(status["state"], "break_due");
    let routine_name = status["routine_name"]
        .as_str()
        .expect("the due break names its routine");
    assert!(
        break_due
            .summary
            .starts_with(&format!("Time to unhunch — {routine_name}, ")),
        "{break_due:?}"
    );
    assert!(break_due.summary.ends_with(" min"), "{break_due:?}");
    assert_eq!(
        action_keys(&break_due),
        ["default", "start", "snooze", "skip"]
    );
    assert_eq!(
        break_due.action_labels(),
        ["Start", "Start", "Snooze 2 min", "Skip"]
    );
    assert_eq!(break_due.id, heads_up.id, "the break replaces the heads-up");
    assert!(break_due.replaced >= 1);
    assert_eq!(
        unhunch_notifications(&session).len(),
        1,
        "one notification, replaced, never stacked"
    );
    assert_eq!(session.dunst_displayed_count(), 1);

    // A click on the notification (dunst's default action) starts the break: the window opens.
    session.dunst_action(0);
    let started = wait_for_record(&session, "started", status["break_id"].as_u64());
    assert_eq!(started["routine"], status["routine"]);
    wait_until("the stretch window process runs", PROMPTLY, || {
        let windows = window_processes(&session, &daemon);
        if windows.is_empty() {
            Err(session.leftover_processes())
        } else {
            Ok(windows)
        }
    });
    assert_eq!(
        wait_for_state(&session, "stretching", PROMPTLY)["break_id"],
        status["break_id"]
    );
    wait_until("the break notification is gone", PROMPTLY, || {
        let displayed = session.dunst_displayed();
        if displayed.is_empty() && session.dunst_displayed_count() == 0 {
            Ok(())
        } else {
            Err(displayed)
        }
    });

    // Skipping from elsewhere closes the window.
    assert!(unhunch(&session, &["skip"]).status.success());
    wait_until("the stretch window closes", PROMPTLY, || {
        window_processes(&session, &daemon).is_empty()
    });
    wait_for_record(&session, "skipped", status["break_id"].as_u64());
    // Nothing the window started (WebKit's helper processes) outlives it.
    wait_until_only_the_daemon_runs(&session, &daemon);
}

#[test]
fn snooze_and_skip_from_dunsts_action_menu_and_no_snooze_once_spent() {
    let session = Session::builder().without_tray().start();
    let _daemon = Daemon::start(
        &session,
        Some("[breaks]\ninterval = \"3s\"\nheads_up = \"0s\"\nsnooze = \"2s\"\nmax_snoozes = 1\n"),
    );

    let first = wait_for_notification(&session, "the break notification", |notification| {
        notification.summary.starts_with("Time to unhunch")
    });
    let first_break = status(&session)["break_id"]
        .as_u64()
        .expect("a due break has an id");
    let offered = session.dunst_context_with_choice("Snooze 2 s");
    let labels: Vec<&str> = offered.iter().map(|entry| entry.label.as_str()).collect();
    assert!(
        labels.contains(&"Skip") && labels.contains(&"Start"),
        "{labels:?}"
    );
    assert_eq!(
        wait_for_record(&session, "snoozed", Some(first_break))["snoozes_used"],
        1
    );
    let snoozed = status(&session);
    assert_eq!(snoozed["snoozes_used"], 1);
    assert_eq!(snoozed["snoozes_left"], 0);
    assert!(
        session
            .notifications()
            .iter()
            .any(|notification| notification.id == first.id
                && notification.invoked_actions == ["snooze"]),
        "dunst reported the snooze action"
    );

    // The snoozed break comes back without Snooze: the one snooze is spent.
    let second = wait_for_notification(
        &session,
        "the break notification after the snooze",
        |notification| {
            notification.summary.starts_with("Time to unhunch")
                && notification.sent_at > first.sent_at
        },
    );
    assert_eq!(
        action_keys(&second),
        ["default", "start", "skip"],
        "{second:?}"
    );
    assert!(second.body.contains("No snoozes left"), "{second:?}");
    let second_break = status(&session)["break_id"]
        .as_u64()
        .expect("a due break has an id");

    session.dunst_context_with_choice("Skip");
    wait_for_record(&session, "skipped", Some(second_break));
    let after = wait_for_state(&session, "working", PROMPTLY);
    assert_eq!(
        after["snoozes_used"], 0,
        "skipping starts a fresh interval: {after}"
    );
}
