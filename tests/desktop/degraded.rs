//! Desktops with parts missing: no notification server (the stretch window opens directly) and
//! no tray (one clear log line, everything else works, and the icon registers once a tray starts).

use unhunch_tests::desktop::{Session, wait_until};

use crate::daemon::{
    Daemon, PROMPTLY, daemon_stderr, daemon_tray_item, status, unhunch, wait_for_record,
    window_processes,
};

#[test]
fn without_a_notification_server_the_stretch_window_opens_directly() {
    let session = Session::builder()
        .without_notifications()
        .without_tray()
        .start();
    let daemon = Daemon::start(
        &session,
        Some("[breaks]\ninterval = \"2s\"\nheads_up = \"0s\"\n"),
    );

    let due = wait_for_record(&session, "due", None);
    wait_for_record(&session, "started", due["break_id"].as_u64());
    let stderr = daemon_stderr(&session);
    assert!(
        stderr.contains("no notification server could show break"),
        "the log says why: {stderr}"
    );
    assert!(
        !stderr.contains("cannot open the stretch window"),
        "{stderr}"
    );
    wait_until("the stretch window process runs", PROMPTLY, || {
        !window_processes(&session, &daemon).is_empty()
    });
}

#[test]
fn without_a_tray_unhunch_works_and_its_icon_registers_when_a_tray_starts() {
    let mut session = Session::builder().without_tray().start();
    let daemon = Daemon::start(&session, Some("[breaks]\ninterval = \"25m\"\n"));

    let said = wait_until("one log line about the missing tray", PROMPTLY, || {
        let stderr = daemon_stderr(&session);
        let lines: Vec<String> = stderr
            .lines()
            .filter(|line| line.contains("no system tray is running"))
            .map(str::to_owned)
            .collect();
        if lines.is_empty() {
            Err(stderr)
        } else {
            Ok(lines)
        }
    });
    assert_eq!(said.len(), 1, "{said:?}");
    assert!(
        said[0].contains("keeps working with notifications and the `unhunch` command"),
        "{said:?}"
    );
    assert_eq!(status(&session)["state"], "working");
    assert!(unhunch(&session, &["skip"]).status.success());

    session.start_tray();
    // The icon registers with the tray that just started.
    daemon_tray_item(&session, &daemon);
}
