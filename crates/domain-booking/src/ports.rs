//! What the booking rules need from storage.

use chrono::{DateTime, Utc};
use domain_core::StoreError;

use domain_accounts::{TimeZone, UserId};
use domain_catalog::Listing;

use crate::capacity::Occupancy;
use crate::hours::WeeklyRule;
use crate::lifecycle::Actor;
use crate::window::TimeWindow;

/// A period in which some (or all) units of an item are unavailable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blackout {
    pub id: String,
    pub listing_id: String,
    pub window: TimeWindow,
    /// `None`: every unit.
    pub units: Option<i64>,
    pub reason: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewBlackout {
    pub window: TimeWindow,
    pub units: Option<i64>,
    pub reason: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionStatus {
    Scheduled,
    Cancelled,
}

impl SessionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Scheduled => "scheduled",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "scheduled" => Some(Self::Scheduled),
            "cancelled" => Some(Self::Cancelled),
            _ => None,
        }
    }
}

/// A scheduled run of an adventure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub id: String,
    pub listing_id: String,
    pub window: TimeWindow,
    pub capacity: i64,
    pub status: SessionStatus,
    /// Participants of blocking bookings, judged at the `now` of the query.
    pub seats_taken: i64,
}

impl Session {
    pub fn seats_left(&self) -> i64 {
        if self.status == SessionStatus::Cancelled {
            0
        } else {
            (self.capacity - self.seats_taken).max(0)
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSession {
    pub window: TimeWindow,
    pub capacity: i64,
}

/// What the availability timeline of an equipment item needs, read together by
/// [`AvailabilityRepository::item_timeline`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemTimeline {
    /// The listing's own `is_active`.
    pub is_active: bool,
    /// Whether the vendor's account is active.
    pub vendor_active: bool,
    pub timezone: TimeZone,
    pub quantity: i64,
    /// By weekday, then start.
    pub weekly: Vec<WeeklyRule>,
    /// As [`AvailabilityRepository::occupancy`] returns it.
    pub occupied: Vec<Occupancy>,
}

impl ItemTimeline {
    /// Public when active and its vendor is active (as `Listing::is_public`).
    pub fn is_public(&self) -> bool {
        self.is_active && self.vendor_active
    }
}

/// An equipment listing with its weekly opening rules: what quotes and booking requests of an
/// item read before anything else, by [`AvailabilityRepository::item_listing`].
#[derive(Debug, Clone, PartialEq)]
pub struct ItemListing {
    /// The listing in any state, without its images (`images` is empty): no rule or price
    /// depends on them.
    pub listing: Listing,
    /// By weekday, then start.
    pub weekly: Vec<WeeklyRule>,
}

/// Opening hours, blackouts, sessions and the occupancy of items. One transaction per method.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait AvailabilityRepository: Send + Sync {
    /// The equipment listing with this id and its weekly rules, read in one statement;
    /// `None` when no equipment listing has this id.
    fn item_listing(&self, listing_id: &str) -> Result<Option<ItemListing>, StoreError>;

    /// Replaces the listing's weekly rules and sets its time zone, in one transaction.
    fn replace_weekly_rules(
        &self,
        listing_id: &str,
        timezone: &str,
        rules: &[WeeklyRule],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    fn add_blackout(
        &self,
        listing_id: &str,
        blackout: &NewBlackout,
    ) -> Result<Blackout, StoreError>;

    /// Blackouts of the listing, those overlapping `range` when given, by start.
    // mockall needs the named lifetime of an `Option<&T>` argument.
    #[allow(clippy::needless_lifetimes)]
    fn blackouts<'a>(
        &self,
        listing_id: &str,
        range: Option<&'a TimeWindow>,
    ) -> Result<Vec<Blackout>, StoreError>;

    /// Whether a blackout of the listing with this id existed and was deleted.
    fn delete_blackout(&self, listing_id: &str, blackout_id: &str) -> Result<bool, StoreError>;

    /// What takes units of the item within `range`: blocking bookings as judged at `now`
    /// (occupying `[start, end + buffer)`) and blackouts (all `quantity` units when they name
    /// none).
    fn occupancy(
        &self,
        listing_id: &str,
        quantity: i64,
        range: &TimeWindow,
        now: DateTime<Utc>,
    ) -> Result<Vec<Occupancy>, StoreError>;

    /// The equipment item's public state, time zone, quantity and weekly rules, and its
    /// [`occupancy`](Self::occupancy) within `range` at `now`, read in one statement (one
    /// snapshot); `None` when no equipment listing has this id.
    fn item_timeline(
        &self,
        listing_id: &str,
        range: &TimeWindow,
        now: DateTime<Utc>,
    ) -> Result<Option<ItemTimeline>, StoreError>;

    fn add_sessions(
        &self,
        listing_id: &str,
        sessions: &[NewSession],
        now: DateTime<Utc>,
    ) -> Result<Vec<Session>, StoreError>;

    /// Sessions of the listing starting within `range`, by start, with seats taken at `now`.
    fn sessions(
        &self,
        listing_id: &str,
        range: &TimeWindow,
        now: DateTime<Utc>,
    ) -> Result<Vec<Session>, StoreError>;

    fn find_session(
        &self,
        session_id: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Session>, StoreError>;

    /// Marks the session cancelled and cancels its requested, approved and confirmed
    /// bookings (each with an event by `actor`), in one transaction; `None` when the listing
    /// has no such session.
    fn cancel_session(
        &self,
        listing_id: &str,
        session_id: &str,
        actor: Actor,
        actor_id: &UserId,
        now: DateTime<Utc>,
    ) -> Result<Option<Session>, StoreError>;
}
