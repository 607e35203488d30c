//! [`PaymentRepository`] over diesel: payments, refunds and webhook events, each event stored
//! and applied in one transaction under the booking's lock.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use domain_booking::{Actor, BookingStatus};
use domain_catalog::CancellationPolicy;
use domain_core::{Currency, Money, StoreError};
use domain_payment::{
    CancelledPayment, DecideEvent, DecideRefund, Effect, EventContext, EventKind, NewPayment,
    NewRefund, ParsedEvent, PaymentCreated, PaymentDetails, PaymentRecord, PaymentRepository,
    PaymentStatus, Processed, RefundIssued, RefundKind, RefundRecord, RefundStatus, RefundToIssue,
    WebhookEvent,
};

use crate::bookings::{load as load_booking, lock};
use crate::common::{corrupt, new_id};
use crate::db::{
    checkout, is_unique_violation, store_error, write_transaction, DbConnection, DbPool,
};
use crate::events::{insert_event, NewEvent};
use crate::schema::{booking_events, bookings, listings, payments, refunds, webhook_events};

#[derive(Clone)]
pub struct DieselPaymentRepository {
    pool: DbPool,
}

impl DieselPaymentRepository {
    pub fn new(pool: DbPool) -> Self {
        Self { pool }
    }
}

fn money(amount: i64, currency: &str) -> QueryResult<Money> {
    Ok(Money::new(
        amount,
        Currency::parse(currency).map_err(|_| corrupt("currency"))?,
    ))
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = payments)]
struct PaymentRow {
    id: String,
    booking_id: String,
    provider: String,
    intent_id: String,
    amount: i64,
    currency: String,
    status: String,
    failure_message: Option<String>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl PaymentRow {
    fn into_record(self) -> QueryResult<PaymentRecord> {
        Ok(PaymentRecord {
            amount: money(self.amount, &self.currency)?,
            status: PaymentStatus::parse(&self.status).ok_or_else(|| corrupt("payment status"))?,
            id: self.id,
            booking_id: self.booking_id,
            provider: self.provider,
            intent_id: self.intent_id,
            failure_message: self.failure_message,
            created_at: self.created_at.and_utc(),
            updated_at: self.updated_at.and_utc(),
        })
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = refunds)]
struct RefundRow {
    id: String,
    payment_id: String,
    booking_id: String,
    provider_refund_id: Option<String>,
    amount: i64,
    currency: String,
    status: String,
    kind: String,
    reason: String,
    idempotency_key: String,
    failure_message: Option<String>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl RefundRow {
    fn into_record(self) -> QueryResult<RefundRecord> {
        Ok(RefundRecord {
            amount: money(self.amount, &self.currency)?,
            status: RefundStatus::parse(&self.status).ok_or_else(|| corrupt("refund status"))?,
            kind: RefundKind::parse(&self.kind).ok_or_else(|| corrupt("refund kind"))?,
            id: self.id,
            payment_id: self.payment_id,
            booking_id: self.booking_id,
            provider_refund_id: self.provider_refund_id,
            reason: self.reason,
            idempotency_key: self.idempotency_key,
            failure_message: self.failure_message,
            created_at: self.created_at.and_utc(),
            updated_at: self.updated_at.and_utc(),
        })
    }
}

/// Which unique key finds a payment.
#[derive(Clone, Copy)]
enum By<'a> {
    Id(&'a str),
    Intent(&'a str),
    Booking(&'a str),
}

fn payment_where(conn: &mut DbConnection, by: By<'_>) -> QueryResult<Option<PaymentRecord>> {
    let query = payments::table.select(PaymentRow::as_select());
    let row = match by {
        By::Id(id) => query.filter(payments::id.eq(id)).first(conn),
        By::Intent(id) => query.filter(payments::intent_id.eq(id)).first(conn),
        By::Booking(id) => query.filter(payments::booking_id.eq(id)).first(conn),
    }
    .optional()?;
    row.map(PaymentRow::into_record).transpose()
}

fn refunds_of(conn: &mut DbConnection, payment_id: &str) -> QueryResult<Vec<RefundRecord>> {
    refunds::table
        .filter(refunds::payment_id.eq(payment_id))
        .order((refunds::created_at, refunds::id))
        .select(RefundRow::as_select())
        .load(conn)?
        .into_iter()
        .map(RefundRow::into_record)
        .collect()
}

/// Inserts a `pending` refund of `payment` (its key makes a second one of the same kind fail).
fn insert_refund(
    conn: &mut DbConnection,
    payment: &PaymentRecord,
    refund: &NewRefund,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(refunds::table)
        .values((
            refunds::id.eq(new_id()),
            refunds::payment_id.eq(&payment.id),
            refunds::booking_id.eq(&payment.booking_id),
            refunds::amount.eq(refund.amount.amount),
            refunds::currency.eq(refund.amount.currency.code()),
            refunds::status.eq(RefundStatus::Pending.as_str()),
            refunds::kind.eq(refund.kind.as_str()),
            refunds::reason.eq(&refund.reason),
            refunds::idempotency_key.eq(refund.kind.idempotency_key(&payment.booking_id)),
            refunds::created_at.eq(at),
            refunds::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Loads what `event` names; intent events take the booking's lock first, so that the
/// webhook and a booking transition (cancel, expiry) never interleave.
fn context(conn: &mut DbConnection, kind: &EventKind) -> QueryResult<EventContext> {
    match kind {
        EventKind::IntentSucceeded(facts)
        | EventKind::IntentFailed { intent: facts, .. }
        | EventKind::IntentCanceled(facts) => {
            let Some(payment) = payment_where(conn, By::Intent(&facts.intent_id))? else {
                return Ok(EventContext::Intent {
                    payment: None,
                    booking: None,
                });
            };
            let key: Option<(String, Option<String>)> = bookings::table
                .find(&payment.booking_id)
                .select((bookings::listing_id, bookings::session_id))
                .first(conn)
                .optional()?;
            if let Some((listing, session)) = &key {
                lock(conn, listing, session.as_deref())?;
            }
            // Read again under the lock.
            let payment = payment_where(conn, By::Id(&payment.id))?;
            let booking = match &payment {
                Some(payment) => load_booking(conn, &payment.booking_id)?.map(Box::new),
                None => None,
            };
            Ok(EventContext::Intent { payment, booking })
        }
        EventKind::Refund(facts) => {
            let mut query = refunds::table
                .select(RefundRow::as_select())
                .filter(refunds::provider_refund_id.eq(&facts.provider_refund_id))
                .into_boxed::<<DbConnection as diesel::Connection>::Backend>();
            if let Some(ours) = &facts.refund_id {
                query = query.or_filter(refunds::id.eq(ours.clone()));
            }
            let row = query.first(conn).optional()?;
            Ok(EventContext::Refund(
                row.map(RefundRow::into_record).transpose()?,
            ))
        }
        EventKind::Other => Ok(EventContext::Other),
    }
}

fn apply(conn: &mut DbConnection, effect: &Effect, at: NaiveDateTime) -> QueryResult<()> {
    match effect {
        Effect::Ignore(_) | Effect::Refuse(_) => Ok(()),
        Effect::Payment {
            payment_id,
            status,
            failure_message,
            booking,
            refund,
            ..
        } => {
            let payment =
                payment_where(conn, By::Id(payment_id))?.ok_or(diesel::result::Error::NotFound)?;
            diesel::update(payments::table.find(payment_id))
                .set((
                    payments::status.eq(status.as_str()),
                    payments::failure_message.eq(failure_message
                        .as_deref()
                        .or(payment.failure_message.as_deref())),
                    payments::updated_at.eq(at),
                ))
                .execute(conn)?;
            if let Some(change) = booking {
                let changed = diesel::update(
                    bookings::table
                        .filter(bookings::id.eq(&payment.booking_id))
                        .filter(bookings::status.eq(BookingStatus::Approved.as_str())),
                )
                .set((
                    bookings::status.eq(change.to().as_str()),
                    bookings::updated_at.eq(at),
                ))
                .execute(conn)?;
                if changed != 1 {
                    return Err(corrupt("booking status under lock"));
                }
                insert_event(
                    conn,
                    &NewEvent {
                        booking_id: &payment.booking_id,
                        from: Some(BookingStatus::Approved),
                        to: change.to(),
                        actor: Actor::System,
                        actor_id: None,
                        reason: Some(change.reason()),
                        at,
                    },
                )?;
            }
            if let Some(refund) = refund {
                insert_refund(conn, &payment, refund, at)?;
                // Everything went back: no cancellation refund on top.
                diesel::update(payments::table.find(payment_id))
                    .set(payments::refund_settled_at.eq(at))
                    .execute(conn)?;
            }
            Ok(())
        }
        Effect::Refund {
            refund_id,
            provider_refund_id,
            status,
            failure_reason,
            ..
        } => {
            diesel::update(refunds::table.find(refund_id))
                .set((
                    refunds::provider_refund_id.eq(provider_refund_id),
                    refunds::updated_at.eq(at),
                ))
                .execute(conn)?;
            if let Some(status) = status {
                diesel::update(
                    refunds::table
                        .find(refund_id)
                        .filter(refunds::status.eq(RefundStatus::Pending.as_str())),
                )
                .set((
                    refunds::status.eq(status.as_str()),
                    refunds::failure_message.eq(failure_reason),
                ))
                .execute(conn)?;
            }
            Ok(())
        }
    }
}

/// The cancelled booking behind `payment_id`, once: the conditional update claims it.
fn claim_cancelled(
    conn: &mut DbConnection,
    payment_id: &str,
    at: NaiveDateTime,
) -> QueryResult<Option<CancelledPayment>> {
    let claimed = diesel::update(
        payments::table
            .find(payment_id)
            .filter(payments::refund_settled_at.is_null()),
    )
    .set(payments::refund_settled_at.eq(at))
    .execute(conn)?;
    if claimed != 1 {
        return Ok(None);
    }
    let payment =
        payment_where(conn, By::Id(payment_id))?.ok_or(diesel::result::Error::NotFound)?;
    let Some(booking) = load_booking(conn, &payment.booking_id)? else {
        return Ok(None);
    };
    let (actor, cancelled_at): (String, NaiveDateTime) = booking_events::table
        .filter(booking_events::booking_id.eq(&booking.id))
        .filter(booking_events::to_status.eq(BookingStatus::Cancelled.as_str()))
        .order(booking_events::at.desc())
        .select((booking_events::actor, booking_events::at))
        .first(conn)?;
    let policy: String = listings::table
        .find(&booking.listing_id)
        .select(listings::cancellation_policy)
        .first(conn)?;
    Ok(Some(CancelledPayment {
        cancelled_by: Actor::parse(&actor).ok_or_else(|| corrupt("actor"))?,
        cancelled_at: cancelled_at.and_utc(),
        policy: CancellationPolicy::parse(&policy).map_err(|_| corrupt("policy"))?,
        booking,
        payment,
    }))
}

impl PaymentRepository for DieselPaymentRepository {
    fn find(&self, payment_id: &str) -> Result<Option<PaymentRecord>, StoreError> {
        let mut conn = checkout(&self.pool)?;
        payment_where(&mut conn, By::Id(payment_id)).map_err(store_error)
    }

    fn find_for_booking(&self, booking_id: &str) -> Result<Option<PaymentDetails>, StoreError> {
        let mut conn = checkout(&self.pool)?;
        let conn = &mut *conn;
        let run = |conn: &mut DbConnection| -> QueryResult<Option<PaymentDetails>> {
            let Some(payment) = payment_where(conn, By::Booking(booking_id))? else {
                return Ok(None);
            };
            let refunds = refunds_of(conn, &payment.id)?;
            Ok(Some(PaymentDetails { payment, refunds }))
        };
        run(conn).map_err(store_error)
    }

    fn create(&self, new: &NewPayment) -> Result<PaymentCreated, StoreError> {
        let mut conn = checkout(&self.pool)?;
        let at = new.created_at.naive_utc();
        let id = new_id();
        let result = write_transaction(&mut conn, |conn| {
            let status: String = bookings::table
                .find(&new.booking_id)
                .select(bookings::status)
                .first(conn)?;
            let status = BookingStatus::parse(&status).ok_or_else(|| corrupt("booking status"))?;
            if status != BookingStatus::Approved {
                return Ok(PaymentCreated::BookingNot(status));
            }
            if let Some(existing) = payment_where(conn, By::Booking(&new.booking_id))? {
                return Ok(PaymentCreated::Existing(existing));
            }
            diesel::insert_into(payments::table)
                .values((
                    payments::id.eq(&id),
                    payments::booking_id.eq(&new.booking_id),
                    payments::provider.eq(&new.provider),
                    payments::intent_id.eq(&new.intent_id),
                    payments::amount.eq(new.amount.amount),
                    payments::currency.eq(new.amount.currency.code()),
                    payments::status.eq(PaymentStatus::Pending.as_str()),
                    payments::created_at.eq(at),
                    payments::updated_at.eq(at),
                ))
                .execute(conn)?;
            payment_where(conn, By::Id(&id))?
                .map(PaymentCreated::Created)
                .ok_or(diesel::result::Error::NotFound)
        });
        match result {
            Ok(created) => Ok(created),
            // A concurrent request stored the booking's payment first.
            Err(error)
                if is_unique_violation(
                    &error,
                    "payments_booking_id_key",
                    "payments.booking_id",
                ) =>
            {
                payment_where(&mut conn, By::Booking(&new.booking_id))
                    .map_err(store_error)?
                    .map(PaymentCreated::Existing)
                    .ok_or_else(|| StoreError::unexpected("payment vanished"))
            }
            Err(error) => Err(store_error(error)),
        }
    }

    fn process_event(
        &self,
        event: &ParsedEvent,
        payload: &str,
        now: DateTime<Utc>,
        decide: DecideEvent<'_>,
    ) -> Result<Processed, StoreError> {
        let mut conn = checkout(&self.pool)?;
        let at = now.naive_utc();
        let seen = |conn: &mut DbConnection| -> QueryResult<bool> {
            diesel::select(diesel::dsl::exists(webhook_events::table.find(&event.id)))
                .get_result(conn)
        };
        if seen(&mut conn).map_err(store_error)? {
            return Ok(Processed::Duplicate);
        }
        let result = write_transaction(&mut conn, |conn| {
            let context = context(conn, &event.kind)?;
            let effect = decide(&context);
            apply(conn, &effect, at)?;
            // Last, so that a concurrent copy of this event waits here for the first one and
            // then fails on the primary key, rolling back its (already refused) effect.
            let stored = WebhookEvent {
                event_id: event.id.clone(),
                event_type: event.event_type.clone(),
                payload: payload.to_owned(),
                received_at: now,
                processed_at: now,
                outcome: effect.outcome().to_owned(),
            };
            diesel::insert_into(webhook_events::table)
                .values((
                    webhook_events::id.eq(&stored.event_id),
                    webhook_events::event_type.eq(&stored.event_type),
                    webhook_events::payload.eq(&stored.payload),
                    webhook_events::received_at.eq(stored.received_at.naive_utc()),
                    webhook_events::processed_at.eq(stored.processed_at.naive_utc()),
                    webhook_events::outcome.eq(&stored.outcome),
                ))
                .execute(conn)?;
            Ok(Processed::Applied(effect))
        });
        match result {
            Err(error)
                if is_unique_violation(&error, "webhook_events_pkey", "webhook_events.id") =>
            {
                Ok(Processed::Duplicate)
            }
            other => other.map_err(store_error),
        }
    }

    fn settle_cancellations(
        &self,
        booking_id: Option<&str>,
        limit: i64,
        now: DateTime<Utc>,
        decide: DecideRefund<'_>,
    ) -> Result<usize, StoreError> {
        let mut conn = checkout(&self.pool)?;
        let at = now.naive_utc();
        let mut query = payments::table
            .inner_join(bookings::table.on(bookings::id.eq(payments::booking_id)))
            .filter(payments::status.eq(PaymentStatus::Succeeded.as_str()))
            .filter(payments::refund_settled_at.is_null())
            .filter(bookings::status.eq(BookingStatus::Cancelled.as_str()))
            .select(payments::id)
            .order(payments::created_at)
            .limit(limit)
            .into_boxed::<<DbConnection as diesel::Connection>::Backend>();
        if let Some(booking_id) = booking_id {
            query = query.filter(payments::booking_id.eq(booking_id.to_owned()));
        }
        let candidates: Vec<String> = query.load(&mut *conn).map_err(store_error)?;
        let mut settled = 0;
        for payment_id in candidates {
            let done = write_transaction(&mut conn, |conn| {
                let Some(cancelled) = claim_cancelled(conn, &payment_id, at)? else {
                    return Ok::<_, diesel::result::Error>(false);
                };
                if let Some(refund) = decide(&cancelled) {
                    insert_refund(conn, &cancelled.payment, &refund, at)?;
                }
                Ok(true)
            });
            match done {
                Ok(done) => settled += usize::from(done),
                // Decided already (the key exists): nothing to do.
                Err(error)
                    if is_unique_violation(
                        &error,
                        "refunds_idempotency_key_key",
                        "refunds.idempotency_key",
                    ) => {}
                Err(error) => return Err(store_error(error)),
            }
        }
        Ok(settled)
    }

    fn refunds_to_issue(
        &self,
        booking_id: Option<&str>,
        limit: i64,
    ) -> Result<Vec<RefundToIssue>, StoreError> {
        let mut conn = checkout(&self.pool)?;
        let mut query = refunds::table
            .inner_join(payments::table)
            .filter(refunds::status.eq(RefundStatus::Pending.as_str()))
            .filter(refunds::provider_refund_id.is_null())
            .order((refunds::created_at, refunds::id))
            .limit(limit)
            .select((RefundRow::as_select(), payments::intent_id))
            .into_boxed::<<DbConnection as diesel::Connection>::Backend>();
        if let Some(booking_id) = booking_id {
            query = query.filter(refunds::booking_id.eq(booking_id.to_owned()));
        }
        let rows: Vec<(RefundRow, String)> = query.load(&mut *conn).map_err(store_error)?;
        rows.into_iter()
            .map(|(row, intent_id)| {
                Ok(RefundToIssue {
                    refund: row.into_record()?,
                    intent_id,
                })
            })
            .collect::<QueryResult<_>>()
            .map_err(store_error)
    }

    fn record_refund(
        &self,
        refund_id: &str,
        issued: &RefundIssued,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut conn = checkout(&self.pool)?;
        let at = now.naive_utc();
        write_transaction(&mut conn, |conn| {
            if let Some(provider_id) = &issued.provider_refund_id {
                diesel::update(
                    refunds::table
                        .find(refund_id)
                        .filter(refunds::provider_refund_id.is_null()),
                )
                .set((
                    refunds::provider_refund_id.eq(provider_id),
                    refunds::updated_at.eq(at),
                ))
                .execute(conn)?;
            }
            if issued.status != RefundStatus::Pending {
                diesel::update(
                    refunds::table
                        .find(refund_id)
                        .filter(refunds::status.eq(RefundStatus::Pending.as_str())),
                )
                .set((
                    refunds::status.eq(issued.status.as_str()),
                    refunds::failure_message.eq(issued.failure_message.as_deref()),
                    refunds::updated_at.eq(at),
                ))
                .execute(conn)?;
            }
            Ok::<_, diesel::result::Error>(())
        })
        .map_err(store_error)
    }
}
