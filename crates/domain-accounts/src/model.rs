//! Entities (what the store gives back) and inputs (what clients send, raw and parsed).

use chrono::{DateTime, Utc};
use domain_core::ValidationErrors;
use serde::Serialize;

use crate::values::{
    CountryCode, Description, Email, Name, Password, Phone, Role, ShortText, Slug, TimeZone, WebUrl,
};

/// Opaque user identifier.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct UserId(pub String);

impl std::fmt::Display for UserId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A user as stored (without credentials).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    pub id: UserId,
    pub email: String,
    pub role: Role,
    pub full_name: Option<String>,
    pub phone: Option<String>,
    pub is_active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The public face of a vendor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VendorProfile {
    pub business_name: String,
    pub slug: String,
    pub description: Option<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub website: Option<String>,
    pub city: Option<String>,
    pub country: Option<String>,
    /// IANA name; listings default to it.
    pub timezone: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What a renter tells vendors about themselves. Every field is optional.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CustomerProfile {
    pub display_name: Option<String>,
    pub phone: Option<String>,
    pub emergency_contact: Option<String>,
    pub driver_license_number: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A user with the profile that belongs to their role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserAccount {
    pub user: User,
    pub vendor_profile: Option<VendorProfile>,
    pub customer_profile: Option<CustomerProfile>,
}

impl UserAccount {
    /// What the account is known by (its e-mail address, names, vendor slug), which its
    /// password must not be built from.
    pub fn known_words(&self) -> Vec<&str> {
        let mut words = vec![self.user.email.as_str()];
        words.extend(self.user.full_name.as_deref());
        if let Some(vendor) = &self.vendor_profile {
            words.push(&vendor.business_name);
            words.push(&vendor.slug);
        }
        if let Some(customer) = &self.customer_profile {
            words.extend(customer.display_name.as_deref());
        }
        words
    }
}

/// The stored credentials of one account, for login.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    pub user_id: UserId,
    pub password_hash: String,
    pub is_active: bool,
}

/// What an access token's holder is, as stored now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthState {
    pub role: Role,
    pub is_active: bool,
    /// Bumped by every password change; access tokens carry the version they were issued at.
    pub token_version: i64,
}

/// `Option<Option<T>>` for PATCH fields: `None` keeps the value, `Some(None)` clears it,
/// `Some(Some(v))` sets it.
pub type Patch<T> = Option<Option<T>>;

// ---------------------------------------------------------------------------------------------
// Raw inputs, as a client sends them. Parsing turns them into the validated forms below and
// reports every field problem at once.

#[derive(Debug, Clone, Default)]
pub struct RegisterInput {
    pub email: String,
    pub password: String,
    pub role: String,
    pub full_name: Option<String>,
    pub phone: Option<String>,
    pub vendor: Option<VendorInput>,
}

impl RegisterInput {
    /// What the account will be known by (its e-mail address and names), which its password
    /// must not be built from.
    fn known_words(&self) -> Vec<&str> {
        let mut words = vec![self.email.as_str()];
        words.extend(self.full_name.as_deref());
        if let Some(vendor) = &self.vendor {
            words.push(&vendor.business_name);
            words.extend(vendor.slug.as_deref());
        }
        words
    }
}

#[derive(Debug, Clone, Default)]
pub struct VendorInput {
    pub business_name: String,
    pub slug: Option<String>,
    pub description: Option<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub website: Option<String>,
    pub city: Option<String>,
    pub country: Option<String>,
    pub timezone: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct UserPatchInput {
    pub full_name: Patch<String>,
    pub phone: Patch<String>,
}

#[derive(Debug, Clone, Default)]
pub struct VendorProfilePatchInput {
    pub business_name: Option<String>,
    pub slug: Option<String>,
    pub description: Patch<String>,
    pub contact_email: Patch<String>,
    pub contact_phone: Patch<String>,
    pub website: Patch<String>,
    pub city: Patch<String>,
    pub country: Patch<String>,
    pub timezone: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct CustomerProfilePatchInput {
    pub display_name: Patch<String>,
    pub phone: Patch<String>,
    pub emergency_contact: Patch<String>,
    pub driver_license_number: Patch<String>,
}

// ---------------------------------------------------------------------------------------------
// Parsed inputs.

/// A valid registration.
#[derive(Debug, Clone)]
pub struct Registration {
    pub email: Email,
    pub password: Password,
    pub role: Role,
    pub full_name: Option<Name>,
    pub phone: Option<Phone>,
    /// Present exactly when `role` is vendor.
    pub vendor: Option<NewVendorProfile>,
}

#[derive(Debug, Clone)]
pub struct NewVendorProfile {
    pub business_name: Name,
    /// `None`: derive it from the business name.
    pub slug: Option<Slug>,
    pub description: Option<Description>,
    pub contact_email: Option<Email>,
    pub contact_phone: Option<Phone>,
    pub website: Option<WebUrl>,
    pub city: Option<Name>,
    pub country: Option<CountryCode>,
    pub timezone: TimeZone,
}

/// A user to insert. The store assigns the id and the timestamps' source is the caller's clock.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: Email,
    pub password_hash: String,
    pub role: Role,
    pub full_name: Option<Name>,
    pub phone: Option<Phone>,
    /// Some for vendors (with the final slug), None otherwise.
    pub vendor: Option<NewVendorRecord>,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct NewVendorRecord {
    pub profile: NewVendorProfile,
    pub slug: Slug,
}

#[derive(Debug, Clone, Default)]
pub struct UserUpdate {
    pub full_name: Patch<Name>,
    pub phone: Patch<Phone>,
}

#[derive(Debug, Clone, Default)]
pub struct VendorProfileUpdate {
    pub business_name: Option<Name>,
    pub slug: Option<Slug>,
    pub description: Patch<Description>,
    pub contact_email: Patch<Email>,
    pub contact_phone: Patch<Phone>,
    pub website: Patch<WebUrl>,
    pub city: Patch<Name>,
    pub country: Patch<CountryCode>,
    pub timezone: Option<TimeZone>,
}

#[derive(Debug, Clone, Default)]
pub struct CustomerProfileUpdate {
    pub display_name: Patch<Name>,
    pub phone: Patch<Phone>,
    pub emergency_contact: Patch<ShortText>,
    pub driver_license_number: Patch<ShortText>,
}

fn optional<T, E: std::fmt::Display>(
    errors: &mut ValidationErrors,
    field: &str,
    raw: Option<&str>,
    parse: impl Fn(&str) -> Result<T, E>,
) -> Option<T> {
    raw.and_then(|raw| errors.check(field, parse(raw)))
}

/// Parses a PATCH field: absent keeps, `null` (or an empty string) clears, a value must parse.
fn patch<T, E: std::fmt::Display>(
    errors: &mut ValidationErrors,
    field: &str,
    raw: &Patch<String>,
    parse: impl Fn(&str) -> Result<T, E>,
) -> Patch<T> {
    match raw {
        None => None,
        Some(None) => Some(None),
        Some(Some(value)) if value.trim().is_empty() => Some(None),
        Some(Some(value)) => errors.check(field, parse(value)).map(Some),
    }
}

impl Registration {
    pub fn parse(input: RegisterInput) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let email = errors.check("email", Email::parse(&input.email));
        let password = errors.check(
            "password",
            Password::parse(&input.password, &input.known_words()),
        );
        let role = errors.check("role", Role::parse_self_service(&input.role));
        let full_name = optional(
            &mut errors,
            "full_name",
            input.full_name.as_deref(),
            Name::parse,
        );
        let phone = optional(&mut errors, "phone", input.phone.as_deref(), Phone::parse);
        let vendor = match (role, input.vendor) {
            (Some(Role::Vendor), Some(vendor)) => match NewVendorProfile::parse(vendor) {
                Ok(profile) => Some(profile),
                Err(vendor_errors) => {
                    errors.merge_prefixed("vendor", vendor_errors);
                    None
                }
            },
            (Some(Role::Vendor), None) => {
                errors.add("vendor", "is required when role is vendor");
                None
            }
            (Some(_), Some(_)) => {
                errors.add("vendor", "is only accepted when role is vendor");
                None
            }
            _ => None,
        };
        errors.into_result()?;
        match (email, password, role) {
            (Some(email), Some(password), Some(role)) => Ok(Self {
                email,
                password,
                role,
                full_name,
                phone,
                vendor,
            }),
            // Unreachable in practice: every None above recorded an error.
            _ => Err(ValidationErrors::single("body", "is invalid")),
        }
    }
}

impl NewVendorProfile {
    pub fn parse(input: VendorInput) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let business_name = errors.check("business_name", Name::parse(&input.business_name));
        let slug = optional(&mut errors, "slug", input.slug.as_deref(), Slug::parse);
        if business_name.is_some() && input.slug.is_none() {
            if let Some(name) = &business_name {
                if Slug::derive_from(name.as_str()).is_none() {
                    errors.add("slug", "cannot be derived from business_name; give one");
                }
            }
        }
        let description = optional(
            &mut errors,
            "description",
            input.description.as_deref(),
            Description::parse,
        );
        let contact_email = optional(
            &mut errors,
            "contact_email",
            input.contact_email.as_deref(),
            Email::parse,
        );
        let contact_phone = optional(
            &mut errors,
            "contact_phone",
            input.contact_phone.as_deref(),
            Phone::parse,
        );
        let website = optional(
            &mut errors,
            "website",
            input.website.as_deref(),
            WebUrl::parse,
        );
        let city = optional(&mut errors, "city", input.city.as_deref(), Name::parse);
        let country = optional(
            &mut errors,
            "country",
            input.country.as_deref(),
            CountryCode::parse,
        );
        let timezone = match input.timezone.as_deref() {
            None => Some(TimeZone::utc()),
            Some(raw) => errors.check("timezone", TimeZone::parse(raw)),
        };
        errors.into_result()?;
        match (business_name, timezone) {
            (Some(business_name), Some(timezone)) => Ok(Self {
                business_name,
                slug,
                description,
                contact_email,
                contact_phone,
                website,
                city,
                country,
                timezone,
            }),
            _ => Err(ValidationErrors::single("business_name", "is invalid")),
        }
    }
}

impl UserUpdate {
    pub fn parse(input: &UserPatchInput) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let update = Self {
            full_name: patch(&mut errors, "full_name", &input.full_name, Name::parse),
            phone: patch(&mut errors, "phone", &input.phone, Phone::parse),
        };
        errors.into_result().map(|()| update)
    }
}

impl VendorProfileUpdate {
    pub fn parse(input: &VendorProfilePatchInput) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let update = Self {
            business_name: optional(
                &mut errors,
                "business_name",
                input.business_name.as_deref(),
                Name::parse,
            ),
            slug: optional(&mut errors, "slug", input.slug.as_deref(), Slug::parse),
            description: patch(
                &mut errors,
                "description",
                &input.description,
                Description::parse,
            ),
            contact_email: patch(
                &mut errors,
                "contact_email",
                &input.contact_email,
                Email::parse,
            ),
            contact_phone: patch(
                &mut errors,
                "contact_phone",
                &input.contact_phone,
                Phone::parse,
            ),
            website: patch(&mut errors, "website", &input.website, WebUrl::parse),
            city: patch(&mut errors, "city", &input.city, Name::parse),
            country: patch(&mut errors, "country", &input.country, CountryCode::parse),
            timezone: optional(
                &mut errors,
                "timezone",
                input.timezone.as_deref(),
                TimeZone::parse,
            ),
        };
        errors.into_result().map(|()| update)
    }
}

impl CustomerProfileUpdate {
    pub fn parse(input: &CustomerProfilePatchInput) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let update = Self {
            display_name: patch(
                &mut errors,
                "display_name",
                &input.display_name,
                Name::parse,
            ),
            phone: patch(&mut errors, "phone", &input.phone, Phone::parse),
            emergency_contact: patch(
                &mut errors,
                "emergency_contact",
                &input.emergency_contact,
                ShortText::parse,
            ),
            driver_license_number: patch(
                &mut errors,
                "driver_license_number",
                &input.driver_license_number,
                ShortText::parse,
            ),
        };
        errors.into_result().map(|()| update)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn customer() -> RegisterInput {
        RegisterInput {
            email: "Ana@Example.com".into(),
            password: "long enough".into(),
            role: "customer".into(),
            ..RegisterInput::default()
        }
    }

    #[test]
    fn a_valid_customer_registration_parses() {
        let registration = Registration::parse(customer()).unwrap();
        assert_eq!(registration.email.as_str(), "ana@example.com");
        assert_eq!(registration.role, Role::Customer);
        assert!(registration.vendor.is_none());
    }

    #[test]
    fn every_field_problem_is_reported_at_once() {
        let input = RegisterInput {
            email: "nope".into(),
            password: "short".into(),
            role: "admin".into(),
            phone: Some("call me".into()),
            ..RegisterInput::default()
        };
        let errors = Registration::parse(input).unwrap_err();
        for field in ["email", "password", "role", "phone"] {
            assert!(
                errors.get(field).is_some(),
                "missing error for {field}: {errors}"
            );
        }
    }

    #[test]
    fn a_common_password_or_one_made_of_the_registrations_names_is_refused() {
        let common = RegisterInput {
            password: "qwertyuiop".into(),
            ..customer()
        };
        let errors = Registration::parse(common).unwrap_err();
        assert_eq!(
            errors.get("password"),
            Some(&[Password::TOO_GUESSABLE.to_owned()][..])
        );
        let named = RegisterInput {
            email: "vendor@example.com".into(),
            password: "LagoonKayaks2026".into(),
            role: "vendor".into(),
            vendor: Some(VendorInput {
                business_name: "Lagoon Kayaks".into(),
                ..VendorInput::default()
            }),
            ..RegisterInput::default()
        };
        assert!(Password::parse("LagoonKayaks2026", &[]).is_ok());
        let errors = Registration::parse(named).unwrap_err();
        assert_eq!(
            errors.get("password"),
            Some(&[Password::TOO_GUESSABLE.to_owned()][..])
        );
    }

    #[test]
    fn vendors_need_a_vendor_profile_and_customers_must_not_send_one() {
        let mut vendor = customer();
        vendor.role = "vendor".into();
        assert!(Registration::parse(vendor.clone())
            .unwrap_err()
            .get("vendor")
            .is_some());

        vendor.vendor = Some(VendorInput {
            business_name: "Blue Lagoon Boats".into(),
            country: Some("pt".into()),
            timezone: Some("Europe/Lisbon".into()),
            ..VendorInput::default()
        });
        let parsed = Registration::parse(vendor.clone()).unwrap();
        let profile = parsed.vendor.unwrap();
        assert_eq!(profile.country.unwrap().as_str(), "PT");
        assert_eq!(profile.timezone.name(), "Europe/Lisbon");

        let mut customer = customer();
        customer.vendor = vendor.vendor;
        assert!(Registration::parse(customer)
            .unwrap_err()
            .get("vendor")
            .is_some());
    }

    #[test]
    fn vendor_field_errors_are_prefixed() {
        let input = RegisterInput {
            role: "vendor".into(),
            vendor: Some(VendorInput {
                business_name: "Boats".into(),
                slug: Some("Bad Slug".into()),
                timezone: Some("Nowhere/Land".into()),
                ..VendorInput::default()
            }),
            ..customer()
        };
        let errors = Registration::parse(input).unwrap_err();
        assert!(errors.get("vendor.slug").is_some());
        assert!(errors.get("vendor.timezone").is_some());
    }

    #[test]
    fn vendor_timezone_defaults_to_utc() {
        let profile = NewVendorProfile::parse(VendorInput {
            business_name: "Boats".into(),
            ..VendorInput::default()
        })
        .unwrap();
        assert_eq!(profile.timezone.name(), "UTC");
    }

    #[test]
    fn patches_keep_clear_or_set() {
        let update = UserUpdate::parse(&UserPatchInput {
            full_name: Some(Some("Ana".into())),
            phone: Some(None),
        })
        .unwrap();
        assert_eq!(update.full_name.unwrap().unwrap().as_str(), "Ana");
        assert_eq!(update.phone, Some(None));

        let kept = UserUpdate::parse(&UserPatchInput::default()).unwrap();
        assert!(kept.full_name.is_none() && kept.phone.is_none());

        let bad = CustomerProfileUpdate::parse(&CustomerProfilePatchInput {
            phone: Some(Some("x".into())),
            ..CustomerProfilePatchInput::default()
        });
        assert!(bad.unwrap_err().get("phone").is_some());
    }
}
