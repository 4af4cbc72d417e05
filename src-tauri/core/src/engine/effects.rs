//! What the engine answers: [`Effect`]s as plain data for the shell to carry out, and the
//! collector that gathers them while one input is handled.

use std::time::Duration;

use crate::history::{HistoryEvent, HistoryRecord};
use crate::plan::StretchPlan;
use crate::time::Timestamp;

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Show, or replace, the heads-up notification ("Stretch break in 30 s"). `when_you_pause`:
    /// the break's time has come and it waits for a pause in the user's typing ("Stretch break
    /// when you pause"), so no countdown.
    ShowHeadsUp {
        break_due_at: Timestamp,
        offer: Option<Offer>,
        when_you_pause: bool,
    },
    /// Show, or replace, the break notification. Offer Snooze only when `snoozes_left != Some(0)`.
    /// `window_failed`: this break's stretch window never painted, so the notification offers the
    /// break without it (no Start, and words that say why).
    ShowBreakDue {
        break_id: u64,
        offer: Option<Offer>,
        snoozes_left: Option<u32>,
        snooze: Duration,
        window_failed: bool,
    },
    /// Take down whatever notification is showing.
    WithdrawNotification,
    /// Tell the user that closing the break notification put the break off by `snooze`, so a
    /// close that meant "not now" is not mistaken for a break taken or lost.
    ExplainClosingSnoozed { snooze: Duration },
    /// Show the status (what comes next) in a notification: the user asked with a click.
    ShowStatus,
    /// Start the stretch window process with this plan.
    OpenWindow(StretchPlan),
    /// Start the stretch window process for this plan hidden, while the heads-up is on screen:
    /// its page loads and lays out its first screen, so Start only has to show it. At most one is
    /// prepared at a time, and it is either shown ([`Effect::ShowPreparedWindow`]) or ended
    /// ([`Effect::EndPreparedWindow`]) before its break is over.
    PrepareWindow(StretchPlan),
    /// Show the window prepared for this break: the break starts, as with `OpenWindow`, and its
    /// painted frame is awaited from now ([`crate::engine::PAINT_TIMEOUT`]).
    ShowPreparedWindow { break_id: u64 },
    /// End the hidden window prepared for this break at once: its break is not coming as planned
    /// (snoozed, skipped, paused, locked, put off, or its plan changed), and nothing may be left
    /// running between breaks.
    EndPreparedWindow { break_id: u64 },
    /// Read the stretch window's program and libraries into the disk cache: a break comes within
    /// [`crate::engine::WARM_UP_LEAD`] and no heads-up starts its window ahead, so Start will
    /// start it cold, and a kernel that put those files out of memory since the last break would
    /// make the user wait for the disk. Nothing is started and nothing is shown.
    WarmUpWindow,
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
    /// Stretch now with a routine id that names no routine the engine has (a typo, or a routine
    /// file with a problem, which is left out until it is fixed).
    UnknownRoutine,
    /// Pause until a time that has already come.
    PauseEndsInThePast,
    /// Pause until a time beyond [`Timestamp::LATEST`] (the year 9999), which the history could
    /// not write down and read back.
    PauseEndsBeyondTheHorizon,
    /// Snooze for longer than [`crate::settings::MAX_SNOOZE`], the most a snooze can be.
    SnoozeTooLong,
    /// Skip while paused: no break is coming to skip.
    NothingToSkipWhilePaused,
}

/// Effects collected while handling one input, stamped with its `now`.
pub(super) struct Effects {
    pub(super) now: Timestamp,
    pub(super) list: Vec<Effect>,
}

impl Effects {
    pub(super) fn push(&mut self, effect: Effect) {
        self.list.push(effect);
    }

    pub(super) fn record(&mut self, event: HistoryEvent) {
        self.list.push(Effect::Record(HistoryRecord {
            at: self.now,
            event,
        }));
    }

    pub(super) fn refuse(&mut self, refusal: Refusal) {
        self.list.push(Effect::Refused(refusal));
    }
}

/// Each notification effect replaces whatever is showing, so when catching up and the input
/// itself both touch the notification, only the last one matters. Keeping just that one means a
/// shell never flashes a notification it immediately takes down.
pub(super) fn keep_only_the_last_notification_effect(effects: Vec<Effect>) -> Vec<Effect> {
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
