//! What the booking rules and prices need from a listing, built in one place for quotes and
//! booking requests alike, with the shape checks both make on the requested amounts.

use chrono::{DateTime, Duration, Utc};
use domain_catalog::{Listing, ListingTerms};
use domain_core::ValidationErrors;

use crate::hours::{OpeningHours, WeeklyRule};
use crate::ports::{Session, SessionStatus};
use crate::quote::Pricing;
use crate::rules::{ItemRules, SessionRules};
use crate::window::TimeWindow;

/// An equipment listing's rules (with its public state), opening hours and prices.
#[derive(Debug, Clone)]
pub struct ItemTerms {
    pub rules: ItemRules,
    pub hours: OpeningHours,
    pub pricing: Pricing,
}

impl ItemTerms {
    /// `None` when the listing is not equipment.
    pub fn of(listing: &Listing, weekly: Vec<WeeklyRule>) -> Option<Self> {
        let ListingTerms::Equipment(terms) = &listing.spec.terms else {
            return None;
        };
        let mut rules = ItemRules::from_terms(&listing.spec, terms);
        rules.active = listing.is_public();
        Some(Self {
            rules,
            hours: OpeningHours::new(listing.spec.timezone.tz(), weekly),
            pricing: Pricing::from_spec(&listing.spec)?,
        })
    }
}

impl SessionRules {
    /// The rules of `session` (as read now, with its capacity and status) of the adventure
    /// `listing`; `None` when the listing is not an adventure.
    pub fn of(session: &Session, listing: &Listing) -> Option<Self> {
        let ListingTerms::Adventure(terms) = &listing.spec.terms else {
            return None;
        };
        Some(Self {
            capacity: session.capacity,
            cancelled: session.status == SessionStatus::Cancelled,
            start: session.window.start(),
            lead_time: Duration::minutes(listing.spec.lead_time_minutes),
            min_participants: terms.min_participants,
            offering_active: listing.is_public(),
        })
    }
}

/// The window of an item request, adding what is wrong to `errors`: `end` must be after
/// `start` and `quantity` at least 1.
pub fn requested_window(
    errors: &mut ValidationErrors,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    quantity: i64,
) -> Option<TimeWindow> {
    let window = errors.check(
        "end",
        TimeWindow::new(start, end).map_err(|_| "must be after start"),
    );
    if quantity < 1 {
        errors.add("quantity", "must be at least 1");
    }
    window
}

/// Adds to `errors` when fewer than one participant is asked for.
pub fn check_participants(errors: &mut ValidationErrors, participants: i64) {
    if participants < 1 {
        errors.add("participants", "must be at least 1");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_request_needs_end_after_start_and_a_positive_quantity() {
        let at = |h| Utc.with_ymd_and_hms(2027, 5, 3, h, 0, 0).unwrap();
        let mut errors = ValidationErrors::new();
        assert!(requested_window(&mut errors, at(9), at(11), 1).is_some());
        assert!(errors.is_empty());
        assert!(requested_window(&mut errors, at(11), at(11), 0).is_none());
        let fields: Vec<&str> = errors.fields().map(|(field, _)| field).collect();
        assert_eq!(fields, ["end", "quantity"]);
        let mut errors = ValidationErrors::new();
        check_participants(&mut errors, 0);
        assert!(errors.get("participants").is_some());
    }
}
