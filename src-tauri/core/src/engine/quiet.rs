//! What a locked screen and a sleeping computer do. While either lasts nothing fires (the user
//! cannot see a break, and a sleeping machine cannot show one); when both are over, a lock or
//! sleep of at least `natural_break` is a natural break, a shorter one pauses the countdown for
//! its length, and nothing fires in the first minute after, so waking never brings a burst.

use std::time::Duration;

use crate::time::Timestamp;

use super::effects::Effects;
use super::{Engine, PhaseState};

/// Nothing fires this long after the screen is unlocked or the computer wakes: the user is
/// getting back to what they were doing.
pub const SETTLE_AFTER_RETURN: Duration = Duration::from_secs(60);

/// Input this long after logind said the computer is going to sleep is input on a computer
/// that woke (the moments before a suspend may still see a key).
const INPUT_AFTER_SLEEP: Duration = Duration::from_secs(10);

/// The screen is locked or the computer asleep, since `since`.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Quiet {
    since: Timestamp,
    locked: bool,
    asleep: bool,
}

impl Quiet {
    pub(super) fn locked(&self) -> bool {
        self.locked
    }

    pub(super) fn asleep(&self) -> bool {
        self.asleep
    }
}

impl Engine {
    /// The screen was locked (`locked`) or the computer went to sleep; which one is `asleep`.
    pub(super) fn quiet_begins(&mut self, asleep: bool, effects: &mut Effects) {
        let quiet = self.quiet.get_or_insert(Quiet {
            since: effects.now,
            locked: false,
            asleep: false,
        });
        if asleep {
            quiet.asleep = true;
        } else {
            quiet.locked = true;
        }
    }

    /// The screen was unlocked or the computer woke; when neither lock nor sleep is left, the
    /// time away counts.
    pub(super) fn quiet_ends(&mut self, asleep: bool, effects: &mut Effects) {
        let Some(quiet) = &mut self.quiet else {
            return;
        };
        if asleep {
            quiet.asleep = false;
        } else {
            quiet.locked = false;
        }
        if quiet.locked || quiet.asleep {
            return;
        }
        let since = quiet.since;
        self.quiet = None;
        let now = effects.now;
        let away = now.since(since);
        if away >= self.settings.breaks.natural_break {
            match self.phase {
                PhaseState::Working(_) | PhaseState::BreakDue { .. } | PhaseState::Held { .. } => {
                    self.natural_break(away, effects);
                    self.start_fresh_interval(now);
                    // The idle spell the lock is part of is counted now, not again later.
                    self.mark_spell_counted();
                }
                // Counted already; unlocking is coming back.
                PhaseState::Away { .. } => self.start_fresh_interval(now),
                // A window left open keeps its own time-out; a pause ends when the user said, and
                // time away outside working hours is no break from work.
                PhaseState::Stretching { .. }
                | PhaseState::Paused { .. }
                | PhaseState::OffHours { .. } => {}
            }
        } else {
            // Locked or asleep time is not work: the countdown goes on from where it stood.
            self.shift_deadlines(away, true);
            if let PhaseState::Away { .. } = self.phase {
                self.start_fresh_interval(now);
            }
        }
        self.settle(now);
    }

    /// The user is back from a lock or a sleep at `now` (told by logind, or seen by the
    /// wall-clock jump check): nothing fires in the minute that follows.
    pub(super) fn settle(&mut self, now: Timestamp) {
        let settled = now.plus(SETTLE_AFTER_RETURN);
        self.settle_until = Some(settled);
        if let PhaseState::Held { gives_up_at, .. } = &mut self.phase {
            // A break that waited for the user's return or pause comes after the settling minute.
            *gives_up_at = Some(gives_up_at.map_or(settled, |at| at.max(settled)));
        }
    }

    /// When logind said the computer is going to sleep and the screen is not locked: since then.
    pub(super) fn asleep_unlocked_since(&self) -> Option<Timestamp> {
        self.quiet
            .as_ref()
            .filter(|quiet| quiet.asleep && !quiet.locked)
            .map(|quiet| quiet.since)
    }

    /// A sleep whose wake never came must not hold breaks for ever: user input at `last_input`,
    /// more than [`INPUT_AFTER_SLEEP`] after the sleep began, shows the computer is awake, and
    /// the sleep ends now as if logind had said so.
    pub(super) fn awake_after_all(&mut self, last_input: Timestamp, effects: &mut Effects) {
        if self
            .quiet
            .as_ref()
            .is_some_and(|quiet| quiet.asleep && last_input > quiet.since.plus(INPUT_AFTER_SLEEP))
        {
            self.quiet_ends(true, effects);
        }
    }

    /// Whether `now` is in the minute after an unlock or a wake, when nothing fires.
    pub(super) fn settling(&self, now: Timestamp) -> bool {
        self.settle_until.is_some_and(|until| now < until)
    }
}
