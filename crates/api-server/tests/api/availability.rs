//! Opening hours, blackouts, timelines, sessions and quotes.

use chrono::{DateTime, Duration, Utc};
use persistence::test_support::TestDb;
use serde_json::{json, Value};

use crate::both_backends;
use crate::helpers::*;

both_backends!(
    opening_hours_are_stored_and_expanded_in_the_items_time_zone,
    blackouts_take_units_off_the_timeline,
    the_public_timeline_counts_bookings_and_blackouts_of_public_items_only,
    quotes_price_a_window_and_list_every_broken_rule,
    malformed_quotes_are_422_and_unknown_targets_404,
    sessions_are_scheduled_once_or_weekly_across_dst,
    session_quotes_know_capacity_and_cancellation,
);

impl<S, B> TestApp<S>
where
    S: actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse<B>,
        Error = actix_web::Error,
    >,
    B: actix_web::body::MessageBody,
{
    /// A vendor with one hourly item of `quantity` units in UTC, open 08:00–18:00 on weekdays.
    async fn item(&self, quantity: i64) -> (Value, String) {
        let vendor = self.vendor("shop@example.com", "Shop").await;
        let id = self
            .boat_of(
                &vendor,
                json!({"quantity": quantity, "lead_time_minutes": 120}),
            )
            .await;
        self.weekday_hours(&vendor, &id).await;
        (vendor, id)
    }

    async fn quote(&self, body: Value) -> Reply {
        self.post("/api/v1/quotes", body).await
    }
}

fn reason_codes(reply: &Reply) -> Vec<String> {
    reply.body["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap().to_owned())
        .collect()
}

async fn opening_hours_are_stored_and_expanded_in_the_items_time_zone(db: TestDb) {
    let app = spawn(db).await;
    let vendor = app.vendor("shop@example.com", "Shop").await;
    let other = app.vendor("other@example.com", "Other").await;
    let item = app
        .send(
            "POST",
            "/api/v1/equipment",
            Some(token(&vendor)),
            json!({
                "category": "bike", "title": "Bike", "city": "Lisbon", "country": "PT",
                "currency": "EUR", "pricing_unit": "day", "unit_price": 2000, "quantity": 2
            }),
        )
        .await;
    let id = item.body["id"].as_str().unwrap();
    let path = format!("/api/v1/equipment/{id}/availability");
    let body = json!({"timezone": "America/New_York", "weekly": [{"weekday": 0, "start": "09:00", "end": "17:30"}]});
    app.send("PUT", &path, Some(token(&other)), body.clone())
        .await
        .assert_problem(404, "not_found");
    let stored = app.send("PUT", &path, Some(token(&vendor)), body).await;
    assert_eq!(stored.status, 200, "{}", stored.body);
    assert_eq!(stored.body["timezone"], "America/New_York");
    assert_eq!(
        stored.body["weekly"],
        json!([{"weekday": 0, "start": "09:00", "end": "17:30"}])
    );
    let monday = next_monday();
    let range = format!(
        "from={}&to={}",
        iso(at(monday, 0)),
        iso(at(monday, 0) + Duration::days(7))
    );
    let view = app.get(&format!("{path}?{range}"), None).await;
    assert_eq!(view.status, 200, "{}", view.body);
    let intervals = view.body["opening_intervals"].as_array().unwrap();
    assert_eq!(intervals.len(), 1, "{}", view.body);
    let start: DateTime<Utc> = intervals[0]["start"].as_str().unwrap().parse().unwrap();
    let end: DateTime<Utc> = intervals[0]["end"].as_str().unwrap().parse().unwrap();
    let new_york: chrono_tz::Tz = "America/New_York".parse().unwrap();
    assert_eq!(
        start.with_timezone(&new_york).format("%H:%M").to_string(),
        "09:00"
    );
    assert_eq!(end - start, Duration::minutes(510));
    assert_eq!(
        view.body["timeline"],
        json!([{
            "start": iso(at(monday, 0)).replace("+00:00", "Z"),
            "end": iso(at(monday, 0) + Duration::days(7)),
            "available_units": 2
        }])
    );
    let invalid = app
        .send("PUT", &path, Some(token(&vendor)), json!({"weekly": [{"weekday": 7, "start": "09:00", "end": "08:00"}], "timezone": "Nowhere"}))
        .await;
    let mut fields = invalid.field_errors();
    fields.sort();
    assert_eq!(fields, vec!["timezone", "weekly[0]"]);
    app.get(
        &format!(
            "{path}?from={}&to={}",
            iso(at(monday, 0)),
            iso(at(monday, 0))
        ),
        None,
    )
    .await
    .assert_problem(422, "validation_failed");
    app.get(&format!("{path}?from=yesterday"), None)
        .await
        .assert_problem(400, "bad_request");
    assert_eq!(app.count("availability_rules", "1 = 1"), 1);
    assert_eq!(app.count("listings", "timezone = 'America/New_York'"), 1);
}

async fn blackouts_take_units_off_the_timeline(db: TestDb) {
    let app = spawn(db).await;
    let (vendor, id) = app.item(3).await;
    let monday = next_monday();
    let path = format!("/api/v1/equipment/{id}/blackouts");
    let one = app
        .send("POST", &path, Some(token(&vendor)), json!({"start": iso(at(monday, 10)), "end": iso(at(monday, 12)), "units": 1, "reason": "engine service"}))
        .await;
    assert_eq!(one.status, 201, "{}", one.body);
    let all = app
        .send(
            "POST",
            &path,
            Some(token(&vendor)),
            json!({"start": iso(at(monday, 11)), "end": iso(at(monday, 13))}),
        )
        .await;
    assert!(all.body["units"].is_null());
    let view = app
        .get(
            &format!(
                "/api/v1/equipment/{id}/availability?from={}&to={}",
                iso(at(monday, 9)),
                iso(at(monday, 14))
            ),
            None,
        )
        .await;
    let slots: Vec<(String, i64)> = view.body["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["start"].as_str().unwrap()[11..16].to_owned(),
                s["available_units"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        slots,
        vec![
            ("09:00".into(), 3),
            ("10:00".into(), 2),
            ("11:00".into(), 0),
            ("13:00".into(), 3)
        ]
    );
    let bad = app
        .send(
            "POST",
            &path,
            Some(token(&vendor)),
            json!({"start": iso(at(monday, 12)), "end": iso(at(monday, 10)), "units": 4}),
        )
        .await;
    let mut fields = bad.field_errors();
    fields.sort();
    assert_eq!(fields, vec!["end", "units"]);
    let listed = app.get(&path, Some(token(&vendor))).await;
    assert_eq!(listed.body.as_array().unwrap().len(), 2);
    let customer = app.customer("ana@example.com").await;
    app.get(&path, Some(token(&customer)))
        .await
        .assert_problem(404, "not_found");
    let blackout = one.body["id"].as_str().unwrap();
    app.send(
        "DELETE",
        &format!("{path}/{blackout}"),
        Some(token(&customer)),
        json!({}),
    )
    .await
    .assert_problem(404, "not_found");
    assert_eq!(
        app.send(
            "DELETE",
            &format!("{path}/{blackout}"),
            Some(token(&vendor)),
            json!({})
        )
        .await
        .status,
        204
    );
    assert_eq!(app.count("blackouts", "1 = 1"), 1);
}

async fn the_public_timeline_counts_bookings_and_blackouts_of_public_items_only(db: TestDb) {
    let app = spawn(db).await;
    let (vendor, id) = app.item(2).await;
    let path = format!("/api/v1/equipment/{id}/availability");
    // Rules sent out of order come back by weekday, then start.
    let weekly = json!([
        {"weekday": 2, "start": "13:00", "end": "17:00"},
        {"weekday": 0, "start": "08:00", "end": "12:00"},
        {"weekday": 2, "start": "08:00", "end": "12:00"}
    ]);
    let stored = app
        .send(
            "PUT",
            &path,
            Some(token(&vendor)),
            json!({"weekly": weekly}),
        )
        .await;
    assert_eq!(stored.status, 200, "{}", stored.body);
    let monday = next_monday();
    let customer = app.customer("ana@example.com").await;
    let booked = app
        .send(
            "POST",
            "/api/v1/bookings",
            Some(token(&customer)),
            json!({"equipment_id": id, "start": iso(at(monday, 9)), "end": iso(at(monday, 10)), "quantity": 1}),
        )
        .await;
    assert_eq!(booked.status, 201, "{}", booked.body);
    app.send(
        "POST",
        &format!("/api/v1/equipment/{id}/blackouts"),
        Some(token(&vendor)),
        json!({"start": iso(at(monday, 11)), "end": iso(at(monday, 12))}),
    )
    .await;
    let range = format!(
        "{path}?from={}&to={}",
        iso(at(monday, 8)),
        iso(at(monday, 13))
    );
    let view = app.get(&range, None).await;
    assert_eq!(view.status, 200, "{}", view.body);
    assert_eq!(view.body["timezone"], "UTC");
    assert_eq!(
        view.body["weekly"],
        json!([
            {"weekday": 0, "start": "08:00", "end": "12:00"},
            {"weekday": 2, "start": "08:00", "end": "12:00"},
            {"weekday": 2, "start": "13:00", "end": "17:00"}
        ])
    );
    assert_eq!(view.body["opening_intervals"].as_array().unwrap().len(), 1);
    let slots: Vec<(String, i64)> = view.body["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["start"].as_str().unwrap()[11..16].to_owned(),
                s["available_units"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        slots,
        vec![
            ("08:00".into(), 2),
            ("09:00".into(), 1),
            ("10:00".into(), 2),
            ("11:00".into(), 0),
            ("12:00".into(), 2)
        ]
    );
    app.get(
        &format!(
            "/api/v1/equipment/nope/availability?from={}&to={}",
            iso(at(monday, 8)),
            iso(at(monday, 13))
        ),
        None,
    )
    .await
    .assert_problem(404, "not_found");
    // Hidden while the item or its vendor is inactive.
    app.send(
        "PATCH",
        &format!("/api/v1/equipment/{id}"),
        Some(token(&vendor)),
        json!({"is_active": false}),
    )
    .await;
    app.get(&range, None).await.assert_problem(404, "not_found");
    app.send(
        "PATCH",
        &format!("/api/v1/equipment/{id}"),
        Some(token(&vendor)),
        json!({"is_active": true}),
    )
    .await;
    assert_eq!(app.get(&range, None).await.status, 200);
    app.execute("UPDATE users SET is_active = false WHERE email = 'shop@example.com'");
    app.get(&range, None).await.assert_problem(404, "not_found");
}

async fn quotes_price_a_window_and_list_every_broken_rule(db: TestDb) {
    let app = spawn(db).await;
    let (vendor, id) = app.item(2).await;
    let monday = next_monday();
    let ok = app
        .quote(json!({"equipment_id": id, "start": iso(at(monday, 9)), "end": iso(at(monday, 12)), "quantity": 2}))
        .await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert_eq!(ok.body["bookable"], true, "{}", ok.body);
    assert!(reason_codes(&ok).is_empty());
    assert_eq!(
        ok.body["total"],
        json!({"amount": 27000, "currency": "EUR"}),
        "3 h × 45.00 × 2"
    );
    assert!(!ok.body["line_items"].as_array().unwrap().is_empty());

    // Too soon (lead time 2 h), closed at 20:00, more units than the item has.
    let soon = Utc::now() + Duration::minutes(30);
    let broken = app
        .quote(json!({"equipment_id": id, "start": iso(soon), "end": iso(soon + Duration::hours(1)), "quantity": 3}))
        .await;
    let codes = reason_codes(&broken);
    assert_eq!(broken.body["bookable"], false);
    assert!(codes.contains(&"inside_lead_time".to_owned()), "{codes:?}");
    assert!(
        codes.contains(&"quantity_above_item".to_owned()),
        "{codes:?}"
    );
    let late = app
        .quote(
            json!({"equipment_id": id, "start": iso(at(monday, 17)), "end": iso(at(monday, 20))}),
        )
        .await;
    assert_eq!(reason_codes(&late), vec!["end_outside_opening_hours"]);
    // A blackout of every unit makes the window unavailable.
    app.send(
        "POST",
        &format!("/api/v1/equipment/{id}/blackouts"),
        Some(token(&vendor)),
        json!({"start": iso(at(monday, 10)), "end": iso(at(monday, 11))}),
    )
    .await;
    let blocked = app
        .quote(json!({"equipment_id": id, "start": iso(at(monday, 9)), "end": iso(at(monday, 12))}))
        .await;
    assert_eq!(reason_codes(&blocked), vec!["not_enough_units"]);
    app.send(
        "PATCH",
        &format!("/api/v1/equipment/{id}"),
        Some(token(&vendor)),
        json!({"is_active": false}),
    )
    .await;
    let inactive = app
        .quote(
            json!({"equipment_id": id, "start": iso(at(monday, 13)), "end": iso(at(monday, 14))}),
        )
        .await;
    assert_eq!(reason_codes(&inactive), vec!["listing_inactive"]);
}

async fn malformed_quotes_are_422_and_unknown_targets_404(db: TestDb) {
    let app = spawn(db).await;
    let (vendor, id) = app.item(1).await;
    let monday = next_monday();
    let backwards = app
        .quote(
            json!({"equipment_id": id, "start": iso(at(monday, 12)), "end": iso(at(monday, 12))}),
        )
        .await;
    assert_eq!(backwards.field_errors(), vec!["end"]);
    let zero = app
        .quote(json!({"equipment_id": id, "start": iso(at(monday, 9)), "end": iso(at(monday, 10)), "quantity": 0}))
        .await;
    assert_eq!(zero.field_errors(), vec!["quantity"]);
    let neither = app.quote(json!({"quantity": 1})).await;
    neither.assert_problem(422, "validation_failed");
    let both = app
        .quote(json!({"equipment_id": id, "session_id": "s"}))
        .await;
    both.assert_problem(422, "validation_failed");
    app.quote(
        json!({"equipment_id": "nope", "start": iso(at(monday, 9)), "end": iso(at(monday, 10))}),
    )
    .await
    .assert_problem(404, "not_found");
    app.quote(json!({"session_id": "nope", "participants": 2}))
        .await
        .assert_problem(404, "not_found");
    // An adventure is no equipment item, whatever id is sent.
    let tour_id = app.tour_of(&vendor, json!({})).await;
    app.quote(
        json!({"equipment_id": tour_id, "start": iso(at(monday, 9)), "end": iso(at(monday, 10))}),
    )
    .await
    .assert_problem(404, "not_found");
}

async fn sessions_are_scheduled_once_or_weekly_across_dst(db: TestDb) {
    let app = spawn(db).await;
    let vendor = app.vendor("tours@example.com", "Tours").await;
    let id = app
        .tour_of(
            &vendor,
            json!({"title": "Ridge walk", "duration_minutes": 180, "capacity": 10}),
        )
        .await;
    let path = format!("/api/v1/adventures/{id}/sessions");
    let monday = next_monday();
    let single = app
        .send(
            "POST",
            &path,
            Some(token(&vendor)),
            json!({"start": iso(at(monday, 9)), "capacity": 4}),
        )
        .await;
    assert_eq!(single.status, 201, "{}", single.body);
    let created = &single.body[0];
    assert_eq!(
        (created["capacity"].as_i64(), created["seats_left"].as_i64()),
        (Some(4), Some(4))
    );
    assert_eq!(created["end"].as_str().unwrap(), iso(at(monday, 12)));
    // Mondays around Berlin's spring-forward night (2027-03-28): 10:00 local either side.
    let weekly = app
        .send("POST", &path, Some(token(&vendor)), json!({"weekdays": [0], "time": "10:00", "from_date": "2027-03-22", "to_date": "2027-04-04"}))
        .await;
    assert_eq!(weekly.status, 201, "{}", weekly.body);
    let starts: Vec<&str> = weekly
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["start"].as_str().unwrap())
        .collect();
    assert_eq!(starts, vec!["2027-03-22T09:00:00Z", "2027-03-29T08:00:00Z"]);
    assert_eq!(
        weekly.body[0]["capacity"], 10,
        "the offering's capacity by default"
    );
    let past = app
        .send(
            "POST",
            &path,
            Some(token(&vendor)),
            json!({"start": iso(Utc::now() - Duration::hours(1))}),
        )
        .await;
    assert_eq!(past.field_errors(), vec!["start"]);
    let mixed = app
        .send(
            "POST",
            &path,
            Some(token(&vendor)),
            json!({"start": iso(at(monday, 9)), "weekdays": [1]}),
        )
        .await;
    mixed.assert_problem(422, "validation_failed");
    let bad = app
        .send("POST", &path, Some(token(&vendor)), json!({"weekdays": [9], "time": "25:00", "from_date": "2027-04-04", "to_date": "2027-03-01"}))
        .await;
    bad.assert_problem(422, "validation_failed");
    let customer = app.customer("ana@example.com").await;
    app.send(
        "POST",
        &path,
        Some(token(&customer)),
        json!({"start": iso(at(monday, 9))}),
    )
    .await
    .assert_problem(404, "not_found");
    let listed = app
        .get(
            &format!("{path}?from=2027-03-01T00:00:00Z&to=2027-04-30T00:00:00Z"),
            None,
        )
        .await;
    assert_eq!(listed.status, 200, "{}", listed.body);
    assert_eq!(listed.body.as_array().unwrap().len(), 2);
    assert_eq!(app.count("sessions", "1 = 1"), 3);
}

async fn session_quotes_know_capacity_and_cancellation(db: TestDb) {
    let app = spawn(db).await;
    let vendor = app.vendor("tours@example.com", "Tours").await;
    let tour = app
        .send(
            "POST",
            "/api/v1/adventures",
            Some(token(&vendor)),
            json!({
                "category": "wine-tour", "title": "Tasting", "city": "Porto", "country": "PT",
                "currency": "EUR", "price_per_person": 8900, "duration_minutes": 120,
                "capacity": 8, "min_participants": 2, "timezone": "Europe/Lisbon"
            }),
        )
        .await;
    let id = tour.body["id"].as_str().unwrap().to_owned();
    let monday = next_monday();
    let sessions = app
        .send(
            "POST",
            &format!("/api/v1/adventures/{id}/sessions"),
            Some(token(&vendor)),
            json!({"start": iso(at(monday, 15))}),
        )
        .await;
    let session = sessions.body[0]["id"].as_str().unwrap().to_owned();
    let ok = app
        .quote(json!({"session_id": session, "participants": 3}))
        .await;
    assert_eq!(ok.body["bookable"], true, "{}", ok.body);
    assert_eq!(
        ok.body["total"],
        json!({"amount": 26700, "currency": "EUR"})
    );
    let too_many = app
        .quote(json!({"session_id": session, "participants": 9}))
        .await;
    assert_eq!(reason_codes(&too_many), vec!["participants_above_capacity"]);
    let too_few = app
        .quote(json!({"session_id": session, "participants": 1}))
        .await;
    assert_eq!(reason_codes(&too_few), vec!["below_min_participants"]);
    let cancelled = app
        .send(
            "DELETE",
            &format!("/api/v1/adventures/{id}/sessions/{session}"),
            Some(token(&vendor)),
            json!({}),
        )
        .await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.body);
    assert_eq!(
        (
            cancelled.body["status"].as_str(),
            cancelled.body["seats_left"].as_i64()
        ),
        (Some("cancelled"), Some(0))
    );
    let after = app
        .quote(json!({"session_id": session, "participants": 3}))
        .await;
    assert_eq!(reason_codes(&after), vec!["session_cancelled"]);
}
