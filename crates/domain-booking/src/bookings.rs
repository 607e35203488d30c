//! Booking requests and their lifecycle: the use cases over the booking port.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use domain_accounts::{Principal, Role, UserId};
use domain_catalog::{CatalogRepository, Listing, ListingKind};
use domain_core::{Clock, Page, PageRequest, StoreError, ValidationErrors};

use crate::availability::QuoteInput;
use crate::lifecycle::{apply, payment_due, Action, Actor, BookingStatus, TransitionError};
use crate::ports::{
    Admission, AvailabilityRepository, BookingEvent, BookingFilter, BookingRecord,
    BookingRepository, Change, ChangeRefusal, CreateOutcome, ItemListing, NewBooking,
};
use crate::quote::{quote_adventure, quote_equipment, Quote};
use crate::rules::{fits_on_approval, is_bookable, is_session_bookable, Reason, SessionRules};
use crate::terms::{check_participants, requested_window, ItemTerms};
use crate::window::TimeWindow;

/// An owned decision function, built per request.
type AdmitFn = Box<dyn Fn(&Admission) -> Result<(), Vec<Reason>> + Sync>;

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

/// What every booking request carries, whatever it books.
struct BookingRequest {
    customer_id: UserId,
    notes: Option<String>,
    idempotency_key: Option<String>,
    request_hash: String,
    now: DateTime<Utc>,
}

impl BookingRequest {
    #[allow(clippy::too_many_arguments)]
    fn into_booking(
        self,
        listing: &Listing,
        session_id: Option<String>,
        window: TimeWindow,
        occupied_until: DateTime<Utc>,
        quantity: i64,
        quote: Quote,
        hold: Duration,
    ) -> NewBooking {
        NewBooking {
            listing_id: listing.id.clone(),
            session_id,
            customer_id: self.customer_id,
            vendor_id: listing.vendor.user_id.clone(),
            window,
            occupied_until,
            quantity,
            quote,
            notes: self.notes,
            hold_expires_at: self.now + hold,
            idempotency_key: self.idempotency_key,
            request_hash: self.request_hash,
            created_at: self.now,
        }
    }
}

/// The reasons a request was refused under the lock, as the error: capacity alone is 409;
/// any other rule is 422 (listing only those, not capacity).
fn refusal(reasons: Vec<Reason>) -> RequestError {
    if reasons.iter().all(Reason::is_capacity) {
        RequestError::NoCapacity(reasons)
    } else {
        RequestError::RuleViolations(reasons.into_iter().filter(|r| !r.is_capacity()).collect())
    }
}

/// Free text as stored: trimmed, empty as none, at most [`MAX_NOTES_CHARS`] characters (else
/// an error under `field`).
fn clean_text(errors: &mut ValidationErrors, field: &str, text: Option<String>) -> Option<String> {
    let text = text.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty());
    if text
        .as_ref()
        .is_some_and(|t| t.chars().count() > MAX_NOTES_CHARS)
    {
        errors.add(
            field,
            format!("must be at most {MAX_NOTES_CHARS} characters long"),
        );
    }
    text
}

fn clean_notes(errors: &mut ValidationErrors, notes: Option<String>) -> Option<String> {
    clean_text(errors, "notes", notes)
}

/// The fingerprint of a booking request that an idempotency key is bound to: SHA-256 (hex) of
/// a canonical encoding of what was asked (target, window or participants, notes), each value
/// length-prefixed so that no two requests encode alike. It depends on the request's values
/// only, never on how a Rust type prints.
pub fn request_fingerprint(input: &QuoteInput, notes: Option<&str>) -> String {
    use sha2::{Digest, Sha256};
    let instant = |t: &DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    let fields: Vec<String> = match input {
        QuoteInput::Equipment {
            equipment_id,
            start,
            end,
            quantity,
        } => vec![
            "equipment".into(),
            equipment_id.clone(),
            instant(start),
            instant(end),
            quantity.to_string(),
        ],
        QuoteInput::Session {
            session_id,
            participants,
        } => vec![
            "session".into(),
            session_id.clone(),
            participants.to_string(),
        ],
    };
    let mut hasher = Sha256::new();
    hasher.update(b"watertrek-booking-request-v1");
    for field in fields
        .iter()
        .map(String::as_str)
        .chain([notes.unwrap_or("")])
    {
        hasher.update((field.len() as u64).to_be_bytes());
        hasher.update(field.as_bytes());
    }
    hasher.update([u8::from(notes.is_some())]);
    hex::encode(hasher.finalize())
}

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
        let mut errors = ValidationErrors::new();
        let notes = clean_notes(&mut errors, notes);
        if idempotency_key
            .as_ref()
            .is_some_and(|k| k.is_empty() || k.chars().count() > MAX_IDEMPOTENCY_KEY_CHARS)
        {
            errors.add("Idempotency-Key", "must be 1 to 255 characters long");
        }
        let request = BookingRequest {
            customer_id: principal.user_id.clone(),
            request_hash: request_fingerprint(&input, notes.as_deref()),
            notes,
            idempotency_key,
            now: self.clock.now(),
        };
        let (new, admit) = match input {
            QuoteInput::Equipment {
                equipment_id,
                start,
                end,
                quantity,
            } => self.item_request(request, errors, equipment_id, start, end, quantity)?,
            QuoteInput::Session {
                session_id,
                participants,
            } => self.session_request(request, errors, session_id, participants)?,
        };
        let now = new.created_at;
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
            CreateOutcome::Refused(reasons) => Err(refusal(reasons)),
        }
    }

    /// The booking of `quantity` units of an equipment item for `[start, end)`, and how to
    /// judge it under the lock: the item's rules over what occupies it then.
    fn item_request(
        &self,
        request: BookingRequest,
        mut errors: ValidationErrors,
        equipment_id: String,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        quantity: i64,
    ) -> Result<(NewBooking, AdmitFn), RequestError> {
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
        let now = request.now;
        let new = request.into_booking(
            &listing,
            None,
            window,
            rules.occupied_window(&window).end(),
            quantity,
            quote_equipment(&pricing, &window, quantity),
            self.settings.hold,
        );
        let admit = move |admission: &Admission| match admission {
            Admission::Units { occupied, .. } => {
                is_bookable(&rules, &hours, start, end, quantity, occupied, now)
            }
            Admission::Seats(_) => Err(vec![Reason::ListingInactive]),
        };
        Ok((new, Box::new(admit)))
    }

    /// The booking of `participants` seats of an adventure session, and how to judge it under
    /// the lock: the session as read then (capacity, status, seats taken).
    fn session_request(
        &self,
        request: BookingRequest,
        mut errors: ValidationErrors,
        session_id: String,
        participants: i64,
    ) -> Result<(NewBooking, AdmitFn), RequestError> {
        check_participants(&mut errors, participants);
        errors.into_result().map_err(RequestError::Invalid)?;
        let now = request.now;
        let session = self
            .availability
            .find_session(&session_id, now)?
            .ok_or(RequestError::NotFound)?;
        let listing = self.listing(ListingKind::Adventure, &session.listing_id)?;
        if SessionRules::of(&session, &listing).is_none() {
            return Err(RequestError::NotFound);
        }
        let new = request.into_booking(
            &listing,
            Some(session.id.clone()),
            session.window,
            session.window.end(),
            participants,
            quote_adventure(listing.spec.price, listing.spec.currency, participants),
            self.settings.hold,
        );
        let admit = move |admission: &Admission| match admission {
            Admission::Seats(session) => match SessionRules::of(session, &listing) {
                Some(rules) => is_session_bookable(&rules, participants, session.seats_taken, now),
                None => Err(vec![Reason::ListingInactive]),
            },
            Admission::Units { .. } => Err(vec![Reason::ListingInactive]),
        };
        Ok((new, Box::new(admit)))
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
        let mut errors = ValidationErrors::new();
        let reason = clean_text(&mut errors, "reason", reason);
        errors.into_result().map_err(ActionError::Invalid)?;
        let now = self.clock.now();
        let payment_window = self.settings.payment_window;
        let actor_id = principal.user_id.clone();
        let decide =
            |booking: &BookingRecord, admission: &Admission| -> Result<Change, ChangeRefusal> {
                let to = apply(&booking.clock(), action, actor, reason.as_deref(), now)?;
                if action == Action::Approve && !fits_on_approval(booking, admission) {
                    return Err(ChangeRefusal::NoCapacity);
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
