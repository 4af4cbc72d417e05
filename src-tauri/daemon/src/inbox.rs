//! What the owner task's inbox carries: the messages, the requests a user can make, and where
//! they came from.
//!
//! Every adapter (D-Bus, tray, notifications, window, file watch) talks to the owner only through
//! these types, so they are a leaf that knows nothing of the adapters or the owner.

use std::time::Duration;

use tokio::sync::{mpsc, oneshot};
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
    /// The stretch window process of this break ended. Unless it `reported` an outcome first, the
    /// break was abandoned; `failure` says why a window that never showed anything failed.
    WindowExited {
        break_id: u64,
        reported: bool,
        failure: Option<String>,
    },
    /// The notification server closed the notification with this id (dismissed or expired).
    NotificationClosed {
        id: u32,
    },
    ConfigFileChanged,
    RoutineFilesChanged,
    OpenSettings,
    OpenHistory,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Request {
    StretchNow,
    /// Accept the due break (Start on the notification, or a click on its body).
    Start,
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
        assert!(
            PauseRequest::parse("lunch")
                .unwrap_err()
                .contains("until-tomorrow")
        );
    }
}
