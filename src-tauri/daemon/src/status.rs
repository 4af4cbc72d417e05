//! What the daemon tells about itself: the status report (`unhunch status --json`, the D-Bus
//! `Status` method, the `StateChanged` signal), its human wording, and why a request was refused.

use std::time::Duration;

use unhunch_core::HumanDuration;
use unhunch_core::engine::{Phase, Refusal, Waiting};
use unhunch_core::settings::MAX_SNOOZE;
use unhunch_core::{Engine, Status, Timestamp};

use crate::clock::{SystemCalendar, local_day_and_time_text, local_time_text};

/// The status as JSON. Field names are a public contract (scripts read them): only add fields.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StatusReport {
    /// `working`, `break_due`, `stretching` or `paused`.
    pub state: Phase,
    /// RFC 3339; `null` while paused.
    pub next_break_at: Option<Timestamp>,
    /// Whole seconds from now to `next_break_at`, never negative; `null` while paused.
    pub next_break_in_secs: Option<u64>,
    pub snoozes_used: u32,
    /// `null` = unlimited.
    pub max_snoozes: Option<u32>,
    /// `null` = unlimited.
    pub snoozes_left: Option<u32>,
    /// The configured snooze length in seconds.
    pub snooze_secs: u64,
    /// RFC 3339; `null` when not paused or paused until resumed.
    pub paused_until: Option<Timestamp>,
    pub paused_indefinitely: bool,
    /// The break in progress, while one is due or being stretched.
    pub break_id: Option<u64>,
    /// Id and name of the routine offered for the coming or current break, once picked.
    pub routine: Option<String>,
    pub routine_name: Option<String>,
    /// What a break whose time has come waits for: `pause` (the user is typing), `return` (the
    /// user is away; with `next_break_at` null, the next interval starts on their return), or
    /// a deferral: `full_screen`, `do_not_disturb`, `camera`.
    #[serde(default)]
    pub waiting: Option<Waiting>,
    /// What measures time away from keyboard and pointer: `gnome-mutter`,
    /// `freedesktop-screensaver` or `x11-screensaver`; `none` when the session offers none (time
    /// away then counts only while the computer sleeps); `null` while the daemon is still looking.
    #[serde(default)]
    pub idle_source: Option<String>,
    /// The screen is locked (logind says so): no break comes until a minute after the unlock.
    #[serde(default)]
    pub screen_locked: bool,
    /// RFC 3339: outside working hours (`[schedule]`), no break until they begin then.
    #[serde(default)]
    pub off_until: Option<Timestamp>,
}

impl StatusReport {
    pub fn of(engine: &Engine, now: Timestamp) -> StatusReport {
        let status = engine.status(now);
        let routine_name = status
            .routine
            .as_deref()
            .and_then(|id| engine.routines().get(id))
            .map(|routine| routine.name.clone());
        let next_break_at = if status.phase == Phase::Paused {
            None
        } else {
            status.next_break_at
        };
        StatusReport {
            state: status.phase,
            next_break_at,
            next_break_in_secs: next_break_at.map(|at| at.since(now).as_secs()),
            snoozes_used: status.snoozes_used,
            max_snoozes: status.max_snoozes,
            snoozes_left: status
                .max_snoozes
                .map(|max| max.saturating_sub(status.snoozes_used)),
            snooze_secs: engine.settings().breaks.snooze.as_secs(),
            paused_until: status.paused_until,
            paused_indefinitely: status.paused_indefinitely,
            break_id: status.break_id,
            routine: status.routine,
            routine_name,
            waiting: status.waiting,
            idle_source: None,
            screen_locked: status.screen_locked,
            off_until: status.off_until,
        }
    }

    /// Whether Snooze may be offered: not once `max_snoozes` is spent.
    pub fn can_snooze(&self) -> bool {
        self.snoozes_left != Some(0)
    }

    /// One line for people: "Next break in 12 min (14:32).", "Paused until 15:00." …
    pub fn sentence(&self, now: Timestamp) -> String {
        if let Some(until) = self.off_until {
            return format!("Off until {}.", local_day_and_time_text(until));
        }
        if self.screen_locked && self.state != Phase::Paused {
            return "The screen is locked: breaks wait until a minute after it is unlocked."
                .to_owned();
        }
        match self.state {
            Phase::Working => match (self.next_break_at, self.waiting) {
                (Some(_), Some(Waiting::Pause)) => {
                    "Break time: the break waits for a pause in your typing.".to_owned()
                }
                (Some(_), Some(Waiting::Return)) => {
                    "Break time: the break waits for you to come back.".to_owned()
                }
                (
                    Some(_),
                    Some(reason @ (Waiting::FullScreen | Waiting::DoNotDisturb | Waiting::Camera)),
                ) => format!(
                    "Waiting: {}. The break comes when that ends, or as a notification after max_wait.",
                    waiting_label(reason)
                ),
                (None, Some(Waiting::Return)) => {
                    "You are away, and that counts as a break: the next interval starts when you come back.".to_owned()
                }
                (Some(at), None) => {
                    format!(
                        "Next break in {} ({}).",
                        friendly_countdown(at.since(now)),
                        local_time_text(at, now)
                    )
                }
                (None, _) => "Working; no break is scheduled.".to_owned(),
            },
            Phase::BreakDue => match &self.routine_name {
                Some(name) => format!("A stretch break is due now: {name}."),
                None => "A stretch break is due now.".to_owned(),
            },
            Phase::Stretching => match &self.routine_name {
                Some(name) => format!("Stretching now: {name}."),
                None => "Stretching now.".to_owned(),
            },
            Phase::Paused => match self.paused_until {
                Some(until) => format!("Paused until {}.", local_time_text(until, now)),
                None => "Paused until you resume.".to_owned(),
            },
        }
    }

    /// The tray menu's first line, worded by the core: "Next break in 12 min", "Paused until
    /// 14:30", "Waiting: full-screen window", "Off until Monday 09:00".
    pub fn state_line(&self, now: Timestamp) -> String {
        unhunch_core::words::state_line(
            &self.engine_status(),
            self.routine_name.as_deref(),
            now,
            &SystemCalendar::new(),
        )
    }

    /// The engine's status this report was made from, as far as the report carries it.
    fn engine_status(&self) -> Status {
        Status {
            phase: self.state,
            next_break_at: self.next_break_at,
            paused_until: self.paused_until,
            paused_indefinitely: self.paused_indefinitely,
            snoozes_used: self.snoozes_used,
            max_snoozes: self.max_snoozes,
            break_id: self.break_id,
            routine: self.routine.clone(),
            waiting: self.waiting,
            screen_locked: self.screen_locked,
            asleep: false,
            off_until: self.off_until,
        }
    }

    /// The idle-source line for the status command: what measures time away, or what it means
    /// that nothing does.
    pub fn idle_source_sentence(&self) -> String {
        match self.idle_source.as_deref() {
            Some("gnome-mutter") => "Time away is measured by GNOME's idle monitor (gnome-mutter).".to_owned(),
            Some("freedesktop-screensaver") => {
                "Time away is measured by the desktop's screen saver (freedesktop-screensaver).".to_owned()
            }
            Some("wayland-ext-idle-notify") => {
                "Time away is measured by the Wayland compositor's idle notifications (wayland-ext-idle-notify).".to_owned()
            }
            Some("wayland-kde-idle") => {
                "Time away is measured by the Wayland compositor's KDE idle protocol (wayland-kde-idle), as sway offers it.".to_owned()
            }
            Some("x11-screensaver") => {
                "Time away is measured by the X server's screen-saver extension (x11-screensaver).".to_owned()
            }
            Some("none") => "Time away cannot be measured here (no GNOME idle monitor, freedesktop screen saver, Wayland idle protocol or X11 screen-saver extension): it counts as a break only while the computer sleeps, and breaks come by the clock, even mid-sentence.".to_owned(),
            Some(other) => format!("Time away is measured by {other}."),
            None => "Time away: still finding out how to measure it.".to_owned(),
        }
    }

    /// The snooze line for the status command: "Snoozes: 1 of 3 used."
    pub fn snooze_sentence(&self) -> String {
        match self.max_snoozes {
            Some(max) => format!("Snoozes: {} of {max} used.", self.snoozes_used),
            None => format!("Snoozes: {} used (no limit).", self.snoozes_used),
        }
    }
}

/// "12 min", rounded up so that the countdown never says "0 min" while a break is still ahead.
pub fn friendly_countdown(remaining: Duration) -> String {
    unhunch_core::words::countdown(remaining)
}

/// Why the engine did not carry out a request, in the user's words.
pub fn refusal_message(refusal: Refusal) -> String {
    match refusal {
        Refusal::NoSnoozesLeft => "No snoozes are left for this break: take it, or skip it.".into(),
        Refusal::NoBreakDue => "No break is due right now, so there is nothing to snooze or start.".into(),
        Refusal::NotPaused => "Unhunch is not paused.".into(),
        Refusal::AlreadyStretching => "A stretch break is already under way.".into(),
        Refusal::UnknownRoutine => {
            "No routine in use has that id: `unhunch routines check` lists the problems of your own routine files.".into()
        }
        Refusal::NoRoutineFits => {
            "No routine fits your `place` setting: change `[stretch] place` in config.toml, or add a routine.".into()
        }
        Refusal::PauseEndsInThePast => "That time has already passed: pause until a time still to come.".into(),
        Refusal::PauseEndsBeyondTheHorizon => format!(
            "A pause can last until {} at the latest: pause for less, or pause indefinitely and resume when you are back.",
            &Timestamp::LATEST.to_rfc3339()[..10]
        ),
        Refusal::SnoozeTooLong => format!(
            "A snooze can be at most {}: snooze for less, skip the break, or pause.",
            HumanDuration(MAX_SNOOZE)
        ),
        Refusal::NothingToSkipWhilePaused => {
            "Unhunch is paused, so no break is coming to skip: resume first.".into()
        }
    }
}

/// What a deferral waits on, in the words of the tray and `unhunch status`.
fn waiting_label(reason: Waiting) -> &'static str {
    unhunch_core::words::waiting_words(reason)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_countdown_rounds_up_to_whole_minutes() {
        assert_eq!(
            friendly_countdown(Duration::from_secs(11 * 60 + 1)),
            "12 min"
        );
        assert_eq!(friendly_countdown(Duration::from_secs(12 * 60)), "12 min");
        assert_eq!(friendly_countdown(Duration::from_secs(45)), "45 s");
    }
}
