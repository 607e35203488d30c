//! Request and response bodies of availability, sessions and quotes.

use chrono::{DateTime, Utc};
use domain_booking as booking;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::catalog_dto::{money, MoneyDto};

/// One weekly opening rule, in the listing's time zone.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WeeklyRuleDto {
    /// 0 = Monday … 6 = Sunday.
    #[schema(example = 0, minimum = 0, maximum = 6)]
    pub weekday: i64,
    /// Wall-clock `HH:MM`.
    #[schema(example = "08:00", pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    pub start: String,
    /// Wall-clock `HH:MM` after `start`; `24:00` (or `00:00`) is the end of the day.
    #[schema(example = "18:00", pattern = "^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$")]
    pub end: String,
}

impl From<&booking::WeeklyRule> for WeeklyRuleDto {
    fn from(rule: &booking::WeeklyRule) -> Self {
        Self {
            weekday: i64::from(rule.weekday),
            start: rule.start_text(),
            end: rule.end_text(),
        }
    }
}

/// Replaces an item's weekly opening hours. No rules: always open.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AvailabilityRequest {
    /// IANA time zone of the wall-clock times (also becomes the listing's); default the
    /// listing's current one.
    #[schema(example = "Europe/Lisbon", min_length = 1)]
    pub timezone: Option<String>,
    /// At most 50 rules.
    #[schema(max_items = 50)]
    pub weekly: Vec<WeeklyRuleDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WeeklyHoursResponse {
    pub timezone: String,
    pub weekly: Vec<WeeklyRuleDto>,
}

/// A UTC interval.
#[derive(Debug, Serialize, ToSchema)]
pub struct IntervalDto {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SlotDto {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub available_units: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AvailabilityResponse {
    pub timezone: String,
    pub weekly: Vec<WeeklyRuleDto>,
    /// Opening intervals within the range (the whole range when there are no rules).
    pub opening_intervals: Vec<IntervalDto>,
    /// Free units over the range, adjacent equal slots merged.
    pub timeline: Vec<SlotDto>,
}

impl From<booking::AvailabilityView> for AvailabilityResponse {
    fn from(view: booking::AvailabilityView) -> Self {
        Self {
            timezone: view.timezone.name().to_owned(),
            weekly: view.weekly.iter().map(Into::into).collect(),
            opening_intervals: view
                .opening
                .iter()
                .map(|w| IntervalDto {
                    start: w.start(),
                    end: w.end(),
                })
                .collect(),
            timeline: view
                .timeline
                .into_iter()
                .map(|s| SlotDto {
                    start: s.start,
                    end: s.end,
                    available_units: s.available_units,
                })
                .collect(),
        }
    }
}

/// A time range (RFC 3339); both required.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RangeParams {
    /// Start (RFC 3339, any offset).
    pub from: DateTime<Utc>,
    /// End, after `from`; at most 93 days later.
    pub to: DateTime<Utc>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BlackoutRequest {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// After `start`.
    /// Units taken (default: all); at most the item's quantity.
    #[schema(minimum = 1, maximum = 10_000)]
    pub units: Option<i64>,
    #[schema(max_length = 300)]
    pub reason: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BlackoutResponse {
    pub id: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// `null`: every unit.
    pub units: Option<i64>,
    pub reason: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<booking::Blackout> for BlackoutResponse {
    fn from(b: booking::Blackout) -> Self {
        Self {
            id: b.id,
            start: b.window.start(),
            end: b.window.end(),
            units: b.units,
            reason: b.reason,
            created_at: b.created_at,
        }
    }
}

/// One session (`start`) or a weekly recurrence (`weekdays`, `time`, `from_date`,
/// `to_date`), with an optional capacity (default the offering's).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SessionsRequest {
    /// One session: its start, in the future.
    pub start: Option<DateTime<Utc>>,
    #[schema(schema_with = weekdays_schema)]
    pub weekdays: Option<Vec<i64>>,
    /// A recurrence: wall-clock `HH:MM` in the offering's time zone.
    #[schema(example = "10:00", pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    pub time: Option<String>,
    /// A recurrence: the first date, inclusive.
    #[schema(format = Date)]
    pub from_date: Option<String>,
    /// A recurrence: the last date, inclusive; at most 366 days after `from_date`.
    #[schema(format = Date)]
    pub to_date: Option<String>,
    /// Seats (default the offering's capacity).
    #[schema(minimum = 1, maximum = 10_000)]
    pub capacity: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionResponse {
    pub id: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub capacity: i64,
    pub seats_left: i64,
    /// `scheduled` or `cancelled`.
    pub status: String,
}

impl From<booking::Session> for SessionResponse {
    fn from(s: booking::Session) -> Self {
        Self {
            seats_left: s.seats_left(),
            id: s.id,
            start: s.window.start(),
            end: s.window.end(),
            capacity: s.capacity,
            status: s.status.as_str().to_owned(),
        }
    }
}

/// `{equipment_id, start, end, quantity}` or `{session_id, participants}`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuoteRequest {
    /// An item (with `start`, `end` and `quantity`)…
    pub equipment_id: Option<String>,
    pub start: Option<DateTime<Utc>>,
    /// After `start`.
    pub end: Option<DateTime<Utc>>,
    /// Units (default 1).
    #[schema(minimum = 1)]
    pub quantity: Option<i64>,
    /// … or a session (with `participants`).
    pub session_id: Option<String>,
    /// Seats (default 1).
    #[schema(minimum = 1)]
    pub participants: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReasonDto {
    #[schema(example = "inside_lead_time")]
    pub code: String,
    pub message: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LineItemDto {
    pub description: String,
    pub quantity: i64,
    pub unit_amount: MoneyDto,
    pub amount: MoneyDto,
}

fn line_items(items: &[booking::LineItem], currency: &domain_core::Currency) -> Vec<LineItemDto> {
    items
        .iter()
        .map(|item| LineItemDto {
            description: item.description.clone(),
            quantity: item.quantity,
            unit_amount: money(item.unit_amount, currency),
            amount: money(item.amount, currency),
        })
        .collect()
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QuoteResponse {
    pub bookable: bool,
    /// Every rule the request breaks now (empty when bookable).
    pub reasons: Vec<ReasonDto>,
    pub line_items: Vec<LineItemDto>,
    pub total: MoneyDto,
}

impl From<booking::QuoteView> for QuoteResponse {
    fn from(view: booking::QuoteView) -> Self {
        let currency = view.quote.total.currency;
        Self {
            bookable: view.bookable(),
            reasons: view
                .reasons
                .iter()
                .map(|r| ReasonDto {
                    code: r.code().to_owned(),
                    message: r.message(),
                })
                .collect(),
            line_items: line_items(&view.quote.line_items, &currency),
            total: money(view.quote.total.amount, &currency),
        }
    }
}

impl TryFrom<QuoteRequest> for booking::QuoteInput {
    type Error = domain_core::ValidationErrors;

    fn try_from(r: QuoteRequest) -> Result<Self, Self::Error> {
        Self::from_fields(booking::QuoteFields {
            equipment_id: r.equipment_id,
            start: r.start,
            end: r.end,
            quantity: r.quantity,
            session_id: r.session_id,
            participants: r.participants,
        })
    }
}

impl TryFrom<SessionsRequest> for booking::SessionInput {
    type Error = domain_core::ValidationErrors;

    fn try_from(r: SessionsRequest) -> Result<Self, Self::Error> {
        Self::from_fields(booking::SessionFields {
            start: r.start,
            weekdays: r.weekdays,
            time: r.time,
            from_date: r.from_date,
            to_date: r.to_date,
            capacity: r.capacity,
        })
    }
}

/// A booking request: the body of a quote plus optional notes.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BookingRequest {
    /// An item (with `start`, `end` and `quantity`)…
    pub equipment_id: Option<String>,
    pub start: Option<DateTime<Utc>>,
    /// After `start`.
    pub end: Option<DateTime<Utc>>,
    /// Units (equipment), default 1; at most the item's quantity.
    #[schema(minimum = 1)]
    pub quantity: Option<i64>,
    /// … or a session (with `participants`).
    pub session_id: Option<String>,
    /// Seats (sessions), default 1; at most the session's capacity.
    #[schema(minimum = 1)]
    pub participants: Option<i64>,
    /// For the vendor.
    #[schema(max_length = 1000)]
    pub notes: Option<String>,
}

impl BookingRequest {
    pub fn split(self) -> (QuoteRequest, Option<String>) {
        (
            QuoteRequest {
                equipment_id: self.equipment_id,
                start: self.start,
                end: self.end,
                quantity: self.quantity,
                session_id: self.session_id,
                participants: self.participants,
            },
            self.notes,
        )
    }
}

/// A booking with the price snapshot taken when it was requested.
#[derive(Debug, Serialize, ToSchema)]
pub struct BookingResponse {
    pub id: String,
    #[schema(value_type = BookingStatusDto)]
    pub status: String,
    /// `equipment` or `adventure`.
    pub kind: String,
    pub listing_id: String,
    pub listing_title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub equipment_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_id: Option<String>,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quantity: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub participants: Option<i64>,
    pub total: MoneyDto,
    pub line_items: Vec<LineItemDto>,
    pub notes: Option<String>,
    pub customer_id: String,
    pub vendor_id: String,
    /// Until when a `requested` booking holds its capacity.
    pub hold_expires_at: DateTime<Utc>,
    /// Until when an `approved` booking must be paid.
    pub payment_due_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<booking::BookingRecord> for BookingResponse {
    fn from(b: booking::BookingRecord) -> Self {
        let currency = b.total.currency;
        let is_session = b.session_id.is_some();
        Self {
            status: b.status.as_str().to_owned(),
            kind: b.listing_kind.as_str().to_owned(),
            equipment_id: (!is_session).then(|| b.listing_id.clone()),
            quantity: (!is_session).then_some(b.quantity),
            participants: is_session.then_some(b.quantity),
            start: b.window.start(),
            end: b.window.end(),
            total: money(b.total.amount, &currency),
            line_items: line_items(&b.line_items, &currency),
            id: b.id,
            listing_id: b.listing_id,
            listing_title: b.listing_title,
            session_id: b.session_id,
            notes: b.notes,
            customer_id: b.customer_id.0,
            vendor_id: b.vendor_id.0,
            hold_expires_at: b.hold_expires_at,
            payment_due_at: b.payment_due_at,
            created_at: b.created_at,
            updated_at: b.updated_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BookingPage {
    pub items: Vec<BookingResponse>,
    pub page: u32,
    pub page_size: u32,
    pub total: u64,
}

impl From<domain_core::Page<booking::BookingRecord>> for BookingPage {
    fn from(page: domain_core::Page<booking::BookingRecord>) -> Self {
        Self {
            items: page.items.into_iter().map(Into::into).collect(),
            page: page.page,
            page_size: page.page_size,
            total: page.total,
        }
    }
}

/// Booking list filters and paging.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct BookingListParams {
    #[param(value_type = Option<BookingStatusDto>)]
    pub status: Option<String>,
    /// Bookings overlapping `[from, to)` (RFC 3339).
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    /// A listing id.
    pub listing: Option<String>,
    /// From 1 (default 1).
    #[param(minimum = 1, maximum = 4_294_967_295_u32, format = Int64)]
    pub page: Option<u32>,
    /// 1 to 100 (default 20); larger is 400.
    #[param(minimum = 1, maximum = 100)]
    pub page_size: Option<u32>,
}

/// Where a booking is in its lifecycle.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum BookingStatusDto {
    Requested,
    Approved,
    Confirmed,
    Declined,
    Cancelled,
    Expired,
}

/// The weekdays of a recurrence: distinct days, 0 = Monday … 6 = Sunday (or `null`: none).
fn weekdays_schema() -> utoipa::openapi::schema::Array {
    use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, SchemaType, Type};
    ArrayBuilder::new()
        .schema_type(SchemaType::from_iter([Type::Array, Type::Null]))
        .items(
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .minimum(Some(0))
                .maximum(Some(6)),
        )
        .min_items(Some(1))
        .max_items(Some(7))
        .unique_items(true)
        .description(Some(
            "A recurrence: distinct weekdays, 0 = Monday … 6 = Sunday.",
        ))
        .build()
}

/// The optional body of approve, decline, cancel and confirm.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionRequest {
    /// Required when a vendor or an admin cancels.
    #[schema(max_length = 1000)]
    pub reason: Option<String>,
}

/// Who made a change: the role they acted in and their user id (`null` for `system`: the
/// expiry sweep, a payment webhook).
#[derive(Debug, Serialize, ToSchema)]
pub struct EventActor {
    /// `customer`, `vendor`, `admin` or `system`.
    #[schema(example = "vendor")]
    pub role: String,
    #[schema(example = "0b8f3c3e-8a57-4e59-9a55-5bb7c1d1c0f2")]
    pub user_id: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BookingEventResponse {
    pub from_status: Option<String>,
    pub to_status: String,
    pub actor: EventActor,
    pub reason: Option<String>,
    pub at: DateTime<Utc>,
}

impl From<booking::BookingEvent> for BookingEventResponse {
    fn from(e: booking::BookingEvent) -> Self {
        Self {
            from_status: e.from.map(|s| s.as_str().to_owned()),
            to_status: e.to.as_str().to_owned(),
            actor: EventActor {
                role: e.actor.as_str().to_owned(),
                user_id: e.actor_id.map(|id| id.0),
            },
            reason: e.reason,
            at: e.at,
        }
    }
}
