//! Every statement and expression of this crate that is not diesel DSL, and the impls they
//! share (`raw_query!`, `raw_expression!`). Each writes a fixed SQL text per variant, so diesel
//! caches it as a prepared statement by that text, as it does DSL queries (`sql_query` and
//! `dsl::sql` are never cached). `bench/ceiling-*.sql` copy some of these texts: change one,
//! and copy the ceiling again. The repositories call them; the rest of their SQL is DSL.
//! docs/architecture.md (Persistence) has the same index as a table.
//!
//! Index: what each one is, who uses it, why it is not DSL.
//! - [`blocking`]: `push_blocking` / `Blocking`, "this booking holds capacity at `now`"
//!   (booking-rules.md). Used by every statement below that reads occupancy, and as a DSL
//!   filter for seat counts (availability, bookings). One SQL text for the hand-written
//!   statements (under their own aliases `b`, `b0`, `b2`) and the DSL filters alike, so the
//!   rule is written once.
//! - [`occupancy`]: `OccupancyQuery`, an item's blocking bookings and blackouts within a range.
//!   Used by `DieselAvailabilityRepository::occupancy` and the admission checks of bookings
//!   (approval). A `UNION ALL` over bookings and blackouts that shares its conditions
//!   (`push_item_bookings_within`, `push_blackouts_within`) with the timeline below.
//! - [`occupancy`]: `HoldsAndOccupancyQuery`, the customer's live holds (counted up to the
//!   limit) and the item's occupancy. Used by `bookings::create` for an item, right after the
//!   lock. A `UNION ALL` of heterogeneous rows (a count row with `NULL` times, then occupancy
//!   rows): one round trip and one snapshot.
//! - [`timeline`]: `ItemTimelineQuery`, an item's listing row, weekly rules, blocking bookings
//!   and blackouts. Used by `DieselAvailabilityRepository::item_timeline` (the availability
//!   timeline). A `UNION ALL` of heterogeneous rows from four tables (`CAST(NULL AS …)`
//!   columns): one round trip.
//! - [`browse`]: `FreeInWindow`, browse's availability-window filter. Used by
//!   `public_listings!` (catalog). Correlated sub-queries over the points where occupancy
//!   changes (`EXISTS` over a `UNION ALL`, a `SUM` per point), with a text that depends only on
//!   the listing kind so the browse query stays cached.
//! - [`browse`]: `BrowsePage`, the page of ids as a `WITH` query joined back to each listing's
//!   category, vendor, terms and images. Used by browse. diesel has no `WITH`.
//! - [`insert_requested`]: `InsertRequested`, a new booking and its first event in one
//!   statement (PostgreSQL only; SQLite runs two DSL inserts). Used by `bookings::create`. A
//!   data-modifying `WITH` whose `INSERT … SELECT` takes the event from the inserted row.
//!
//! [`browse`] also holds `like_pattern`, the escaping of the `LIKE` text filters.

pub(crate) mod blocking;
pub(crate) mod browse;
pub(crate) mod insert_requested;
pub(crate) mod occupancy;
pub(crate) mod timeline;

/// The `Query`, `QueryId` and `RunQueryDsl` impls of a hand-written statement (a struct with
/// one lifetime whose `QueryFragment` writes the SQL) returning rows of `$sql_type`. Without a
/// static query id, diesel caches the prepared statement by its SQL text.
macro_rules! raw_query {
    ($name:ident, $sql_type:ty) => {
        impl diesel::query_builder::Query for $name<'_> {
            type SqlType = $sql_type;
        }

        impl diesel::query_builder::QueryId for $name<'_> {
            type QueryId = ();
            const HAS_STATIC_QUERY_ID: bool = false;
        }

        impl<Conn> diesel::RunQueryDsl<Conn> for $name<'_> {}
    };
}
pub(crate) use raw_query;

/// The expression impls of a hand-written SQL expression (a struct whose `QueryFragment`
/// writes it) of type `$sql_type`, usable in `filter` and `select` over any table. Without a
/// static query id, diesel caches a statement using it by the statement's SQL text.
macro_rules! raw_expression {
    ($name:ident, $sql_type:ty) => {
        impl diesel::expression::Expression for $name {
            type SqlType = $sql_type;
        }

        impl<QS> diesel::expression::AppearsOnTable<QS> for $name {}

        impl<QS> diesel::expression::SelectableExpression<QS> for $name {}

        impl diesel::expression::ValidGrouping<()> for $name {
            type IsAggregate = diesel::expression::is_aggregate::Never;
        }

        impl diesel::query_builder::QueryId for $name {
            type QueryId = ();
            const HAS_STATIC_QUERY_ID: bool = false;
        }
    };
}
pub(crate) use raw_expression;
