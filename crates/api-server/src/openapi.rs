//! The OpenAPI document, generated from the handlers' annotations.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::dto;
use crate::error::Problem;
use crate::routes::{auth, health, me};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "WaterTrek API",
        description = "Booking marketplace for equipment rentals and adventures. Errors are \
            `application/problem+json` (RFC 9457). Authenticate with `Authorization: Bearer \
            <access token>` from `/auth/login` or `/auth/register`.",
        license(name = "Apache-2.0"),
    ),
    paths(
        health::live,
        health::ready,
        auth::register,
        auth::login,
        auth::refresh,
        auth::logout,
        me::get_me,
        me::patch_me,
        me::change_password,
        me::get_vendor_profile,
        me::patch_vendor_profile,
        me::get_customer_profile,
        me::patch_customer_profile,
    ),
    components(schemas(
        Problem,
        dto::RegisterRequest,
        dto::VendorRegistration,
        dto::RegistrableRole,
        dto::LoginRequest,
        dto::RefreshRequest,
        dto::PasswordChangeRequest,
        dto::UserPatch,
        dto::VendorProfilePatch,
        dto::CustomerProfilePatch,
        dto::RoleDto,
        dto::UserResponse,
        dto::VendorProfileResponse,
        dto::CustomerProfileResponse,
        dto::SessionResponse,
        dto::TokenResponse,
        dto::HealthResponse,
    )),
    modifiers(&BearerAuth),
    tags(
        (name = "auth", description = "Registration, login and tokens"),
        (name = "me", description = "The caller's account and profiles"),
        (name = "operations", description = "Health checks"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

/// The document as pretty JSON.
pub fn document_json() -> Result<String, serde_json::Error> {
    ApiDoc::openapi().to_pretty_json()
}
