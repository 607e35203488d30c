//! Request and response bodies of payments, refunds and the webhook.

use chrono::{DateTime, Utc};
use domain_payment as payment;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::catalog_dto::{money, MoneyDto};

/// A booking's PaymentIntent. The customer's client confirms it with `client_secret`
/// (Stripe.js `confirmPayment`); the webhook then confirms the booking.
#[derive(Serialize, ToSchema)]
pub struct PaymentIntentResponse {
    pub payment_id: String,
    /// `dev` or `stripe`.
    #[schema(example = "stripe")]
    pub provider: String,
    #[schema(example = "pi_3PqXyZ")]
    pub intent_id: String,
    pub client_secret: String,
    pub amount: MoneyDto,
    /// `pending`, `succeeded`, `failed` or `canceled`.
    #[schema(example = "pending")]
    pub status: String,
}

impl From<payment::IntentStarted> for PaymentIntentResponse {
    fn from(started: payment::IntentStarted) -> Self {
        let payment = started.payment;
        Self {
            amount: money(payment.amount.amount, &payment.amount.currency),
            status: payment.status.as_str().to_owned(),
            payment_id: payment.id,
            provider: payment.provider,
            intent_id: payment.intent_id,
            client_secret: started.client_secret,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RefundResponse {
    pub id: String,
    pub amount: MoneyDto,
    /// `pending`, `succeeded` or `failed`.
    #[schema(example = "succeeded")]
    pub status: String,
    /// `cancellation` (by the listing's policy) or `late_payment` (everything back: the
    /// payment arrived after the booking was cancelled or expired).
    #[schema(example = "cancellation")]
    pub kind: String,
    #[schema(example = "50 % refund: cancelled less than 5 days before the start")]
    pub reason: String,
    pub failure_message: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// A booking's payment with its refunds.
#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentResponse {
    pub payment_id: String,
    pub provider: String,
    pub intent_id: String,
    /// `pending`, `succeeded`, `failed` or `canceled`.
    pub status: String,
    pub amount: MoneyDto,
    /// Refunded or on its way (failed refunds excluded).
    pub refunded: MoneyDto,
    /// The provider's message for the last failed attempt.
    pub failure_message: Option<String>,
    pub refunds: Vec<RefundResponse>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<payment::PaymentDetails> for PaymentResponse {
    fn from(details: payment::PaymentDetails) -> Self {
        let refunded = details.refunded();
        let payment = details.payment;
        Self {
            amount: money(payment.amount.amount, &payment.amount.currency),
            refunded: money(refunded.amount, &refunded.currency),
            status: payment.status.as_str().to_owned(),
            refunds: details
                .refunds
                .into_iter()
                .map(|refund| RefundResponse {
                    amount: money(refund.amount.amount, &refund.amount.currency),
                    status: refund.status.as_str().to_owned(),
                    kind: refund.kind.as_str().to_owned(),
                    id: refund.id,
                    reason: refund.reason,
                    failure_message: refund.failure_message,
                    created_at: refund.created_at,
                })
                .collect(),
            payment_id: payment.id,
            provider: payment.provider,
            intent_id: payment.intent_id,
            failure_message: payment.failure_message,
            created_at: payment.created_at,
            updated_at: payment.updated_at,
        }
    }
}

/// What cancelling the booking now, by the caller, would refund.
#[derive(Debug, Serialize, ToSchema)]
pub struct RefundPreviewResponse {
    pub refund_amount: MoneyDto,
    /// The listing's cancellation policy: `flexible`, `moderate` or `strict`.
    #[schema(example = "moderate")]
    pub policy: String,
    #[schema(example = "full refund: cancelled at least 5 days before the start")]
    pub reason: String,
}

impl From<payment::RefundPreview> for RefundPreviewResponse {
    fn from(preview: payment::RefundPreview) -> Self {
        Self {
            refund_amount: money(preview.amount.amount, &preview.amount.currency),
            policy: preview.policy.as_str().to_owned(),
            reason: preview.reason,
        }
    }
}

/// The card form's outcome to play (development provider only).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SimulateRequest {
    #[schema(value_type = SimulatedOutcomeDto)]
    pub outcome: String,
}

/// The outcome of the card form to play.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum SimulatedOutcomeDto {
    Succeeded,
    Failed,
}

/// The webhook's answer: the event was verified and is stored (now or before).
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookResponse {
    pub received: bool,
    /// True when this event id was processed before: nothing happened this time.
    pub duplicate: bool,
}
