//! Request and response bodies of the catalog API.

use chrono::{DateTime, Utc};
use domain_catalog as catalog;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use crate::dto::{patch, VendorProfileResponse};

/// An amount in integer minor units of a currency.
#[derive(Debug, Serialize, ToSchema)]
pub struct MoneyDto {
    #[schema(example = 12500)]
    pub amount: i64,
    #[schema(example = "EUR")]
    pub currency: String,
}

pub(crate) fn money(amount: i64, currency: &domain_core::Currency) -> MoneyDto {
    MoneyDto {
        amount,
        currency: currency.code().to_owned(),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryResponse {
    pub id: String,
    #[schema(example = "boat")]
    pub slug: String,
    #[schema(example = "Boats")]
    pub name: String,
}

impl From<catalog::Category> for CategoryResponse {
    fn from(c: catalog::Category) -> Self {
        Self {
            id: c.id,
            slug: c.slug,
            name: c.name,
        }
    }
}

/// A new category. (The handler reads it as a [`CategoryRequest`], so that it reports every
/// missing or invalid field at once.)
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // Documents the body of a create.
pub struct NewCategoryRequest {
    /// Lower-case letters and digits with single hyphens between them.
    #[schema(
        example = "kayak",
        min_length = 3,
        max_length = 60,
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$"
    )]
    pub slug: String,
    #[schema(
        example = "Kayaks",
        min_length = 1,
        max_length = 200,
        pattern = "<text-not-blank>"
    )]
    pub name: String,
}

/// Changes to a category: either field or both.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CategoryRequest {
    /// Lower-case letters and digits with single hyphens between them.
    #[schema(
        example = "kayak",
        min_length = 3,
        max_length = 60,
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$"
    )]
    pub slug: Option<String>,
    #[schema(
        example = "Kayaks",
        min_length = 1,
        max_length = 200,
        pattern = "<text-not-blank>"
    )]
    pub name: Option<String>,
}

/// A listing's `attributes`: a JSON object of at most 50 keys (or `null`: none given).
fn attributes_schema() -> utoipa::openapi::Object {
    use utoipa::openapi::schema::{ObjectBuilder, SchemaType, Type};
    ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::Object, Type::Null]))
        .max_properties(Some(catalog::MAX_ATTRIBUTES))
        .description(Some(
            "Free-form filterable metadata: a JSON object of at most 50 keys and 8 KiB.",
        ))
        .build()
}

/// Declares a listing body: the fields every listing has, then the fields of its kind, and its
/// mapping into the domain's `ListingInput`. One macro instead of two near-copies, because
/// serde cannot combine `flatten` with `deny_unknown_fields`.
macro_rules! listing_body {
    (
        $(#[$attr:meta])*
        pub struct $name:ident {
            $( $(#[$field_attr:meta])* pub $field:ident : $ty:ty, )*
        }
    ) => {
        #[derive(Debug, Default, Deserialize, ToSchema)]
        #[serde(deny_unknown_fields)]
        $(#[$attr])*
        pub struct $name {
            /// Category slug of the listing's kind (an existing category). Required on create.
            #[schema(min_length = 1)]
            pub category: Option<String>,
            /// Required on create.
            #[schema(min_length = 1, max_length = 200, pattern = "<text-not-blank>")]
            pub title: Option<String>,
            #[serde(default, deserialize_with = "patch")]
            #[schema(value_type = Option<String>, nullable, max_length = 5000, pattern = "<text>")]
            pub description: Option<Option<String>>,
            #[serde(default, deserialize_with = "patch")]
            #[schema(value_type = Option<String>, nullable, max_length = 300, pattern = "<text>")]
            pub address: Option<Option<String>>,
            /// Required on create.
            #[schema(min_length = 1, max_length = 200, pattern = "<text-not-blank>")]
            pub city: Option<String>,
            #[serde(default, deserialize_with = "patch")]
            #[schema(value_type = Option<String>, nullable, max_length = 200, pattern = "<text>")]
            pub region: Option<Option<String>>,
            /// ISO 3166-1 alpha-2. Required on create.
            #[schema(example = "PT", min_length = 2, max_length = 2)]
            pub country: Option<String>,
            /// With `longitude`.
            #[serde(default, deserialize_with = "patch")]
            #[schema(value_type = Option<f64>, nullable, minimum = -90, maximum = 90)]
            pub latitude: Option<Option<f64>>,
            /// With `latitude`.
            #[serde(default, deserialize_with = "patch")]
            #[schema(value_type = Option<f64>, nullable, minimum = -180, maximum = 180)]
            pub longitude: Option<Option<f64>>,
            /// IANA time zone; default the vendor's.
            #[schema(example = "Europe/Lisbon", min_length = 1)]
            pub timezone: Option<String>,
            /// ISO 4217. Required on create.
            #[schema(example = "EUR", min_length = 3, max_length = 3)]
            pub currency: Option<String>,
            /// Default 0.
            #[schema(minimum = 0, maximum = 525_600)]
            pub lead_time_minutes: Option<i64>,
            /// Default `moderate`.
            #[schema(value_type = Option<CancellationPolicyDto>)]
            pub cancellation_policy: Option<String>,
            pub is_active: Option<bool>,
            /// Free-form filterable metadata: a JSON object of at most 50 keys and 8 KiB.
            #[schema(schema_with = attributes_schema)]
            pub attributes: Option<Value>,
            $( $(#[$field_attr])* pub $field: $ty, )*
        }

        impl From<$name> for catalog::ListingInput {
            fn from(b: $name) -> Self {
                Self {
                    category: b.category,
                    title: b.title,
                    description: b.description,
                    address: b.address,
                    city: b.city,
                    region: b.region,
                    country: b.country,
                    latitude: b.latitude,
                    longitude: b.longitude,
                    timezone: b.timezone,
                    currency: b.currency,
                    lead_time_minutes: b.lead_time_minutes,
                    cancellation_policy: b.cancellation_policy,
                    is_active: b.is_active,
                    attributes: b.attributes,
                    $( $field: b.$field, )*
                    ..Self::default()
                }
            }
        }
    };
}

listing_body! {
    /// Equipment create (POST) or change (PATCH: any subset; `null` clears optional fields).
    /// Categories: `boat`, `car`, `bike`, `motorcycle`, ….
    #[schema(example = json!({
        "category": "boat", "title": "Sunseeker 28 day boat", "item_code": "BOAT-01",
        "city": "Lagos", "country": "PT", "latitude": 37.1, "longitude": -8.67,
        "timezone": "Europe/Lisbon", "currency": "EUR", "pricing_unit": "hour",
        "unit_price": 4500, "daily_cap": 30000, "quantity": 2, "buffer_minutes": 30
    }))]
    pub struct EquipmentBody {
        /// Unique among your items: letters, digits and `- _ . /`.
        #[serde(default, deserialize_with = "patch")]
        #[schema(value_type = Option<String>, nullable, max_length = 64, pattern = r"^[A-Za-z0-9._/\-]*$")]
        pub item_code: Option<Option<String>>,
        /// Required on create.
        #[schema(value_type = Option<PricingUnitDto>)]
        pub pricing_unit: Option<String>,
        /// Minor units per pricing unit. Required on create.
        #[schema(minimum = 0, maximum = 10_000_000_000_i64)]
        pub unit_price: Option<i64>,
        /// Hourly items: the most one 24-hour block costs.
        #[serde(default, deserialize_with = "patch")]
        #[schema(value_type = Option<i64>, nullable, minimum = 1, maximum = 10_000_000_000_i64)]
        pub daily_cap: Option<Option<i64>>,
        /// Daily items: the most one 7-day block costs.
        #[serde(default, deserialize_with = "patch")]
        #[schema(value_type = Option<i64>, nullable, minimum = 1, maximum = 10_000_000_000_i64)]
        pub weekly_price: Option<Option<i64>>,
        /// Identical units (default 1).
        #[schema(minimum = 1, maximum = 10_000)]
        pub quantity: Option<i64>,
        #[serde(default, deserialize_with = "patch")]
        #[schema(value_type = Option<i64>, nullable, minimum = 1, maximum = 525_600)]
        pub min_duration_minutes: Option<Option<i64>>,
        /// At least `min_duration_minutes`.
        #[serde(default, deserialize_with = "patch")]
        #[schema(value_type = Option<i64>, nullable, minimum = 1, maximum = 525_600)]
        pub max_duration_minutes: Option<Option<i64>>,
        /// Turnaround after each rental (default 0).
        #[schema(minimum = 0, maximum = 10_080)]
        pub buffer_minutes: Option<i64>,
        /// How far ahead bookings may start (default 365).
        #[schema(minimum = 1, maximum = 1_095)]
        pub max_advance_days: Option<i64>,
    }
}

listing_body! {
    /// Adventure create (POST) or change (PATCH: any subset; `null` clears optional fields).
    /// Categories: `wine-tour`, `hiking`, `excursion`, ….
    #[schema(example = json!({
        "category": "wine-tour", "title": "Stellenbosch cellar tour", "city": "Cape Town",
        "country": "ZA", "meeting_point": "Stellenbosch Village Museum",
        "timezone": "Africa/Johannesburg", "currency": "ZAR", "price_per_person": 95000,
        "duration_minutes": 240, "capacity": 12, "min_participants": 2
    }))]
    pub struct AdventureBody {
        #[serde(default, deserialize_with = "patch")]
        #[schema(value_type = Option<String>, nullable, max_length = 300, pattern = "<text>")]
        pub meeting_point: Option<Option<String>>,
        /// Minor units per participant. Required on create.
        #[schema(minimum = 0, maximum = 10_000_000_000_i64)]
        pub price_per_person: Option<i64>,
        /// Required on create.
        #[schema(minimum = 1, maximum = 43_200)]
        pub duration_minutes: Option<i64>,
        /// Seats per session. Required on create.
        #[schema(minimum = 1, maximum = 10_000)]
        pub capacity: Option<i64>,
        /// At most `capacity` (default 1).
        #[schema(minimum = 1, maximum = 10_000)]
        pub min_participants: Option<i64>,
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImageResponse {
    pub id: String,
    /// Where the file is served.
    #[schema(example = "/media/4f9c2d0e8a7b4c1d9e3f5a6b7c8d9e0f.jpg")]
    pub url: String,
    #[schema(example = "image/jpeg")]
    pub content_type: String,
    pub width: i64,
    pub height: i64,
    pub size_bytes: i64,
    pub is_primary: bool,
    pub position: i64,
    pub alt_text: Option<String>,
}

impl From<catalog::ListingImage> for ImageResponse {
    fn from(i: catalog::ListingImage) -> Self {
        Self {
            id: i.id,
            url: format!("/media/{}", i.file_name),
            content_type: i.content_type,
            width: i.width,
            height: i.height,
            size_bytes: i.size_bytes,
            is_primary: i.is_primary,
            position: i.position,
            alt_text: i.alt_text,
        }
    }
}

/// The multipart form of an image upload: exactly these parts, each at most once.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // Documents the form; the handler reads the parts one by one.
pub struct ImageUploadForm {
    /// JPEG, PNG or WebP, judged by content; at most `MAX_UPLOAD_BYTES`.
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
    /// At most 300 characters (blank: none).
    #[schema(required = false, max_length = 300)]
    pub alt_text: String,
    /// Make it the primary image (the first image is primary regardless).
    #[schema(value_type = FormBoolean, required = false)]
    pub is_primary: String,
    /// Where it goes among the listing's images (default: last).
    #[schema(required = false, minimum = 0, maximum = 1_000)]
    pub position: i64,
}

/// A yes or no in a form part.
#[derive(Debug, ToSchema)]
#[allow(dead_code)] // Documents the values the upload form accepts.
pub enum FormBoolean {
    #[schema(rename = "true")]
    True,
    #[schema(rename = "false")]
    False,
    #[schema(rename = "1")]
    One,
    #[schema(rename = "0")]
    Zero,
    #[schema(rename = "on")]
    On,
    #[schema(rename = "off")]
    Off,
}

/// How an equipment item is priced.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum PricingUnitDto {
    Hour,
    Day,
}

/// The refund rules of a listing.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum CancellationPolicyDto {
    Flexible,
    Moderate,
    Strict,
}

/// Changes to an image's metadata.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImagePatch {
    /// `true` makes this image the primary one (and the others not).
    pub is_primary: Option<bool>,
    #[schema(minimum = 0, maximum = 1_000)]
    pub position: Option<i64>,
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>, nullable, max_length = 300)]
    pub alt_text: Option<Option<String>>,
}

impl From<ImagePatch> for catalog::ImagePatchInput {
    fn from(p: ImagePatch) -> Self {
        Self {
            is_primary: p.is_primary,
            position: p.position,
            alt_text: p.alt_text,
        }
    }
}

/// The vendor of a listing.
#[derive(Debug, Serialize, ToSchema)]
pub struct VendorRef {
    pub slug: String,
    pub business_name: String,
}

/// Fields every listing has.
#[derive(Debug, Serialize, ToSchema)]
pub struct ListingCommon {
    pub id: String,
    pub vendor: VendorRef,
    /// Category slug.
    pub category: String,
    pub title: String,
    pub description: String,
    pub address: Option<String>,
    pub city: String,
    pub region: Option<String>,
    pub country: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub timezone: String,
    pub currency: String,
    pub lead_time_minutes: i64,
    #[schema(value_type = CancellationPolicyDto)]
    pub cancellation_policy: String,
    pub is_active: bool,
    #[schema(value_type = Object)]
    pub attributes: Value,
    /// Primary first, then by position.
    pub images: Vec<ImageResponse>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl ListingCommon {
    fn from_listing(l: &mut catalog::Listing) -> Self {
        let spec = &l.spec;
        Self {
            id: l.id.clone(),
            vendor: VendorRef {
                slug: l.vendor.slug.clone(),
                business_name: l.vendor.business_name.clone(),
            },
            category: spec.category.clone(),
            title: spec.title.clone(),
            description: spec.description.clone(),
            address: spec.location.address.clone(),
            city: spec.location.city.clone(),
            region: spec.location.region.clone(),
            country: spec.location.country.as_str().to_owned(),
            latitude: spec.location.coordinates.map(|c| c.0),
            longitude: spec.location.coordinates.map(|c| c.1),
            timezone: spec.timezone.name().to_owned(),
            currency: spec.currency.code().to_owned(),
            lead_time_minutes: spec.lead_time_minutes,
            cancellation_policy: spec.cancellation_policy.as_str().to_owned(),
            is_active: spec.is_active,
            attributes: Value::Object(spec.attributes.clone()),
            images: std::mem::take(&mut l.images)
                .into_iter()
                .map(Into::into)
                .collect(),
            created_at: l.created_at,
            updated_at: l.updated_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EquipmentResponse {
    #[serde(flatten)]
    pub common: ListingCommon,
    pub item_code: Option<String>,
    #[schema(value_type = PricingUnitDto)]
    pub pricing_unit: String,
    pub unit_price: MoneyDto,
    pub daily_cap: Option<MoneyDto>,
    pub weekly_price: Option<MoneyDto>,
    pub quantity: i64,
    pub min_duration_minutes: Option<i64>,
    pub max_duration_minutes: Option<i64>,
    pub buffer_minutes: i64,
    pub max_advance_days: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AdventureResponse {
    #[serde(flatten)]
    pub common: ListingCommon,
    pub meeting_point: Option<String>,
    pub price_per_person: MoneyDto,
    pub duration_minutes: i64,
    pub capacity: i64,
    pub min_participants: i64,
}

/// A listing of either kind, as its kind's response.
pub enum ListingResponse {
    Equipment(EquipmentResponse),
    Adventure(AdventureResponse),
}

impl From<catalog::Listing> for ListingResponse {
    fn from(mut l: catalog::Listing) -> Self {
        let common = ListingCommon::from_listing(&mut l);
        let currency = l.spec.currency;
        match l.spec.terms {
            catalog::ListingTerms::Equipment(t) => Self::Equipment(EquipmentResponse {
                common,
                item_code: t.item_code,
                pricing_unit: t.pricing_unit.as_str().to_owned(),
                unit_price: money(l.spec.price, &currency),
                daily_cap: t.daily_cap.map(|a| money(a, &currency)),
                weekly_price: t.weekly_price.map(|a| money(a, &currency)),
                quantity: t.quantity,
                min_duration_minutes: t.min_duration_minutes,
                max_duration_minutes: t.max_duration_minutes,
                buffer_minutes: t.buffer_minutes,
                max_advance_days: t.max_advance_days,
            }),
            catalog::ListingTerms::Adventure(t) => Self::Adventure(AdventureResponse {
                common,
                meeting_point: t.meeting_point,
                price_per_person: money(l.spec.price, &currency),
                duration_minutes: t.duration_minutes,
                capacity: t.capacity,
                min_participants: t.min_participants,
            }),
        }
    }
}

impl Serialize for ListingResponse {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Equipment(e) => e.serialize(serializer),
            Self::Adventure(a) => a.serialize(serializer),
        }
    }
}

/// Listings of one kind as responses; a listing of the other kind (impossible by query) is
/// skipped.
pub trait FromListing: Sized {
    fn from_listing(listing: catalog::Listing) -> Option<Self>;
}

impl FromListing for EquipmentResponse {
    fn from_listing(listing: catalog::Listing) -> Option<Self> {
        match ListingResponse::from(listing) {
            ListingResponse::Equipment(e) => Some(e),
            ListingResponse::Adventure(_) => None,
        }
    }
}

impl FromListing for AdventureResponse {
    fn from_listing(listing: catalog::Listing) -> Option<Self> {
        match ListingResponse::from(listing) {
            ListingResponse::Adventure(a) => Some(a),
            ListingResponse::Equipment(_) => None,
        }
    }
}

pub fn listings<T: FromListing>(listings: Vec<catalog::Listing>) -> Vec<T> {
    listings.into_iter().filter_map(T::from_listing).collect()
}

/// A page of equipment.
#[derive(Debug, Serialize, ToSchema)]
pub struct EquipmentPage {
    pub items: Vec<EquipmentResponse>,
    pub page: u32,
    pub page_size: u32,
    pub total: u64,
}

/// A page of adventures.
#[derive(Debug, Serialize, ToSchema)]
pub struct AdventurePage {
    pub items: Vec<AdventureResponse>,
    pub page: u32,
    pub page_size: u32,
    pub total: u64,
}

impl From<domain_core::Page<catalog::Listing>> for EquipmentPage {
    fn from(page: domain_core::Page<catalog::Listing>) -> Self {
        Self {
            items: listings(page.items),
            page: page.page,
            page_size: page.page_size,
            total: page.total,
        }
    }
}

impl From<domain_core::Page<catalog::Listing>> for AdventurePage {
    fn from(page: domain_core::Page<catalog::Listing>) -> Self {
        Self {
            items: listings(page.items),
            page: page.page,
            page_size: page.page_size,
            total: page.total,
        }
    }
}

/// Browse filters and paging (`page_size` at most 100; larger is 400).
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct BrowseParams {
    /// Category slug.
    pub category: Option<String>,
    /// Case-insensitive substring of address, city, region or country (code).
    #[param(max_length = 200)]
    pub location: Option<String>,
    /// Inclusive lower bound on the unit price / price per person, minor units.
    #[param(minimum = 0)]
    pub min_price: Option<i64>,
    /// Inclusive upper bound, minor units; not below `min_price`.
    #[param(minimum = 0)]
    pub max_price: Option<i64>,
    /// Case-insensitive substring of title or description.
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// Vendor slug.
    pub vendor: Option<String>,
    /// Default `newest`.
    #[param(value_type = Option<SortDto>)]
    pub sort: Option<String>,
    /// With `available_to`: equipment with `quantity` units free for the whole window, or
    /// adventures with a session inside it that has `participants` seats left (RFC 3339).
    pub available_from: Option<DateTime<Utc>>,
    pub available_to: Option<DateTime<Utc>>,
    /// Units wanted in the availability window (equipment), default 1; only with the window.
    #[param(minimum = 1)]
    pub quantity: Option<i64>,
    /// Seats wanted in the availability window (adventures), default 1; only with the window.
    #[param(minimum = 1)]
    pub participants: Option<i64>,
    /// From 1 (default 1).
    #[param(minimum = 1, maximum = 4_294_967_295_u32, format = Int64)]
    pub page: Option<u32>,
    /// 1 to 100 (default 20); larger is 400.
    #[param(minimum = 1, maximum = 100)]
    pub page_size: Option<u32>,
}

impl From<BrowseParams> for catalog::BrowseQuery {
    fn from(p: BrowseParams) -> Self {
        Self {
            category: p.category,
            location: p.location,
            min_price: p.min_price,
            max_price: p.max_price,
            q: p.q,
            vendor: p.vendor,
            sort: p.sort,
            available_from: p.available_from,
            available_to: p.available_to,
            amount: p.quantity.or(p.participants),
        }
    }
}

/// Paging only.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// From 1 (default 1).
    #[param(minimum = 1, maximum = 4_294_967_295_u32, format = Int64)]
    pub page: Option<u32>,
    /// 1 to 100 (default 20); larger is 400.
    #[param(minimum = 1, maximum = 100)]
    pub page_size: Option<u32>,
}

/// The order of a browse.
#[derive(Debug, Serialize, ToSchema)]
pub enum SortDto {
    #[serde(rename = "newest")]
    Newest,
    #[serde(rename = "price")]
    Price,
    #[serde(rename = "-price")]
    PriceDescending,
}

/// A vendor's storefront: public profile and active listings (newest 100 of each kind).
#[derive(Debug, Serialize, ToSchema)]
pub struct StorefrontResponse {
    #[serde(flatten)]
    pub vendor: VendorProfileResponse,
    pub equipment: Vec<EquipmentResponse>,
    pub adventures: Vec<AdventureResponse>,
}

impl From<catalog::Storefront> for StorefrontResponse {
    fn from(s: catalog::Storefront) -> Self {
        Self {
            vendor: s.vendor.into(),
            equipment: listings(s.equipment),
            adventures: listings(s.adventures),
        }
    }
}
