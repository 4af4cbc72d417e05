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
//!
//! The folder, by job: `model` what a routine is, `parse` how a file becomes one (or its
//! problems), `set` the routines in use, `builtin` the ones shipped with Unhunch, and
//! `illustrations` the names of the pictures a routine may use.

mod builtin;
mod illustrations;
mod model;
mod parse;
mod set;

pub use builtin::BUILTIN_ROUTINES;
pub use illustrations::ILLUSTRATIONS;
pub use model::{BREATH_IN, BREATH_OUT, Hold, Place, PlannedStep, Routine, Side, Step};
pub use set::{RoutineSet, is_same_id};
