//! What a routine is once validated: its fields, its steps and sides, and what follows from them
//! (the walk-through screens, the estimated time, where it can be done).

use std::time::Duration;

use crate::settings::PlaceChoice;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Routine {
    pub id: String,
    pub name: String,
    pub area: String,
    pub helps_with: String,
    pub place: Place,
    /// Empty when the routine has no sides; otherwise the order the sides are done in.
    pub sides: Vec<Side>,
    pub illustration: String,
    pub safety: String,
    /// Never empty.
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Place {
    Floor,
    Chair,
    Standing,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    Right,
    Left,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Step {
    /// May contain `{side}` / `{other}` when the routine has sides.
    pub text: String,
    /// Overrides the routine's illustration for this step.
    pub illustration: Option<String>,
    pub hold: Option<Hold>,
    /// How many times the step is done; 1 when the file says nothing.
    pub repeat: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Hold {
    Breaths { count: u32 },
    Seconds { secs: u32 },
}

/// One screen of the guided walk-through: a step with its side filled in.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PlannedStep {
    /// The step text with `{side}`/`{other}` replaced.
    pub text: String,
    pub side: Option<Side>,
    /// True for the left side: the UI mirrors the illustration.
    pub mirrored: bool,
    pub illustration: String,
    pub hold: Option<Hold>,
    pub repeat: u32,
}

impl Routine {
    /// The screens in order: every step once, or every step once per side.
    pub fn walkthrough(&self) -> Vec<PlannedStep> {
        let plan_step = |step: &Step, side: Option<Side>| PlannedStep {
            text: match side {
                Some(side) => step
                    .text
                    .replace("{side}", side.word())
                    .replace("{other}", side.opposite().word()),
                None => step.text.clone(),
            },
            side,
            mirrored: side == Some(Side::Left),
            illustration: step
                .illustration
                .clone()
                .unwrap_or_else(|| self.illustration.clone()),
            hold: step.hold,
            repeat: step.repeat,
        };
        if self.sides.is_empty() {
            self.steps
                .iter()
                .map(|step| plan_step(step, None))
                .collect()
        } else {
            self.sides
                .iter()
                .flat_map(|side| self.steps.iter().map(move |step| (step, *side)))
                .map(|(step, side)| plan_step(step, Some(side)))
                .collect()
        }
    }

    /// Estimated time to do the whole routine at a calm pace (a breath counts as [`BREATH_IN`] and [`BREATH_OUT`], reading a
    /// step as 8 s). Shown as "about 2 min".
    pub fn estimated_duration(&self) -> Duration {
        let one_round: u64 = self
            .steps
            .iter()
            .map(|step| {
                let hold_secs = match step.hold {
                    Some(Hold::Breaths { count }) => u64::from(count) * SECS_PER_BREATH,
                    Some(Hold::Seconds { secs }) => u64::from(secs),
                    None => 0,
                };
                SECS_TO_READ_A_STEP + hold_secs * u64::from(step.repeat)
            })
            .sum();
        // The steps are done once per side (or once when the routine has no sides).
        let rounds = self.sides.len().max(1) as u64;
        Duration::from_secs(one_round * rounds)
    }

    /// Can this routine be done where the user said they can stretch?
    pub fn fits(&self, place: PlaceChoice) -> bool {
        match place {
            PlaceChoice::Any => true,
            PlaceChoice::Chair => matches!(self.place, Place::Chair | Place::Standing),
            PlaceChoice::Floor => self.place == Place::Floor,
        }
    }

    /// Does this routine work one side at a time (so it is favoured when `focus` names a side)?
    pub fn works_one_side_at_a_time(&self) -> bool {
        !self.sides.is_empty()
    }
}

impl Side {
    /// The word used in step text: "right" or "left".
    pub fn word(self) -> &'static str {
        match self {
            Side::Right => "right",
            Side::Left => "left",
        }
    }

    pub fn opposite(self) -> Side {
        match self {
            Side::Right => Side::Left,
            Side::Left => Side::Right,
        }
    }
}

/// One slow breath of the pacer: this long in, then as long out. The stretch window's breathing
/// ring gets it in the plan, and the estimate counts a breath as both, so "about N min" is the
/// time the pacer takes.
pub const BREATH_IN: std::time::Duration = std::time::Duration::from_secs(4);
pub const BREATH_OUT: std::time::Duration = std::time::Duration::from_secs(4);
const SECS_PER_BREATH: u64 = BREATH_IN.as_secs() + BREATH_OUT.as_secs();
const SECS_TO_READ_A_STEP: u64 = 8;
