//! The `PaymentGateway` port: what this server asks of a card processor.

use std::fmt;

use domain_core::Money;

use crate::model::RefundStatus;

/// A PaymentIntent to create for a booking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntentRequest {
    pub amount: Money,
    pub booking_id: String,
    /// Sent as the `Idempotency-Key` header: a retry returns the intent made the first time.
    pub idempotency_key: String,
}

/// A PaymentIntent as the gateway reports it. `Debug` leaves the client secret out.
#[derive(Clone, PartialEq, Eq)]
pub struct GatewayIntent {
    pub id: String,
    /// Handed to the customer's client to confirm the payment; never logged or stored.
    pub client_secret: String,
    pub amount: Money,
    /// The gateway's own status word (`requires_payment_method`, `succeeded`, …).
    pub status: String,
}

impl fmt::Debug for GatewayIntent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GatewayIntent")
            .field("id", &self.id)
            .field("client_secret", &"<redacted>")
            .field("amount", &self.amount)
            .field("status", &self.status)
            .finish()
    }
}

/// A refund to create against a PaymentIntent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundRequest {
    pub intent_id: String,
    pub amount: Money,
    /// This server's refund id, sent as metadata so refund events find the record.
    pub refund_id: String,
    pub idempotency_key: String,
}

/// A refund as the gateway reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewayRefund {
    pub id: String,
    pub status: RefundStatus,
    pub failure_reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GatewayError {
    /// The gateway refused the request as such (bad parameters, a declined card, an
    /// idempotency key reused with other parameters). Retrying the same request cannot help.
    #[error("the payment provider refused the request: {0}")]
    Refused(String),
    /// No such object at the gateway.
    #[error("the payment provider does not know {0}")]
    NotFound(String),
    /// The gateway could not be reached or failed (network error, timeout, 5xx, rate limit),
    /// after retries. Retrying later with the same idempotency key is safe.
    #[error("the payment provider is unavailable: {0}")]
    Unavailable(String),
    /// Our credentials were refused: a configuration error.
    #[error("the payment provider refused our credentials")]
    Unauthorized,
}

/// A card processor. Calls block (the adapter runs them off the async runtime); each creating
/// call carries an idempotency key so that a retry never creates a second object.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait PaymentGateway: Send + Sync {
    /// `dev` or `stripe`: stored with each payment.
    fn provider(&self) -> &'static str;

    fn create_intent(&self, request: &IntentRequest) -> Result<GatewayIntent, GatewayError>;

    fn retrieve_intent(&self, intent_id: &str) -> Result<GatewayIntent, GatewayError>;

    fn create_refund(&self, request: &RefundRequest) -> Result<GatewayRefund, GatewayError>;
}
