//! The history of a booking: each status change writes one `booking_events` row, in the same
//! transaction as the change (bookings, session cancellation in availability, payments).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use domain_accounts::UserId;
use domain_booking::{Actor, BookingStatus};

use crate::common::new_id;
use crate::db::DbConnection;
use crate::schema::booking_events;

/// One history entry to write in the same transaction as its change.
pub(crate) struct NewEvent<'a> {
    pub booking_id: &'a str,
    pub from: Option<BookingStatus>,
    pub to: BookingStatus,
    pub actor: Actor,
    pub actor_id: Option<&'a UserId>,
    pub reason: Option<&'a str>,
    pub at: NaiveDateTime,
}

pub(crate) fn insert_event(conn: &mut DbConnection, event: &NewEvent<'_>) -> QueryResult<()> {
    diesel::insert_into(booking_events::table)
        .values((
            booking_events::id.eq(new_id()),
            booking_events::booking_id.eq(event.booking_id),
            booking_events::from_status.eq(event.from.map(BookingStatus::as_str)),
            booking_events::to_status.eq(event.to.as_str()),
            booking_events::actor.eq(event.actor.as_str()),
            booking_events::actor_id.eq(event.actor_id.map(|id| id.0.as_str())),
            booking_events::reason.eq(event.reason),
            booking_events::at.eq(event.at),
        ))
        .execute(conn)?;
    Ok(())
}
