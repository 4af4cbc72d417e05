//! What the passing of time does: catching up on deadlines that have passed, clock jumps, and the
//! countdowns that set the next deadline.

use std::time::Duration;

use crate::history::HistoryEvent;
use crate::time::Timestamp;

use super::effects::{Effect, Effects};
use super::transitions::HowItEnds;
use super::{Countdown, CountdownKind, Engine, PhaseState};

impl Engine {
    /// Fires every deadline at or before `now`, collapsing what a sleeping shell missed: a
    /// heads-up whose break is already due is not shown, and missed reminders make one.
    pub(super) fn catch_up(&mut self, effects: &mut Effects) {
        let now = effects.now;
        if self.quiet.is_some() {
            // Locked or asleep: what is due waits until the user is back.
            return;
        }
        while let Some(deadline) = self.next_deadline() {
            if deadline > now {
                break;
            }
            let deferred = self.deferral_reason().is_some();
            match &mut self.phase {
                PhaseState::Working(countdown) => {
                    if countdown.due_at <= now {
                        if countdown.warm_up_at.take().is_some() {
                            // Its moment is the break's own, or a sleeping shell missed it:
                            // still ahead of the user's Start.
                            effects.push(Effect::WarmUpWindow);
                        }
                        let (due_at, heads_up_shown) = (countdown.due_at, countdown.heads_up_shown);
                        self.break_time_comes(due_at, heads_up_shown, effects);
                    } else if let Some(heads_up_at) = countdown.heads_up_at
                        && heads_up_at <= now
                    {
                        countdown.heads_up_at = None;
                        if deferred {
                            // A heads-up would interrupt as much as the break: none is shown,
                            // and the break's time decides whether it waits.
                            continue;
                        }
                        countdown.heads_up_shown = true;
                        let break_due_at = countdown.due_at;
                        let offer = self.offer_or_pick();
                        effects.push(Effect::ShowHeadsUp {
                            break_due_at,
                            offer,
                            when_you_pause: false,
                        });
                    } else if countdown.warm_up_at.is_some_and(|at| at <= now) {
                        countdown.warm_up_at = None;
                        effects.push(Effect::WarmUpWindow);
                    }
                }
                PhaseState::BreakDue {
                    break_id,
                    remind_at,
                    window_failed,
                    ..
                } => {
                    let (break_id, window_failed) = (*break_id, *window_failed);
                    *remind_at = now.plus(at_least_a_second(self.settings.breaks.snooze));
                    effects.push(self.show_break_due(break_id, window_failed));
                }
                PhaseState::Stretching {
                    break_id,
                    due_since,
                    paint_by: Some(paint_by),
                    ..
                } if *paint_by <= now => {
                    // The window is blank: the break goes back to being due, shown as a
                    // notification, and counts on as the same break.
                    let (break_id, due_since) = (*break_id, *due_since);
                    effects.push(Effect::CloseWindow { break_id });
                    self.phase = PhaseState::BreakDue {
                        break_id,
                        due_since,
                        remind_at: now.plus(at_least_a_second(self.settings.breaks.snooze)),
                        window_failed: true,
                        notification_only: false,
                    };
                    effects.push(self.show_break_due(break_id, true));
                }
                PhaseState::Stretching { .. } => {
                    // The window was left open too long.
                    self.end_break_in_progress(HowItEnds::Abandoned, HowItEnds::Abandoned, effects);
                    self.start_fresh_interval(now);
                }
                PhaseState::Paused { .. } => {
                    effects.record(HistoryEvent::Resumed);
                    self.start_fresh_interval(now);
                }
                // Waited long enough for the right moment: the break comes anyway; after a
                // deferral (full screen, do-not-disturb, camera) as a notification only.
                PhaseState::Held { reason, .. } => {
                    let notification_only = reason.is_deferral();
                    self.break_becomes_due_as(notification_only, effects);
                }
                // No deadline: the user's return ends it.
                PhaseState::Away { .. } => break,
                // Working hours begin: a fresh interval.
                PhaseState::OffHours { .. } => self.start_fresh_interval(now),
            }
        }
    }

    pub(super) fn break_becomes_due(&mut self, effects: &mut Effects) {
        self.break_becomes_due_as(false, effects);
    }

    /// The break becomes due now; `notification_only`: its window never opens by itself.
    pub(super) fn break_becomes_due_as(&mut self, notification_only: bool, effects: &mut Effects) {
        let break_id = self.new_break_id();
        let now = effects.now;
        self.offer_or_pick();
        self.phase = PhaseState::BreakDue {
            break_id,
            due_since: now,
            remind_at: now.plus(at_least_a_second(self.settings.breaks.snooze)),
            window_failed: false,
            notification_only,
        };
        effects.push(self.show_break_due(break_id, false));
        effects.record(HistoryEvent::Due {
            break_id,
            routine: self.offer.clone(),
        });
    }

    pub(super) fn show_break_due(&self, break_id: u64, window_failed: bool) -> Effect {
        Effect::ShowBreakDue {
            break_id,
            offer: self.offer_details(),
            snoozes_left: self.snoozes_left(),
            snooze: self.settings.breaks.snooze,
            window_failed,
        }
    }

    pub(super) fn clock_jumped(&mut self, by_millis: i64, effects: &mut Effects) {
        if self.quiet.is_some() {
            // The computer said it sleeps, or the screen is locked: the jump is part of that time,
            // counted (or the countdown moved by it) when the user is back.
            return;
        }
        let jump = Duration::from_millis(by_millis.unsigned_abs());
        let forward = by_millis > 0;
        if forward && jump >= self.settings.breaks.natural_break {
            match &mut self.phase {
                PhaseState::Working(_) | PhaseState::BreakDue { .. } | PhaseState::Held { .. } => {
                    self.natural_break(jump, effects);
                    self.start_fresh_interval(effects.now);
                    // The idle spell that the sleep is part of is counted now, not again later.
                    self.mark_spell_counted();
                }
                // Counted already; the user's return starts the next interval.
                PhaseState::Away { .. } => {}
                PhaseState::Stretching {
                    times_out_at,
                    paint_by,
                    ..
                } => {
                    *times_out_at = times_out_at.plus(jump);
                    if let Some(paint_by) = paint_by {
                        *paint_by = paint_by.plus(jump);
                    }
                }
                // Pause ends and working hours are absolute times: the user said "until 14:00".
                PhaseState::Paused { .. } | PhaseState::OffHours { .. } => {}
            }
        } else {
            // A shorter jump (or a backward one) shifts every relative deadline by the jump, so
            // the time remaining is what it was: suspended time does not count as work, and
            // setting the clock back does not lengthen the wait.
            self.shift_deadlines(jump, forward);
        }
        // Without logind a forward jump is how a wake is seen: a countdown or a break gets the
        // same settling minute as after a wake logind tells (a clock set forward by hand gets it
        // too, which costs at most a minute's wait). An open window keeps its own deadlines, and
        // a pause or the working hours end when they said.
        if forward
            && matches!(
                self.phase,
                PhaseState::Working(_) | PhaseState::BreakDue { .. } | PhaseState::Held { .. }
            )
        {
            self.settle(effects.now);
        }
    }

    /// Moves every relative deadline by `jump` (later when `forward`); a pause's end, an absolute
    /// time, stays.
    pub(super) fn shift_deadlines(&mut self, jump: Duration, forward: bool) {
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
                if let Some(warm_up_at) = &mut countdown.warm_up_at {
                    shift(warm_up_at);
                }
            }
            PhaseState::BreakDue { remind_at, .. } => shift(remind_at),
            PhaseState::Stretching {
                times_out_at,
                paint_by,
                ..
            } => {
                shift(times_out_at);
                if let Some(paint_by) = paint_by {
                    shift(paint_by);
                }
            }
            PhaseState::Held {
                gives_up_at: Some(gives_up_at),
                ..
            } => shift(gives_up_at),
            PhaseState::Paused { .. }
            | PhaseState::Held { .. }
            | PhaseState::Away { .. }
            | PhaseState::OffHours { .. } => {}
        }
    }

    /// A break ended (or was replaced by time away): a full interval of work from now, with a
    /// fresh snooze allowance and a routine to be picked anew.
    /// Outside working hours the interval waits for them to begin.
    pub(super) fn start_fresh_interval(&mut self, now: Timestamp) {
        self.snoozes_used = 0;
        self.offer = None;
        self.phase = match self.off_until {
            Some(until) if until > now => PhaseState::OffHours { until },
            _ => self.interval_countdown(now),
        };
    }

    pub(super) fn interval_countdown(&self, now: Timestamp) -> PhaseState {
        let due_at = now.plus(at_least_a_second(self.settings.breaks.interval));
        let heads_up_at = heads_up_before(due_at, self.settings.breaks.heads_up, now);
        PhaseState::Working(Countdown {
            kind: CountdownKind::Interval,
            started_at: now,
            due_at,
            heads_up_at,
            heads_up_shown: false,
            warm_up_at: warm_up_before(due_at, heads_up_at, now),
        })
    }

    /// The snoozed break returns after `length`; no heads-up, the user just chose the time.
    pub(super) fn start_snooze_countdown(&mut self, now: Timestamp, length: Option<Duration>) {
        let length = at_least_a_second(length.unwrap_or(self.settings.breaks.snooze));
        let due_at = now.plus(length);
        self.phase = PhaseState::Working(Countdown {
            kind: CountdownKind::Snooze,
            started_at: now,
            due_at,
            heads_up_at: None,
            heads_up_shown: false,
            warm_up_at: warm_up_before(due_at, None, now),
        });
    }
}

/// The heads-up moment, unless it is off or already behind us.
pub(super) fn heads_up_before(
    due_at: Timestamp,
    heads_up: Option<Duration>,
    now: Timestamp,
) -> Option<Timestamp> {
    heads_up
        .map(|lead| due_at.minus(lead))
        .filter(|heads_up_at| *heads_up_at > now)
}

/// The warm-up moment for a break no heads-up prepares (`heads_up_at` is `None`): its lead before
/// the break, or at once (the next millisecond: a deadline is always ahead) when the break is
/// nearer than that.
pub(super) fn warm_up_before(
    due_at: Timestamp,
    heads_up_at: Option<Timestamp>,
    now: Timestamp,
) -> Option<Timestamp> {
    let at_once = now.plus(Duration::from_millis(1));
    heads_up_at
        .is_none()
        .then(|| due_at.minus(super::WARM_UP_LEAD).max(at_once).min(due_at))
}

/// Deadlines are at least a second away, so a zero duration from a shell can never spin.
pub(super) fn at_least_a_second(duration: Duration) -> Duration {
    duration.max(Duration::from_secs(1))
}
