//! See `main.rs`: the restart part of the fault and bad-input suite. A pause outlives the daemon,
//! a pause beyond the horizon of times is refused before anything is written, and a history line
//! with an id beyond the JSON-safe integers neither stops the daemon nor makes its ids wrap.

use std::fs;

use unhunch_tests::daemon::{
    BUS_NAME, Daemon, PROMPTLY, history_file, status, stderr, stdout, unhunch, wait_for_record,
};
use unhunch_tests::desktop::{Session, wait_until};

const PATH: &str = "/dev/unhunch/Unhunch";
const INTERFACE: &str = "dev.unhunch.Unhunch1";
/// Two-second intervals with no heads-up, so a test sees a break come (or not) within seconds.
const QUICK_BREAKS: &str = "[breaks]\ninterval = \"2s\"\nheads_up = \"0s\"\n";

/// Quits the daemon through the CLI and waits for its process to end.
fn quit(session: &Session, daemon: &mut Daemon) {
    let quit = unhunch(session, &["quit"]);
    assert!(quit.status.success(), "{}", stderr(&quit));
    wait_until("the daemon process exits after quit", PROMPTLY, || {
        daemon.has_exited()
    });
}

#[test]
fn a_pause_survives_a_restart_of_the_daemon() {
    let session = Session::builder().without_tray().start();
    for (argument, indefinitely) in [
        ("indefinitely", true),
        ("until-tomorrow", false),
        ("2099-01-01T08:00:00Z", false),
    ] {
        let mut daemon = Daemon::start(&session, Some(QUICK_BREAKS));
        let paused = unhunch(&session, &["pause", argument]);
        assert!(paused.status.success(), "{}", stderr(&paused));
        let before = status(&session);
        assert_eq!(before["state"], "paused", "{before}");
        quit(&session, &mut daemon);

        let mut daemon = Daemon::start(&session, None);
        let after = status(&session);
        assert_eq!(after["state"], "paused", "pause {argument}: {after}");
        assert_eq!(after["paused_indefinitely"], indefinitely, "{after}");
        assert_eq!(after["paused_until"], before["paused_until"], "{after}");
        // Breaks come every two seconds when working: none may come while the pause holds. The
        // status is asked again after the daemon has had time for several.
        let resumed = unhunch(&session, &["resume"]);
        assert!(resumed.status.success(), "{}", stderr(&resumed));
        let due = wait_for_record(&session, "due", None);
        let records = unhunch_tests::daemon::history(&session);
        let last_pause = records
            .iter()
            .rposition(|record| record["event"] == "paused")
            .expect("a paused record");
        let first_due_after_pause = records
            .iter()
            .skip(last_pause)
            .position(|record| record["event"] == "due");
        let resumed_at = records
            .iter()
            .skip(last_pause)
            .position(|record| record["event"] == "resumed")
            .expect("the resume is recorded after the pause");
        assert!(
            first_due_after_pause.is_none_or(|due_at| due_at > resumed_at),
            "a break came during the restored pause: {records:?} ({due})"
        );
        let paused_again = unhunch(&session, &["pause", "indefinitely"]);
        assert!(paused_again.status.success(), "{}", stderr(&paused_again));
        quit(&session, &mut daemon);
        fs::remove_file(history_file(&session)).expect("start the next round with no history");
    }
}

#[test]
fn a_pause_beyond_the_year_9999_is_refused_and_the_history_is_untouched() {
    let session = Session::builder().without_tray().start();
    let _daemon = Daemon::start(&session, Some(QUICK_BREAKS));
    let paused = unhunch(&session, &["pause", "10m"]);
    assert!(paused.status.success(), "{}", stderr(&paused));
    let history_before = fs::read(history_file(&session)).expect("the pause is recorded");

    let refused = unhunch(&session, &["pause", "100000000h"]);
    assert_eq!(refused.status.code(), Some(1), "{}", stdout(&refused));
    assert!(
        stderr(&refused).contains("A pause can last until 9999-12-31 at the latest"),
        "{}",
        stderr(&refused)
    );
    let over_the_bus = session.bus_call(BUS_NAME, PATH, INTERFACE, "Pause", "s", &["100000000h"]);
    let error = over_the_bus.expect_err("D-Bus Pause(\"100000000h\") is refused");
    assert!(
        error.message.contains("9999-12-31"),
        "D-Bus Pause: {}",
        error.message
    );
    // A snooze over the bus is held to the settings' cap (2 h), whether or not a break is due.
    let snooze = session.bus_call(BUS_NAME, PATH, INTERFACE, "Snooze", "u", &["4294967295"]);
    let error = snooze.expect_err("D-Bus Snooze(4294967295) is refused");
    assert!(
        error.message.contains("A snooze can be at most 2h"),
        "D-Bus Snooze: {}",
        error.message
    );

    assert_eq!(
        fs::read(history_file(&session)).expect("the history is still there"),
        history_before,
        "a refused pause wrote to the history"
    );
    // The status still reads: no time this version cannot write went anywhere.
    let after = status(&session);
    assert_eq!(after["state"], "paused", "{after}");
    let text = unhunch(&session, &["status"]);
    assert!(text.status.success(), "{}", stderr(&text));
}

#[test]
fn a_history_line_with_an_id_beyond_2_pow_53_does_not_make_ids_wrap() {
    let session = Session::builder().without_tray().start();
    let history = history_file(&session);
    fs::create_dir_all(history.parent().expect("the history has a folder"))
        .expect("create the data folder");
    let damaged = format!(
        "{{\"at\":\"2026-11-23T10:00:00Z\",\"event\":\"skipped\",\"break_id\":{}}}\n",
        u64::MAX
    );
    let good = "{\"at\":\"2026-11-23T09:00:00Z\",\"event\":\"skipped\",\"break_id\":41}\n";
    fs::write(&history, format!("{good}{damaged}")).expect("write the history");

    let _daemon = Daemon::start(&session, Some(QUICK_BREAKS));
    let due = wait_for_record(&session, "due", None);
    assert_eq!(
        due["break_id"], 42,
        "the next id follows the last good one: {due}"
    );
    let skipped = unhunch(&session, &["skip"]);
    assert!(skipped.status.success(), "{}", stderr(&skipped));
    let next = wait_for_record(&session, "due", Some(43));
    assert_eq!(next["break_id"], 43);

    let text = fs::read_to_string(&history).expect("read the history");
    assert!(
        text.starts_with(&format!("{good}{damaged}")),
        "the damaged line is kept as it was: {text}"
    );
    let log = fs::read_to_string(session.state_dir().join("unhunch").join("unhunch.log"))
        .unwrap_or_default()
        + &unhunch_tests::daemon::daemon_stderr(&session);
    assert!(
        log.contains("skipped a damaged history line") && log.contains(":2:"),
        "the damaged line is warned about: {log}"
    );
}
