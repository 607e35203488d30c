//! Payment and refund records and the rules of their statuses.

use std::fmt;

use chrono::{DateTime, Utc};
use domain_core::Money;

/// Where a payment stands. A status only moves forward: `pending` → `failed` (the customer
/// may still retry the same intent with another card) → `succeeded` or `canceled`, both final.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PaymentStatus {
    /// The PaymentIntent exists and waits for the customer.
    Pending,
    /// The last attempt failed; the intent can still succeed.
    Failed,
    Succeeded,
    Canceled,
}

impl PaymentStatus {
    pub const ALL: [Self; 4] = [Self::Pending, Self::Failed, Self::Succeeded, Self::Canceled];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Failed => "failed",
            Self::Succeeded => "succeeded",
            Self::Canceled => "canceled",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == raw)
    }

    fn rank(self) -> u8 {
        match self {
            Self::Pending => 0,
            Self::Failed => 1,
            Self::Succeeded | Self::Canceled => 2,
        }
    }

    /// Whether an event may move a payment from `self` to `next`. Repeats and anything
    /// backwards (a late `payment_failed` after `succeeded`) are refused.
    pub fn can_move_to(self, next: Self) -> bool {
        next.rank() > self.rank()
    }
}

impl fmt::Display for PaymentStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a refund stands: `pending` → `succeeded` or `failed`, both final.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RefundStatus {
    Pending,
    Succeeded,
    Failed,
}

impl RefundStatus {
    pub const ALL: [Self; 3] = [Self::Pending, Self::Succeeded, Self::Failed];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == raw)
    }

    /// Only `pending` moves, and only to a final status.
    pub fn can_move_to(self, next: Self) -> bool {
        self == Self::Pending && next != Self::Pending
    }
}

impl fmt::Display for RefundStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a refund was made. At most one refund of each kind exists per booking: the kind is
/// part of the idempotency key, so retries never refund twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RefundKind {
    /// A paid booking was cancelled; the amount follows the cancellation policy.
    Cancellation,
    /// The payment succeeded after the booking was cancelled or expired: everything goes back.
    LatePayment,
}

impl RefundKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Cancellation => "cancellation",
            Self::LatePayment => "late_payment",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [Self::Cancellation, Self::LatePayment]
            .into_iter()
            .find(|kind| kind.as_str() == raw)
    }

    /// The key sent to the gateway with the refund, derived from the booking.
    pub fn idempotency_key(self, booking_id: &str) -> String {
        format!("watertrek-refund-{}-{booking_id}", self.as_str())
    }
}

/// The payment of one booking (one per booking).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentRecord {
    pub id: String,
    pub booking_id: String,
    /// `dev` or `stripe`.
    pub provider: String,
    pub intent_id: String,
    /// The booking's snapshot total.
    pub amount: Money,
    pub status: PaymentStatus,
    /// The gateway's message for the last failed attempt.
    pub failure_message: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A payment to store once the gateway created its intent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPayment {
    pub booking_id: String,
    pub provider: String,
    pub intent_id: String,
    pub amount: Money,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundRecord {
    pub id: String,
    pub payment_id: String,
    pub booking_id: String,
    /// Set once the gateway accepted the refund.
    pub provider_refund_id: Option<String>,
    pub amount: Money,
    pub status: RefundStatus,
    pub kind: RefundKind,
    /// A sentence for people: which rule gave this amount.
    pub reason: String,
    pub idempotency_key: String,
    pub failure_message: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A refund decided by the domain, stored `pending` before the gateway is asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRefund {
    pub amount: Money,
    pub kind: RefundKind,
    pub reason: String,
}

/// A payment with its refunds, as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentDetails {
    pub payment: PaymentRecord,
    /// Oldest first.
    pub refunds: Vec<RefundRecord>,
}

impl PaymentDetails {
    /// What has gone back to the customer or is on its way (failed refunds excluded).
    pub fn refunded(&self) -> Money {
        Money::new(
            self.refunds
                .iter()
                .filter(|refund| refund.status != RefundStatus::Failed)
                .map(|refund| refund.amount.amount)
                .sum(),
            self.payment.amount.currency,
        )
    }
}

/// A verified webhook event as stored: the provider's event id is unique, so an event is
/// processed once whatever number of times it arrives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookEvent {
    pub event_id: String,
    pub event_type: String,
    /// The raw body, as signed.
    pub payload: String,
    pub received_at: DateTime<Utc>,
    pub processed_at: DateTime<Utc>,
    /// What processing did, in words (`confirmed booking …`, `refused: amount mismatch …`).
    pub outcome: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain_core::Currency;

    #[test]
    fn payment_statuses_only_move_forward() {
        use PaymentStatus::*;
        assert!(Pending.can_move_to(Failed));
        assert!(Pending.can_move_to(Succeeded));
        assert!(Failed.can_move_to(Succeeded));
        assert!(Failed.can_move_to(Canceled));
        for status in PaymentStatus::ALL {
            assert!(!status.can_move_to(status), "{status} repeated");
            assert!(!Succeeded.can_move_to(status), "succeeded → {status}");
            assert!(!Canceled.can_move_to(status), "canceled → {status}");
            assert!(!status.can_move_to(Pending), "{status} → pending");
        }
        assert_eq!(PaymentStatus::parse("succeeded"), Some(Succeeded));
        assert_eq!(PaymentStatus::parse("paid"), None);
    }

    #[test]
    fn refund_statuses_only_move_from_pending() {
        use RefundStatus::*;
        assert!(Pending.can_move_to(Succeeded));
        assert!(Pending.can_move_to(Failed));
        assert!(!Pending.can_move_to(Pending));
        assert!(!Succeeded.can_move_to(Failed));
        assert!(!Failed.can_move_to(Succeeded));
    }

    #[test]
    fn refund_keys_are_derived_from_the_booking_and_kind() {
        assert_eq!(
            RefundKind::Cancellation.idempotency_key("b1"),
            "watertrek-refund-cancellation-b1"
        );
        assert_ne!(
            RefundKind::Cancellation.idempotency_key("b1"),
            RefundKind::LatePayment.idempotency_key("b1")
        );
        assert_eq!(
            RefundKind::parse("late_payment"),
            Some(RefundKind::LatePayment)
        );
    }

    #[test]
    fn refunded_counts_pending_and_succeeded_but_not_failed_refunds() {
        let eur = Currency::parse("EUR").unwrap();
        let at = DateTime::<Utc>::UNIX_EPOCH;
        let refund = |amount, status| RefundRecord {
            id: format!("r{amount}"),
            payment_id: "p".into(),
            booking_id: "b".into(),
            provider_refund_id: None,
            amount: Money::new(amount, eur),
            status,
            kind: RefundKind::Cancellation,
            reason: String::new(),
            idempotency_key: String::new(),
            failure_message: None,
            created_at: at,
            updated_at: at,
        };
        let details = PaymentDetails {
            payment: PaymentRecord {
                id: "p".into(),
                booking_id: "b".into(),
                provider: "dev".into(),
                intent_id: "pi".into(),
                amount: Money::new(10_000, eur),
                status: PaymentStatus::Succeeded,
                failure_message: None,
                created_at: at,
                updated_at: at,
            },
            refunds: vec![
                refund(100, RefundStatus::Succeeded),
                refund(20, RefundStatus::Pending),
                refund(4000, RefundStatus::Failed),
            ],
        };
        assert_eq!(details.refunded(), Money::new(120, eur));
    }
}
