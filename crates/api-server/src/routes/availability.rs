//! Opening hours, blackouts and timelines of equipment; sessions of adventures; quotes.

use actix_web::{web, HttpResponse};
use domain_booking::{QuoteInput, SessionInput, WeeklyRuleInput};

use crate::blocking::db;
use crate::booking_dto::{
    AvailabilityRequest, AvailabilityResponse, BlackoutRequest, BlackoutResponse, QuoteRequest,
    QuoteResponse, RangeParams, SessionResponse, SessionsRequest, WeeklyHoursResponse,
    WeeklyRuleDto,
};
use crate::error::responses::*;
use crate::error::ApiError;
use crate::extract::{ApiJson, AuthUser};
use crate::state::AppState;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/equipment/{id}/availability",
        web::put().to(put_availability),
    )
    .route(
        "/equipment/{id}/availability",
        web::get().to(get_availability),
    )
    .route("/equipment/{id}/blackouts", web::post().to(add_blackout))
    .route("/equipment/{id}/blackouts", web::get().to(list_blackouts))
    .route(
        "/equipment/{id}/blackouts/{blackout_id}",
        web::delete().to(delete_blackout),
    )
    .route("/adventures/{id}/sessions", web::post().to(add_sessions))
    .route("/adventures/{id}/sessions", web::get().to(list_sessions))
    .route(
        "/adventures/{id}/sessions/{session_id}",
        web::delete().to(cancel_session),
    )
    .route("/quotes", web::post().to(quote));
}

/// Replace an item's weekly opening hours (its vendor or an admin).
#[utoipa::path(put, path = "/api/v1/equipment/{id}/availability", tag = "availability",
    security(("bearer" = [])), params(("id" = String, Path, description = "Equipment id")),
    request_body = AvailabilityRequest,
    responses(
        (status = 200, description = "The stored hours", body = WeeklyHoursResponse),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 404, description = "No such item of yours"),
        (status = 422, description = "Invalid rules (weekday, HH:MM, start before end) or time zone"),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 403, response = Forbidden),
    ))]
pub async fn put_availability(
    state: web::Data<AppState>,
    AuthUser(principal): AuthUser,
    id: web::Path<String>,
    ApiJson(body): ApiJson<AvailabilityRequest>,
) -> Result<HttpResponse, ApiError> {
    let weekly: Vec<WeeklyRuleInput> = body
        .weekly
        .into_iter()
        .map(|r| WeeklyRuleInput {
            weekday: r.weekday,
            start: r.start,
            end: r.end,
        })
        .collect();
    let (tz, rules) = db(&state, move |state| {
        state
            .availability
            .set_weekly_rules(&principal, &id, body.timezone.as_deref(), &weekly)
    })
    .await??;
    Ok(HttpResponse::Ok().json(WeeklyHoursResponse {
        timezone: tz.name().to_owned(),
        weekly: rules.iter().map(WeeklyRuleDto::from).collect(),
    }))
}

/// Opening hours, opening intervals and the timeline of free units over `[from, to)`.
#[utoipa::path(get, path = "/api/v1/equipment/{id}/availability", tag = "availability",
    params(("id" = String, Path, description = "Equipment id"), RangeParams),
    responses(
        (status = 200, description = "Availability over the range", body = AvailabilityResponse),
        (status = 400, description = "Missing or malformed from/to"),
        (status = 404, description = "No such public item"),
        (status = 422, description = "to not after from, or a range over 93 days"),
    ))]
pub async fn get_availability(
    state: web::Data<AppState>,
    id: web::Path<String>,
    range: web::Query<RangeParams>,
) -> Result<HttpResponse, ApiError> {
    let view = db(&state, move |state| {
        state.availability.availability(&id, range.from, range.to)
    })
    .await??;
    Ok(HttpResponse::Ok().json(AvailabilityResponse::from(view)))
}

/// Block units of an item for a period (its vendor or an admin).
#[utoipa::path(post, path = "/api/v1/equipment/{id}/blackouts", tag = "availability",
    security(("bearer" = [])), params(("id" = String, Path, description = "Equipment id")),
    request_body = BlackoutRequest,
    responses(
        (status = 201, description = "Created", body = BlackoutResponse),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 404, description = "No such item of yours"),
        (status = 422, description = "end not after start, units outside 1..quantity"),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 403, response = Forbidden),
    ))]
pub async fn add_blackout(
    state: web::Data<AppState>,
    AuthUser(principal): AuthUser,
    id: web::Path<String>,
    ApiJson(body): ApiJson<BlackoutRequest>,
) -> Result<HttpResponse, ApiError> {
    let blackout = db(&state, move |state| {
        state.availability.add_blackout(
            &principal,
            &id,
            body.start,
            body.end,
            body.units,
            body.reason,
        )
    })
    .await??;
    Ok(HttpResponse::Created().json(BlackoutResponse::from(blackout)))
}

/// An item's blackouts (its vendor or an admin).
#[utoipa::path(get, path = "/api/v1/equipment/{id}/blackouts", tag = "availability",
    security(("bearer" = [])), params(("id" = String, Path, description = "Equipment id")),
    responses(
        (status = 200, description = "Blackouts by start", body = [BlackoutResponse]),
        (status = 401, response = Unauthorized),
        (status = 404, description = "No such item of yours"),
        (status = 403, response = Forbidden),
    ))]
pub async fn list_blackouts(
    state: web::Data<AppState>,
    AuthUser(principal): AuthUser,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let blackouts = db(&state, move |state| {
        state.availability.blackouts(&principal, &id)
    })
    .await??;
    let body: Vec<BlackoutResponse> = blackouts.into_iter().map(Into::into).collect();
    Ok(HttpResponse::Ok().json(body))
}

/// Remove a blackout (the item's vendor or an admin).
#[utoipa::path(delete, path = "/api/v1/equipment/{id}/blackouts/{blackout_id}", tag = "availability",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Equipment id"), ("blackout_id" = String, Path, description = "Blackout id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, response = Unauthorized),
        (status = 404, description = "No such blackout of an item of yours"),
        (status = 403, response = Forbidden),
    ))]
pub async fn delete_blackout(
    state: web::Data<AppState>,
    AuthUser(principal): AuthUser,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, blackout_id) = path.into_inner();
    db(&state, move |state| {
        state
            .availability
            .delete_blackout(&principal, &id, &blackout_id)
    })
    .await??;
    Ok(HttpResponse::NoContent().finish())
}

/// Schedule one session or a weekly recurrence (the offering's vendor or an admin). Past
/// occurrences of a recurrence are skipped.
#[utoipa::path(post, path = "/api/v1/adventures/{id}/sessions", tag = "availability",
    security(("bearer" = [])), params(("id" = String, Path, description = "Adventure id")),
    request_body = SessionsRequest,
    responses(
        (status = 201, description = "The created sessions", body = [SessionResponse]),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 404, description = "No such offering of yours"),
        (status = 422, description = "Neither or both shapes, past start, bad weekdays/time/dates, capacity out of range"),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 403, response = Forbidden),
    ))]
pub async fn add_sessions(
    state: web::Data<AppState>,
    AuthUser(principal): AuthUser,
    id: web::Path<String>,
    ApiJson(body): ApiJson<SessionsRequest>,
) -> Result<HttpResponse, ApiError> {
    let input = SessionInput::try_from(body).map_err(ApiError::validation)?;
    let sessions = db(&state, move |state| {
        state.availability.add_sessions(&principal, &id, input)
    })
    .await??;
    let body: Vec<SessionResponse> = sessions.into_iter().map(Into::into).collect();
    Ok(HttpResponse::Created().json(body))
}

/// Sessions of a public offering starting within `[from, to)`, with seats left now.
#[utoipa::path(get, path = "/api/v1/adventures/{id}/sessions", tag = "availability",
    params(("id" = String, Path, description = "Adventure id"), RangeParams),
    responses(
        (status = 200, description = "Sessions by start", body = [SessionResponse]),
        (status = 400, description = "Missing or malformed from/to"),
        (status = 404, description = "No such public offering"),
        (status = 422, description = "to not after from, or a range over 93 days"),
    ))]
pub async fn list_sessions(
    state: web::Data<AppState>,
    id: web::Path<String>,
    range: web::Query<RangeParams>,
) -> Result<HttpResponse, ApiError> {
    let sessions = db(&state, move |state| {
        state.availability.sessions(&id, range.from, range.to)
    })
    .await??;
    let body: Vec<SessionResponse> = sessions.into_iter().map(Into::into).collect();
    Ok(HttpResponse::Ok().json(body))
}

/// Cancel a session (the offering's vendor or an admin). Its bookings are cancelled and the
/// paid ones refunded in full.
#[utoipa::path(delete, path = "/api/v1/adventures/{id}/sessions/{session_id}", tag = "availability",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Adventure id"), ("session_id" = String, Path, description = "Session id")),
    responses(
        (status = 200, description = "The cancelled session", body = SessionResponse),
        (status = 401, response = Unauthorized),
        (status = 404, description = "No such session of an offering of yours"),
        (status = 403, response = Forbidden),
    ))]
pub async fn cancel_session(
    state: web::Data<AppState>,
    AuthUser(principal): AuthUser,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, session_id) = path.into_inner();
    let (session, refunds) = db(&state, move |state| {
        state.payments.cancel_session(&principal, &id, &session_id)
    })
    .await??;
    crate::routes::payments::log_refund_problems(&refunds);
    Ok(HttpResponse::Ok().json(SessionResponse::from(session)))
}

/// Price a rental window or session seats and list every rule the request breaks now.
#[utoipa::path(post, path = "/api/v1/quotes", tag = "availability",
    request_body = QuoteRequest,
    responses(
        (status = 200, description = "The quote", body = QuoteResponse),
        (status = 400, response = BadRequest),
        (status = 404, description = "Unknown listing or session"),
        (status = 422, description = "Malformed request: end ≤ start, quantity < 1, neither or both targets"),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
    ))]
pub async fn quote(
    state: web::Data<AppState>,
    ApiJson(body): ApiJson<QuoteRequest>,
) -> Result<HttpResponse, ApiError> {
    let input = QuoteInput::try_from(body).map_err(ApiError::validation)?;
    let view = db(&state, move |state| state.availability.quote(input)).await??;
    Ok(HttpResponse::Ok().json(QuoteResponse::from(view)))
}
