//! What the booking rules need from storage: the availability and booking repositories, with
//! the records they exchange. Adapters implement them (diesel in `persistence`); services are
//! tested against their mockall doubles (feature `mocks`).

use chrono::{DateTime, Utc};
use domain_core::{Money, Page, PageRequest, StoreError};

use domain_accounts::{TimeZone, UserId};
use domain_catalog::{Listing, ListingKind};

use crate::capacity::Occupancy;
use crate::hours::WeeklyRule;
use crate::lifecycle::{Actor, BookingClock, BookingStatus, TransitionError};
use crate::quote::{LineItem, Quote};
use crate::rules::Reason;
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

/// A stored booking with the price snapshot taken when it was requested.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookingRecord {
    pub id: String,
    pub listing_id: String,
    pub listing_kind: ListingKind,
    pub listing_title: String,
    pub session_id: Option<String>,
    pub customer_id: UserId,
    pub vendor_id: UserId,
    pub status: BookingStatus,
    pub window: TimeWindow,
    /// `window.end` plus the item's buffer: the booking occupies `[start, occupied_until)`.
    pub occupied_until: DateTime<Utc>,
    /// Units (equipment) or participants (sessions).
    pub quantity: i64,
    pub total: Money,
    pub line_items: Vec<LineItem>,
    pub notes: Option<String>,
    pub hold_expires_at: DateTime<Utc>,
    pub payment_due_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl BookingRecord {
    pub fn clock(&self) -> BookingClock {
        BookingClock {
            status: self.status,
            hold_expires_at: self.hold_expires_at,
            payment_due_at: self.payment_due_at,
        }
    }
}

/// A booking to insert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewBooking {
    pub listing_id: String,
    pub session_id: Option<String>,
    pub customer_id: UserId,
    pub vendor_id: UserId,
    pub window: TimeWindow,
    /// `window.end` plus the item's buffer.
    pub occupied_until: DateTime<Utc>,
    pub quantity: i64,
    pub quote: Quote,
    pub notes: Option<String>,
    pub hold_expires_at: DateTime<Utc>,
    pub idempotency_key: Option<String>,
    /// A fingerprint of the request, compared when an idempotency key is reused.
    pub request_hash: String,
    pub created_at: DateTime<Utc>,
}

/// What admission is judged on, read inside the writing transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Admission {
    /// The item's quantity and what occupies it over the booking's occupied window (the
    /// booking itself excluded on approval).
    Units {
        quantity: i64,
        occupied: Vec<Occupancy>,
    },
    /// The session, with seats taken by other blocking bookings.
    Seats(Session),
}

/// What `create` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CreateOutcome {
    Created(BookingRecord),
    /// The same customer sent the same idempotency key with the same request before.
    Replayed(BookingRecord),
    /// The key was used before for a different request.
    KeyConflict,
    Refused(Vec<Reason>),
    TooManyHolds,
}

/// One entry of a booking's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookingEvent {
    pub from: Option<BookingStatus>,
    pub to: BookingStatus,
    pub actor: Actor,
    pub actor_id: Option<UserId>,
    pub reason: Option<String>,
    pub at: DateTime<Utc>,
}

/// A transition decided by the domain, applied by the store with its event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub to: BookingStatus,
    pub payment_due_at: Option<DateTime<Utc>>,
    pub actor: Actor,
    pub actor_id: Option<UserId>,
    pub reason: Option<String>,
}

/// Why a transition was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChangeRefusal {
    #[error(transparent)]
    Transition(#[from] TransitionError),
    #[error("the capacity is no longer there")]
    NoCapacity,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BookingFilter {
    pub customer: Option<UserId>,
    pub vendor: Option<UserId>,
    pub status: Option<BookingStatus>,
    /// Bookings overlapping `[from, to)`.
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub listing: Option<String>,
}

/// The decision function of `create`: admit (`Ok`) or the reasons not to.
pub type Admit<'a> = &'a (dyn Fn(&Admission) -> Result<(), Vec<Reason>> + Sync);

/// The decision function of `transition`.
pub type Decide<'a> =
    &'a (dyn Fn(&BookingRecord, &Admission) -> Result<Change, ChangeRefusal> + Sync);

/// Storage of bookings. Every method is one transaction.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait BookingRepository: Send + Sync {
    /// In one transaction that no other booking of the same listing (or session) can
    /// interleave with — a row lock on PostgreSQL, `BEGIN IMMEDIATE` on SQLite:
    /// 1. an idempotency key the customer used before → `Replayed` (same `request_hash`) or
    ///    `KeyConflict`;
    /// 2. `max_active_holds` live holds of the customer → `TooManyHolds`;
    /// 3. reads the [`Admission`] at `now` and asks `admit`; refusal → `Refused`;
    /// 4. inserts the booking and its first event (none → requested, by the customer).
    // mockall needs the named lifetime of the decision function.
    #[allow(clippy::needless_lifetimes)]
    fn create<'a>(
        &self,
        new: &NewBooking,
        max_active_holds: i64,
        now: DateTime<Utc>,
        admit: Admit<'a>,
    ) -> Result<CreateOutcome, StoreError>;

    fn find(&self, id: &str) -> Result<Option<BookingRecord>, StoreError>;

    /// Newest first.
    fn list(
        &self,
        filter: &BookingFilter,
        page: PageRequest,
    ) -> Result<Page<BookingRecord>, StoreError>;

    /// Under the same lock as `create`: loads the booking and the admission without it, asks
    /// `decide`, and on `Ok` stores the change with its event. `None`: no such booking.
    #[allow(clippy::needless_lifetimes)]
    fn transition<'a>(
        &self,
        id: &str,
        now: DateTime<Utc>,
        decide: Decide<'a>,
    ) -> Result<Option<Result<BookingRecord, ChangeRefusal>>, StoreError>;

    /// The booking's history, oldest first.
    fn events(&self, id: &str) -> Result<Vec<BookingEvent>, StoreError>;

    /// Marks up to `limit` lapsed bookings (holds and payment deadlines passed at `now`)
    /// `expired`, each with a system event; safe when several processes run it at once.
    /// Returns how many it expired.
    fn expire_lapsed(&self, now: DateTime<Utc>, limit: i64) -> Result<usize, StoreError>;
}
