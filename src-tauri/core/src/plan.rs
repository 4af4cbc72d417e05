//! The contract between the daemon and the stretch window process.
//!
//! The daemon starts `unhunch-window --plan-contract 2 --plan-on-stdin` and writes a [`StretchPlan`]
//! as one JSON line on its stdin, which it then keeps open until the window exits (its end means
//! the daemon is gone); the window prints [`WindowReport`]s to its stdout, one JSON object a line. A
//! window that exits without an `outcome` line was closed early: the daemon records the break as
//! abandoned.
//!
//! The contract has a number, [`PLAN_CONTRACT`], given twice: as `--plan-contract N` on the command
//! line, which a window from before the numbers (Unhunch 0.1.0, contract 1) refuses as an unknown
//! argument before it shows anything, and as the plan's `contract` field, so a plan says what it
//! is. A window that gets another number shows nothing: it prints
//! [`WindowReport::OtherContract`], says why on stderr, and exits with [`EXIT_OTHER_CONTRACT`]. The
//! daemon turns that, and an old window's refusal, into a notification saying which program is
//! which version and what to do, with the stretch as text, so a break is never lost or blank.
//! The number changes only when the plan or the reports change in a way the other side cannot
//! read, never with the version alone: a daemon and window of different versions but one contract
//! work together (as after an upgrade while Unhunch runs).
//!
//! A field added within a contract carries a default, so a window reads the plan of an older
//! daemon of the same contract (it gets the old behaviour), and an older window reads a newer
//! plan (serde skips the field it does not know, and it shows what it always showed). That is
//! why [`StretchPlan::first_screen`] came without a new number: both sides still understand
//! each other, one of them only less well.

use std::time::Duration;

use crate::duration::{about, spoken, written};
use crate::routine::{BREATH_IN, BREATH_OUT, PlannedStep, Routine};
use crate::settings::Settings;

/// The number of the daemon↔window contract this build speaks. 1 was Unhunch 0.1.0's, which had no
/// number; 2 added the number itself.
pub const PLAN_CONTRACT: u32 = 2;

/// The command-line option that carries the contract number: `--plan-contract 2`.
pub const PLAN_CONTRACT_OPTION: &str = "--plan-contract";

/// The exit status of a window that refused a plan of another contract (2 is a plan it could not
/// read, 1 a window that could not start).
pub const EXIT_OTHER_CONTRACT: i32 = 3;

/// What the window needs to walk the user through a break. Self-contained: the window reads no file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StretchPlan {
    /// The engine's break number; echoed back so a stale window cannot end a newer break.
    pub break_id: u64,
    /// The routine offered first.
    pub routine: RoutineView,
    /// Other eligible routines, in the order "Another stretch" offers them.
    pub alternatives: Vec<RoutineView>,
    /// How many snoozes are left: `Some(0)` hides Snooze, `None` means unlimited.
    pub snoozes_left: Option<u32>,
    /// Snooze length in seconds, for the button label ("Snooze 5 min").
    pub snooze_secs: u64,
    /// Seconds from the end of this break to the next one (the interval).
    pub interval_secs: u64,
    pub auto_advance: bool,
    /// The contract the plan is written in, [`PLAN_CONTRACT`] for every plan this build makes. Last
    /// on purpose: a window reads it before the rest, wherever it is, and the fields before it
    /// keep the places they had in contract 1; fields added within contract 2 come after it.
    pub contract: u32,
    /// The screen the window opens at: the first step when the user already chose Start (on the
    /// notification or the tray), the intro with Start, Snooze and Skip when the window came by
    /// itself or for `stretch-now`. Added within contract 2: an older daemon's plan opens at the
    /// intro, as every window did.
    #[serde(default)]
    pub first_screen: FirstScreen,
    /// The words and numbers the page shows, made by the core so the tray, the notifications
    /// and the window write them one way (boxed: an effect carries the plan, and stays small). Added within contract 2: `None` from an older daemon,
    /// and the window fills them in ([`StretchPlan::with_words`]) before the page sees the plan.
    #[serde(default)]
    pub words: Option<Box<PlanWords>>,
    /// Play a soft tone at the end of each hold and of the stretch (`[stretch] sound`). The
    /// window makes it; the daemon never plays anything. Added within contract 2: off when absent.
    #[serde(default)]
    pub sound: bool,
}

/// What the window shows that the core words: durations and the pacer's breath.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PlanWords {
    /// One breath of the pacer, in and out, in milliseconds.
    pub breath_in_ms: u64,
    pub breath_out_ms: u64,
    /// The snooze length as the tray and the notification write it: "1 min 30 s".
    pub snooze: String,
    /// The same for a screen reader: "1 minute 30 seconds".
    pub snooze_spoken: String,
    /// The interval to the next break: "25 min".
    pub interval: String,
    /// Each offered routine's estimate ("2 min", for "About 2 min"), by routine id.
    pub estimates: std::collections::BTreeMap<String, String>,
}

/// Where the stretch window begins (see [`StretchPlan::first_screen`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FirstScreen {
    /// The stretch's name, what it helps, its safety line, and Start, Snooze and Skip.
    #[default]
    Intro,
    /// The routine's first step, with its name and safety line kept on screen.
    FirstStep,
}

/// A routine ready to show: the walk-through already expanded per side.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RoutineView {
    pub id: String,
    pub name: String,
    pub area: String,
    pub helps_with: String,
    pub place: crate::routine::Place,
    pub safety: String,
    pub estimated_secs: u64,
    pub steps: Vec<PlannedStep>,
}

impl RoutineView {
    pub fn of(routine: &Routine) -> RoutineView {
        RoutineView {
            id: routine.id.clone(),
            name: routine.name.clone(),
            area: routine.area.clone(),
            helps_with: routine.helps_with.clone(),
            place: routine.place,
            safety: routine.safety.clone(),
            estimated_secs: routine.estimated_duration().as_secs(),
            steps: routine.walkthrough(),
        }
    }
}

impl StretchPlan {
    /// Builds the plan for break `break_id` offering `first`, with the other eligible routines as
    /// alternatives.
    pub fn new(
        break_id: u64,
        first: &Routine,
        alternatives: &[&Routine],
        snoozes_left: Option<u32>,
        settings: &Settings,
    ) -> StretchPlan {
        StretchPlan {
            break_id,
            routine: RoutineView::of(first),
            // The offered routine is never its own alternative, even if the caller listed it.
            alternatives: alternatives
                .iter()
                .filter(|alternative| alternative.id != first.id)
                .map(|alternative| RoutineView::of(alternative))
                .collect(),
            snoozes_left,
            snooze_secs: settings.breaks.snooze.as_secs(),
            interval_secs: settings.breaks.interval.as_secs(),
            auto_advance: settings.stretch.auto_advance,
            contract: PLAN_CONTRACT,
            first_screen: FirstScreen::Intro,
            words: None,
            sound: settings.stretch.sound,
        }
        .with_words()
    }

    /// The plan with its [`PlanWords`], made from its numbers when it has none (a plan from a
    /// daemon that sent none).
    pub fn with_words(mut self) -> StretchPlan {
        if self.words.is_none() {
            let seconds = |secs: u64| Duration::from_secs(secs);
            self.words = Some(Box::new(PlanWords {
                breath_in_ms: BREATH_IN.as_millis() as u64,
                breath_out_ms: BREATH_OUT.as_millis() as u64,
                snooze: written(seconds(self.snooze_secs)),
                snooze_spoken: spoken(seconds(self.snooze_secs)),
                interval: written(seconds(self.interval_secs)),
                estimates: std::iter::once(&self.routine)
                    .chain(&self.alternatives)
                    .map(|routine| (routine.id.clone(), about(seconds(routine.estimated_secs))))
                    .collect(),
            }));
        }
        self
    }

    /// The same plan, opening at `first_screen`.
    pub fn opening_at(self, first_screen: FirstScreen) -> StretchPlan {
        StretchPlan {
            first_screen,
            ..self
        }
    }
}

/// One line the window prints on stdout.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum WindowReport {
    /// The first frame was painted; `at` is the window's wall clock (for the benchmark).
    Painted {
        break_id: u64,
        at: crate::time::Timestamp,
    },
    /// The user ended the break from the window. Sent once: for Snooze and Skip just before the
    /// window closes, for a completed break as its finish screen appears. It counts when it is
    /// received, whatever happens to the window afterwards.
    Outcome {
        break_id: u64,
        outcome: WindowOutcome,
    },
    /// The window was started for a plan of another contract and shows nothing: the daemon said
    /// (or sent) `daemon_contract`, the window speaks `window_contract`. Printed before it exits
    /// with [`EXIT_OTHER_CONTRACT`]; a daemon from before contract numbers ignores the line and
    /// reads the sentence on stderr instead.
    OtherContract {
        daemon_contract: u32,
        window_contract: u32,
        window_version: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum WindowOutcome {
    Completed {
        routine: String,
        duration_secs: u64,
    },
    Snoozed,
    /// Skip, with the sides the user had already stretched when they skipped (every step of that
    /// side passed), so the balance of sides counts what was done. A window of contract 2 from
    /// before this field says none.
    Skipped {
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        sides_done: Vec<crate::routine::Side>,
    },
}
