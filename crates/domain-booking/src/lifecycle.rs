//! The booking state machine: who may do what from which status, holds and payment deadlines.
//!
//! ```text
//! requested --approve--> approved --confirm (payment succeeded / admin)--> confirmed
//! requested --decline--> declined
//! requested|approved|confirmed --cancel--> cancelled
//! requested --hold lapses--> expired        approved --payment deadline lapses--> expired
//! ```

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Duration, Utc};

use crate::window::add_saturating;

/// Where a booking is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BookingStatus {
    Requested,
    Approved,
    Confirmed,
    Declined,
    Cancelled,
    Expired,
}

impl BookingStatus {
    pub const ALL: [BookingStatus; 6] = [
        Self::Requested,
        Self::Approved,
        Self::Confirmed,
        Self::Declined,
        Self::Cancelled,
        Self::Expired,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Requested => "requested",
            Self::Approved => "approved",
            Self::Confirmed => "confirmed",
            Self::Declined => "declined",
            Self::Cancelled => "cancelled",
            Self::Expired => "expired",
        }
    }

    /// The status named in lower case; `None` for anything else.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == raw)
    }

    /// `declined`, `cancelled` and `expired` never change again.
    pub fn is_final(self) -> bool {
        matches!(self, Self::Declined | Self::Cancelled | Self::Expired)
    }
}

impl fmt::Display for BookingStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for BookingStatus {
    type Err = &'static str;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        Self::parse(raw)
            .ok_or("must be one of requested, approved, confirmed, declined, cancelled, expired")
    }
}

/// Who acts on a booking (the caller checks *which* customer or vendor).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Actor {
    Customer,
    Vendor,
    Admin,
    /// The payment webhook or the expiry sweeper.
    System,
}

impl Actor {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Customer => "customer",
            Self::Vendor => "vendor",
            Self::Admin => "admin",
            Self::System => "system",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [Self::Customer, Self::Vendor, Self::Admin, Self::System]
            .into_iter()
            .find(|actor| actor.as_str() == raw)
    }
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What can be done to a booking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Approve,
    Decline,
    Cancel,
    Confirm,
    Expire,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Approve => "approve",
            Self::Decline => "decline",
            Self::Cancel => "cancel",
            Self::Confirm => "confirm",
            Self::Expire => "expire",
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A booking's status with its deadlines: what decides whether it holds capacity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BookingClock {
    pub status: BookingStatus,
    pub hold_expires_at: DateTime<Utc>,
    /// Set on approval; `None` = no deadline.
    pub payment_due_at: Option<DateTime<Utc>>,
}

impl BookingClock {
    /// Whether the booking holds capacity at `now`: a `requested` one before its hold
    /// expires, an `approved` one before its payment deadline (none = always), a `confirmed`
    /// one.
    pub fn is_blocking(&self, now: DateTime<Utc>) -> bool {
        match self.status {
            BookingStatus::Requested => now < self.hold_expires_at,
            BookingStatus::Approved => self.payment_due_at.is_none_or(|due| now < due),
            BookingStatus::Confirmed => true,
            BookingStatus::Declined | BookingStatus::Cancelled | BookingStatus::Expired => false,
        }
    }

    /// Whether the booking should be expired at `now`: a `requested` one whose hold has
    /// passed, or an `approved` one whose payment deadline has passed.
    pub fn is_lapsed(&self, now: DateTime<Utc>) -> bool {
        match self.status {
            BookingStatus::Requested => now >= self.hold_expires_at,
            BookingStatus::Approved => self.payment_due_at.is_some_and(|due| now >= due),
            _ => false,
        }
    }
}

/// Why a transition is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    /// 409 with the current status.
    #[error("a booking that is {0} cannot be changed that way")]
    Illegal(BookingStatus),
    /// 403.
    #[error("this actor may not do that")]
    NotAllowed,
    /// 422.
    #[error("a reason is required")]
    ReasonRequired,
    /// 409: the hold or the payment deadline has passed (the booking is to be expired).
    #[error("the hold has lapsed")]
    Lapsed,
}

/// The status a booking moves to when `actor` does `action` at `now`.
///
/// Checks in this order: the actor's role (`NotAllowed`), then the current status
/// (`Illegal(current)`, always for final statuses), then the reason (`ReasonRequired`), then
/// the deadlines (`Lapsed`).
/// - approve: vendor or admin, from `requested`; a lapsed hold → `Lapsed`;
/// - decline: vendor or admin, from `requested`;
/// - cancel: customer, vendor or admin, from `requested`, `approved` or `confirmed`; a vendor
///   or admin must give a non-blank reason;
/// - confirm: admin or system, from `approved`; a passed payment deadline → `Lapsed` (the
///   booking no longer holds its capacity, so confirming it could over-commit the item);
/// - expire: system, from `requested` or `approved` when [`BookingClock::is_lapsed`], else
///   `Illegal`.
pub fn apply(
    clock: &BookingClock,
    action: Action,
    actor: Actor,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<BookingStatus, TransitionError> {
    use Actor::{Admin, Customer, System, Vendor};
    use BookingStatus::{Approved, Cancelled, Confirmed, Declined, Expired, Requested};

    let current = clock.status;
    let allowed = match action {
        Action::Approve | Action::Decline => matches!(actor, Vendor | Admin),
        Action::Cancel => matches!(actor, Customer | Vendor | Admin),
        Action::Confirm => matches!(actor, Admin | System),
        Action::Expire => matches!(actor, System),
    };
    if !allowed {
        return Err(TransitionError::NotAllowed);
    }
    let illegal = Err(TransitionError::Illegal(current));
    match (action, current) {
        (Action::Approve, Requested) => {
            if clock.is_lapsed(now) {
                Err(TransitionError::Lapsed)
            } else {
                Ok(Approved)
            }
        }
        (Action::Decline, Requested) => Ok(Declined),
        (Action::Cancel, Requested | Approved | Confirmed) => {
            let needs_reason = matches!(actor, Vendor | Admin);
            if needs_reason && reason.is_none_or(|r| r.trim().is_empty()) {
                Err(TransitionError::ReasonRequired)
            } else {
                Ok(Cancelled)
            }
        }
        (Action::Confirm, Approved) => {
            if clock.is_lapsed(now) {
                Err(TransitionError::Lapsed)
            } else {
                Ok(Confirmed)
            }
        }
        (Action::Expire, Requested | Approved) if clock.is_lapsed(now) => Ok(Expired),
        _ => illegal,
    }
}

/// When payment is due after an approval at `approved_at`.
pub fn payment_due(approved_at: DateTime<Utc>, window: Duration) -> DateTime<Utc> {
    add_saturating(approved_at, window)
}

/// When a hold made at `requested_at` expires.
pub fn hold_expires(requested_at: DateTime<Utc>, hold: Duration) -> DateTime<Utc> {
    add_saturating(requested_at, hold)
}

/// Default length of a hold (a setting): 24 h.
pub fn default_hold() -> Duration {
    Duration::hours(24)
}

/// Default time to pay after approval (a setting): 24 h.
pub fn default_payment_window() -> Duration {
    Duration::hours(24)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use Action::*;
    use Actor::*;
    use BookingStatus::*;

    const ACTORS: [Actor; 4] = [Customer, Vendor, Admin, System];
    const ACTIONS: [Action; 5] = [Approve, Decline, Cancel, Confirm, Expire];

    fn at(h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 6, 1, h, 0, 0).unwrap()
    }

    /// A booking requested at 00:00 with a hold until 10:00, due (when approved) at 20:00.
    fn clock(status: BookingStatus) -> BookingClock {
        BookingClock {
            status,
            hold_expires_at: at(10),
            payment_due_at: (status != Requested).then_some(at(20)),
        }
    }

    fn act(
        status: BookingStatus,
        action: Action,
        actor: Actor,
    ) -> Result<BookingStatus, TransitionError> {
        apply(&clock(status), action, actor, Some("weather"), at(5))
    }

    #[test]
    fn statuses_round_trip_through_their_lowercase_names() {
        for status in BookingStatus::ALL {
            assert_eq!(BookingStatus::parse(status.as_str()), Some(status));
            assert_eq!(status.as_str().parse::<BookingStatus>(), Ok(status));
            assert_eq!(status.to_string(), status.as_str());
        }
        assert_eq!(BookingStatus::parse("Requested"), None);
        assert!("pending".parse::<BookingStatus>().is_err());
    }

    #[test]
    fn declined_cancelled_and_expired_are_final() {
        let finals: Vec<_> = BookingStatus::ALL
            .into_iter()
            .filter(|s| s.is_final())
            .collect();
        assert_eq!(finals, vec![Declined, Cancelled, Expired]);
    }

    #[test]
    fn actors_and_actions_have_lowercase_names() {
        let names: Vec<_> = ACTORS.iter().map(|a| a.as_str()).collect();
        assert_eq!(names, ["customer", "vendor", "admin", "system"]);
        for actor in ACTORS {
            assert_eq!(Actor::parse(actor.as_str()), Some(actor));
            assert_eq!(actor.to_string(), actor.as_str());
        }
        assert_eq!(Actor::parse("robot"), None);
        let names: Vec<_> = ACTIONS.iter().map(|a| a.to_string()).collect();
        assert_eq!(names, ["approve", "decline", "cancel", "confirm", "expire"]);
    }

    #[test]
    fn a_requested_booking_blocks_until_its_hold_expires() {
        let c = clock(Requested);
        assert!(c.is_blocking(at(9)));
        assert!(!c.is_lapsed(at(9)));
        assert!(!c.is_blocking(at(10)));
        assert!(c.is_lapsed(at(10)));
    }

    #[test]
    fn an_approved_booking_blocks_until_its_payment_deadline() {
        let c = clock(Approved);
        assert!(c.is_blocking(at(19)));
        assert!(!c.is_lapsed(at(19)));
        assert!(!c.is_blocking(at(20)));
        assert!(c.is_lapsed(at(20)));
        // The hold no longer matters once approved.
        assert!(c.is_blocking(at(12)));
    }

    #[test]
    fn an_approved_booking_without_a_deadline_blocks_for_ever() {
        let c = BookingClock {
            payment_due_at: None,
            ..clock(Approved)
        };
        assert!(c.is_blocking(at(23)));
        assert!(!c.is_lapsed(at(23)));
    }

    #[test]
    fn confirmed_bookings_block_and_final_ones_do_not() {
        assert!(clock(Confirmed).is_blocking(at(23)));
        assert!(!clock(Confirmed).is_lapsed(at(23)));
        for status in [Declined, Cancelled, Expired] {
            assert!(!clock(status).is_blocking(at(1)), "{status}");
            assert!(!clock(status).is_lapsed(at(23)), "{status}");
        }
    }

    #[test]
    fn the_vendor_or_an_admin_approves_a_requested_booking() {
        assert_eq!(act(Requested, Approve, Vendor), Ok(Approved));
        assert_eq!(act(Requested, Approve, Admin), Ok(Approved));
    }

    #[test]
    fn customers_and_the_system_may_not_approve_or_decline() {
        for action in [Approve, Decline] {
            for actor in [Customer, System] {
                assert_eq!(
                    act(Requested, action, actor),
                    Err(TransitionError::NotAllowed)
                );
            }
        }
    }

    #[test]
    fn approving_a_lapsed_hold_fails() {
        let c = clock(Requested);
        assert_eq!(
            apply(&c, Approve, Vendor, None, at(10)),
            Err(TransitionError::Lapsed)
        );
    }

    #[test]
    fn only_a_requested_booking_can_be_approved_or_declined() {
        for action in [Approve, Decline] {
            for status in [Approved, Confirmed, Declined, Cancelled, Expired] {
                assert_eq!(
                    act(status, action, Vendor),
                    Err(TransitionError::Illegal(status)),
                    "{action} {status}"
                );
            }
        }
    }

    #[test]
    fn the_vendor_or_an_admin_declines_a_requested_booking() {
        assert_eq!(act(Requested, Decline, Vendor), Ok(Declined));
        assert_eq!(act(Requested, Decline, Admin), Ok(Declined));
        assert_eq!(
            apply(&clock(Requested), Decline, Vendor, None, at(5)),
            Ok(Declined),
            "no reason needed"
        );
    }

    #[test]
    fn the_customer_cancels_without_a_reason() {
        for status in [Requested, Approved, Confirmed] {
            assert_eq!(
                apply(&clock(status), Cancel, Customer, None, at(5)),
                Ok(Cancelled)
            );
        }
    }

    #[test]
    fn the_vendor_and_an_admin_cancel_only_with_a_reason() {
        for actor in [Vendor, Admin] {
            for status in [Requested, Approved, Confirmed] {
                assert_eq!(act(status, Cancel, actor), Ok(Cancelled));
                for blank in [None, Some(""), Some("   ")] {
                    assert_eq!(
                        apply(&clock(status), Cancel, actor, blank, at(5)),
                        Err(TransitionError::ReasonRequired),
                        "{actor} {status} {blank:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn the_system_may_not_cancel() {
        assert_eq!(
            act(Confirmed, Cancel, System),
            Err(TransitionError::NotAllowed)
        );
    }

    #[test]
    fn a_final_booking_cannot_be_cancelled_again() {
        for status in [Declined, Cancelled, Expired] {
            for actor in [Customer, Vendor, Admin] {
                assert_eq!(
                    act(status, Cancel, actor),
                    Err(TransitionError::Illegal(status))
                );
            }
            // The status conflict wins over a missing reason.
            assert_eq!(
                apply(&clock(status), Cancel, Vendor, None, at(5)),
                Err(TransitionError::Illegal(status))
            );
        }
    }

    #[test]
    fn a_lapsed_but_unswept_hold_can_still_be_cancelled_or_declined() {
        assert_eq!(
            apply(&clock(Requested), Cancel, Customer, None, at(11)),
            Ok(Cancelled)
        );
        assert_eq!(
            apply(&clock(Requested), Decline, Vendor, None, at(11)),
            Ok(Declined)
        );
    }

    #[test]
    fn payment_or_an_admin_confirms_an_approved_booking() {
        assert_eq!(act(Approved, Confirm, System), Ok(Confirmed));
        assert_eq!(act(Approved, Confirm, Admin), Ok(Confirmed));
        for actor in [Customer, Vendor] {
            assert_eq!(
                act(Approved, Confirm, actor),
                Err(TransitionError::NotAllowed)
            );
        }
    }

    #[test]
    fn only_an_approved_booking_can_be_confirmed() {
        for status in [Requested, Confirmed, Declined, Cancelled, Expired] {
            assert_eq!(
                act(status, Confirm, System),
                Err(TransitionError::Illegal(status))
            );
        }
    }

    #[test]
    fn confirming_after_the_payment_deadline_fails_as_lapsed() {
        assert_eq!(
            apply(&clock(Approved), Confirm, System, None, at(20)),
            Err(TransitionError::Lapsed)
        );
    }

    #[test]
    fn the_system_expires_a_lapsed_hold_or_payment_deadline() {
        assert_eq!(
            apply(&clock(Requested), Expire, System, None, at(10)),
            Ok(Expired)
        );
        assert_eq!(
            apply(&clock(Approved), Expire, System, None, at(20)),
            Ok(Expired)
        );
    }

    #[test]
    fn nothing_that_has_not_lapsed_can_be_expired() {
        assert_eq!(
            apply(&clock(Requested), Expire, System, None, at(9)),
            Err(TransitionError::Illegal(Requested))
        );
        assert_eq!(
            apply(&clock(Approved), Expire, System, None, at(19)),
            Err(TransitionError::Illegal(Approved))
        );
        for status in [Confirmed, Declined, Cancelled, Expired] {
            assert_eq!(
                apply(&clock(status), Expire, System, None, at(23)),
                Err(TransitionError::Illegal(status))
            );
        }
    }

    #[test]
    fn only_the_system_expires() {
        for actor in [Customer, Vendor, Admin] {
            assert_eq!(
                apply(&clock(Requested), Expire, actor, None, at(11)),
                Err(TransitionError::NotAllowed)
            );
        }
    }

    #[test]
    fn final_statuses_refuse_every_action_from_every_allowed_actor() {
        for status in [Declined, Cancelled, Expired] {
            for action in ACTIONS {
                for actor in ACTORS {
                    let got = apply(&clock(status), action, actor, Some("r"), at(23));
                    assert!(
                        got == Err(TransitionError::Illegal(status))
                            || got == Err(TransitionError::NotAllowed),
                        "{status} {action} {actor}: {got:?}"
                    );
                    assert!(got.is_err());
                }
            }
        }
    }

    #[test]
    fn the_transition_table_is_exactly_the_documented_one() {
        // (from, action, actor) → to, with a reason and before any deadline.
        let legal = [
            (Requested, Approve, Vendor, Approved),
            (Requested, Approve, Admin, Approved),
            (Requested, Decline, Vendor, Declined),
            (Requested, Decline, Admin, Declined),
            (Requested, Cancel, Customer, Cancelled),
            (Requested, Cancel, Vendor, Cancelled),
            (Requested, Cancel, Admin, Cancelled),
            (Approved, Cancel, Customer, Cancelled),
            (Approved, Cancel, Vendor, Cancelled),
            (Approved, Cancel, Admin, Cancelled),
            (Approved, Confirm, Admin, Confirmed),
            (Approved, Confirm, System, Confirmed),
            (Confirmed, Cancel, Customer, Cancelled),
            (Confirmed, Cancel, Vendor, Cancelled),
            (Confirmed, Cancel, Admin, Cancelled),
        ];
        for status in BookingStatus::ALL {
            for action in ACTIONS {
                for actor in ACTORS {
                    let expected = legal
                        .iter()
                        .find(|(f, a, r, _)| (*f, *a, *r) == (status, action, actor))
                        .map(|l| l.3);
                    assert_eq!(
                        act(status, action, actor).ok(),
                        expected,
                        "{status} {action} {actor}"
                    );
                }
            }
        }
    }

    #[test]
    fn errors_read_as_sentences() {
        assert_eq!(
            TransitionError::Illegal(Cancelled).to_string(),
            "a booking that is cancelled cannot be changed that way"
        );
        assert_eq!(
            TransitionError::NotAllowed.to_string(),
            "this actor may not do that"
        );
        assert_eq!(
            TransitionError::ReasonRequired.to_string(),
            "a reason is required"
        );
        assert_eq!(TransitionError::Lapsed.to_string(), "the hold has lapsed");
    }

    #[test]
    fn payment_is_due_the_window_after_approval() {
        assert_eq!(
            payment_due(at(5), Duration::hours(24)),
            at(5) + Duration::hours(24)
        );
        assert_eq!(
            payment_due(DateTime::<Utc>::MAX_UTC, Duration::hours(1)),
            DateTime::<Utc>::MAX_UTC
        );
        assert_eq!(
            hold_expires(at(5), default_hold()),
            at(5) + Duration::hours(24)
        );
        assert_eq!(default_payment_window(), Duration::hours(24));
    }
}
