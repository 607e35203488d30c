//! "This booking holds capacity at `now`" in SQL, written once for every statement that needs
//! it: requested with its hold still running, approved with no payment deadline or one still
//! ahead, or confirmed. The rule itself is `BookingClock::is_blocking` in `domain-booking`
//! (booking-rules.md); this is its SQL form. The API test
//! `every_read_of_capacity_counts_exactly_the_bookings_the_domain_says_block` checks, on both
//! backends, that the timeline, the availability-window browse and a booking request agree
//! with the domain rule in every status and deadline case.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::query_builder::{AstPass, QueryFragment};
use diesel::sql_types::{Bool, Timestamp};

use super::raw_expression;
use crate::db::Backend;

/// Pushes the condition for the booking row named `alias`, in parentheses, with `now` bound
/// twice.
pub(crate) fn push_blocking<'b>(
    out: &mut AstPass<'_, 'b, Backend>,
    alias: &'static str,
    now: &'b NaiveDateTime,
) -> QueryResult<()> {
    for part in [
        "(",
        alias,
        ".status = 'confirmed' OR (",
        alias,
        ".status = 'requested' AND ",
        alias,
        ".hold_expires_at > ",
    ] {
        out.push_sql(part);
    }
    out.push_bind_param::<Timestamp, _>(now)?;
    for part in [
        ") OR (",
        alias,
        ".status = 'approved' AND (",
        alias,
        ".payment_due_at IS NULL OR ",
        alias,
        ".payment_due_at > ",
    ] {
        out.push_sql(part);
    }
    out.push_bind_param::<Timestamp, _>(now)?;
    out.push_sql(")))");
    Ok(())
}

/// [`push_blocking`] for the `bookings` table, as an expression for diesel's `.filter(…)`.
/// Its SQL does not depend on `now`, so a query using it is still cached as a prepared
/// statement (by its text).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Blocking {
    pub now: NaiveDateTime,
}

raw_expression!(Blocking, Bool);

impl QueryFragment<Backend> for Blocking {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Backend>) -> QueryResult<()> {
        push_blocking(&mut out, "bookings", &self.now)
    }
}
