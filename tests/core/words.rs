//! The words the core gives the tray and the window: the state in one line ("Next break in
//! 12 min", "Paused until 14:30", "Waiting: full-screen window", "Off until Monday 09:00") and
//! durations written and spoken one way ("Snooze 1 min 30 s", "1 minute 30 seconds").

use std::time::Duration;

use unhunch_core::duration::{spoken, written};
use unhunch_core::engine::{Phase, Status, Waiting};
use unhunch_core::words::state_line;

use crate::schedule::{berlin, utc};

/// A working engine's status with nothing special: change what a case is about.
fn status(edit: impl FnOnce(&mut Status)) -> Status {
    let mut status = Status {
        phase: Phase::Working,
        next_break_at: None,
        paused_until: None,
        paused_indefinitely: false,
        snoozes_used: 0,
        max_snoozes: Some(3),
        break_id: None,
        routine: None,
        waiting: None,
        screen_locked: false,
        asleep: false,
        off_until: None,
    };
    edit(&mut status);
    status
}

// Wednesday 2026-12-02, 13:00 in Berlin.
const NOW: &str = "2026-12-02T12:00:00Z";

fn line(status: Status, routine: Option<&str>) -> String {
    state_line(&status, routine, utc(NOW), &berlin())
}

#[test]
fn the_state_line_says_what_comes_next_and_why() {
    let cases = [
        (
            status(|s| s.next_break_at = Some(utc("2026-12-02T12:11:30Z"))),
            None,
            "Next break in 12 min",
        ),
        (
            status(|s| s.next_break_at = Some(utc("2026-12-02T12:00:45Z"))),
            None,
            "Next break in 45 s",
        ),
        (
            status(|s| {
                s.phase = Phase::Paused;
                s.paused_until = Some(utc("2026-12-02T13:30:00Z"));
            }),
            None,
            "Paused until 14:30",
        ),
        (
            status(|s| {
                s.phase = Phase::Paused;
                s.paused_until = Some(utc("2026-12-03T07:00:00Z"));
            }),
            None,
            "Paused until Thursday 08:00",
        ),
        (
            status(|s| {
                s.phase = Phase::Paused;
                s.paused_indefinitely = true;
            }),
            None,
            "Paused until you resume",
        ),
        (
            status(|s| {
                s.next_break_at = Some(utc("2026-12-02T11:59:00Z"));
                s.waiting = Some(Waiting::FullScreen);
            }),
            None,
            "Waiting: full-screen window",
        ),
        (
            status(|s| {
                s.next_break_at = Some(utc("2026-12-02T11:59:00Z"));
                s.waiting = Some(Waiting::DoNotDisturb);
            }),
            None,
            "Waiting: do not disturb",
        ),
        (
            status(|s| {
                s.next_break_at = Some(utc("2026-12-02T11:59:00Z"));
                s.waiting = Some(Waiting::Camera);
            }),
            None,
            "Waiting: camera in use",
        ),
        (
            status(|s| {
                s.next_break_at = Some(utc("2026-12-02T11:59:00Z"));
                s.waiting = Some(Waiting::Pause);
            }),
            None,
            "Break time: waiting for a pause in your typing",
        ),
        (
            status(|s| s.waiting = Some(Waiting::Return)),
            None,
            "Away: that counts as a break",
        ),
        // Friday evening: working hours begin again on Monday.
        (
            status(|s| s.off_until = Some(utc("2026-12-07T08:00:00Z"))),
            None,
            "Off until Monday 09:00",
        ),
        (
            status(|s| {
                s.phase = Phase::BreakDue;
                s.next_break_at = Some(utc(NOW));
            }),
            Some("Cat-Cow"),
            "Break due: Cat-Cow",
        ),
        (
            status(|s| s.phase = Phase::Stretching),
            Some("Seated Twist"),
            "Stretching: Seated Twist",
        ),
        (
            status(|s| {
                s.next_break_at = Some(utc("2026-12-02T12:20:00Z"));
                s.screen_locked = true;
            }),
            None,
            "Screen locked: no breaks until it is unlocked",
        ),
        (
            status(|s| {
                s.phase = Phase::Paused;
                s.paused_until = Some(utc("2026-12-21T08:00:00Z"));
            }),
            None,
            "Paused until Monday 09:00, in 19 days",
        ),
    ];
    for (status, routine, expected) in cases {
        assert_eq!(line(status.clone(), routine), expected, "{status:?}");
    }
}

// The engine's own status, worded: a pause set through the engine reads back in local time.
#[test]
fn an_engine_paused_for_ninety_minutes_says_until_when() {
    let mut t = crate::timeline::timeline();
    t.at(Duration::from_secs(60))
        .pause_for(Duration::from_secs(90 * 60));
    // The timeline starts on Monday 2026-11-23 at 08:00 UTC, 09:00 in Berlin.
    let words = state_line(&t.engine.status(t.now), None, t.now, &berlin());
    assert_eq!(words, "Paused until 10:31");
}

#[test]
fn durations_are_written_and_spoken_one_way() {
    let cases = [
        (45, "45 s", "45 seconds"),
        (1, "1 s", "1 second"),
        (60, "1 min", "1 minute"),
        (90, "1 min 30 s", "1 minute 30 seconds"),
        (61, "1 min 1 s", "1 minute 1 second"),
        (120, "2 min", "2 minutes"),
        (5 * 60, "5 min", "5 minutes"),
        (25 * 60, "25 min", "25 minutes"),
        (3600, "1 h", "1 hour"),
        (3600 + 5 * 60, "1 h 5 min", "1 hour 5 minutes"),
        (2 * 3600 + 60, "2 h 1 min", "2 hours 1 minute"),
    ];
    for (secs, shown, said) in cases {
        let length = Duration::from_secs(secs);
        assert_eq!(written(length), shown, "{secs} s");
        assert_eq!(spoken(length), said, "{secs} s");
    }
}
