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

use crate::history::{HistoryEvent, HistoryRecord};
use crate::picker::ShuffleBag;
use crate::plan::{StretchPlan, WindowOutcome};
use crate::routine::{Routine, RoutineSet};
use crate::settings::{Focus, Settings};
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
    /// Put the due (or running) break off by `length`, or by the configured snooze when `None`
    /// (at least a second). Refused when no break is due or the snooze limit is spent.
    Snooze {
        length: Option<Duration>,
    },
    /// Skip the due or running break, or, while working, the next one. The next break is a full
    /// interval away.
    Skip,
    Pause(PauseLength),
    Resume,
    /// The stretch window process ended. `outcome` is `None` when it closed without one
    /// (abandoned). Stale `break_id`s are ignored. A `Snoozed` outcome is a snooze, without a
    /// `CloseWindow` (the window is already gone).
    WindowClosed {
        break_id: u64,
        outcome: Option<WindowOutcome>,
    },
    /// The user has been idle for `idle_for` (no keyboard or pointer input). The shell may
    /// report one idle spell again and again: it counts as one natural break, and while it lasts
    /// the countdown keeps starting over.
    UserIdle {
        idle_for: Duration,
    },
    /// Wall-clock time moved by `by_millis` more than the time that passed (suspend, clock change).
    /// Positive: forward. Never causes a burst of notifications.
    ClockJumped {
        by_millis: i64,
    },
    /// New settings. Only a changed interval moves a working countdown (never to less than a
    /// minute away, unless the new interval is shorter); a snoozed break keeps its return time.
    SettingsChanged(Settings),
    RoutinesChanged(RoutineSet),
    /// The daemon is about to exit: a break in progress is abandoned. The engine then rests
    /// (no deadline) without recording a pause.
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
    /// Pause until a time that has already come.
    PauseEndsInThePast,
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
    settings: Settings,
    routines: RoutineSet,
    bag: ShuffleBag,
    phase: PhaseState,
    snoozes_used: u32,
    /// The id the next new break gets; ids start at 1 and are never reused.
    next_break_id: u64,
    /// The routine offered for the coming or current break, once picked.
    offer: Option<String>,
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
        };
        engine.phase = engine.interval_countdown(now);
        engine
    }

    /// Numbers the breaks to come after `last_break_id` (from [`crate::history::last_break_id`]),
    /// so ids stay unique across runs. Never moves the numbering back.
    pub fn number_breaks_after(&mut self, last_break_id: u64) {
        self.next_break_id = self.next_break_id.max(last_break_id.saturating_add(1));
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
        keep_only_the_last_notification_effect(effects.list)
    }

    /// When the shell must wake the engine with [`Input::Tick`]. `None` only while paused
    /// indefinitely. Always later than the `now` of the last input.
    pub fn next_deadline(&self) -> Option<Timestamp> {
        match &self.phase {
            PhaseState::Working(countdown) => Some(match countdown.heads_up_at {
                Some(heads_up_at) => heads_up_at.min(countdown.due_at),
                None => countdown.due_at,
            }),
            PhaseState::BreakDue { remind_at, .. } => Some(*remind_at),
            PhaseState::Stretching { times_out_at, .. } => Some(*times_out_at),
            PhaseState::Paused { until } => *until,
        }
    }

    pub fn status(&self, now: Timestamp) -> Status {
        // Status is a pure view of the state; `now` is accepted so a shell never has to wonder
        // whether the answer depends on the time it asks.
        let _ = now;
        let (phase, next_break_at, break_id) = match &self.phase {
            PhaseState::Working(countdown) => (Phase::Working, Some(countdown.due_at), None),
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

    fn apply(&mut self, input: Input, effects: &mut Effects) {
        match input {
            // Catching up was all a tick had to do.
            Input::Tick => {}
            Input::StretchNow => self.stretch_now(effects),
            Input::Start => match &self.phase {
                PhaseState::BreakDue {
                    break_id,
                    due_since,
                    ..
                } => {
                    let (break_id, due_since) = (*break_id, *due_since);
                    self.begin_stretching(break_id, due_since, effects);
                }
                PhaseState::Stretching { .. } => effects.refuse(Refusal::AlreadyStretching),
                _ => effects.refuse(Refusal::NoBreakDue),
            },
            Input::Snooze { length } => self.snooze(length, effects),
            Input::Skip => self.skip(effects),
            Input::Pause(length) => self.pause(length, effects),
            Input::Resume => match self.phase {
                PhaseState::Paused { .. } => {
                    effects.record(HistoryEvent::Resumed);
                    self.start_fresh_interval(effects.now);
                }
                _ => effects.refuse(Refusal::NotPaused),
            },
            Input::WindowClosed { break_id, outcome } => {
                self.window_closed(break_id, outcome, effects)
            }
            Input::UserIdle { idle_for } => self.user_idle(idle_for, effects),
            // Handled before catching up, in `handle`.
            Input::ClockJumped { .. } => {}
            Input::SettingsChanged(settings) => self.settings_changed(settings, effects.now),
            Input::RoutinesChanged(routines) => self.routines_changed(routines),
            Input::Quit => {
                match &self.phase {
                    PhaseState::BreakDue { break_id, .. } => {
                        let break_id = *break_id;
                        effects.push(Effect::WithdrawNotification);
                        effects.record(HistoryEvent::Abandoned { break_id });
                    }
                    PhaseState::Stretching { break_id, .. } => {
                        let break_id = *break_id;
                        effects.push(Effect::CloseWindow { break_id });
                        effects.record(HistoryEvent::Abandoned { break_id });
                    }
                    PhaseState::Working(countdown) if countdown.heads_up_shown => {
                        effects.push(Effect::WithdrawNotification);
                    }
                    _ => {}
                }
                // At rest: no deadline, so a shell that keeps running after Quit stays quiet.
                self.phase = PhaseState::Paused { until: None };
            }
        }
    }

    /// Fires every deadline at or before `now`, collapsing what a sleeping shell missed: a
    /// heads-up whose break is already due is not shown, and missed reminders make one.
    fn catch_up(&mut self, effects: &mut Effects) {
        let now = effects.now;
        while let Some(deadline) = self.next_deadline() {
            if deadline > now {
                break;
            }
            match &mut self.phase {
                PhaseState::Working(countdown) => {
                    if countdown.due_at <= now {
                        self.break_becomes_due(effects);
                    } else if let Some(heads_up_at) = countdown.heads_up_at
                        && heads_up_at <= now
                    {
                        countdown.heads_up_at = None;
                        countdown.heads_up_shown = true;
                        let break_due_at = countdown.due_at;
                        let offer = self.offer_or_pick();
                        effects.push(Effect::ShowHeadsUp {
                            break_due_at,
                            offer,
                        });
                    }
                }
                PhaseState::BreakDue {
                    break_id,
                    remind_at,
                    ..
                } => {
                    let break_id = *break_id;
                    *remind_at = now.plus(at_least_a_second(self.settings.breaks.snooze));
                    effects.push(self.show_break_due(break_id));
                }
                PhaseState::Stretching { break_id, .. } => {
                    let break_id = *break_id;
                    effects.push(Effect::CloseWindow { break_id });
                    effects.record(HistoryEvent::Abandoned { break_id });
                    self.start_fresh_interval(now);
                }
                PhaseState::Paused { .. } => {
                    effects.record(HistoryEvent::Resumed);
                    self.start_fresh_interval(now);
                }
            }
        }
    }

    fn break_becomes_due(&mut self, effects: &mut Effects) {
        let break_id = self.new_break_id();
        let now = effects.now;
        self.offer_or_pick();
        self.phase = PhaseState::BreakDue {
            break_id,
            due_since: now,
            remind_at: now.plus(at_least_a_second(self.settings.breaks.snooze)),
        };
        effects.push(self.show_break_due(break_id));
        effects.record(HistoryEvent::Due {
            break_id,
            routine: self.offer.clone(),
        });
    }

    fn show_break_due(&self, break_id: u64) -> Effect {
        Effect::ShowBreakDue {
            break_id,
            offer: self.offer_details(),
            snoozes_left: self.snoozes_left(),
            snooze: self.settings.breaks.snooze,
        }
    }

    fn stretch_now(&mut self, effects: &mut Effects) {
        match &self.phase {
            PhaseState::Stretching { .. } => effects.refuse(Refusal::AlreadyStretching),
            PhaseState::BreakDue {
                break_id,
                due_since,
                ..
            } => {
                let (break_id, due_since) = (*break_id, *due_since);
                self.begin_stretching(break_id, due_since, effects);
            }
            PhaseState::Working(_) | PhaseState::Paused { .. } => {
                if self.offer_or_pick().is_none() {
                    effects.refuse(Refusal::NoRoutineFits);
                    return;
                }
                if let PhaseState::Paused { .. } = self.phase {
                    effects.record(HistoryEvent::Resumed);
                }
                let break_id = self.new_break_id();
                self.begin_stretching(break_id, effects.now, effects);
            }
        }
    }

    fn begin_stretching(&mut self, break_id: u64, due_since: Timestamp, effects: &mut Effects) {
        let Some(routine_id) = self.offer_or_pick().map(|offer| offer.routine_id) else {
            effects.refuse(Refusal::NoRoutineFits);
            return;
        };
        let Some(first) = self.routines.get(&routine_id) else {
            effects.refuse(Refusal::NoRoutineFits);
            return;
        };
        let alternatives = self.alternatives_to(&routine_id);
        let plan = StretchPlan::new(
            break_id,
            first,
            &alternatives,
            self.snoozes_left(),
            &self.settings,
        );
        effects.push(Effect::WithdrawNotification);
        effects.push(Effect::OpenWindow(plan));
        effects.record(HistoryEvent::Started {
            break_id,
            routine: Some(routine_id),
        });
        self.phase = PhaseState::Stretching {
            break_id,
            due_since,
            times_out_at: effects.now.plus(STRETCH_TIMEOUT),
        };
    }

    /// The other routines that fit, one-sided ones first when the user named a side.
    fn alternatives_to(&self, routine_id: &str) -> Vec<&Routine> {
        let mut alternatives: Vec<&Routine> = self
            .routines
            .eligible(self.settings.stretch.place)
            .into_iter()
            .filter(|routine| routine.id != routine_id)
            .collect();
        if self.settings.stretch.focus != Focus::Both {
            alternatives.sort_by_key(|routine| !routine.works_one_side_at_a_time());
        }
        alternatives
    }

    fn snooze(&mut self, length: Option<Duration>, effects: &mut Effects) {
        let break_id = match &self.phase {
            PhaseState::BreakDue { break_id, .. } | PhaseState::Stretching { break_id, .. } => {
                *break_id
            }
            _ => {
                effects.refuse(Refusal::NoBreakDue);
                return;
            }
        };
        if self.snoozes_left() == Some(0) {
            effects.refuse(Refusal::NoSnoozesLeft);
            return;
        }
        self.snoozes_used += 1;
        effects.record(HistoryEvent::Snoozed {
            break_id,
            snoozes_used: self.snoozes_used,
        });
        effects.push(match self.phase {
            PhaseState::Stretching { .. } => Effect::CloseWindow { break_id },
            _ => Effect::WithdrawNotification,
        });
        self.start_snooze_countdown(effects.now, length);
    }

    fn skip(&mut self, effects: &mut Effects) {
        match &self.phase {
            PhaseState::BreakDue { break_id, .. } => {
                let break_id = *break_id;
                effects.push(Effect::WithdrawNotification);
                effects.record(HistoryEvent::Skipped { break_id });
            }
            PhaseState::Stretching { break_id, .. } => {
                let break_id = *break_id;
                effects.push(Effect::CloseWindow { break_id });
                effects.record(HistoryEvent::Skipped { break_id });
            }
            PhaseState::Working(countdown) => {
                // "Skip the next break": it gets its number now so history can say it was skipped.
                if countdown.heads_up_shown {
                    effects.push(Effect::WithdrawNotification);
                }
                let break_id = self.new_break_id();
                effects.record(HistoryEvent::Skipped { break_id });
            }
            PhaseState::Paused { .. } => {
                effects.refuse(Refusal::NoBreakDue);
                return;
            }
        }
        self.start_fresh_interval(effects.now);
    }

    fn pause(&mut self, length: PauseLength, effects: &mut Effects) {
        let now = effects.now;
        let until = match length {
            PauseLength::For(duration) => Some(now.plus(duration)),
            PauseLength::Until(end) => Some(end),
            PauseLength::Indefinitely => None,
        };
        if until.is_some_and(|end| end <= now) {
            effects.refuse(Refusal::PauseEndsInThePast);
            return;
        }
        match &self.phase {
            PhaseState::BreakDue { break_id, .. } => {
                let break_id = *break_id;
                effects.push(Effect::WithdrawNotification);
                effects.record(HistoryEvent::Skipped { break_id });
            }
            PhaseState::Stretching { break_id, .. } => {
                let break_id = *break_id;
                effects.push(Effect::CloseWindow { break_id });
                effects.record(HistoryEvent::Abandoned { break_id });
            }
            PhaseState::Working(countdown) if countdown.heads_up_shown => {
                effects.push(Effect::WithdrawNotification)
            }
            PhaseState::Working(_) | PhaseState::Paused { .. } => {}
        }
        effects.record(HistoryEvent::Paused { until });
        // After a pause the next break gets a freshly picked routine.
        self.offer = None;
        self.phase = PhaseState::Paused { until };
    }

    fn window_closed(
        &mut self,
        closed_break_id: u64,
        outcome: Option<WindowOutcome>,
        effects: &mut Effects,
    ) {
        let PhaseState::Stretching { break_id, .. } = self.phase else {
            return;
        };
        if break_id != closed_break_id {
            // A window of an earlier break: that break already has its outcome.
            return;
        }
        match outcome {
            Some(WindowOutcome::Completed {
                routine,
                duration_secs,
            }) => {
                effects.record(HistoryEvent::Completed {
                    break_id,
                    routine,
                    duration_secs,
                });
                self.start_fresh_interval(effects.now);
            }
            Some(WindowOutcome::Snoozed) => {
                if self.snoozes_left() == Some(0) {
                    // The window should not have offered Snooze; the break ends as skipped
                    // rather than dangling.
                    effects.refuse(Refusal::NoSnoozesLeft);
                    effects.record(HistoryEvent::Skipped { break_id });
                    self.start_fresh_interval(effects.now);
                } else {
                    // Like Snooze, minus the CloseWindow: the window is already gone.
                    self.snoozes_used += 1;
                    effects.record(HistoryEvent::Snoozed {
                        break_id,
                        snoozes_used: self.snoozes_used,
                    });
                    self.start_snooze_countdown(effects.now, None);
                }
            }
            Some(WindowOutcome::Skipped) => {
                effects.record(HistoryEvent::Skipped { break_id });
                self.start_fresh_interval(effects.now);
            }
            None => {
                effects.record(HistoryEvent::Abandoned { break_id });
                self.start_fresh_interval(effects.now);
            }
        }
    }

    fn user_idle(&mut self, idle_for: Duration, effects: &mut Effects) {
        if idle_for < self.settings.breaks.natural_break {
            return;
        }
        let now = effects.now;
        if let PhaseState::Working(countdown) = &self.phase
            && countdown.started_at >= now.minus(idle_for)
            && !countdown.heads_up_shown
        {
            // The countdown already began during this same idle spell (an earlier report of it
            // counted the natural break): keep the break a full interval after the user returns,
            // without counting the spell twice.
            self.phase = self.interval_countdown(now);
            return;
        }
        self.natural_break(idle_for, effects);
    }

    /// Time away that counts as a break: from working or from a due break, nothing else.
    fn natural_break(&mut self, away: Duration, effects: &mut Effects) {
        match &self.phase {
            PhaseState::Working(countdown) => {
                if countdown.heads_up_shown {
                    effects.push(Effect::WithdrawNotification);
                }
            }
            PhaseState::BreakDue { break_id, .. } => {
                let break_id = *break_id;
                effects.push(Effect::WithdrawNotification);
                effects.record(HistoryEvent::Abandoned { break_id });
            }
            PhaseState::Stretching { .. } | PhaseState::Paused { .. } => return,
        }
        effects.record(HistoryEvent::NaturalBreak {
            away_secs: away.as_secs(),
        });
        self.start_fresh_interval(effects.now);
    }

    fn clock_jumped(&mut self, by_millis: i64, effects: &mut Effects) {
        let jump = Duration::from_millis(by_millis.unsigned_abs());
        let forward = by_millis > 0;
        if forward && jump >= self.settings.breaks.natural_break {
            match &mut self.phase {
                PhaseState::Working(_) | PhaseState::BreakDue { .. } => {
                    self.natural_break(jump, effects)
                }
                PhaseState::Stretching { times_out_at, .. } => {
                    *times_out_at = times_out_at.plus(jump)
                }
                // Pause ends are absolute times: the user said "until 14:00".
                PhaseState::Paused { .. } => {}
            }
            return;
        }
        // A shorter jump (or a backward one) shifts every relative deadline by the jump, so the
        // time remaining is what it was: suspended time does not count as work, and setting the
        // clock back does not lengthen the wait.
        let shift = |time: &mut Timestamp| {
            *time = if forward {
                time.plus(jump)
            } else {
                time.minus(jump)
            }
        };
        match &mut self.phase {
            PhaseState::Working(countdown) => {
                shift(&mut countdown.started_at);
                shift(&mut countdown.due_at);
                if let Some(heads_up_at) = &mut countdown.heads_up_at {
                    shift(heads_up_at);
                }
            }
            PhaseState::BreakDue { remind_at, .. } => shift(remind_at),
            PhaseState::Stretching { times_out_at, .. } => shift(times_out_at),
            PhaseState::Paused { .. } => {}
        }
    }

    fn settings_changed(&mut self, settings: Settings, now: Timestamp) {
        let interval_changed = settings.breaks.interval != self.settings.breaks.interval;
        let heads_up_changed = settings.breaks.heads_up != self.settings.breaks.heads_up;
        self.settings = settings;
        let offer_still_fits = self
            .offer
            .as_ref()
            .and_then(|id| self.routines.get(id))
            .is_some_and(|routine| routine.fits(self.settings.stretch.place));
        if let PhaseState::Working(countdown) = &mut self.phase {
            if !offer_still_fits {
                self.offer = None;
            }
            // A snoozed break keeps its promised return time ("Snooze 5 min" means 5 minutes)
            // and never gets a heads-up; only a full interval follows the new settings.
            if countdown.kind == CountdownKind::Interval && (interval_changed || heads_up_changed) {
                if interval_changed {
                    let interval = at_least_a_second(self.settings.breaks.interval);
                    let settled = now.plus(interval.min(SETTLE_AFTER_SETTINGS_CHANGE));
                    countdown.due_at = countdown.started_at.plus(interval).max(settled);
                }
                countdown.heads_up_at =
                    heads_up_before(countdown.due_at, self.settings.breaks.heads_up, now);
            }
        }
    }

    fn routines_changed(&mut self, routines: RoutineSet) {
        self.routines = routines;
        self.bag.start_new_round();
        let offer_is_gone = self
            .offer
            .as_ref()
            .is_some_and(|id| self.routines.get(id).is_none());
        if offer_is_gone {
            self.offer = None;
            self.offer_or_pick();
        }
    }

    fn new_break_id(&mut self) -> u64 {
        let break_id = self.next_break_id;
        self.next_break_id += 1;
        break_id
    }

    /// The current offer, picking one from the bag if none is chosen yet.
    fn offer_or_pick(&mut self) -> Option<Offer> {
        if self.offer.is_none() {
            self.offer = self.bag.draw(
                &self.routines,
                self.settings.stretch.place,
                self.settings.stretch.focus,
            );
        }
        self.offer_details()
    }

    fn offer_details(&self) -> Option<Offer> {
        let routine = self.routines.get(self.offer.as_deref()?)?;
        Some(Offer {
            routine_id: routine.id.clone(),
            routine_name: routine.name.clone(),
            estimated: routine.estimated_duration(),
        })
    }

    /// A break ended (or was replaced by time away): a full interval of work from now, with a
    /// fresh snooze allowance and a routine to be picked anew.
    fn start_fresh_interval(&mut self, now: Timestamp) {
        self.snoozes_used = 0;
        self.offer = None;
        self.phase = self.interval_countdown(now);
    }

    fn interval_countdown(&self, now: Timestamp) -> PhaseState {
        let due_at = now.plus(at_least_a_second(self.settings.breaks.interval));
        PhaseState::Working(Countdown {
            kind: CountdownKind::Interval,
            started_at: now,
            due_at,
            heads_up_at: heads_up_before(due_at, self.settings.breaks.heads_up, now),
            heads_up_shown: false,
        })
    }

    /// The snoozed break returns after `length`; no heads-up, the user just chose the time.
    fn start_snooze_countdown(&mut self, now: Timestamp, length: Option<Duration>) {
        let length = at_least_a_second(length.unwrap_or(self.settings.breaks.snooze));
        self.phase = PhaseState::Working(Countdown {
            kind: CountdownKind::Snooze,
            started_at: now,
            due_at: now.plus(length),
            heads_up_at: None,
            heads_up_shown: false,
        });
    }
}

/// After a settings change, a break is never due sooner than this (unless the new interval is
/// shorter), so shortening the interval does not throw a break at the user mid-sentence.
const SETTLE_AFTER_SETTINGS_CHANGE: Duration = Duration::from_secs(60);

#[derive(Debug, Clone, PartialEq)]
enum PhaseState {
    Working(Countdown),
    BreakDue {
        break_id: u64,
        due_since: Timestamp,
        remind_at: Timestamp,
    },
    Stretching {
        break_id: u64,
        due_since: Timestamp,
        times_out_at: Timestamp,
    },
    /// `until` is `None` when paused indefinitely.
    Paused {
        until: Option<Timestamp>,
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
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CountdownKind {
    /// A full working interval.
    Interval,
    /// A snoozed break coming back.
    Snooze,
}

/// The heads-up moment, unless it is off or already behind us.
fn heads_up_before(
    due_at: Timestamp,
    heads_up: Option<Duration>,
    now: Timestamp,
) -> Option<Timestamp> {
    heads_up
        .map(|lead| due_at.minus(lead))
        .filter(|heads_up_at| *heads_up_at > now)
}

/// Deadlines are at least a second away, so a zero duration from a shell can never spin.
fn at_least_a_second(duration: Duration) -> Duration {
    duration.max(Duration::from_secs(1))
}

/// Effects collected while handling one input, stamped with its `now`.
struct Effects {
    now: Timestamp,
    list: Vec<Effect>,
}

impl Effects {
    fn push(&mut self, effect: Effect) {
        self.list.push(effect);
    }

    fn record(&mut self, event: HistoryEvent) {
        self.list.push(Effect::Record(HistoryRecord {
            at: self.now,
            event,
        }));
    }

    fn refuse(&mut self, refusal: Refusal) {
        self.list.push(Effect::Refused(refusal));
    }
}

/// Each notification effect replaces whatever is showing, so when catching up and the input
/// itself both touch the notification, only the last one matters. Keeping just that one means a
/// shell never flashes a notification it immediately takes down.
fn keep_only_the_last_notification_effect(effects: Vec<Effect>) -> Vec<Effect> {
    let is_notification = |effect: &Effect| {
        matches!(
            effect,
            Effect::ShowHeadsUp { .. } | Effect::ShowBreakDue { .. } | Effect::WithdrawNotification
        )
    };
    let Some(last) = effects.iter().rposition(is_notification) else {
        return effects;
    };
    effects
        .into_iter()
        .enumerate()
        .filter(|(index, effect)| *index == last || !is_notification(effect))
        .map(|(_, effect)| effect)
        .collect()
}
