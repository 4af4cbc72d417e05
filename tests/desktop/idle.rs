//! Time away from keyboard and pointer on a plain X11 session (Xvfb, no GNOME): the daemon
//! measures it with the MIT-SCREEN-SAVER extension, XTEST input from xdotool ends an idle spell,
//! a spell of `natural_break` mid-interval is recorded and the next break is a full interval after
//! the return, typing past the break's time holds the break until the typing stops, and
//! `unhunch status` names the source (or says what having none means).

use std::thread;
use std::time::{Duration, Instant};

use unhunch_tests::desktop::{Session, wait_until};

use crate::daemon::{
    Daemon, PROMPTLY, chosen_idle_source, count_records, now, seconds_between, status, stdout,
    time_of, unhunch, wait_for_notification, wait_for_record, wait_for_state, wait_for_status,
};

/// The daemon looks at a source that can only be asked once a minute; a return is seen within
/// that, plus the time a slow machine takes.
const WITHIN_A_MINUTE: Duration = Duration::from_secs(75);

#[test]
fn status_names_the_x_servers_screen_saver_extension_as_the_idle_source() {
    let session = Session::start();
    let _daemon = Daemon::start(&session, Some("[breaks]\ninterval = \"25m\"\n"));
    let report = chosen_idle_source(&session);
    assert_eq!(report["idle_source"], "x11-screensaver", "{report}");
    let text = stdout(&unhunch(&session, &["status"]));
    assert!(
        text.contains(
            "Time away is measured by the X server's screen-saver extension (x11-screensaver)."
        ),
        "{text}"
    );
}

#[test]
fn without_an_idle_source_status_says_what_that_means() {
    let session = Session::start();
    // A Wayland session (where Xwayland does not see all input) with no idle service on the bus:
    // nothing can say the idle time.
    let _daemon = Daemon::spawn(&session, &[("WAYLAND_DISPLAY", "wayland-unhunch-test")]);
    session.wait_for_name(crate::daemon::BUS_NAME, PROMPTLY);
    let report = wait_for_status(&session, "status says no idle source", PROMPTLY, |report| {
        report["idle_source"] == "none"
    });
    assert_eq!(report["state"], "working", "{report}");
    let text = stdout(&unhunch(&session, &["status"]));
    assert!(
        text.contains("Time away cannot be measured here")
            && text.contains("counts as a break only while the computer sleeps"),
        "{text}"
    );
}

#[test]
fn xdotool_input_ends_an_idle_spell_the_x_server_measures() {
    let session = Session::start();
    let _daemon = Daemon::start(&session, Some("[breaks]\ninterval = \"25m\"\n"));
    wait_until(
        "the X server has counted a second without input",
        PROMPTLY,
        || session.x_idle_time() >= Duration::from_secs(1),
    );
    session.nudge_pointer();
    let idle = session.x_idle_time();
    assert!(
        idle < Duration::from_secs(1),
        "idle for {idle:?} after the input"
    );
}

#[test]
fn time_away_mid_interval_is_a_natural_break_and_the_next_break_is_a_full_interval_after_the_return()
 {
    let session = Session::start();
    session.nudge_pointer();
    let _daemon = Daemon::start(
        &session,
        Some("[breaks]\ninterval = \"2m\"\nheads_up = \"0s\"\nnatural_break = \"10s\"\n"),
    );
    let started = now();

    // Ten seconds without input: a natural break, long before the break's time.
    let natural = wait_for_record(&session, "natural_break", None);
    let recorded_at = time_of(&natural["at"]);
    let after = seconds_between(started, recorded_at);
    assert!(
        (9.0..60.0).contains(&after),
        "the natural break is recorded once the spell is 10 s long, not {after} s after the start: {natural}"
    );
    assert!(
        natural["away_secs"].as_u64().is_some_and(|secs| secs >= 10),
        "{natural}"
    );
    let away = status(&session);
    assert_eq!(away["state"], "working", "{away}");
    assert_eq!(away["waiting"], "return", "{away}");
    assert!(away["next_break_at"].is_null(), "{away}");

    // The user comes back and works (a hand on the mouse every few seconds, never 10 s still).
    // The daemon asks the X server once a minute, so it sees the return within one; the next
    // break is then a full interval after the latest input it saw.
    let back_at = now();
    let started_working = Instant::now();
    let (back, last_input_at) = loop {
        session.nudge_pointer();
        let input_at = now();
        let report = status(&session);
        if report["waiting"].is_null() {
            break (report, input_at);
        }
        assert!(
            started_working.elapsed() < WITHIN_A_MINUTE,
            "the daemon did not see the user come back: {report}"
        );
        // The rhythm of a working hand, not a wait for the daemon: it is checked every round.
        thread::sleep(Duration::from_secs(3));
    };
    let next_break_at = time_of(&back["next_break_at"]);
    let after_the_return = seconds_between(back_at, next_break_at);
    let after_the_last_input = seconds_between(last_input_at, next_break_at);
    assert!(
        after_the_return >= 118.0 && after_the_last_input <= 122.0,
        "the next break is 2 min after the return (within the minute it takes to notice), not \
         {after_the_return} s after it and {after_the_last_input} s after the latest input: {back}"
    );
    assert_eq!(
        count_records(&session, "natural_break"),
        1,
        "one spell, one natural break"
    );
}

#[test]
fn typing_past_the_breaks_time_holds_the_break_until_the_typing_stops() {
    let session = Session::start();
    session.press_shift();
    let _daemon = Daemon::start(
        &session,
        Some("[breaks]\ninterval = \"5s\"\nheads_up = \"3s\"\n"),
    );
    let started = Instant::now();

    // A key every second until well past the break's time (5 s) and past a wait of 10 s.
    let mut waiting_seen = None;
    while started.elapsed() < Duration::from_secs(14) {
        session.press_shift();
        let report = status(&session);
        assert_ne!(
            report["state"],
            "break_due",
            "no break while typing ({:?} in): {report}",
            started.elapsed()
        );
        if report["waiting"] == "pause" {
            waiting_seen = Some(report);
        }
        // The typing rhythm: one key a second, as a person types.
        thread::sleep(Duration::from_secs(1));
    }
    let stopped_at = now();
    let waiting = waiting_seen.expect("status said the break waits for a pause");
    let text = stdout(&unhunch(&session, &["status"]));
    assert!(text.contains("waits for a pause in your typing"), "{text}");
    assert_eq!(waiting["state"], "working", "{waiting}");
    wait_for_notification(
        &session,
        "the heads-up that says when you pause",
        |notification| notification.summary == "Stretch break when you pause",
    );

    let due = wait_for_state(&session, "break_due", PROMPTLY);
    let due_record = wait_for_record(&session, "due", due["break_id"].as_u64());
    let after_the_last_key = seconds_between(stopped_at, time_of(&due_record["at"]));
    assert!(
        (8.0..=14.0).contains(&after_the_last_key),
        "the break comes at the first 10 s pause, not {after_the_last_key} s after the typing stopped"
    );
}
