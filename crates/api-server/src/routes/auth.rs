//! `/auth/*`: register, login, refresh, logout.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};

use crate::blocking::{db, db_hashing};
use crate::dto::{AuthSession, LoginRequest, RefreshRequest, RegisterRequest, TokenResponse};
use crate::error::responses::*;
use crate::error::ApiError;
use crate::extract::{client_address, ApiJson};
use crate::state::AppState;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/auth/register", web::post().to(register))
        .route("/auth/login", web::post().to(login))
        .route("/auth/refresh", web::post().to(refresh))
        .route("/auth/logout", web::post().to(logout));
}

fn limit(state: &AppState, req: &HttpRequest, account: Option<&str>) -> Result<(), ApiError> {
    let address = client_address(req, state.settings.trust_proxy_headers);
    state.auth_limiter.check(&address, account)
}

/// A response that carries tokens: never stored by a cache (RFC 6749 §5.1).
fn no_store(mut builder: actix_web::HttpResponseBuilder) -> actix_web::HttpResponseBuilder {
    builder
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::PRAGMA, "no-cache"));
    builder
}

/// Create a customer or vendor account and log it in.
#[utoipa::path(
    post, path = "/api/v1/auth/register", tag = "auth",
    request_body = RegisterRequest,
    responses(
        (status = 201, description = "Account created and logged in", body = AuthSession),
        (status = 400, response = BadRequest),
        (status = 409, description = "E-mail or vendor slug taken"),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, description = "Invalid fields (including role admin)"),
        (status = 429, response = TooManyRequests),
        (status = 503, description = "No password-hashing slot (PASSWORD_HASHING_CONCURRENCY) or database connection free within the request's deadline; retry later"),
    )
)]
pub async fn register(
    state: web::Data<AppState>,
    req: HttpRequest,
    ApiJson(body): ApiJson<RegisterRequest>,
) -> Result<HttpResponse, ApiError> {
    limit(&state, &req, Some(&body.email))?;
    let session = db_hashing(&state, move |state| state.accounts.register(body.into())).await??;
    Ok(no_store(HttpResponse::Created()).json(AuthSession::from(session)))
}

/// Log in with e-mail and password.
#[utoipa::path(
    post, path = "/api/v1/auth/login", tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Logged in", body = AuthSession),
        (status = 400, response = BadRequest),
        (status = 401, description = "Unknown e-mail or wrong password (indistinguishable)"),
        (status = 422, response = UnprocessableEntity),
        (status = 429, description = "Too many attempts (per address, or failed logins per account)"),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 503, description = "No password-hashing slot (PASSWORD_HASHING_CONCURRENCY) or database connection free within the request's deadline; retry later"),
    )
)]
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    ApiJson(body): ApiJson<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    limit(&state, &req, Some(&body.email))?;
    let session = db_hashing(&state, move |state| {
        state.accounts.login(&body.email, &body.password)
    })
    .await??;
    Ok(no_store(HttpResponse::Ok()).json(AuthSession::from(session)))
}

/// Exchange a refresh token for a new access and refresh token. Each refresh token works
/// once; presenting a used one again revokes every token of that login.
#[utoipa::path(
    post, path = "/api/v1/auth/refresh", tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "New token pair", body = TokenResponse),
        (status = 400, response = BadRequest),
        (status = 401, description = "Invalid, expired, revoked or reused refresh token"),
        (status = 422, response = UnprocessableEntity),
        (status = 429, response = TooManyRequests),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
    )
)]
pub async fn refresh(
    state: web::Data<AppState>,
    req: HttpRequest,
    ApiJson(body): ApiJson<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    limit(&state, &req, None)?;
    let tokens = db(&state, move |state| {
        state.accounts.refresh(&body.refresh_token)
    })
    .await??;
    Ok(no_store(HttpResponse::Ok()).json(TokenResponse::from(tokens)))
}

/// Revoke the login that the refresh token belongs to. Unknown tokens are ignored.
#[utoipa::path(
    post, path = "/api/v1/auth/logout", tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 204, description = "Logged out"),
        (status = 400, response = BadRequest),
        (status = 422, response = UnprocessableEntity),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
    )
)]
pub async fn logout(
    state: web::Data<AppState>,
    ApiJson(body): ApiJson<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    db(&state, move |state| {
        state.accounts.logout(&body.refresh_token)
    })
    .await??;
    Ok(HttpResponse::NoContent().finish())
}
