//! What a verified event does: a pure function of the event, what the store holds, and now.

use chrono::{DateTime, Utc};
use domain_booking::{apply, Action, Actor, BookingStatus, TransitionError};

use crate::events::{EventKind, IntentFacts};
use crate::model::{NewRefund, PaymentRecord, PaymentStatus, RefundKind};
use crate::ports::{BookingChange, Effect, EventContext};

/// Refuses an intent event whose amount, currency (any case) or booking differs from the
/// payment it names.
fn mismatch(facts: &IntentFacts, payment: &PaymentRecord) -> Option<String> {
    let expected = &payment.amount;
    if facts.amount != expected.amount
        || !facts
            .currency
            .eq_ignore_ascii_case(expected.currency.code())
    {
        return Some(format!(
            "refused: the event says {} {}, payment {} is {} {}",
            facts.amount, facts.currency, payment.id, expected.amount, expected.currency
        ));
    }
    if facts.booking_id.as_deref() != Some(payment.booking_id.as_str()) {
        return Some(format!(
            "refused: the event names booking {:?}, payment {} is for booking {}",
            facts.booking_id, payment.id, payment.booking_id
        ));
    }
    None
}

/// Decides the effect of an event. Statuses only move forward, so a repeated or late event
/// (a `payment_failed` after `succeeded`) changes nothing; a payment that succeeds for a
/// booking that is no longer waiting for it is refunded in full instead of confirming it.
pub fn decide_event(kind: &EventKind, context: &EventContext, now: DateTime<Utc>) -> Effect {
    match (kind, context) {
        (
            EventKind::IntentSucceeded(facts)
            | EventKind::IntentFailed { intent: facts, .. }
            | EventKind::IntentCanceled(facts),
            EventContext::Intent { payment, booking },
        ) => {
            let Some(payment) = payment else {
                return Effect::Ignore(format!(
                    "ignored: no payment has intent {}",
                    facts.intent_id
                ));
            };
            if let Some(refusal) = mismatch(facts, payment) {
                return Effect::Refuse(refusal);
            }
            let (status, failure_message) = match kind {
                EventKind::IntentSucceeded(_) => (PaymentStatus::Succeeded, None),
                EventKind::IntentFailed { message, .. } => (
                    PaymentStatus::Failed,
                    Some(message.clone().unwrap_or_else(|| "payment failed".into())),
                ),
                _ => (PaymentStatus::Canceled, None),
            };
            if !payment.status.can_move_to(status) {
                return Effect::Ignore(format!(
                    "ignored: payment {} is {}, not moved to {status}",
                    payment.id, payment.status
                ));
            }
            let mut effect_booking = None;
            let mut refund = None;
            let mut outcome = format!("payment {} {status}", payment.id);
            if status == PaymentStatus::Succeeded {
                let Some(booking) = booking else {
                    return Effect::Refuse(format!(
                        "refused: booking {} of payment {} is gone",
                        payment.booking_id, payment.id
                    ));
                };
                let refund_all = |why: String| NewRefund {
                    amount: payment.amount,
                    kind: RefundKind::LatePayment,
                    reason: format!("full refund: {why}"),
                };
                match booking.status {
                    BookingStatus::Approved => {
                        match apply(&booking.clock(), Action::Confirm, Actor::System, None, now) {
                            Ok(_) => {
                                effect_booking = Some(BookingChange::Confirm);
                                outcome.push_str(&format!("; booking {} confirmed", booking.id));
                            }
                            Err(TransitionError::Lapsed) => {
                                effect_booking = Some(BookingChange::Expire);
                                refund = Some(refund_all("paid after the payment deadline".into()));
                                outcome.push_str(&format!(
                                    "; booking {} expired (paid after the deadline), refunding",
                                    booking.id
                                ));
                            }
                            Err(error) => {
                                return Effect::Refuse(format!(
                                    "refused: booking {} cannot be confirmed: {error}",
                                    booking.id
                                ))
                            }
                        }
                    }
                    BookingStatus::Cancelled | BookingStatus::Expired => {
                        refund = Some(refund_all(format!(
                            "paid after the booking was {}",
                            booking.status
                        )));
                        outcome.push_str(&format!(
                            "; booking {} is {}, refunding",
                            booking.id, booking.status
                        ));
                    }
                    BookingStatus::Confirmed => {
                        outcome
                            .push_str(&format!("; booking {} was confirmed already", booking.id));
                    }
                    BookingStatus::Requested | BookingStatus::Declined => {
                        return Effect::Refuse(format!(
                            "refused: booking {} is {} and cannot take a payment",
                            booking.id, booking.status
                        ))
                    }
                }
            }
            Effect::Payment {
                payment_id: payment.id.clone(),
                status,
                failure_message,
                booking: effect_booking,
                refund,
                outcome,
            }
        }
        (EventKind::Refund(facts), EventContext::Refund(refund)) => {
            let Some(refund) = refund else {
                return Effect::Ignore(format!(
                    "ignored: no refund matches {}",
                    facts.provider_refund_id
                ));
            };
            if refund
                .provider_refund_id
                .as_deref()
                .is_some_and(|known| known != facts.provider_refund_id)
            {
                return Effect::Refuse(format!(
                    "refused: refund {} is {:?} at the provider, the event says {}",
                    refund.id, refund.provider_refund_id, facts.provider_refund_id
                ));
            }
            let status = refund
                .status
                .can_move_to(facts.status)
                .then_some(facts.status);
            if status.is_none() && refund.provider_refund_id.is_some() {
                return Effect::Ignore(format!(
                    "ignored: refund {} is {}, not moved to {}",
                    refund.id, refund.status, facts.status
                ));
            }
            Effect::Refund {
                refund_id: refund.id.clone(),
                provider_refund_id: facts.provider_refund_id.clone(),
                status,
                failure_reason: facts.failure_reason.clone(),
                outcome: format!("refund {} {}", refund.id, status.unwrap_or(refund.status)),
            }
        }
        (_, _) => Effect::Ignore("ignored: event type not handled".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::RefundFacts;
    use crate::model::{RefundRecord, RefundStatus};
    use chrono::{Duration, TimeZone};
    use domain_accounts::UserId;
    use domain_booking::{BookingRecord, TimeWindow};
    use domain_catalog::ListingKind;
    use domain_core::{Currency, Money};

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2027, 3, 1, 12, 0, 0).unwrap()
    }

    fn eur(amount: i64) -> Money {
        Money::new(amount, Currency::parse("EUR").unwrap())
    }

    fn payment(status: PaymentStatus) -> PaymentRecord {
        PaymentRecord {
            id: "pay-1".into(),
            booking_id: "b-1".into(),
            provider: "dev".into(),
            intent_id: "pi_1".into(),
            amount: eur(12_000),
            status,
            failure_message: None,
            created_at: now(),
            updated_at: now(),
        }
    }

    fn booking(status: BookingStatus, payment_due_in: Duration) -> BookingRecord {
        let start = now() + Duration::days(10);
        BookingRecord {
            id: "b-1".into(),
            listing_id: "l-1".into(),
            listing_kind: ListingKind::Equipment,
            listing_title: "Boat".into(),
            session_id: None,
            customer_id: UserId("c".into()),
            vendor_id: UserId("v".into()),
            status,
            window: TimeWindow::new(start, start + Duration::hours(2)).unwrap(),
            occupied_until: start + Duration::hours(2),
            quantity: 1,
            total: eur(12_000),
            line_items: Vec::new(),
            notes: None,
            hold_expires_at: now() - Duration::hours(1),
            payment_due_at: Some(now() + payment_due_in),
            created_at: now(),
            updated_at: now(),
        }
    }

    fn facts(amount: i64, currency: &str, booking: &str) -> IntentFacts {
        IntentFacts {
            intent_id: "pi_1".into(),
            amount,
            currency: currency.into(),
            booking_id: Some(booking.into()),
        }
    }

    fn intent(payment_status: PaymentStatus, booking_status: BookingStatus) -> EventContext {
        EventContext::Intent {
            payment: Some(payment(payment_status)),
            booking: Some(Box::new(booking(booking_status, Duration::hours(1)))),
        }
    }

    fn succeeded() -> EventKind {
        EventKind::IntentSucceeded(facts(12_000, "eur", "b-1"))
    }

    #[test]
    fn success_in_time_confirms_the_booking() {
        let effect = decide_event(
            &succeeded(),
            &intent(PaymentStatus::Pending, BookingStatus::Approved),
            now(),
        );
        let Effect::Payment {
            status,
            booking,
            refund,
            ..
        } = effect
        else {
            panic!("{effect:?}");
        };
        assert_eq!(status, PaymentStatus::Succeeded);
        assert_eq!(booking, Some(BookingChange::Confirm));
        assert_eq!(refund, None);
    }

    #[test]
    fn success_after_the_deadline_expires_the_booking_and_refunds_everything() {
        let context = EventContext::Intent {
            payment: Some(payment(PaymentStatus::Failed)),
            booking: Some(Box::new(booking(
                BookingStatus::Approved,
                -Duration::seconds(1),
            ))),
        };
        let Effect::Payment {
            booking, refund, ..
        } = decide_event(&succeeded(), &context, now())
        else {
            panic!("not a payment effect");
        };
        assert_eq!(booking, Some(BookingChange::Expire));
        let refund = refund.unwrap();
        assert_eq!(refund.amount, eur(12_000));
        assert_eq!(refund.kind, RefundKind::LatePayment);
    }

    #[test]
    fn success_for_a_cancelled_or_expired_booking_refunds_everything() {
        for status in [BookingStatus::Cancelled, BookingStatus::Expired] {
            let Effect::Payment {
                booking, refund, ..
            } = decide_event(&succeeded(), &intent(PaymentStatus::Pending, status), now())
            else {
                panic!("not a payment effect");
            };
            assert_eq!(booking, None);
            assert_eq!(refund.unwrap().amount, eur(12_000), "{status}");
        }
    }

    #[test]
    fn statuses_never_move_backwards() {
        let failed = EventKind::IntentFailed {
            intent: facts(12_000, "EUR", "b-1"),
            message: Some("card declined".into()),
        };
        let effect = decide_event(
            &failed,
            &intent(PaymentStatus::Succeeded, BookingStatus::Confirmed),
            now(),
        );
        assert!(matches!(effect, Effect::Ignore(_)), "{effect:?}");
        let again = decide_event(
            &succeeded(),
            &intent(PaymentStatus::Succeeded, BookingStatus::Confirmed),
            now(),
        );
        assert!(matches!(again, Effect::Ignore(_)), "{again:?}");
        let Effect::Payment {
            status,
            failure_message,
            booking,
            ..
        } = decide_event(
            &failed,
            &intent(PaymentStatus::Pending, BookingStatus::Approved),
            now(),
        )
        else {
            panic!("not a payment effect");
        };
        assert_eq!(status, PaymentStatus::Failed);
        assert_eq!(failure_message.as_deref(), Some("card declined"));
        assert_eq!(booking, None);
    }

    #[test]
    fn mismatches_are_refused_and_currency_case_does_not_matter() {
        let context = intent(PaymentStatus::Pending, BookingStatus::Approved);
        for kind in [
            EventKind::IntentSucceeded(facts(11_999, "eur", "b-1")),
            EventKind::IntentSucceeded(facts(12_000, "usd", "b-1")),
            EventKind::IntentSucceeded(facts(12_000, "eur", "b-2")),
            EventKind::IntentSucceeded(IntentFacts {
                booking_id: None,
                ..facts(12_000, "eur", "b-1")
            }),
        ] {
            assert!(
                matches!(decide_event(&kind, &context, now()), Effect::Refuse(_)),
                "{kind:?}"
            );
        }
        let upper = EventKind::IntentSucceeded(facts(12_000, "EUR", "b-1"));
        assert!(matches!(
            decide_event(&upper, &context, now()),
            Effect::Payment { .. }
        ));
    }

    #[test]
    fn unknown_intents_and_types_are_only_stored() {
        let context = EventContext::Intent {
            payment: None,
            booking: None,
        };
        assert!(matches!(
            decide_event(&succeeded(), &context, now()),
            Effect::Ignore(_)
        ));
        assert!(matches!(
            decide_event(&EventKind::Other, &EventContext::Other, now()),
            Effect::Ignore(_)
        ));
    }

    fn refund(status: RefundStatus, provider_id: Option<&str>) -> RefundRecord {
        RefundRecord {
            id: "r-1".into(),
            payment_id: "pay-1".into(),
            booking_id: "b-1".into(),
            provider_refund_id: provider_id.map(str::to_owned),
            amount: eur(6_000),
            status,
            kind: RefundKind::Cancellation,
            reason: String::new(),
            idempotency_key: "k".into(),
            failure_message: None,
            created_at: now(),
            updated_at: now(),
        }
    }

    fn refund_event(status: RefundStatus) -> EventKind {
        EventKind::Refund(RefundFacts {
            provider_refund_id: "re_1".into(),
            status,
            refund_id: Some("r-1".into()),
            failure_reason: None,
        })
    }

    #[test]
    fn refund_events_move_pending_refunds_forward_only() {
        let pending = EventContext::Refund(Some(refund(RefundStatus::Pending, None)));
        let Effect::Refund {
            status,
            provider_refund_id,
            ..
        } = decide_event(&refund_event(RefundStatus::Succeeded), &pending, now())
        else {
            panic!("not a refund effect");
        };
        assert_eq!(status, Some(RefundStatus::Succeeded));
        assert_eq!(provider_refund_id, "re_1");
        let done = EventContext::Refund(Some(refund(RefundStatus::Succeeded, Some("re_1"))));
        assert!(matches!(
            decide_event(&refund_event(RefundStatus::Failed), &done, now()),
            Effect::Ignore(_)
        ));
        let other = EventContext::Refund(Some(refund(RefundStatus::Pending, Some("re_9"))));
        assert!(matches!(
            decide_event(&refund_event(RefundStatus::Succeeded), &other, now()),
            Effect::Refuse(_)
        ));
    }
}
