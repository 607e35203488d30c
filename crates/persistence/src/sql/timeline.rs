//! An equipment item's availability timeline in one statement ([`ItemTimelineQuery`]): its
//! listing row, weekly rules, blocking bookings and blackouts, read by [`item_timeline`].

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::query_builder::{AstPass, QueryFragment};
use diesel::sql_types::{BigInt, Nullable, Text, Timestamp};
use domain_accounts::TimeZone;
use domain_booking::{ItemTimeline, Occupancy, TimeWindow, WeeklyRule};

use super::occupancy::{push_blackouts_within, push_item_bookings_within};
use super::raw_query;
use crate::common::{corrupt, window};
use crate::db::{Backend, DbConnection};

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

/// See [`AvailabilityRepository::item_timeline`](domain_booking::AvailabilityRepository::item_timeline).
pub(crate) fn item_timeline(
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
/// a fixed text, cached like [`OccupancyQuery`](super::occupancy) (whose conditions it repeats): the
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

impl QueryFragment<Backend> for ItemTimelineQuery<'_> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Backend>) -> QueryResult<()> {
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
