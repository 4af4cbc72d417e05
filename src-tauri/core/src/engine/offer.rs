//! Which routine a break offers: picked once from the shuffle bag, then kept until the break ends,
//! with the other routines that fit as the window's alternatives.

use crate::routine::Routine;
use crate::settings::Focus;

use super::Engine;
use super::effects::Offer;

impl Engine {
    /// The current offer, picking one from the bag if none is chosen yet.
    pub(super) fn offer_or_pick(&mut self) -> Option<Offer> {
        if self.offer.is_none() {
            self.offer = self.bag.draw_leaving_out(
                &self.routines,
                self.settings.stretch.place,
                self.settings.stretch.focus,
                &self.settings.stretch.leave_out,
            );
        }
        self.offer_details()
    }

    pub(super) fn offer_details(&self) -> Option<Offer> {
        let routine = self.routines.get(self.offer.as_deref()?)?;
        Some(Offer {
            routine_id: routine.id.clone(),
            routine_name: routine.name.clone(),
            estimated: routine.estimated_duration(),
        })
    }

    /// The other routines that fit, one-sided ones first when the user named a side.
    pub(super) fn alternatives_to(&self, routine_id: &str) -> Vec<&Routine> {
        let mut alternatives: Vec<&Routine> = self
            .routines
            .eligible(self.settings.stretch.place)
            .into_iter()
            .filter(|routine| routine.id != routine_id)
            .collect();
        if self.settings.stretch.focus != Focus::Both {
            alternatives.sort_by_key(|routine| !routine.works_one_side_at_a_time());
        }
        alternatives
    }
}
