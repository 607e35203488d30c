//! The OpenAPI document, generated from the handlers' annotations.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::booking_dto;
use crate::catalog_dto;
use crate::dto;
use crate::error::Problem;
use crate::payment_dto;
use crate::routes::catalog::{adventures, equipment};
use crate::routes::{auth, availability, bookings, catalog, health, me, payments};

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
        health::metrics,
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
        equipment::categories,
        equipment::browse,
        equipment::detail,
        equipment::create,
        equipment::update,
        equipment::delete,
        equipment::mine,
        equipment::upload_image,
        equipment::update_image,
        equipment::delete_image,
        equipment::create_category,
        equipment::update_category,
        equipment::delete_category,
        adventures::categories,
        adventures::browse,
        adventures::detail,
        adventures::create,
        adventures::update,
        adventures::delete,
        adventures::mine,
        adventures::upload_image,
        adventures::update_image,
        adventures::delete_image,
        adventures::create_category,
        adventures::update_category,
        adventures::delete_category,
        catalog::storefront,
        availability::put_availability,
        availability::get_availability,
        availability::add_blackout,
        availability::list_blackouts,
        availability::delete_blackout,
        availability::add_sessions,
        availability::list_sessions,
        availability::cancel_session,
        availability::quote,
        bookings::create,
        bookings::list,
        bookings::detail,
        bookings::approve,
        bookings::decline,
        bookings::cancel,
        bookings::confirm,
        bookings::events,
        payments::create_intent,
        payments::payment,
        payments::refund_preview,
        payments::webhook,
        payments::simulate,
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
        catalog_dto::MoneyDto,
        catalog_dto::CategoryResponse,
        catalog_dto::CategoryRequest,
        catalog_dto::EquipmentBody,
        catalog_dto::AdventureBody,
        catalog_dto::ImageResponse,
        catalog_dto::ImageUploadForm,
        catalog_dto::ImagePatch,
        catalog_dto::VendorRef,
        catalog_dto::ListingCommon,
        catalog_dto::EquipmentResponse,
        catalog_dto::AdventureResponse,
        catalog_dto::EquipmentPage,
        catalog_dto::AdventurePage,
        catalog_dto::StorefrontResponse,
        booking_dto::WeeklyRuleDto,
        booking_dto::AvailabilityRequest,
        booking_dto::WeeklyHoursResponse,
        booking_dto::IntervalDto,
        booking_dto::SlotDto,
        booking_dto::AvailabilityResponse,
        booking_dto::BlackoutRequest,
        booking_dto::BlackoutResponse,
        booking_dto::SessionsRequest,
        booking_dto::SessionResponse,
        booking_dto::QuoteRequest,
        booking_dto::ReasonDto,
        booking_dto::LineItemDto,
        booking_dto::QuoteResponse,
        booking_dto::BookingRequest,
        booking_dto::BookingResponse,
        booking_dto::BookingPage,
        booking_dto::ActionRequest,
        booking_dto::EventActor,
        booking_dto::BookingEventResponse,
        payment_dto::PaymentIntentResponse,
        payment_dto::RefundResponse,
        payment_dto::PaymentResponse,
        payment_dto::RefundPreviewResponse,
        payment_dto::SimulateRequest,
        payment_dto::WebhookResponse,
    )),
    modifiers(&BearerAuth),
    tags(
        (name = "auth", description = "Registration, login and tokens"),
        (name = "me", description = "The caller's account and profiles"),
        (name = "equipment", description = "Equipment listings: browse, manage, images"),
        (name = "adventures", description = "Adventure listings: browse, manage, images"),
        (name = "catalog", description = "Vendor storefronts"),
        (name = "bookings", description = "Booking requests, lifecycle and history"),
        (name = "payments", description = "PaymentIntents, refunds and the Stripe webhook"),
        (name = "availability", description = "Opening hours, blackouts, sessions, timelines and quotes"),
        (name = "admin", description = "Administration (role admin)"),
        (name = "operations", description = "Health checks and metrics"),
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
