//! The warm start: while the heads-up is on screen, the stretch window of the coming break is
//! started hidden with its plan, so Start only has to show it. The engine keeps the prepared plan
//! and, after every input, checks it against the plan the break would open with now: the moment
//! they differ (the break was snoozed, skipped, paused over, put off, the screen locked, the
//! settings or routines changed it), the hidden window is ended, so nothing is left running
//! between breaks.

use crate::plan::{FirstScreen, StretchPlan};

use super::effects::{Effect, Effects};
use super::{CountdownKind, Engine, PhaseState, Waiting};

impl Engine {
    /// The plan the coming break's window would be opened with now, when a prepared window of it
    /// may be kept: while its heads-up is on screen, and while the break is due after one.
    /// `None` otherwise, and whenever nothing may be shown (locked, asleep, put off).
    fn plan_worth_preparing(&self) -> Option<StretchPlan> {
        if self.quiet.is_some() || self.deferral_reason().is_some() {
            return None;
        }
        let break_id = match &self.phase {
            // A heads-up is on screen: the break gets the next number when it becomes due.
            PhaseState::Working(countdown)
                if countdown.heads_up_shown && countdown.kind == CountdownKind::Interval =>
            {
                self.next_break_id
            }
            PhaseState::Held {
                reason: Waiting::Pause,
                heads_up_shown: true,
                ..
            } => self.next_break_id,
            // Due after a heads-up: the prepared window waits for Start (it is kept, never made,
            // here: without a heads-up there is none).
            PhaseState::BreakDue {
                break_id,
                window_failed: false,
                notification_only: false,
                ..
            } if self.prepared.is_some() => *break_id,
            _ => return None,
        };
        // Prepared for Start, the one way a heads-up's break is begun by the user: a window that
        // comes by itself opens at the intro instead, so it differs and is opened cold.
        self.plan_for(break_id, self.offer.as_deref()?)
            .map(|plan| plan.opening_at(FirstScreen::FirstStep))
    }

    /// The plan of break `break_id` offering `routine_id` first, with the settings and routines
    /// in force now; `None` when the routine is gone.
    pub(super) fn plan_for(&self, break_id: u64, routine_id: &str) -> Option<StretchPlan> {
        let first = self.routines.get(routine_id)?;
        let alternatives = self.alternatives_to(routine_id);
        Some(StretchPlan::new(
            break_id,
            first,
            &alternatives,
            self.snoozes_left(),
            &self.settings,
        ))
    }

    /// After an input: ends a prepared window whose plan is no longer the one its break would
    /// open with, and prepares one while a heads-up is on screen and none is.
    pub(super) fn keep_the_prepared_window_true(&mut self, effects: &mut Effects) {
        let wanted = self.plan_worth_preparing();
        if let Some(prepared) = &self.prepared
            && wanted.as_ref() != Some(prepared)
        {
            effects.push(Effect::EndPreparedWindow {
                break_id: prepared.break_id,
            });
            self.prepared = None;
        }
        let heads_up_on_screen =
            matches!(self.phase, PhaseState::Working(_) | PhaseState::Held { .. });
        if self.prepared.is_none()
            && heads_up_on_screen
            && let Some(plan) = wanted
        {
            effects.push(Effect::PrepareWindow(plan.clone()));
            self.prepared = Some(plan);
        }
    }

    /// The window for `plan` as the break starts: the prepared one shown when it was made for
    /// exactly this plan, else a prepared one of another plan ended and this one opened cold.
    pub(super) fn open_or_show(&mut self, plan: StretchPlan, effects: &mut Effects) {
        match self.prepared.take() {
            Some(prepared) if prepared == plan => effects.push(Effect::ShowPreparedWindow {
                break_id: plan.break_id,
            }),
            Some(prepared) => {
                effects.push(Effect::EndPreparedWindow {
                    break_id: prepared.break_id,
                });
                effects.push(Effect::OpenWindow(plan));
            }
            None => effects.push(Effect::OpenWindow(plan)),
        }
    }

    /// The break whose hidden window is prepared, if one is (for shells and tests to check that
    /// it never outlives its break).
    pub fn prepared_window(&self) -> Option<u64> {
        self.prepared.as_ref().map(|plan| plan.break_id)
    }
}
