//! The new `requested` booking and its first event in one PostgreSQL statement
//! ([`InsertRequested`], used by `bookings::insert_requested`; SQLite takes two DSL inserts).

use std::marker::PhantomData;

use chrono::NaiveDateTime;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::{BigInt, Nullable, Text, Timestamp};
use domain_booking::{Actor, BookingStatus, NewBooking};

/// `INSERT` of a new `requested` booking and of its first event in one PostgreSQL statement
/// (a data-modifying `WITH`), returning the booking's columns. Its text is fixed, so diesel
/// caches it as a prepared statement. The event's foreign key is checked at the end of the
/// statement, when the booking row exists.
pub(crate) struct InsertRequested<'a, Row> {
    pub new: &'a NewBooking,
    pub id: &'a str,
    pub event_id: &'a str,
    /// `new`'s line items as stored (JSON text).
    pub line_items: String,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub occupied_until: NaiveDateTime,
    pub hold_expires_at: NaiveDateTime,
    pub at: NaiveDateTime,
    /// The row type read back: a `Selectable` whose fields are the columns of the final
    /// `SELECT`, in its order (`bookings::BookingRow`).
    pub row: PhantomData<Row>,
}

impl<Row: Selectable<Pg>> Query for InsertRequested<'_, Row> {
    type SqlType = <Row::SelectExpression as Expression>::SqlType;
}

impl<Row> QueryId for InsertRequested<'_, Row> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Row, Conn> RunQueryDsl<Conn> for InsertRequested<'_, Row> {}

impl<Row> QueryFragment<Pg> for InsertRequested<'_, Row> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        let new = self.new;
        out.push_sql(
            "WITH b AS (INSERT INTO bookings (id, listing_id, session_id, customer_id, \
             vendor_id, status, starts_at, ends_at, occupied_until, quantity, total_amount, \
             currency, line_items, notes, hold_expires_at, idempotency_key, request_hash, \
             created_at, updated_at) VALUES (",
        );
        out.push_bind_param::<Text, str>(self.id)?;
        out.push_sql(", ");
        out.push_bind_param::<Text, String>(&new.listing_id)?;
        out.push_sql(", ");
        out.push_bind_param::<Nullable<Text>, Option<String>>(&new.session_id)?;
        out.push_sql(", ");
        out.push_bind_param::<Text, String>(&new.customer_id.0)?;
        out.push_sql(", ");
        out.push_bind_param::<Text, String>(&new.vendor_id.0)?;
        out.push_sql(", ");
        out.push_bind_param::<Text, str>(BookingStatus::Requested.as_str())?;
        out.push_sql(", ");
        out.push_bind_param::<Timestamp, NaiveDateTime>(&self.starts_at)?;
        out.push_sql(", ");
        out.push_bind_param::<Timestamp, NaiveDateTime>(&self.ends_at)?;
        out.push_sql(", ");
        out.push_bind_param::<Timestamp, NaiveDateTime>(&self.occupied_until)?;
        out.push_sql(", ");
        out.push_bind_param::<BigInt, i64>(&new.quantity)?;
        out.push_sql(", ");
        out.push_bind_param::<BigInt, i64>(&new.quote.total.amount)?;
        out.push_sql(", ");
        out.push_bind_param::<Text, str>(new.quote.total.currency.code())?;
        out.push_sql(", ");
        out.push_bind_param::<Text, String>(&self.line_items)?;
        out.push_sql(", ");
        out.push_bind_param::<Nullable<Text>, Option<String>>(&new.notes)?;
        out.push_sql(", ");
        out.push_bind_param::<Timestamp, NaiveDateTime>(&self.hold_expires_at)?;
        out.push_sql(", ");
        out.push_bind_param::<Nullable<Text>, Option<String>>(&new.idempotency_key)?;
        out.push_sql(", ");
        out.push_bind_param::<Text, String>(&new.request_hash)?;
        out.push_sql(", ");
        out.push_bind_param::<Timestamp, NaiveDateTime>(&self.at)?;
        out.push_sql(", ");
        out.push_bind_param::<Timestamp, NaiveDateTime>(&self.at)?;
        out.push_sql(
            ") RETURNING *), e AS (INSERT INTO booking_events (id, booking_id, from_status, \
             to_status, actor, actor_id, reason, at) SELECT ",
        );
        out.push_bind_param::<Text, str>(self.event_id)?;
        out.push_sql(", b.id, NULL, b.status, ");
        out.push_bind_param::<Text, str>(Actor::Customer.as_str())?;
        out.push_sql(", b.customer_id, NULL, b.created_at FROM b) SELECT ");
        // The columns of `Row` (`BookingRow`), in its field order.
        out.push_sql(
            "b.id, b.listing_id, b.session_id, b.customer_id, b.vendor_id, b.status, \
             b.starts_at, b.ends_at, b.occupied_until, b.quantity, b.total_amount, b.currency, \
             b.line_items, b.notes, b.hold_expires_at, b.payment_due_at, b.created_at, \
             b.updated_at FROM b",
        );
        Ok(())
    }
}
