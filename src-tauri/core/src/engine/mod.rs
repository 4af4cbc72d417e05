//! The break engine: a sans-IO state machine (STYLE.md §1, quinn-proto's shape).
//!
//! Every input comes with the current time; every consequence goes out as an [`Effect`] for the
//! shell to carry out. The engine never reads a clock: the shell sleeps until [`Engine::next_deadline`]
//! and then sends [`Input::Tick`]. Any input first catches up on deadlines that have passed, so after
//! `handle` returns there is never a deadline in the past.
//!
//! Phases: working (countdown, optional heads-up) → break due (notification) → stretching (window
//! open) → working with a fresh interval. Snooze, skip, stretch-now, pause/resume, idle, clock jumps
//! and settings changes move between them. A break whose time comes while the user is typing, or
//! away, is held until the right moment (`presence`). Every break (numbered by `break_id`) ends in exactly one
//! outcome: completed, snoozed, skipped or abandoned, each recorded in history.
//!
//! The folder, by job: `inputs` what the shell sends, `effects` what comes back, `status` what
//! the engine tells about itself, `transitions` what each input does, `deadlines` what the passing
//! of time does, `presence` what the user's time away from keyboard and pointer does, `deferral`
//! what full screen, do-not-disturb and a camera in use do, `quiet` what a locked screen and a
//! sleeping computer do, `offer` which routine a break offers, and `prepared` the hidden window
//! started on the heads-up so that Start only shows it. This file holds the engine's
//! state and the calls a shell makes.

mod deadlines;
mod deferral;
mod effects;
mod inputs;
mod offer;
mod prepared;
mod presence;
mod quiet;
mod status;
mod transitions;

use std::time::Duration;

use crate::history::MAX_BREAK_ID;
use crate::picker::ShuffleBag;
use crate::routine::RoutineSet;
use crate::settings::Settings;
use crate::time::Timestamp;

pub use effects::{Effect, Offer, Refusal};
pub use inputs::{ClosedBy, Input, Interruptions, PauseLength};
pub use quiet::SETTLE_AFTER_RETURN;
pub use status::{Phase, Status, Waiting};

use effects::{Effects, keep_only_the_last_notification_effect};

/// A stretch window left open this long is closed and its break recorded as abandoned.
pub const STRETCH_TIMEOUT: Duration = Duration::from_secs(15 * 60);

/// A stretch window that has not reported its first painted frame this long after it was
/// opened is taken for blank (its web view failed): it is closed and the break is offered as a
/// notification instead. A window paints in about half a second; the first one of a session on
/// a busy two-core machine took up to 8.3 s (sway and weston headless, `tests/desktop/wayland.rs`),
/// which this leaves room for. A blank window must never pass for a break in progress.
pub const PAINT_TIMEOUT: Duration = Duration::from_secs(15);

/// How long before a break that no heads-up prepares its window the shell is asked to read the
/// window's files into the disk cache ([`Effect::WarmUpWindow`]): room for a slow disk, and
/// short enough that the kernel has not put them out again.
pub const WARM_UP_LEAD: Duration = Duration::from_secs(10);

pub struct Engine {
    settings: Settings,
    routines: RoutineSet,
    bag: ShuffleBag,
    phase: PhaseState,
    snoozes_used: u32,
    /// The id the next new break gets; ids start at 1 and are never reused.
    next_break_id: u64,
    /// The routine offered for the coming or current break, once picked.
    offer: Option<String>,
    /// What the latest idle measurement said; `None` until the shell sends one.
    presence: Option<presence::Presence>,
    /// What the shell last said about full screen, do-not-disturb and the camera.
    interruptions: Interruptions,
    /// The screen is locked or the computer asleep: nothing fires.
    quiet: Option<quiet::Quiet>,
    /// Nothing fires before this time (a minute after an unlock or a wake).
    settle_until: Option<Timestamp>,
    /// Working hours begin at this time (the shell said the hours now are off until then).
    off_until: Option<Timestamp>,
    /// The plan of the hidden window started while the heads-up is on screen (`prepared`).
    prepared: Option<crate::plan::StretchPlan>,
}

impl Engine {
    /// A new engine, working from `now`: the first break is due one interval later.
    /// `seed` seeds the routine shuffle bag.
    pub fn new(settings: Settings, routines: RoutineSet, seed: u64, now: Timestamp) -> Engine {
        let mut engine = Engine {
            settings,
            routines,
            bag: ShuffleBag::new(seed),
            phase: PhaseState::Paused { until: None },
            snoozes_used: 0,
            next_break_id: 1,
            offer: None,
            presence: None,
            interruptions: Interruptions::default(),
            quiet: None,
            settle_until: None,
            off_until: None,
            prepared: None,
        };
        engine.phase = engine.interval_countdown(now);
        engine
    }

    /// Numbers the breaks to come after `last_break_id` (from [`crate::history::last_break_id`]),
    /// so ids stay unique across runs. Never moves the numbering back, and never past
    /// [`MAX_BREAK_ID`] (see [`Engine::new_break_id`]).
    pub fn number_breaks_after(&mut self, last_break_id: u64) {
        self.next_break_id = self
            .next_break_id
            .max(last_break_id.saturating_add(1))
            .min(MAX_BREAK_ID);
    }

    /// Enters the pause the history left in force (from [`crate::history::pause_in_force`]), so a
    /// pause survives a restart. Nothing is shown or recorded: the pause is already in the
    /// history. A pause that has ended by `now`, or that ends beyond the horizon, is not restored.
    pub fn restore_pause(&mut self, pause: PauseLength, now: Timestamp) {
        let Ok(until) = pause_end(pause, now) else {
            return;
        };
        self.snoozes_used = 0;
        self.offer = None;
        self.phase = PhaseState::Paused { until };
    }

    pub fn handle(&mut self, input: Input, now: Timestamp) -> Vec<Effect> {
        let mut effects = Effects {
            now,
            list: Vec::new(),
        };
        // A clock jump changes what "passed" means, so it is applied before catching up.
        if let Input::ClockJumped { by_millis } = input {
            self.clock_jumped(by_millis, &mut effects);
            self.catch_up(&mut effects);
        } else {
            self.catch_up(&mut effects);
            self.apply(input, &mut effects);
            // The input itself may have set a deadline at `now` (never by design, but a zero
            // duration from a shell is possible): one more round keeps "never in the past".
            self.catch_up(&mut effects);
        }
        self.keep_the_prepared_window_true(&mut effects);
        keep_only_the_last_notification_effect(effects.list)
    }

    /// When the shell must wake the engine with [`Input::Tick`]. `None` only while paused
    /// indefinitely, waiting for the user to come back, or while the screen is locked or the
    /// computer asleep. Never in the minute after an unlock or a wake. Always later than the
    /// `now` of the last input.
    pub fn next_deadline(&self) -> Option<Timestamp> {
        if self.quiet.is_some() {
            return None;
        }
        let deadline = self.phase_deadline()?;
        Some(match self.settle_until {
            Some(settled) => deadline.max(settled),
            None => deadline,
        })
    }

    /// The deadline the phase waits for.
    fn phase_deadline(&self) -> Option<Timestamp> {
        match &self.phase {
            PhaseState::Held { gives_up_at, .. } => *gives_up_at,
            PhaseState::Away { .. } => None,
            PhaseState::Working(countdown) => Some(
                [countdown.heads_up_at, countdown.warm_up_at]
                    .into_iter()
                    .flatten()
                    .fold(countdown.due_at, Timestamp::min),
            ),
            PhaseState::BreakDue { remind_at, .. } => Some(*remind_at),
            PhaseState::Stretching {
                times_out_at,
                paint_by,
                ..
            } => Some(paint_by.map_or(*times_out_at, |paint_by| paint_by.min(*times_out_at))),
            PhaseState::Paused { until } => *until,
            PhaseState::OffHours { until } => Some(*until),
        }
    }

    pub fn status(&self, now: Timestamp) -> Status {
        // Status is a pure view of the state; `now` is accepted so a shell never has to wonder
        // whether the answer depends on the time it asks.
        let _ = now;
        let (phase, next_break_at, break_id) = match &self.phase {
            // In the minute after an unlock or a wake, the break comes when the minute is over.
            PhaseState::Working(countdown) => (
                Phase::Working,
                Some(match self.settle_until {
                    Some(settled) => countdown.due_at.max(settled),
                    None => countdown.due_at,
                }),
                None,
            ),
            PhaseState::Held { due_since, .. } => (Phase::Working, Some(*due_since), None),
            PhaseState::Away { .. } | PhaseState::OffHours { .. } => (Phase::Working, None, None),
            PhaseState::BreakDue {
                break_id,
                due_since,
                ..
            } => (Phase::BreakDue, Some(*due_since), Some(*break_id)),
            PhaseState::Stretching {
                break_id,
                due_since,
                ..
            } => (Phase::Stretching, Some(*due_since), Some(*break_id)),
            PhaseState::Paused { .. } => (Phase::Paused, None, None),
        };
        let (paused_until, paused_indefinitely) = match &self.phase {
            PhaseState::Paused { until } => (*until, until.is_none()),
            _ => (None, false),
        };
        Status {
            phase,
            next_break_at,
            paused_until,
            paused_indefinitely,
            snoozes_used: self.snoozes_used,
            max_snoozes: self.settings.breaks.max_snoozes,
            break_id,
            routine: self.offer.clone(),
            waiting: match &self.phase {
                PhaseState::Held { reason, .. } => Some(*reason),
                PhaseState::Away { .. } => Some(Waiting::Return),
                _ => None,
            },
            screen_locked: self.quiet.as_ref().is_some_and(|quiet| quiet.locked()),
            asleep: self.quiet.as_ref().is_some_and(|quiet| quiet.asleep()),
            off_until: match &self.phase {
                PhaseState::OffHours { until } => Some(*until),
                _ => None,
            },
        }
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    pub fn routines(&self) -> &RoutineSet {
        &self.routines
    }

    /// How many snoozes the current break has left; `None` = unlimited.
    pub fn snoozes_left(&self) -> Option<u32> {
        self.settings
            .breaks
            .max_snoozes
            .map(|max| max.saturating_sub(self.snoozes_used))
    }

    /// The next id. The numbering stops at [`MAX_BREAK_ID`] instead of wrapping round to ids the
    /// history already holds; 2^53 breaks is far more than a lifetime, so only a damaged history
    /// brings it that far.
    fn new_break_id(&mut self) -> u64 {
        let break_id = self.next_break_id;
        self.next_break_id = break_id.saturating_add(1).min(MAX_BREAK_ID);
        break_id
    }
}

/// When a pause that starts at `now` ends (`None`: when the user resumes), or why it cannot be
/// taken: its end has come already, or lies beyond the horizon of times the history can write.
fn pause_end(pause: PauseLength, now: Timestamp) -> Result<Option<Timestamp>, Refusal> {
    let until = match pause {
        PauseLength::For(duration) => Some(now.plus(duration)),
        PauseLength::Until(end) => Some(end),
        PauseLength::Indefinitely => None,
    };
    match until {
        Some(end) if end <= now => Err(Refusal::PauseEndsInThePast),
        Some(end) if end > Timestamp::LATEST => Err(Refusal::PauseEndsBeyondTheHorizon),
        _ => Ok(until),
    }
}

/// Where the engine is, with the deadline each phase waits for.
#[derive(Debug, Clone, PartialEq)]
enum PhaseState {
    Working(Countdown),
    BreakDue {
        break_id: u64,
        due_since: Timestamp,
        remind_at: Timestamp,
        /// This break's stretch window was opened and never painted: its notification says so.
        window_failed: bool,
        /// The break waited `max_wait` for the user to be interruptible: it is shown as a
        /// notification only, and the window opens only when the user asks.
        notification_only: bool,
    },
    Stretching {
        break_id: u64,
        due_since: Timestamp,
        times_out_at: Timestamp,
        /// When the window must have reported its first painted frame; `None` once it has.
        paint_by: Option<Timestamp>,
    },
    /// `until` is `None` when paused indefinitely.
    Paused {
        until: Option<Timestamp>,
    },
    /// The break's time came (`due_since`) while the user was typing, away, or not to be
    /// interrupted (full screen, do-not-disturb, camera): it waits for a pause or for the
    /// interruption to end until `gives_up_at`, or for the user's return (no deadline).
    Held {
        reason: Waiting,
        due_since: Timestamp,
        gives_up_at: Option<Timestamp>,
        heads_up_shown: bool,
    },
    /// The user's time away (since `since`) counted as a natural break: the next interval begins
    /// when they come back.
    Away {
        since: Timestamp,
    },
    /// Outside working hours: no break until they begin at `until`, with a fresh interval.
    OffHours {
        until: Timestamp,
    },
}

#[derive(Debug, Clone, PartialEq)]
struct Countdown {
    kind: CountdownKind,
    started_at: Timestamp,
    due_at: Timestamp,
    /// When the heads-up is to be shown; `None` when it is off, shown, or skipped.
    heads_up_at: Option<Timestamp>,
    heads_up_shown: bool,
    /// When to warm up the window's files for a break no heads-up prepares; `None` when a
    /// heads-up will, or once asked.
    warm_up_at: Option<Timestamp>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CountdownKind {
    /// A full working interval.
    Interval,
    /// A snoozed break coming back.
    Snooze,
}
