//! Storage the payment use cases need. Every method is one transaction.

use chrono::{DateTime, Utc};
use domain_booking::{Actor, BookingRecord, BookingStatus};
use domain_catalog::CancellationPolicy;
use domain_core::StoreError;

use crate::events::ParsedEvent;
use crate::model::{
    NewPayment, NewRefund, PaymentDetails, PaymentRecord, PaymentStatus, RefundRecord, RefundStatus,
};

/// What `create` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaymentCreated {
    Created(PaymentRecord),
    /// The booking has a payment already (a concurrent request made it): that one stands.
    Existing(PaymentRecord),
    /// The booking left `approved` meanwhile.
    BookingNot(BookingStatus),
}

/// What the store found for an event, read inside the event's transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventContext {
    /// A PaymentIntent event: the payment with that intent id, and its booking.
    Intent {
        payment: Option<PaymentRecord>,
        booking: Option<Box<BookingRecord>>,
    },
    /// A refund event: the refund it names (by this server's id or the provider's).
    Refund(Option<RefundRecord>),
    /// An event this server does not act on.
    Other,
}

/// A booking transition the payment webhook causes (by the system).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BookingChange {
    /// `approved` → `confirmed`: paid in time.
    Confirm,
    /// `approved` → `expired`: paid after the payment deadline, when the units were no longer
    /// held.
    Expire,
}

impl BookingChange {
    pub fn to(self) -> BookingStatus {
        match self {
            Self::Confirm => BookingStatus::Confirmed,
            Self::Expire => BookingStatus::Expired,
        }
    }

    pub fn reason(self) -> &'static str {
        match self {
            Self::Confirm => "payment succeeded",
            Self::Expire => "payment deadline passed",
        }
    }
}

/// What processing an event does, decided by [`crate::decide_event`] and applied by the store
/// together with storing the event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Store the event; change nothing else.
    Ignore(String),
    /// Store the event; change nothing; the caller logs it (amount, currency or booking
    /// mismatch).
    Refuse(String),
    Payment {
        payment_id: String,
        status: PaymentStatus,
        failure_message: Option<String>,
        booking: Option<BookingChange>,
        /// A refund of everything, for a payment that arrived after the booking ended.
        refund: Option<NewRefund>,
        outcome: String,
    },
    Refund {
        refund_id: String,
        provider_refund_id: String,
        /// `None` when the status does not move (the event only tells the provider's id).
        status: Option<RefundStatus>,
        failure_reason: Option<String>,
        outcome: String,
    },
}

impl Effect {
    pub fn outcome(&self) -> &str {
        match self {
            Self::Ignore(outcome) | Self::Refuse(outcome) => outcome,
            Self::Payment { outcome, .. } | Self::Refund { outcome, .. } => outcome,
        }
    }
}

/// What `process_event` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Processed {
    /// The event id was stored before: nothing happened this time.
    Duplicate,
    /// Stored with its effect applied.
    Applied(Effect),
}

/// A paid booking that was cancelled and whose refund has not been decided yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CancelledPayment {
    pub booking: BookingRecord,
    pub payment: PaymentRecord,
    pub policy: CancellationPolicy,
    pub cancelled_by: Actor,
    pub cancelled_at: DateTime<Utc>,
}

/// A pending refund the gateway has not accepted yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundToIssue {
    pub refund: RefundRecord,
    pub intent_id: String,
}

/// The gateway's answer to a refund request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundIssued {
    pub provider_refund_id: Option<String>,
    pub status: RefundStatus,
    pub failure_message: Option<String>,
}

/// The decision function of `process_event`.
pub type DecideEvent<'a> = &'a (dyn Fn(&EventContext) -> Effect + Sync);
/// The decision function of `settle_cancellations`: the refund to make, if any.
pub type DecideRefund<'a> = &'a (dyn Fn(&CancelledPayment) -> Option<NewRefund> + Sync);

#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait PaymentRepository: Send + Sync {
    fn find(&self, payment_id: &str) -> Result<Option<PaymentRecord>, StoreError>;

    /// The booking's payment with its refunds.
    fn find_for_booking(&self, booking_id: &str) -> Result<Option<PaymentDetails>, StoreError>;

    /// Stores the payment of a booking that is still `approved` (one per booking).
    fn create(&self, new: &NewPayment) -> Result<PaymentCreated, StoreError>;

    /// In one transaction: stores `event` (its id is unique; a repeat → `Duplicate`, nothing
    /// else happens), loads the [`EventContext`] it names under the booking's lock, asks
    /// `decide`, and applies the effect: the payment status (only forward), the booking
    /// transition with its event, a refund record, or a refund status.
    fn process_event<'a>(
        &self,
        event: &ParsedEvent,
        payload: &str,
        now: DateTime<Utc>,
        decide: DecideEvent<'a>,
    ) -> Result<Processed, StoreError>;

    /// For up to `limit` cancelled bookings with a succeeded payment whose refund was not
    /// decided yet (only `booking_id` when given): claims each once (safe when several
    /// processes run it), asks `decide` and stores the refund it gives as `pending`. Returns
    /// how many it settled.
    fn settle_cancellations<'a>(
        &self,
        booking_id: Option<&'a str>,
        limit: i64,
        now: DateTime<Utc>,
        decide: DecideRefund<'a>,
    ) -> Result<usize, StoreError>;

    /// Pending refunds the gateway has not accepted yet, oldest first.
    // mockall needs the lifetime of a reference inside an Option named.
    #[allow(clippy::needless_lifetimes)]
    fn refunds_to_issue<'a>(
        &self,
        booking_id: Option<&'a str>,
        limit: i64,
    ) -> Result<Vec<RefundToIssue>, StoreError>;

    /// Records the gateway's answer; a status only moves forward.
    fn record_refund(
        &self,
        refund_id: &str,
        issued: &RefundIssued,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
}
