//! Whether a window of an equipment item or seats of a session can be booked, with every
//! reason that stands in the way.

use std::fmt;

use chrono::{DateTime, Duration, Utc};
use domain_catalog::{EquipmentTerms, ListingSpec};

use crate::capacity::{free_units, Occupancy};
use crate::hours::OpeningHours;
use crate::ports::{Admission, BookingRecord};
use crate::window::{add_saturating, TimeWindow};

/// A rule that a booking request breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reason {
    StartInPast,
    InsideLeadTime,
    BeyondMaxAdvance,
    EndNotAfterStart,
    BelowMinDuration,
    AboveMaxDuration,
    StartOutsideOpeningHours,
    EndOutsideOpeningHours,
    QuantityBelowOne,
    QuantityAboveItem,
    ListingInactive,
    NotEnoughUnits,
    SessionCancelled,
    SessionStarted,
    BookingClosed,
    ParticipantsBelowOne,
    BelowMinParticipants,
    ParticipantsAboveCapacity,
    NotEnoughSeats,
}

impl Reason {
    /// Every reason, in the order the checks report them.
    pub const ALL: [Reason; 19] = [
        Reason::StartInPast,
        Reason::InsideLeadTime,
        Reason::BeyondMaxAdvance,
        Reason::EndNotAfterStart,
        Reason::BelowMinDuration,
        Reason::AboveMaxDuration,
        Reason::StartOutsideOpeningHours,
        Reason::EndOutsideOpeningHours,
        Reason::QuantityBelowOne,
        Reason::QuantityAboveItem,
        Reason::ListingInactive,
        Reason::NotEnoughUnits,
        Reason::SessionCancelled,
        Reason::SessionStarted,
        Reason::BookingClosed,
        Reason::ParticipantsBelowOne,
        Reason::BelowMinParticipants,
        Reason::ParticipantsAboveCapacity,
        Reason::NotEnoughSeats,
    ];

    /// The machine-readable code, snake_case.
    pub fn code(&self) -> &'static str {
        match self {
            Self::StartInPast => "start_in_past",
            Self::InsideLeadTime => "inside_lead_time",
            Self::BeyondMaxAdvance => "beyond_max_advance",
            Self::EndNotAfterStart => "end_not_after_start",
            Self::BelowMinDuration => "below_min_duration",
            Self::AboveMaxDuration => "above_max_duration",
            Self::StartOutsideOpeningHours => "start_outside_opening_hours",
            Self::EndOutsideOpeningHours => "end_outside_opening_hours",
            Self::QuantityBelowOne => "quantity_below_one",
            Self::QuantityAboveItem => "quantity_above_item",
            Self::ListingInactive => "listing_inactive",
            Self::NotEnoughUnits => "not_enough_units",
            Self::SessionCancelled => "session_cancelled",
            Self::SessionStarted => "session_started",
            Self::BookingClosed => "booking_closed",
            Self::ParticipantsBelowOne => "participants_below_one",
            Self::BelowMinParticipants => "below_min_participants",
            Self::ParticipantsAboveCapacity => "participants_above_capacity",
            Self::NotEnoughSeats => "not_enough_seats",
        }
    }

    /// A sentence for people.
    pub fn message(&self) -> String {
        match self {
            Self::StartInPast => "the start is in the past",
            Self::InsideLeadTime => "the start is too soon: this listing needs more notice",
            Self::BeyondMaxAdvance => {
                "the rental reaches too far ahead: this listing cannot be booked that early"
            }
            Self::EndNotAfterStart => "the end must be after the start",
            Self::BelowMinDuration => "the booking is shorter than this item's minimum duration",
            Self::AboveMaxDuration => "the booking is longer than this item's maximum duration",
            Self::StartOutsideOpeningHours => "pickup (the start) is outside opening hours",
            Self::EndOutsideOpeningHours => "return (the end) is outside opening hours",
            Self::QuantityBelowOne => "the quantity must be at least 1",
            Self::QuantityAboveItem => "the quantity is more than this item has",
            Self::ListingInactive => "this listing is not active",
            Self::NotEnoughUnits => "not enough units are free for that time",
            Self::SessionCancelled => "this session was cancelled",
            Self::SessionStarted => "this session has already started",
            Self::BookingClosed => "booking for this session has closed",
            Self::ParticipantsBelowOne => "there must be at least 1 participant",
            Self::BelowMinParticipants => "fewer participants than this adventure's minimum",
            Self::ParticipantsAboveCapacity => "more participants than this session has seats",
            Self::NotEnoughSeats => "not enough seats are left in this session",
        }
        .to_owned()
    }

    /// Whether this is a capacity conflict (`NotEnoughUnits`, `NotEnoughSeats`): the API
    /// answers 409 for these and 422 for the others.
    pub fn is_capacity(&self) -> bool {
        matches!(self, Self::NotEnoughUnits | Self::NotEnoughSeats)
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// What an equipment item's booking rules need to know about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemRules {
    pub quantity: i64,
    pub min_duration: Option<Duration>,
    pub max_duration: Option<Duration>,
    /// Turnaround time after a return.
    pub buffer: Duration,
    pub lead_time: Duration,
    pub max_advance: Duration,
    pub active: bool,
}

impl ItemRules {
    pub fn from_terms(spec: &ListingSpec, terms: &EquipmentTerms) -> Self {
        Self {
            quantity: terms.quantity,
            min_duration: terms.min_duration_minutes.map(minutes),
            max_duration: terms.max_duration_minutes.map(minutes),
            buffer: minutes(terms.buffer_minutes),
            lead_time: minutes(spec.lead_time_minutes),
            max_advance: days(terms.max_advance_days),
            active: spec.is_active,
        }
    }

    /// The window a booking of `window` occupies: `[start, end + buffer)`.
    pub fn occupied_window(&self, window: &TimeWindow) -> TimeWindow {
        window.extended_by(self.buffer)
    }
}

fn minutes(value: i64) -> Duration {
    Duration::try_minutes(value).unwrap_or(Duration::MAX)
}

fn days(value: i64) -> Duration {
    Duration::try_days(value).unwrap_or(Duration::MAX)
}

fn result(reasons: Vec<Reason>) -> Result<(), Vec<Reason>> {
    if reasons.is_empty() {
        Ok(())
    } else {
        Err(reasons)
    }
}

/// Whether `quantity` units of the item can be booked for `[start, end)` at `now`, given the
/// occupancies of its blocking bookings and blackouts (each already carrying its own buffer).
///
/// Fails with every reason that applies, in the order of [`Reason::ALL`]:
/// - `StartInPast` when `start < now`, else `InsideLeadTime` when `start < now + lead_time`;
/// - `BeyondMaxAdvance` when `start` or `end` is after `now + max_advance` (the horizon bounds
///   the whole rental, not only its pickup);
/// - `EndNotAfterStart` when `end <= start`; then the duration and capacity checks are skipped;
/// - `BelowMinDuration` / `AboveMaxDuration`;
/// - `StartOutsideOpeningHours` / `EndOutsideOpeningHours` (pickup and return);
/// - `QuantityBelowOne` / `QuantityAboveItem`; then the capacity check is skipped (the request
///   is malformed, not in conflict);
/// - `ListingInactive`;
/// - `NotEnoughUnits` when fewer than `quantity` units are free at some instant of
///   `[start, end + buffer)`.
pub fn is_bookable(
    item: &ItemRules,
    hours: &OpeningHours,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    quantity: i64,
    existing: &[Occupancy],
    now: DateTime<Utc>,
) -> Result<(), Vec<Reason>> {
    let mut reasons = Vec::new();
    if start < now {
        reasons.push(Reason::StartInPast);
    } else if start < add_saturating(now, item.lead_time) {
        reasons.push(Reason::InsideLeadTime);
    }
    let horizon = add_saturating(now, item.max_advance);
    if start > horizon || end > horizon {
        reasons.push(Reason::BeyondMaxAdvance);
    }
    let window = TimeWindow::new(start, end).ok();
    match &window {
        None => reasons.push(Reason::EndNotAfterStart),
        Some(window) => {
            let duration = window.duration();
            if item.min_duration.is_some_and(|min| duration < min) {
                reasons.push(Reason::BelowMinDuration);
            }
            if item.max_duration.is_some_and(|max| duration > max) {
                reasons.push(Reason::AboveMaxDuration);
            }
        }
    }
    if !hours.allows_pickup(start) {
        reasons.push(Reason::StartOutsideOpeningHours);
    }
    if !hours.allows_return(end) {
        reasons.push(Reason::EndOutsideOpeningHours);
    }
    let quantity_ok = if quantity < 1 {
        reasons.push(Reason::QuantityBelowOne);
        false
    } else if quantity > item.quantity {
        reasons.push(Reason::QuantityAboveItem);
        false
    } else {
        true
    };
    if !item.active {
        reasons.push(Reason::ListingInactive);
    }
    if let (Some(window), true) = (window, quantity_ok) {
        let occupied = item.occupied_window(&window);
        if free_units(item.quantity, existing, &occupied) < quantity {
            reasons.push(Reason::NotEnoughUnits);
        }
    }
    result(reasons)
}

/// Whether a requested booking still fits when it is approved, judged on the admission read
/// under the lock without the booking itself: enough free units over its whole occupied
/// window, or enough seats left in a session that still runs.
pub fn fits_on_approval(booking: &BookingRecord, admission: &Admission) -> bool {
    match admission {
        Admission::Units { quantity, occupied } => {
            TimeWindow::new(booking.window.start(), booking.occupied_until)
                .is_ok_and(|window| free_units(*quantity, occupied, &window) >= booking.quantity)
        }
        Admission::Seats(session) => session.seats_left() >= booking.quantity,
    }
}

/// What a session's booking rules need to know about it and its offering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRules {
    pub capacity: i64,
    pub cancelled: bool,
    pub start: DateTime<Utc>,
    pub lead_time: Duration,
    pub min_participants: i64,
    pub offering_active: bool,
}

/// Whether `participants` seats of the session can be booked at `now` when `seats_taken`
/// seats are held by blocking bookings.
///
/// Fails with every reason that applies, in the order of [`Reason::ALL`]:
/// - `SessionCancelled`;
/// - `SessionStarted` when `start <= now`, else `BookingClosed` when `start < now + lead_time`;
/// - `ParticipantsBelowOne`, else `BelowMinParticipants`; `ParticipantsAboveCapacity`; after
///   any of these the seat check is skipped (the request is malformed, not in conflict);
/// - `ListingInactive` when the offering is not active;
/// - `NotEnoughSeats` when `capacity − seats_taken < participants`.
pub fn is_session_bookable(
    session: &SessionRules,
    participants: i64,
    seats_taken: i64,
    now: DateTime<Utc>,
) -> Result<(), Vec<Reason>> {
    let mut reasons = Vec::new();
    if session.cancelled {
        reasons.push(Reason::SessionCancelled);
    }
    if session.start <= now {
        reasons.push(Reason::SessionStarted);
    } else if session.start < add_saturating(now, session.lead_time) {
        reasons.push(Reason::BookingClosed);
    }
    let mut participants_ok = true;
    if participants < 1 {
        reasons.push(Reason::ParticipantsBelowOne);
        participants_ok = false;
    } else if participants < session.min_participants {
        reasons.push(Reason::BelowMinParticipants);
        participants_ok = false;
    }
    if participants > session.capacity {
        reasons.push(Reason::ParticipantsAboveCapacity);
        participants_ok = false;
    }
    if !session.offering_active {
        reasons.push(Reason::ListingInactive);
    }
    if participants_ok && session.capacity.saturating_sub(seats_taken) < participants {
        reasons.push(Reason::NotEnoughSeats);
    }
    result(reasons)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hours::WeeklyRule;
    use chrono::TimeZone;
    use chrono_tz::Europe::Berlin;
    use domain_catalog::{ListingInput, ListingKind, ListingTerms};

    fn at(d: u32, h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 6, d, h, m, 0).unwrap()
    }

    /// Monday 2026-06-01, 06:00 UTC.
    fn now() -> DateTime<Utc> {
        at(1, 6, 0)
    }

    fn item() -> ItemRules {
        ItemRules {
            quantity: 1,
            min_duration: None,
            max_duration: None,
            buffer: Duration::zero(),
            lead_time: Duration::zero(),
            max_advance: Duration::days(365),
            active: true,
        }
    }

    fn open() -> OpeningHours {
        OpeningHours::always_open(Berlin)
    }

    fn check(
        item: &ItemRules,
        hours: &OpeningHours,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        quantity: i64,
        existing: &[Occupancy],
    ) -> Vec<Reason> {
        is_bookable(item, hours, start, end, quantity, existing, now())
            .err()
            .unwrap_or_default()
    }

    fn booked(item: &ItemRules, start: DateTime<Utc>, end: DateTime<Utc>, units: i64) -> Occupancy {
        Occupancy::booking(&TimeWindow::new(start, end).unwrap(), item.buffer, units)
    }

    #[test]
    fn every_reason_has_a_distinct_snake_case_code_and_a_message() {
        let mut codes: Vec<_> = Reason::ALL.iter().map(Reason::code).collect();
        for reason in Reason::ALL {
            let code = reason.code();
            assert!(
                code.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                "{code}"
            );
            assert_eq!(reason.to_string(), code);
            assert!(!reason.message().is_empty());
        }
        assert_eq!(Reason::InsideLeadTime.code(), "inside_lead_time");
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), Reason::ALL.len());
    }

    #[test]
    fn only_units_and_seats_are_capacity_reasons() {
        for reason in Reason::ALL {
            assert_eq!(
                reason.is_capacity(),
                matches!(reason, Reason::NotEnoughUnits | Reason::NotEnoughSeats),
                "{reason}"
            );
        }
    }

    #[test]
    fn item_rules_come_from_the_listing_terms() {
        let input = ListingInput {
            category: Some("kayak".into()),
            title: Some("Kayak".into()),
            city: Some("Lagos".into()),
            country: Some("PT".into()),
            currency: Some("EUR".into()),
            pricing_unit: Some("hour".into()),
            unit_price: Some(1_500),
            quantity: Some(4),
            min_duration_minutes: Some(Some(60)),
            max_duration_minutes: Some(Some(480)),
            buffer_minutes: Some(15),
            max_advance_days: Some(90),
            lead_time_minutes: Some(120),
            is_active: Some(false),
            ..ListingInput::default()
        };
        let spec = input
            .parse(
                ListingKind::Equipment,
                domain_accounts::TimeZone::parse("Europe/Lisbon").unwrap(),
            )
            .unwrap();
        let ListingTerms::Equipment(terms) = &spec.terms else {
            panic!("equipment")
        };
        assert_eq!(
            ItemRules::from_terms(&spec, terms),
            ItemRules {
                quantity: 4,
                min_duration: Some(Duration::hours(1)),
                max_duration: Some(Duration::hours(8)),
                buffer: Duration::minutes(15),
                lead_time: Duration::hours(2),
                max_advance: Duration::days(90),
                active: false,
            }
        );
    }

    #[test]
    fn a_plain_request_in_the_future_is_bookable() {
        assert_eq!(
            is_bookable(&item(), &open(), at(2, 9, 0), at(2, 12, 0), 1, &[], now()),
            Ok(())
        );
    }

    #[test]
    fn a_start_in_the_past_is_refused_without_also_blaming_the_lead_time() {
        let item = ItemRules {
            lead_time: Duration::hours(2),
            ..item()
        };
        assert_eq!(
            check(&item, &open(), at(1, 5, 0), at(1, 9, 0), 1, &[]),
            vec![Reason::StartInPast]
        );
    }

    #[test]
    fn a_start_inside_the_lead_time_is_refused() {
        let item = ItemRules {
            lead_time: Duration::hours(2),
            ..item()
        };
        assert_eq!(
            check(&item, &open(), at(1, 7, 59), at(1, 9, 0), 1, &[]),
            vec![Reason::InsideLeadTime]
        );
        assert!(check(&item, &open(), at(1, 8, 0), at(1, 9, 0), 1, &[]).is_empty());
        assert!(check(&item, &open(), now(), at(1, 9, 0), 1, &[]) == vec![Reason::InsideLeadTime]);
    }

    #[test]
    fn a_start_at_now_without_lead_time_is_fine() {
        assert!(check(&item(), &open(), now(), at(1, 9, 0), 1, &[]).is_empty());
    }

    #[test]
    fn a_start_beyond_the_booking_horizon_is_refused() {
        let item = ItemRules {
            max_advance: Duration::days(10),
            ..item()
        };
        assert!(check(&item, &open(), at(11, 3, 0), at(11, 6, 0), 1, &[]).is_empty());
        assert_eq!(
            check(&item, &open(), at(11, 6, 1), at(11, 9, 0), 1, &[]),
            vec![Reason::BeyondMaxAdvance]
        );
    }

    #[test]
    fn an_end_beyond_the_booking_horizon_is_refused_too() {
        let item = ItemRules {
            max_advance: Duration::days(10),
            ..item()
        };
        // A long rental that starts tomorrow but ends after the horizon.
        assert_eq!(
            check(&item, &open(), at(2, 6, 0), at(11, 6, 1), 1, &[]),
            vec![Reason::BeyondMaxAdvance]
        );
        assert!(check(&item, &open(), at(2, 6, 0), at(11, 6, 0), 1, &[]).is_empty());
    }

    #[test]
    fn an_end_not_after_the_start_skips_the_duration_and_capacity_checks() {
        let item = ItemRules {
            min_duration: Some(Duration::hours(1)),
            ..item()
        };
        let full = [booked(&item, at(2, 0, 0), at(3, 0, 0), 1)];
        assert_eq!(
            check(&item, &open(), at(2, 9, 0), at(2, 9, 0), 1, &full),
            vec![Reason::EndNotAfterStart]
        );
        assert_eq!(
            check(&item, &open(), at(2, 9, 0), at(2, 8, 0), 1, &full),
            vec![Reason::EndNotAfterStart]
        );
    }

    #[test]
    fn durations_outside_the_minimum_and_maximum_are_refused() {
        let item = ItemRules {
            min_duration: Some(Duration::hours(2)),
            max_duration: Some(Duration::hours(4)),
            ..item()
        };
        assert_eq!(
            check(&item, &open(), at(2, 9, 0), at(2, 10, 59), 1, &[]),
            vec![Reason::BelowMinDuration]
        );
        assert!(check(&item, &open(), at(2, 9, 0), at(2, 11, 0), 1, &[]).is_empty());
        assert!(check(&item, &open(), at(2, 9, 0), at(2, 13, 0), 1, &[]).is_empty());
        assert_eq!(
            check(&item, &open(), at(2, 9, 0), at(2, 13, 1), 1, &[]),
            vec![Reason::AboveMaxDuration]
        );
    }

    #[test]
    fn pickup_and_return_must_be_within_opening_hours() {
        // Monday to Sunday 08:00–18:00 Berlin = 06:00–16:00 UTC in June.
        let rules = (0..7)
            .map(|d| WeeklyRule::parse(d, "08:00", "18:00").unwrap())
            .collect();
        let hours = OpeningHours::new(Berlin, rules);
        assert!(check(&item(), &hours, at(2, 6, 0), at(2, 16, 0), 1, &[]).is_empty());
        assert_eq!(
            check(&item(), &hours, at(2, 5, 0), at(2, 12, 0), 1, &[]),
            vec![Reason::StartOutsideOpeningHours]
        );
        assert_eq!(
            check(&item(), &hours, at(2, 12, 0), at(2, 17, 0), 1, &[]),
            vec![Reason::EndOutsideOpeningHours]
        );
        assert_eq!(
            check(&item(), &hours, at(2, 4, 0), at(2, 20, 0), 1, &[]),
            vec![
                Reason::StartOutsideOpeningHours,
                Reason::EndOutsideOpeningHours
            ]
        );
        // Overnight rentals are fine when both ends are in opening hours.
        assert!(check(&item(), &hours, at(2, 15, 0), at(3, 7, 0), 1, &[]).is_empty());
    }

    #[test]
    fn quantities_below_one_or_above_the_item_are_refused_without_a_capacity_conflict() {
        let item = ItemRules {
            quantity: 2,
            ..item()
        };
        let busy = [booked(&item, at(2, 0, 0), at(3, 0, 0), 2)];
        assert_eq!(
            check(&item, &open(), at(2, 9, 0), at(2, 10, 0), 0, &busy),
            vec![Reason::QuantityBelowOne]
        );
        assert_eq!(
            check(&item, &open(), at(2, 9, 0), at(2, 10, 0), -3, &[]),
            vec![Reason::QuantityBelowOne]
        );
        assert_eq!(
            check(&item, &open(), at(2, 9, 0), at(2, 10, 0), 3, &busy),
            vec![Reason::QuantityAboveItem]
        );
        assert!(check(&item, &open(), at(4, 9, 0), at(4, 10, 0), 2, &busy).is_empty());
    }

    #[test]
    fn an_inactive_listing_is_refused() {
        let item = ItemRules {
            active: false,
            ..item()
        };
        assert_eq!(
            check(&item, &open(), at(2, 9, 0), at(2, 10, 0), 1, &[]),
            vec![Reason::ListingInactive]
        );
    }

    #[test]
    fn not_enough_free_units_is_a_capacity_conflict() {
        let item = ItemRules {
            quantity: 3,
            ..item()
        };
        let existing = [
            booked(&item, at(2, 9, 0), at(2, 12, 0), 2),
            booked(&item, at(2, 11, 0), at(2, 14, 0), 1),
        ];
        let reasons = check(&item, &open(), at(2, 11, 30), at(2, 11, 45), 1, &existing);
        assert_eq!(reasons, vec![Reason::NotEnoughUnits]);
        assert!(reasons[0].is_capacity());
        assert!(check(&item, &open(), at(2, 12, 0), at(2, 13, 0), 2, &existing).is_empty());
        assert_eq!(
            check(&item, &open(), at(2, 12, 0), at(2, 13, 0), 3, &existing),
            vec![Reason::NotEnoughUnits]
        );
    }

    #[test]
    fn touching_bookings_both_fit_one_unit_without_a_buffer() {
        let item = item();
        let earlier = [booked(&item, at(2, 8, 0), at(2, 10, 0), 1)];
        assert!(check(&item, &open(), at(2, 10, 0), at(2, 12, 0), 1, &earlier).is_empty());
        // And the other way round.
        let later = [booked(&item, at(2, 10, 0), at(2, 12, 0), 1)];
        assert!(check(&item, &open(), at(2, 8, 0), at(2, 10, 0), 1, &later).is_empty());
    }

    #[test]
    fn touching_bookings_conflict_with_a_thirty_minute_buffer_in_either_order() {
        let item = ItemRules {
            buffer: Duration::minutes(30),
            ..item()
        };
        let earlier = [booked(&item, at(2, 8, 0), at(2, 10, 0), 1)];
        assert_eq!(
            check(&item, &open(), at(2, 10, 0), at(2, 12, 0), 1, &earlier),
            vec![Reason::NotEnoughUnits]
        );
        assert!(check(&item, &open(), at(2, 10, 30), at(2, 12, 0), 1, &earlier).is_empty());
        let later = [booked(&item, at(2, 10, 0), at(2, 12, 0), 1)];
        assert_eq!(
            check(&item, &open(), at(2, 8, 0), at(2, 10, 0), 1, &later),
            vec![Reason::NotEnoughUnits]
        );
        assert!(check(&item, &open(), at(2, 8, 0), at(2, 9, 30), 1, &later).is_empty());
    }

    #[test]
    fn a_blackout_takes_its_units() {
        let item = ItemRules {
            quantity: 2,
            ..item()
        };
        let window = TimeWindow::new(at(2, 0, 0), at(3, 0, 0)).unwrap();
        let one = [Occupancy::blackout(&window, 1)];
        assert!(check(&item, &open(), at(2, 9, 0), at(2, 10, 0), 1, &one).is_empty());
        assert_eq!(
            check(&item, &open(), at(2, 9, 0), at(2, 10, 0), 2, &one),
            vec![Reason::NotEnoughUnits]
        );
    }

    #[test]
    fn every_applicable_reason_is_reported_in_a_stable_order() {
        let item = ItemRules {
            quantity: 1,
            min_duration: Some(Duration::hours(2)),
            lead_time: Duration::hours(1),
            max_advance: Duration::hours(1),
            active: false,
            ..item()
        };
        let rules = vec![WeeklyRule::parse(0, "08:00", "09:00").unwrap()];
        let hours = OpeningHours::new(Berlin, rules);
        let busy = [booked(&item, at(3, 0, 0), at(4, 0, 0), 1)];
        assert_eq!(
            check(&item, &hours, at(3, 12, 0), at(3, 13, 0), 1, &busy),
            vec![
                Reason::BeyondMaxAdvance,
                Reason::BelowMinDuration,
                Reason::StartOutsideOpeningHours,
                Reason::EndOutsideOpeningHours,
                Reason::ListingInactive,
                Reason::NotEnoughUnits,
            ]
        );
        let past = check(&item, &hours, at(1, 5, 0), at(1, 5, 0), 2, &busy);
        assert_eq!(
            past,
            vec![
                Reason::StartInPast,
                Reason::EndNotAfterStart,
                Reason::StartOutsideOpeningHours,
                Reason::EndOutsideOpeningHours,
                Reason::QuantityAboveItem,
                Reason::ListingInactive,
            ]
        );
        let order = |r: &Reason| Reason::ALL.iter().position(|x| x == r);
        assert!(past.windows(2).all(|p| order(&p[0]) < order(&p[1])));
    }

    fn session() -> SessionRules {
        SessionRules {
            capacity: 10,
            cancelled: false,
            start: at(5, 9, 0),
            lead_time: Duration::hours(24),
            min_participants: 1,
            offering_active: true,
        }
    }

    fn check_session(session: &SessionRules, participants: i64, taken: i64) -> Vec<Reason> {
        is_session_bookable(session, participants, taken, now())
            .err()
            .unwrap_or_default()
    }

    #[test]
    fn a_session_with_seats_left_is_bookable() {
        assert_eq!(is_session_bookable(&session(), 4, 6, now()), Ok(()));
    }

    #[test]
    fn a_cancelled_session_takes_no_bookings() {
        let s = SessionRules {
            cancelled: true,
            ..session()
        };
        assert_eq!(check_session(&s, 1, 0), vec![Reason::SessionCancelled]);
    }

    #[test]
    fn a_session_that_started_is_closed_without_also_blaming_the_lead_time() {
        let s = SessionRules {
            start: now(),
            ..session()
        };
        assert_eq!(check_session(&s, 1, 0), vec![Reason::SessionStarted]);
        let s = SessionRules {
            start: at(1, 5, 0),
            ..session()
        };
        assert_eq!(check_session(&s, 1, 0), vec![Reason::SessionStarted]);
    }

    #[test]
    fn booking_closes_lead_time_before_the_session() {
        let s = SessionRules {
            start: at(2, 5, 59),
            ..session()
        };
        assert_eq!(check_session(&s, 1, 0), vec![Reason::BookingClosed]);
        let s = SessionRules {
            start: at(2, 6, 0),
            ..session()
        };
        assert!(check_session(&s, 1, 0).is_empty());
    }

    #[test]
    fn participants_must_be_at_least_one() {
        let s = SessionRules {
            min_participants: 2,
            ..session()
        };
        assert_eq!(check_session(&s, 0, 10), vec![Reason::ParticipantsBelowOne]);
    }

    #[test]
    fn participants_must_reach_the_offering_minimum() {
        let s = SessionRules {
            min_participants: 2,
            ..session()
        };
        assert_eq!(check_session(&s, 1, 0), vec![Reason::BelowMinParticipants]);
        assert!(check_session(&s, 2, 0).is_empty());
    }

    #[test]
    fn participants_above_the_capacity_are_malformed_not_a_conflict() {
        assert_eq!(
            check_session(&session(), 11, 5),
            vec![Reason::ParticipantsAboveCapacity]
        );
    }

    #[test]
    fn an_inactive_offering_takes_no_bookings() {
        let s = SessionRules {
            offering_active: false,
            ..session()
        };
        assert_eq!(check_session(&s, 1, 0), vec![Reason::ListingInactive]);
    }

    #[test]
    fn too_few_seats_left_is_a_capacity_conflict() {
        assert_eq!(
            check_session(&session(), 5, 6),
            vec![Reason::NotEnoughSeats]
        );
        assert!(check_session(&session(), 4, 6).is_empty());
        assert_eq!(
            check_session(&session(), 1, 10),
            vec![Reason::NotEnoughSeats]
        );
    }

    #[test]
    fn every_session_reason_is_reported_together() {
        let s = SessionRules {
            cancelled: true,
            start: at(1, 7, 0),
            min_participants: 3,
            offering_active: false,
            capacity: 2,
            ..session()
        };
        assert_eq!(
            check_session(&s, 2, 2),
            vec![
                Reason::SessionCancelled,
                Reason::BookingClosed,
                Reason::BelowMinParticipants,
                Reason::ListingInactive,
            ]
        );
    }
}
