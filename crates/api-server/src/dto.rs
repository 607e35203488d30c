//! Request and response bodies of the HTTP API (with their OpenAPI schemas). Requests refuse
//! unknown fields; server-owned fields (ids, role after registration, timestamps) have no
//! place in them.

use chrono::{DateTime, Utc};
use domain_accounts as accounts;
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::ToSchema;

/// `Some(None)` for an explicit `null`, `Some(Some(v))` for a value; absent stays `None`.
pub(crate) fn patch<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// Roles a user may choose at registration.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum RegistrableRole {
    Customer,
    Vendor,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    /// Case-insensitive; stored trimmed and lower-cased.
    #[schema(example = "ana@example.com", format = Email, max_length = 254)]
    pub email: String,
    /// 8 to 128 characters, not only white space.
    #[schema(
        example = "correct horse battery",
        min_length = 8,
        max_length = 128,
        pattern = "<text-not-blank>"
    )]
    pub password: String,
    /// `customer` or `vendor` (`admin` is refused with 422).
    #[schema(value_type = RegistrableRole)]
    pub role: String,
    #[schema(min_length = 1, max_length = 200, pattern = "<text-not-blank>")]
    pub full_name: Option<String>,
    #[schema(max_length = 32, pattern = r"^\+?[ .()\-]*([0-9][ .()\-]*){5,20}$")]
    pub phone: Option<String>,
    /// Required for vendors, refused for customers.
    pub vendor: Option<VendorRegistration>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VendorRegistration {
    #[schema(
        example = "Blue Lagoon Boats",
        min_length = 1,
        max_length = 200,
        pattern = "<text-not-blank>"
    )]
    pub business_name: String,
    /// Derived from `business_name` when absent (with a numeric suffix if taken).
    #[schema(
        example = "blue-lagoon-boats",
        min_length = 3,
        max_length = 60,
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$"
    )]
    pub slug: Option<String>,
    #[schema(min_length = 1, max_length = 5000, pattern = "<text-not-blank>")]
    pub description: Option<String>,
    #[schema(format = Email, max_length = 254)]
    pub contact_email: Option<String>,
    #[schema(max_length = 32, pattern = r"^\+?[ .()\-]*([0-9][ .()\-]*){5,20}$")]
    pub contact_phone: Option<String>,
    /// An `http://` or `https://` URL.
    #[schema(max_length = 300, pattern = r"^https?://[^/\s][^\s]*$")]
    pub website: Option<String>,
    #[schema(min_length = 1, max_length = 200, pattern = "<text-not-blank>")]
    pub city: Option<String>,
    /// ISO 3166-1 alpha-2.
    #[schema(example = "PT", min_length = 2, max_length = 2)]
    pub country: Option<String>,
    /// IANA time zone; default `UTC`.
    #[schema(example = "Europe/Lisbon", min_length = 1)]
    pub timezone: Option<String>,
}

impl From<RegisterRequest> for accounts::RegisterInput {
    fn from(r: RegisterRequest) -> Self {
        Self {
            email: r.email,
            password: r.password,
            role: r.role,
            full_name: r.full_name,
            phone: r.phone,
            vendor: r.vendor.map(|v| accounts::VendorInput {
                business_name: v.business_name,
                slug: v.slug,
                description: v.description,
                contact_email: v.contact_email,
                contact_phone: v.contact_phone,
                website: v.website,
                city: v.city,
                country: v.country,
                timezone: v.timezone,
            }),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    #[schema(example = "ana@example.com")]
    pub email: String,
    #[schema(example = "correct horse battery")]
    pub password: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChangeRequest {
    pub current_password: String,
    /// 8 to 128 characters, not only white space.
    #[schema(min_length = 8, max_length = 128, pattern = r"\S")]
    pub new_password: String,
}

/// PATCH /me. Absent fields stay; `null` clears.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserPatch {
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>, nullable, max_length = 200, pattern = "<text>")]
    pub full_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>, nullable, max_length = 32, pattern = r"^(\+?[ .()\-]*([0-9][ .()\-]*){5,20}| *)$")]
    pub phone: Option<Option<String>>,
}

impl From<UserPatch> for accounts::UserPatchInput {
    fn from(p: UserPatch) -> Self {
        Self {
            full_name: p.full_name,
            phone: p.phone,
        }
    }
}

/// PATCH /me/vendor-profile. Absent fields stay; `null` clears (not for `business_name`,
/// `slug`, `timezone`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VendorProfilePatch {
    #[schema(min_length = 1, max_length = 200, pattern = "<text-not-blank>")]
    pub business_name: Option<String>,
    #[schema(min_length = 3, max_length = 60, pattern = "^[a-z0-9]+(-[a-z0-9]+)*$")]
    pub slug: Option<String>,
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>, nullable, max_length = 5000, pattern = "<text>")]
    pub description: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>, nullable, max_length = 254)]
    pub contact_email: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>, nullable, max_length = 32, pattern = r"^(\+?[ .()\-]*([0-9][ .()\-]*){5,20}| *)$")]
    pub contact_phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>, nullable, max_length = 300)]
    pub website: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>, nullable, max_length = 200, pattern = "<text>")]
    pub city: Option<Option<String>>,
    /// ISO 3166-1 alpha-2.
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>, nullable, max_length = 2)]
    pub country: Option<Option<String>>,
    /// IANA time zone.
    #[schema(min_length = 1)]
    pub timezone: Option<String>,
}

impl From<VendorProfilePatch> for accounts::VendorProfilePatchInput {
    fn from(p: VendorProfilePatch) -> Self {
        Self {
            business_name: p.business_name,
            slug: p.slug,
            description: p.description,
            contact_email: p.contact_email,
            contact_phone: p.contact_phone,
            website: p.website,
            city: p.city,
            country: p.country,
            timezone: p.timezone,
        }
    }
}

/// PATCH /me/customer-profile. Absent fields stay; `null` clears.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomerProfilePatch {
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>, nullable, max_length = 200, pattern = "<text>")]
    pub display_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>, nullable, max_length = 32, pattern = r"^(\+?[ .()\-]*([0-9][ .()\-]*){5,20}| *)$")]
    pub phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>, nullable, max_length = 200, pattern = "<text>")]
    pub emergency_contact: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>, nullable, max_length = 200, pattern = "<text>")]
    pub driver_license_number: Option<Option<String>>,
}

impl From<CustomerProfilePatch> for accounts::CustomerProfilePatchInput {
    fn from(p: CustomerProfilePatch) -> Self {
        Self {
            display_name: p.display_name,
            phone: p.phone,
            emergency_contact: p.emergency_contact,
            driver_license_number: p.driver_license_number,
        }
    }
}

/// A role.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum RoleDto {
    Customer,
    Vendor,
    Admin,
}

impl From<accounts::Role> for RoleDto {
    fn from(role: accounts::Role) -> Self {
        match role {
            accounts::Role::Customer => Self::Customer,
            accounts::Role::Vendor => Self::Vendor,
            accounts::Role::Admin => Self::Admin,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VendorProfileResponse {
    pub business_name: String,
    pub slug: String,
    pub description: Option<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub website: Option<String>,
    pub city: Option<String>,
    pub country: Option<String>,
    pub timezone: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<accounts::VendorProfile> for VendorProfileResponse {
    fn from(v: accounts::VendorProfile) -> Self {
        Self {
            business_name: v.business_name,
            slug: v.slug,
            description: v.description,
            contact_email: v.contact_email,
            contact_phone: v.contact_phone,
            website: v.website,
            city: v.city,
            country: v.country,
            timezone: v.timezone,
            created_at: v.created_at,
            updated_at: v.updated_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CustomerProfileResponse {
    pub display_name: Option<String>,
    pub phone: Option<String>,
    pub emergency_contact: Option<String>,
    pub driver_license_number: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<accounts::CustomerProfile> for CustomerProfileResponse {
    fn from(c: accounts::CustomerProfile) -> Self {
        Self {
            display_name: c.display_name,
            phone: c.phone,
            emergency_contact: c.emergency_contact,
            driver_license_number: c.driver_license_number,
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}

/// A user with the profile of their role.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserResponse {
    #[schema(example = "0b5c7a4e-2f39-4c5e-9d55-3f0f1b2f6d11")]
    pub id: String,
    pub email: String,
    pub role: RoleDto,
    pub full_name: Option<String>,
    pub phone: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vendor_profile: Option<VendorProfileResponse>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_profile: Option<CustomerProfileResponse>,
}

impl From<accounts::UserAccount> for UserResponse {
    fn from(a: accounts::UserAccount) -> Self {
        Self {
            id: a.user.id.0,
            email: a.user.email,
            role: a.user.role.into(),
            full_name: a.user.full_name,
            phone: a.user.phone,
            created_at: a.user.created_at,
            updated_at: a.user.updated_at,
            vendor_profile: a.vendor_profile.map(Into::into),
            customer_profile: a.customer_profile.map(Into::into),
        }
    }
}

/// The answer to register and login: the user and a token pair.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuthSession {
    pub user: UserResponse,
    /// A JWT (HS256) to send as `Authorization: Bearer …`.
    pub access_token: String,
    /// Opaque; single use; exchange it at `/auth/refresh`.
    pub refresh_token: String,
    #[schema(example = "Bearer")]
    pub token_type: String,
    /// Seconds until the access token expires.
    #[schema(example = 900)]
    pub expires_in: i64,
}

impl From<accounts::Session> for AuthSession {
    fn from(s: accounts::Session) -> Self {
        Self {
            user: s.account.into(),
            access_token: s.access_token,
            refresh_token: s.refresh_token,
            token_type: "Bearer".to_owned(),
            expires_in: s.expires_in,
        }
    }
}

/// The answer to refresh.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    pub access_token: String,
    pub refresh_token: String,
    #[schema(example = "Bearer")]
    pub token_type: String,
    #[schema(example = 900)]
    pub expires_in: i64,
}

impl From<accounts::RefreshedTokens> for TokenResponse {
    fn from(t: accounts::RefreshedTokens) -> Self {
        Self {
            access_token: t.access_token,
            refresh_token: t.refresh_token,
            token_type: "Bearer".to_owned(),
            expires_in: t.expires_in,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HealthResponse {
    #[schema(example = "ok")]
    pub status: String,
}
