//! The browse statement's hand-written parts: the availability-window filter
//! ([`FreeInWindow`]) and the page joined back to its listings ([`BrowsePage`]), and the
//! `LIKE` pattern of the text filters ([`like_pattern`]). The rest of browse is diesel DSL
//! (`public_listings!` in `catalog.rs`).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::{BigInt, Bool, Timestamp};
use domain_catalog::{ListingKind, Sort};

use super::blocking::push_blocking;
use super::raw_expression;
use crate::db::Backend;

/// "At least `amount` units of the item are free at every instant of `[from, to)`", in SQL
/// both backends run ([`FreeInWindow`] for equipment).
/// The quick test comes first: the item has `amount` units and no blocking booking or
/// blackout overlaps the window at all, which is the common case and three index probes.
/// Otherwise the exact test: free units only change where an occupancy starts, so it is
/// enough to check `from` and every start of a blocking booking or blackout inside the window.
/// "A booking blocks" is [`push_blocking`], as everywhere.
fn push_equipment_free<'b>(
    out: &mut AstPass<'_, 'b, Backend>,
    w: &'b FreeInWindow,
) -> QueryResult<()> {
    out.push_sql(
        "(((SELECT et0.quantity FROM equipment_terms et0 WHERE et0.listing_id = listings.id) >= ",
    );
    out.push_bind_param::<BigInt, _>(&w.amount)?;
    out.push_sql(
        " AND NOT EXISTS (SELECT 1 FROM bookings b0 WHERE b0.listing_id = listings.id \
         AND b0.session_id IS NULL AND b0.starts_at < ",
    );
    out.push_bind_param::<Timestamp, _>(&w.to)?;
    out.push_sql(" AND b0.occupied_until > ");
    out.push_bind_param::<Timestamp, _>(&w.from)?;
    out.push_sql(" AND ");
    push_blocking(out, "b0", &w.now)?;
    out.push_sql(
        ") AND NOT EXISTS (SELECT 1 FROM blackouts x0 WHERE x0.listing_id = listings.id \
         AND x0.starts_at < ",
    );
    out.push_bind_param::<Timestamp, _>(&w.to)?;
    out.push_sql(" AND x0.ends_at > ");
    out.push_bind_param::<Timestamp, _>(&w.from)?;
    out.push_sql(")) OR NOT EXISTS (SELECT 1 FROM (SELECT ");
    out.push_bind_param::<Timestamp, _>(&w.from)?;
    out.push_sql(
        " AS p UNION ALL SELECT b.starts_at FROM bookings b WHERE b.listing_id = listings.id \
         AND b.session_id IS NULL AND b.starts_at > ",
    );
    out.push_bind_param::<Timestamp, _>(&w.from)?;
    out.push_sql(" AND b.starts_at < ");
    out.push_bind_param::<Timestamp, _>(&w.to)?;
    out.push_sql(" AND ");
    push_blocking(out, "b", &w.now)?;
    out.push_sql(
        " UNION ALL SELECT x.starts_at FROM blackouts x WHERE x.listing_id = listings.id \
         AND x.starts_at > ",
    );
    out.push_bind_param::<Timestamp, _>(&w.from)?;
    out.push_sql(" AND x.starts_at < ");
    out.push_bind_param::<Timestamp, _>(&w.to)?;
    out.push_sql(
        ") pts WHERE COALESCE((SELECT SUM(b2.quantity) FROM bookings b2 \
         WHERE b2.listing_id = listings.id AND b2.session_id IS NULL AND b2.starts_at <= pts.p \
         AND b2.occupied_until > pts.p AND ",
    );
    push_blocking(out, "b2", &w.now)?;
    out.push_sql(
        "), 0) + COALESCE((SELECT SUM(COALESCE(x2.units, et.quantity)) FROM blackouts x2 \
         JOIN equipment_terms et ON et.listing_id = x2.listing_id WHERE x2.listing_id = listings.id \
         AND x2.starts_at <= pts.p AND x2.ends_at > pts.p), 0) > (SELECT et2.quantity - ",
    );
    out.push_bind_param::<BigInt, _>(&w.amount)?;
    out.push_sql(" FROM equipment_terms et2 WHERE et2.listing_id = listings.id)))");
    Ok(())
}

/// "A scheduled session lying within `[from, to)` has at least `amount` seats left"
/// ([`FreeInWindow`] for adventures).
fn push_session_free<'b>(
    out: &mut AstPass<'_, 'b, Backend>,
    w: &'b FreeInWindow,
) -> QueryResult<()> {
    out.push_sql(
        "EXISTS (SELECT 1 FROM sessions s WHERE s.listing_id = listings.id \
         AND s.status = 'scheduled' AND s.starts_at >= ",
    );
    out.push_bind_param::<Timestamp, _>(&w.from)?;
    out.push_sql(" AND s.ends_at <= ");
    out.push_bind_param::<Timestamp, _>(&w.to)?;
    out.push_sql(" AND s.starts_at > ");
    out.push_bind_param::<Timestamp, _>(&w.now)?;
    out.push_sql(
        " AND s.capacity - COALESCE((SELECT SUM(b.quantity) FROM bookings b \
         WHERE b.session_id = s.id AND ",
    );
    push_blocking(out, "b", &w.now)?;
    out.push_sql("), 0) >= ");
    out.push_bind_param::<BigInt, _>(&w.amount)?;
    out.push_sql(")");
    Ok(())
}

/// The availability-window filter of browse ([`push_equipment_free`] or [`push_session_free`])
/// as an expression of its own. Unlike `dsl::sql`, which diesel never caches, its SQL text
/// depends only on `kind`, so the browse query stays a cached prepared statement: planning
/// the correlated sub-queries on every request cost more than running them.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FreeInWindow {
    pub kind: ListingKind,
    pub from: NaiveDateTime,
    pub to: NaiveDateTime,
    pub now: NaiveDateTime,
    pub amount: i64,
}

raw_expression!(FreeInWindow, Bool);

impl QueryFragment<Backend> for FreeInWindow {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Backend>) -> QueryResult<()> {
        match self.kind {
            ListingKind::Equipment => push_equipment_free(&mut out, self),
            ListingKind::Adventure => push_session_free(&mut out, self),
        }
    }
}

/// One page of browse as one statement: `page` (the `(id, COUNT(*) OVER ())` select of
/// `public_listings!`, sorted, limited and offset) as a `WITH` query, joined to each listing's
/// category, vendor, terms and images (a row per image, as in `catalog::one_listing`) and
/// sorted again by `sort` so the rows come in page order. `columns` is the select list over
/// those joined tables (`ListingImageRecord::as_select()`). The text depends only on the
/// filters and the sort, so it is a cached prepared statement like the page itself.
pub(crate) struct BrowsePage<Q, C> {
    page: Q,
    sort: Sort,
    columns: C,
}

impl<Q, C> BrowsePage<Q, C> {
    pub(crate) fn new(page: Q, sort: Sort, columns: C) -> Self {
        Self {
            page,
            sort,
            columns,
        }
    }
}

impl<Q, C: Expression> Query for BrowsePage<Q, C> {
    type SqlType = (BigInt, C::SqlType);
}

impl<Q, C> QueryId for BrowsePage<Q, C> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Q, C, Conn> RunQueryDsl<Conn> for BrowsePage<Q, C> {}

impl<Q, C> QueryFragment<Backend> for BrowsePage<Q, C>
where
    Q: QueryFragment<Backend>,
    C: QueryFragment<Backend>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Backend>) -> QueryResult<()> {
        out.push_sql("WITH page (id, total) AS (");
        self.page.walk_ast(out.reborrow())?;
        out.push_sql(") SELECT page.total, ");
        self.columns.walk_ast(out.reborrow())?;
        out.push_sql(
            " FROM page INNER JOIN listings ON listings.id = page.id \
             INNER JOIN categories ON categories.id = listings.category_id \
             INNER JOIN vendor_profiles ON vendor_profiles.user_id = listings.vendor_id \
             LEFT OUTER JOIN equipment_terms ON equipment_terms.listing_id = listings.id \
             LEFT OUTER JOIN adventure_terms ON adventure_terms.listing_id = listings.id \
             LEFT OUTER JOIN listing_images ON listing_images.listing_id = listings.id ORDER BY ",
        );
        // The page's own order (see `browse`), then the images' order of `one_listing`.
        out.push_sql(match self.sort {
            Sort::Newest => "listings.created_at DESC, listings.id DESC",
            Sort::PriceAscending => "listings.price ASC, listings.id ASC",
            Sort::PriceDescending => "listings.price DESC, listings.id ASC",
        });
        out.push_sql(
            ", listing_images.is_primary DESC, listing_images.position, \
             listing_images.created_at, listing_images.id",
        );
        Ok(())
    }
}

/// `text` as a `LIKE … ESCAPE '\'` pattern that matches it anywhere: `%`, `_` and `\` in
/// `text` match only themselves.
pub(crate) fn like_pattern(text: &str) -> String {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}
