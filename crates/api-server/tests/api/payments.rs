//! Payments end to end on both backends: intents, the signed webhook processed once,
//! simulated outcomes, refunds by policy (never twice), late payments refunded.

use actix_web::test::TestRequest;
use chrono::{DateTime, Duration, Utc};
use persistence::test_support::TestDb;
use serde_json::{json, Value};

use crate::both_backends;
use crate::helpers::*;

/// The scripted stand-in for Stripe that the adapter's own tests use.
#[allow(dead_code)]
#[path = "../../../payment-stripe/tests/gateway/stub.rs"]
mod stripe_stub;

both_backends!(
    a_paid_booking_goes_from_request_to_confirmed,
    a_failed_payment_is_recorded_and_can_still_succeed,
    only_the_customer_of_an_approved_booking_gets_an_intent,
    bad_signatures_are_400_and_store_nothing,
    an_oversized_webhook_body_is_a_413_problem,
    a_replayed_event_is_applied_once_also_when_ten_arrive_at_once,
    late_or_repeated_events_never_move_a_status_backwards,
    mismatched_events_are_acknowledged_but_not_applied,
    customer_cancellations_refund_by_policy_once,
    vendor_and_session_cancellations_refund_everything,
    a_payment_after_expiry_or_cancellation_is_refunded_in_full,
    refund_previews_tell_what_cancelling_now_would_refund,
    simulate_exists_only_with_the_development_provider,
    the_stripe_provider_creates_intents_and_refunds_through_stripes_api,
    a_cancellation_racing_the_payment_refunds_exactly_once,
);

/// What a customer pays for the boats below: 2 h at 4,500.
const TOTAL: i64 = 9_000;

/// The stored payment's intent id and the event Stripe would send for it.
fn intent_event(event_id: &str, kind: &str, intent: &Value, booking: &str) -> String {
    json!({
        "id": event_id,
        "object": "event",
        "type": kind,
        "created": Utc::now().timestamp(),
        "data": {"object": {
            "id": intent["intent_id"],
            "object": "payment_intent",
            "amount": intent["amount"]["amount"],
            "currency": "eur",
            "metadata": {"booking_id": booking},
        }},
    })
    .to_string()
}

impl<S, B> TestApp<S>
where
    S: actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse<B>,
        Error = actix_web::Error,
    >,
    B: actix_web::body::MessageBody,
{
    /// A fresh vendor (`n` keeps the e-mails apart) with a 1-unit hourly boat under `policy`,
    /// always open, and a customer whose booking for 10:00–12:00 UTC `days_ahead` days from
    /// now the vendor approved. Returns (vendor, customer, booking id).
    async fn approved(&self, n: u32, policy: &str, days_ahead: i64) -> (Value, Value, String) {
        let vendor = self
            .vendor(&format!("v{n}@example.com"), &format!("Shop {n}"))
            .await;
        let id = self
            .boat_of(&vendor, json!({"cancellation_policy": policy}))
            .await;
        let customer = self.customer(&format!("c{n}@example.com")).await;
        let day = (Utc::now() + Duration::days(days_ahead)).date_naive();
        let booking = self
            .send("POST", "/api/v1/bookings", Some(token(&customer)), json!({
                "equipment_id": id, "start": iso(at(day, 10)), "end": iso(at(day, 12)), "quantity": 1
            }))
            .await;
        assert_eq!(booking.status, 201, "{}", booking.body);
        let booking_id = booking.body["id"].as_str().unwrap().to_owned();
        let approved = self
            .post_as(
                &vendor,
                &format!("/api/v1/bookings/{booking_id}/approve"),
                json!({}),
            )
            .await;
        assert_eq!(approved.status, 200, "{}", approved.body);
        (vendor, customer, booking_id)
    }

    async fn post_as(&self, who: &Value, path: &str, body: Value) -> Reply {
        self.send("POST", path, Some(token(who)), body).await
    }

    async fn intent(&self, customer: &Value, booking: &str) -> Reply {
        self.post_as(
            customer,
            &format!("/api/v1/bookings/{booking}/payment-intent"),
            json!({}),
        )
        .await
    }

    async fn simulate(&self, who: &Value, payment: &str, outcome: &str) -> Reply {
        self.post_as(
            who,
            &format!("/api/v1/payments/{payment}/simulate"),
            json!({"outcome": outcome}),
        )
        .await
    }

    /// `approved`, then paid through the development provider. Returns (vendor, customer,
    /// booking id).
    async fn paid(&self, n: u32, policy: &str, days_ahead: i64) -> (Value, Value, String) {
        let (vendor, customer, booking) = self.approved(n, policy, days_ahead).await;
        let intent = self.intent(&customer, &booking).await;
        assert_eq!(intent.status, 201, "{}", intent.body);
        let paid = self
            .simulate(
                &customer,
                intent.body["payment_id"].as_str().unwrap(),
                "succeeded",
            )
            .await;
        assert_eq!(paid.body["status"], "succeeded", "{}", paid.body);
        (vendor, customer, booking)
    }

    fn secret(&self) -> String {
        self.state
            .settings
            .stripe_webhook_secret
            .expose()
            .to_owned()
    }

    async fn webhook(&self, body: &str, signature: Option<&str>) -> Reply {
        let mut request = TestRequest::post()
            .uri("/api/v1/payments/webhook")
            .insert_header(("content-type", "application/json"))
            .set_payload(body.to_owned());
        if let Some(signature) = signature {
            request = request.insert_header(("stripe-signature", signature));
        }
        self.call(request).await
    }

    async fn signed_webhook(&self, body: &str) -> Reply {
        let signature = domain_payment::sign(body.as_bytes(), &self.secret(), Utc::now()).unwrap();
        self.webhook(body, Some(&signature)).await
    }

    async fn payment(&self, who: &Value, booking: &str) -> Reply {
        self.get(
            &format!("/api/v1/bookings/{booking}/payment"),
            Some(token(who)),
        )
        .await
    }

    async fn booking(&self, who: &Value, booking: &str) -> Value {
        self.get(&format!("/api/v1/bookings/{booking}"), Some(token(who)))
            .await
            .body
    }

    /// Moves the booking's start (and end, 2 h later) to `start`.
    fn starts_at(&self, booking: &str, start: DateTime<Utc>) {
        let fmt = |t: DateTime<Utc>| t.format("%Y-%m-%d %H:%M:%S%.6f").to_string();
        self.execute(&format!(
            "UPDATE bookings SET starts_at = '{}', ends_at = '{}', occupied_until = '{}' \
             WHERE id = '{booking}'",
            fmt(start),
            fmt(start + Duration::hours(2)),
            fmt(start + Duration::hours(2)),
        ));
    }

    fn settle(&self) -> domain_payment::SettleReport {
        self.state.payments.settle().unwrap()
    }
}

async fn a_paid_booking_goes_from_request_to_confirmed(db: TestDb) {
    let app = spawn(db).await;
    let (vendor, customer, booking) = app.approved(1, "moderate", 20).await;
    let intent = app.intent(&customer, &booking).await;
    assert_eq!(intent.status, 201, "{}", intent.body);
    assert_eq!(intent.body["provider"], "dev");
    assert_eq!(intent.body["status"], "pending");
    assert_eq!(
        intent.body["amount"],
        json!({"amount": TOTAL, "currency": "EUR"})
    );
    let intent_id = intent.body["intent_id"].as_str().unwrap();
    assert!(intent_id.starts_with("pi_dev_"), "{intent_id}");
    let secret = intent.body["client_secret"].as_str().unwrap();
    assert!(
        secret.starts_with(&format!("{intent_id}_secret_")),
        "{secret}"
    );
    let again = app.intent(&customer, &booking).await;
    assert_eq!(again.status, 200);
    assert_eq!(again.body["payment_id"], intent.body["payment_id"]);
    assert_eq!(again.body["client_secret"], intent.body["client_secret"]);
    assert_eq!(app.count("payments", "1 = 1"), 1);

    let pending = app.payment(&vendor, &booking).await;
    assert_eq!(pending.status, 200);
    assert_eq!(pending.body["status"], "pending");
    assert_eq!(
        pending.body["refunded"],
        json!({"amount": 0, "currency": "EUR"})
    );

    let payment_id = intent.body["payment_id"].as_str().unwrap();
    let paid = app.simulate(&customer, payment_id, "succeeded").await;
    assert_eq!(paid.status, 200, "{}", paid.body);
    assert_eq!(paid.body["status"], "succeeded");
    assert_eq!(
        app.booking(&customer, &booking).await["status"],
        "confirmed"
    );
    let events = app
        .get(
            &format!("/api/v1/bookings/{booking}/events"),
            Some(token(&customer)),
        )
        .await
        .body;
    let last = events.as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (&last["from_status"], &last["to_status"], &last["actor"]),
        (
            &json!("approved"),
            &json!("confirmed"),
            &json!({"role": "system", "user_id": null})
        )
    );
    assert_eq!(
        app.count("webhook_events", "event_type = 'payment_intent.succeeded'"),
        1
    );
    // Confirmed: no second intent.
    app.intent(&customer, &booking)
        .await
        .assert_problem(409, "illegal_transition");
}

async fn a_failed_payment_is_recorded_and_can_still_succeed(db: TestDb) {
    let app = spawn(db).await;
    let (_, customer, booking) = app.approved(1, "flexible", 20).await;
    let intent = app.intent(&customer, &booking).await;
    let payment_id = intent.body["payment_id"].as_str().unwrap();
    let failed = app.simulate(&customer, payment_id, "failed").await;
    assert_eq!(failed.status, 200, "{}", failed.body);
    assert_eq!(failed.body["status"], "failed");
    assert_eq!(
        failed.body["failure_message"],
        "Your card was declined (simulated)."
    );
    assert_eq!(app.booking(&customer, &booking).await["status"], "approved");
    // Another card, same intent.
    let paid = app.simulate(&customer, payment_id, "succeeded").await;
    assert_eq!(paid.body["status"], "succeeded");
    assert_eq!(
        app.booking(&customer, &booking).await["status"],
        "confirmed"
    );
    let bad = app.simulate(&customer, payment_id, "maybe").await;
    bad.assert_problem(422, "validation_failed");
}

async fn only_the_customer_of_an_approved_booking_gets_an_intent(db: TestDb) {
    let app = spawn(db).await;
    let (vendor, customer, booking) = app.approved(1, "moderate", 20).await;
    let stranger = app.customer("eve@example.com").await;
    let admin = app.admin("ops@example.com").await;
    app.intent(&vendor, &booking)
        .await
        .assert_problem(403, "forbidden");
    app.intent(&admin, &booking)
        .await
        .assert_problem(403, "forbidden");
    app.intent(&stranger, &booking)
        .await
        .assert_problem(404, "not_found");
    app.payment(&stranger, &booking)
        .await
        .assert_problem(404, "not_found");
    app.payment(&customer, &booking)
        .await
        .assert_problem(404, "not_found");
    // A requested booking cannot be paid yet.
    let (_, other_customer, other) = app.approved(2, "moderate", 21).await;
    app.execute(&format!(
        "UPDATE bookings SET status = 'requested' WHERE id = '{other}'"
    ));
    app.intent(&other_customer, &other)
        .await
        .assert_problem(409, "illegal_transition");
    // Past the payment deadline.
    app.execute(&format!(
        "UPDATE bookings SET payment_due_at = '2000-01-01 00:00:00' WHERE id = '{booking}'"
    ));
    app.intent(&customer, &booking)
        .await
        .assert_problem(409, "hold_lapsed");
    assert_eq!(app.count("payments", "1 = 1"), 0);
}

async fn bad_signatures_are_400_and_store_nothing(db: TestDb) {
    let app = spawn(db).await;
    let (_, customer, booking) = app.approved(1, "moderate", 20).await;
    let intent = app.intent(&customer, &booking).await.body;
    let body = intent_event("evt_sig", "payment_intent.succeeded", &intent, &booking);
    let secret = app.secret();
    let now = Utc::now();
    let good = domain_payment::sign(body.as_bytes(), &secret, now).unwrap();
    let v1 = good.split_once(",v1=").unwrap().1;
    let tampered = body.replace(&TOTAL.to_string(), "1");
    // Ten minutes out of the 5-minute tolerance: the server judges the time when each case
    // arrives, seconds after `now` on a loaded machine (a 301 s margin once let the "future"
    // case through). The exact boundary is unit-tested in domain-payment with a fixed clock.
    let off = Duration::minutes(10);
    let cases: Vec<(&str, String, Option<String>)> = vec![
        ("tampered body", tampered, Some(good.clone())),
        (
            "wrong secret",
            body.clone(),
            domain_payment::sign(body.as_bytes(), "whsec_wrong", now),
        ),
        (
            "stale",
            body.clone(),
            domain_payment::sign(body.as_bytes(), &secret, now - off),
        ),
        (
            "future",
            body.clone(),
            domain_payment::sign(body.as_bytes(), &secret, now + off),
        ),
        ("missing header", body.clone(), None),
        (
            "only v0",
            body.clone(),
            Some(format!("t={},v0={v1}", now.timestamp())),
        ),
    ];
    for (case, body, signature) in cases {
        let reply = app.webhook(&body, signature.as_deref()).await;
        assert_eq!(reply.status, 400, "{case}: {}", reply.body);
        assert_eq!(reply.content_type(), "application/problem+json", "{case}");
        assert_eq!(app.count("webhook_events", "1 = 1"), 0, "{case}");
    }
    assert_eq!(
        app.payment(&customer, &booking).await.body["status"],
        "pending"
    );
    assert_eq!(app.booking(&customer, &booking).await["status"], "approved");
    // Signed but no event: 400 too.
    app.signed_webhook("[]")
        .await
        .assert_problem(400, "invalid_event");
    // The genuine one goes through.
    let reply = app.webhook(&body, Some(&good)).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(
        app.booking(&customer, &booking).await["status"],
        "confirmed"
    );
}

/// Like every error, a body over the limit is problem+json (it was actix's plain text).
async fn an_oversized_webhook_body_is_a_413_problem(db: TestDb) {
    let app = spawn(db).await;
    let limit = app.state.settings.json_body_limit;
    let reply = app.webhook(&"a".repeat(limit + 1), Some("t=1,v1=00")).await;
    reply.assert_problem(413, "payload_too_large");
    assert_eq!(app.count("webhook_events", "1 = 1"), 0);
}

async fn a_replayed_event_is_applied_once_also_when_ten_arrive_at_once(db: TestDb) {
    let app = spawn(db).await;
    let (_, customer, booking) = app.approved(1, "moderate", 20).await;
    let intent = app.intent(&customer, &booking).await.body;
    let body = intent_event("evt_once", "payment_intent.succeeded", &intent, &booking);
    let first = app.signed_webhook(&body).await;
    assert_eq!(first.body, json!({"received": true, "duplicate": false}));
    let second = app.signed_webhook(&body).await;
    assert_eq!(second.status, 200);
    assert_eq!(second.body, json!({"received": true, "duplicate": true}));
    let confirmations = format!("booking_id = '{booking}' AND to_status = 'confirmed'");
    assert_eq!(app.count("booking_events", &confirmations), 1);

    let (_, customer2, booking2) = app.approved(2, "moderate", 21).await;
    let intent2 = app.intent(&customer2, &booking2).await.body;
    let body2 = intent_event("evt_burst", "payment_intent.succeeded", &intent2, &booking2);
    let replies = futures_util::future::join_all((0..10).map(|_| app.signed_webhook(&body2))).await;
    assert!(
        replies.iter().all(|r| r.status == 200),
        "{:?}",
        replies.iter().map(|r| r.status).collect::<Vec<_>>()
    );
    let applied = replies
        .iter()
        .filter(|r| r.body["duplicate"] == json!(false))
        .count();
    assert_eq!(applied, 1);
    assert_eq!(app.count("webhook_events", "id = 'evt_burst'"), 1);
    let confirmations = format!("booking_id = '{booking2}' AND to_status = 'confirmed'");
    assert_eq!(app.count("booking_events", &confirmations), 1);
    assert_eq!(
        app.booking(&customer2, &booking2).await["status"],
        "confirmed"
    );
}

async fn late_or_repeated_events_never_move_a_status_backwards(db: TestDb) {
    let app = spawn(db).await;
    let (_, customer, booking) = app.approved(1, "moderate", 20).await;
    let intent = app.intent(&customer, &booking).await.body;
    let succeeded = intent_event("evt_ok", "payment_intent.succeeded", &intent, &booking);
    assert_eq!(app.signed_webhook(&succeeded).await.status, 200);
    // A failure that was sent earlier arrives late.
    let failed = intent_event(
        "evt_late",
        "payment_intent.payment_failed",
        &intent,
        &booking,
    );
    assert_eq!(app.signed_webhook(&failed).await.status, 200);
    let canceled = intent_event("evt_cnl", "payment_intent.canceled", &intent, &booking);
    assert_eq!(app.signed_webhook(&canceled).await.status, 200);
    assert_eq!(
        app.payment(&customer, &booking).await.body["status"],
        "succeeded"
    );
    assert_eq!(
        app.booking(&customer, &booking).await["status"],
        "confirmed"
    );
    assert_eq!(app.count("webhook_events", "outcome LIKE 'ignored:%'"), 2);
    // Unknown types and unknown intents: stored and acknowledged.
    let other = json!({"id": "evt_cust", "type": "customer.created", "data": {"object": {}}});
    assert_eq!(app.signed_webhook(&other.to_string()).await.status, 200);
    let mut stranger = intent.clone();
    stranger["intent_id"] = json!("pi_not_ours");
    let unknown = intent_event("evt_x", "payment_intent.succeeded", &stranger, &booking);
    assert_eq!(app.signed_webhook(&unknown).await.status, 200);
    assert_eq!(app.count("webhook_events", "1 = 1"), 5);
}

async fn mismatched_events_are_acknowledged_but_not_applied(db: TestDb) {
    let app = spawn(db).await;
    let (_, customer, booking) = app.approved(1, "moderate", 20).await;
    let intent = app.intent(&customer, &booking).await.body;
    let mut cheaper = intent.clone();
    cheaper["amount"]["amount"] = json!(TOTAL - 1);
    let wrong_amount = intent_event("evt_amount", "payment_intent.succeeded", &cheaper, &booking);
    let wrong_booking = intent_event("evt_booking", "payment_intent.succeeded", &intent, "other");
    let wrong_currency = intent_event("evt_cur", "payment_intent.succeeded", &intent, &booking)
        .replace("\"eur\"", "\"usd\"");
    for body in [&wrong_amount, &wrong_booking, &wrong_currency] {
        let reply = app.signed_webhook(body).await;
        assert_eq!(reply.status, 200, "{}", reply.body);
    }
    assert_eq!(app.count("webhook_events", "outcome LIKE 'refused:%'"), 3);
    assert_eq!(
        app.payment(&customer, &booking).await.body["status"],
        "pending"
    );
    assert_eq!(app.booking(&customer, &booking).await["status"], "approved");
    // The currency is compared case-insensitively.
    let upper = intent_event("evt_upper", "payment_intent.succeeded", &intent, &booking)
        .replace("\"eur\"", "\"EUR\"");
    assert_eq!(app.signed_webhook(&upper).await.status, 200);
    assert_eq!(
        app.booking(&customer, &booking).await["status"],
        "confirmed"
    );
}

/// The refund of a customer cancelling a paid booking that starts `before` from now.
async fn customer_refund<S, B>(app: &TestApp<S>, n: u32, policy: &str, before: Duration) -> i64
where
    S: actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse<B>,
        Error = actix_web::Error,
    >,
    B: actix_web::body::MessageBody,
{
    let (_, customer, booking) = app.paid(n, policy, 30).await;
    app.starts_at(&booking, Utc::now() + before);
    let preview = app
        .get(
            &format!("/api/v1/bookings/{booking}/refund-preview"),
            Some(token(&customer)),
        )
        .await;
    assert_eq!(preview.status, 200, "{}", preview.body);
    assert_eq!(preview.body["policy"], policy);
    let cancelled = app
        .post_as(
            &customer,
            &format!("/api/v1/bookings/{booking}/cancel"),
            json!({}),
        )
        .await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.body);
    let payment = app.payment(&customer, &booking).await.body;
    let refunds = payment["refunds"].as_array().unwrap();
    let refunded = payment["refunded"]["amount"].as_i64().unwrap();
    assert_eq!(
        preview.body["refund_amount"]["amount"].as_i64().unwrap(),
        refunded,
        "the preview told what the cancellation refunded"
    );
    if refunded > 0 {
        assert_eq!(refunds.len(), 1, "{payment}");
        assert_eq!(refunds[0]["status"], "succeeded");
        assert_eq!(refunds[0]["kind"], "cancellation");
    } else {
        assert!(refunds.is_empty(), "{payment}");
    }
    // Cancelling again is 409 and refunds nothing more; neither does a settlement sweep.
    app.post_as(
        &customer,
        &format!("/api/v1/bookings/{booking}/cancel"),
        json!({}),
    )
    .await
    .assert_problem(409, "illegal_transition");
    app.settle();
    let again = app.payment(&customer, &booking).await.body;
    assert_eq!(again["refunds"].as_array().unwrap().len(), refunds.len());
    refunded
}

async fn customer_cancellations_refund_by_policy_once(db: TestDb) {
    let app = spawn(db).await;
    let minute = Duration::minutes(1);
    let half = TOTAL / 2;
    let cases = [
        ("flexible", Duration::hours(24) + minute, TOTAL),
        ("flexible", Duration::hours(24) - minute, 0),
        ("moderate", Duration::days(5) + minute, TOTAL),
        ("moderate", Duration::days(5) - minute, half),
        ("strict", Duration::days(7) + minute, half),
        ("strict", Duration::days(7) - minute, 0),
    ];
    for (n, (policy, before, expected)) in cases.into_iter().enumerate() {
        let refunded = customer_refund(&app, n as u32, policy, before).await;
        assert_eq!(refunded, expected, "{policy} {before}");
    }
    assert_eq!(app.count("refunds", "1 = 1"), 4);
}

async fn vendor_and_session_cancellations_refund_everything(db: TestDb) {
    let app = spawn(db).await;
    let (vendor, customer, booking) = app.paid(1, "strict", 30).await;
    app.starts_at(&booking, Utc::now() + Duration::hours(2));
    let cancelled = app
        .post_as(
            &vendor,
            &format!("/api/v1/bookings/{booking}/cancel"),
            json!({"reason": "storm"}),
        )
        .await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.body);
    let payment = app.payment(&customer, &booking).await.body;
    assert_eq!(payment["refunded"]["amount"], TOTAL);
    assert_eq!(
        payment["refunds"][0]["reason"],
        "full refund: cancelled by the vendor"
    );

    // A paid session booking: cancelling the session refunds it in full.
    let tour = app
        .send(
            "POST",
            "/api/v1/adventures",
            Some(token(&vendor)),
            json!({
                "category": "excursion", "title": "Boat trip", "city": "Lagos", "country": "PT",
                "currency": "EUR", "price_per_person": 2500, "duration_minutes": 90, "capacity": 10,
                "cancellation_policy": "strict"
            }),
        )
        .await;
    let tour_id = tour.body["id"].as_str().unwrap();
    let day = (Utc::now() + Duration::days(3)).date_naive();
    let sessions = app
        .post_as(
            &vendor,
            &format!("/api/v1/adventures/{tour_id}/sessions"),
            json!({"start": iso(at(day, 10))}),
        )
        .await;
    let session = sessions.body[0]["id"].as_str().unwrap();
    let seat = app
        .post_as(
            &customer,
            "/api/v1/bookings",
            json!({"session_id": session, "participants": 2}),
        )
        .await;
    let seat_id = seat.body["id"].as_str().unwrap();
    app.post_as(
        &vendor,
        &format!("/api/v1/bookings/{seat_id}/approve"),
        json!({}),
    )
    .await;
    let intent = app.intent(&customer, seat_id).await;
    let payment_id = intent.body["payment_id"].as_str().unwrap();
    app.simulate(&customer, payment_id, "succeeded").await;
    let deleted = app
        .send(
            "DELETE",
            &format!("/api/v1/adventures/{tour_id}/sessions/{session}"),
            Some(token(&vendor)),
            json!({}),
        )
        .await;
    assert!(deleted.status.is_success(), "{}", deleted.body);
    let payment = app.payment(&customer, seat_id).await.body;
    assert_eq!(payment["refunded"]["amount"], 5000, "{payment}");
    assert_eq!(payment["refunds"][0]["status"], "succeeded");
    assert_eq!(app.settle().settled, 0, "settled once");
    // Paid bookings keep their listing.
    let listing = app.booking(&customer, &booking).await["equipment_id"].clone();
    app.send(
        "DELETE",
        &format!("/api/v1/equipment/{}", listing.as_str().unwrap()),
        Some(token(&vendor)),
        json!({}),
    )
    .await
    .assert_problem(409, "listing_has_payments");
}

async fn a_payment_after_expiry_or_cancellation_is_refunded_in_full(db: TestDb) {
    let app = spawn(db).await;
    // Approved, intent created, then the payment deadline passes and the sweep expires it.
    let (_, customer, booking) = app.approved(1, "strict", 20).await;
    let intent = app.intent(&customer, &booking).await.body;
    app.execute(&format!(
        "UPDATE bookings SET payment_due_at = '2000-01-01 00:00:00' WHERE id = '{booking}'"
    ));
    let paid = app
        .simulate(
            &customer,
            intent["payment_id"].as_str().unwrap(),
            "succeeded",
        )
        .await;
    assert_eq!(paid.body["status"], "succeeded", "{}", paid.body);
    assert_eq!(paid.body["refunded"]["amount"], TOTAL);
    assert_eq!(paid.body["refunds"][0]["kind"], "late_payment");
    assert_eq!(app.booking(&customer, &booking).await["status"], "expired");

    // Cancelled by the customer before paying; the payment still goes through later.
    let (_, customer2, booking2) = app.approved(2, "strict", 2).await;
    let intent2 = app.intent(&customer2, &booking2).await.body;
    app.post_as(
        &customer2,
        &format!("/api/v1/bookings/{booking2}/cancel"),
        json!({}),
    )
    .await;
    let paid2 = app
        .simulate(
            &customer2,
            intent2["payment_id"].as_str().unwrap(),
            "succeeded",
        )
        .await;
    assert_eq!(paid2.body["refunded"]["amount"], TOTAL, "{}", paid2.body);
    assert_eq!(
        app.booking(&customer2, &booking2).await["status"],
        "cancelled"
    );
    // The sweep adds no cancellation refund on top.
    assert_eq!(app.settle().settled, 0);
    assert_eq!(app.count("refunds", "1 = 1"), 2);
}

async fn refund_previews_tell_what_cancelling_now_would_refund(db: TestDb) {
    let app = spawn(db).await;
    let (vendor, customer, booking) = app.approved(1, "moderate", 20).await;
    let path = format!("/api/v1/bookings/{booking}/refund-preview");
    let unpaid = app.get(&path, Some(token(&customer))).await;
    assert_eq!(unpaid.status, 200);
    assert_eq!(
        unpaid.body["refund_amount"],
        json!({"amount": 0, "currency": "EUR"})
    );
    assert_eq!(unpaid.body["policy"], "moderate");
    let intent = app.intent(&customer, &booking).await.body;
    app.simulate(
        &customer,
        intent["payment_id"].as_str().unwrap(),
        "succeeded",
    )
    .await;
    app.starts_at(&booking, Utc::now() + Duration::days(2));
    let customer_view = app.get(&path, Some(token(&customer))).await.body;
    assert_eq!(customer_view["refund_amount"]["amount"], TOTAL / 2);
    let vendor_view = app.get(&path, Some(token(&vendor))).await.body;
    assert_eq!(vendor_view["refund_amount"]["amount"], TOTAL);
    let stranger = app.customer("eve@example.com").await;
    app.get(&path, Some(token(&stranger)))
        .await
        .assert_problem(404, "not_found");
    app.post_as(
        &customer,
        &format!("/api/v1/bookings/{booking}/cancel"),
        json!({}),
    )
    .await;
    app.get(&path, Some(token(&customer)))
        .await
        .assert_problem(409, "illegal_transition");
}

async fn simulate_exists_only_with_the_development_provider(db: TestDb) {
    let mut settings = settings(&db);
    settings.payment_provider = api_server::config::PaymentProvider::Stripe;
    settings.stripe_secret_key = Some(api_server::config::Secret::new("sk_test_unused"));
    // Nothing listens there: creating an intent finds the provider unavailable.
    settings.stripe_api_base = "http://127.0.0.1:9".into();
    let app = spawn_with(db, settings).await;
    let (_, customer, booking) = app.approved(1, "moderate", 20).await;
    app.intent(&customer, &booking)
        .await
        .assert_problem(503, "payment_provider_unavailable");
    assert_eq!(app.count("payments", "1 = 1"), 0);
    app.execute(&format!(
        "INSERT INTO payments (id, booking_id, provider, intent_id, amount, currency, status, \
         created_at, updated_at) VALUES ('p1', '{booking}', 'stripe', 'pi_1', {TOTAL}, 'EUR', \
         'pending', '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
    ));
    app.simulate(&customer, "p1", "succeeded")
        .await
        .assert_problem(404, "not_found");
    assert_eq!(
        app.payment(&customer, &booking).await.body["status"],
        "pending"
    );
}

async fn the_stripe_provider_creates_intents_and_refunds_through_stripes_api(db: TestDb) {
    use stripe_stub::{json as reply, Stub};
    let intent = r#"{"id":"pi_3Stub","object":"payment_intent","client_secret":"pi_3Stub_secret_k",
        "amount":9000,"currency":"eur","status":"requires_payment_method"}"#;
    let stub = Stub::start(vec![
        reply(200, intent),
        reply(200, intent),
        reply(
            200,
            r#"{"id":"re_1Stub","object":"refund","status":"pending","amount":9000}"#,
        ),
    ]);
    let mut settings = settings(&db);
    settings.payment_provider = api_server::config::PaymentProvider::Stripe;
    settings.stripe_secret_key = Some(api_server::config::Secret::new("sk_test_wired"));
    settings.stripe_api_base = stub.base.clone();
    let app = spawn_with(db, settings).await;
    let (vendor, customer, booking) = app.approved(1, "strict", 20).await;
    let created = app.intent(&customer, &booking).await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(created.body["provider"], "stripe");
    assert_eq!(created.body["intent_id"], "pi_3Stub");
    assert_eq!(created.body["client_secret"], "pi_3Stub_secret_k");
    let again = app.intent(&customer, &booking).await;
    assert_eq!(again.status, 200);
    // Stripe reports the payment; the vendor then cancels: a full refund goes to Stripe.
    let paid = intent_event("evt_1", "payment_intent.succeeded", &created.body, &booking);
    assert_eq!(app.signed_webhook(&paid).await.status, 200);
    let cancelled = app
        .post_as(
            &vendor,
            &format!("/api/v1/bookings/{booking}/cancel"),
            json!({"reason": "engine"}),
        )
        .await;
    assert_eq!(cancelled.status, 200);
    let payment = app.payment(&customer, &booking).await.body;
    let refund = &payment["refunds"][0];
    assert_eq!(
        refund["status"], "pending",
        "Stripe said pending: {payment}"
    );
    assert_eq!(refund["amount"]["amount"], TOTAL);

    let requests = stub.requests();
    let paths: Vec<(&str, &str)> = requests
        .iter()
        .map(|r| (r.method.as_str(), r.path.as_str()))
        .collect();
    assert_eq!(
        paths,
        [
            ("POST", "/v1/payment_intents"),
            ("GET", "/v1/payment_intents/pi_3Stub"),
            ("POST", "/v1/refunds"),
        ]
    );
    let create = &requests[0];
    assert_eq!(create.header("authorization"), Some("Bearer sk_test_wired"));
    let expected_key = format!("watertrek-intent-{booking}");
    assert_eq!(
        create.header("idempotency-key"),
        Some(expected_key.as_str())
    );
    assert_eq!(create.form()["amount"], TOTAL.to_string());
    assert_eq!(create.form()["metadata[booking_id]"], booking);
    let refund_request = &requests[2];
    let refund_key = format!("watertrek-refund-cancellation-{booking}");
    assert_eq!(
        refund_request.header("idempotency-key"),
        Some(refund_key.as_str())
    );
    assert_eq!(refund_request.form()["payment_intent"], "pi_3Stub");
    assert_eq!(refund_request.form()["amount"], TOTAL.to_string());
    assert_eq!(
        refund_request.form()["metadata[refund_id]"],
        refund["id"].as_str().unwrap()
    );
    // Stripe's refund event completes it.
    let done = json!({"id": "evt_2", "type": "refund.updated", "data": {"object": {
        "id": "re_1Stub", "object": "refund", "status": "succeeded", "amount": TOTAL,
        "metadata": {"refund_id": refund["id"]}}}});
    assert_eq!(app.signed_webhook(&done.to_string()).await.status, 200);
    let payment = app.payment(&customer, &booking).await.body;
    assert_eq!(payment["refunds"][0]["status"], "succeeded");
}

async fn a_cancellation_racing_the_payment_refunds_exactly_once(db: TestDb) {
    let app = spawn(db).await;
    let mut bookings = Vec::new();
    for n in 0..6 {
        let (_, customer, booking) = app.approved(n, "strict", 20).await;
        let intent = app.intent(&customer, &booking).await.body;
        let event = intent_event(
            &format!("evt_race_{n}"),
            "payment_intent.succeeded",
            &intent,
            &booking,
        );
        bookings.push((customer, booking, event));
    }
    // Each booking's cancellation and its payment event arrive at the same time.
    let app = &app;
    let races = bookings
        .iter()
        .map(|(customer, booking, event)| async move {
            futures_util::future::join(
                app.post_as(
                    customer,
                    &format!("/api/v1/bookings/{booking}/cancel"),
                    json!({}),
                ),
                app.signed_webhook(event),
            )
            .await
        });
    for (cancelled, paid) in futures_util::future::join_all(races).await {
        assert_eq!(cancelled.status, 200, "{}", cancelled.body);
        assert_eq!(paid.status, 200, "{}", paid.body);
    }
    app.settle();
    for (customer, booking, _) in &bookings {
        assert_eq!(app.booking(customer, booking).await["status"], "cancelled");
        let payment = app.payment(customer, booking).await.body;
        assert_eq!(payment["status"], "succeeded");
        let refunds = payment["refunds"].as_array().unwrap();
        assert_eq!(refunds.len(), 1, "exactly one refund: {payment}");
        // Cancelled first: the payment came late and all of it goes back. Paid first: the
        // customer cancelled a confirmed booking 20 days ahead under the strict policy.
        let expected = match refunds[0]["kind"].as_str().unwrap() {
            "late_payment" => TOTAL,
            "cancellation" => TOTAL / 2,
            other => panic!("unexpected refund kind {other}"),
        };
        assert_eq!(refunds[0]["amount"]["amount"], expected, "{payment}");
    }
}
