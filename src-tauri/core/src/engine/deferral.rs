//! What full screen, do-not-disturb and a camera in use do: a break whose time comes while the
//! user must not be interrupted waits (each check has its `defer_for_*` setting), at most
//! `max_wait`, and then comes as a notification only, never the window. Each deferral is recorded.

use crate::history::HistoryEvent;

use super::effects::{Effect, Effects};
use super::{Engine, Interruptions, PhaseState, Waiting};

impl Engine {
    /// Why the user must not be interrupted now, by the checks the settings keep on; `None` when
    /// nothing stands in the way. A camera (a call) is named first, as the strongest reason.
    pub(super) fn deferral_reason(&self) -> Option<Waiting> {
        let breaks = &self.settings.breaks;
        let held = &self.interruptions;
        [
            (breaks.defer_for_camera && held.camera, Waiting::Camera),
            (
                breaks.defer_for_fullscreen && held.full_screen,
                Waiting::FullScreen,
            ),
            (
                breaks.defer_for_do_not_disturb && held.do_not_disturb,
                Waiting::DoNotDisturb,
            ),
        ]
        .into_iter()
        .find_map(|(holds, reason)| holds.then_some(reason))
    }

    /// The break's time has come while `reason` holds: it waits, at most `max_wait`.
    pub(super) fn defer(
        &mut self,
        reason: Waiting,
        due_since: crate::time::Timestamp,
        heads_up_shown: bool,
        effects: &mut Effects,
    ) {
        let gives_up_at = effects.now.plus(self.settings.breaks.max_wait);
        if heads_up_shown {
            // "Stretch break in 30 s" is no longer true, and it is on screen during what the
            // user must not be interrupted in.
            effects.push(Effect::WithdrawNotification);
        }
        self.phase = PhaseState::Held {
            reason,
            due_since,
            gives_up_at: Some(gives_up_at),
            heads_up_shown: false,
        };
        effects.record(HistoryEvent::Deferred { reason });
    }

    /// When the shell should look whether a camera is in use (the look is not free, so it is
    /// taken only then): a moment before a break's time, when the camera check is on. While a
    /// break waits for the camera, the shell looks again at its once-a-minute wake-up.
    pub fn next_camera_check(&self) -> Option<crate::time::Timestamp> {
        match &self.phase {
            PhaseState::Working(countdown) if self.settings.breaks.defer_for_camera => {
                Some(countdown.due_at.minus(super::presence::IDLE_CHECK_LEAD))
            }
            _ => None,
        }
    }

    /// The shell's news about full screen, do-not-disturb and the camera.
    pub(super) fn interruptions_changed(
        &mut self,
        interruptions: Interruptions,
        effects: &mut Effects,
    ) {
        self.interruptions = interruptions;
        self.reconsider_deferral(effects);
    }

    /// A deferred break comes as soon as nothing stands in the way any more; while something
    /// still does, the status names what (the first reason may have ended while another holds).
    pub(super) fn reconsider_deferral(&mut self, effects: &mut Effects) {
        let now_held_by = self.deferral_reason();
        if let PhaseState::Held { reason, .. } = &mut self.phase
            && reason.is_deferral()
        {
            match now_held_by {
                Some(still) => *reason = still,
                None => self.break_becomes_due(effects),
            }
        }
    }
}
