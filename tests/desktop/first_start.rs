//! The first start from the application menu (`unhunch --from-menu`, the desktop entry's command)
//! asks once, in dunst, whether to start at login: "Start at login" writes the same autostart entry
//! as `unhunch autostart on`, "Not now" writes none, and either answer is remembered, so the next
//! start asks nothing. A question closed without an answer is asked again; a start without the flag
//! (a terminal, a test, the login itself) never asks; with no notification server the question
//! counts as asked, and the log names `unhunch autostart on`.

use std::fs;
use std::path::PathBuf;

use unhunch_tests::desktop::{SeenNotification, Session, bin_path, wait_until};

use crate::daemon::{Daemon, PROMPTLY, unhunch, unhunch_notifications, wait_for_notification};

const QUESTION: &str = "Start Unhunch when you log in?";

fn autostart_entry(session: &Session) -> PathBuf {
    session.config_dir().join("autostart/unhunch.desktop")
}

fn remembered_answer(session: &Session) -> Option<String> {
    fs::read_to_string(session.state_dir().join("unhunch/login-question")).ok()
}

fn log(session: &Session) -> String {
    fs::read_to_string(session.state_dir().join("unhunch/unhunch.log")).unwrap_or_default()
}

/// Waits until the daemon's log says `line` for the `times`-th time: each start decides once
/// whether to ask, so this is the moment a start has decided.
fn wait_for_log_line(session: &Session, line: &str, times: usize) {
    wait_until(
        &format!("the log says {line:?} {times} time(s)"),
        PROMPTLY,
        || log(session).matches(line).count() >= times,
    );
}

fn questions(session: &Session) -> Vec<SeenNotification> {
    unhunch_notifications(session)
        .into_iter()
        .filter(|notification| notification.summary == QUESTION)
        .collect()
}

fn wait_for_question(session: &Session) -> SeenNotification {
    let question = wait_for_notification(session, "the question about starting at login", |seen| {
        seen.summary == QUESTION
    });
    assert_eq!(
        question.actions,
        [
            ("start-at-login".to_owned(), "Start at login".to_owned()),
            ("not-now".to_owned(), "Not now".to_owned())
        ],
        "{question:?}"
    );
    question
}

fn quit(session: &Session, mut daemon: Daemon) {
    assert!(unhunch(session, &["quit"]).status.success());
    daemon.child.wait().expect("the daemon exits after quit");
}

const NOT_ASKED: &str = "not asking whether to start at login";

#[test]
fn start_at_login_from_the_drawn_notification_writes_the_autostart_entry_once_and_for_all() {
    let session = Session::builder().without_tray().start();
    let daemon = Daemon::start_from_menu(&session);
    wait_for_question(&session);
    assert!(!autostart_entry(&session).exists());

    // A click on the notification where dunst draws it opens its actions; the user picks one.
    let offered = session.click_notification_and_choose("Start at login");
    let labels: Vec<&str> = offered.iter().map(|entry| entry.label.as_str()).collect();
    assert_eq!(labels, ["Start at login", "Not now"]);
    let entry = wait_until("the autostart entry is written", PROMPTLY, || {
        fs::read_to_string(autostart_entry(&session)).ok()
    });
    // The same entry as `unhunch autostart on`: the program itself, without --from-menu.
    assert!(
        entry.contains(&format!("\nExec={}\n", bin_path("unhunch").display())),
        "{entry}"
    );
    wait_for_notification(&session, "the confirmation", |seen| {
        seen.summary == "Unhunch now starts when you log in"
    });
    let remembered = remembered_answer(&session).expect("the answer is remembered");
    assert!(
        remembered.contains("answer = \"start-at-login\""),
        "{remembered}"
    );
    quit(&session, daemon);

    // Started from the menu again, it asks nothing; nor after `unhunch autostart off`, since the
    // answer is remembered, not only read off the entry.
    let daemon = Daemon::start_from_menu(&session);
    wait_for_log_line(&session, NOT_ASKED, 1);
    quit(&session, daemon);
    assert!(unhunch(&session, &["autostart", "off"]).status.success());
    let daemon = Daemon::start_from_menu(&session);
    wait_for_log_line(&session, NOT_ASKED, 2);
    assert_eq!(questions(&session).len(), 1, "{:?}", questions(&session));
    quit(&session, daemon);
}

#[test]
fn not_now_is_remembered_and_a_dismissed_question_comes_again() {
    let session = Session::builder().without_tray().start();
    let daemon = Daemon::start_from_menu(&session);
    wait_for_question(&session);

    // Closed without an answer: nothing is remembered, and the next start from the menu asks again.
    session.dunst_close_all();
    wait_for_log_line(&session, "closed without an answer", 1);
    assert_eq!(remembered_answer(&session), None);
    quit(&session, daemon);
    let daemon = Daemon::start_from_menu(&session);
    wait_until("the question is asked again", PROMPTLY, || {
        questions(&session).len() == 2
    });
    wait_for_question(&session);

    session.click_notification_and_choose("Not now");
    let remembered = wait_until("the answer is remembered", PROMPTLY, || {
        remembered_answer(&session)
    });
    assert!(remembered.contains("answer = \"not-now\""), "{remembered}");
    assert!(!autostart_entry(&session).exists());
    quit(&session, daemon);

    let daemon = Daemon::start_from_menu(&session);
    wait_for_log_line(&session, NOT_ASKED, 1);
    assert_eq!(questions(&session).len(), 2, "{:?}", questions(&session));
    assert!(!autostart_entry(&session).exists());
    quit(&session, daemon);
}

#[test]
fn a_start_without_the_menus_flag_never_asks() {
    let session = Session::builder().without_tray().start();
    let daemon = Daemon::start(&session, None);
    wait_for_log_line(&session, NOT_ASKED, 1);
    assert!(
        log(&session).contains("started from the menu: false"),
        "{}",
        log(&session)
    );
    assert_eq!(questions(&session), Vec::<SeenNotification>::new());
    assert_eq!(remembered_answer(&session), None);
    quit(&session, daemon);
}

#[test]
fn with_no_notification_server_the_command_is_told_and_counts_as_asked() {
    let session = Session::builder()
        .without_tray()
        .without_notifications()
        .start();
    let daemon = Daemon::start_from_menu(&session);
    let remembered = wait_until("the question counts as asked", PROMPTLY, || {
        remembered_answer(&session)
    });
    assert!(
        remembered.contains("answer = \"told-the-command\""),
        "{remembered}"
    );
    assert!(
        log(&session).contains("`unhunch autostart on`"),
        "{}",
        log(&session)
    );
    assert!(!autostart_entry(&session).exists());
    quit(&session, daemon);
}
