//! [`AvailabilityRepository`] over diesel: opening hours, blackouts, sessions, occupancy.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use domain_accounts::UserId;
use domain_booking::{
    Actor, AvailabilityRepository, Blackout, BookingStatus, ItemListing, ItemTimeline, NewBlackout,
    NewSession, Occupancy, Session, SessionStatus, TimeWindow, WeeklyRule,
};
use domain_core::StoreError;

use crate::common::{corrupt, new_id, window};
use crate::db::{checkout, store_error, write_transaction, DbConnection, DbPool};
use crate::events::{insert_event, NewEvent};
use crate::schema::{availability_rules, blackouts, bookings, listings, sessions};
use crate::sql::blocking::Blocking;
use crate::sql::occupancy::occupancy;
use crate::sql::timeline::item_timeline;

#[derive(Clone)]
pub struct DieselAvailabilityRepository {
    pool: DbPool,
}

impl DieselAvailabilityRepository {
    pub fn new(pool: DbPool) -> Self {
        Self { pool }
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = blackouts)]
struct BlackoutRow {
    id: String,
    listing_id: String,
    starts_at: NaiveDateTime,
    ends_at: NaiveDateTime,
    units: Option<i64>,
    reason: Option<String>,
    created_at: NaiveDateTime,
}

impl BlackoutRow {
    fn into_blackout(self) -> QueryResult<Blackout> {
        Ok(Blackout {
            window: window(self.starts_at, self.ends_at, "time window")?,
            id: self.id,
            listing_id: self.listing_id,
            units: self.units,
            reason: self.reason,
            created_at: self.created_at.and_utc(),
        })
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = sessions)]
struct SessionRow {
    id: String,
    listing_id: String,
    starts_at: NaiveDateTime,
    ends_at: NaiveDateTime,
    capacity: i64,
    status: String,
}

/// Participants of blocking bookings per session, for the given sessions.
fn seats_taken(
    conn: &mut DbConnection,
    ids: &[String],
    now: NaiveDateTime,
) -> QueryResult<HashMap<String, i64>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(Option<String>, i64)> = bookings::table
        .filter(bookings::session_id.eq_any(ids))
        .filter(Blocking { now })
        .select((bookings::session_id, bookings::quantity))
        .load(conn)?;
    let mut taken = HashMap::new();
    for (session, quantity) in rows {
        if let Some(session) = session {
            *taken.entry(session).or_insert(0) += quantity;
        }
    }
    Ok(taken)
}

fn into_sessions(
    conn: &mut DbConnection,
    rows: Vec<SessionRow>,
    now: NaiveDateTime,
) -> QueryResult<Vec<Session>> {
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let taken = seats_taken(conn, &ids, now)?;
    rows.into_iter()
        .map(|row| {
            Ok(Session {
                window: window(row.starts_at, row.ends_at, "time window")?,
                seats_taken: taken.get(&row.id).copied().unwrap_or(0),
                status: SessionStatus::parse(&row.status)
                    .ok_or_else(|| corrupt("session status"))?,
                id: row.id,
                listing_id: row.listing_id,
                capacity: row.capacity,
            })
        })
        .collect()
}

impl AvailabilityRepository for DieselAvailabilityRepository {
    fn item_listing(&self, listing_id: &str) -> Result<Option<ItemListing>, StoreError> {
        let mut conn = checkout(&self.pool)?;
        let Some((listing, rows)) =
            crate::catalog::item_listing(&mut conn, listing_id).map_err(store_error)?
        else {
            return Ok(None);
        };
        let weekly = rows
            .into_iter()
            .map(|(weekday, start, end)| {
                WeeklyRule::parse(weekday, &start, &end).map_err(StoreError::unexpected)
            })
            .collect::<Result<_, _>>()?;
        Ok(Some(ItemListing { listing, weekly }))
    }

    fn replace_weekly_rules(
        &self,
        listing_id: &str,
        timezone: &str,
        rules: &[WeeklyRule],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut conn = checkout(&self.pool)?;
        write_transaction(&mut conn, |conn| {
            diesel::delete(
                availability_rules::table.filter(availability_rules::listing_id.eq(listing_id)),
            )
            .execute(conn)?;
            for rule in rules {
                diesel::insert_into(availability_rules::table)
                    .values((
                        availability_rules::id.eq(new_id()),
                        availability_rules::listing_id.eq(listing_id),
                        availability_rules::weekday.eq(i64::from(rule.weekday)),
                        availability_rules::start_time.eq(rule.start_text()),
                        availability_rules::end_time.eq(rule.end_text()),
                    ))
                    .execute(conn)?;
            }
            diesel::update(listings::table.find(listing_id))
                .set((
                    listings::timezone.eq(timezone),
                    listings::updated_at.eq(now.naive_utc()),
                ))
                .execute(conn)
        })
        .map_err(store_error)?;
        Ok(())
    }

    fn add_blackout(
        &self,
        listing_id: &str,
        blackout: &NewBlackout,
    ) -> Result<Blackout, StoreError> {
        let mut conn = checkout(&self.pool)?;
        let id = new_id();
        diesel::insert_into(blackouts::table)
            .values((
                blackouts::id.eq(&id),
                blackouts::listing_id.eq(listing_id),
                blackouts::starts_at.eq(blackout.window.start().naive_utc()),
                blackouts::ends_at.eq(blackout.window.end().naive_utc()),
                blackouts::units.eq(blackout.units),
                blackouts::reason.eq(blackout.reason.as_deref()),
                blackouts::created_at.eq(blackout.created_at.naive_utc()),
            ))
            .execute(&mut *conn)
            .map_err(store_error)?;
        Ok(Blackout {
            id,
            listing_id: listing_id.to_owned(),
            window: blackout.window,
            units: blackout.units,
            reason: blackout.reason.clone(),
            created_at: blackout.created_at,
        })
    }

    #[allow(clippy::needless_lifetimes)]
    fn blackouts<'a>(
        &self,
        listing_id: &str,
        range: Option<&'a TimeWindow>,
    ) -> Result<Vec<Blackout>, StoreError> {
        let mut conn = checkout(&self.pool)?;
        let mut query = blackouts::table
            .filter(blackouts::listing_id.eq(listing_id))
            .into_boxed::<<DbConnection as diesel::Connection>::Backend>();
        if let Some(range) = range {
            query = query
                .filter(blackouts::starts_at.lt(range.end().naive_utc()))
                .filter(blackouts::ends_at.gt(range.start().naive_utc()));
        }
        query
            .order((blackouts::starts_at, blackouts::id))
            .select(BlackoutRow::as_select())
            .load(&mut *conn)
            .and_then(|rows| rows.into_iter().map(BlackoutRow::into_blackout).collect())
            .map_err(store_error)
    }

    fn delete_blackout(&self, listing_id: &str, blackout_id: &str) -> Result<bool, StoreError> {
        let mut conn = checkout(&self.pool)?;
        let deleted = diesel::delete(
            blackouts::table
                .filter(blackouts::listing_id.eq(listing_id))
                .filter(blackouts::id.eq(blackout_id)),
        )
        .execute(&mut *conn)
        .map_err(store_error)?;
        Ok(deleted > 0)
    }

    fn occupancy(
        &self,
        listing_id: &str,
        quantity: i64,
        range: &TimeWindow,
        now: DateTime<Utc>,
    ) -> Result<Vec<Occupancy>, StoreError> {
        let mut conn = checkout(&self.pool)?;
        occupancy(
            &mut conn,
            listing_id,
            quantity,
            range,
            now.naive_utc(),
            None,
        )
        .map_err(store_error)
    }

    fn item_timeline(
        &self,
        listing_id: &str,
        range: &TimeWindow,
        now: DateTime<Utc>,
    ) -> Result<Option<ItemTimeline>, StoreError> {
        let mut conn = checkout(&self.pool)?;
        item_timeline(&mut conn, listing_id, range, now.naive_utc()).map_err(store_error)
    }

    fn add_sessions(
        &self,
        listing_id: &str,
        new_sessions: &[NewSession],
        now: DateTime<Utc>,
    ) -> Result<Vec<Session>, StoreError> {
        let mut conn = checkout(&self.pool)?;
        let at = now.naive_utc();
        write_transaction(&mut conn, |conn| {
            let mut created = Vec::with_capacity(new_sessions.len());
            for session in new_sessions {
                let id = new_id();
                diesel::insert_into(sessions::table)
                    .values((
                        sessions::id.eq(&id),
                        sessions::listing_id.eq(listing_id),
                        sessions::starts_at.eq(session.window.start().naive_utc()),
                        sessions::ends_at.eq(session.window.end().naive_utc()),
                        sessions::capacity.eq(session.capacity),
                        sessions::status.eq(SessionStatus::Scheduled.as_str()),
                        sessions::created_at.eq(at),
                        sessions::updated_at.eq(at),
                    ))
                    .execute(conn)?;
                created.push(Session {
                    id,
                    listing_id: listing_id.to_owned(),
                    window: session.window,
                    capacity: session.capacity,
                    status: SessionStatus::Scheduled,
                    seats_taken: 0,
                });
            }
            Ok(created)
        })
        .map_err(store_error)
    }

    fn sessions(
        &self,
        listing_id: &str,
        range: &TimeWindow,
        now: DateTime<Utc>,
    ) -> Result<Vec<Session>, StoreError> {
        let mut conn = checkout(&self.pool)?;
        let conn = &mut *conn;
        let rows: Vec<SessionRow> = sessions::table
            .filter(sessions::listing_id.eq(listing_id))
            .filter(sessions::starts_at.ge(range.start().naive_utc()))
            .filter(sessions::starts_at.lt(range.end().naive_utc()))
            .order((sessions::starts_at, sessions::id))
            .select(SessionRow::as_select())
            .load(conn)
            .map_err(store_error)?;
        into_sessions(conn, rows, now.naive_utc()).map_err(store_error)
    }

    fn find_session(
        &self,
        session_id: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Session>, StoreError> {
        let mut conn = checkout(&self.pool)?;
        let conn = &mut *conn;
        let rows: Vec<SessionRow> = sessions::table
            .filter(sessions::id.eq(session_id))
            .select(SessionRow::as_select())
            .load(conn)
            .map_err(store_error)?;
        Ok(into_sessions(conn, rows, now.naive_utc())
            .map_err(store_error)?
            .pop())
    }

    fn cancel_session(
        &self,
        listing_id: &str,
        session_id: &str,
        actor: Actor,
        actor_id: &UserId,
        now: DateTime<Utc>,
    ) -> Result<Option<Session>, StoreError> {
        let mut conn = checkout(&self.pool)?;
        let at = now.naive_utc();
        write_transaction(&mut conn, |conn| {
            let target = sessions::table
                .filter(sessions::listing_id.eq(listing_id))
                .filter(sessions::id.eq(session_id));
            let changed = diesel::update(target)
                .set((
                    sessions::status.eq(SessionStatus::Cancelled.as_str()),
                    sessions::updated_at.eq(at),
                ))
                .execute(conn)?;
            if changed == 0 {
                return Ok(None);
            }
            // Its live bookings are cancelled with it, each with its event.
            let live: Vec<(String, String)> = bookings::table
                .filter(bookings::session_id.eq(session_id))
                .filter(bookings::status.eq_any(["requested", "approved", "confirmed"]))
                .select((bookings::id, bookings::status))
                .load(conn)?;
            for (booking_id, status) in live {
                diesel::update(bookings::table.find(&booking_id))
                    .set((
                        bookings::status.eq(BookingStatus::Cancelled.as_str()),
                        bookings::updated_at.eq(at),
                    ))
                    .execute(conn)?;
                insert_event(
                    conn,
                    &NewEvent {
                        booking_id: &booking_id,
                        from: BookingStatus::parse(&status),
                        to: BookingStatus::Cancelled,
                        actor,
                        actor_id: Some(actor_id),
                        reason: Some("the session was cancelled"),
                        at,
                    },
                )?;
            }
            let rows: Vec<SessionRow> = target.select(SessionRow::as_select()).load(conn)?;
            Ok(into_sessions(conn, rows, at)?.pop())
        })
        .map_err(store_error)
    }
}
