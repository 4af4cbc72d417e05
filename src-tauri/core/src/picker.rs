//! The random but kind pick of the next routine: a seeded shuffle bag.
//!
//! No routine repeats until every eligible routine has come up once. With `focus = "left"` or
//! `"right"`, routines that work one side at a time come first in each round of the bag (the seed
//! article's reason for the seated twist). The same seed gives the same sequence, so tests are
//! deterministic; the shell seeds it from wherever it likes.

use crate::routine::RoutineSet;
use crate::settings::{Focus, PlaceChoice};

#[derive(Debug, Clone)]
pub struct ShuffleBag {
    // private: rng state (a small PRNG written here, e.g. SplitMix64), the ids left in this round,
    // and the last id drawn (so a new round never starts with the previous round's last routine).
}

impl ShuffleBag {
    pub fn new(seed: u64) -> Self {
        let _ = seed;
        todo!()
    }

    /// The id of the next routine to offer, or `None` when no routine fits `place`.
    /// Changing `place`/`focus` or the set between draws starts a new round.
    pub fn draw(&mut self, routines: &RoutineSet, place: PlaceChoice, focus: Focus) -> Option<String> {
        let _ = (routines, place, focus);
        todo!()
    }
}
