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
    random: SplitMix64,
    /// The ids still to come in this round, next one last (so drawing is a `pop`).
    round: Vec<String>,
    /// What the round was filled from; a different answer means the round no longer fits.
    round_source: Option<RoundSource>,
    last_drawn: Option<String>,
}

impl ShuffleBag {
    pub fn new(seed: u64) -> Self {
        ShuffleBag {
            random: SplitMix64 { state: seed },
            round: Vec::new(),
            round_source: None,
            last_drawn: None,
        }
    }

    /// The id of the next routine to offer, or `None` when no routine fits `place`.
    /// Changing `place`/`focus` or the set between draws starts a new round.
    pub fn draw(
        &mut self,
        routines: &RoutineSet,
        place: PlaceChoice,
        focus: Focus,
    ) -> Option<String> {
        self.draw_leaving_out(routines, place, focus, &[])
    }

    /// [`ShuffleBag::draw`] that never offers the routines in `leave_out`. Should they be every
    /// routine that fits (the config check refuses that, but the routine files can change under
    /// it), they are offered after all: a break never comes with nothing to show.
    pub fn draw_leaving_out(
        &mut self,
        routines: &RoutineSet,
        place: PlaceChoice,
        focus: Focus,
        leave_out: &[String],
    ) -> Option<String> {
        let mut eligible = routines.pickable(place, leave_out);
        if eligible.is_empty() {
            eligible = routines.eligible(place);
        }
        if eligible.is_empty() {
            return None;
        }
        let source = RoundSource {
            place,
            focus,
            ids: eligible
                .iter()
                .map(|routine| (routine.id.clone(), routine.works_one_side_at_a_time()))
                .collect(),
        };
        if self.round_source.as_ref() != Some(&source) {
            self.round.clear();
            self.round_source = Some(source);
        }
        if self.round.is_empty() {
            self.fill_round();
        }
        let next = self.round.pop()?;
        self.last_drawn = Some(next.clone());
        Some(next)
    }

    /// Forgets the rest of this round, e.g. after the routine files changed. The last routine
    /// drawn is still remembered, so the new round does not start with it.
    pub fn start_new_round(&mut self) {
        self.round.clear();
        self.round_source = None;
    }

    fn fill_round(&mut self) {
        let Some(source) = &self.round_source else {
            return;
        };
        let favour_one_sided = source.focus != Focus::Both;
        let (mut first, mut later): (Vec<String>, Vec<String>) = if favour_one_sided {
            let (one_sided, both_sides): (Vec<_>, Vec<_>) =
                source.ids.iter().partition(|(_, one_sided)| *one_sided);
            (
                one_sided.into_iter().map(|(id, _)| id.clone()).collect(),
                both_sides.into_iter().map(|(id, _)| id.clone()).collect(),
            )
        } else {
            (
                source.ids.iter().map(|(id, _)| id.clone()).collect(),
                Vec::new(),
            )
        };
        self.random.shuffle(&mut first);
        self.random.shuffle(&mut later);
        let mut in_draw_order: Vec<String> = first.into_iter().chain(later).collect();
        // A new round never opens with the routine that closed the last one: swap it with the
        // next one (the favoured group then starts one later, which beats an immediate repeat).
        if in_draw_order.len() > 1 && self.last_drawn.as_ref() == in_draw_order.first() {
            in_draw_order.swap(0, 1);
        }
        in_draw_order.reverse();
        self.round = in_draw_order;
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct RoundSource {
    place: PlaceChoice,
    focus: Focus,
    /// Eligible routine ids with whether each works one side at a time.
    ids: Vec<(String, bool)>,
}

/// SplitMix64: tiny, fast, and good enough to shuffle a dozen stretches. Written here so the core
/// needs no random-number crate.
#[derive(Debug, Clone)]
struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut mixed = self.state;
        mixed = (mixed ^ (mixed >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        mixed = (mixed ^ (mixed >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        mixed ^ (mixed >> 31)
    }

    /// A number in `0..bound`; the modulo bias is negligible for bounds this small.
    fn below(&mut self, bound: usize) -> usize {
        (self.next_u64() % bound as u64) as usize
    }

    /// Fisher-Yates.
    fn shuffle<T>(&mut self, items: &mut [T]) {
        for index in (1..items.len()).rev() {
            let other = self.below(index + 1);
            items.swap(index, other);
        }
    }
}
