//! The state of Unhunch in a few words, for the tray menu's first line: "Next break in 12 min",
//! "Paused until 14:30", "Waiting: full-screen window", "Off until Monday 09:00".
//!
//! Worded here, from the engine's [`Status`], so the tray (and anything else that shows the
//! state in one line) says the same thing; local times come through the shell's
//! [`LocalCalendar`], as working hours do.

use std::time::Duration;

use crate::duration::friendly;
use crate::engine::{Phase, Status, Waiting};
use crate::schedule::LocalCalendar;
use crate::time::Timestamp;

/// The weekday names, Monday first, as [`LocalCalendar::day_of`] numbers them.
const WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// The state in one short line. `routine_name` is the name of the routine the break offers.
pub fn state_line(
    status: &Status,
    routine_name: Option<&str>,
    now: Timestamp,
    calendar: &impl LocalCalendar,
) -> String {
    if let Some(until) = status.off_until {
        return format!("Off until {}", day_and_time(until, now, calendar));
    }
    if status.phase != Phase::Paused && status.screen_locked {
        return "Screen locked: no breaks until it is unlocked".to_owned();
    }
    if status.phase != Phase::Paused && status.asleep {
        return "Asleep: no breaks until the computer wakes".to_owned();
    }
    match status.phase {
        Phase::Working => match (status.next_break_at, status.waiting) {
            (Some(_), Some(reason)) if reason.is_deferral() => {
                format!("Waiting: {}", waiting_words(reason))
            }
            (Some(_), Some(Waiting::Pause)) => {
                "Break time: waiting for a pause in your typing".to_owned()
            }
            (Some(_), Some(_)) => "Break time: waiting for you to come back".to_owned(),
            (None, Some(Waiting::Return)) => "Away: that counts as a break".to_owned(),
            (Some(at), None) => format!("Next break in {}", countdown(at.since(now))),
            (None, _) => "No break is scheduled".to_owned(),
        },
        Phase::BreakDue => match routine_name {
            Some(name) => format!("Break due: {name}"),
            None => "Break due now".to_owned(),
        },
        Phase::Stretching => match routine_name {
            Some(name) => format!("Stretching: {name}"),
            None => "Stretching now".to_owned(),
        },
        Phase::Paused => match status.paused_until {
            Some(until) => format!("Paused until {}", day_and_time(until, now, calendar)),
            None => "Paused until you resume".to_owned(),
        },
    }
}

/// What a deferral waits on: "full-screen window", "do not disturb", "camera in use".
pub fn waiting_words(reason: Waiting) -> &'static str {
    match reason {
        Waiting::FullScreen => "full-screen window",
        Waiting::DoNotDisturb => "do not disturb",
        Waiting::Camera => "camera in use",
        Waiting::Pause => "a pause in your typing",
        Waiting::Return => "your return",
    }
}

/// "12 min", rounded up so that the countdown never says "0 min" while a break is still ahead.
pub fn countdown(remaining: Duration) -> String {
    if remaining >= Duration::from_secs(60) {
        let minutes = remaining.as_secs().div_ceil(60);
        friendly(Duration::from_secs(minutes * 60))
    } else {
        friendly(remaining)
    }
}

/// "14:30" today, "Monday 09:00" within the coming week, "Monday 09:00, in 12 days" beyond it
/// (the calendar has day numbers, not dates).
fn day_and_time(at: Timestamp, now: Timestamp, calendar: &impl LocalCalendar) -> String {
    let (day, weekday) = calendar.day_of(at);
    let (today, _) = calendar.day_of(now);
    let minute = at.since(calendar.instant(day, 0)).as_secs() / 60;
    let clock = format!("{:02}:{:02}", (minute / 60).min(23), minute % 60);
    match day - today {
        ..=0 => clock,
        1..=6 => format!("{} {clock}", WEEKDAYS[usize::from(weekday % 7)]),
        days => format!(
            "{} {clock}, in {days} days",
            WEEKDAYS[usize::from(weekday % 7)]
        ),
    }
}
