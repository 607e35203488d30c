//! The OpenAPI document, generated from the handlers' annotations.

use utoipa::openapi::path::HttpMethod;
use utoipa::openapi::request_body::RequestBody;
use utoipa::openapi::schema::{ArrayItems, Schema, SchemaType, Type};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{Ref, RefOr, Required};
use utoipa::{Modify, OpenApi};

use crate::booking_dto;
use crate::catalog_dto;
use crate::dto;
use crate::error::{responses, Problem};
use crate::payment_dto;
use crate::routes::catalog::{adventures, equipment};
use crate::routes::{auth, availability, bookings, catalog, health, me, payments};
#[cfg(test)]
use tests::ListedSchema;

/// Declares [`ApiDoc`] and [`listed_schemas`] from one list of schema types, so that the test
/// below can check that no two of them (nor a schema collected from an operation) share a
/// component name: utoipa keeps one schema per name and silently drops the other.
macro_rules! api_doc {
    (
        paths: [$($($path:ident)::+),* $(,)?],
        schemas: [$($($segment:ident)::+),* $(,)?] $(,)?
    ) => {
        #[derive(OpenApi)]
        #[openapi(
            info(
                title = "WaterTrek API",
                description = "Booking marketplace for equipment rentals and adventures. Errors are \
                    `application/problem+json` (RFC 9457). Authenticate with `Authorization: Bearer \
                    <access token>` from `/auth/login` or `/auth/register`.",
                license(name = "Apache-2.0"),
            ),
            paths($($($path)::+),*),
            components(schemas($($($segment)::+),*)),
            modifiers(&BearerAuth, &ProblemResponses, &TextPatterns),
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

        /// Every schema type listed in [`ApiDoc`]: its Rust path, component name and schema,
        /// and the named schemas it refers to.
        #[cfg(test)]
        fn listed_schemas() -> Vec<ListedSchema> {
            vec![$(ListedSchema::of::<$($segment)::+>(stringify!($($segment)::+))),*]
        }

        /// For each operation, a document of that operation alone, with the schemas that
        /// utoipa collects from it (its request and response bodies and what they refer to).
        #[cfg(test)]
        fn single_operation_documents() -> Vec<(&'static str, utoipa::openapi::OpenApi)> {
            vec![$((stringify!($($path)::+), {
                #[derive(OpenApi)]
                #[openapi(paths($($path)::+))]
                struct Single;
                Single::openapi()
            })),*]
        }
    };
}

api_doc! {
    paths: [
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
    ],
    schemas: [
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
        dto::AuthSession,
        dto::TokenResponse,
        dto::HealthResponse,
        catalog_dto::MoneyDto,
        catalog_dto::CategoryResponse,
        catalog_dto::NewCategoryRequest,
        catalog_dto::CategoryRequest,
        catalog_dto::EquipmentBody,
        catalog_dto::AdventureBody,
        catalog_dto::ImageResponse,
        catalog_dto::ImageUploadForm,
        catalog_dto::FormBoolean,
        catalog_dto::PricingUnitDto,
        catalog_dto::CancellationPolicyDto,
        catalog_dto::SortDto,
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
        booking_dto::BookingStatusDto,
        booking_dto::ActionRequest,
        booking_dto::EventActor,
        booking_dto::BookingEventResponse,
        payment_dto::PaymentIntentResponse,
        payment_dto::RefundResponse,
        payment_dto::PaymentResponse,
        payment_dto::RefundPreviewResponse,
        payment_dto::SimulateRequest,
        payment_dto::SimulatedOutcomeDto,
        payment_dto::WebhookResponse,
    ]
}

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

/// Operations that never touch the database, so never answer 503.
const WITHOUT_DATABASE: &[(&str, HttpMethod)] = &[
    ("/health/live", HttpMethod::Get),
    ("/metrics", HttpMethod::Get),
];

/// The problem responses ([`crate::error::responses`]) go into `components.responses`, and
/// the operations refer to them:
/// - an error status written with a description only, `(status = 409, description = "…")`,
///   becomes a reference to the shared response of that status, with the operation's
///   description of what the status means there;
/// - every operation that touches the database may answer 503 (no connection within the
///   request's deadline, or the database locked), so each one documents it.
struct ProblemResponses;

impl Modify for ProblemResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        for (name, response) in responses::all() {
            components.responses.insert(name.to_owned(), response);
        }
        let reference = |name: &str, description: String| {
            let mut reference = Ref::new(format!("#/components/responses/{name}"));
            reference.description = description;
            RefOr::Ref(reference)
        };
        for (path, item) in openapi.paths.paths.iter_mut() {
            let operations = [
                (HttpMethod::Get, &mut item.get),
                (HttpMethod::Put, &mut item.put),
                (HttpMethod::Post, &mut item.post),
                (HttpMethod::Delete, &mut item.delete),
                (HttpMethod::Patch, &mut item.patch),
            ];
            for (method, operation) in operations {
                let Some(operation) = operation else { continue };
                let responses = &mut operation.responses.responses;
                for (status, response) in responses.iter_mut() {
                    let Some(name) = status.parse().ok().and_then(responses::component_of) else {
                        continue;
                    };
                    if let RefOr::T(inline) = response {
                        if inline.content.is_empty() && inline.headers.is_empty() {
                            *response = reference(name, std::mem::take(&mut inline.description));
                        }
                    }
                }
                if let Some(body) = &mut operation.request_body {
                    optional_body_is_absent_not_null(body);
                }
                // Every request's path and query are checked for control characters first.
                if !responses.contains_key("400") {
                    responses.insert(
                        "400".to_owned(),
                        reference(
                            "BadRequest",
                            "A control character in the path or query".to_owned(),
                        ),
                    );
                }
                let touches_database = !WITHOUT_DATABASE
                    .iter()
                    .any(|(p, m)| p == path && *m == method);
                if touches_database && !responses.contains_key("503") {
                    responses.insert(
                        "503".to_owned(),
                        reference("ServiceUnavailable", String::new()),
                    );
                }
            }
        }
    }
}

/// utoipa documents an optional body (`request_body(content = Option<T>)`) as `T` or `null`;
/// the server takes no body at all or a `T`, and refuses `null` (not an object). The body stays
/// optional (`required` unset) with the schema `T`.
fn optional_body_is_absent_not_null(body: &mut RequestBody) {
    if body.required == Some(Required::True) {
        return;
    }
    for content in body.content.values_mut() {
        let Some(RefOr::T(Schema::OneOf(one_of))) = &content.schema else {
            continue;
        };
        let is_null = |schema: &RefOr<Schema>| {
            matches!(schema, RefOr::T(Schema::Object(object))
                if object.schema_type == SchemaType::Type(Type::Null))
        };
        if let [a, b] = one_of.items.as_slice() {
            let inner = match (is_null(a), is_null(b)) {
                (true, false) => b.clone(),
                (false, true) => a.clone(),
                _ => continue,
            };
            content.schema = Some(inner);
        }
    }
}

/// Every C0 and C1 control character, as a regex class body.
const CONTROL: &str = r"\u0000-\u001F\u007F-\u009F";
/// Control characters other than tab, line feed and carriage return.
const CONTROL_BUT_BREAKS: &str = r"\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F";

/// The server refuses control characters in every string a client sends, and allows tab and
/// line breaks only in free text ([`crate::input`]). The schemas say so: every string property
/// and string parameter without a format, an enum or a pattern of its own gets the pattern of
/// its kind (free text by the field's name, as the server judges it). A field may ask for a
/// non-blank value with the placeholder pattern `<text-not-blank>`, filled in here the same
/// way. `Problem` describes the server's own messages and is left alone.
struct TextPatterns;

impl TextPatterns {
    fn class(field: &str) -> &'static str {
        if crate::input::FREE_TEXT_FIELDS.contains(&field) {
            CONTROL_BUT_BREAKS
        } else {
            CONTROL
        }
    }

    fn pattern(field: &str, placeholder: Option<&str>) -> Option<String> {
        let class = Self::class(field);
        match placeholder {
            None | Some("<text>") => Some(format!("^[^{class}]*$")),
            Some("<text-not-blank>") => Some(format!(r"^[^{class}]*[^{class}\s][^{class}]*$")),
            Some(_) => None,
        }
    }

    fn is_plain_string(object: &utoipa::openapi::schema::Object) -> bool {
        let is_string = match &object.schema_type {
            SchemaType::Type(Type::String) => true,
            SchemaType::Array(types) => types.contains(&Type::String),
            _ => false,
        };
        is_string && object.format.is_none() && object.enum_values.is_none()
    }

    /// Fills in the pattern of the string schema `schema` of the field `field`.
    fn fill(field: &str, schema: &mut RefOr<Schema>) {
        let RefOr::T(schema) = schema else { return };
        match schema {
            Schema::Object(object) => {
                if Self::is_plain_string(object) {
                    if let Some(pattern) = Self::pattern(field, object.pattern.as_deref()) {
                        object.pattern = Some(pattern);
                    }
                }
                Self::walk_properties(object);
            }
            Schema::Array(array) => {
                if let ArrayItems::RefOrSchema(items) = &mut array.items {
                    Self::fill(field, items);
                }
            }
            Schema::OneOf(one_of) => one_of.items.iter_mut().for_each(|s| Self::fill(field, s)),
            Schema::AllOf(all_of) => all_of.items.iter_mut().for_each(|s| Self::fill(field, s)),
            Schema::AnyOf(any_of) => any_of.items.iter_mut().for_each(|s| Self::fill(field, s)),
            _ => {}
        }
    }

    fn walk_properties(object: &mut utoipa::openapi::schema::Object) {
        for (name, property) in object.properties.iter_mut() {
            Self::fill(name, property);
        }
    }

    /// The patterns of the named schema `name` (none for `Problem`, the server's own words).
    fn apply(name: &str, schema: &mut RefOr<Schema>) {
        if name != "Problem" {
            Self::walk(schema);
        }
    }

    /// The patterns of a named schema's properties (a top-level schema is no field itself).
    fn walk(schema: &mut RefOr<Schema>) {
        let RefOr::T(schema) = schema else { return };
        match schema {
            Schema::Object(object) => Self::walk_properties(object),
            Schema::OneOf(one_of) => one_of.items.iter_mut().for_each(Self::walk),
            Schema::AllOf(all_of) => all_of.items.iter_mut().for_each(Self::walk),
            Schema::AnyOf(any_of) => any_of.items.iter_mut().for_each(Self::walk),
            _ => {}
        }
    }
}

impl Modify for TextPatterns {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(components) = openapi.components.as_mut() {
            for (name, schema) in components.schemas.iter_mut() {
                Self::apply(name, schema);
            }
        }
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ];
            for operation in operations.into_iter().flatten() {
                for parameter in operation.parameters.iter_mut().flatten() {
                    if let Some(schema) = parameter.schema.as_mut() {
                        Self::fill(&parameter.name.clone(), schema);
                    }
                }
            }
        }
    }
}

/// The document as pretty JSON.
pub fn document_json() -> Result<String, serde_json::Error> {
    ApiDoc::openapi().to_pretty_json()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde_json::Value;
    use utoipa::openapi::schema::Schema;
    use utoipa::openapi::RefOr;
    use utoipa::{Modify, OpenApi, ToSchema};

    use super::{listed_schemas, single_operation_documents, ApiDoc};

    /// A schema type listed in [`ApiDoc`].
    pub(super) struct ListedSchema {
        rust_path: &'static str,
        name: String,
        schema: Value,
        /// The named schemas it refers to, as the type itself generates them.
        references: Vec<(String, Value)>,
    }

    impl ListedSchema {
        pub(super) fn of<T: ToSchema>(rust_path: &'static str) -> Self {
            let mut references: Vec<(String, RefOr<Schema>)> = Vec::new();
            T::schemas(&mut references);
            let name = T::name().into_owned();
            Self {
                rust_path,
                schema: json(&name, &T::schema()),
                name,
                references: references
                    .into_iter()
                    .map(|(name, schema)| {
                        let schema = json(&name, &schema);
                        (name, schema)
                    })
                    .collect(),
            }
        }
    }

    /// The schema as the document has it (with its text patterns filled in).
    fn json(name: &str, schema: &RefOr<Schema>) -> Value {
        let mut schema = schema.clone();
        super::TextPatterns::apply(name, &mut schema);
        serde_json::to_value(schema).unwrap_or(Value::Null)
    }

    /// utoipa keeps one schema per component name: a second Rust type with the same name
    /// replaces the first without a word, and every operation that uses the first is then
    /// documented with the wrong body (as `SessionResponse` once was for `/auth/login`).
    #[test]
    fn every_component_name_belongs_to_exactly_one_rust_type() {
        let listed = listed_schemas();
        let mut owners: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for schema in &listed {
            owners
                .entry(schema.name.as_str())
                .or_default()
                .push(schema.rust_path);
        }
        let shared: Vec<String> = owners
            .iter()
            .filter(|(_, paths)| paths.len() > 1)
            .map(|(name, paths)| format!("{name}: {}", paths.join(", ")))
            .collect();
        assert!(
            shared.is_empty(),
            "component names used by more than one Rust type (rename one with \
             #[schema(as = ...)] or a new type name): {shared:?}"
        );

        let document = serde_json::to_value(ApiDoc::openapi()).unwrap_or(Value::Null);
        let components = document["components"]["schemas"]
            .as_object()
            .cloned()
            .unwrap_or_default();
        // A schema that utoipa collected from an operation (a request or response body) but
        // that is not in the list could carry a listed type's name: list every one.
        let unlisted: Vec<&String> = components
            .keys()
            .filter(|name| !owners.contains_key(name.as_str()))
            .collect();
        assert!(
            unlisted.is_empty(),
            "schemas in the document that are not listed in api_doc!: {unlisted:?}"
        );
        // Each listed type, and every named schema it refers to, is in the document as that
        // type generates it: no other type took its name ...
        for schema in &listed {
            let expected = std::iter::once((&schema.name, &schema.schema))
                .chain(schema.references.iter().map(|(name, value)| (name, value)));
            for (name, value) in expected {
                assert_eq!(
                    components.get(name),
                    Some(value),
                    "the component {name} (used by {}) is not the schema of that type",
                    schema.rust_path
                );
            }
        }
        // ... and so is every schema that an operation uses (two types of one name that are
        // both only collected from operations, and not listed, would otherwise go unnoticed).
        for (operation, mut single) in single_operation_documents() {
            super::TextPatterns.modify(&mut single);
            let single = serde_json::to_value(single).unwrap_or(Value::Null);
            let used = single["components"]["schemas"]
                .as_object()
                .cloned()
                .unwrap_or_default();
            for (name, value) in &used {
                assert_eq!(
                    components.get(name),
                    Some(value),
                    "{operation} uses a schema named {name} that is not the one in the document: \
                     two Rust types share that name"
                );
            }
        }
    }
}
