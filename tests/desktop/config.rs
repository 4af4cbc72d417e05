//! The config file: written once on the first run, watched while running, and never rewritten: an
//! invalid edit keeps the last good settings and tells the user where the mistake is.

use std::fs;

use unhunch_tests::desktop::{Session, wait_until};

use crate::daemon::{Daemon, PROMPTLY, config_file, daemon_stderr, status, write_config};

#[test]
fn the_first_run_writes_the_commented_example_and_the_log() {
    let session = Session::builder()
        .without_tray()
        .without_notifications()
        .start();
    assert!(!config_file(&session).exists());
    let _daemon = Daemon::start(&session, None);

    let written = wait_until("config.toml is written", PROMPTLY, || {
        fs::read_to_string(config_file(&session)).ok()
    });
    assert_eq!(written, unhunch_core::settings::EXAMPLE_CONFIG);
    let log = session.state_dir().join("unhunch").join("unhunch.log");
    wait_until("the log file says Unhunch started", PROMPTLY, || {
        fs::read_to_string(&log).is_ok_and(|text| text.contains("Unhunch 0.1.0 started"))
    });
    assert_eq!(
        status(&session)["next_break_in_secs"]
            .as_u64()
            .map(|secs| secs > 1400),
        Some(true),
        "default interval 25m"
    );
}

#[test]
fn an_invalid_edit_keeps_the_old_settings_and_the_file_untouched_and_a_fix_applies() {
    let session = Session::builder().without_tray().start();
    let _daemon = Daemon::start(&session, Some("[breaks]\ninterval = \"10m\"\n"));
    let before = status(&session);

    let broken = "# my settings\n[breaks]\ninterval = \"soon\"\nsnooze = \"5m\"\n";
    write_config(&session, broken);

    let notice = wait_until("a notification about the mistake", PROMPTLY, || {
        let seen = session.notifications();
        seen.iter()
            .find(|notification| notification.summary.contains("kept your previous settings"))
            .cloned()
            .ok_or(seen)
    });
    assert!(
        notice.body.contains("config.toml:3:"),
        "the notice names file and line: {}",
        notice.body
    );
    assert!(notice.body.contains("breaks.interval"), "{}", notice.body);
    assert!(
        daemon_stderr(&session).contains("config.toml:3:"),
        "the log names file and line too"
    );
    let after = status(&session);
    assert_eq!(
        after["next_break_at"], before["next_break_at"],
        "the old settings still apply"
    );
    assert_eq!(
        fs::read_to_string(config_file(&session)).unwrap(),
        broken,
        "the file is left byte for byte as the user wrote it"
    );

    write_config(&session, "[breaks]\ninterval = \"20m\"\n");
    wait_until(
        "the fixed file applies: a break in about 20 minutes",
        PROMPTLY,
        || {
            let status = status(&session);
            if status["next_break_in_secs"]
                .as_u64()
                .is_some_and(|secs| secs > 1100)
            {
                Ok(())
            } else {
                Err(status)
            }
        },
    );
    assert_eq!(
        fs::read_to_string(config_file(&session)).unwrap(),
        "[breaks]\ninterval = \"20m\"\n"
    );
}
