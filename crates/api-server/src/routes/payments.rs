//! Payments: PaymentIntents of approved bookings, payment status, refund previews, the Stripe
//! webhook and (development provider only) simulated card outcomes.

use actix_web::{web, HttpRequest, HttpResponse};
use domain_core::ValidationErrors;
use domain_payment::{Effect, Processed, SimulatedOutcome};

use crate::blocking::db;
use crate::error::responses::*;
use crate::error::ApiError;
use crate::extract::{ApiJson, AuthUser};
use crate::payment_dto::{
    PaymentIntentResponse, PaymentResponse, RefundPreviewResponse, SimulateRequest, WebhookResponse,
};
use crate::state::AppState;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/bookings/{id}/payment-intent",
        web::post().to(create_intent),
    )
    .route("/bookings/{id}/payment", web::get().to(payment))
    .route(
        "/bookings/{id}/refund-preview",
        web::get().to(refund_preview),
    )
    .route("/payments/webhook", web::post().to(webhook))
    .route("/payments/{id}/simulate", web::post().to(simulate));
}

/// Create the PaymentIntent of an approved booking (its customer). Calling it again while the
/// booking is approved returns the same intent (200).
#[utoipa::path(post, path = "/api/v1/bookings/{id}/payment-intent", tag = "payments",
    security(("bearer" = [])), params(("id" = String, Path, description = "Booking id")),
    responses(
        (status = 201, description = "Created", body = PaymentIntentResponse),
        (status = 200, description = "The booking's existing intent", body = PaymentIntentResponse),
        (status = 401, response = Unauthorized),
        (status = 403, description = "The vendor or an admin: only the customer pays"),
        (status = 404, description = "No such booking of yours"),
        (status = 409, description = "The booking is not approved (illegal_transition) or its payment deadline passed (hold_lapsed)"),
        (status = 502, description = "The payment provider refused the request"),
        (status = 503, description = "The payment provider cannot be reached"),
    ))]
pub async fn create_intent(
    state: web::Data<AppState>,
    AuthUser(principal): AuthUser,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let started = db(&state, move |state| {
        state.payments.start_payment(&principal, &id)
    })
    .await??;
    let created = started.created;
    let body = PaymentIntentResponse::from(started);
    Ok(if created {
        HttpResponse::Created().json(body)
    } else {
        HttpResponse::Ok().json(body)
    })
}

/// The booking's payment with its refunds (its parties and admins).
#[utoipa::path(get, path = "/api/v1/bookings/{id}/payment", tag = "payments",
    security(("bearer" = [])), params(("id" = String, Path, description = "Booking id")),
    responses(
        (status = 200, description = "The payment", body = PaymentResponse),
        (status = 401, response = Unauthorized),
        (status = 404, description = "No such booking of yours, or no payment yet"),
    ))]
pub async fn payment(
    state: web::Data<AppState>,
    AuthUser(principal): AuthUser,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let details = db(&state, move |state| state.payments.payment(&principal, &id)).await??;
    Ok(HttpResponse::Ok().json(PaymentResponse::from(details)))
}

/// What cancelling the booking now, by the caller, would refund (vendors and admins always
/// refund in full).
#[utoipa::path(get, path = "/api/v1/bookings/{id}/refund-preview", tag = "payments",
    security(("bearer" = [])), params(("id" = String, Path, description = "Booking id")),
    responses(
        (status = 200, description = "The refund a cancellation now would give", body = RefundPreviewResponse),
        (status = 401, response = Unauthorized),
        (status = 404, description = "No such booking of yours"),
        (status = 409, description = "The booking is final (cancelled, declined, expired): no cancellation possible"),
        (status = 403, description = "Only a party of the booking or an admin may cancel it"),
    ))]
pub async fn refund_preview(
    state: web::Data<AppState>,
    AuthUser(principal): AuthUser,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let preview = db(&state, move |state| {
        state.payments.refund_preview(&principal, &id)
    })
    .await??;
    Ok(HttpResponse::Ok().json(RefundPreviewResponse::from(preview)))
}

/// Stripe webhook endpoint. The `Stripe-Signature` header is verified over the raw body
/// before anything reads it; each event id is processed once.
#[utoipa::path(post, path = "/api/v1/payments/webhook", tag = "payments",
    params(("Stripe-Signature" = String, Header, description = "t=<unix time>,v1=<HMAC-SHA256 hex>")),
    request_body(content = String, content_type = "application/json", description = "A Stripe event, exactly as Stripe signed it"),
    responses(
        (status = 200, description = "Verified and stored: applied, a replay, an unknown type, or refused for a mismatch (logged)", body = WebhookResponse),
        (status = 400, description = "Missing, malformed, wrong or stale signature (more than 300 s off), or not an event: nothing stored"),
        (status = 413, response = PayloadTooLarge),
        (status = 500, description = "The server failed; Stripe retries"),
    ))]
pub async fn webhook(
    state: web::Data<AppState>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    // Read here rather than by the `Bytes` extractor, whose errors are plain text.
    let body = match payload
        .to_bytes_limited(state.settings.json_body_limit)
        .await
    {
        Ok(Ok(body)) => body,
        Ok(Err(error)) => {
            return Err(ApiError::bad_request(format!(
                "cannot read the request body: {error}"
            )))
        }
        Err(_) => {
            return Err(ApiError::new(
                actix_web::http::StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                "the request body is too large",
            ))
        }
    };
    let signature = match req.headers().get("stripe-signature") {
        Some(value) => Some(
            value
                .to_str()
                .map_err(|_| ApiError::bad_request("the Stripe-Signature header is not ASCII"))?
                .to_owned(),
        ),
        None => None,
    };
    let report = db(&state, move |state| {
        state.payments.handle_webhook(&body, signature.as_deref())
    })
    .await??;
    log_refund_problems(&report.refunds);
    let duplicate = match &report.processed {
        Processed::Duplicate => true,
        Processed::Applied(Effect::Refuse(outcome)) => {
            tracing::warn!(outcome = %outcome, "webhook event refused");
            false
        }
        Processed::Applied(effect) => {
            tracing::info!(outcome = %effect.outcome(), "webhook event processed");
            false
        }
    };
    Ok(HttpResponse::Ok().json(WebhookResponse {
        received: true,
        duplicate,
    }))
}

/// Refund steps that did not complete are retried by the settlement sweep; say so in the log.
pub(crate) fn log_refund_problems(
    refunds: &Result<domain_payment::IssueReport, domain_payment::PaymentError>,
) {
    match refunds {
        Ok(report) => {
            for (refund, error) in &report.deferred {
                tracing::warn!(refund = %refund, error = %error, "refund deferred; will retry");
            }
        }
        Err(error) => tracing::warn!(error = %error, "refund step failed; will retry"),
    }
}

/// Play the card form's outcome for a payment (development provider only; the paying
/// customer or an admin). Sends the event Stripe would send, correctly signed, through the
/// webhook pipeline, and returns the payment afterwards.
#[utoipa::path(post, path = "/api/v1/payments/{id}/simulate", tag = "payments",
    security(("bearer" = [])), params(("id" = String, Path, description = "Payment id")),
    request_body = SimulateRequest,
    responses(
        (status = 200, description = "The payment after the event", body = PaymentResponse),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, description = "The vendor: only the customer pays"),
        (status = 404, description = "No such payment of yours, or the provider is not `dev`"),
        (status = 422, description = "outcome is not succeeded or failed"),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
    ))]
pub async fn simulate(
    state: web::Data<AppState>,
    AuthUser(principal): AuthUser,
    id: web::Path<String>,
    ApiJson(body): ApiJson<SimulateRequest>,
) -> Result<HttpResponse, ApiError> {
    let outcome = match body.outcome.as_str() {
        "succeeded" => SimulatedOutcome::Succeeded,
        "failed" => SimulatedOutcome::Failed,
        _ => {
            return Err(ApiError::validation(ValidationErrors::single(
                "outcome",
                "must be \"succeeded\" or \"failed\"",
            )))
        }
    };
    let (details, report) = db(&state, move |state| {
        state.payments.simulate(&principal, &id, outcome)
    })
    .await??;
    log_refund_problems(&report.refunds);
    Ok(HttpResponse::Ok().json(PaymentResponse::from(details)))
}
