//! Listings: equipment items and adventure offerings, parsed from raw input into valid specs.
//!
//! Both kinds share a core (category, title, location, currency, price, policy, attributes);
//! each adds its own terms. A PATCH is applied by overlaying the patch on the stored listing's
//! input and parsing the result as a whole, so cross-field rules hold after every change.

use std::fmt;

use domain_accounts::{CountryCode, TimeZone};
use domain_core::{Currency, ValidationErrors};
use serde_json::{Map, Value};

/// The two kinds of listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ListingKind {
    Equipment,
    Adventure,
}

impl ListingKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Equipment => "equipment",
            Self::Adventure => "adventure",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "equipment" => Some(Self::Equipment),
            "adventure" => Some(Self::Adventure),
            _ => None,
        }
    }
}

impl fmt::Display for ListingKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How an equipment item is priced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PricingUnit {
    Hour,
    Day,
}

impl PricingUnit {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Hour => "hour",
            Self::Day => "day",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        match raw {
            "hour" => Ok(Self::Hour),
            "day" => Ok(Self::Day),
            _ => Err("must be \"hour\" or \"day\""),
        }
    }
}

/// Refund rules of a listing (see booking-rules.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CancellationPolicy {
    Flexible,
    Moderate,
    Strict,
}

impl CancellationPolicy {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Flexible => "flexible",
            Self::Moderate => "moderate",
            Self::Strict => "strict",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        match raw {
            "flexible" => Ok(Self::Flexible),
            "moderate" => Ok(Self::Moderate),
            "strict" => Ok(Self::Strict),
            _ => Err("must be \"flexible\", \"moderate\" or \"strict\""),
        }
    }
}

/// Where a listing is.
#[derive(Debug, Clone, PartialEq)]
pub struct Location {
    pub address: Option<String>,
    pub city: String,
    pub region: Option<String>,
    pub country: CountryCode,
    /// Both or neither.
    pub coordinates: Option<(f64, f64)>,
}

/// Terms only equipment has.
#[derive(Debug, Clone, PartialEq)]
pub struct EquipmentTerms {
    /// Unique among the vendor's items when present.
    pub item_code: Option<String>,
    pub pricing_unit: PricingUnit,
    /// For hourly items: the most one 24-hour block costs.
    pub daily_cap: Option<i64>,
    /// For daily items: the most one 7-day block costs.
    pub weekly_price: Option<i64>,
    pub quantity: i64,
    pub min_duration_minutes: Option<i64>,
    pub max_duration_minutes: Option<i64>,
    pub buffer_minutes: i64,
    pub max_advance_days: i64,
}

/// Terms only adventures have.
#[derive(Debug, Clone, PartialEq)]
pub struct AdventureTerms {
    pub meeting_point: Option<String>,
    pub duration_minutes: i64,
    pub capacity: i64,
    pub min_participants: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ListingTerms {
    Equipment(EquipmentTerms),
    Adventure(AdventureTerms),
}

/// A valid listing, as created or updated.
#[derive(Debug, Clone, PartialEq)]
pub struct ListingSpec {
    pub category: String,
    pub title: String,
    pub description: String,
    pub location: Location,
    pub timezone: TimeZone,
    pub currency: Currency,
    /// `unit_price` (equipment) or `price_per_person` (adventures), minor units.
    pub price: i64,
    pub lead_time_minutes: i64,
    pub cancellation_policy: CancellationPolicy,
    pub is_active: bool,
    pub attributes: Map<String, Value>,
    pub terms: ListingTerms,
}

impl ListingSpec {
    pub fn kind(&self) -> ListingKind {
        match self.terms {
            ListingTerms::Equipment(_) => ListingKind::Equipment,
            ListingTerms::Adventure(_) => ListingKind::Adventure,
        }
    }
}

/// Raw listing fields as a client sends them (both kinds; fields of the other kind are
/// refused). For a PATCH, `None` keeps the stored value and `Some(None)` clears an optional
/// one.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListingInput {
    pub category: Option<String>,
    pub title: Option<String>,
    pub description: Option<Option<String>>,
    pub address: Option<Option<String>>,
    pub city: Option<String>,
    pub region: Option<Option<String>>,
    pub country: Option<String>,
    pub latitude: Option<Option<f64>>,
    pub longitude: Option<Option<f64>>,
    pub timezone: Option<String>,
    pub currency: Option<String>,
    pub cancellation_policy: Option<String>,
    pub lead_time_minutes: Option<i64>,
    pub is_active: Option<bool>,
    pub attributes: Option<Value>,
    // Equipment.
    pub item_code: Option<Option<String>>,
    pub pricing_unit: Option<String>,
    pub unit_price: Option<i64>,
    pub daily_cap: Option<Option<i64>>,
    pub weekly_price: Option<Option<i64>>,
    pub quantity: Option<i64>,
    pub min_duration_minutes: Option<Option<i64>>,
    pub max_duration_minutes: Option<Option<i64>>,
    pub buffer_minutes: Option<i64>,
    pub max_advance_days: Option<i64>,
    // Adventures.
    pub meeting_point: Option<Option<String>>,
    pub price_per_person: Option<i64>,
    pub duration_minutes: Option<i64>,
    pub capacity: Option<i64>,
    pub min_participants: Option<i64>,
}

/// Largest price, cap or weekly price: ten billion minor units.
pub const MAX_PRICE: i64 = 10_000_000_000;
pub const MAX_ATTRIBUTES: usize = 50;
pub const MAX_ATTRIBUTES_BYTES: usize = 8 * 1024;
pub const DEFAULT_MAX_ADVANCE_DAYS: i64 = 365;

fn text(raw: &str, max: usize) -> Result<String, String> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err("must not be empty".into());
    }
    if trimmed.chars().count() > max {
        return Err(format!("must be at most {max} characters long"));
    }
    if trimmed
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err("must not contain control characters".into());
    }
    Ok(trimmed.to_owned())
}

fn in_range(value: i64, min: i64, max: i64) -> Result<i64, String> {
    if (min..=max).contains(&value) {
        Ok(value)
    } else {
        Err(format!("must be between {min} and {max}"))
    }
}

/// Parses an optional text field: absent or null or blank is `None`.
fn optional_text(
    errors: &mut ValidationErrors,
    field: &str,
    raw: &Option<Option<String>>,
    max: usize,
) -> Option<String> {
    match raw {
        Some(Some(value)) if !value.trim().is_empty() => errors.check(field, text(value, max)),
        _ => None,
    }
}

fn required<T: Clone>(errors: &mut ValidationErrors, field: &str, value: &Option<T>) -> Option<T> {
    if value.is_none() {
        errors.add(field, "is required");
    }
    value.clone()
}

impl ListingInput {
    /// Overlays `patch` on `self`: every field the patch has replaces this one.
    pub fn overlay(mut self, patch: ListingInput) -> ListingInput {
        macro_rules! take {
            ($($field:ident),*) => { $( if patch.$field.is_some() { self.$field = patch.$field; } )* };
        }
        take!(
            category,
            title,
            description,
            address,
            city,
            region,
            country,
            latitude,
            longitude,
            timezone,
            currency,
            cancellation_policy,
            lead_time_minutes,
            is_active,
            attributes,
            item_code,
            pricing_unit,
            unit_price,
            daily_cap,
            weekly_price,
            quantity,
            min_duration_minutes,
            max_duration_minutes,
            buffer_minutes,
            max_advance_days,
            meeting_point,
            price_per_person,
            duration_minutes,
            capacity,
            min_participants
        );
        self
    }

    /// Parses a listing of `kind`. `default_timezone` (the vendor's) applies when none is
    /// given. Every problem is reported, keyed by the request's field names.
    pub fn parse(
        &self,
        kind: ListingKind,
        default_timezone: TimeZone,
    ) -> Result<ListingSpec, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let category = required(&mut errors, "category", &self.category);
        let title = required(&mut errors, "title", &self.title)
            .and_then(|t| errors.check("title", text(&t, 200)));
        let description =
            optional_text(&mut errors, "description", &self.description, 5000).unwrap_or_default();
        let location = self.parse_location(&mut errors);
        let timezone = match &self.timezone {
            Some(raw) => errors.check("timezone", TimeZone::parse(raw)),
            None => Some(default_timezone),
        };
        let currency = required(&mut errors, "currency", &self.currency)
            .and_then(|c| errors.check("currency", Currency::parse(&c)));
        let cancellation_policy = match &self.cancellation_policy {
            Some(raw) => errors.check("cancellation_policy", CancellationPolicy::parse(raw)),
            None => Some(CancellationPolicy::Moderate),
        };
        let lead_time_minutes = errors.check(
            "lead_time_minutes",
            in_range(self.lead_time_minutes.unwrap_or(0), 0, 525_600),
        );
        let attributes = match &self.attributes {
            None => Some(Map::new()),
            Some(value) => errors.check("attributes", parse_attributes(value)),
        };
        let (price, terms) = match kind {
            ListingKind::Equipment => {
                self.refuse_fields(
                    &mut errors,
                    &[
                        ("meeting_point", self.meeting_point.is_some()),
                        ("price_per_person", self.price_per_person.is_some()),
                        ("duration_minutes", self.duration_minutes.is_some()),
                        ("capacity", self.capacity.is_some()),
                        ("min_participants", self.min_participants.is_some()),
                    ],
                    kind,
                );
                let price = required(&mut errors, "unit_price", &self.unit_price)
                    .and_then(|p| errors.check("unit_price", in_range(p, 0, MAX_PRICE)));
                (
                    price,
                    self.parse_equipment(&mut errors)
                        .map(ListingTerms::Equipment),
                )
            }
            ListingKind::Adventure => {
                self.refuse_fields(
                    &mut errors,
                    &[
                        ("item_code", self.item_code.is_some()),
                        ("pricing_unit", self.pricing_unit.is_some()),
                        ("unit_price", self.unit_price.is_some()),
                        ("daily_cap", self.daily_cap.is_some()),
                        ("weekly_price", self.weekly_price.is_some()),
                        ("quantity", self.quantity.is_some()),
                        ("min_duration_minutes", self.min_duration_minutes.is_some()),
                        ("max_duration_minutes", self.max_duration_minutes.is_some()),
                        ("buffer_minutes", self.buffer_minutes.is_some()),
                        ("max_advance_days", self.max_advance_days.is_some()),
                    ],
                    kind,
                );
                let price = required(&mut errors, "price_per_person", &self.price_per_person)
                    .and_then(|p| errors.check("price_per_person", in_range(p, 0, MAX_PRICE)));
                (
                    price,
                    self.parse_adventure(&mut errors)
                        .map(ListingTerms::Adventure),
                )
            }
        };
        errors.into_result()?;
        match (
            category,
            title,
            location,
            timezone,
            currency,
            cancellation_policy,
            lead_time_minutes,
            attributes,
            price,
            terms,
        ) {
            (
                Some(category),
                Some(title),
                Some(location),
                Some(timezone),
                Some(currency),
                Some(cancellation_policy),
                Some(lead_time_minutes),
                Some(attributes),
                Some(price),
                Some(terms),
            ) => Ok(ListingSpec {
                category: category.trim().to_owned(),
                title,
                description,
                location,
                timezone,
                currency,
                price,
                lead_time_minutes,
                cancellation_policy,
                is_active: self.is_active.unwrap_or(true),
                attributes,
                terms,
            }),
            _ => Err(ValidationErrors::single("body", "is invalid")),
        }
    }

    fn refuse_fields(
        &self,
        errors: &mut ValidationErrors,
        fields: &[(&str, bool)],
        kind: ListingKind,
    ) {
        for (field, present) in fields {
            if *present {
                errors.add(*field, format!("does not apply to {kind} listings"));
            }
        }
    }

    fn parse_location(&self, errors: &mut ValidationErrors) -> Option<Location> {
        let city =
            required(errors, "city", &self.city).and_then(|c| errors.check("city", text(&c, 200)));
        let country = required(errors, "country", &self.country)
            .and_then(|c| errors.check("country", CountryCode::parse(&c)));
        let address = optional_text(errors, "address", &self.address, 300);
        let region = optional_text(errors, "region", &self.region, 200);
        let latitude = self.latitude.flatten();
        let longitude = self.longitude.flatten();
        let mut coordinates_ok = true;
        if let Some(lat) = latitude {
            if !(-90.0..=90.0).contains(&lat) {
                errors.add("latitude", "must be between -90 and 90");
                coordinates_ok = false;
            }
        }
        if let Some(lon) = longitude {
            if !(-180.0..=180.0).contains(&lon) {
                errors.add("longitude", "must be between -180 and 180");
                coordinates_ok = false;
            }
        }
        let coordinates = match (latitude, longitude) {
            (Some(lat), Some(lon)) => Some((lat, lon)),
            (None, None) => None,
            (Some(_), None) => {
                errors.add("longitude", "is required with latitude");
                coordinates_ok = false;
                None
            }
            (None, Some(_)) => {
                errors.add("latitude", "is required with longitude");
                coordinates_ok = false;
                None
            }
        };
        match (city, country, coordinates_ok) {
            (Some(city), Some(country), true) => Some(Location {
                address,
                city,
                region,
                country,
                coordinates,
            }),
            _ => None,
        }
    }

    fn parse_equipment(&self, errors: &mut ValidationErrors) -> Option<EquipmentTerms> {
        let before = errors.clone();
        let pricing_unit = required(errors, "pricing_unit", &self.pricing_unit)
            .and_then(|p| errors.check("pricing_unit", PricingUnit::parse(&p)));
        let item_code = match &self.item_code {
            Some(Some(code)) if !code.trim().is_empty() => {
                errors.check("item_code", parse_item_code(code))
            }
            _ => None,
        };
        let cap = |errors: &mut ValidationErrors, field: &str, value: Option<i64>| {
            value.and_then(|v| errors.check(field, in_range(v, 1, MAX_PRICE)))
        };
        let daily_cap = cap(errors, "daily_cap", self.daily_cap.flatten());
        let weekly_price = cap(errors, "weekly_price", self.weekly_price.flatten());
        if daily_cap.is_some() && pricing_unit == Some(PricingUnit::Day) {
            errors.add("daily_cap", "applies only to hourly pricing");
        }
        if weekly_price.is_some() && pricing_unit == Some(PricingUnit::Hour) {
            errors.add("weekly_price", "applies only to daily pricing");
        }
        let quantity = errors.check("quantity", in_range(self.quantity.unwrap_or(1), 1, 10_000));
        let min_duration = self
            .min_duration_minutes
            .flatten()
            .and_then(|v| errors.check("min_duration_minutes", in_range(v, 1, 525_600)));
        let max_duration = self
            .max_duration_minutes
            .flatten()
            .and_then(|v| errors.check("max_duration_minutes", in_range(v, 1, 525_600)));
        if let (Some(min), Some(max)) = (min_duration, max_duration) {
            if max < min {
                errors.add(
                    "max_duration_minutes",
                    "must not be below min_duration_minutes",
                );
            }
        }
        let buffer = errors.check(
            "buffer_minutes",
            in_range(self.buffer_minutes.unwrap_or(0), 0, 10_080),
        );
        let max_advance = errors.check(
            "max_advance_days",
            in_range(
                self.max_advance_days.unwrap_or(DEFAULT_MAX_ADVANCE_DAYS),
                1,
                1_095,
            ),
        );
        if *errors != before {
            return None;
        }
        Some(EquipmentTerms {
            item_code,
            pricing_unit: pricing_unit?,
            daily_cap,
            weekly_price,
            quantity: quantity?,
            min_duration_minutes: min_duration,
            max_duration_minutes: max_duration,
            buffer_minutes: buffer?,
            max_advance_days: max_advance?,
        })
    }

    fn parse_adventure(&self, errors: &mut ValidationErrors) -> Option<AdventureTerms> {
        let before = errors.clone();
        let meeting_point = optional_text(errors, "meeting_point", &self.meeting_point, 300);
        let duration = required(errors, "duration_minutes", &self.duration_minutes)
            .and_then(|v| errors.check("duration_minutes", in_range(v, 1, 43_200)));
        let capacity = required(errors, "capacity", &self.capacity)
            .and_then(|v| errors.check("capacity", in_range(v, 1, 10_000)));
        let min_participants = errors.check(
            "min_participants",
            in_range(self.min_participants.unwrap_or(1), 1, 10_000),
        );
        if let (Some(min), Some(capacity)) = (min_participants, capacity) {
            if min > capacity {
                errors.add("min_participants", "must not exceed capacity");
            }
        }
        if *errors != before {
            return None;
        }
        Some(AdventureTerms {
            meeting_point,
            duration_minutes: duration?,
            capacity: capacity?,
            min_participants: min_participants?,
        })
    }
}

fn parse_item_code(raw: &str) -> Result<String, &'static str> {
    let code = raw.trim();
    if code.len() <= 64
        && code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c))
    {
        Ok(code.to_owned())
    } else {
        Err("must be at most 64 characters of A-Z, a-z, 0-9, - _ . /")
    }
}

fn parse_attributes(value: &Value) -> Result<Map<String, Value>, String> {
    let Value::Object(map) = value else {
        return Err("must be a JSON object".into());
    };
    if map.len() > MAX_ATTRIBUTES {
        return Err(format!("must have at most {MAX_ATTRIBUTES} keys"));
    }
    if value.to_string().len() > MAX_ATTRIBUTES_BYTES {
        return Err(format!(
            "must be at most {MAX_ATTRIBUTES_BYTES} bytes as JSON"
        ));
    }
    Ok(map.clone())
}

impl ListingSpec {
    /// The input that parses back into this spec (the base a PATCH overlays).
    pub fn to_input(&self) -> ListingInput {
        let mut input = ListingInput {
            category: Some(self.category.clone()),
            title: Some(self.title.clone()),
            description: Some(Some(self.description.clone())),
            address: Some(self.location.address.clone()),
            city: Some(self.location.city.clone()),
            region: Some(self.location.region.clone()),
            country: Some(self.location.country.as_str().to_owned()),
            latitude: Some(self.location.coordinates.map(|c| c.0)),
            longitude: Some(self.location.coordinates.map(|c| c.1)),
            timezone: Some(self.timezone.name().to_owned()),
            currency: Some(self.currency.code().to_owned()),
            cancellation_policy: Some(self.cancellation_policy.as_str().to_owned()),
            lead_time_minutes: Some(self.lead_time_minutes),
            is_active: Some(self.is_active),
            attributes: Some(Value::Object(self.attributes.clone())),
            ..ListingInput::default()
        };
        match &self.terms {
            ListingTerms::Equipment(t) => {
                input.item_code = Some(t.item_code.clone());
                input.pricing_unit = Some(t.pricing_unit.as_str().to_owned());
                input.unit_price = Some(self.price);
                input.daily_cap = Some(t.daily_cap);
                input.weekly_price = Some(t.weekly_price);
                input.quantity = Some(t.quantity);
                input.min_duration_minutes = Some(t.min_duration_minutes);
                input.max_duration_minutes = Some(t.max_duration_minutes);
                input.buffer_minutes = Some(t.buffer_minutes);
                input.max_advance_days = Some(t.max_advance_days);
            }
            ListingTerms::Adventure(t) => {
                input.meeting_point = Some(t.meeting_point.clone());
                input.price_per_person = Some(self.price);
                input.duration_minutes = Some(t.duration_minutes);
                input.capacity = Some(t.capacity);
                input.min_participants = Some(t.min_participants);
            }
        }
        input
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc() -> TimeZone {
        TimeZone::parse("UTC").unwrap()
    }

    fn boat() -> ListingInput {
        ListingInput {
            category: Some("boat".into()),
            title: Some("  Sunseeker 28 ".into()),
            city: Some("Lagos".into()),
            country: Some("pt".into()),
            currency: Some("eur".into()),
            pricing_unit: Some("hour".into()),
            unit_price: Some(4_500),
            daily_cap: Some(Some(30_000)),
            latitude: Some(Some(37.1)),
            longitude: Some(Some(-8.67)),
            ..ListingInput::default()
        }
    }

    fn tour() -> ListingInput {
        ListingInput {
            category: Some("wine-tour".into()),
            title: Some("Douro tasting".into()),
            city: Some("Porto".into()),
            country: Some("PT".into()),
            currency: Some("EUR".into()),
            price_per_person: Some(8_900),
            duration_minutes: Some(240),
            capacity: Some(12),
            timezone: Some("Europe/Lisbon".into()),
            ..ListingInput::default()
        }
    }

    #[test]
    fn a_minimal_equipment_item_parses_with_defaults() {
        let spec = boat().parse(ListingKind::Equipment, utc()).unwrap();
        assert_eq!(spec.title, "Sunseeker 28");
        assert_eq!(spec.currency.code(), "EUR");
        assert_eq!(spec.location.country.as_str(), "PT");
        assert_eq!(spec.timezone.name(), "UTC", "the vendor's zone by default");
        assert_eq!(spec.cancellation_policy, CancellationPolicy::Moderate);
        assert!(spec.is_active);
        let ListingTerms::Equipment(terms) = spec.terms else {
            panic!("equipment")
        };
        assert_eq!(
            (terms.quantity, terms.buffer_minutes, terms.max_advance_days),
            (1, 0, 365)
        );
        assert_eq!(terms.daily_cap, Some(30_000));
    }

    #[test]
    fn an_adventure_parses_and_refuses_equipment_fields() {
        let spec = tour().parse(ListingKind::Adventure, utc()).unwrap();
        assert_eq!(spec.kind(), ListingKind::Adventure);
        assert_eq!(spec.price, 8_900);
        assert_eq!(spec.timezone.name(), "Europe/Lisbon");
        let mixed = ListingInput {
            quantity: Some(2),
            unit_price: Some(1),
            ..tour()
        };
        let errors = mixed.parse(ListingKind::Adventure, utc()).unwrap_err();
        assert!(errors.get("quantity").is_some() && errors.get("unit_price").is_some());
    }

    #[test]
    fn every_invalid_field_is_reported() {
        let input = ListingInput {
            unit_price: Some(-1),
            currency: Some("EURO".into()),
            country: Some("XX".into()),
            latitude: Some(Some(91.0)),
            longitude: Some(Some(0.0)),
            quantity: Some(0),
            min_duration_minutes: Some(Some(120)),
            max_duration_minutes: Some(Some(60)),
            attributes: Some(Value::from(3)),
            cancellation_policy: Some("lenient".into()),
            title: None,
            ..boat()
        };
        let errors = input.parse(ListingKind::Equipment, utc()).unwrap_err();
        for field in [
            "unit_price",
            "currency",
            "country",
            "latitude",
            "quantity",
            "max_duration_minutes",
            "attributes",
            "cancellation_policy",
            "title",
        ] {
            assert!(errors.get(field).is_some(), "{field}: {errors}");
        }
    }

    #[test]
    fn caps_must_match_the_pricing_unit() {
        let daily = ListingInput {
            pricing_unit: Some("day".into()),
            ..boat()
        };
        assert!(daily
            .parse(ListingKind::Equipment, utc())
            .unwrap_err()
            .get("daily_cap")
            .is_some());
        let weekly = ListingInput {
            weekly_price: Some(Some(100)),
            ..boat()
        };
        assert!(weekly
            .parse(ListingKind::Equipment, utc())
            .unwrap_err()
            .get("weekly_price")
            .is_some());
    }

    #[test]
    fn coordinates_come_in_pairs() {
        let lonely = ListingInput {
            longitude: Some(None),
            ..boat()
        };
        assert!(lonely
            .parse(ListingKind::Equipment, utc())
            .unwrap_err()
            .get("longitude")
            .is_some());
        let none = ListingInput {
            latitude: Some(None),
            longitude: None,
            ..boat()
        };
        assert!(none
            .parse(ListingKind::Equipment, utc())
            .unwrap()
            .location
            .coordinates
            .is_none());
    }

    #[test]
    fn adventures_need_capacity_at_least_the_minimum() {
        let input = ListingInput {
            min_participants: Some(20),
            ..tour()
        };
        assert!(input
            .parse(ListingKind::Adventure, utc())
            .unwrap_err()
            .get("min_participants")
            .is_some());
    }

    #[test]
    fn a_patch_overlays_and_reparses_the_whole_listing() {
        let spec = boat().parse(ListingKind::Equipment, utc()).unwrap();
        let patch = ListingInput {
            unit_price: Some(5_000),
            daily_cap: Some(None),
            ..ListingInput::default()
        };
        let patched = spec
            .to_input()
            .overlay(patch)
            .parse(ListingKind::Equipment, utc())
            .unwrap();
        assert_eq!(patched.price, 5_000);
        let ListingTerms::Equipment(terms) = &patched.terms else {
            panic!("equipment")
        };
        assert_eq!(terms.daily_cap, None);
        assert_eq!(patched.title, spec.title);
        // A patch that breaks a cross-field rule is refused.
        let bad = ListingInput {
            pricing_unit: Some("day".into()),
            ..ListingInput::default()
        };
        let with_cap = boat()
            .parse(ListingKind::Equipment, utc())
            .unwrap()
            .to_input();
        assert!(with_cap
            .overlay(bad)
            .parse(ListingKind::Equipment, utc())
            .is_err());
    }

    #[test]
    fn to_input_round_trips() {
        for (input, kind) in [
            (boat(), ListingKind::Equipment),
            (tour(), ListingKind::Adventure),
        ] {
            let spec = input.parse(kind, utc()).unwrap();
            assert_eq!(spec.to_input().parse(kind, utc()).unwrap(), spec);
        }
    }
}
