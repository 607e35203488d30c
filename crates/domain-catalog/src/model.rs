//! Catalog entities as the store gives them back, and the browse filter.

use chrono::{DateTime, Utc};
use domain_accounts::UserId;

use crate::listing::{ListingKind, ListingSpec};

/// A category of equipment or adventures (`boat`, `wine-tour`, …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Category {
    pub id: String,
    pub kind: ListingKind,
    pub slug: String,
    pub name: String,
}

/// The vendor of a listing, as shown with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VendorSummary {
    pub user_id: UserId,
    pub slug: String,
    pub business_name: String,
}

/// An image of a listing. `file_name` is the stored name under the media root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListingImage {
    pub id: String,
    pub listing_id: String,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub width: i64,
    pub height: i64,
    pub is_primary: bool,
    pub position: i64,
    pub alt_text: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// A stored listing with its vendor and images (primary first, then by position).
#[derive(Debug, Clone, PartialEq)]
pub struct Listing {
    pub id: String,
    pub vendor: VendorSummary,
    /// Whether the vendor's account is active (inactive vendors' listings are hidden).
    pub vendor_active: bool,
    pub spec: ListingSpec,
    pub images: Vec<ListingImage>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Listing {
    /// Public when active and its vendor is active.
    pub fn is_public(&self) -> bool {
        self.spec.is_active && self.vendor_active
    }
}

/// Order of browse results; ties are broken by id so pages are stable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    #[default]
    Newest,
    PriceAscending,
    PriceDescending,
}

impl Sort {
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        match raw {
            "newest" | "-created_at" => Ok(Self::Newest),
            "price" => Ok(Self::PriceAscending),
            "-price" => Ok(Self::PriceDescending),
            _ => Err("must be \"newest\", \"price\" or \"-price\""),
        }
    }
}

/// "Free for this whole window": equipment with `amount` units free over `[from, to)`, or
/// adventures with a session inside `[from, to)` that has `amount` seats left, judged at `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AvailabilityFilter {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub amount: i64,
    pub now: DateTime<Utc>,
}

/// The longest availability window a browse may ask about.
pub const MAX_AVAILABILITY_WINDOW_DAYS: i64 = 366;

/// What the public browse filters on. Text filters are trimmed and lower-cased.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BrowseFilter {
    pub category: Option<String>,
    /// Substring of address, city, region or country.
    pub location: Option<String>,
    pub min_price: Option<i64>,
    pub max_price: Option<i64>,
    /// Substring of title or description.
    pub q: Option<String>,
    /// Vendor slug.
    pub vendor: Option<String>,
    pub sort: Sort,
    pub available: Option<AvailabilityFilter>,
}

/// Raw browse query parameters.
#[derive(Debug, Clone, Default)]
pub struct BrowseQuery {
    pub category: Option<String>,
    pub location: Option<String>,
    pub min_price: Option<i64>,
    pub max_price: Option<i64>,
    pub q: Option<String>,
    pub vendor: Option<String>,
    pub sort: Option<String>,
    pub available_from: Option<DateTime<Utc>>,
    pub available_to: Option<DateTime<Utc>>,
    /// Units (equipment) or seats (adventures) wanted in the window; default 1.
    pub amount: Option<i64>,
}

impl BrowseFilter {
    /// Parses the query; `now` judges which bookings hold capacity for the availability
    /// filter.
    pub fn parse(
        query: BrowseQuery,
        now: DateTime<Utc>,
    ) -> Result<Self, domain_core::ValidationErrors> {
        let mut errors = domain_core::ValidationErrors::new();
        let available = match (query.available_from, query.available_to) {
            (None, None) => {
                if query.amount.is_some() {
                    errors.add("quantity", "goes with available_from and available_to");
                }
                None
            }
            (Some(from), Some(to)) => {
                let amount = query.amount.unwrap_or(1);
                if amount < 1 {
                    errors.add("quantity", "must be at least 1");
                }
                if to <= from {
                    errors.add("available_to", "must be after available_from");
                } else if to - from > chrono::Duration::days(MAX_AVAILABILITY_WINDOW_DAYS) {
                    errors.add(
                        "available_to",
                        format!("the window may span at most {MAX_AVAILABILITY_WINDOW_DAYS} days"),
                    );
                }
                Some(AvailabilityFilter {
                    from,
                    to,
                    amount,
                    now,
                })
            }
            (Some(_), None) => {
                errors.add("available_to", "is required with available_from");
                None
            }
            (None, Some(_)) => {
                errors.add("available_from", "is required with available_to");
                None
            }
        };
        let clean = |value: Option<String>| {
            value
                .map(|v| v.trim().to_lowercase())
                .filter(|v| !v.is_empty())
        };
        for (field, value) in [
            ("min_price", query.min_price),
            ("max_price", query.max_price),
        ] {
            if value.is_some_and(|v| v < 0) {
                errors.add(field, "must not be negative");
            }
        }
        if let (Some(min), Some(max)) = (query.min_price, query.max_price) {
            if max < min {
                errors.add("max_price", "must not be below min_price");
            }
        }
        let sort = match query.sort.as_deref() {
            None => Some(Sort::Newest),
            Some(raw) => errors.check("sort", Sort::parse(raw.trim())),
        };
        for (field, value) in [("q", &query.q), ("location", &query.location)] {
            if value.as_ref().is_some_and(|v| v.chars().count() > 200) {
                errors.add(field, "must be at most 200 characters long");
            }
        }
        errors.into_result()?;
        Ok(Self {
            category: clean(query.category),
            location: clean(query.location),
            min_price: query.min_price,
            max_price: query.max_price,
            q: clean(query.q),
            vendor: clean(query.vendor),
            sort: sort.unwrap_or_default(),
            available,
        })
    }
}

/// An image to store, after inspection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewImage {
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub width: i64,
    pub height: i64,
    /// `Some(true)` makes it the primary image; the first image is primary regardless.
    pub is_primary: Option<bool>,
    /// Default: after the last image.
    pub position: Option<i64>,
    pub alt_text: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// Changes to an image's metadata.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ImageUpdate {
    /// Only `true` is meaningful: another image becomes primary by being set so.
    pub is_primary: Option<bool>,
    pub position: Option<i64>,
    pub alt_text: Option<Option<String>>,
}

/// A vendor's public storefront.
#[derive(Debug, Clone, PartialEq)]
pub struct Storefront {
    pub vendor: domain_accounts::VendorProfile,
    pub equipment: Vec<Listing>,
    pub adventures: Vec<Listing>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browse_filters_are_normalised_and_checked() {
        let now = chrono::Utc::now();
        let filter = BrowseFilter::parse(
            BrowseQuery {
                q: Some("  Sun  ".into()),
                location: Some(" ".into()),
                sort: Some("-price".into()),
                ..BrowseQuery::default()
            },
            now,
        )
        .unwrap();
        assert_eq!(filter.q.as_deref(), Some("sun"));
        assert_eq!(filter.location, None);
        assert_eq!(filter.sort, Sort::PriceDescending);

        let errors = BrowseFilter::parse(
            BrowseQuery {
                min_price: Some(500),
                max_price: Some(100),
                sort: Some("cheapest".into()),
                ..BrowseQuery::default()
            },
            now,
        )
        .unwrap_err();
        assert!(errors.get("max_price").is_some() && errors.get("sort").is_some());
        assert!(BrowseFilter::parse(
            BrowseQuery {
                min_price: Some(-1),
                ..BrowseQuery::default()
            },
            now
        )
        .is_err());
    }

    #[test]
    fn availability_windows_come_in_pairs_and_in_order() {
        let now = chrono::Utc::now();
        let later = now + chrono::Duration::hours(2);
        let parse = |from, to, amount| {
            BrowseFilter::parse(
                BrowseQuery {
                    available_from: from,
                    available_to: to,
                    amount,
                    ..BrowseQuery::default()
                },
                now,
            )
        };
        let filter = parse(Some(now), Some(later), None).unwrap();
        assert_eq!(filter.available.map(|a| a.amount), Some(1));
        assert!(parse(Some(now), None, None)
            .unwrap_err()
            .get("available_to")
            .is_some());
        assert!(parse(None, Some(later), None)
            .unwrap_err()
            .get("available_from")
            .is_some());
        assert!(parse(Some(later), Some(now), None)
            .unwrap_err()
            .get("available_to")
            .is_some());
        assert!(parse(Some(now), Some(later), Some(0))
            .unwrap_err()
            .get("quantity")
            .is_some());
        assert!(parse(None, None, Some(2))
            .unwrap_err()
            .get("quantity")
            .is_some());
    }
}
