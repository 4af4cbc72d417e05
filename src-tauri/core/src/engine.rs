//! The break engine: a sans-IO state machine (STYLE.md §1, quinn-proto's shape).
//!
//! Every input comes with the current time; every consequence goes out as an [`Effect`] for the
//! shell to carry out. The engine never reads a clock: the shell sleeps until [`Engine::next_deadline`]
//! and then sends [`Input::Tick`]. Any input first catches up on deadlines that have passed, so after
//! `handle` returns there is never a deadline in the past.
//!
//! Phases: working (countdown, optional heads-up) → break due (notification) → stretching (window
//! open) → working with a fresh interval. Snooze, skip, stretch-now, pause/resume, idle, clock jumps
//! and settings changes move between them. Every break (numbered by `break_id`) ends in exactly one
//! outcome: completed, snoozed, skipped or abandoned, each recorded in history.

use std::time::Duration;

use crate::history::HistoryRecord;
use crate::plan::{StretchPlan, WindowOutcome};
use crate::routine::RoutineSet;
use crate::settings::Settings;
use crate::time::Timestamp;

/// A stretch window left open this long is closed and its break recorded as abandoned.
pub const STRETCH_TIMEOUT: Duration = Duration::from_secs(15 * 60);

#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    /// A deadline may have passed. Idempotent: sending it early or twice is harmless.
    Tick,
    /// Start a break right now, whatever the phase (ends a pause).
    StretchNow,
    /// The user accepted the due break (Start on the notification, or a click on its body).
    Start,
    /// Put the due (or running) break off by `length`, or by the configured snooze when `None`.
    /// Refused when no break is due or the snooze limit is spent.
    Snooze {
        length: Option<Duration>,
    },
    /// Skip the due or running break, or, while working, the next one. The next break is a full
    /// interval away.
    Skip,
    Pause(PauseLength),
    Resume,
    /// The stretch window process ended. `outcome` is `None` when it closed without one
    /// (abandoned). Stale `break_id`s are ignored.
    WindowClosed {
        break_id: u64,
        outcome: Option<WindowOutcome>,
    },
    /// The user has been idle for `idle_for` (no keyboard or pointer input).
    UserIdle {
        idle_for: Duration,
    },
    /// Wall-clock time moved by `by_millis` more than the time that passed (suspend, clock change).
    /// Positive: forward. Never causes a burst of notifications.
    ClockJumped {
        by_millis: i64,
    },
    SettingsChanged(Settings),
    RoutinesChanged(RoutineSet),
    /// The daemon is about to exit: a break in progress is abandoned.
    Quit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PauseLength {
    For(Duration),
    /// An absolute time the shell computed, e.g. tomorrow 08:00 local.
    Until(Timestamp),
    Indefinitely,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Show, or replace, the heads-up notification ("Stretch break in 30 s").
    ShowHeadsUp {
        break_due_at: Timestamp,
        offer: Option<Offer>,
    },
    /// Show, or replace, the break notification. Offer Snooze only when `snoozes_left != Some(0)`.
    ShowBreakDue {
        break_id: u64,
        offer: Option<Offer>,
        snoozes_left: Option<u32>,
        snooze: Duration,
    },
    /// Take down whatever notification is showing.
    WithdrawNotification,
    /// Start the stretch window process with this plan.
    OpenWindow(StretchPlan),
    /// Close the stretch window of this break (paused, skipped from elsewhere, timed out, quit).
    CloseWindow { break_id: u64 },
    /// Append this line to the history.
    Record(HistoryRecord),
    /// The input was not carried out; the shell tells the user why.
    Refused(Refusal),
}

/// The routine a break offers, with what a notification needs to name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offer {
    pub routine_id: String,
    pub routine_name: String,
    pub estimated: Duration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// `max_snoozes` is spent: the break can only be taken or skipped.
    NoSnoozesLeft,
    /// Snooze or Start while no break is due.
    NoBreakDue,
    /// Resume while not paused.
    NotPaused,
    /// Stretch now while the window is already open.
    AlreadyStretching,
    /// No routine fits the `place` setting.
    NoRoutineFits,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Working,
    BreakDue,
    Stretching,
    Paused,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Status {
    pub phase: Phase,
    /// When the next break is (or became) due; `None` while paused.
    pub next_break_at: Option<Timestamp>,
    /// `None` while paused indefinitely.
    pub paused_until: Option<Timestamp>,
    pub paused_indefinitely: bool,
    pub snoozes_used: u32,
    /// `None` = unlimited.
    pub max_snoozes: Option<u32>,
    /// The break in progress (due or stretching).
    pub break_id: Option<u64>,
    /// The routine offered for the coming or current break, when already picked.
    pub routine: Option<String>,
}

pub struct Engine {
    // private: settings, routines, the shuffle bag, the phase with its timestamps, snoozes used,
    // the next break id, the current offer.
}

impl Engine {
    /// A new engine, working from `now`: the first break is due one interval later.
    /// `seed` seeds the routine shuffle bag.
    pub fn new(settings: Settings, routines: RoutineSet, seed: u64, now: Timestamp) -> Engine {
        let _ = (settings, routines, seed, now);
        todo!()
    }

    pub fn handle(&mut self, input: Input, now: Timestamp) -> Vec<Effect> {
        let _ = (input, now);
        todo!()
    }

    /// When the shell must wake the engine with [`Input::Tick`]. `None` only while paused
    /// indefinitely. Always later than the `now` of the last input.
    pub fn next_deadline(&self) -> Option<Timestamp> {
        todo!()
    }

    pub fn status(&self, now: Timestamp) -> Status {
        let _ = now;
        todo!()
    }

    pub fn settings(&self) -> &Settings {
        todo!()
    }

    pub fn routines(&self) -> &RoutineSet {
        todo!()
    }
}
