//! Booking requests and their lifecycle: ports and the use cases.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use domain_accounts::{Principal, Role, UserId};
use domain_catalog::{CatalogRepository, Listing, ListingKind};
use domain_core::{Clock, Money, Page, PageRequest, StoreError, ValidationErrors};

use crate::availability::QuoteInput;
use crate::capacity::{free_units, Occupancy};
use crate::lifecycle::{
    apply, payment_due, Action, Actor, BookingClock, BookingStatus, TransitionError,
};
use crate::ports::{AvailabilityRepository, ItemListing, Session, SessionStatus};
use crate::quote::{quote_adventure, quote_equipment, LineItem, Quote};
use crate::rules::{is_bookable, is_session_bookable, Reason, SessionRules};
use crate::terms::{check_participants, requested_window, ItemTerms};
use crate::window::TimeWindow;

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
/// An owned decision function, built per request.
type AdmitFn = Box<dyn Fn(&Admission) -> Result<(), Vec<Reason>> + Sync>;

/// The decision function of `transition`.
pub type Decide<'a> =
    &'a (dyn Fn(&BookingRecord, &Admission) -> Result<Change, ChangeRefusal> + Sync);

/// Storage of bookings. Every method is one transaction.
pub trait BookingRepository: Send + Sync {
    /// In one transaction that no other booking of the same listing (or session) can
    /// interleave with — a row lock on PostgreSQL, `BEGIN IMMEDIATE` on SQLite:
    /// 1. an idempotency key the customer used before → `Replayed` (same `request_hash`) or
    ///    `KeyConflict`;
    /// 2. `max_active_holds` live holds of the customer → `TooManyHolds`;
    /// 3. reads the [`Admission`] at `now` and asks `admit`; refusal → `Refused`;
    /// 4. inserts the booking and its first event (none → requested, by the customer).
    fn create(
        &self,
        new: &NewBooking,
        max_active_holds: i64,
        now: DateTime<Utc>,
        admit: Admit<'_>,
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
    fn transition(
        &self,
        id: &str,
        now: DateTime<Utc>,
        decide: Decide<'_>,
    ) -> Result<Option<Result<BookingRecord, ChangeRefusal>>, StoreError>;

    /// The booking's history, oldest first.
    fn events(&self, id: &str) -> Result<Vec<BookingEvent>, StoreError>;

    /// Marks up to `limit` lapsed bookings (holds and payment deadlines passed at `now`)
    /// `expired`, each with a system event; safe when several processes run it at once.
    /// Returns how many it expired.
    fn expire_lapsed(&self, now: DateTime<Utc>, limit: i64) -> Result<usize, StoreError>;
}

/// Booking settings (`BOOKING_HOLD_MINUTES`, `PAYMENT_WINDOW_MINUTES`,
/// `MAX_ACTIVE_HOLDS_PER_CUSTOMER`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BookingSettings {
    pub hold: Duration,
    pub payment_window: Duration,
    pub max_active_holds: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum RequestError {
    #[error("only customers book")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("invalid request: {0}")]
    Invalid(ValidationErrors),
    /// Rules the request breaks (other than capacity): 422.
    #[error("the request breaks booking rules")]
    RuleViolations(Vec<Reason>),
    /// Not enough units or seats at that time: 409.
    #[error("not enough capacity at that time")]
    NoCapacity(Vec<Reason>),
    #[error("too many active holds")]
    TooManyHolds,
    #[error("this idempotency key was used for a different request")]
    KeyConflict,
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[derive(Debug, thiserror::Error)]
pub enum ActionError {
    #[error("not found")]
    NotFound,
    #[error("not allowed")]
    Forbidden,
    #[error("a booking that is {0} cannot be changed that way")]
    Illegal(BookingStatus),
    #[error("the hold or payment deadline has lapsed")]
    Lapsed,
    #[error("the capacity is no longer there")]
    NoCapacity,
    #[error("invalid input: {0}")]
    Invalid(ValidationErrors),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What a booking request produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requested {
    pub booking: BookingRecord,
    /// True when an idempotent retry returned the booking made the first time.
    pub replayed: bool,
}

#[derive(Clone)]
pub struct BookingService {
    catalog: Arc<dyn CatalogRepository>,
    availability: Arc<dyn AvailabilityRepository>,
    bookings: Arc<dyn BookingRepository>,
    clock: Arc<dyn Clock>,
    settings: BookingSettings,
}

pub const MAX_NOTES_CHARS: usize = 1000;
pub const MAX_IDEMPOTENCY_KEY_CHARS: usize = 255;

fn is_party(principal: &Principal, booking: &BookingRecord) -> bool {
    principal.is_admin()
        || principal.user_id == booking.customer_id
        || principal.user_id == booking.vendor_id
}

impl BookingService {
    pub fn new(
        catalog: Arc<dyn CatalogRepository>,
        availability: Arc<dyn AvailabilityRepository>,
        bookings: Arc<dyn BookingRepository>,
        clock: Arc<dyn Clock>,
        settings: BookingSettings,
    ) -> Self {
        Self {
            catalog,
            availability,
            bookings,
            clock,
            settings,
        }
    }

    fn listing(&self, kind: ListingKind, id: &str) -> Result<Listing, RequestError> {
        self.catalog
            .find_listing(kind, id)?
            .ok_or(RequestError::NotFound)
    }

    /// Requests a booking for the calling customer: checks every rule, then inserts it with
    /// a hold, atomically with the capacity check.
    pub fn request(
        &self,
        principal: &Principal,
        input: QuoteInput,
        notes: Option<String>,
        idempotency_key: Option<String>,
    ) -> Result<Requested, RequestError> {
        if principal.role != Role::Customer {
            return Err(RequestError::Forbidden);
        }
        let now = self.clock.now();
        let mut errors = ValidationErrors::new();
        let notes = notes.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
        if notes
            .as_ref()
            .is_some_and(|n| n.chars().count() > MAX_NOTES_CHARS)
        {
            errors.add(
                "notes",
                format!("must be at most {MAX_NOTES_CHARS} characters long"),
            );
        }
        if idempotency_key
            .as_ref()
            .is_some_and(|k| k.is_empty() || k.chars().count() > MAX_IDEMPOTENCY_KEY_CHARS)
        {
            errors.add("Idempotency-Key", "must be 1 to 255 characters long");
        }
        let request_hash = format!("{input:?}|{notes:?}");
        let (new, admit): (NewBooking, AdmitFn) = match input {
            QuoteInput::Equipment {
                equipment_id,
                start,
                end,
                quantity,
            } => {
                let window = requested_window(&mut errors, start, end, quantity);
                errors.into_result().map_err(RequestError::Invalid)?;
                let window = window.ok_or(RequestError::NotFound)?;
                let ItemListing { listing, weekly } = self
                    .availability
                    .item_listing(&equipment_id)?
                    .ok_or(RequestError::NotFound)?;
                let ItemTerms {
                    rules,
                    hours,
                    pricing,
                } = ItemTerms::of(&listing, weekly).ok_or(RequestError::NotFound)?;
                let occupied = rules.occupied_window(&window);
                let new = NewBooking {
                    listing_id: equipment_id,
                    session_id: None,
                    customer_id: principal.user_id.clone(),
                    vendor_id: listing.vendor.user_id.clone(),
                    window,
                    occupied_until: occupied.end(),
                    quantity,
                    quote: quote_equipment(&pricing, &window, quantity),
                    notes,
                    hold_expires_at: now + self.settings.hold,
                    idempotency_key,
                    request_hash,
                    created_at: now,
                };
                let admit = move |admission: &Admission| match admission {
                    Admission::Units { occupied, .. } => {
                        is_bookable(&rules, &hours, start, end, quantity, occupied, now)
                    }
                    Admission::Seats(_) => Err(vec![Reason::ListingInactive]),
                };
                (new, Box::new(admit))
            }
            QuoteInput::Session {
                session_id,
                participants,
            } => {
                check_participants(&mut errors, participants);
                errors.into_result().map_err(RequestError::Invalid)?;
                let session = self
                    .availability
                    .find_session(&session_id, now)?
                    .ok_or(RequestError::NotFound)?;
                let listing = self.listing(ListingKind::Adventure, &session.listing_id)?;
                if SessionRules::of(&session, &listing).is_none() {
                    return Err(RequestError::NotFound);
                }
                let new = NewBooking {
                    listing_id: session.listing_id.clone(),
                    session_id: Some(session.id.clone()),
                    customer_id: principal.user_id.clone(),
                    vendor_id: listing.vendor.user_id.clone(),
                    window: session.window,
                    occupied_until: session.window.end(),
                    quantity: participants,
                    quote: quote_adventure(listing.spec.price, listing.spec.currency, participants),
                    notes,
                    hold_expires_at: now + self.settings.hold,
                    idempotency_key,
                    request_hash,
                    created_at: now,
                };
                // The session as read under the lock (capacity, status, seats taken).
                let admit = move |admission: &Admission| match admission {
                    Admission::Seats(session) => match SessionRules::of(session, &listing) {
                        Some(rules) => {
                            is_session_bookable(&rules, participants, session.seats_taken, now)
                        }
                        None => Err(vec![Reason::ListingInactive]),
                    },
                    Admission::Units { .. } => Err(vec![Reason::ListingInactive]),
                };
                (new, Box::new(admit))
            }
        };
        match self
            .bookings
            .create(&new, self.settings.max_active_holds, now, admit.as_ref())?
        {
            CreateOutcome::Created(booking) => Ok(Requested {
                booking,
                replayed: false,
            }),
            CreateOutcome::Replayed(booking) => Ok(Requested {
                booking,
                replayed: true,
            }),
            CreateOutcome::KeyConflict => Err(RequestError::KeyConflict),
            CreateOutcome::TooManyHolds => Err(RequestError::TooManyHolds),
            CreateOutcome::Refused(reasons) => {
                if reasons.iter().all(Reason::is_capacity) {
                    Err(RequestError::NoCapacity(reasons))
                } else {
                    Err(RequestError::RuleViolations(
                        reasons.into_iter().filter(|r| !r.is_capacity()).collect(),
                    ))
                }
            }
        }
    }

    /// A booking its parties (customer, vendor) and admins may see; `NotFound` for others.
    pub fn booking(&self, principal: &Principal, id: &str) -> Result<BookingRecord, ActionError> {
        self.bookings
            .find(id)?
            .filter(|booking| is_party(principal, booking))
            .ok_or(ActionError::NotFound)
    }

    /// The caller's bookings: a customer's own, a vendor's listings', or all for admins.
    pub fn list(
        &self,
        principal: &Principal,
        mut filter: BookingFilter,
        page: PageRequest,
    ) -> Result<Page<BookingRecord>, ActionError> {
        match principal.role {
            Role::Customer => filter.customer = Some(principal.user_id.clone()),
            Role::Vendor => filter.vendor = Some(principal.user_id.clone()),
            Role::Admin => {}
        }
        if let (Some(from), Some(to)) = (filter.from, filter.to) {
            if to <= from {
                return Err(ActionError::Invalid(ValidationErrors::single(
                    "to",
                    "must be after from",
                )));
            }
        }
        Ok(self.bookings.list(&filter, page)?)
    }

    pub fn events(
        &self,
        principal: &Principal,
        id: &str,
    ) -> Result<Vec<BookingEvent>, ActionError> {
        self.booking(principal, id)?;
        Ok(self.bookings.events(id)?)
    }

    /// Approve, decline, cancel or confirm as the caller. Parties get 403 for actions their
    /// role may not take; everyone else 404.
    pub fn act(
        &self,
        principal: &Principal,
        id: &str,
        action: Action,
        reason: Option<String>,
    ) -> Result<BookingRecord, ActionError> {
        let booking = self.booking(principal, id)?;
        let actor = if principal.is_admin() {
            Actor::Admin
        } else if principal.user_id == booking.vendor_id {
            Actor::Vendor
        } else {
            Actor::Customer
        };
        let reason = reason
            .map(|r| r.trim().to_owned())
            .filter(|r| !r.is_empty());
        if reason
            .as_ref()
            .is_some_and(|r| r.chars().count() > MAX_NOTES_CHARS)
        {
            return Err(ActionError::Invalid(ValidationErrors::single(
                "reason",
                format!("must be at most {MAX_NOTES_CHARS} characters long"),
            )));
        }
        let now = self.clock.now();
        let payment_window = self.settings.payment_window;
        let actor_id = principal.user_id.clone();
        let decide = |booking: &BookingRecord,
                      admission: &Admission|
         -> Result<Change, ChangeRefusal> {
            let to = apply(&booking.clock(), action, actor, reason.as_deref(), now)?;
            if action == Action::Approve {
                let fits = match admission {
                    Admission::Units { quantity, occupied } => {
                        TimeWindow::new(booking.window.start(), booking.occupied_until).is_ok_and(
                            |window| free_units(*quantity, occupied, &window) >= booking.quantity,
                        )
                    }
                    Admission::Seats(session) => {
                        session.status == SessionStatus::Scheduled
                            && session.capacity - session.seats_taken >= booking.quantity
                    }
                };
                if !fits {
                    return Err(ChangeRefusal::NoCapacity);
                }
            }
            Ok(Change {
                to,
                payment_due_at: (action == Action::Approve)
                    .then(|| payment_due(now, payment_window)),
                actor,
                actor_id: Some(actor_id.clone()),
                reason: reason.clone(),
            })
        };
        match self.bookings.transition(id, now, &decide)? {
            None => Err(ActionError::NotFound),
            Some(Ok(booking)) => Ok(booking),
            Some(Err(ChangeRefusal::NoCapacity)) => Err(ActionError::NoCapacity),
            Some(Err(ChangeRefusal::Transition(error))) => Err(match error {
                TransitionError::Illegal(status) => ActionError::Illegal(status),
                TransitionError::NotAllowed => ActionError::Forbidden,
                TransitionError::ReasonRequired => ActionError::Invalid(ValidationErrors::single(
                    "reason",
                    "is required when a vendor or an admin cancels",
                )),
                TransitionError::Lapsed => ActionError::Lapsed,
            }),
        }
    }

    /// Marks lapsed holds and payment deadlines expired (the background sweeper).
    pub fn expire_lapsed(&self, limit: i64) -> Result<usize, StoreError> {
        self.bookings.expire_lapsed(self.clock.now(), limit)
    }
}
