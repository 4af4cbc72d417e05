//! Routines: stretches as data. A routine file's TOML is parsed into a raw form, then validated
//! into a [`Routine`] that cannot hold nonsense (non-empty steps, known place, sane holds).
//!
//! File format (see `routines/*.toml` and the README's "Writing a routine"):
//! ```toml
//! id = "seated-twist"                 # lowercase letters, digits and '-'; unique
//! name = "Seated Twist"
//! area = "mid back"
//! helps_with = "One line: what it eases."
//! place = "floor"                     # floor | chair | standing
//! sides = ["right", "left"]           # optional: run all steps once per side, in this order
//! illustration = "seated-twist"       # default picture for steps: ui/illustrations/<name>.svg
//! safety = "One line: when to stop."
//!
//! [[steps]]
//! text = "Turn towards your {side} ..."  # {side} and {other} are filled in per side
//! illustration = "seated-twist-turn"     # optional, overrides the routine's picture
//! hold = "5 breaths"                     # optional: "<n> breaths" or a duration like "20s"
//! repeat = 3                             # optional, 1..=20
//! ```

use std::time::Duration;

use crate::problem::Problem;
use crate::settings::{Focus, PlaceChoice};

/// The routines shipped with Unhunch, embedded at build time: `(file name, text)`.
/// `tests/core/tidy.rs` checks that every `routines/*.toml` is listed here.
pub const BUILTIN_ROUTINES: &[(&str, &str)] = &[
    // Filled as routines/*.toml files are added, e.g.
    // ("cat-cow.toml", include_str!("../../../routines/cat-cow.toml")),
];

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
    /// Parses and validates one routine file. `file` is only used in messages.
    pub fn parse(file: &str, text: &str) -> Result<Routine, Vec<Problem>> {
        let _ = (file, text);
        todo!()
    }

    /// The screens in order: every step once, or every step once per side.
    pub fn walkthrough(&self) -> Vec<PlannedStep> {
        todo!()
    }

    /// Estimated time to do the whole routine at a calm pace (a breath counts as 5 s, reading a
    /// step as 8 s). Shown as "about 2 min".
    pub fn estimated_duration(&self) -> Duration {
        todo!()
    }

    /// Can this routine be done where the user said they can stretch?
    pub fn fits(&self, place: PlaceChoice) -> bool {
        let _ = place;
        todo!()
    }

    /// Does this routine work one side at a time (so it is favoured when `focus` names a side)?
    pub fn works_one_side_at_a_time(&self) -> bool {
        !self.sides.is_empty()
    }
}

/// A set of routines with unique ids, built from the embedded ones plus the user's own.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoutineSet {
    routines: Vec<Routine>,
}

impl RoutineSet {
    /// The built-in routines. Panics only if a shipped file is invalid, which the test suite
    /// rules out.
    pub fn builtin() -> RoutineSet {
        todo!()
    }

    /// Adds or replaces (same id) routines from the user's files. Each broken file becomes its
    /// problems and is left out; the others still load. Files are `(display path, text)`.
    pub fn with_user_files(self, files: &[(String, String)]) -> (RoutineSet, Vec<Problem>) {
        let _ = files;
        todo!()
    }

    pub fn get(&self, id: &str) -> Option<&Routine> {
        self.routines.iter().find(|routine| routine.id == id)
    }

    pub fn all(&self) -> &[Routine] {
        &self.routines
    }

    /// Routines that fit `place`, in id order.
    pub fn eligible(&self, place: PlaceChoice) -> Vec<&Routine> {
        let _ = place;
        todo!()
    }

    /// Is there a routine that favours `focus`? Used by the picker.
    pub fn has_one_sided(&self, focus: Focus) -> bool {
        let _ = focus;
        todo!()
    }
}
