//! Errors as `application/problem+json` (RFC 9457), and the one place where domain errors
//! become HTTP statuses.

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use domain_accounts::{
    AuthError, ChangePasswordError, LoginError, ProfileError, RefreshError, RegisterError,
};
use domain_core::{StoreError, ValidationErrors};
use serde::Serialize;
use utoipa::ToSchema;

pub const PROBLEM_JSON: &str = "application/problem+json";

/// The body of every error response.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem: `urn:watertrek:problem:<code>`.
    #[serde(rename = "type")]
    #[schema(pattern = "^urn:watertrek:problem:[a-z_]+$")]
    pub problem_type: String,
    /// The status's reason phrase.
    pub title: String,
    /// The HTTP status code.
    #[schema(minimum = 400, maximum = 599)]
    pub status: u16,
    /// What went wrong, for people.
    pub detail: String,
    /// A stable, machine-readable code.
    #[schema(pattern = "^[a-z_]+$")]
    pub code: String,
    /// Messages per request field (validation failures only).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = std::collections::HashMap<String, Vec<String>>, required = false)]
    pub errors: Option<ValidationErrors>,
}

/// The problem responses of the OpenAPI document (`components.responses`), defined once and
/// referenced by the operations: `(status = 404, response = NotFound)`. An operation that
/// explains what a status means for it writes `(status = 409, description = "…")` instead;
/// [`crate::openapi`] turns that into a reference to the same response with that description.
/// Each example is the body the server sends, rendered from the [`ApiError`] it sends.
pub mod responses {
    use actix_web::http::StatusCode;
    use domain_core::ValidationErrors;
    use utoipa::openapi::header::Header;
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    use utoipa::openapi::{ContentBuilder, Ref, RefOr, Response, ResponseBuilder};

    use super::{ApiError, PROBLEM_JSON};

    fn problem(description: &str, example: &ApiError) -> ResponseBuilder {
        ResponseBuilder::new().description(description).content(
            PROBLEM_JSON,
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .example(serde_json::to_value(example.problem()).ok())
                .build(),
        )
    }

    fn header(description: &str, schema_type: Type) -> Header {
        let mut header = Header::new(ObjectBuilder::new().schema_type(schema_type));
        header.description = Some(description.to_owned());
        header
    }

    macro_rules! problem_responses {
        ($($(#[$doc:meta])* $name:ident = $status:literal, $description:literal, $example:expr $(, header $header:literal: $type:ident $header_description:literal)?;)*) => {
            $(
                $(#[$doc])*
                pub struct $name;

                impl<'r> utoipa::ToResponse<'r> for $name {
                    fn response() -> (&'r str, RefOr<Response>) {
                        #[allow(unused_mut)]
                        let mut response = problem($description, &$example);
                        $(response = response.header($header, header($header_description, Type::$type));)?
                        (stringify!($name), response.build().into())
                    }
                }
            )*

            /// The name of the shared response of `status`, if there is one.
            pub fn component_of(status: u16) -> Option<&'static str> {
                match status {
                    $($status => Some(stringify!($name)),)*
                    _ => None,
                }
            }

            /// Every shared response, for `components(responses(...))` of the document.
            pub fn all() -> Vec<(&'static str, RefOr<Response>)> {
                vec![$(<$name as utoipa::ToResponse>::response()),*]
            }
        };
    }

    problem_responses! {
        BadRequest = 400,
            "Malformed request: a body that is not well-formed JSON, or a malformed query or path.",
            ApiError::bad_request("malformed JSON: expected value at line 1 column 1");
        Unauthorized = 401,
            "No valid access token (missing, invalid, expired or revoked), or wrong credentials.",
            ApiError::unauthorized("the access token is missing, invalid or expired"),
            header "WWW-Authenticate": String "Always `Bearer`.";
        Forbidden = 403,
            "Authenticated, but the caller's role may not do this.",
            ApiError::forbidden("your role may not do this");
        NotFound = 404,
            "No such resource, or not one the caller may see.",
            ApiError::not_found();
        Conflict = 409,
            "The request conflicts with the current state. Codes: `email_taken`, `slug_taken`, \
             `item_code_taken`, `category_in_use`, `listing_has_bookings`, \
             `listing_has_payments`, `too_many_images`, `slot_taken`, `too_many_active_holds`, \
             `illegal_transition`, `hold_lapsed`.",
            ApiError::conflict("slot_taken", "not enough free units or seats at that time");
        PayloadTooLarge = 413,
            "The body or the upload is larger than the server accepts.",
            ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", "the request body is too large");
        UnsupportedMediaType = 415,
            "The body's Content-Type is missing or not the one the operation takes (JSON \
             operations take `application/json`).",
            ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "the request body must be JSON (Content-Type: application/json)",
            );
        UnprocessableEntity = 422,
            "Well-formed but invalid: `errors` names each field and what is wrong with it. \
             Codes: `validation_failed`, `booking_rules_violated`.",
            ApiError::validation(ValidationErrors::single("email", "is not a valid e-mail address"));
        TooManyRequests = 429,
            "Rate limited; retry after the number of seconds in `Retry-After`.",
            ApiError::rate_limited(30),
            header "Retry-After": Integer "Seconds to wait before retrying.";
        InternalServerError = 500,
            "The server failed; nothing about the cause is shown (it is logged).",
            ApiError::internal("");
        BadGateway = 502,
            "The payment provider refused the request.",
            ApiError::new(
                StatusCode::BAD_GATEWAY,
                "payment_provider_refused",
                "the payment provider refused the request",
            );
        ServiceUnavailable = 503,
            "The database (or the payment provider) did not answer in time; retry later.",
            ApiError::unavailable("");
    }
}

/// An error on its way to becoming a problem response.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    detail: String,
    errors: Option<Box<ValidationErrors>>,
    /// Headers the problem comes with (`Retry-After` of a 429, `Allow` of a 405).
    headers: Vec<(header::HeaderName, String)>,
    /// Logged for 5xx, never shown.
    cause: Option<Box<str>>,
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.status.as_u16(), self.code, self.detail)
    }
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, detail: impl Into<String>) -> Self {
        Self {
            status,
            code,
            detail: detail.into(),
            errors: None,
            headers: Vec::new(),
            cause: None,
        }
    }

    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_request", detail)
    }

    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", detail)
    }

    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", detail)
    }

    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", "no such resource")
    }

    pub fn conflict(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code, detail)
    }

    pub fn validation(errors: ValidationErrors) -> Self {
        Self {
            errors: Some(Box::new(errors)),
            ..Self::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation_failed",
                "some fields are invalid",
            )
        }
    }

    /// This error with messages per field (e.g. a 400 naming the query parameter at fault).
    pub fn with_errors(self, errors: ValidationErrors) -> Self {
        Self {
            errors: Some(Box::new(errors)),
            ..self
        }
    }

    pub fn payload_too_large(max_bytes: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!("the upload is larger than {max_bytes} bytes"),
        )
    }

    /// 405 for a path that answers other methods, listed in `allow`.
    pub fn method_not_allowed(allow: String) -> Self {
        Self {
            headers: vec![(header::ALLOW, allow)],
            ..Self::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "this path does not answer this method; see the Allow header",
            )
        }
    }

    pub fn rate_limited(retry_after_secs: u64) -> Self {
        Self {
            headers: vec![(header::RETRY_AFTER, retry_after_secs.max(1).to_string())],
            ..Self::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                "too many requests; retry later",
            )
        }
    }

    pub fn unavailable(cause: impl std::fmt::Display) -> Self {
        Self {
            cause: Some(cause.to_string().into_boxed_str()),
            ..Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "service_unavailable",
                "the service is temporarily unavailable; retry later",
            )
        }
    }

    pub fn internal(cause: impl std::fmt::Display) -> Self {
        Self {
            cause: Some(cause.to_string().into_boxed_str()),
            ..Self::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal_error",
                "an unexpected error occurred",
            )
        }
    }

    pub fn code(&self) -> &'static str {
        self.code
    }

    /// The body of the response.
    pub fn problem(&self) -> Problem {
        Problem {
            problem_type: format!("urn:watertrek:problem:{}", self.code),
            title: self.status.canonical_reason().unwrap_or("Error").to_owned(),
            status: self.status.as_u16(),
            detail: self.detail.clone(),
            code: self.code.to_owned(),
            errors: self.errors.as_deref().cloned(),
        }
    }
}

/// The full chain of causes, for logs.
fn chain(error: &dyn std::error::Error) -> String {
    let mut out = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        out.push_str(": ");
        out.push_str(&cause.to_string());
        source = cause.source();
    }
    out
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        if self.status.is_server_error() {
            tracing::error!(
                status = self.status.as_u16(),
                code = self.code,
                cause = self.cause.as_deref().unwrap_or(""),
                "request failed"
            );
        } else {
            // Refusals (409 slot taken, 422, 404, …) are answers, not problems of the server:
            // logging each at WARN cost a formatted log line per refused booking under load.
            tracing::debug!(
                status = self.status.as_u16(),
                code = self.code,
                "request refused"
            );
        }
        let body = self.problem();
        let mut response = HttpResponse::build(self.status);
        response.insert_header((header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON)));
        for (name, value) in &self.headers {
            response.insert_header((name.clone(), value.as_str()));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
        }
        response.body(serde_json::to_string(&body).unwrap_or_default())
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match &error {
            StoreError::Unavailable(_) => ApiError::unavailable(chain(&error)),
            StoreError::Unexpected(_) => ApiError::internal(chain(&error)),
        }
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(error: actix_web::error::BlockingError) -> Self {
        ApiError::internal(error)
    }
}

impl From<RegisterError> for ApiError {
    fn from(error: RegisterError) -> Self {
        match error {
            RegisterError::Invalid(errors) => ApiError::validation(errors),
            RegisterError::EmailTaken => ApiError::conflict(
                "email_taken",
                "an account with this e-mail address already exists",
            ),
            RegisterError::SlugTaken => {
                ApiError::conflict("slug_taken", "this vendor slug is already taken")
            }
            RegisterError::Store(error) => error.into(),
        }
    }
}

impl From<LoginError> for ApiError {
    fn from(error: LoginError) -> Self {
        match error {
            LoginError::InvalidCredentials => ApiError::new(
                StatusCode::UNAUTHORIZED,
                "invalid_credentials",
                "invalid e-mail or password",
            ),
            LoginError::TooManyAttempts { retry_after } => {
                ApiError::rate_limited(u64::try_from(retry_after.num_seconds()).unwrap_or(1))
            }
            LoginError::Store(error) => error.into(),
        }
    }
}

impl From<RefreshError> for ApiError {
    fn from(error: RefreshError) -> Self {
        match error {
            RefreshError::Invalid | RefreshError::Reused => ApiError::new(
                StatusCode::UNAUTHORIZED,
                "invalid_refresh_token",
                "the refresh token is invalid, expired or already used",
            ),
            RefreshError::Store(error) => error.into(),
        }
    }
}

impl From<AuthError> for ApiError {
    fn from(error: AuthError) -> Self {
        match error {
            AuthError::Rejected(reason) => {
                tracing::debug!(%reason, "access token rejected");
                ApiError::unauthorized("the access token is missing, invalid or expired")
            }
            AuthError::Store(error) => error.into(),
        }
    }
}

impl From<ProfileError> for ApiError {
    fn from(error: ProfileError) -> Self {
        match error {
            ProfileError::Invalid(errors) => ApiError::validation(errors),
            ProfileError::WrongRole => ApiError::forbidden("this profile belongs to another role"),
            ProfileError::NotFound => ApiError::not_found(),
            ProfileError::SlugTaken => {
                ApiError::conflict("slug_taken", "this vendor slug is already taken")
            }
            ProfileError::Store(error) => error.into(),
        }
    }
}

impl From<ChangePasswordError> for ApiError {
    fn from(error: ChangePasswordError) -> Self {
        match error {
            ChangePasswordError::Invalid(errors) => ApiError::validation(errors),
            ChangePasswordError::NotFound => ApiError::not_found(),
            ChangePasswordError::Store(error) => error.into(),
        }
    }
}

impl From<domain_catalog::CatalogError> for ApiError {
    fn from(error: domain_catalog::CatalogError) -> Self {
        use domain_catalog::CatalogError;
        match error {
            CatalogError::Forbidden => ApiError::forbidden("your role may not do this"),
            CatalogError::NotFound => ApiError::not_found(),
            CatalogError::Invalid(errors) => ApiError::validation(errors),
            CatalogError::CategorySlugTaken => {
                ApiError::conflict("slug_taken", "a category of this kind has this slug")
            }
            CatalogError::CategoryInUse => {
                ApiError::conflict("category_in_use", "listings use this category")
            }
            CatalogError::ItemCodeTaken => ApiError::conflict(
                "item_code_taken",
                "you have another item with this item_code",
            ),
            CatalogError::HasFutureBookings => ApiError::conflict(
                "listing_has_bookings",
                "the listing has future bookings; deactivate it (is_active: false) instead",
            ),
            CatalogError::HasPayments => ApiError::conflict(
                "listing_has_payments",
                "the listing has paid bookings, whose payment records are kept; deactivate it \
                 (is_active: false) instead",
            ),
            CatalogError::Store(error) => error.into(),
        }
    }
}

impl From<domain_catalog::UploadError> for ApiError {
    fn from(error: domain_catalog::UploadError) -> Self {
        use domain_catalog::UploadError;
        match error {
            UploadError::NotFound => ApiError::not_found(),
            UploadError::UnsupportedType => ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "only JPEG, PNG and WebP images are accepted (judged by content)",
            ),
            UploadError::TooLarge { max_bytes } => ApiError::payload_too_large(max_bytes),
            UploadError::TooManyImages => ApiError::conflict(
                "too_many_images",
                format!(
                    "a listing has at most {} images",
                    domain_catalog::MAX_IMAGES_PER_LISTING
                ),
            ),
            UploadError::Invalid(errors) => ApiError::validation(errors),
            UploadError::Store(error) => error.into(),
        }
    }
}

impl From<domain_booking::BookingError> for ApiError {
    fn from(error: domain_booking::BookingError) -> Self {
        use domain_booking::BookingError;
        match error {
            BookingError::NotFound => ApiError::not_found(),
            BookingError::Invalid(errors) => ApiError::validation(errors),
            BookingError::Store(error) => error.into(),
        }
    }
}

impl From<domain_booking::RequestError> for ApiError {
    fn from(error: domain_booking::RequestError) -> Self {
        use domain_booking::RequestError;
        let reasons = |reasons: &[domain_booking::Reason]| {
            let mut errors = ValidationErrors::new();
            for reason in reasons {
                errors.add(
                    "reasons",
                    format!("{}: {}", reason.code(), reason.message()),
                );
            }
            errors
        };
        match error {
            RequestError::Forbidden => ApiError::forbidden("only customers request bookings"),
            RequestError::NotFound => ApiError::not_found(),
            RequestError::Invalid(errors) => ApiError::validation(errors),
            RequestError::RuleViolations(list) => ApiError {
                errors: Some(Box::new(reasons(&list))),
                ..ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "booking_rules_violated",
                    "the request breaks booking rules",
                )
            },
            RequestError::NoCapacity(list) => ApiError {
                errors: Some(Box::new(reasons(&list))),
                ..ApiError::conflict("slot_taken", "not enough free units or seats at that time")
            },
            RequestError::TooManyHolds => ApiError::conflict(
                "too_many_active_holds",
                "you have the maximum number of pending booking requests",
            ),
            RequestError::KeyConflict => ApiError::validation(ValidationErrors::single(
                "Idempotency-Key",
                "was used before for a different request",
            )),
            RequestError::Store(error) => error.into(),
        }
    }
}

impl From<domain_booking::ActionError> for ApiError {
    fn from(error: domain_booking::ActionError) -> Self {
        use domain_booking::ActionError;
        match error {
            ActionError::NotFound => ApiError::not_found(),
            ActionError::Forbidden => {
                ApiError::forbidden("your role may not do this to the booking")
            }
            ActionError::Illegal(status) => ApiError::conflict(
                "illegal_transition",
                format!("the booking is {status}; that change is not possible"),
            ),
            ActionError::Lapsed => {
                ApiError::conflict("hold_lapsed", "the hold or the payment deadline has passed")
            }
            ActionError::NoCapacity => ApiError::conflict(
                "slot_taken",
                "the capacity for this booking is no longer there",
            ),
            ActionError::Invalid(errors) => ApiError::validation(errors),
            ActionError::Store(error) => error.into(),
        }
    }
}

impl From<domain_payment::GatewayError> for ApiError {
    fn from(error: domain_payment::GatewayError) -> Self {
        use domain_payment::GatewayError;
        match error {
            GatewayError::Unavailable(_) => Self {
                cause: Some(error.to_string().into_boxed_str()),
                ..ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "payment_provider_unavailable",
                    "the payment provider cannot be reached; retry later",
                )
            },
            GatewayError::Unauthorized => ApiError::internal(error),
            GatewayError::Refused(_) | GatewayError::NotFound(_) => Self {
                cause: Some(error.to_string().into_boxed_str()),
                ..ApiError::new(
                    StatusCode::BAD_GATEWAY,
                    "payment_provider_refused",
                    "the payment provider refused the request",
                )
            },
        }
    }
}

impl From<domain_payment::PaymentError> for ApiError {
    fn from(error: domain_payment::PaymentError) -> Self {
        use domain_payment::PaymentError;
        match error {
            PaymentError::NotFound => ApiError::not_found(),
            PaymentError::Forbidden => ApiError::forbidden("your role may not do this"),
            PaymentError::Illegal(status) => ApiError::conflict(
                "illegal_transition",
                format!("the booking is {status}; that is not possible now"),
            ),
            PaymentError::Lapsed => {
                ApiError::conflict("hold_lapsed", "the payment deadline has passed")
            }
            PaymentError::Gateway(error) => error.into(),
            PaymentError::Store(error) => error.into(),
        }
    }
}

impl From<domain_payment::WebhookError> for ApiError {
    fn from(error: domain_payment::WebhookError) -> Self {
        use domain_payment::WebhookError;
        match error {
            WebhookError::Signature(error) => ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_signature",
                error.to_string(),
            ),
            WebhookError::Event(error) => {
                ApiError::new(StatusCode::BAD_REQUEST, "invalid_event", error.to_string())
            }
            WebhookError::Store(error) => error.into(),
        }
    }
}
