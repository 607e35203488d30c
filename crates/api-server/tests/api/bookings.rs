//! Booking requests, the lifecycle, actor rules, idempotency and the no-double-booking
//! invariant under concurrency.

use actix_web::test::TestRequest;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use persistence::test_support::TestDb;
use serde_json::{json, Value};

use crate::both_backends;
use crate::helpers::*;

both_backends!(
    a_booking_goes_from_request_to_approval_to_confirmation_with_its_history,
    broken_rules_are_422_and_missing_capacity_is_409,
    a_rental_that_ends_beyond_the_horizon_is_refused,
    sessions_fill_up_and_refuse_more_seats,
    illegal_transitions_are_409_and_cancelled_is_final,
    only_the_right_parties_may_act,
    an_idempotency_key_returns_the_same_booking_and_refuses_another_body,
    active_holds_per_customer_are_limited,
    a_lapsed_hold_frees_capacity_at_once_and_the_sweeper_expires_it,
    every_read_of_capacity_counts_exactly_the_bookings_the_domain_says_block,
    cancelling_a_session_cancels_its_bookings,
    fifty_simultaneous_requests_for_the_last_unit_admit_exactly_one,
    random_concurrent_quantities_never_exceed_capacity,
    racing_approvals_never_over_commit,
    browse_by_availability_window_counts_the_peak_not_the_sum,
    adventures_are_browsed_by_sessions_with_free_seats,
    booking_requests_are_rate_limited_per_user,
    a_listing_with_future_bookings_cannot_be_deleted,
    two_server_instances_on_one_database_never_double_book,
);

fn generous(db: &TestDb) -> api_server::config::Settings {
    let mut settings = settings(db);
    settings.max_active_holds_per_customer = 1000;
    settings.booking_rate_limit = 10_000;
    settings
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
    /// A vendor's hourly boat of `quantity` units in UTC, open 08:00–18:00 on weekdays, with a
    /// minimum rental of one hour.
    async fn boat(&self, quantity: i64) -> (Value, String) {
        let vendor = self.vendor("shop@example.com", "Shop").await;
        let extra =
            json!({"quantity": quantity, "lead_time_minutes": 60, "min_duration_minutes": 60});
        let id = self.boat_of(&vendor, extra).await;
        self.weekday_hours(&vendor, &id).await;
        (vendor, id)
    }

    async fn book(&self, customer: &Value, body: Value) -> Reply {
        self.send("POST", "/api/v1/bookings", Some(token(customer)), body)
            .await
    }

    async fn act(&self, who: &Value, booking: &str, action: &str, body: Option<Value>) -> Reply {
        let mut request = TestRequest::post()
            .uri(&format!("/api/v1/bookings/{booking}/{action}"))
            .insert_header(("authorization", format!("Bearer {}", token(who))));
        if let Some(body) = body {
            request = request.set_json(body);
        }
        self.call(request).await
    }
}

fn slot(id: &str, day: NaiveDate, from: u32, to: u32, quantity: i64) -> Value {
    json!({"equipment_id": id, "start": iso(at(day, from)), "end": iso(at(day, to)), "quantity": quantity})
}

async fn a_booking_goes_from_request_to_approval_to_confirmation_with_its_history(db: TestDb) {
    let app = spawn(db).await;
    let (vendor, id) = app.boat(1).await;
    let customer = app.customer("ana@example.com").await;
    let admin = app.admin("ops@example.com").await;
    let monday = next_monday();
    let mut body = slot(&id, monday, 9, 12, 1);
    body["notes"] = json!("Two kids on board");
    let requested = app.book(&customer, body).await;
    assert_eq!(requested.status, 201, "{}", requested.body);
    let booking = &requested.body;
    assert_eq!(booking["status"], "requested");
    assert_eq!(booking["equipment_id"], id.as_str());
    assert_eq!(booking["quantity"], 1);
    assert_eq!(
        booking["total"],
        json!({"amount": 13500, "currency": "EUR"})
    );
    assert_eq!(booking["notes"], "Two kids on board");
    let hold: DateTime<Utc> = booking["hold_expires_at"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (hold - Utc::now() - Duration::hours(24))
            .num_seconds()
            .abs()
            < 60
    );
    assert!(booking["payment_due_at"].is_null());
    let booking_id = booking["id"].as_str().unwrap().to_owned();
    // A later price change does not touch the snapshot.
    app.send(
        "PATCH",
        &format!("/api/v1/equipment/{id}"),
        Some(token(&vendor)),
        json!({"unit_price": 9999}),
    )
    .await;

    let approved = app.act(&vendor, &booking_id, "approve", None).await;
    assert_eq!(approved.status, 200, "{}", approved.body);
    assert_eq!(approved.body["status"], "approved");
    assert!(approved.body["payment_due_at"].is_string());
    assert_eq!(approved.body["total"]["amount"], 13500);
    let confirmed = app
        .act(
            &admin,
            &booking_id,
            "confirm",
            Some(json!({"reason": "paid by bank transfer"})),
        )
        .await;
    assert_eq!(confirmed.body["status"], "confirmed", "{}", confirmed.body);

    let events = app
        .get(
            &format!("/api/v1/bookings/{booking_id}/events"),
            Some(token(&customer)),
        )
        .await;
    let history: Vec<(Value, Value, Value)> = events
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["from_status"].clone(),
                e["to_status"].clone(),
                e["actor"].clone(),
            )
        })
        .collect();
    let user = |session: &Value| session["user"]["id"].clone();
    assert_eq!(
        history,
        vec![
            (
                Value::Null,
                json!("requested"),
                json!({"role": "customer", "user_id": user(&customer)})
            ),
            (
                json!("requested"),
                json!("approved"),
                json!({"role": "vendor", "user_id": user(&vendor)})
            ),
            (
                json!("approved"),
                json!("confirmed"),
                json!({"role": "admin", "user_id": user(&admin)})
            ),
        ]
    );
    assert_eq!(events.body[2]["reason"], "paid by bank transfer");
    for who in [&customer, &vendor, &admin] {
        let list = app.get("/api/v1/bookings", Some(token(who))).await;
        assert_eq!(list.body["total"], 1, "{}", list.body);
    }
    let filtered = app
        .get("/api/v1/bookings?status=requested", Some(token(&admin)))
        .await;
    assert_eq!(filtered.body["total"], 0);
    let by_listing = app
        .get(
            &format!(
                "/api/v1/bookings?listing={id}&from={}&to={}",
                iso(at(monday, 11)),
                iso(at(monday, 13))
            ),
            Some(token(&admin)),
        )
        .await;
    assert_eq!(by_listing.body["total"], 1);
    assert_eq!(app.count("booking_events", "1 = 1"), 3);
}

async fn broken_rules_are_422_and_missing_capacity_is_409(db: TestDb) {
    let settings = generous(&db);
    let app = spawn_with(db, settings).await;
    let (vendor, id) = app.boat(1).await;
    let customer = app.customer("ana@example.com").await;
    let monday = next_monday();
    let past = Utc::now() - Duration::days(1);
    let cases = [
        (
            json!({"equipment_id": id, "start": iso(past), "end": iso(past + Duration::hours(2))}),
            "start_in_past",
        ),
        (slot(&id, monday, 9, 9, 1), ""),
        (
            json!({"equipment_id": id, "start": iso(at(monday, 9)), "end": iso(at(monday, 9) + Duration::minutes(30))}),
            "below_min_duration",
        ),
        (slot(&id, monday, 16, 20, 1), "end_outside_opening_hours"),
        (
            json!({"equipment_id": id, "start": iso(Utc::now() + Duration::minutes(20)), "end": iso(Utc::now() + Duration::minutes(140))}),
            "inside_lead_time",
        ),
        (slot(&id, monday, 9, 10, 2), "quantity_above_item"),
    ];
    for (body, code) in cases {
        let reply = app.book(&customer, body).await;
        assert_eq!(reply.status, 422, "{code}: {}", reply.body);
        if !code.is_empty() {
            assert_eq!(reply.body["code"], "booking_rules_violated");
            assert!(
                reply.body["errors"]["reasons"].to_string().contains(code),
                "{code}: {}",
                reply.body
            );
        }
    }
    assert_eq!(
        app.book(&customer, slot(&id, monday, 9, 12, 1))
            .await
            .status,
        201
    );
    let taken = app.book(&customer, slot(&id, monday, 11, 13, 1)).await;
    taken.assert_problem(409, "slot_taken");
    // Touching windows do not conflict.
    assert_eq!(
        app.book(&customer, slot(&id, monday, 12, 14, 1))
            .await
            .status,
        201
    );
    app.book(
        &customer,
        json!({"equipment_id": "nope", "start": iso(at(monday, 9)), "end": iso(at(monday, 10))}),
    )
    .await
    .assert_problem(404, "not_found");
    // An adventure's id is no equipment item.
    let tour_id = app.tour_of(&vendor, json!({})).await;
    app.book(&customer, slot(&tour_id, monday, 9, 10, 1))
        .await
        .assert_problem(404, "not_found");
    assert_eq!(app.count("bookings", "1 = 1"), 2);
}

/// The booking horizon (`max_advance_days`) bounds the end of a rental, not only its start.
async fn a_rental_that_ends_beyond_the_horizon_is_refused(db: TestDb) {
    let settings = generous(&db);
    let app = spawn_with(db, settings).await;
    let vendor = app.vendor("shop@example.com", "Shop").await;
    let customer = app.customer("ana@example.com").await;
    let id = app
        .boat_of(
            &vendor,
            json!({"pricing_unit": "day", "max_advance_days": 365}),
        )
        .await;
    let start = at(next_monday(), 9);
    let long =
        json!({"equipment_id": id, "start": iso(start), "end": iso(start + Duration::days(400))});
    let quote = app.post("/api/v1/quotes", long.clone()).await;
    assert_eq!(quote.status, 200, "{}", quote.body);
    assert_eq!(quote.body["bookable"], false);
    assert!(quote.body["reasons"]
        .to_string()
        .contains("beyond_max_advance"));
    let reply = app.book(&customer, long).await;
    reply.assert_problem(422, "booking_rules_violated");
    assert!(reply.body["errors"]["reasons"]
        .to_string()
        .contains("beyond_max_advance"));
    let within =
        json!({"equipment_id": id, "start": iso(start), "end": iso(start + Duration::days(300))});
    assert_eq!(app.book(&customer, within).await.status, 201);
    assert_eq!(app.count("bookings", "1 = 1"), 1);
}

async fn sessions_fill_up_and_refuse_more_seats(db: TestDb) {
    let settings = generous(&db);
    let app = spawn_with(db, settings).await;
    let vendor = app.vendor("tours@example.com", "Tours").await;
    let tour_id = app.tour_of(&vendor, json!({})).await;
    let sessions = app
        .send(
            "POST",
            &format!("/api/v1/adventures/{tour_id}/sessions"),
            Some(token(&vendor)),
            json!({"start": iso(at(next_monday(), 9))}),
        )
        .await;
    let session = sessions.body[0]["id"].as_str().unwrap().to_owned();
    let customer = app.customer("ana@example.com").await;
    let first = app
        .book(&customer, json!({"session_id": session, "participants": 3}))
        .await;
    assert_eq!(first.status, 201, "{}", first.body);
    assert_eq!(
        (
            first.body["participants"].as_i64(),
            first.body["total"]["amount"].as_i64()
        ),
        (Some(3), Some(9000))
    );
    assert!(first.body.get("quantity").is_none());
    app.book(&customer, json!({"session_id": session, "participants": 3}))
        .await
        .assert_problem(409, "slot_taken");
    app.book(&customer, json!({"session_id": session, "participants": 6}))
        .await
        .assert_problem(422, "booking_rules_violated");
    assert_eq!(
        app.book(&customer, json!({"session_id": session, "participants": 2}))
            .await
            .status,
        201
    );
    let listed = app
        .get(
            &format!(
                "/api/v1/adventures/{tour_id}/sessions?from={}&to={}",
                iso(Utc::now()),
                iso(Utc::now() + Duration::days(30))
            ),
            None,
        )
        .await;
    assert_eq!(listed.body[0]["seats_left"], 0);
}

async fn illegal_transitions_are_409_and_cancelled_is_final(db: TestDb) {
    let app = spawn(db).await;
    let (vendor, id) = app.boat(1).await;
    let customer = app.customer("ana@example.com").await;
    let admin = app.admin("ops@example.com").await;
    let booking = app
        .book(&customer, slot(&id, next_monday(), 9, 10, 1))
        .await
        .body;
    let booking_id = booking["id"].as_str().unwrap();
    app.act(&admin, booking_id, "confirm", None)
        .await
        .assert_problem(409, "illegal_transition");
    assert_eq!(
        app.act(&vendor, booking_id, "approve", None).await.status,
        200
    );
    app.act(&vendor, booking_id, "approve", None)
        .await
        .assert_problem(409, "illegal_transition");
    app.act(&vendor, booking_id, "decline", None)
        .await
        .assert_problem(409, "illegal_transition");
    let cancelled = app.act(&customer, booking_id, "cancel", None).await;
    assert_eq!(cancelled.body["status"], "cancelled", "{}", cancelled.body);
    app.act(&customer, booking_id, "cancel", None)
        .await
        .assert_problem(409, "illegal_transition");
    app.act(
        &admin,
        booking_id,
        "cancel",
        Some(json!({"reason": "again"})),
    )
    .await
    .assert_problem(409, "illegal_transition");
    assert_eq!(app.count("booking_events", "1 = 1"), 3);
}

async fn only_the_right_parties_may_act(db: TestDb) {
    let app = spawn(db).await;
    let (vendor, id) = app.boat(1).await;
    let other_vendor = app.vendor("other@example.com", "Other").await;
    let customer = app.customer("ana@example.com").await;
    let stranger = app.customer("bo@example.com").await;
    let booking = app
        .book(&customer, slot(&id, next_monday(), 9, 10, 1))
        .await
        .body;
    let booking_id = booking["id"].as_str().unwrap();
    app.act(&customer, booking_id, "approve", None)
        .await
        .assert_problem(403, "forbidden");
    app.act(&customer, booking_id, "confirm", None)
        .await
        .assert_problem(403, "forbidden");
    app.act(&other_vendor, booking_id, "approve", None)
        .await
        .assert_problem(404, "not_found");
    app.act(&stranger, booking_id, "cancel", None)
        .await
        .assert_problem(404, "not_found");
    app.get(
        &format!("/api/v1/bookings/{booking_id}"),
        Some(token(&stranger)),
    )
    .await
    .assert_problem(404, "not_found");
    app.get(
        &format!("/api/v1/bookings/{booking_id}/events"),
        Some(token(&other_vendor)),
    )
    .await
    .assert_problem(404, "not_found");
    assert_eq!(
        app.get("/api/v1/bookings", Some(token(&stranger)))
            .await
            .body["total"],
        0
    );
    let no_reason = app.act(&vendor, booking_id, "cancel", None).await;
    no_reason.assert_problem(422, "validation_failed");
    assert_eq!(no_reason.field_errors(), vec!["reason"]);
    app.send(
        "POST",
        "/api/v1/bookings",
        Some(token(&vendor)),
        slot(&id, next_monday(), 11, 12, 1),
    )
    .await
    .assert_problem(403, "forbidden");
    let with_reason = app
        .act(
            &vendor,
            booking_id,
            "cancel",
            Some(json!({"reason": "engine failure"})),
        )
        .await;
    assert_eq!(with_reason.body["status"], "cancelled");
    let unknown_field = app
        .act(&customer, booking_id, "cancel", Some(json!({"why": "x"})))
        .await;
    unknown_field.assert_problem(422, "validation_failed");
}

async fn an_idempotency_key_returns_the_same_booking_and_refuses_another_body(db: TestDb) {
    let app = spawn(db).await;
    let (_, id) = app.boat(2).await;
    let customer = app.customer("ana@example.com").await;
    let monday = next_monday();
    let send = |body: Value, key: &str| {
        TestRequest::post()
            .uri("/api/v1/bookings")
            .insert_header(("authorization", format!("Bearer {}", token(&customer))))
            .insert_header(("idempotency-key", key.to_owned()))
            .set_json(body)
    };
    let first = app.call(send(slot(&id, monday, 9, 10, 1), "retry-1")).await;
    assert_eq!(first.status, 201);
    let again = app.call(send(slot(&id, monday, 9, 10, 1), "retry-1")).await;
    assert_eq!(again.status, 200);
    assert_eq!(again.header("idempotent-replayed"), "true");
    assert_eq!(again.body["id"], first.body["id"]);
    let other_body = app
        .call(send(slot(&id, monday, 10, 11, 1), "retry-1"))
        .await;
    other_body.assert_problem(422, "validation_failed");
    assert_eq!(other_body.field_errors(), vec!["Idempotency-Key"]);
    let other_key = app.call(send(slot(&id, monday, 9, 10, 1), "retry-2")).await;
    assert_eq!(other_key.status, 201);
    assert_ne!(other_key.body["id"], first.body["id"]);
    // Keys are per user.
    let someone = app.customer("bo@example.com").await;
    let theirs = app
        .call(
            TestRequest::post()
                .uri("/api/v1/bookings")
                .insert_header(("authorization", format!("Bearer {}", token(&someone))))
                .insert_header(("idempotency-key", "retry-1"))
                .set_json(slot(&id, monday, 13, 14, 1)),
        )
        .await;
    assert_eq!(theirs.status, 201);
    assert_eq!(app.count("bookings", "1 = 1"), 3);
}

async fn active_holds_per_customer_are_limited(db: TestDb) {
    let mut settings = settings(&db);
    settings.max_active_holds_per_customer = 2;
    let app = spawn_with(db, settings).await;
    let (_, id) = app.boat(5).await;
    let customer = app.customer("ana@example.com").await;
    let monday = next_monday();
    assert_eq!(
        app.book(&customer, slot(&id, monday, 9, 10, 1))
            .await
            .status,
        201
    );
    assert_eq!(
        app.book(&customer, slot(&id, monday, 10, 11, 1))
            .await
            .status,
        201
    );
    app.book(&customer, slot(&id, monday, 11, 12, 1))
        .await
        .assert_problem(409, "too_many_active_holds");
    let other = app.customer("bo@example.com").await;
    assert_eq!(
        app.book(&other, slot(&id, monday, 11, 12, 1)).await.status,
        201
    );
}

async fn a_lapsed_hold_frees_capacity_at_once_and_the_sweeper_expires_it(db: TestDb) {
    let app = spawn(db).await;
    let (vendor, id) = app.boat(1).await;
    let customer = app.customer("ana@example.com").await;
    let other = app.customer("bo@example.com").await;
    let monday = next_monday();
    let first = app.book(&customer, slot(&id, monday, 9, 10, 1)).await.body;
    let first_id = first["id"].as_str().unwrap().to_owned();
    app.execute(&format!(
        "UPDATE bookings SET hold_expires_at = '2000-01-01 00:00:00' WHERE id = '{first_id}'"
    ));
    // Still `requested` in the table, but no longer blocking.
    let second = app.book(&other, slot(&id, monday, 9, 10, 1)).await;
    assert_eq!(second.status, 201, "{}", second.body);
    app.act(&vendor, &first_id, "approve", None)
        .await
        .assert_problem(409, "hold_lapsed");
    let state = app.state.clone();
    let expired = actix_web::web::block(move || state.bookings.expire_lapsed(100))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(expired, 1);
    let state = app.state.clone();
    let again = actix_web::web::block(move || state.bookings.expire_lapsed(100))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(again, 0, "expired once");
    let detail = app
        .get(
            &format!("/api/v1/bookings/{first_id}"),
            Some(token(&customer)),
        )
        .await;
    assert_eq!(detail.body["status"], "expired");
    let events = app
        .get(
            &format!("/api/v1/bookings/{first_id}/events"),
            Some(token(&customer)),
        )
        .await;
    assert_eq!(
        events.body[1]["actor"],
        json!({"role": "system", "user_id": null})
    );
    assert_eq!(events.body[1]["reason"], "hold lapsed");
}

/// "A booking holds capacity" is a domain rule (`BookingClock::is_blocking`) with one SQL form
/// (`persistence::sql::blocking`). For every status and deadline case, the item's timeline, the
/// availability-window browse and a competing request must all see exactly what the rule says.
async fn every_read_of_capacity_counts_exactly_the_bookings_the_domain_says_block(db: TestDb) {
    use domain_booking::{BookingClock, BookingStatus};
    let settings = generous(&db);
    let app = spawn_with(db, settings).await;
    let (_vendor, id) = app.boat(1).await;
    let customer = app.customer("ana@example.com").await;
    let other = app.customer("bo@example.com").await;
    let monday = next_monday();
    let held = app.book(&customer, slot(&id, monday, 9, 10, 1)).await.body;
    let held = held["id"].as_str().unwrap().to_owned();
    let now = Utc::now();
    let past = now - Duration::hours(1);
    let future = now + Duration::hours(1);
    let sql = |t: DateTime<Utc>| format!("'{}'", t.naive_utc().format("%Y-%m-%d %H:%M:%S"));
    let cases = [
        (BookingStatus::Requested, future, None),
        (BookingStatus::Requested, past, None),
        (BookingStatus::Approved, past, None),
        (BookingStatus::Approved, past, Some(future)),
        (BookingStatus::Approved, past, Some(past)),
        (BookingStatus::Confirmed, past, Some(past)),
        (BookingStatus::Declined, future, None),
        (BookingStatus::Cancelled, future, Some(future)),
        (BookingStatus::Expired, future, Some(future)),
    ];
    let window = format!(
        "available_from={}&available_to={}&quantity=1",
        iso(at(monday, 9)),
        iso(at(monday, 10))
    );
    for (status, hold, due) in cases {
        let blocks = BookingClock {
            status,
            hold_expires_at: hold,
            payment_due_at: due,
        }
        .is_blocking(now);
        let case = format!("{} hold {hold} due {due:?}", status.as_str());
        app.execute(&format!(
            "UPDATE bookings SET status = '{}', hold_expires_at = {}, payment_due_at = {} \
             WHERE id = '{held}'",
            status.as_str(),
            sql(hold),
            due.map_or("NULL".to_owned(), sql)
        ));
        let timeline = app
            .get(
                &format!(
                    "/api/v1/equipment/{id}/availability?from={}&to={}",
                    iso(at(monday, 9)),
                    iso(at(monday, 10))
                ),
                None,
            )
            .await;
        assert_eq!(
            timeline.body["timeline"][0]["available_units"],
            if blocks { 0 } else { 1 },
            "timeline, {case}: {}",
            timeline.body
        );
        let browse = app.get(&format!("/api/v1/equipment?{window}"), None).await;
        let listed = browse.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|item| item["id"] == id.as_str());
        assert_eq!(listed, !blocks, "browse, {case}");
        let competing = app.book(&other, slot(&id, monday, 9, 10, 1)).await;
        assert_eq!(
            competing.status,
            if blocks { 409 } else { 201 },
            "request, {case}: {}",
            competing.body
        );
        if let Some(new) = competing.body["id"].as_str() {
            app.execute(&format!(
                "DELETE FROM booking_events WHERE booking_id = '{new}'; \
                 DELETE FROM bookings WHERE id = '{new}'"
            ));
        }
    }
}

async fn cancelling_a_session_cancels_its_bookings(db: TestDb) {
    let app = spawn(db).await;
    let vendor = app.vendor("tours@example.com", "Tours").await;
    let tour = app
        .send("POST", "/api/v1/adventures", Some(token(&vendor)), json!({
            "category": "excursion", "title": "Boat trip", "city": "Lagos", "country": "PT", "currency": "EUR",
            "price_per_person": 2500, "duration_minutes": 90, "capacity": 10
        }))
        .await;
    let tour_id = tour.body["id"].as_str().unwrap();
    let sessions = app
        .send(
            "POST",
            &format!("/api/v1/adventures/{tour_id}/sessions"),
            Some(token(&vendor)),
            json!({"start": iso(at(next_monday(), 10))}),
        )
        .await;
    let session = sessions.body[0]["id"].as_str().unwrap();
    let customer = app.customer("ana@example.com").await;
    let booking = app
        .book(&customer, json!({"session_id": session, "participants": 2}))
        .await
        .body;
    let cancelled = app
        .send(
            "DELETE",
            &format!("/api/v1/adventures/{tour_id}/sessions/{session}"),
            Some(token(&vendor)),
            json!({}),
        )
        .await;
    assert_eq!(cancelled.status, 200);
    let detail = app
        .get(
            &format!("/api/v1/bookings/{}", booking["id"].as_str().unwrap()),
            Some(token(&customer)),
        )
        .await;
    assert_eq!(detail.body["status"], "cancelled");
    assert_eq!(
        app.count(
            "booking_events",
            "to_status = 'cancelled' AND actor = 'vendor'"
        ),
        1
    );
}

async fn fifty_simultaneous_requests_for_the_last_unit_admit_exactly_one(db: TestDb) {
    let settings = generous(&db);
    let app = spawn_with(db, settings).await;
    let (_, id) = app.boat(1).await;
    let customer = app.customer("ana@example.com").await;
    let monday = next_monday();
    let requests = (0..50).map(|_| app.book(&customer, slot(&id, monday, 9, 12, 1)));
    let replies = futures_util::future::join_all(requests).await;
    let statuses: Vec<u16> = replies.iter().map(|r| r.status.as_u16()).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        49,
        "{statuses:?}"
    );
    assert_eq!(app.count("bookings", "1 = 1"), 1);
}

async fn random_concurrent_quantities_never_exceed_capacity(db: TestDb) {
    let settings = generous(&db);
    let app = spawn_with(db, settings).await;
    let (_, id) = app.boat(5).await;
    let customer = app.customer("ana@example.com").await;
    let monday = next_monday();
    // A fixed pseudo-random sequence of quantities 1–3 and overlapping windows.
    let mut seed: u64 = 0x5eed;
    let mut bodies = Vec::new();
    for _ in 0..30 {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let quantity = (seed >> 33) % 3 + 1;
        let start = 9 + ((seed >> 40) % 3) as u32;
        bodies.push(slot(&id, monday, start, start + 2, quantity as i64));
    }
    let replies =
        futures_util::future::join_all(bodies.into_iter().map(|b| app.book(&customer, b))).await;
    assert!(replies
        .iter()
        .all(|r| [201, 409].contains(&r.status.as_u16())));
    assert!(replies.iter().any(|r| r.status == 201));
    // At every hour the admitted quantities fit the 5 units.
    for hour in 9..13 {
        let start = at(monday, hour);
        let taken: i64 = replies
            .iter()
            .filter(|r| r.status == 201)
            .filter(|r| {
                let s: DateTime<Utc> = r.body["start"].as_str().unwrap().parse().unwrap();
                let e: DateTime<Utc> = r.body["end"].as_str().unwrap().parse().unwrap();
                s <= start && start < e
            })
            .map(|r| r.body["quantity"].as_i64().unwrap())
            .sum();
        assert!(taken <= 5, "{taken} units at {hour}:00");
    }
}

async fn racing_approvals_never_over_commit(db: TestDb) {
    let settings = generous(&db);
    let app = spawn_with(db, settings).await;
    let (vendor, id) = app.boat(1).await;
    let admin = app.admin("ops@example.com").await;
    let customer = app.customer("ana@example.com").await;
    let monday = next_monday();
    let first = app.book(&customer, slot(&id, monday, 9, 11, 1)).await.body;
    let first_id = first["id"].as_str().unwrap().to_owned();
    // The first hold lapses (not yet swept), so an overlapping request gets in.
    app.execute(&format!(
        "UPDATE bookings SET hold_expires_at = '2000-01-01 00:00:00' WHERE id = '{first_id}'"
    ));
    let second = app.book(&customer, slot(&id, monday, 10, 12, 1)).await.body;
    let second_id = second["id"].as_str().unwrap().to_owned();
    let (a, b) = tokio::join!(
        app.act(&vendor, &first_id, "approve", None),
        app.act(&admin, &second_id, "approve", None),
    );
    assert_eq!(a.status, 409, "{}", a.body);
    assert_eq!(b.status, 200, "{}", b.body);
    assert_eq!(app.count("bookings", "status = 'approved'"), 1);
}

async fn browse_by_availability_window_counts_the_peak_not_the_sum(db: TestDb) {
    let settings = generous(&db);
    let app = spawn_with(db, settings).await;
    let (vendor, id) = app.boat(2).await;
    let spare = app
        .send(
            "POST",
            "/api/v1/equipment",
            Some(token(&vendor)),
            json!({
                "category": "bike", "title": "Spare", "city": "Lagos", "country": "PT",
                "currency": "EUR", "pricing_unit": "hour", "unit_price": 100, "quantity": 1
            }),
        )
        .await;
    let spare_id = spare.body["id"].as_str().unwrap().to_owned();
    let customer = app.customer("ana@example.com").await;
    let monday = next_monday();
    // One unit 9–10 and one unit 10–11: never more than one taken at once.
    assert_eq!(
        app.book(&customer, slot(&id, monday, 9, 10, 1))
            .await
            .status,
        201
    );
    assert_eq!(
        app.book(&customer, slot(&id, monday, 10, 11, 1))
            .await
            .status,
        201
    );
    let lapsed = app.book(&customer, slot(&id, monday, 12, 13, 2)).await.body;
    app.execute(&format!(
        "UPDATE bookings SET hold_expires_at = '2000-01-01 00:00:00' WHERE id = '{}'",
        lapsed["id"].as_str().unwrap()
    ));
    app.send(
        "POST",
        &format!("/api/v1/equipment/{spare_id}/blackouts"),
        Some(token(&vendor)),
        json!({"start": iso(at(monday, 9)), "end": iso(at(monday, 10))}),
    )
    .await;
    let ids = |query: String| {
        let app = &app;
        async move {
            let reply = app.get(&format!("/api/v1/equipment?{query}"), None).await;
            assert_eq!(reply.status, 200, "{query}: {}", reply.body);
            let mut ids: Vec<String> = reply.body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["id"].as_str().unwrap().to_owned())
                .collect();
            ids.sort();
            ids
        }
    };
    let window = |from: u32, to: u32, quantity: i64| {
        format!(
            "available_from={}&available_to={}&quantity={quantity}",
            iso(at(monday, from)),
            iso(at(monday, to))
        )
        .replace('+', "%2B")
    };
    let mut both = vec![id.clone(), spare_id.clone()];
    both.sort();
    assert_eq!(
        ids(window(9, 11, 1)).await,
        vec![id.clone()],
        "peak 1 of 2; the spare is blacked out"
    );
    assert!(ids(window(9, 11, 2)).await.is_empty());
    assert_eq!(
        ids(window(11, 14, 2)).await,
        vec![id.clone()],
        "the lapsed hold frees both units"
    );
    assert_eq!(ids(window(10, 11, 1)).await, both);
    assert_eq!(
        ids(format!("{}&category=bike", window(10, 11, 1))).await,
        vec![spare_id.clone()]
    );
    let bad = app
        .get(
            &format!("/api/v1/equipment?available_from={}", iso(at(monday, 9))),
            None,
        )
        .await;
    bad.assert_problem(422, "validation_failed");
    assert_eq!(bad.field_errors(), vec!["available_to"]);
}

async fn adventures_are_browsed_by_sessions_with_free_seats(db: TestDb) {
    let settings = generous(&db);
    let app = spawn_with(db, settings).await;
    let vendor = app.vendor("tours@example.com", "Tours").await;
    let monday = next_monday();
    let mut sessions = Vec::new();
    for title in ["Small", "Large"] {
        let capacity = if title == "Small" { 2 } else { 10 };
        let tour = app
            .send("POST", "/api/v1/adventures", Some(token(&vendor)), json!({
                "category": "hiking", "title": title, "city": "Berlin", "country": "DE", "currency": "EUR",
                "price_per_person": 3000, "duration_minutes": 120, "capacity": capacity
            }))
            .await;
        let id = tour.body["id"].as_str().unwrap().to_owned();
        let created = app
            .send(
                "POST",
                &format!("/api/v1/adventures/{id}/sessions"),
                Some(token(&vendor)),
                json!({"start": iso(at(monday, 9))}),
            )
            .await;
        sessions.push(created.body[0]["id"].as_str().unwrap().to_owned());
    }
    let customer = app.customer("ana@example.com").await;
    assert_eq!(
        app.book(
            &customer,
            json!({"session_id": sessions[0], "participants": 2})
        )
        .await
        .status,
        201
    );
    let titles = |query: String| {
        let app = &app;
        async move {
            let reply = app.get(&format!("/api/v1/adventures?{query}"), None).await;
            assert_eq!(reply.status, 200, "{}", reply.body);
            reply.body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["title"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    let day = format!(
        "available_from={}&available_to={}",
        iso(at(monday, 0)),
        iso(at(monday, 23))
    );
    assert_eq!(titles(day.clone()).await, vec!["Large"]);
    assert_eq!(
        titles(format!("{day}&participants=11")).await,
        Vec::<String>::new()
    );
    let morning = format!(
        "available_from={}&available_to={}",
        iso(at(monday, 0)),
        iso(at(monday, 10))
    );
    assert!(
        titles(morning).await.is_empty(),
        "the session ends after the window"
    );
}

async fn booking_requests_are_rate_limited_per_user(db: TestDb) {
    let mut settings = generous(&db);
    settings.booking_rate_limit = 2;
    let app = spawn_with(db, settings).await;
    let (_, id) = app.boat(5).await;
    let customer = app.customer("ana@example.com").await;
    let other = app.customer("bo@example.com").await;
    let monday = next_monday();
    for hour in [9, 10] {
        assert_eq!(
            app.book(&customer, slot(&id, monday, hour, hour + 1, 1))
                .await
                .status,
            201
        );
    }
    let limited = app.book(&customer, slot(&id, monday, 11, 12, 1)).await;
    limited.assert_problem(429, "rate_limited");
    assert!(!limited.header("retry-after").is_empty());
    assert_eq!(
        app.book(&other, slot(&id, monday, 11, 12, 1)).await.status,
        201
    );
    assert_eq!(app.count("bookings", "1 = 1"), 3);
}

async fn a_listing_with_future_bookings_cannot_be_deleted(db: TestDb) {
    let app = spawn(db).await;
    let (vendor, id) = app.boat(1).await;
    let customer = app.customer("ana@example.com").await;
    let booking = app
        .book(&customer, slot(&id, next_monday(), 9, 10, 1))
        .await
        .body;
    let path = format!("/api/v1/equipment/{id}");
    app.send("DELETE", &path, Some(token(&vendor)), json!({}))
        .await
        .assert_problem(409, "listing_has_bookings");
    // Deactivating is the way out, and works.
    let deactivated = app
        .send(
            "PATCH",
            &path,
            Some(token(&vendor)),
            json!({"is_active": false}),
        )
        .await;
    assert_eq!(deactivated.body["is_active"], false);
    app.act(&customer, booking["id"].as_str().unwrap(), "cancel", None)
        .await;
    assert_eq!(
        app.send("DELETE", &path, Some(token(&vendor)), json!({}))
            .await
            .status,
        204
    );
    assert_eq!(app.count("listings", "1 = 1"), 0);
    assert_eq!(app.count("bookings", "1 = 1"), 0);
}

async fn two_server_instances_on_one_database_never_double_book(db: TestDb) {
    // A second application with its own connection pool stands for a second process.
    let second_pool = persistence::build_pool(&db.target, 8).unwrap();
    let second_settings = generous(&db);
    let settings = generous(&db);
    let app = spawn_with(db, settings).await;
    let other_state = actix_web::web::Data::new(
        api_server::state::AppState::new(second_settings, second_pool).unwrap(),
    );
    let other = actix_web::test::init_service(api_server::app(other_state)).await;
    let (_, id) = app.boat(3).await;
    let customer = app.customer("ana@example.com").await;
    let monday = next_monday();
    let request = |i: usize| {
        TestRequest::post()
            .uri("/api/v1/bookings")
            .insert_header(("authorization", format!("Bearer {}", token(&customer))))
            .set_json(slot(&id, monday, 9, 11, 1 + (i % 2) as i64))
            .to_request()
    };
    let first_half =
        (0..20).map(|i| app.book(&customer, slot(&id, monday, 9, 11, 1 + (i % 2) as i64)));
    let second_half = (0..20).map(|i| actix_web::test::call_service(&other, request(i)));
    let (mine, theirs) = tokio::join!(
        futures_util::future::join_all(first_half),
        futures_util::future::join_all(second_half)
    );
    let mut admitted = 0;
    for reply in &mine {
        assert!(
            [201, 409].contains(&reply.status.as_u16()),
            "{}",
            reply.body
        );
        if reply.status == 201 {
            admitted += reply.body["quantity"].as_i64().unwrap();
        }
    }
    for response in theirs {
        let status = response.status().as_u16();
        assert!([201, 409].contains(&status));
        if status == 201 {
            let body: Value = actix_web::test::read_body_json(response).await;
            admitted += body["quantity"].as_i64().unwrap();
        }
    }
    assert!(
        (1..=3).contains(&admitted),
        "{admitted} units admitted for 3"
    );
    assert!(app.count("bookings", "status = 'requested'") > 0);
    #[derive(diesel::QueryableByName)]
    struct Sum {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    use diesel::RunQueryDsl;
    let stored =
        diesel::sql_query("SELECT CAST(COALESCE(SUM(quantity), 0) AS BIGINT) AS n FROM bookings")
            .get_result::<Sum>(&mut *app.db.pool.get().unwrap())
            .unwrap();
    assert_eq!(stored.n, admitted);
}
