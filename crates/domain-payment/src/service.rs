//! The payment use cases: PaymentIntents for approved bookings, the webhook pipeline,
//! cancellation refunds and their settlement.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use domain_accounts::Principal;
use domain_booking::{
    apply, Action, ActionError, Actor, AvailabilityService, BookingError, BookingRecord,
    BookingService, BookingStatus, Session, TransitionError,
};
use domain_catalog::{CancellationPolicy, CatalogRepository};
use domain_core::{Clock, Money, StoreError};

use crate::events::{EventError, ParsedEvent};
use crate::gateway::{GatewayError, IntentRequest, PaymentGateway, RefundRequest};
use crate::model::{
    NewPayment, NewRefund, PaymentDetails, PaymentRecord, RefundKind, RefundStatus,
};
use crate::ports::{PaymentCreated, PaymentRepository, Processed, RefundIssued};
use crate::refund::refund_for_cancellation;
use crate::signature::{sign, verify_signature, SignatureError, SIGNATURE_TOLERANCE};
use crate::webhook::decide_event;

/// How many refunds one settlement pass handles; the sweeper runs again soon after.
const SETTLE_BATCH: i64 = 100;

#[derive(Debug, Clone)]
pub struct PaymentSettings {
    /// The webhook endpoint's signing secret (`whsec_…`).
    pub webhook_secret: String,
    /// Whether `simulate` is available (the development provider).
    pub simulation: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum PaymentError {
    #[error("not found")]
    NotFound,
    #[error("not allowed")]
    Forbidden,
    /// The booking is not in the status the operation needs.
    #[error("a booking that is {0} cannot be paid or cancelled that way")]
    Illegal(BookingStatus),
    #[error("the payment deadline has passed")]
    Lapsed,
    #[error(transparent)]
    Gateway(#[from] GatewayError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<ActionError> for PaymentError {
    fn from(error: ActionError) -> Self {
        match error {
            ActionError::Forbidden => Self::Forbidden,
            ActionError::Store(error) => Self::Store(error),
            ActionError::Illegal(status) => Self::Illegal(status),
            ActionError::Lapsed => Self::Lapsed,
            _ => Self::NotFound,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    #[error(transparent)]
    Signature(#[from] SignatureError),
    #[error(transparent)]
    Event(#[from] EventError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The PaymentIntent of a booking, with the secret the customer's client confirms it with.
#[derive(Clone, PartialEq, Eq)]
pub struct IntentStarted {
    pub payment: PaymentRecord,
    pub client_secret: String,
    /// False when the booking had its intent already and this is the same one.
    pub created: bool,
}

impl std::fmt::Debug for IntentStarted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IntentStarted")
            .field("payment", &self.payment)
            .field("client_secret", &"<redacted>")
            .field("created", &self.created)
            .finish()
    }
}

/// What cancelling now, by the caller, would refund.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundPreview {
    pub amount: Money,
    pub policy: CancellationPolicy,
    pub reason: String,
}

/// Refunds the gateway did not take this time; they stay pending and are retried.
#[derive(Debug, Default)]
pub struct IssueReport {
    pub issued: usize,
    pub deferred: Vec<(String, GatewayError)>,
}

/// A cancelled booking and how its refund went.
#[derive(Debug)]
pub struct Cancelled {
    pub booking: BookingRecord,
    /// The refund step after the cancellation committed. An error here loses nothing: the
    /// settlement sweep decides and issues the refund later.
    pub refund: Result<IssueReport, PaymentError>,
}

/// A webhook event processed, with the refunds it caused.
#[derive(Debug)]
pub struct WebhookReport {
    pub processed: Processed,
    pub refunds: Result<IssueReport, PaymentError>,
}

/// What `settle` did.
#[derive(Debug, Default)]
pub struct SettleReport {
    pub settled: usize,
    pub issue: IssueReport,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SimulatedOutcome {
    Succeeded,
    Failed,
}

#[derive(Clone)]
pub struct PaymentService {
    bookings: BookingService,
    availability: AvailabilityService,
    catalog: Arc<dyn CatalogRepository>,
    payments: Arc<dyn PaymentRepository>,
    gateway: Arc<dyn PaymentGateway>,
    clock: Arc<dyn Clock>,
    settings: PaymentSettings,
}

fn cancel_actor(principal: &Principal, booking: &BookingRecord) -> Actor {
    if principal.is_admin() {
        Actor::Admin
    } else if principal.user_id == booking.vendor_id {
        Actor::Vendor
    } else {
        Actor::Customer
    }
}

impl PaymentService {
    pub fn new(
        bookings: BookingService,
        availability: AvailabilityService,
        catalog: Arc<dyn CatalogRepository>,
        payments: Arc<dyn PaymentRepository>,
        gateway: Arc<dyn PaymentGateway>,
        clock: Arc<dyn Clock>,
        settings: PaymentSettings,
    ) -> Self {
        Self {
            bookings,
            availability,
            catalog,
            payments,
            gateway,
            clock,
            settings,
        }
    }

    pub fn provider(&self) -> &'static str {
        self.gateway.provider()
    }

    /// The booking's PaymentIntent, created on first call, for its customer (vendors and
    /// admins of it get `Forbidden`, everyone else `NotFound`). The booking must be
    /// `approved` with its payment deadline ahead.
    pub fn start_payment(
        &self,
        principal: &Principal,
        booking_id: &str,
    ) -> Result<IntentStarted, PaymentError> {
        let booking = self.bookings.booking(principal, booking_id)?;
        if principal.user_id != booking.customer_id {
            return Err(PaymentError::Forbidden);
        }
        if booking.status != BookingStatus::Approved {
            return Err(PaymentError::Illegal(booking.status));
        }
        if booking.clock().is_lapsed(self.clock.now()) {
            return Err(PaymentError::Lapsed);
        }
        if let Some(existing) = self.payments.find_for_booking(booking_id)? {
            return self.same_intent(existing.payment);
        }
        let intent = self.gateway.create_intent(&IntentRequest {
            amount: booking.total,
            booking_id: booking.id.clone(),
            idempotency_key: format!("watertrek-intent-{}", booking.id),
        })?;
        let new = NewPayment {
            booking_id: booking.id.clone(),
            provider: self.gateway.provider().to_owned(),
            intent_id: intent.id,
            amount: booking.total,
            created_at: self.clock.now(),
        };
        match self.payments.create(&new)? {
            PaymentCreated::Created(payment) => Ok(IntentStarted {
                payment,
                client_secret: intent.client_secret,
                created: true,
            }),
            PaymentCreated::Existing(payment) => self.same_intent(payment),
            PaymentCreated::BookingNot(status) => Err(PaymentError::Illegal(status)),
        }
    }

    fn same_intent(&self, payment: PaymentRecord) -> Result<IntentStarted, PaymentError> {
        let intent = self.gateway.retrieve_intent(&payment.intent_id)?;
        Ok(IntentStarted {
            payment,
            client_secret: intent.client_secret,
            created: false,
        })
    }

    /// The booking's payment and refunds, for its parties and admins.
    pub fn payment(
        &self,
        principal: &Principal,
        booking_id: &str,
    ) -> Result<PaymentDetails, PaymentError> {
        self.bookings.booking(principal, booking_id)?;
        self.payments
            .find_for_booking(booking_id)?
            .ok_or(PaymentError::NotFound)
    }

    /// What cancelling the booking now, as the caller, would refund.
    pub fn refund_preview(
        &self,
        principal: &Principal,
        booking_id: &str,
    ) -> Result<RefundPreview, PaymentError> {
        let booking = self.bookings.booking(principal, booking_id)?;
        let now = self.clock.now();
        let actor = cancel_actor(principal, &booking);
        // The same check the cancellation makes (a reason is not needed to preview).
        apply(
            &booking.clock(),
            Action::Cancel,
            actor,
            Some("preview"),
            now,
        )
        .map_err(|error| match error {
            TransitionError::Illegal(status) => PaymentError::Illegal(status),
            _ => PaymentError::Forbidden,
        })?;
        let listing = self
            .catalog
            .find_listing(booking.listing_kind, &booking.listing_id)?
            .ok_or(PaymentError::NotFound)?;
        let policy = listing.spec.cancellation_policy;
        let paid = self
            .payments
            .find_for_booking(booking_id)?
            .filter(|details| details.payment.status == crate::PaymentStatus::Succeeded);
        let Some(paid) = paid else {
            return Ok(RefundPreview {
                amount: Money::new(0, booking.total.currency),
                policy,
                reason: "nothing to refund: the booking has not been paid".into(),
            });
        };
        let decision = refund_for_cancellation(
            policy,
            paid.payment.amount.amount - paid.refunded().amount,
            booking.window.start(),
            now,
            actor,
        );
        Ok(RefundPreview {
            amount: Money::new(decision.amount, paid.payment.amount.currency),
            policy,
            reason: decision.reason,
        })
    }

    /// Cancels the booking as the caller and refunds what the policy gives if it was paid.
    /// A second cancellation is `Illegal` and refunds nothing.
    pub fn cancel(
        &self,
        principal: &Principal,
        booking_id: &str,
        reason: Option<String>,
    ) -> Result<Cancelled, ActionError> {
        let booking = self
            .bookings
            .act(principal, booking_id, Action::Cancel, reason)?;
        let refund = self.settle_booking(Some(booking_id));
        Ok(Cancelled { booking, refund })
    }

    /// Cancels an adventure session as its vendor or an admin, which cancels its bookings,
    /// and refunds each paid one in full (a vendor-initiated cancellation).
    pub fn cancel_session(
        &self,
        principal: &Principal,
        listing_id: &str,
        session_id: &str,
    ) -> Result<(Session, Result<IssueReport, PaymentError>), BookingError> {
        let session = self
            .availability
            .cancel_session(principal, listing_id, session_id)?;
        Ok((session, self.settle().map(|report| report.issue)))
    }

    /// Decides the refunds of cancelled paid bookings (one booking, or a batch) and issues
    /// every pending refund to the gateway. Safe to run in several processes at once: each
    /// refund is decided once, and the gateway sees one idempotency key per refund.
    pub fn settle(&self) -> Result<SettleReport, PaymentError> {
        let settled = self.decide_refunds(None)?;
        let issue = self.issue_refunds(None)?;
        Ok(SettleReport { settled, issue })
    }

    fn settle_booking(&self, booking_id: Option<&str>) -> Result<IssueReport, PaymentError> {
        self.decide_refunds(booking_id)?;
        self.issue_refunds(booking_id)
    }

    fn decide_refunds(&self, booking_id: Option<&str>) -> Result<usize, PaymentError> {
        let decide = |cancelled: &crate::CancelledPayment| {
            let decision = refund_for_cancellation(
                cancelled.policy,
                cancelled.payment.amount.amount,
                cancelled.booking.window.start(),
                cancelled.cancelled_at,
                cancelled.cancelled_by,
            );
            (decision.amount > 0).then(|| NewRefund {
                amount: Money::new(decision.amount, cancelled.payment.amount.currency),
                kind: RefundKind::Cancellation,
                reason: decision.reason,
            })
        };
        Ok(self.payments.settle_cancellations(
            booking_id,
            SETTLE_BATCH,
            self.clock.now(),
            &decide,
        )?)
    }

    fn issue_refunds(&self, booking_id: Option<&str>) -> Result<IssueReport, PaymentError> {
        let mut report = IssueReport::default();
        for pending in self.payments.refunds_to_issue(booking_id, SETTLE_BATCH)? {
            let refund = &pending.refund;
            let answer = self.gateway.create_refund(&RefundRequest {
                intent_id: pending.intent_id.clone(),
                amount: refund.amount,
                refund_id: refund.id.clone(),
                idempotency_key: refund.idempotency_key.clone(),
            });
            let issued = match answer {
                Ok(accepted) => RefundIssued {
                    provider_refund_id: Some(accepted.id),
                    status: accepted.status,
                    failure_message: accepted.failure_reason,
                },
                Err(GatewayError::Refused(message) | GatewayError::NotFound(message)) => {
                    RefundIssued {
                        provider_refund_id: None,
                        status: RefundStatus::Failed,
                        failure_message: Some(message),
                    }
                }
                Err(error) => {
                    report.deferred.push((refund.id.clone(), error));
                    continue;
                }
            };
            self.payments
                .record_refund(&refund.id, &issued, self.clock.now())?;
            report.issued += 1;
        }
        Ok(report)
    }

    /// The webhook pipeline: verify the signature over the raw body before reading it, then
    /// store the event and apply its effect in one transaction (a repeated event id is a
    /// no-op), then issue the refunds it caused.
    pub fn handle_webhook(
        &self,
        body: &[u8],
        signature: Option<&str>,
    ) -> Result<WebhookReport, WebhookError> {
        let now = self.clock.now();
        verify_signature(
            signature,
            body,
            &self.settings.webhook_secret,
            now,
            SIGNATURE_TOLERANCE,
        )?;
        let event = ParsedEvent::parse(body)?;
        let payload = String::from_utf8_lossy(body);
        let decide = |context: &crate::EventContext| decide_event(&event.kind, context, now);
        let processed = self
            .payments
            .process_event(&event, &payload, now, &decide)?;
        let refunds = match &processed {
            Processed::Applied(crate::Effect::Payment {
                refund: Some(_),
                payment_id,
                ..
            }) => self
                .payments
                .find(payment_id)
                .map_err(PaymentError::from)
                .and_then(|payment| match payment {
                    Some(payment) => self.issue_refunds(Some(&payment.booking_id)),
                    None => Err(PaymentError::NotFound),
                }),
            _ => Ok(IssueReport::default()),
        };
        Ok(WebhookReport { processed, refunds })
    }

    /// Development provider only: plays the customer at the card form. Sends the event Stripe
    /// would send, signed with the webhook secret, through [`Self::handle_webhook`].
    pub fn simulate(
        &self,
        principal: &Principal,
        payment_id: &str,
        outcome: SimulatedOutcome,
    ) -> Result<(PaymentDetails, WebhookReport), PaymentError> {
        if !self.settings.simulation {
            return Err(PaymentError::NotFound);
        }
        let payment = self
            .payments
            .find(payment_id)?
            .ok_or(PaymentError::NotFound)?;
        let booking = self.bookings.booking(principal, &payment.booking_id)?;
        if !principal.is_admin() && principal.user_id != booking.customer_id {
            return Err(PaymentError::Forbidden);
        }
        let now = self.clock.now();
        let body = simulated_event(&payment, outcome, now);
        let header = sign(body.as_bytes(), &self.settings.webhook_secret, now);
        let report = self
            .handle_webhook(body.as_bytes(), header.as_deref())
            .map_err(|error| match error {
                WebhookError::Store(error) => PaymentError::Store(error),
                // The event was built and signed here: it verifies and parses.
                other => PaymentError::Store(StoreError::unexpected(other.to_string())),
            })?;
        let details = self
            .payments
            .find_for_booking(&payment.booking_id)?
            .ok_or(PaymentError::NotFound)?;
        Ok((details, report))
    }
}

/// The Stripe event for `payment` with this outcome, as JSON.
pub fn simulated_event(
    payment: &PaymentRecord,
    outcome: SimulatedOutcome,
    at: DateTime<Utc>,
) -> String {
    let (event_type, status, error) = match outcome {
        SimulatedOutcome::Succeeded => ("payment_intent.succeeded", "succeeded", None),
        SimulatedOutcome::Failed => (
            "payment_intent.payment_failed",
            "requires_payment_method",
            Some(serde_json::json!({
                "code": "card_declined",
                "message": "Your card was declined (simulated)."
            })),
        ),
    };
    serde_json::json!({
        // Distinct per outcome and instant; the same outcome at the same instant is the same
        // event (a double click), which the webhook then applies once.
        "id": format!(
            "evt_dev_{}_{event_type}_{}",
            payment.id,
            at.timestamp_nanos_opt().unwrap_or_default()
        ),
        "object": "event",
        "type": event_type,
        "created": at.timestamp(),
        "livemode": false,
        "data": {"object": {
            "id": payment.intent_id,
            "object": "payment_intent",
            "amount": payment.amount.amount,
            "currency": payment.amount.currency.code().to_ascii_lowercase(),
            "status": status,
            "last_payment_error": error,
            "metadata": {"booking_id": payment.booking_id},
        }},
    })
    .to_string()
}
