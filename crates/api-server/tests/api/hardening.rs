//! What a client may not send: control characters, bodies that are not JSON objects,
//! unsupported methods; and what every response carries (security headers).

use actix_web::test::TestRequest;
use persistence::test_support::TestDb;
use serde_json::{json, Value};

use crate::both_backends;
use crate::helpers::*;

both_backends!(
    control_characters_in_queries_are_400_naming_the_parameter,
    control_characters_in_bodies_are_422_naming_the_field_and_change_nothing,
    control_characters_in_paths_and_upload_forms_are_refused,
    line_breaks_are_kept_in_free_text,
    a_body_that_is_not_a_json_object_is_400_and_changes_nothing,
    unsupported_methods_on_existing_paths_are_405_with_allow,
    responses_carry_security_headers_and_tokens_are_never_cached,
);

async fn control_characters_in_queries_are_400_naming_the_parameter(db: TestDb) {
    let app = spawn(db).await;
    for list in ["equipment", "adventures"] {
        for parameter in ["q", "location", "vendor", "category"] {
            for value in ["a%00b", "a%0Ab", "%7F", "x%C2%85"] {
                let reply = app
                    .get(&format!("/api/v1/{list}?{parameter}={value}"), None)
                    .await;
                reply.assert_problem(400, "bad_request");
                assert_eq!(reply.field_errors(), vec![parameter.to_owned()], "{list}");
            }
        }
    }
    // The same characters percent-encoded as text are fine.
    let reply = app.get("/api/v1/equipment?q=%2500", None).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
}

async fn control_characters_in_bodies_are_422_naming_the_field_and_change_nothing(db: TestDb) {
    let app = spawn(db).await;
    let vendor = app.vendor("shop@example.com", "Shop").await;
    let customer = app.customer("ana@example.com").await;
    let boat = app.boat_of(&vendor, json!({})).await;
    let day = next_monday();
    let slot = json!({"equipment_id": boat, "start": iso(at(day, 9)), "end": iso(at(day, 11)), "quantity": 1});

    let mut with_nul = slot.clone();
    with_nul["notes"] = json!("two kids\u{0}");
    let reply = app
        .send("POST", "/api/v1/bookings", Some(token(&customer)), with_nul)
        .await;
    reply.assert_problem(422, "validation_failed");
    assert_eq!(reply.field_errors(), ["notes"]);

    let mut trailing = slot.clone();
    trailing["equipment_id"] = json!(format!("{boat}\u{0}"));
    let reply = app
        .send(
            "POST",
            "/api/v1/bookings",
            Some(token(&customer)),
            trailing.clone(),
        )
        .await;
    reply.assert_problem(422, "validation_failed");
    assert_eq!(reply.field_errors(), ["equipment_id"]);
    let reply = app.post("/api/v1/quotes", trailing).await;
    assert_eq!(reply.field_errors(), ["equipment_id"], "{}", reply.body);
    assert_eq!(app.count("bookings", "1 = 1"), 0);

    let reply = app
        .send(
            "POST",
            &format!("/api/v1/equipment/{boat}/blackouts"),
            Some(token(&vendor)),
            json!({"start": iso(at(day, 9)), "end": iso(at(day, 11)), "reason": "dock\u{0}"}),
        )
        .await;
    reply.assert_problem(422, "validation_failed");
    assert_eq!(reply.field_errors(), ["reason"]);
    assert_eq!(app.count("blackouts", "1 = 1"), 0);

    let booked = app
        .send("POST", "/api/v1/bookings", Some(token(&customer)), slot)
        .await;
    assert_eq!(booked.status, 201, "{}", booked.body);
    let id = booked.body["id"].as_str().unwrap();
    let reply = app
        .send(
            "POST",
            &format!("/api/v1/bookings/{id}/cancel"),
            Some(token(&vendor)),
            json!({"reason": "storm\u{0}"}),
        )
        .await;
    reply.assert_problem(422, "validation_failed");
    assert_eq!(reply.field_errors(), ["reason"]);
    let detail = app
        .get(&format!("/api/v1/bookings/{id}"), Some(token(&customer)))
        .await;
    assert_eq!(detail.body["status"], "requested");

    let reply = app
        .send(
            "PATCH",
            "/api/v1/me",
            Some(token(&customer)),
            json!({"full_name": "Ana\u{1b}[31m"}),
        )
        .await;
    reply.assert_problem(422, "validation_failed");
    assert_eq!(reply.field_errors(), ["full_name"]);
    let reply = app
        .send(
            "PATCH",
            "/api/v1/me",
            Some(token(&customer)),
            json!({"full_name": "Ana\nLima"}),
        )
        .await;
    assert_eq!(
        reply.field_errors(),
        ["full_name"],
        "one-line fields refuse line breaks"
    );
    assert_eq!(app.count("users", "full_name IS NOT NULL"), 0);
}

async fn control_characters_in_paths_and_upload_forms_are_refused(db: TestDb) {
    let app = spawn(db).await;
    let vendor = app.vendor("shop@example.com", "Shop").await;
    let boat = app.boat_of(&vendor, json!({})).await;
    for path in [
        format!("/api/v1/equipment/{boat}%00"),
        "/api/v1/vendors/shop%00".to_owned(),
    ] {
        let reply = app.get(&path, Some(token(&vendor))).await;
        reply.assert_problem(400, "bad_request");
        assert_eq!(reply.field_errors(), ["path"]);
    }
    let png = include_bytes!("../../../domain-catalog/tests/fixtures/tiny.png");
    for (alt_text, expected) in [
        (&b"sunset\x00"[..], "must not contain control characters"),
        (&b"\xff\xfe"[..], "must be UTF-8 text"),
    ] {
        let (content_type, body) = multipart(&[
            ("file", Some("boat.png"), "image/png", png),
            ("alt_text", None, "text/plain", alt_text),
        ]);
        let reply = app
            .call(
                TestRequest::post()
                    .uri(&format!("/api/v1/equipment/{boat}/images"))
                    .insert_header(("authorization", format!("Bearer {}", token(&vendor))))
                    .insert_header(("content-type", content_type))
                    .set_payload(body),
            )
            .await;
        reply.assert_problem(422, "validation_failed");
        assert_eq!(reply.body["errors"]["alt_text"][0], expected);
    }
    assert_eq!(app.count("listing_images", "1 = 1"), 0);
}

async fn line_breaks_are_kept_in_free_text(db: TestDb) {
    let app = spawn(db).await;
    let vendor = app.vendor("shop@example.com", "Shop").await;
    let description = "Line one\nLine two\r\n\tindented";
    let boat = app
        .boat_of(&vendor, json!({"description": description}))
        .await;
    let detail = app.get(&format!("/api/v1/equipment/{boat}"), None).await;
    assert_eq!(detail.body["description"], description);
}

async fn a_body_that_is_not_a_json_object_is_400_and_changes_nothing(db: TestDb) {
    let app = spawn(db).await;
    let customer = app.customer("ana@example.com").await;
    let reply = app
        .post("/api/v1/auth/login", json!(["ana@example.com", PASSWORD]))
        .await;
    reply.assert_problem(400, "bad_request");
    assert!(reply.body.get("access_token").is_none());
    for body in [
        json!(["Ana", "+351912345678"]),
        json!("Ana"),
        json!(7),
        Value::Null,
    ] {
        let reply = app
            .send("PATCH", "/api/v1/me", Some(token(&customer)), body.clone())
            .await;
        reply.assert_problem(400, "bad_request");
        assert_eq!(
            reply.body["detail"],
            "the request body must be a JSON object"
        );
    }
    assert_eq!(
        app.count("users", "full_name IS NOT NULL OR phone IS NOT NULL"),
        0
    );
    let reply = app
        .register(json!(["bob@example.com", PASSWORD, "customer"]))
        .await;
    reply.assert_problem(400, "bad_request");
    assert_eq!(app.count("users", "1 = 1"), 1);
}

async fn unsupported_methods_on_existing_paths_are_405_with_allow(db: TestDb) {
    let app = spawn(db).await;
    let customer = app.customer("ana@example.com").await;
    for (method, path, allow) in [
        ("DELETE", "/api/v1/me", "GET, PATCH"),
        ("PUT", "/api/v1/bookings", "GET, POST"),
        ("PUT", "/api/v1/equipment/some-id", "GET, DELETE, PATCH"),
        ("POST", "/api/v1/equipment/categories", "GET"),
        ("DELETE", "/health/ready", "GET"),
    ] {
        let reply = app
            .send(method, path, Some(token(&customer)), json!({}))
            .await;
        reply.assert_problem(405, "method_not_allowed");
        assert_eq!(reply.header("allow"), allow, "{method} {path}");
    }
    let reply = app.send("GET", "/api/v1/auth/login", None, json!({})).await;
    assert_eq!(reply.status, 405);
    assert_eq!(reply.header("allow"), "POST");
    // What does not exist under any method stays 404.
    app.send("PUT", "/api/v1/no-such-thing", None, json!({}))
        .await
        .assert_problem(404, "not_found");
}

async fn responses_carry_security_headers_and_tokens_are_never_cached(db: TestDb) {
    let app = spawn(db).await;
    let vendor = app.vendor("shop@example.com", "Shop").await;
    let boat = app.boat_of(&vendor, json!({})).await;
    let png = include_bytes!("../../../domain-catalog/tests/fixtures/tiny.png");
    let (content_type, body) = multipart(&[("file", Some("boat.png"), "image/png", png)]);
    let image = app
        .call(
            TestRequest::post()
                .uri(&format!("/api/v1/equipment/{boat}/images"))
                .insert_header(("authorization", format!("Bearer {}", token(&vendor))))
                .insert_header(("content-type", content_type))
                .set_payload(body),
        )
        .await;
    assert_eq!(image.status, 201, "{}", image.body);
    let media = image.body["url"].as_str().unwrap().to_owned();
    let data_csp = "default-src 'none'; frame-ancestors 'none'";
    for (path, csp) in [
        ("/api/v1/equipment".to_owned(), data_csp),
        ("/api/v1/nowhere".to_owned(), data_csp),
        (media.clone(), data_csp),
        ("/api-docs/openapi.json".to_owned(), data_csp),
        ("/swagger-ui/".to_owned(), ""),
    ] {
        let reply = app.get(&path, None).await;
        assert_eq!(reply.header("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(reply.header("referrer-policy"), "no-referrer", "{path}");
        assert_eq!(reply.header("content-security-policy"), csp, "{path}");
    }
    assert!(media.starts_with("/media/"), "{media}");

    let registered = app
        .register(json!({"email": "ana@example.com", "password": PASSWORD, "role": "customer"}))
        .await;
    let logged_in = app.login("ana@example.com", PASSWORD).await;
    let refreshed = app
        .post(
            "/api/v1/auth/refresh",
            json!({"refresh_token": refresh_token(&logged_in.body)}),
        )
        .await;
    for reply in [&registered, &logged_in, &refreshed] {
        assert!(reply.status.is_success(), "{}", reply.body);
        assert_eq!(reply.header("cache-control"), "no-store");
        assert_eq!(reply.header("pragma"), "no-cache");
    }
}
