//! What each input does: the state transitions of the engine, one function per input, and the one
//! way a break in progress is cut short.

use std::time::Duration;

use crate::history::HistoryEvent;
use crate::plan::{FirstScreen, WindowOutcome};
use crate::routine::RoutineSet;
use crate::schedule::Hours;
use crate::settings::{MAX_SNOOZE, Settings};
use crate::time::Timestamp;

use super::deadlines::{at_least_a_second, heads_up_before, warm_up_before};
use super::effects::{Effect, Effects, Refusal};
use super::inputs::{ClosedBy, Input, PauseLength};
use super::{
    CountdownKind, Engine, PAINT_TIMEOUT, PhaseState, STRETCH_TIMEOUT, Waiting, pause_end,
};

/// After a settings change, a break is never due sooner than this (unless the new interval is
/// shorter), so shortening the interval does not throw a break at the user mid-sentence.
const SETTLE_AFTER_SETTINGS_CHANGE: Duration = Duration::from_secs(60);

/// How a break that is cut short goes into the history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum HowItEnds {
    /// The user chose not to take it.
    Skipped,
    /// It ended without the user deciding (quit, time away, a window left open).
    Abandoned,
}

impl HowItEnds {
    fn event(self, break_id: u64) -> HistoryEvent {
        match self {
            HowItEnds::Skipped => HistoryEvent::Skipped {
                break_id,
                sides: Vec::new(),
            },
            HowItEnds::Abandoned => HistoryEvent::Abandoned { break_id },
        }
    }
}

impl Engine {
    pub(super) fn apply(&mut self, input: Input, effects: &mut Effects) {
        match input {
            // Catching up was all a tick had to do.
            Input::Tick => {}
            Input::StretchNow { routine } => self.stretch_now(routine, effects),
            Input::Start => self.start(effects),
            Input::Activate => self.activate(effects),
            Input::Snooze { length } => self.snooze(length, effects),
            Input::Skip => self.skip(effects),
            Input::Pause(length) => self.pause(length, effects),
            Input::Resume => self.resume(effects),
            Input::WindowClosed { break_id, outcome } => {
                self.window_closed(break_id, outcome, effects)
            }
            Input::WindowPainted { break_id } => self.window_painted(break_id),
            Input::BreakNotShown { break_id } => self.break_not_shown(break_id, effects),
            Input::BreakNotificationClosed {
                break_id,
                closed_by,
            } => self.break_notification_closed(break_id, closed_by, effects),
            Input::UserIdle { idle_for } => self.user_idle(idle_for, effects),
            Input::Interruptions(interruptions) => {
                self.interruptions_changed(interruptions, effects)
            }
            // Handled before catching up, in `handle`.
            Input::ClockJumped { .. } => {}
            Input::ScreenLocked => self.quiet_begins(false, effects),
            Input::ScreenUnlocked => self.quiet_ends(false, effects),
            Input::GoingToSleep => self.quiet_begins(true, effects),
            Input::WokeUp => self.quiet_ends(true, effects),
            Input::WorkingHours(hours) => self.working_hours(hours, effects),
            Input::SettingsChanged(settings) => self.settings_changed(settings, effects),
            Input::RoutinesChanged(routines) => self.routines_changed(routines),
            Input::Quit => self.quit(effects),
        }
    }

    /// Ends the break in progress: a due break's notification is withdrawn and an open stretch
    /// window is closed, and the break is recorded as `if_due` or `if_stretching` says. While
    /// working, a heads-up on screen is withdrawn (no break has a number yet, so nothing is
    /// recorded); while paused there is nothing to end. The phase is left as it is: what comes
    /// next is the caller's decision.
    pub(super) fn end_break_in_progress(
        &self,
        if_due: HowItEnds,
        if_stretching: HowItEnds,
        effects: &mut Effects,
    ) {
        match &self.phase {
            PhaseState::BreakDue { break_id, .. } => {
                effects.push(Effect::WithdrawNotification);
                effects.record(if_due.event(*break_id));
            }
            PhaseState::Stretching { break_id, .. } => {
                effects.push(Effect::CloseWindow {
                    break_id: *break_id,
                });
                effects.record(if_stretching.event(*break_id));
            }
            PhaseState::Working(countdown) if countdown.heads_up_shown => {
                effects.push(Effect::WithdrawNotification);
            }
            PhaseState::Held {
                heads_up_shown: true,
                ..
            } => effects.push(Effect::WithdrawNotification),
            PhaseState::Working(_)
            | PhaseState::Paused { .. }
            | PhaseState::Held { .. }
            | PhaseState::Away { .. }
            | PhaseState::OffHours { .. } => {}
        }
    }

    fn start(&mut self, effects: &mut Effects) {
        match &self.phase {
            PhaseState::BreakDue {
                break_id,
                due_since,
                ..
            } => {
                let (break_id, due_since) = (*break_id, *due_since);
                // The user pressed Start already: the window opens at the stretch itself.
                self.begin_stretching(break_id, due_since, FirstScreen::FirstStep, effects);
            }
            PhaseState::Stretching { .. } => effects.refuse(Refusal::AlreadyStretching),
            _ => effects.refuse(Refusal::NoBreakDue),
        }
    }

    fn activate(&mut self, effects: &mut Effects) {
        match &self.phase {
            PhaseState::BreakDue { .. } => self.start(effects),
            PhaseState::Working(_)
            | PhaseState::Stretching { .. }
            | PhaseState::Paused { .. }
            | PhaseState::Held { .. }
            | PhaseState::Away { .. }
            | PhaseState::OffHours { .. } => effects.push(Effect::ShowStatus),
        }
    }

    fn stretch_now(&mut self, routine: Option<String>, effects: &mut Effects) {
        // A due break is begun as it is; otherwise a new break starts now.
        let due = match &self.phase {
            PhaseState::Stretching { .. } => {
                effects.refuse(Refusal::AlreadyStretching);
                return;
            }
            PhaseState::BreakDue {
                break_id,
                due_since,
                ..
            } => Some((*break_id, *due_since)),
            PhaseState::Working(_)
            | PhaseState::Paused { .. }
            | PhaseState::Held { .. }
            | PhaseState::Away { .. }
            | PhaseState::OffHours { .. } => None,
        };
        if let Some(routine_id) = routine {
            if self.routines.get(&routine_id).is_none() {
                effects.refuse(Refusal::UnknownRoutine);
                return;
            }
            // The user's choice replaces the pick (the shuffle bag keeps its round): this break
            // offers the named routine, left out of the random pick or not.
            self.offer = Some(routine_id);
        }
        match due {
            Some((break_id, due_since)) => {
                self.begin_stretching(break_id, due_since, FirstScreen::Intro, effects);
            }
            None => {
                if self.offer_or_pick().is_none() {
                    effects.refuse(Refusal::NoRoutineFits);
                    return;
                }
                if let PhaseState::Paused { .. } = self.phase {
                    effects.record(HistoryEvent::Resumed);
                }
                let break_id = self.new_break_id();
                self.begin_stretching(break_id, effects.now, FirstScreen::Intro, effects);
            }
        }
    }

    /// Opens the stretch window for break `break_id` at `first_screen`: the first step when the
    /// user chose Start, the intro (with Start, Snooze and Skip) when the window comes by itself
    /// or for stretch-now, where nobody has said yes to this stretch yet.
    fn begin_stretching(
        &mut self,
        break_id: u64,
        due_since: Timestamp,
        first_screen: FirstScreen,
        effects: &mut Effects,
    ) {
        let Some(routine_id) = self.offer_or_pick().map(|offer| offer.routine_id) else {
            effects.refuse(Refusal::NoRoutineFits);
            return;
        };
        let Some(plan) = self.plan_for(break_id, &routine_id) else {
            effects.refuse(Refusal::NoRoutineFits);
            return;
        };
        let plan = plan.opening_at(first_screen);
        effects.push(Effect::WithdrawNotification);
        self.open_or_show(plan, effects);
        effects.record(HistoryEvent::Started {
            break_id,
            routine: Some(routine_id),
        });
        self.phase = PhaseState::Stretching {
            break_id,
            due_since,
            times_out_at: effects.now.plus(STRETCH_TIMEOUT),
            paint_by: Some(effects.now.plus(PAINT_TIMEOUT)),
        };
    }

    fn break_not_shown(&mut self, shown_break_id: u64, effects: &mut Effects) {
        if let PhaseState::BreakDue {
            break_id,
            due_since,
            window_failed: false,
            notification_only: false,
            ..
        } = self.phase
            && break_id == shown_break_id
        {
            self.begin_stretching(break_id, due_since, FirstScreen::Intro, effects);
        }
    }

    fn window_painted(&mut self, painted_break_id: u64) {
        if let PhaseState::Stretching {
            break_id, paint_by, ..
        } = &mut self.phase
            && *break_id == painted_break_id
        {
            *paint_by = None;
        }
    }

    fn snooze(&mut self, length: Option<Duration>, effects: &mut Effects) {
        // The settings cap a snooze; a length asked for directly (the CLI, D-Bus) is held to the
        // same cap, whatever the phase, so the answer names the real mistake.
        if length.is_some_and(|length| length > MAX_SNOOZE) {
            effects.refuse(Refusal::SnoozeTooLong);
            return;
        }
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
        if let PhaseState::Paused { .. } = self.phase {
            effects.refuse(Refusal::NothingToSkipWhilePaused);
            return;
        }
        let skips_the_next_break = matches!(
            self.phase,
            PhaseState::Working(_)
                | PhaseState::Held { .. }
                | PhaseState::Away { .. }
                | PhaseState::OffHours { .. }
        );
        self.end_break_in_progress(HowItEnds::Skipped, HowItEnds::Skipped, effects);
        if skips_the_next_break {
            // "Skip the next break": it gets its number now so history can say it was skipped.
            let break_id = self.new_break_id();
            effects.record(HistoryEvent::Skipped {
                break_id,
                sides: Vec::new(),
            });
        }
        self.start_fresh_interval(effects.now);
    }

    fn pause(&mut self, length: PauseLength, effects: &mut Effects) {
        let until = match pause_end(length, effects.now) {
            Ok(until) => until,
            Err(refusal) => {
                effects.refuse(refusal);
                return;
            }
        };
        // A due break the user pauses over is skipped; a stretch they walk away from is abandoned.
        self.end_break_in_progress(HowItEnds::Skipped, HowItEnds::Abandoned, effects);
        effects.record(HistoryEvent::Paused { until });
        // After a pause the next break gets a freshly picked routine.
        self.offer = None;
        self.phase = PhaseState::Paused { until };
    }

    fn resume(&mut self, effects: &mut Effects) {
        match self.phase {
            PhaseState::Paused { .. } => {
                effects.record(HistoryEvent::Resumed);
                self.start_fresh_interval(effects.now);
            }
            _ => effects.refuse(Refusal::NotPaused),
        }
    }

    fn quit(&mut self, effects: &mut Effects) {
        self.end_break_in_progress(HowItEnds::Abandoned, HowItEnds::Abandoned, effects);
        // At rest: no deadline, so a shell that keeps running after Quit stays quiet.
        self.phase = PhaseState::Paused { until: None };
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
                // A completed routine did each of its sides (none recorded for one without).
                let sides = self
                    .routines
                    .get(&routine)
                    .map(|done| done.sides.clone())
                    .filter(|sides| !sides.is_empty());
                effects.record(HistoryEvent::Completed {
                    break_id,
                    routine,
                    duration_secs,
                    sides,
                });
                self.start_fresh_interval(effects.now);
            }
            Some(WindowOutcome::Snoozed) => {
                if self.snoozes_left() == Some(0) {
                    // The window should not have offered Snooze; the break ends as skipped
                    // rather than dangling.
                    effects.refuse(Refusal::NoSnoozesLeft);
                    effects.record(HistoryEvent::Skipped {
                        break_id,
                        sides: Vec::new(),
                    });
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
            Some(WindowOutcome::Skipped { sides_done }) => {
                // Each side once, in the order done, whatever the window sent.
                let mut sides = Vec::new();
                for side in sides_done {
                    if !sides.contains(&side) {
                        sides.push(side);
                    }
                }
                effects.record(HistoryEvent::Skipped { break_id, sides });
                self.start_fresh_interval(effects.now);
            }
            None => {
                effects.record(HistoryEvent::Abandoned { break_id });
                self.start_fresh_interval(effects.now);
            }
        }
    }

    fn break_notification_closed(
        &mut self,
        closed_break_id: u64,
        closed_by: ClosedBy,
        effects: &mut Effects,
    ) {
        let PhaseState::BreakDue {
            break_id,
            due_since,
            window_failed,
            notification_only,
            ..
        } = self.phase
        else {
            return;
        };
        if break_id != closed_break_id {
            return;
        }
        match closed_by {
            // Closing a reminder means "not now": the closest thing Unhunch has is a snooze.
            ClosedBy::User if self.snoozes_left() != Some(0) => {
                self.snooze(None, effects);
                effects.push(Effect::ExplainClosingSnoozed {
                    snooze: at_least_a_second(self.settings.breaks.snooze),
                });
            }
            // With no snooze left, or a notification that went without the user (expired,
            // closed by a server that keeps nothing for long), the break must still be in front
            // of the user: the stretch window opens, with its own Start, Snooze and Skip.
            // Unless this break's window already failed to paint: it would only be blank again.
            // The break stays due (the tray and status say so) and its reminder comes as usual.
            // Nor after a deferral gave up: the user is still not to be interrupted by a window.
            ClosedBy::User | ClosedBy::Expiry | ClosedBy::Server
                if window_failed || notification_only => {}
            ClosedBy::User | ClosedBy::Expiry | ClosedBy::Server => {
                self.begin_stretching(break_id, due_since, FirstScreen::Intro, effects);
            }
        }
    }

    /// Time away that counts as a break, from working, a due break or a waiting one (the callers
    /// check): a break on screen is withdrawn, and the time away is recorded. What comes next is
    /// the caller's decision.
    pub(super) fn natural_break(&mut self, away: Duration, effects: &mut Effects) {
        self.end_break_in_progress(HowItEnds::Abandoned, HowItEnds::Abandoned, effects);
        effects.record(HistoryEvent::NaturalBreak {
            away_secs: away.as_secs(),
        });
        self.snoozes_used = 0;
        self.offer = None;
    }

    fn settings_changed(&mut self, settings: Settings, effects: &mut Effects) {
        let now = effects.now;
        let interval_changed = settings.breaks.interval != self.settings.breaks.interval;
        let heads_up_changed = settings.breaks.heads_up != self.settings.breaks.heads_up;
        self.settings = settings;
        let offer_still_fits = self
            .offer
            .as_ref()
            .and_then(|id| self.routines.get(id))
            .is_some_and(|routine| routine.fits(self.settings.stretch.place));
        if let PhaseState::Held {
            reason: Waiting::Pause,
            ..
        } = self.phase
            && self.settings.breaks.wait_for_pause.is_none()
        {
            // Waiting for a pause is turned off: the waiting break comes now.
            self.break_becomes_due(effects);
        }
        // A deferral whose check was turned off ends (or goes on for another reason).
        self.reconsider_deferral(effects);
        if let PhaseState::Working(countdown) = &mut self.phase {
            if !offer_still_fits {
                self.offer = None;
            }
            // A snoozed break keeps its promised return time ("Snooze 5 min" means 5 minutes)
            // and never gets a heads-up; only a full interval follows the new settings.
            if countdown.kind == CountdownKind::Interval && (interval_changed || heads_up_changed) {
                let due_before = countdown.due_at;
                if interval_changed {
                    let interval = at_least_a_second(self.settings.breaks.interval);
                    let settled = now.plus(interval.min(SETTLE_AFTER_SETTINGS_CHANGE));
                    countdown.due_at = countdown.started_at.plus(interval).max(settled);
                }
                if countdown.heads_up_shown && countdown.due_at != due_before {
                    // The heads-up on screen names the old time ("Stretch break in 20 s"): it
                    // goes, and a new one comes before the new time.
                    effects.push(Effect::WithdrawNotification);
                    countdown.heads_up_shown = false;
                }
                if !countdown.heads_up_shown {
                    // A heads-up still true (the break has not moved) is not shown twice.
                    countdown.heads_up_at =
                        heads_up_before(countdown.due_at, self.settings.breaks.heads_up, now);
                    countdown.warm_up_at =
                        warm_up_before(countdown.due_at, countdown.heads_up_at, now);
                }
            }
        }
    }

    /// The hours in force now: outside them a break on screen goes (recorded as abandoned) and
    /// nothing comes until they begin; when they begin the countdown starts fresh. A pause the
    /// user asked for stays as it is.
    fn working_hours(&mut self, hours: Option<Hours>, effects: &mut Effects) {
        self.off_until = match hours {
            Some(Hours::Off { until }) => Some(until),
            _ => None,
        };
        match hours {
            Some(Hours::Off { until }) if until > effects.now => match self.phase {
                PhaseState::Paused { .. } => {}
                PhaseState::OffHours { .. } => self.phase = PhaseState::OffHours { until },
                _ => {
                    self.end_break_in_progress(HowItEnds::Abandoned, HowItEnds::Abandoned, effects);
                    self.snoozes_used = 0;
                    self.offer = None;
                    self.phase = PhaseState::OffHours { until };
                }
            },
            _ => {
                if let PhaseState::OffHours { .. } = self.phase {
                    self.start_fresh_interval(effects.now);
                }
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
}
