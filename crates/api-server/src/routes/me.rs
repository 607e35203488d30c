//! `/me*`: the caller's own account and profiles.

use actix_web::{web, HttpResponse};

use crate::blocking::{db, db_hashing};
use crate::dto::{
    CustomerProfilePatch, CustomerProfileResponse, PasswordChangeRequest, UserPatch, UserResponse,
    VendorProfilePatch, VendorProfileResponse,
};
use crate::error::responses::*;
use crate::error::ApiError;
use crate::extract::{ApiJson, AuthUser};
use crate::state::AppState;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/me", web::get().to(get_me))
        .route("/me", web::patch().to(patch_me))
        .route("/me/password", web::post().to(change_password))
        .route("/me/vendor-profile", web::get().to(get_vendor_profile))
        .route("/me/vendor-profile", web::patch().to(patch_vendor_profile))
        .route("/me/customer-profile", web::get().to(get_customer_profile))
        .route(
            "/me/customer-profile",
            web::patch().to(patch_customer_profile),
        );
}

/// The caller's account with the profile of their role.
#[utoipa::path(get, path = "/api/v1/me", tag = "me", security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller", body = UserResponse),
        (status = 401, response = Unauthorized),
    ))]
pub async fn get_me(
    state: web::Data<AppState>,
    AuthUser(principal): AuthUser,
) -> Result<HttpResponse, ApiError> {
    let account = db(&state, move |state| state.accounts.me(&principal)).await??;
    Ok(HttpResponse::Ok().json(UserResponse::from(account)))
}

/// Change `full_name` and `phone` (absent: unchanged; `null`: cleared).
#[utoipa::path(patch, path = "/api/v1/me", tag = "me", security(("bearer" = [])),
    request_body = UserPatch,
    responses(
        (status = 200, description = "The updated caller", body = UserResponse),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 422, description = "Invalid or unknown fields (role, email, ids, timestamps are not writable)"),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
    ))]
pub async fn patch_me(
    state: web::Data<AppState>,
    AuthUser(principal): AuthUser,
    ApiJson(body): ApiJson<UserPatch>,
) -> Result<HttpResponse, ApiError> {
    let account = db(&state, move |state| {
        state.accounts.update_me(&principal, &body.into())
    })
    .await??;
    Ok(HttpResponse::Ok().json(UserResponse::from(account)))
}

/// Change the password. Revokes every refresh token and every access token issued before.
#[utoipa::path(post, path = "/api/v1/me/password", tag = "me", security(("bearer" = [])),
    request_body = PasswordChangeRequest,
    responses(
        (status = 204, description = "Password changed; log in again"),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 422, description = "Wrong current_password or invalid new_password"),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 503, description = "No password-hashing slot (PASSWORD_HASHING_CONCURRENCY) or database connection free within the request's deadline; retry later"),
    ))]
pub async fn change_password(
    state: web::Data<AppState>,
    AuthUser(principal): AuthUser,
    ApiJson(body): ApiJson<PasswordChangeRequest>,
) -> Result<HttpResponse, ApiError> {
    db_hashing(&state, move |state| {
        state
            .accounts
            .change_password(&principal, &body.current_password, &body.new_password)
    })
    .await??;
    Ok(HttpResponse::NoContent().finish())
}

/// The caller's vendor profile (vendors only).
#[utoipa::path(get, path = "/api/v1/me/vendor-profile", tag = "me", security(("bearer" = [])),
    responses(
        (status = 200, description = "The vendor profile", body = VendorProfileResponse),
        (status = 401, response = Unauthorized),
        (status = 403, description = "The caller is not a vendor"),
    ))]
pub async fn get_vendor_profile(
    state: web::Data<AppState>,
    AuthUser(principal): AuthUser,
) -> Result<HttpResponse, ApiError> {
    let profile = db(&state, move |state| {
        state.accounts.vendor_profile(&principal)
    })
    .await??;
    Ok(HttpResponse::Ok().json(VendorProfileResponse::from(profile)))
}

/// Change the caller's vendor profile (vendors only).
#[utoipa::path(patch, path = "/api/v1/me/vendor-profile", tag = "me", security(("bearer" = [])),
    request_body = VendorProfilePatch,
    responses(
        (status = 200, description = "The updated vendor profile", body = VendorProfileResponse),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, description = "The caller is not a vendor"),
        (status = 409, description = "Slug taken"),
        (status = 422, response = UnprocessableEntity),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
    ))]
pub async fn patch_vendor_profile(
    state: web::Data<AppState>,
    AuthUser(principal): AuthUser,
    ApiJson(body): ApiJson<VendorProfilePatch>,
) -> Result<HttpResponse, ApiError> {
    let profile = db(&state, move |state| {
        state
            .accounts
            .update_vendor_profile(&principal, &body.into())
    })
    .await??;
    Ok(HttpResponse::Ok().json(VendorProfileResponse::from(profile)))
}

/// The caller's renter profile (customers only).
#[utoipa::path(get, path = "/api/v1/me/customer-profile", tag = "me", security(("bearer" = [])),
    responses(
        (status = 200, description = "The customer profile", body = CustomerProfileResponse),
        (status = 401, response = Unauthorized),
        (status = 403, description = "The caller is not a customer"),
    ))]
pub async fn get_customer_profile(
    state: web::Data<AppState>,
    AuthUser(principal): AuthUser,
) -> Result<HttpResponse, ApiError> {
    let profile = db(&state, move |state| {
        state.accounts.customer_profile(&principal)
    })
    .await??;
    Ok(HttpResponse::Ok().json(CustomerProfileResponse::from(profile)))
}

/// Change the caller's renter profile (customers only).
#[utoipa::path(patch, path = "/api/v1/me/customer-profile", tag = "me", security(("bearer" = [])),
    request_body = CustomerProfilePatch,
    responses(
        (status = 200, description = "The updated customer profile", body = CustomerProfileResponse),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, description = "The caller is not a customer"),
        (status = 422, response = UnprocessableEntity),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
    ))]
pub async fn patch_customer_profile(
    state: web::Data<AppState>,
    AuthUser(principal): AuthUser,
    ApiJson(body): ApiJson<CustomerProfilePatch>,
) -> Result<HttpResponse, ApiError> {
    let profile = db(&state, move |state| {
        state
            .accounts
            .update_customer_profile(&principal, &body.into())
    })
    .await??;
    Ok(HttpResponse::Ok().json(CustomerProfileResponse::from(profile)))
}
