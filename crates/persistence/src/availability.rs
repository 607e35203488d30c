//! [`AvailabilityRepository`] over diesel: opening hours, blackouts, sessions, occupancy.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::query_builder::{AstPass, QueryFragment};
use diesel::serialize::ToSql;
use diesel::sql_types::{BigInt, HasSqlType, Nullable, Text, Timestamp};
use domain_accounts::TimeZone;
use domain_accounts::UserId;
use domain_booking::{
    Actor, AvailabilityRepository, Blackout, BookingStatus, ItemListing, ItemTimeline, NewBlackout,
    NewSession, Occupancy, Session, SessionStatus, TimeWindow, WeeklyRule,
};
use domain_core::StoreError;

use crate::blocking::{push_blocking, Blocking};
use crate::common::{corrupt, new_id, window};
use crate::db::{checkout, store_error, write_transaction, DbConnection, DbPool};
use crate::events::{insert_event, NewEvent};
use crate::schema::{availability_rules, blackouts, bookings, listings, sessions};
use crate::sql::raw_query;

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

/// Blocking bookings and blackouts of the listing overlapping `range`, as occupancies, read
/// in one statement.
pub(crate) fn occupancy(
    conn: &mut DbConnection,
    listing_id: &str,
    quantity: i64,
    range: &TimeWindow,
    now: NaiveDateTime,
    exclude: Option<&str>,
) -> QueryResult<Vec<Occupancy>> {
    let rows: Vec<(NaiveDateTime, NaiveDateTime, i64)> = OccupancyQuery {
        listing_id,
        from: range.start().naive_utc(),
        to: range.end().naive_utc(),
        now,
        quantity,
        exclude,
    }
    .load(conn)?;
    rows.into_iter()
        .map(|(start, end, units)| {
            Ok(Occupancy {
                window: window(start, end, "time window")?,
                units,
            })
        })
        .collect()
}

/// A row of [`ItemTimelineQuery`]: `(part, text_a, text_b, start, end, number, flags)`.
type TimelineRow = (
    i64,
    Option<String>,
    Option<String>,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
    Option<i64>,
    Option<i64>,
);

/// The parts of [`ItemTimelineQuery`], in the order it returns them.
const PART_LISTING: i64 = 0;
const PART_RULE: i64 = 1;
const PART_BOOKING: i64 = 2;
const PART_BLACKOUT: i64 = 3;
/// Bits of the listing row's `flags`.
const FLAG_ACTIVE: i64 = 1;
const FLAG_VENDOR_ACTIVE: i64 = 2;

/// See [`AvailabilityRepository::item_timeline`].
fn item_timeline(
    conn: &mut DbConnection,
    listing_id: &str,
    range: &TimeWindow,
    now: NaiveDateTime,
) -> QueryResult<Option<ItemTimeline>> {
    let rows: Vec<TimelineRow> = ItemTimelineQuery {
        listing_id,
        from: range.start().naive_utc(),
        to: range.end().naive_utc(),
        now,
    }
    .load(conn)?;
    let mut listing: Option<(String, i64, i64)> = None;
    let mut weekly = Vec::new();
    let mut bookings = Vec::new();
    let mut blackouts = Vec::new();
    for (part, text_a, text_b, start, end, number, flags) in rows {
        match (part, text_a, text_b, start, end) {
            (PART_LISTING, Some(timezone), _, _, _) => {
                // An equipment listing without its terms is corrupt, as in `find_listing`.
                let quantity = number.ok_or_else(|| corrupt("listing terms"))?;
                listing = Some((timezone, quantity, flags.unwrap_or(0)));
            }
            (PART_RULE, Some(start), Some(end), _, _) => {
                let weekday = number.ok_or_else(|| corrupt("weekly rule"))?;
                let rule =
                    WeeklyRule::parse(weekday, &start, &end).map_err(|_| corrupt("weekly rule"))?;
                weekly.push(rule);
            }
            (PART_BOOKING, _, _, Some(start), Some(end)) => bookings.push(Occupancy {
                window: window(start, end, "time window")?,
                units: number.ok_or_else(|| corrupt("booking quantity"))?,
            }),
            (PART_BLACKOUT, _, _, Some(start), Some(end)) => {
                blackouts.push((window(start, end, "time window")?, number));
            }
            _ => return Err(corrupt("timeline row")),
        }
    }
    let Some((timezone, quantity, flags)) = listing else {
        return Ok(None);
    };
    // A blackout naming no units takes all of them, as in `OccupancyQuery`.
    let mut occupied = bookings;
    occupied.extend(blackouts.into_iter().map(|(window, units)| Occupancy {
        window,
        units: units.unwrap_or(quantity),
    }));
    Ok(Some(ItemTimeline {
        is_active: flags & FLAG_ACTIVE != 0,
        vendor_active: flags & FLAG_VENDOR_ACTIVE != 0,
        timezone: TimeZone::parse(&timezone).map_err(|_| corrupt("time zone"))?,
        quantity,
        weekly,
        occupied,
    }))
}

/// An equipment item's listing row (time zone, quantity, public flags), its weekly rules, its
/// blocking bookings and its blackouts within `[from, to)`, as one `UNION ALL` statement with
/// a fixed text, cached like [`OccupancyQuery`] (whose conditions it repeats): the
/// availability timeline in one round trip. Blackouts come with their own `units` (`NULL`:
/// all units), the caller fills in the quantity. Rows are ordered by part, then (rules) by
/// weekday and start, as `item_listing` reads them.
struct ItemTimelineQuery<'a> {
    listing_id: &'a str,
    from: NaiveDateTime,
    to: NaiveDateTime,
    now: NaiveDateTime,
}

raw_query!(
    ItemTimelineQuery,
    (
        BigInt,
        Nullable<Text>,
        Nullable<Text>,
        Nullable<Timestamp>,
        Nullable<Timestamp>,
        Nullable<BigInt>,
        Nullable<BigInt>,
    )
);

impl<DB> QueryFragment<DB> for ItemTimelineQuery<'_>
where
    DB: diesel::backend::Backend + HasSqlType<Text> + HasSqlType<Timestamp> + HasSqlType<BigInt>,
    str: ToSql<Text, DB>,
    NaiveDateTime: ToSql<Timestamp, DB>,
    i64: ToSql<BigInt, DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql(
            "SELECT CAST(0 AS BIGINT), l.timezone, CAST(NULL AS TEXT), \
             CAST(NULL AS TIMESTAMP), CAST(NULL AS TIMESTAMP), CAST(e.quantity AS BIGINT), \
             CAST((CASE WHEN l.is_active THEN 1 ELSE 0 END) \
             + (CASE WHEN l.vendor_active THEN 2 ELSE 0 END) AS BIGINT) \
             FROM listings l LEFT JOIN equipment_terms e ON e.listing_id = l.id \
             WHERE l.kind = 'equipment' AND l.id = ",
        );
        out.push_bind_param::<Text, str>(self.listing_id)?;
        out.push_sql(
            " UNION ALL SELECT CAST(1 AS BIGINT), r.start_time, r.end_time, \
             CAST(NULL AS TIMESTAMP), CAST(NULL AS TIMESTAMP), CAST(r.weekday AS BIGINT), \
             CAST(NULL AS BIGINT) FROM availability_rules r WHERE r.listing_id = ",
        );
        out.push_bind_param::<Text, str>(self.listing_id)?;
        out.push_sql(
            " UNION ALL SELECT CAST(2 AS BIGINT), CAST(NULL AS TEXT), CAST(NULL AS TEXT), \
             b.starts_at, b.occupied_until, CAST(b.quantity AS BIGINT), CAST(NULL AS BIGINT) \
             FROM bookings b WHERE b.listing_id = ",
        );
        out.push_bind_param::<Text, str>(self.listing_id)?;
        push_item_bookings_within(&mut out, &self.from, &self.to, &self.now)?;
        out.push_sql(
            " UNION ALL SELECT CAST(3 AS BIGINT), CAST(NULL AS TEXT), CAST(NULL AS TEXT), \
             x.starts_at, x.ends_at, CAST(x.units AS BIGINT), CAST(NULL AS BIGINT) \
             FROM blackouts x WHERE x.listing_id = ",
        );
        out.push_bind_param::<Text, str>(self.listing_id)?;
        push_blackouts_within(&mut out, &self.from, &self.to)?;
        out.push_sql(" ORDER BY 1, 6, 2");
        Ok(())
    }
}

/// The number of live holds of `customer` (bookings `requested` whose hold has not expired at
/// `now`), counted up to `max_holds` (the caller only compares it with that limit), and
/// [`occupancy`] of the item, in one statement: the booking path needs both right after it
/// takes the item's lock, so they share one round trip and one snapshot.
pub(crate) fn holds_and_occupancy(
    conn: &mut DbConnection,
    customer: &str,
    max_holds: i64,
    listing_id: &str,
    quantity: i64,
    range: &TimeWindow,
    now: NaiveDateTime,
) -> QueryResult<(i64, Vec<Occupancy>)> {
    let rows: Vec<(Option<NaiveDateTime>, Option<NaiveDateTime>, i64)> = HoldsAndOccupancyQuery {
        customer,
        // A negative LIMIT is an error on PostgreSQL and "no limit" on SQLite.
        max_holds: max_holds.max(0),
        now,
        occupancy: OccupancyQuery {
            listing_id,
            from: range.start().naive_utc(),
            to: range.end().naive_utc(),
            now,
            quantity,
            exclude: None,
        },
    }
    .load(conn)?;
    let mut holds = 0;
    let mut occupied = Vec::with_capacity(rows.len());
    for row in rows {
        match row {
            (Some(start), Some(end), units) => occupied.push(Occupancy {
                window: window(start, end, "time window")?,
                units,
            }),
            (_, _, count) => holds = count,
        }
    }
    Ok((holds, occupied))
}

/// `SELECT NULL, NULL, <live holds of the customer, at most max_holds> UNION ALL`
/// [`OccupancyQuery`]: the row without times carries the hold count. The `LIMIT` bounds the
/// count's cost by the limit instead of by the customer's holds. A fixed text, cached like
/// [`OccupancyQuery`].
struct HoldsAndOccupancyQuery<'a> {
    customer: &'a str,
    max_holds: i64,
    now: NaiveDateTime,
    occupancy: OccupancyQuery<'a>,
}

raw_query!(
    HoldsAndOccupancyQuery,
    (Nullable<Timestamp>, Nullable<Timestamp>, BigInt)
);

impl<DB> QueryFragment<DB> for HoldsAndOccupancyQuery<'_>
where
    DB: diesel::backend::Backend + HasSqlType<Text> + HasSqlType<Timestamp> + HasSqlType<BigInt>,
    str: ToSql<Text, DB>,
    NaiveDateTime: ToSql<Timestamp, DB>,
    i64: ToSql<BigInt, DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql(
            "SELECT NULL, NULL, COUNT(*) FROM (SELECT 1 FROM bookings h WHERE h.customer_id = ",
        );
        out.push_bind_param::<Text, str>(self.customer)?;
        out.push_sql(" AND h.status = 'requested' AND h.hold_expires_at > ");
        out.push_bind_param::<Timestamp, _>(&self.now)?;
        out.push_sql(" LIMIT ");
        out.push_bind_param::<BigInt, _>(&self.max_holds)?;
        out.push_sql(") holds UNION ALL ");
        self.occupancy.walk_ast(out.reborrow())
    }
}

/// What takes units of an item within `[from, to)`: its blocking bookings (the condition of
/// [`push_blocking`], leaving out `exclude`) occupying `[starts_at, occupied_until)`, then its
/// blackouts (all `quantity` units when they name none). One `UNION ALL` statement that both
/// backends run, with a fixed text per `exclude` variant, so diesel caches it as a prepared
/// statement (unlike `sql_query`): one round trip instead of two on the availability and
/// booking paths.
struct OccupancyQuery<'a> {
    listing_id: &'a str,
    from: NaiveDateTime,
    to: NaiveDateTime,
    now: NaiveDateTime,
    quantity: i64,
    exclude: Option<&'a str>,
}

raw_query!(OccupancyQuery, (Timestamp, Timestamp, BigInt));

impl<DB> QueryFragment<DB> for OccupancyQuery<'_>
where
    DB: diesel::backend::Backend + HasSqlType<Text> + HasSqlType<Timestamp> + HasSqlType<BigInt>,
    str: ToSql<Text, DB>,
    NaiveDateTime: ToSql<Timestamp, DB>,
    i64: ToSql<BigInt, DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql(
            "SELECT b.starts_at, b.occupied_until, b.quantity FROM bookings b \
             WHERE b.listing_id = ",
        );
        out.push_bind_param::<Text, str>(self.listing_id)?;
        if let Some(exclude) = self.exclude {
            out.push_sql(" AND b.id <> ");
            out.push_bind_param::<Text, str>(exclude)?;
        }
        push_item_bookings_within(&mut out, &self.from, &self.to, &self.now)?;
        out.push_sql(" UNION ALL SELECT x.starts_at, x.ends_at, COALESCE(x.units, ");
        out.push_bind_param::<BigInt, _>(&self.quantity)?;
        out.push_sql(") FROM blackouts x WHERE x.listing_id = ");
        out.push_bind_param::<Text, str>(self.listing_id)?;
        push_blackouts_within(&mut out, &self.from, &self.to)
    }
}

/// After `… FROM bookings b WHERE b.listing_id = <id>`: the item bookings (no session) that
/// overlap `[from, to)` with their occupancy (`occupied_until`, buffer included) and block at
/// `now`.
fn push_item_bookings_within<'b, DB>(
    out: &mut AstPass<'_, 'b, DB>,
    from: &'b NaiveDateTime,
    to: &'b NaiveDateTime,
    now: &'b NaiveDateTime,
) -> QueryResult<()>
where
    DB: diesel::backend::Backend + HasSqlType<Timestamp>,
    NaiveDateTime: ToSql<Timestamp, DB>,
{
    out.push_sql(" AND b.session_id IS NULL AND b.starts_at < ");
    out.push_bind_param::<Timestamp, _>(to)?;
    out.push_sql(" AND b.occupied_until > ");
    out.push_bind_param::<Timestamp, _>(from)?;
    out.push_sql(" AND ");
    push_blocking(out, "b", now)
}

/// After `… FROM blackouts x WHERE x.listing_id = <id>`: the blackouts that overlap
/// `[from, to)`.
fn push_blackouts_within<'b, DB>(
    out: &mut AstPass<'_, 'b, DB>,
    from: &'b NaiveDateTime,
    to: &'b NaiveDateTime,
) -> QueryResult<()>
where
    DB: diesel::backend::Backend + HasSqlType<Timestamp>,
    NaiveDateTime: ToSql<Timestamp, DB>,
{
    out.push_sql(" AND x.starts_at < ");
    out.push_bind_param::<Timestamp, _>(to)?;
    out.push_sql(" AND x.ends_at > ");
    out.push_bind_param::<Timestamp, _>(from)?;
    Ok(())
}
