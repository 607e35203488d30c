//! Use cases around availability: opening hours, blackouts, sessions, timelines and quotes.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use domain_accounts::Principal;
use domain_catalog::{CatalogRepository, Listing, ListingKind, ListingTerms};
use domain_core::{Clock, StoreError, ValidationErrors};

use crate::capacity::{timeline, Slot};
use crate::hours::{OpeningHours, WeeklyRule};
use crate::ports::{
    AvailabilityRepository, Blackout, ItemListing, ItemTimeline, NewBlackout, NewSession, Session,
};
use crate::quote::{quote_adventure, quote_equipment, Quote};
use crate::rules::{is_bookable, is_session_bookable, Reason, SessionRules};
use crate::sessions::{expand, parse_recurrence};
use crate::terms::{check_participants, requested_window, ItemTerms};
use crate::window::TimeWindow;

/// The longest range a timeline or session list may cover.
pub const MAX_RANGE_DAYS: i64 = 93;
pub const MAX_WEEKLY_RULES: usize = 50;

#[derive(Debug, thiserror::Error)]
pub enum BookingError {
    #[error("not found")]
    NotFound,
    #[error("invalid input: {0}")]
    Invalid(ValidationErrors),
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn invalid(field: &str, message: impl Into<String>) -> BookingError {
    BookingError::Invalid(ValidationErrors::single(field, message))
}

/// A weekly rule as sent.
#[derive(Debug, Clone, Default)]
pub struct WeeklyRuleInput {
    pub weekday: i64,
    pub start: String,
    pub end: String,
}

/// Opening hours and, for a range, opening intervals and free units over time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AvailabilityView {
    pub timezone: Tz,
    pub weekly: Vec<WeeklyRule>,
    pub opening: Vec<TimeWindow>,
    pub timeline: Vec<Slot>,
}

/// Sessions to create: one, or a weekly recurrence.
#[derive(Debug, Clone)]
pub enum SessionInput {
    Single {
        start: DateTime<Utc>,
        capacity: Option<i64>,
    },
    Recurring {
        weekdays: Vec<i64>,
        time: String,
        from_date: String,
        to_date: String,
        capacity: Option<i64>,
    },
}

/// What a quote is for.
#[derive(Debug, Clone)]
pub enum QuoteInput {
    Equipment {
        equipment_id: String,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        quantity: i64,
    },
    Session {
        session_id: String,
        participants: i64,
    },
}

/// A quote with every reason the request could not be booked now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuoteView {
    pub reasons: Vec<Reason>,
    pub quote: Quote,
}

impl QuoteView {
    pub fn bookable(&self) -> bool {
        self.reasons.is_empty()
    }
}

#[derive(Clone)]
pub struct AvailabilityService {
    catalog: Arc<dyn CatalogRepository>,
    repository: Arc<dyn AvailabilityRepository>,
    clock: Arc<dyn Clock>,
}

fn range(from: DateTime<Utc>, to: DateTime<Utc>) -> Result<TimeWindow, BookingError> {
    let window = TimeWindow::new(from, to).map_err(|_| invalid("to", "must be after from"))?;
    if window.duration() > Duration::days(MAX_RANGE_DAYS) {
        return Err(invalid(
            "to",
            format!("the range may span at most {MAX_RANGE_DAYS} days"),
        ));
    }
    Ok(window)
}

fn may_manage(principal: &Principal, listing: &Listing) -> bool {
    principal.is_admin() || principal.user_id == listing.vendor.user_id
}

impl AvailabilityService {
    pub fn new(
        catalog: Arc<dyn CatalogRepository>,
        repository: Arc<dyn AvailabilityRepository>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            catalog,
            repository,
            clock,
        }
    }

    /// A listing of `kind` that `principal` may manage, else `NotFound`.
    fn managed(
        &self,
        principal: &Principal,
        kind: ListingKind,
        id: &str,
    ) -> Result<Listing, BookingError> {
        self.catalog
            .find_listing(kind, id)?
            .filter(|listing| may_manage(principal, listing))
            .ok_or(BookingError::NotFound)
    }

    /// A public listing of `kind`, else `NotFound`.
    fn public(&self, kind: ListingKind, id: &str) -> Result<Listing, BookingError> {
        self.catalog
            .find_listing(kind, id)?
            .filter(Listing::is_public)
            .ok_or(BookingError::NotFound)
    }

    /// Replaces an item's weekly opening hours (and sets its time zone).
    pub fn set_weekly_rules(
        &self,
        principal: &Principal,
        listing_id: &str,
        timezone: Option<&str>,
        weekly: &[WeeklyRuleInput],
    ) -> Result<(Tz, Vec<WeeklyRule>), BookingError> {
        let listing = self.managed(principal, ListingKind::Equipment, listing_id)?;
        let mut errors = ValidationErrors::new();
        let tz = match timezone {
            Some(raw) => errors.check(
                "timezone",
                raw.trim()
                    .parse::<Tz>()
                    .map_err(|_| "is not an IANA time zone name (for example Europe/Berlin)"),
            ),
            None => Some(listing.spec.timezone.tz()),
        };
        if weekly.len() > MAX_WEEKLY_RULES {
            errors.add("weekly", format!("at most {MAX_WEEKLY_RULES} rules"));
        }
        let rules: Vec<WeeklyRule> = weekly
            .iter()
            .enumerate()
            .filter_map(|(i, rule)| {
                errors.check(
                    &format!("weekly[{i}]"),
                    WeeklyRule::parse(rule.weekday, &rule.start, &rule.end),
                )
            })
            .collect();
        errors.into_result().map_err(BookingError::Invalid)?;
        let tz = tz.ok_or_else(|| invalid("timezone", "is invalid"))?;
        self.repository
            .replace_weekly_rules(listing_id, tz.name(), &rules, self.clock.now())?;
        Ok((tz, rules))
    }

    /// Opening hours of a public item and, over `[from, to)`, its opening intervals and the
    /// free units over time.
    pub fn availability(
        &self,
        listing_id: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<AvailabilityView, BookingError> {
        let range = range(from, to)?;
        // One statement for the listing's terms, its rules and its occupancy: the same answer
        // as reading the listing, then the rules, then the occupancy, in one round trip.
        let item = self
            .repository
            .item_timeline(listing_id, &range, self.clock.now())?
            .filter(ItemTimeline::is_public)
            .ok_or(BookingError::NotFound)?;
        let tz = item.timezone.tz();
        let hours = OpeningHours::new(tz, item.weekly.clone());
        Ok(AvailabilityView {
            timezone: tz,
            opening: hours.intervals(&range),
            timeline: timeline(item.quantity, &item.occupied, &range),
            weekly: item.weekly,
        })
    }

    pub fn add_blackout(
        &self,
        principal: &Principal,
        listing_id: &str,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        units: Option<i64>,
        reason: Option<String>,
    ) -> Result<Blackout, BookingError> {
        let listing = self.managed(principal, ListingKind::Equipment, listing_id)?;
        let ListingTerms::Equipment(terms) = &listing.spec.terms else {
            return Err(BookingError::NotFound);
        };
        let mut errors = ValidationErrors::new();
        let window = errors.check(
            "end",
            TimeWindow::new(start, end).map_err(|_| "must be after start"),
        );
        if units.is_some_and(|u| u < 1 || u > terms.quantity) {
            errors.add(
                "units",
                format!(
                    "must be between 1 and the item's quantity ({})",
                    terms.quantity
                ),
            );
        }
        let reason = reason
            .map(|r| r.trim().to_owned())
            .filter(|r| !r.is_empty());
        if reason.as_ref().is_some_and(|r| r.chars().count() > 300) {
            errors.add("reason", "must be at most 300 characters long");
        }
        errors.into_result().map_err(BookingError::Invalid)?;
        let window = window.ok_or_else(|| invalid("end", "must be after start"))?;
        Ok(self.repository.add_blackout(
            listing_id,
            &NewBlackout {
                window,
                units,
                reason,
                created_at: self.clock.now(),
            },
        )?)
    }

    pub fn blackouts(
        &self,
        principal: &Principal,
        listing_id: &str,
    ) -> Result<Vec<Blackout>, BookingError> {
        self.managed(principal, ListingKind::Equipment, listing_id)?;
        Ok(self.repository.blackouts(listing_id, None)?)
    }

    pub fn delete_blackout(
        &self,
        principal: &Principal,
        listing_id: &str,
        blackout_id: &str,
    ) -> Result<(), BookingError> {
        self.managed(principal, ListingKind::Equipment, listing_id)?;
        if self.repository.delete_blackout(listing_id, blackout_id)? {
            Ok(())
        } else {
            Err(BookingError::NotFound)
        }
    }

    /// Schedules one session or a weekly recurrence of an adventure (future starts only).
    pub fn add_sessions(
        &self,
        principal: &Principal,
        listing_id: &str,
        input: SessionInput,
    ) -> Result<Vec<Session>, BookingError> {
        let listing = self.managed(principal, ListingKind::Adventure, listing_id)?;
        let ListingTerms::Adventure(terms) = &listing.spec.terms else {
            return Err(BookingError::NotFound);
        };
        let duration = Duration::minutes(terms.duration_minutes);
        let now = self.clock.now();
        let mut errors = ValidationErrors::new();
        let (windows, capacity) = match input {
            SessionInput::Single { start, capacity } => {
                if start <= now {
                    errors.add("start", "must be in the future");
                }
                let window = TimeWindow::new(start, start + duration)
                    .map_err(|_| invalid("start", "is invalid"))?;
                (vec![window], capacity)
            }
            SessionInput::Recurring {
                weekdays,
                time,
                from_date,
                to_date,
                capacity,
            } => {
                let windows = match parse_recurrence(&weekdays, &time, &from_date, &to_date) {
                    Ok(recurrence) => expand(&recurrence, listing.spec.timezone.tz(), duration)
                        .map_err(|message| invalid("to_date", message))?,
                    Err(field_errors) => {
                        for (field, message) in field_errors {
                            errors.add(field, message);
                        }
                        Vec::new()
                    }
                };
                // Past occurrences of a recurrence are skipped, not refused.
                let future: Vec<TimeWindow> =
                    windows.into_iter().filter(|w| w.start() > now).collect();
                (future, capacity)
            }
        };
        let capacity = capacity.unwrap_or(terms.capacity);
        if !(1..=10_000).contains(&capacity) {
            errors.add("capacity", "must be between 1 and 10000");
        }
        errors.into_result().map_err(BookingError::Invalid)?;
        if windows.is_empty() {
            return Err(invalid(
                "from_date",
                "no future session falls within the recurrence",
            ));
        }
        let sessions: Vec<NewSession> = windows
            .into_iter()
            .map(|window| NewSession { window, capacity })
            .collect();
        Ok(self.repository.add_sessions(listing_id, &sessions, now)?)
    }

    pub fn sessions(
        &self,
        listing_id: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<Session>, BookingError> {
        let range = range(from, to)?;
        self.public(ListingKind::Adventure, listing_id)?;
        Ok(self
            .repository
            .sessions(listing_id, &range, self.clock.now())?)
    }

    pub fn cancel_session(
        &self,
        principal: &Principal,
        listing_id: &str,
        session_id: &str,
    ) -> Result<Session, BookingError> {
        let listing = self.managed(principal, ListingKind::Adventure, listing_id)?;
        let actor = if principal.user_id == listing.vendor.user_id {
            crate::lifecycle::Actor::Vendor
        } else {
            crate::lifecycle::Actor::Admin
        };
        self.repository
            .cancel_session(
                listing_id,
                session_id,
                actor,
                &principal.user_id,
                self.clock.now(),
            )?
            .ok_or(BookingError::NotFound)
    }

    /// Prices a request and lists every rule it breaks now. Malformed requests (end ≤ start,
    /// quantity < 1) are `Invalid`; unknown listings and sessions `NotFound`.
    pub fn quote(&self, input: QuoteInput) -> Result<QuoteView, BookingError> {
        let now = self.clock.now();
        match input {
            QuoteInput::Equipment {
                equipment_id,
                start,
                end,
                quantity,
            } => {
                let mut errors = ValidationErrors::new();
                let window = requested_window(&mut errors, start, end, quantity);
                errors.into_result().map_err(BookingError::Invalid)?;
                let window = window.ok_or_else(|| invalid("end", "must be after start"))?;
                let ItemListing { listing, weekly } = self
                    .repository
                    .item_listing(&equipment_id)?
                    .ok_or(BookingError::NotFound)?;
                let item = ItemTerms::of(&listing, weekly).ok_or(BookingError::NotFound)?;
                let occupied = self.repository.occupancy(
                    &equipment_id,
                    item.rules.quantity,
                    &item.rules.occupied_window(&window),
                    now,
                )?;
                let reasons = is_bookable(
                    &item.rules,
                    &item.hours,
                    start,
                    end,
                    quantity,
                    &occupied,
                    now,
                )
                .err()
                .unwrap_or_default();
                Ok(QuoteView {
                    reasons,
                    quote: quote_equipment(&item.pricing, &window, quantity),
                })
            }
            QuoteInput::Session {
                session_id,
                participants,
            } => {
                let mut errors = ValidationErrors::new();
                check_participants(&mut errors, participants);
                errors.into_result().map_err(BookingError::Invalid)?;
                let session = self
                    .repository
                    .find_session(&session_id, now)?
                    .ok_or(BookingError::NotFound)?;
                let listing = self
                    .catalog
                    .find_listing(ListingKind::Adventure, &session.listing_id)?
                    .ok_or(BookingError::NotFound)?;
                let rules = SessionRules::of(&session, &listing).ok_or(BookingError::NotFound)?;
                let reasons = is_session_bookable(&rules, participants, session.seats_taken, now)
                    .err()
                    .unwrap_or_default();
                Ok(QuoteView {
                    reasons,
                    quote: quote_adventure(listing.spec.price, listing.spec.currency, participants),
                })
            }
        }
    }
}
