//! The caller's account, password and profiles.

use persistence::test_support::TestDb;
use serde_json::json;

use crate::both_backends;
use crate::helpers::*;

both_backends!(
    me_returns_the_caller_with_the_profile_of_their_role,
    patching_me_sets_and_clears_fields_and_refuses_role_changes,
    a_password_change_needs_the_current_password_and_revokes_every_token,
    a_common_new_password_or_one_made_of_the_users_names_is_422,
    vendors_read_and_change_their_vendor_profile,
    a_taken_slug_on_a_profile_change_is_409,
    customers_read_and_change_their_customer_profile,
    profiles_of_another_role_are_403,
);

async fn me_returns_the_caller_with_the_profile_of_their_role(db: TestDb) {
    let app = spawn(db).await;
    let customer = app.customer("ana@example.com").await;
    let vendor = app.vendor("shop@example.com", "Shop").await;
    let me = app.get("/api/v1/me", Some(token(&customer))).await;
    assert_eq!(me.status, 200);
    assert_eq!(me.body["id"], customer["user"]["id"]);
    assert!(me.body["customer_profile"].is_object());
    let me = app.get("/api/v1/me", Some(token(&vendor))).await;
    assert_eq!(me.body["role"], "vendor");
    assert_eq!(me.body["vendor_profile"]["business_name"], "Shop");
}

async fn patching_me_sets_and_clears_fields_and_refuses_role_changes(db: TestDb) {
    let app = spawn(db).await;
    let session = app.customer("ana@example.com").await;
    let t = token(&session);
    let reply = app
        .send(
            "PATCH",
            "/api/v1/me",
            Some(t),
            json!({"full_name": "Ana Silva", "phone": "+351 912 345 678"}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.body["full_name"], "Ana Silva");
    assert_eq!(reply.body["phone"], "+351 912 345 678");
    // Absent keeps, null clears.
    let reply = app
        .send("PATCH", "/api/v1/me", Some(t), json!({"phone": null}))
        .await;
    assert_eq!(reply.body["full_name"], "Ana Silva");
    assert!(reply.body["phone"].is_null());
    for forbidden in [
        json!({"role": "admin"}),
        json!({"email": "x@example.com"}),
        json!({"id": "1"}),
    ] {
        let reply = app.send("PATCH", "/api/v1/me", Some(t), forbidden).await;
        reply.assert_problem(422, "validation_failed");
    }
    let reply = app
        .send("PATCH", "/api/v1/me", Some(t), json!({"phone": "call me"}))
        .await;
    assert_eq!(reply.field_errors(), vec!["phone"]);
    assert_eq!(
        app.count(
            "users",
            "role = 'customer' AND email = 'ana@example.com' AND phone IS NULL"
        ),
        1
    );
    app.send("PATCH", "/api/v1/me", None, json!({"phone": null}))
        .await
        .assert_problem(401, "unauthorized");
}

async fn a_password_change_needs_the_current_password_and_revokes_every_token(db: TestDb) {
    let app = spawn(db).await;
    let session = app.customer("ana@example.com").await;
    let t = token(&session).to_owned();
    let wrong = app
        .send(
            "POST",
            "/api/v1/me/password",
            Some(&t),
            json!({"current_password": "guess guess", "new_password": "new password 42"}),
        )
        .await;
    wrong.assert_problem(422, "validation_failed");
    assert_eq!(wrong.field_errors(), vec!["current_password"]);
    let weak = app
        .send(
            "POST",
            "/api/v1/me/password",
            Some(&t),
            json!({"current_password": PASSWORD, "new_password": "short"}),
        )
        .await;
    assert_eq!(weak.field_errors(), vec!["new_password"]);
    assert_eq!(
        app.login("ana@example.com", PASSWORD).await.status,
        200,
        "unchanged so far"
    );

    let changed = app
        .send(
            "POST",
            "/api/v1/me/password",
            Some(&t),
            json!({"current_password": PASSWORD, "new_password": "new password 42"}),
        )
        .await;
    assert_eq!(changed.status, 204, "{}", changed.body);
    app.get("/api/v1/me", Some(&t))
        .await
        .assert_problem(401, "unauthorized");
    app.post(
        "/api/v1/auth/refresh",
        json!({"refresh_token": refresh_token(&session)}),
    )
    .await
    .assert_problem(401, "invalid_refresh_token");
    assert_eq!(app.count("refresh_tokens", "revoked_at IS NULL"), 0);
    app.login("ana@example.com", PASSWORD)
        .await
        .assert_problem(401, "invalid_credentials");
    let fresh = app.login("ana@example.com", "new password 42").await;
    assert_eq!(fresh.status, 200);
    assert_eq!(
        app.get("/api/v1/me", Some(token(&fresh.body))).await.status,
        200
    );
}

async fn a_common_new_password_or_one_made_of_the_users_names_is_422(db: TestDb) {
    let app = spawn(db).await;
    let session = app.vendor("shop@example.com", "Lagoon Kayaks").await;
    let t = token(&session).to_owned();
    for new in ["password", "12345678", "qwertyuiop", "LagoonKayaks2026"] {
        let reply = app
            .send(
                "POST",
                "/api/v1/me/password",
                Some(&t),
                json!({"current_password": PASSWORD, "new_password": new}),
            )
            .await;
        reply.assert_problem(422, "validation_failed");
        assert_eq!(reply.field_errors(), vec!["new_password"], "{new:?}");
        let message = reply.body["errors"]["new_password"][0].as_str().unwrap();
        assert!(
            message.starts_with("is too common or too easy to guess"),
            "{message}"
        );
    }
    // Nothing changed: the old password and the token still work.
    assert_eq!(app.get("/api/v1/me", Some(&t)).await.status, 200);
    assert_eq!(app.login("shop@example.com", PASSWORD).await.status, 200);
}

async fn vendors_read_and_change_their_vendor_profile(db: TestDb) {
    let app = spawn(db).await;
    let session = app.vendor("shop@example.com", "Shop").await;
    let t = token(&session);
    let profile = app.get("/api/v1/me/vendor-profile", Some(t)).await;
    assert_eq!(profile.status, 200);
    assert_eq!(profile.body["slug"], "shop");
    let reply = app
        .send("PATCH", "/api/v1/me/vendor-profile", Some(t), json!({
            "business_name": "Shop & Sail", "slug": "shop-and-sail", "timezone": "America/New_York",
            "website": "https://shop.example", "country": "us", "description": null
        }))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.body["slug"], "shop-and-sail");
    assert_eq!(reply.body["country"], "US");
    assert_eq!(reply.body["timezone"], "America/New_York");
    let invalid = app
        .send(
            "PATCH",
            "/api/v1/me/vendor-profile",
            Some(t),
            json!({"timezone": "Atlantis/Capital", "contact_email": "nope", "slug": "-x-"}),
        )
        .await;
    let mut fields = invalid.field_errors();
    fields.sort();
    assert_eq!(fields, vec!["contact_email", "slug", "timezone"]);
    assert_eq!(
        app.count(
            "vendor_profiles",
            "slug = 'shop-and-sail' AND timezone = 'America/New_York'"
        ),
        1
    );
    let unknown = app
        .send(
            "PATCH",
            "/api/v1/me/vendor-profile",
            Some(t),
            json!({"user_id": "other"}),
        )
        .await;
    assert_eq!(unknown.field_errors(), vec!["user_id"]);
}

async fn a_taken_slug_on_a_profile_change_is_409(db: TestDb) {
    let app = spawn(db).await;
    app.vendor("one@example.com", "First Boats").await;
    let second = app.vendor("two@example.com", "Second Boats").await;
    let reply = app
        .send(
            "PATCH",
            "/api/v1/me/vendor-profile",
            Some(token(&second)),
            json!({"slug": "first-boats"}),
        )
        .await;
    reply.assert_problem(409, "slug_taken");
    assert_eq!(app.count("vendor_profiles", "slug = 'second-boats'"), 1);
}

async fn customers_read_and_change_their_customer_profile(db: TestDb) {
    let app = spawn(db).await;
    let session = app.customer("ana@example.com").await;
    let t = token(&session);
    let empty = app.get("/api/v1/me/customer-profile", Some(t)).await;
    assert_eq!(empty.status, 200);
    assert!(empty.body["display_name"].is_null());
    let reply = app
        .send(
            "PATCH",
            "/api/v1/me/customer-profile",
            Some(t),
            json!({
                "display_name": "Ana", "phone": "+1 555 0100 200",
                "emergency_contact": "Rui, +351 900 000 000", "driver_license_number": "PT-1234567"
            }),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.body["driver_license_number"], "PT-1234567");
    let cleared = app
        .send(
            "PATCH",
            "/api/v1/me/customer-profile",
            Some(t),
            json!({"driver_license_number": null}),
        )
        .await;
    assert!(cleared.body["driver_license_number"].is_null());
    assert_eq!(cleared.body["display_name"], "Ana");
    let invalid = app
        .send(
            "PATCH",
            "/api/v1/me/customer-profile",
            Some(t),
            json!({"phone": "???"}),
        )
        .await;
    assert_eq!(invalid.field_errors(), vec!["phone"]);
    assert_eq!(
        app.count(
            "customer_profiles",
            "display_name = 'Ana' AND driver_license_number IS NULL"
        ),
        1
    );
}

async fn profiles_of_another_role_are_403(db: TestDb) {
    let app = spawn(db).await;
    let customer = app.customer("ana@example.com").await;
    let vendor = app.vendor("shop@example.com", "Shop").await;
    app.get("/api/v1/me/vendor-profile", Some(token(&customer)))
        .await
        .assert_problem(403, "forbidden");
    app.send(
        "PATCH",
        "/api/v1/me/vendor-profile",
        Some(token(&customer)),
        json!({"slug": "mine"}),
    )
    .await
    .assert_problem(403, "forbidden");
    app.get("/api/v1/me/customer-profile", Some(token(&vendor)))
        .await
        .assert_problem(403, "forbidden");
    app.send(
        "PATCH",
        "/api/v1/me/customer-profile",
        Some(token(&vendor)),
        json!({"phone": null}),
    )
    .await
    .assert_problem(403, "forbidden");
    assert_eq!(app.count("vendor_profiles", "slug = 'mine'"), 0);
    assert_eq!(app.count("customer_profiles", "1 = 1"), 1);
}
