//! `/bookings`: requests, lists, details, lifecycle actions and history.

use actix_web::http::header::HeaderName;
use actix_web::{web, HttpRequest, HttpResponse};
use domain_booking::{Action, BookingFilter, BookingStatus, QuoteInput};
use domain_core::{PageRequest, ValidationErrors};

use crate::blocking::db;
use crate::booking_dto::{
    ActionRequest, BookingEventResponse, BookingListParams, BookingPage, BookingRequest,
    BookingResponse,
};
use crate::error::responses::*;
use crate::error::ApiError;
use crate::extract::{ApiJson, AuthUser, OptionalJson};
use crate::state::AppState;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/bookings", web::post().to(create))
        .route("/bookings", web::get().to(list))
        .route("/bookings/{id}", web::get().to(detail))
        .route("/bookings/{id}/approve", web::post().to(approve))
        .route("/bookings/{id}/decline", web::post().to(decline))
        .route("/bookings/{id}/cancel", web::post().to(cancel))
        .route("/bookings/{id}/confirm", web::post().to(confirm))
        .route("/bookings/{id}/events", web::get().to(events));
}

/// Request a booking (customers). Holds the capacity until `hold_expires_at`. A retry with
/// the same `Idempotency-Key` and body returns the same booking (200) instead of a second one.
#[utoipa::path(operation_id = "bookings_create", post, path = "/api/v1/bookings", tag = "bookings", security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, min_length = 1, max_length = 255, description = "Per-user key making retries safe (1–255 visible ASCII characters)")),
    request_body = BookingRequest,
    responses(
        (status = 201, description = "Requested", body = BookingResponse),
        (status = 200, description = "An idempotent retry: the booking made the first time", body = BookingResponse,
            headers(("Idempotent-Replayed" = String, description = "`true`: this is the booking of an earlier request with the same key"))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, description = "Not a customer"),
        (status = 404, description = "Unknown listing or session"),
        (status = 409, description = "Not enough free units or seats (slot_taken), or too_many_active_holds"),
        (status = 422, description = "Invalid fields, booking rules broken (booking_rules_violated: past start, lead time, opening hours, duration, quantity), or an idempotency key reused for another request"),
        (status = 429, description = "Too many booking requests (BOOKING_RATE_LIMIT)"),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
    ))]
pub async fn create(
    state: web::Data<AppState>,
    AuthUser(principal): AuthUser,
    req: HttpRequest,
    ApiJson(body): ApiJson<BookingRequest>,
) -> Result<HttpResponse, ApiError> {
    state.booking_limiter.check(&principal.user_id.0)?;
    let key = match req
        .headers()
        .get(HeaderName::from_static("idempotency-key"))
    {
        Some(value) => Some(value.to_str().map(str::to_owned).map_err(|_| {
            ApiError::validation(ValidationErrors::single(
                "Idempotency-Key",
                "must be visible ASCII",
            ))
        })?),
        None => None,
    };
    let (quote, notes) = body.split();
    let input = QuoteInput::try_from(quote).map_err(ApiError::validation)?;
    let requested = db(&state, move |state| {
        state.bookings.request(&principal, input, notes, key)
    })
    .await??;
    let body = BookingResponse::from(requested.booking);
    Ok(if requested.replayed {
        HttpResponse::Ok()
            .insert_header(("Idempotent-Replayed", "true"))
            .json(body)
    } else {
        HttpResponse::Created().json(body)
    })
}

/// The caller's bookings (customers: their own; vendors: of their listings; admins: all),
/// newest first.
#[utoipa::path(operation_id = "bookings_list", get, path = "/api/v1/bookings", tag = "bookings", security(("bearer" = [])),
    params(BookingListParams),
    responses(
        (status = 200, description = "A page of bookings", body = BookingPage),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 422, description = "Unknown status, or to not after from"),
    ))]
pub async fn list(
    state: web::Data<AppState>,
    AuthUser(principal): AuthUser,
    query: web::Query<BookingListParams>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let page = PageRequest::new(query.page, query.page_size).map_err(ApiError::bad_request)?;
    let status = match query.status.as_deref() {
        Some(raw) => Some(BookingStatus::parse(raw).ok_or_else(|| {
            ApiError::validation(ValidationErrors::single(
                "status",
                "is not a booking status",
            ))
        })?),
        None => None,
    };
    let filter = BookingFilter {
        status,
        from: query.from,
        to: query.to,
        listing: query.listing,
        ..BookingFilter::default()
    };
    let found = db(&state, move |state| {
        state.bookings.list(&principal, filter, page)
    })
    .await??;
    Ok(HttpResponse::Ok().json(BookingPage::from(found)))
}

/// One booking (its customer, its vendor, admins; 404 for anyone else).
#[utoipa::path(operation_id = "bookings_detail", get, path = "/api/v1/bookings/{id}", tag = "bookings", security(("bearer" = [])),
    params(("id" = String, Path, description = "Booking id")),
    responses(
        (status = 200, description = "The booking", body = BookingResponse),
        (status = 401, response = Unauthorized),
        (status = 404, description = "No such booking of yours"),
    ))]
pub async fn detail(
    state: web::Data<AppState>,
    AuthUser(principal): AuthUser,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let booking = db(&state, move |state| state.bookings.booking(&principal, &id)).await??;
    Ok(HttpResponse::Ok().json(BookingResponse::from(booking)))
}

async fn act(
    state: web::Data<AppState>,
    principal: domain_accounts::Principal,
    id: String,
    action: Action,
    body: ActionRequest,
) -> Result<HttpResponse, ApiError> {
    let booking = db(&state, move |state| {
        state.bookings.act(&principal, &id, action, body.reason)
    })
    .await??;
    Ok(HttpResponse::Ok().json(BookingResponse::from(booking)))
}

/// Approve a requested booking (its vendor or an admin); re-checks the capacity and starts
/// the payment window.
#[utoipa::path(operation_id = "bookings_approve", post, path = "/api/v1/bookings/{id}/approve", tag = "bookings", security(("bearer" = [])),
    params(("id" = String, Path, description = "Booking id")), request_body(content = Option<ActionRequest>),
    responses(
        (status = 200, description = "Approved", body = BookingResponse),
        (status = 401, response = Unauthorized),
        (status = 403, description = "The customer may not approve"),
        (status = 404, description = "No such booking of yours"),
        (status = 409, description = "Not requested any more (illegal_transition), hold lapsed (hold_lapsed), or capacity gone (slot_taken)"),
        (status = 400, response = BadRequest),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = UnprocessableEntity),
    ))]
pub async fn approve(
    state: web::Data<AppState>,
    AuthUser(principal): AuthUser,
    id: web::Path<String>,
    OptionalJson(body): OptionalJson<ActionRequest>,
) -> Result<HttpResponse, ApiError> {
    act(state, principal, id.into_inner(), Action::Approve, body).await
}

/// Decline a requested booking (its vendor or an admin).
#[utoipa::path(operation_id = "bookings_decline", post, path = "/api/v1/bookings/{id}/decline", tag = "bookings", security(("bearer" = [])),
    params(("id" = String, Path, description = "Booking id")), request_body(content = Option<ActionRequest>),
    responses(
        (status = 200, description = "Declined", body = BookingResponse),
        (status = 401, response = Unauthorized),
        (status = 403, description = "The customer may not decline"),
        (status = 404, description = "No such booking of yours"),
        (status = 409, description = "Not requested any more"),
        (status = 400, response = BadRequest),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = UnprocessableEntity),
    ))]
pub async fn decline(
    state: web::Data<AppState>,
    AuthUser(principal): AuthUser,
    id: web::Path<String>,
    OptionalJson(body): OptionalJson<ActionRequest>,
) -> Result<HttpResponse, ApiError> {
    act(state, principal, id.into_inner(), Action::Decline, body).await
}

/// Cancel a requested, approved or confirmed booking (its customer, its vendor or an admin;
/// vendors and admins give a reason). A paid booking is refunded as
/// `GET /bookings/{id}/refund-preview` tells, once.
#[utoipa::path(operation_id = "bookings_cancel", post, path = "/api/v1/bookings/{id}/cancel", tag = "bookings", security(("bearer" = [])),
    params(("id" = String, Path, description = "Booking id")), request_body(content = Option<ActionRequest>),
    responses(
        (status = 200, description = "Cancelled (and refunded by the policy when paid)", body = BookingResponse),
        (status = 401, response = Unauthorized),
        (status = 404, description = "No such booking of yours"),
        (status = 409, description = "Already final (cancelled, declined, expired)"),
        (status = 422, description = "A vendor or admin gave no reason"),
        (status = 400, response = BadRequest),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 403, response = Forbidden),
    ))]
pub async fn cancel(
    state: web::Data<AppState>,
    AuthUser(principal): AuthUser,
    id: web::Path<String>,
    OptionalJson(body): OptionalJson<ActionRequest>,
) -> Result<HttpResponse, ApiError> {
    let cancelled = db(&state, move |state| {
        state.payments.cancel(&principal, &id, body.reason)
    })
    .await??;
    crate::routes::payments::log_refund_problems(&cancelled.refund);
    Ok(HttpResponse::Ok().json(BookingResponse::from(cancelled.booking)))
}

/// Confirm an approved booking by hand (admins; payments confirm automatically).
#[utoipa::path(operation_id = "bookings_confirm", post, path = "/api/v1/bookings/{id}/confirm", tag = "bookings", security(("bearer" = [])),
    params(("id" = String, Path, description = "Booking id")), request_body(content = Option<ActionRequest>),
    responses(
        (status = 200, description = "Confirmed", body = BookingResponse),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, description = "No such booking of yours"),
        (status = 409, description = "Not approved, or its payment deadline passed"),
        (status = 400, response = BadRequest),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = UnprocessableEntity),
    ))]
pub async fn confirm(
    state: web::Data<AppState>,
    AuthUser(principal): AuthUser,
    id: web::Path<String>,
    OptionalJson(body): OptionalJson<ActionRequest>,
) -> Result<HttpResponse, ApiError> {
    act(state, principal, id.into_inner(), Action::Confirm, body).await
}

/// The booking's history, oldest first (its parties and admins).
#[utoipa::path(operation_id = "bookings_events", get, path = "/api/v1/bookings/{id}/events", tag = "bookings", security(("bearer" = [])),
    params(("id" = String, Path, description = "Booking id")),
    responses(
        (status = 200, description = "Events", body = [BookingEventResponse]),
        (status = 401, response = Unauthorized),
        (status = 404, description = "No such booking of yours"),
    ))]
pub async fn events(
    state: web::Data<AppState>,
    AuthUser(principal): AuthUser,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let events = db(&state, move |state| state.bookings.events(&principal, &id)).await??;
    let body: Vec<BookingEventResponse> = events.into_iter().map(Into::into).collect();
    Ok(HttpResponse::Ok().json(body))
}
