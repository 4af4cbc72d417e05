//! What the user's time away from keyboard and pointer does. Every idle measurement the shell
//! sends updates what the engine knows; a spell of at least `natural_break` anywhere in the
//! interval is a natural break, and the next interval begins when the user comes back. A break
//! whose time comes while the user is typing waits for their first pause (`wait_for_pause`, at
//! most `max_wait`); one whose time comes while they are away waits for their return.

use std::time::Duration;

use crate::time::Timestamp;

use super::effects::{Effect, Effects};
use super::{Engine, PhaseState, Waiting};

/// Two measurements whose last inputs are this close belong to one idle spell: some sources count
/// idle time in whole seconds, and a measurement takes a moment to arrive.
const SAME_SPELL: Duration = Duration::from_secs(2);

/// A measurement at most this old tells whether the user is at the keyboard when a break's time
/// comes (the shell measures [`IDLE_CHECK_LEAD`] before); an older one tells nothing, and the
/// break comes by the clock.
const FRESH: Duration = Duration::from_secs(10);

/// Idle for at least this share of `natural_break` (a minute of the default three) when a break's
/// time comes: the user is away, not pausing, and the break waits for them instead of talking to
/// an empty chair.
const AWAY_SHARE_OF_NATURAL_BREAK: u32 = 3;

/// How long before a break's time the engine wants a fresh measurement.
pub(super) const IDLE_CHECK_LEAD: Duration = Duration::from_secs(2);
/// How often the idle time is looked at while logind says the computer sleeps (see
/// `awake_after_all`).
const LOOK_WHILE_ASLEEP: Duration = Duration::from_secs(60);

/// What the latest idle measurement said.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Presence {
    /// When it was taken.
    measured_at: Timestamp,
    /// The user's last input it reported: where the current idle spell began.
    last_input: Timestamp,
    /// This spell already counted as a natural break (it is counted once, however long it lasts).
    counted: bool,
}

impl Engine {
    /// An idle measurement: at `effects.now` the user's last input was `idle_for` ago.
    pub(super) fn user_idle(&mut self, idle_for: Duration, effects: &mut Effects) {
        let now = effects.now;
        let last_input = now.minus(idle_for);
        let previous = self.presence.take();
        let came_back = previous
            .as_ref()
            .is_some_and(|spell| last_input > spell.last_input.plus(SAME_SPELL));
        self.presence = Some(match previous {
            Some(spell) if !came_back => Presence {
                measured_at: now,
                ..spell
            },
            _ => Presence {
                measured_at: now,
                last_input,
                counted: false,
            },
        });
        // A sleeping computer takes no input: input well after the sleep began means the wake
        // was missed (a lost signal, logind restarted), and the sleep ends now.
        self.awake_after_all(last_input, effects);
        if self.quiet.is_some() {
            // Locked or asleep: the unlock or the wake decides what the time away was.
            return;
        }
        if came_back {
            self.user_came_back(last_input, effects);
        }
        let Some(spell) = self.presence.clone() else {
            return;
        };
        let idle = now.since(spell.last_input);
        if !spell.counted && idle >= self.settings.breaks.natural_break {
            if let PhaseState::Working(_) | PhaseState::BreakDue { .. } | PhaseState::Held { .. } =
                self.phase
            {
                self.natural_break(idle, effects);
                self.phase = PhaseState::Away {
                    since: spell.last_input,
                };
                self.mark_spell_counted();
            }
            return;
        }
        if let PhaseState::Held {
            reason: Waiting::Pause,
            ..
        } = self.phase
            && self.is_a_pause(idle)
            && !self.settling(now)
        {
            self.break_becomes_due(effects);
        }
    }

    /// The user is back (their latest input was at `at`): a break waiting for them comes now,
    /// and after a natural break the next interval starts from their return.
    fn user_came_back(&mut self, at: Timestamp, effects: &mut Effects) {
        match self.phase {
            // In the minute after an unlock or a wake, the break waits for its settled time.
            PhaseState::Held {
                reason: Waiting::Return,
                ..
            } if !self.settling(effects.now) => self.break_becomes_due(effects),
            PhaseState::Away { .. } => self.start_fresh_interval(at),
            _ => {}
        }
    }

    /// The break's time has come (the countdown ran out): it becomes due now, unless the user
    /// must not be interrupted (it is deferred, see `deferral`), or the latest measurement says the user is typing (it waits for their pause) or away (it waits for them).
    pub(super) fn break_time_comes(
        &mut self,
        due_since: Timestamp,
        heads_up_shown: bool,
        effects: &mut Effects,
    ) {
        if let Some(reason) = self.deferral_reason() {
            self.defer(reason, due_since, heads_up_shown, effects);
            return;
        }
        let now = effects.now;
        let idle = self
            .presence
            .as_ref()
            .filter(|spell| now.since(spell.measured_at) <= FRESH)
            .map(|spell| now.since(spell.last_input));
        let away_after = self.settings.breaks.natural_break / AWAY_SHARE_OF_NATURAL_BREAK;
        match idle {
            Some(idle) if idle >= away_after => {
                self.phase = PhaseState::Held {
                    reason: Waiting::Return,
                    due_since,
                    gives_up_at: None,
                    heads_up_shown,
                };
            }
            Some(idle) if !self.is_a_pause(idle) => {
                let mut heads_up_shown = heads_up_shown;
                if self.settings.breaks.heads_up.is_some() {
                    let offer = self.offer_or_pick();
                    effects.push(Effect::ShowHeadsUp {
                        break_due_at: due_since,
                        offer,
                        when_you_pause: true,
                    });
                    heads_up_shown = true;
                }
                self.phase = PhaseState::Held {
                    reason: Waiting::Pause,
                    due_since,
                    gives_up_at: Some(now.plus(self.settings.breaks.max_wait.max(SAME_SPELL))),
                    heads_up_shown,
                };
            }
            _ => self.break_becomes_due(effects),
        }
    }

    /// Whether no input for `idle` is the pause a waiting break looks for.
    fn is_a_pause(&self, idle: Duration) -> bool {
        self.settings
            .breaks
            .wait_for_pause
            .is_none_or(|pause| idle >= pause)
    }

    /// The spell under way counted as a natural break already (time away, or a long sleep).
    pub(super) fn mark_spell_counted(&mut self) {
        if let Some(spell) = &mut self.presence {
            spell.counted = true;
        }
    }

    /// When the engine next wants to know how long the user has been idle: a moment before a
    /// break's time, when the spell under way would reach `natural_break`, and, while a break
    /// waits for a pause, when the pause would be long enough. Never at or before the latest
    /// measurement, so a shell that measures at this time cannot spin. The user's return is not
    /// in it: the shell notices that by itself (a signal, or its once-a-minute look).
    pub fn next_idle_check(&self) -> Option<Timestamp> {
        if let Some(since) = self.asleep_unlocked_since() {
            // Asleep by logind's word, and the screen not locked: a look a minute, which costs
            // nothing while the computer really sleeps and finds the user if the wake was missed.
            let last_look = self
                .presence
                .as_ref()
                .map_or(since, |spell| spell.measured_at);
            return Some(since.max(last_look).plus(LOOK_WHILE_ASLEEP));
        }
        if self.quiet.is_some() {
            return None;
        }
        let spell = self.presence.as_ref();
        let spell_reaches_natural_break = spell
            .filter(|spell| !spell.counted && spell.measured_at > spell.last_input)
            .map(|spell| spell.last_input.plus(self.settings.breaks.natural_break));
        let (for_the_phase, for_the_spell) = match &self.phase {
            PhaseState::Working(countdown) => (
                Some(countdown.due_at.minus(IDLE_CHECK_LEAD)),
                spell_reaches_natural_break,
            ),
            PhaseState::Held {
                reason: Waiting::Pause,
                ..
            } => (
                spell
                    .zip(self.settings.breaks.wait_for_pause)
                    .map(|(spell, pause)| spell.last_input.plus(pause)),
                spell_reaches_natural_break,
            ),
            PhaseState::BreakDue { .. } | PhaseState::Held { .. } => {
                (None, spell_reaches_natural_break)
            }
            PhaseState::Stretching { .. }
            | PhaseState::Paused { .. }
            | PhaseState::Away { .. }
            | PhaseState::OffHours { .. } => (None, None),
        };
        [for_the_phase, for_the_spell]
            .into_iter()
            .flatten()
            .filter(|at| spell.is_none_or(|spell| *at > spell.measured_at))
            .min()
    }
}
