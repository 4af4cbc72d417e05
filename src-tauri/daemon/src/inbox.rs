//! What the owner task's inbox carries: the messages, the requests a user can make, and where
//! they came from.
//!
//! Every adapter (D-Bus, tray, notifications, window, file watch) talks to the owner only through
//! these types, so they are a leaf that knows nothing of the adapters or the owner.

use std::time::Duration;

use tokio::sync::{mpsc, oneshot};
use unhunch_core::engine::ClosedBy;
use unhunch_core::login_question::Answer;
use unhunch_core::plan::WindowOutcome;
use unhunch_core::{HumanDuration, Timestamp};

use crate::status::StatusReport;

/// Sends messages to the owner task. Unbounded: senders are user actions and timers, never a
/// flood, and a D-Bus method must never block on a full queue.
pub type Inbox = mpsc::UnboundedSender<Message>;

#[derive(Debug)]
pub enum Message {
    /// Something the user asked for; `reply` hears whether it was refused and why.
    Request {
        request: Request,
        origin: Origin,
        reply: Option<oneshot::Sender<Result<(), String>>>,
    },
    Status {
        reply: oneshot::Sender<StatusReport>,
    },
    /// The stretch window of this break reported how the break ended. It arrives when the window
    /// prints it, which for a completed break is while the finish screen is still up.
    WindowReported {
        break_id: u64,
        outcome: WindowOutcome,
    },
    /// The stretch window of this break painted its first frame: the break is on screen.
    WindowPainted {
        break_id: u64,
    },
    /// The stretch window process of this break ended. Unless it `reported` an outcome first, the
    /// break was abandoned; `failure` says why a window that never showed anything failed.
    WindowExited {
        break_id: u64,
        reported: bool,
        failure: Option<WindowFailure>,
    },
    /// The question about starting at login was answered (`None`: closed without an answer).
    LoginQuestionAnswered {
        answer: Option<Answer>,
    },
    /// The notification server closed the notification with this id without an action
    /// (dismissed, expired, or on its own); `break_id` names the break it was showing, if any.
    NotificationClosed {
        id: u32,
        break_id: Option<u64>,
        closed_by: ClosedBy,
    },
    /// No notification server showed this break's notification in time (none is running, or it
    /// does not answer): the stretch window should open instead, if the break is still due.
    BreakNotShown {
        break_id: u64,
        why: String,
    },
    ConfigFileChanged,
    RoutineFilesChanged,
    /// Time to try writing the history records that could not be written yet.
    HistoryRetry,
    /// The desktop says the user's last keyboard or pointer input was this long ago (asked, or
    /// told by a watch).
    IdleMeasured {
        idle_for: Duration,
    },
    /// A sign that the user must not be interrupted came or went (full screen, do-not-disturb),
    /// or the camera was looked at.
    InterruptionChanged {
        sign: Sign,
        on: bool,
    },
    /// logind says this session's screen was locked (or unlocked).
    ScreenLocked {
        locked: bool,
    },
    /// logind says the computer is about to sleep (`asleep`) or has woken.
    Sleeping {
        asleep: bool,
    },
    OpenSettings,
    OpenHistory,
}

/// A sign that the user must not be interrupted now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sign {
    FullScreen,
    DoNotDisturb,
    Camera,
}

/// Why a stretch window showed nothing, for the user: a headline and the sentences under it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WindowFailure {
    pub summary: String,
    pub why: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// Stretch now, with the routine the user named or a random pick.
    StretchNow {
        routine: Option<String>,
    },
    /// Accept the due break (Start on the notification, or a click on its body).
    Start,
    /// A click on the icon of a tray that draws no menu.
    Activate,
    Snooze(Option<Duration>),
    Skip,
    Pause(PauseRequest),
    Resume,
    Quit,
}

/// Where a request came from: a D-Bus caller reads refusals from its reply, while someone who
/// clicked the tray or a notification is told with a notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Bus,
    Tray,
    Notification,
}

/// What a pause request asks for, before it is pinned to a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PauseRequest {
    For(Duration),
    UntilTomorrow,
    Until(Timestamp),
    Indefinitely,
}

impl PauseRequest {
    /// Accepts what `unhunch pause` and the D-Bus `Pause` method take: a duration ("30m"),
    /// "until-tomorrow", "indefinitely" or an RFC 3339 time.
    pub fn parse(text: &str) -> Result<PauseRequest, String> {
        let text = text.trim();
        match text {
            "until-tomorrow" | "tomorrow" => return Ok(PauseRequest::UntilTomorrow),
            "indefinitely" | "until-resume" => return Ok(PauseRequest::Indefinitely),
            _ => {}
        }
        if let Some(until) = Timestamp::parse_rfc3339(text) {
            return Ok(PauseRequest::Until(until));
        }
        if looks_like_a_time(text) {
            return Err(format!(
                "cannot pause until `{text}`: {}. Write a time like 2026-11-23T17:00:00+01:00 (a date that exists, a time from 00:00:00 to 23:59:59, and an offset or Z for UTC).",
                what_is_wrong_with_the_time(text)
            ));
        }
        match HumanDuration::parse(text) {
            Ok(length) if length.0.is_zero() => {
                Err("a pause of zero would not pause anything; say how long, like 30m.".into())
            }
            Ok(length) => Ok(PauseRequest::For(length.0)),
            Err(why) => Err(format!(
                "cannot pause for `{text}` ({why}). Say how long (30m, 1h, 1h30m), until-tomorrow, indefinitely, or a time like 2026-11-23T17:00:00+01:00."
            )),
        }
    }
}

/// A pause argument that starts like a date (`2026-…`) is meant as a time, so a mistake in it is
/// explained as a mistake in a time, never as a duration that could not be read.
fn looks_like_a_time(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() >= 5 && bytes[..4].iter().all(u8::is_ascii_digit) && bytes[4] == b'-'
}

/// The first thing wrong with a text that looks like a time but is not a valid one.
fn what_is_wrong_with_the_time(text: &str) -> String {
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = text.get(range)?;
        part.bytes()
            .all(|byte| byte.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let (Some(year), Some(month), Some(day)) = (number(0..4), number(5..7), number(8..10)) else {
        return "the date is not written as YYYY-MM-DD".to_owned();
    };
    if !(1..=12).contains(&month) {
        return format!("there is no month {month}");
    }
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if day == 0 || day > days {
        return format!("{year}-{month:02} has no day {day} (it has {days} days)");
    }
    if !matches!(text.as_bytes().get(10), Some(b'T' | b't' | b' ')) {
        return "the date needs a time after it, like T17:00:00".to_owned();
    }
    let (Some(hour), Some(minute), Some(second)) = (number(11..13), number(14..16), number(17..19))
    else {
        return "the time of day is not written as HH:MM:SS".to_owned();
    };
    if hour > 23 || minute > 59 || second > 59 {
        return format!("{hour:02}:{minute:02}:{second:02} is not a time of day");
    }
    "it needs an offset after the time of day, like +01:00, or Z for UTC".to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pause_requests() {
        assert_eq!(
            PauseRequest::parse("30m"),
            Ok(PauseRequest::For(Duration::from_secs(1800)))
        );
        assert_eq!(
            PauseRequest::parse("until-tomorrow"),
            Ok(PauseRequest::UntilTomorrow)
        );
        assert_eq!(
            PauseRequest::parse("indefinitely"),
            Ok(PauseRequest::Indefinitely)
        );
        assert_eq!(
            PauseRequest::parse("2026-11-23T17:00:00+01:00"),
            Ok(PauseRequest::Until(
                Timestamp::parse_rfc3339("2026-11-23T16:00:00Z").unwrap()
            ))
        );
        assert!(PauseRequest::parse("0s").unwrap_err().contains("30m"));
        let impossible = PauseRequest::parse("2026-02-30T10:00:00Z").unwrap_err();
        assert!(
            impossible.contains("2026-02 has no day 30") && !impossible.contains("duration"),
            "{impossible}"
        );
        for (text, told) in [
            ("2026-13-01T10:00:00Z", "no month 13"),
            ("2026-11-23T25:00:00Z", "25:00:00 is not a time of day"),
            ("2026-11-23T17:00:00", "offset"),
            ("2026-11-23", "needs a time"),
        ] {
            let why = PauseRequest::parse(text).unwrap_err();
            assert!(
                why.contains(told) && why.contains("Write a time like"),
                "{text}: {why}"
            );
        }
        assert!(
            PauseRequest::parse("lunch")
                .unwrap_err()
                .contains("until-tomorrow")
        );
    }
}
