//! What occupies an equipment item: its blocking bookings and its blackouts within a range
//! ([`OccupancyQuery`]), alone ([`occupancy`]: availability, approval) or after the customer's
//! live holds ([`HoldsAndOccupancyQuery`], [`holds_and_occupancy`]: a new booking).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::query_builder::{AstPass, QueryFragment};
use diesel::sql_types::{BigInt, Nullable, Text, Timestamp};
use domain_booking::{Occupancy, TimeWindow};

use super::blocking::push_blocking;
use super::raw_query;
use crate::common::window;
use crate::db::{Backend, DbConnection};

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

impl QueryFragment<Backend> for HoldsAndOccupancyQuery<'_> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Backend>) -> QueryResult<()> {
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

impl QueryFragment<Backend> for OccupancyQuery<'_> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Backend>) -> QueryResult<()> {
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
pub(super) fn push_item_bookings_within<'b>(
    out: &mut AstPass<'_, 'b, Backend>,
    from: &'b NaiveDateTime,
    to: &'b NaiveDateTime,
    now: &'b NaiveDateTime,
) -> QueryResult<()> {
    out.push_sql(" AND b.session_id IS NULL AND b.starts_at < ");
    out.push_bind_param::<Timestamp, _>(to)?;
    out.push_sql(" AND b.occupied_until > ");
    out.push_bind_param::<Timestamp, _>(from)?;
    out.push_sql(" AND ");
    push_blocking(out, "b", now)
}

/// After `… FROM blackouts x WHERE x.listing_id = <id>`: the blackouts that overlap
/// `[from, to)`.
pub(super) fn push_blackouts_within<'b>(
    out: &mut AstPass<'_, 'b, Backend>,
    from: &'b NaiveDateTime,
    to: &'b NaiveDateTime,
) -> QueryResult<()> {
    out.push_sql(" AND x.starts_at < ");
    out.push_bind_param::<Timestamp, _>(to)?;
    out.push_sql(" AND x.ends_at > ");
    out.push_bind_param::<Timestamp, _>(from)?;
    Ok(())
}
