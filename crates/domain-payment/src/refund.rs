//! How much a cancellation gives back (booking-rules.md, "Cancellation and refunds").

use chrono::{DateTime, Duration, Utc};
use domain_booking::Actor;
use domain_catalog::CancellationPolicy;

/// The refund a cancellation gives, with the rule that decided it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundDecision {
    /// Minor units, `0..=paid`.
    pub amount: i64,
    pub reason: String,
}

/// The refund of a paid booking cancelled at `cancelled_at` by `by`. Pure:
///
/// - the vendor, an admin or the system: everything;
/// - the customer, by the listing's policy, where "up to N before the start" includes the
///   instant exactly N before it:
///   - `flexible`: everything up to 24 h before, nothing after;
///   - `moderate`: everything up to 5 days before, 50 % after;
///   - `strict`: 50 % up to 7 days before, nothing after.
///
/// Percentages round down to the minor unit. A negative `paid` refunds nothing.
pub fn refund_for_cancellation(
    policy: CancellationPolicy,
    paid: i64,
    start: DateTime<Utc>,
    cancelled_at: DateTime<Utc>,
    by: Actor,
) -> RefundDecision {
    let paid = paid.max(0);
    if by != Actor::Customer {
        return RefundDecision {
            amount: paid,
            reason: format!("full refund: cancelled by the {by}"),
        };
    }
    let notice = start - cancelled_at;
    let (percent, reason) = match policy {
        CancellationPolicy::Flexible if notice >= Duration::hours(24) => (
            100,
            "full refund: cancelled at least 24 hours before the start",
        ),
        CancellationPolicy::Flexible => (
            0,
            "no refund: cancelled less than 24 hours before the start",
        ),
        CancellationPolicy::Moderate if notice >= Duration::days(5) => (
            100,
            "full refund: cancelled at least 5 days before the start",
        ),
        CancellationPolicy::Moderate => (
            50,
            "50 % refund: cancelled less than 5 days before the start",
        ),
        CancellationPolicy::Strict if notice >= Duration::days(7) => (
            50,
            "50 % refund: cancelled at least 7 days before the start",
        ),
        CancellationPolicy::Strict => (0, "no refund: cancelled less than 7 days before the start"),
    };
    RefundDecision {
        amount: percent_of(paid, percent),
        reason: reason.to_owned(),
    }
}

/// `percent` % of `amount`, rounded down, without overflow.
fn percent_of(amount: i64, percent: i64) -> i64 {
    i64::try_from(i128::from(amount) * i128::from(percent) / 100).unwrap_or(amount)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;
    use CancellationPolicy::{Flexible, Moderate, Strict};

    fn start() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2027, 6, 10, 9, 0, 0).unwrap()
    }

    fn customer(policy: CancellationPolicy, paid: i64, notice: Duration) -> i64 {
        refund_for_cancellation(policy, paid, start(), start() - notice, Actor::Customer).amount
    }

    const SECOND: Duration = Duration::seconds(1);

    #[test]
    fn flexible_refunds_everything_up_to_exactly_24_hours_before() {
        assert_eq!(customer(Flexible, 10_001, Duration::days(30)), 10_001);
        assert_eq!(customer(Flexible, 10_001, Duration::hours(24)), 10_001);
        assert_eq!(customer(Flexible, 10_001, Duration::hours(24) - SECOND), 0);
        assert_eq!(customer(Flexible, 10_001, Duration::zero()), 0);
        assert_eq!(customer(Flexible, 10_001, -Duration::hours(3)), 0);
    }

    #[test]
    fn moderate_refunds_everything_up_to_exactly_5_days_before_then_half_rounded_down() {
        assert_eq!(customer(Moderate, 10_001, Duration::days(5)), 10_001);
        assert_eq!(
            customer(Moderate, 10_001, Duration::days(5) - SECOND),
            5_000
        );
        assert_eq!(customer(Moderate, 10_001, Duration::hours(1)), 5_000);
        assert_eq!(customer(Moderate, 1, Duration::hours(1)), 0);
    }

    #[test]
    fn strict_refunds_half_up_to_exactly_7_days_before_then_nothing() {
        assert_eq!(customer(Strict, 10_001, Duration::days(60)), 5_000);
        assert_eq!(customer(Strict, 10_001, Duration::days(7)), 5_000);
        assert_eq!(customer(Strict, 10_001, Duration::days(7) - SECOND), 0);
    }

    #[test]
    fn vendors_admins_and_the_system_always_refund_everything() {
        for by in [Actor::Vendor, Actor::Admin, Actor::System] {
            for policy in [Flexible, Moderate, Strict] {
                let decision =
                    refund_for_cancellation(policy, 7_777, start(), start() + SECOND, by);
                assert_eq!(decision.amount, 7_777, "{policy:?} by {by}");
                assert!(decision.reason.contains(by.as_str()), "{}", decision.reason);
            }
        }
    }

    #[test]
    fn reasons_name_the_rule() {
        let decision = refund_for_cancellation(
            Strict,
            100,
            start(),
            start() - Duration::days(8),
            Actor::Customer,
        );
        assert_eq!(
            decision.reason,
            "50 % refund: cancelled at least 7 days before the start"
        );
    }

    fn policy() -> impl Strategy<Value = CancellationPolicy> {
        prop_oneof![Just(Flexible), Just(Moderate), Just(Strict)]
    }

    proptest! {
        #[test]
        fn a_refund_is_between_nothing_and_what_was_paid(
            policy in policy(),
            paid in -10i64..i64::MAX / 2,
            notice_minutes in -100_000i64..100_000,
        ) {
            let amount = customer(policy, paid, Duration::minutes(notice_minutes));
            prop_assert!(amount >= 0);
            prop_assert!(amount <= paid.max(0));
        }

        #[test]
        fn cancelling_earlier_never_refunds_less(
            policy in policy(),
            paid in 0i64..10_000_000,
            a in -20_000i64..20_000,
            b in -20_000i64..20_000,
        ) {
            let (earlier, later) = (a.max(b), a.min(b));
            prop_assert!(
                customer(policy, paid, Duration::minutes(earlier))
                    >= customer(policy, paid, Duration::minutes(later))
            );
        }
    }
}
