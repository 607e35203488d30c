//! [`BookingRepository`] over diesel: check-and-insert under a per-listing lock, transitions
//! with their events, lists, and the expiry sweep.

use std::marker::PhantomData;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use domain_accounts::UserId;
use domain_booking::Admit;
use domain_booking::{
    Actor, Admission, BookingEvent, BookingFilter, BookingRecord, BookingRepository, BookingStatus,
    Change, ChangeRefusal, CreateOutcome, Decide, LineItem, NewBooking, Session, SessionStatus,
    TimeWindow,
};
use domain_catalog::ListingKind;
use domain_core::{Currency, Money, Page, PageRequest, StoreError};

use crate::common::{corrupt, limit_offset, new_id, page_of, window};
use crate::db::{
    checkout, is_unique_violation, store_error, write_transaction, Backend, DbConnection, DbPool,
};
use crate::events::{insert_event, NewEvent};
use crate::schema::{booking_events, bookings, equipment_terms, listings, sessions};
use crate::sql::blocking::Blocking;
use crate::sql::insert_requested::InsertRequested;
use crate::sql::occupancy::{holds_and_occupancy, occupancy};

#[derive(Clone)]
pub struct DieselBookingRepository {
    pool: DbPool,
}

impl DieselBookingRepository {
    pub fn new(pool: DbPool) -> Self {
        Self { pool }
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = bookings)]
struct BookingRow {
    id: String,
    listing_id: String,
    session_id: Option<String>,
    customer_id: String,
    vendor_id: String,
    status: String,
    starts_at: NaiveDateTime,
    ends_at: NaiveDateTime,
    occupied_until: NaiveDateTime,
    quantity: i64,
    total_amount: i64,
    currency: String,
    line_items: String,
    notes: Option<String>,
    hold_expires_at: NaiveDateTime,
    payment_due_at: Option<NaiveDateTime>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

fn line_items_json(items: &[LineItem]) -> String {
    serde_json::Value::Array(
        items
            .iter()
            .map(|item| {
                serde_json::json!({
                    "description": item.description,
                    "quantity": item.quantity,
                    "unit_amount": item.unit_amount,
                    "amount": item.amount,
                })
            })
            .collect(),
    )
    .to_string()
}

fn parse_line_items(raw: &str) -> QueryResult<Vec<LineItem>> {
    let value: serde_json::Value = serde_json::from_str(raw).map_err(|_| corrupt("line items"))?;
    let items = value.as_array().ok_or_else(|| corrupt("line items"))?;
    items
        .iter()
        .map(|item| {
            Ok(LineItem {
                description: item["description"]
                    .as_str()
                    .ok_or_else(|| corrupt("line item"))?
                    .to_owned(),
                quantity: item["quantity"]
                    .as_i64()
                    .ok_or_else(|| corrupt("line item"))?,
                unit_amount: item["unit_amount"]
                    .as_i64()
                    .ok_or_else(|| corrupt("line item"))?,
                amount: item["amount"]
                    .as_i64()
                    .ok_or_else(|| corrupt("line item"))?,
            })
        })
        .collect()
}

fn into_record(row: BookingRow, kind: &str, title: String) -> QueryResult<BookingRecord> {
    Ok(BookingRecord {
        window: window(row.starts_at, row.ends_at, "booking window")?,
        occupied_until: row.occupied_until.and_utc(),
        listing_kind: ListingKind::parse(kind).ok_or_else(|| corrupt("listing kind"))?,
        listing_title: title,
        status: BookingStatus::parse(&row.status).ok_or_else(|| corrupt("booking status"))?,
        total: Money::new(
            row.total_amount,
            Currency::parse(&row.currency).map_err(|_| corrupt("currency"))?,
        ),
        line_items: parse_line_items(&row.line_items)?,
        id: row.id,
        listing_id: row.listing_id,
        session_id: row.session_id,
        customer_id: UserId(row.customer_id),
        vendor_id: UserId(row.vendor_id),
        quantity: row.quantity,
        notes: row.notes,
        hold_expires_at: row.hold_expires_at.and_utc(),
        payment_due_at: row.payment_due_at.map(|t| t.and_utc()),
        created_at: row.created_at.and_utc(),
        updated_at: row.updated_at.and_utc(),
    })
}

pub(crate) fn load(conn: &mut DbConnection, id: &str) -> QueryResult<Option<BookingRecord>> {
    let row: Option<(BookingRow, String, String)> = bookings::table
        .inner_join(listings::table.on(listings::id.eq(bookings::listing_id)))
        .filter(bookings::id.eq(id))
        .select((BookingRow::as_select(), listings::kind, listings::title))
        .first(conn)
        .optional()?;
    row.map(|(row, kind, title)| into_record(row, &kind, title))
        .transpose()
}

/// Takes the lock that serialises bookings of one listing (or session) on PostgreSQL. SQLite
/// needs none: `write_transaction` began with `BEGIN IMMEDIATE`.
pub(crate) fn lock(
    conn: &mut DbConnection,
    listing_id: &str,
    session_id: Option<&str>,
) -> QueryResult<()> {
    if let DbConnection::Postgresql(pg) = conn {
        match session_id {
            Some(session) => {
                sessions::table
                    .find(session)
                    .select(sessions::id)
                    .for_update()
                    .first::<String>(pg)?;
            }
            None => {
                listings::table
                    .find(listing_id)
                    .select(listings::id)
                    .for_update()
                    .first::<String>(pg)?;
            }
        }
    }
    Ok(())
}

/// What [`lock_for_create`] read from the row it locked.
enum Locked {
    /// An item: its quantity and the listing's title.
    Item { quantity: i64, title: String },
    /// A session: its window, capacity and status.
    Session {
        starts_at: NaiveDateTime,
        ends_at: NaiveDateTime,
        capacity: i64,
        status: String,
    },
}

/// [`lock`] for `create`, reading in the same statement what admission needs from the locked
/// row: the item's quantity (and the title, for the answer) or the session. On PostgreSQL the
/// item's `listings` and `equipment_terms` rows are both locked, in that order (the order
/// `update_listing` takes them in), so a quantity changed meanwhile is seen.
fn lock_for_create(
    conn: &mut DbConnection,
    listing_id: &str,
    session_id: Option<&str>,
) -> QueryResult<Locked> {
    match session_id {
        Some(session) => {
            let query = sessions::table.find(session).select((
                sessions::starts_at,
                sessions::ends_at,
                sessions::capacity,
                sessions::status,
            ));
            let (starts_at, ends_at, capacity, status) = match conn {
                DbConnection::Postgresql(pg) => query.for_update().first(pg)?,
                _ => query.first(conn)?,
            };
            Ok(Locked::Session {
                starts_at,
                ends_at,
                capacity,
                status,
            })
        }
        None => {
            // Only the listing row is locked: the quantity comes from a sub-select, so
            // `FOR UPDATE` does not also lock (and write) the `equipment_terms` row.
            let quantity = equipment_terms::table
                .filter(equipment_terms::listing_id.eq(listing_id))
                .select(equipment_terms::quantity)
                .single_value();
            let query = listings::table
                .filter(listings::id.eq(listing_id))
                .select((quantity, listings::title));
            let (quantity, title): (Option<i64>, String) = match conn {
                DbConnection::Postgresql(pg) => query.for_update().first(pg)?,
                _ => query.first(conn)?,
            };
            // A listing without equipment terms is no item (as the join said before).
            let quantity = quantity.ok_or(diesel::result::Error::NotFound)?;
            Ok(Locked::Item { quantity, title })
        }
    }
}

/// The admission of a new booking from what [`lock_for_create`] read.
fn admission_of_locked(
    conn: &mut DbConnection,
    new: &NewBooking,
    locked: &Locked,
    now: NaiveDateTime,
) -> QueryResult<Admission> {
    match (locked, new.session_id.as_deref()) {
        (
            Locked::Session {
                starts_at,
                ends_at,
                capacity,
                status,
            },
            Some(session_id),
        ) => {
            let seats_taken: i64 = bookings::table
                .filter(bookings::session_id.eq(session_id))
                .filter(Blocking { now })
                .select(bookings::quantity)
                .load::<i64>(conn)?
                .into_iter()
                .sum();
            Ok(Admission::Seats(Session {
                id: session_id.to_owned(),
                listing_id: new.listing_id.clone(),
                window: window(*starts_at, *ends_at, "session window")?,
                capacity: *capacity,
                status: SessionStatus::parse(status).ok_or_else(|| corrupt("session status"))?,
                seats_taken,
            }))
        }
        (Locked::Item { quantity, .. }, None) => {
            let range =
                TimeWindow::new(new.window.start(), new.occupied_until.max(new.window.end()))
                    .map_err(|_| corrupt("booking window"))?;
            let occupied = occupancy(conn, &new.listing_id, *quantity, &range, now, None)?;
            Ok(Admission::Units {
                quantity: *quantity,
                occupied,
            })
        }
        _ => Err(corrupt("booking target")),
    }
}

/// The admission of a booking at `now`, leaving out `exclude` (the booking being approved).
fn admission(
    conn: &mut DbConnection,
    listing_id: &str,
    session_id: Option<&str>,
    window: &TimeWindow,
    occupied_until: DateTime<Utc>,
    exclude: Option<&str>,
    now: NaiveDateTime,
) -> QueryResult<Admission> {
    match session_id {
        Some(session_id) => {
            let (starts_at, ends_at, capacity, status): (
                NaiveDateTime,
                NaiveDateTime,
                i64,
                String,
            ) = sessions::table
                .find(session_id)
                .select((
                    sessions::starts_at,
                    sessions::ends_at,
                    sessions::capacity,
                    sessions::status,
                ))
                .first(conn)?;
            let mut taken = bookings::table
                .filter(bookings::session_id.eq(session_id))
                .filter(Blocking { now })
                .select(bookings::quantity)
                .into_boxed::<Backend>();
            if let Some(exclude) = exclude {
                taken = taken.filter(bookings::id.ne(exclude.to_owned()));
            }
            let seats_taken: i64 = taken.load::<i64>(conn)?.into_iter().sum();
            Ok(Admission::Seats(Session {
                id: session_id.to_owned(),
                listing_id: listing_id.to_owned(),
                window: crate::common::window(starts_at, ends_at, "session window")?,
                capacity,
                status: SessionStatus::parse(&status).ok_or_else(|| corrupt("session status"))?,
                seats_taken,
            }))
        }
        None => {
            let quantity: i64 = equipment_terms::table
                .find(listing_id)
                .select(equipment_terms::quantity)
                .first(conn)?;
            let range = TimeWindow::new(window.start(), occupied_until.max(window.end()))
                .map_err(|_| corrupt("booking window"))?;
            let occupied = occupancy(conn, listing_id, quantity, &range, now, exclude)?;
            Ok(Admission::Units { quantity, occupied })
        }
    }
}

/// The booking this customer made with this key before, judged against `hash`.
fn replay(
    conn: &mut DbConnection,
    customer: &UserId,
    key: &str,
    hash: &str,
) -> QueryResult<Option<CreateOutcome>> {
    let existing: Option<(String, Option<String>)> = bookings::table
        .filter(bookings::customer_id.eq(&customer.0))
        .filter(bookings::idempotency_key.eq(key))
        .select((bookings::id, bookings::request_hash))
        .first(conn)
        .optional()?;
    let Some((id, stored_hash)) = existing else {
        return Ok(None);
    };
    if stored_hash.as_deref() != Some(hash) {
        return Ok(Some(CreateOutcome::KeyConflict));
    }
    Ok(load(conn, &id)?.map(CreateOutcome::Replayed))
}

/// The hold count of the customer (for an item, counted up to `max_holds`) and the admission
/// of `new`, read after [`lock_for_create`].
/// For an item both come from one statement ([`holds_and_occupancy`]); for a session the
/// seats and the holds are two.
fn holds_and_admission(
    conn: &mut DbConnection,
    new: &NewBooking,
    locked: &Locked,
    max_holds: i64,
    now: NaiveDateTime,
) -> QueryResult<(i64, Admission)> {
    match (locked, new.session_id.as_deref()) {
        (Locked::Item { quantity, .. }, None) => {
            let range =
                TimeWindow::new(new.window.start(), new.occupied_until.max(new.window.end()))
                    .map_err(|_| corrupt("booking window"))?;
            let (holds, occupied) = holds_and_occupancy(
                conn,
                &new.customer_id.0,
                max_holds,
                &new.listing_id,
                *quantity,
                &range,
                now,
            )?;
            Ok((
                holds,
                Admission::Units {
                    quantity: *quantity,
                    occupied,
                },
            ))
        }
        _ => {
            let holds: i64 = bookings::table
                .filter(bookings::customer_id.eq(&new.customer_id.0))
                .filter(bookings::status.eq("requested"))
                .filter(bookings::hold_expires_at.gt(now))
                .count()
                .get_result(conn)?;
            Ok((holds, admission_of_locked(conn, new, locked, now)?))
        }
    }
}

/// Inserts `new` as a `requested` booking with its first event (from none to `requested`).
/// On PostgreSQL one statement does both ([`InsertRequested`]); on SQLite two.
fn insert_requested(
    conn: &mut DbConnection,
    new: &NewBooking,
    id: &str,
    at: NaiveDateTime,
) -> QueryResult<BookingRow> {
    if let DbConnection::Postgresql(pg) = conn {
        let event_id = new_id();
        return InsertRequested {
            new,
            id,
            event_id: &event_id,
            line_items: line_items_json(&new.quote.line_items),
            starts_at: new.window.start().naive_utc(),
            ends_at: new.window.end().naive_utc(),
            occupied_until: new.occupied_until.naive_utc(),
            hold_expires_at: new.hold_expires_at.naive_utc(),
            at,
            row: PhantomData::<BookingRow>,
        }
        .get_result(pg);
    }
    let row: BookingRow = diesel::insert_into(bookings::table)
        .values((
            bookings::id.eq(id),
            bookings::listing_id.eq(&new.listing_id),
            bookings::session_id.eq(new.session_id.as_deref()),
            bookings::customer_id.eq(&new.customer_id.0),
            bookings::vendor_id.eq(&new.vendor_id.0),
            bookings::status.eq(BookingStatus::Requested.as_str()),
            bookings::starts_at.eq(new.window.start().naive_utc()),
            bookings::ends_at.eq(new.window.end().naive_utc()),
            bookings::occupied_until.eq(new.occupied_until.naive_utc()),
            bookings::quantity.eq(new.quantity),
            bookings::total_amount.eq(new.quote.total.amount),
            bookings::currency.eq(new.quote.total.currency.code()),
            bookings::line_items.eq(line_items_json(&new.quote.line_items)),
            bookings::notes.eq(new.notes.as_deref()),
            bookings::hold_expires_at.eq(new.hold_expires_at.naive_utc()),
            bookings::idempotency_key.eq(new.idempotency_key.as_deref()),
            bookings::request_hash.eq(&new.request_hash),
            bookings::created_at.eq(at),
            bookings::updated_at.eq(at),
        ))
        .returning(<BookingRow as Selectable<Backend>>::construct_selection())
        .get_result(conn)?;
    insert_event(
        conn,
        &NewEvent {
            booking_id: id,
            from: None,
            to: BookingStatus::Requested,
            actor: Actor::Customer,
            actor_id: Some(&new.customer_id),
            reason: None,
            at,
        },
    )?;
    Ok(row)
}

impl BookingRepository for DieselBookingRepository {
    fn create(
        &self,
        new: &NewBooking,
        max_active_holds: i64,
        now: DateTime<Utc>,
        admit: Admit<'_>,
    ) -> Result<CreateOutcome, StoreError> {
        let mut conn = checkout(&self.pool)?;
        let at = now.naive_utc();
        let id = new_id();
        let result = write_transaction(&mut conn, |conn| {
            let locked = lock_for_create(conn, &new.listing_id, new.session_id.as_deref())?;
            if let Some(key) = &new.idempotency_key {
                if let Some(outcome) = replay(conn, &new.customer_id, key, &new.request_hash)? {
                    return Ok(outcome);
                }
            }
            let (holds, admission) = holds_and_admission(conn, new, &locked, max_active_holds, at)?;
            if holds >= max_active_holds {
                return Ok(CreateOutcome::TooManyHolds);
            }
            if let Err(reasons) = admit(&admission) {
                return Ok(CreateOutcome::Refused(reasons));
            }
            let row = insert_requested(conn, new, &id, at)?;
            let (kind, title) = match locked {
                Locked::Item { title, .. } => (ListingKind::Equipment, title),
                Locked::Session { .. } => (
                    ListingKind::Adventure,
                    listings::table
                        .find(&new.listing_id)
                        .select(listings::title)
                        .first(conn)?,
                ),
            };
            into_record(row, kind.as_str(), title).map(CreateOutcome::Created)
        });
        match result {
            Ok(outcome) => Ok(outcome),
            // Two first uses of one key raced (for different listings); the loser replays.
            Err(error)
                if is_unique_violation(
                    &error,
                    "bookings_customer_idempotency_key",
                    "bookings.customer_id, bookings.idempotency_key",
                ) =>
            {
                let key = new.idempotency_key.as_deref().unwrap_or_default();
                replay(&mut conn, &new.customer_id, key, &new.request_hash)
                    .map_err(store_error)?
                    .ok_or_else(|| StoreError::unexpected("idempotency key vanished"))
            }
            Err(error) => Err(store_error(error)),
        }
    }

    fn find(&self, id: &str) -> Result<Option<BookingRecord>, StoreError> {
        let mut conn = checkout(&self.pool)?;
        load(&mut conn, id).map_err(store_error)
    }

    fn list(
        &self,
        filter: &BookingFilter,
        page: PageRequest,
    ) -> Result<Page<BookingRecord>, StoreError> {
        let mut conn = checkout(&self.pool)?;
        let conn = &mut *conn;
        macro_rules! filtered {
            () => {{
                let mut query = bookings::table
                    .inner_join(listings::table.on(listings::id.eq(bookings::listing_id)))
                    .into_boxed::<Backend>();
                if let Some(customer) = &filter.customer {
                    query = query.filter(bookings::customer_id.eq(customer.0.clone()));
                }
                if let Some(vendor) = &filter.vendor {
                    query = query.filter(bookings::vendor_id.eq(vendor.0.clone()));
                }
                if let Some(status) = filter.status {
                    query = query.filter(bookings::status.eq(status.as_str()));
                }
                if let Some(from) = filter.from {
                    query = query.filter(bookings::ends_at.gt(from.naive_utc()));
                }
                if let Some(to) = filter.to {
                    query = query.filter(bookings::starts_at.lt(to.naive_utc()));
                }
                if let Some(listing) = &filter.listing {
                    query = query.filter(bookings::listing_id.eq(listing.clone()));
                }
                query
            }};
        }
        let run = |conn: &mut DbConnection| -> QueryResult<Page<BookingRecord>> {
            let total: i64 = filtered!().count().get_result(conn)?;
            let (limit, offset) = limit_offset(page);
            let rows: Vec<(BookingRow, String, String)> = filtered!()
                .order((bookings::created_at.desc(), bookings::id.desc()))
                .limit(limit)
                .offset(offset)
                .select((BookingRow::as_select(), listings::kind, listings::title))
                .load(conn)?;
            let items = rows
                .into_iter()
                .map(|(row, kind, title)| into_record(row, &kind, title))
                .collect::<QueryResult<_>>()?;
            Ok(page_of(items, page, total))
        };
        run(conn).map_err(store_error)
    }

    fn transition(
        &self,
        id: &str,
        now: DateTime<Utc>,
        decide: Decide<'_>,
    ) -> Result<Option<Result<BookingRecord, ChangeRefusal>>, StoreError> {
        let mut conn = checkout(&self.pool)?;
        let at = now.naive_utc();
        write_transaction(&mut conn, |conn| {
            let Some(key) = bookings::table
                .find(id)
                .select((bookings::listing_id, bookings::session_id))
                .first::<(String, Option<String>)>(conn)
                .optional()?
            else {
                return Ok(None);
            };
            lock(conn, &key.0, key.1.as_deref())?;
            let Some(booking) = load(conn, id)? else {
                return Ok(None);
            };
            let admission = admission(
                conn,
                &booking.listing_id,
                booking.session_id.as_deref(),
                &booking.window,
                booking.occupied_until,
                Some(id),
                at,
            )?;
            let change: Change = match decide(&booking, &admission) {
                Ok(change) => change,
                Err(refusal) => return Ok(Some(Err(refusal))),
            };
            diesel::update(bookings::table.find(id))
                .set((
                    bookings::status.eq(change.to.as_str()),
                    bookings::updated_at.eq(at),
                ))
                .execute(conn)?;
            if let Some(due) = change.payment_due_at {
                diesel::update(bookings::table.find(id))
                    .set(bookings::payment_due_at.eq(due.naive_utc()))
                    .execute(conn)?;
            }
            insert_event(
                conn,
                &NewEvent {
                    booking_id: id,
                    from: Some(booking.status),
                    to: change.to,
                    actor: change.actor,
                    actor_id: change.actor_id.as_ref(),
                    reason: change.reason.as_deref(),
                    at,
                },
            )?;
            Ok(load(conn, id)?.map(Ok))
        })
        .map_err(store_error)
    }

    fn events(&self, id: &str) -> Result<Vec<BookingEvent>, StoreError> {
        let mut conn = checkout(&self.pool)?;
        type EventRow = (
            Option<String>,
            String,
            String,
            Option<String>,
            Option<String>,
            NaiveDateTime,
        );
        let rows: Vec<EventRow> = booking_events::table
            .filter(booking_events::booking_id.eq(id))
            .order((booking_events::at, booking_events::id))
            .select((
                booking_events::from_status,
                booking_events::to_status,
                booking_events::actor,
                booking_events::actor_id,
                booking_events::reason,
                booking_events::at,
            ))
            .load(&mut *conn)
            .map_err(store_error)?;
        rows.into_iter()
            .map(|(from, to, actor, actor_id, reason, at)| {
                let status = |raw: &str| {
                    BookingStatus::parse(raw)
                        .ok_or_else(|| StoreError::unexpected("stored status is invalid"))
                };
                Ok(BookingEvent {
                    from: from.as_deref().map(status).transpose()?,
                    to: status(&to)?,
                    actor: Actor::parse(&actor)
                        .ok_or_else(|| StoreError::unexpected("stored actor is invalid"))?,
                    actor_id: actor_id.map(UserId),
                    reason,
                    at: at.and_utc(),
                })
            })
            .collect()
    }

    fn expire_lapsed(&self, now: DateTime<Utc>, limit: i64) -> Result<usize, StoreError> {
        let mut conn = checkout(&self.pool)?;
        let at = now.naive_utc();
        let lapsed: Vec<(String, String)> = bookings::table
            .filter(
                bookings::status
                    .eq("requested")
                    .and(bookings::hold_expires_at.le(at))
                    .or(bookings::status
                        .eq("approved")
                        .and(bookings::payment_due_at.le(at))),
            )
            .order(bookings::hold_expires_at)
            .limit(limit)
            .select((bookings::id, bookings::status))
            .load(&mut *conn)
            .map_err(store_error)?;
        let mut expired = 0;
        for (id, status) in lapsed {
            // The conditional update is the claim: of several sweepers only one changes the
            // row, and only that one writes the event.
            let claimed = write_transaction(&mut conn, |conn| {
                let changed = diesel::update(
                    bookings::table
                        .filter(bookings::id.eq(&id))
                        .filter(bookings::status.eq(&status)),
                )
                .set((
                    bookings::status.eq(BookingStatus::Expired.as_str()),
                    bookings::updated_at.eq(at),
                ))
                .execute(conn)?;
                if changed == 1 {
                    let from =
                        BookingStatus::parse(&status).ok_or_else(|| corrupt("booking status"))?;
                    let reason = match from {
                        BookingStatus::Approved => "payment deadline passed",
                        _ => "hold lapsed",
                    };
                    insert_event(
                        conn,
                        &NewEvent {
                            booking_id: &id,
                            from: Some(from),
                            to: BookingStatus::Expired,
                            actor: Actor::System,
                            actor_id: None,
                            reason: Some(reason),
                            at,
                        },
                    )?;
                }
                Ok::<_, diesel::result::Error>(changed == 1)
            })
            .map_err(store_error)?;
            expired += usize::from(claimed);
        }
        Ok(expired)
    }
}
