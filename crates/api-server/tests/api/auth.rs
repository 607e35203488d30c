//! Registration and login.

use actix_web::test::TestRequest;
use persistence::test_support::TestDb;
use serde_json::json;

use crate::both_backends;
use crate::helpers::*;

both_backends!(
    registering_a_customer_returns_tokens_and_an_empty_customer_profile,
    registering_a_vendor_derives_a_unique_slug,
    a_duplicate_email_is_409_whatever_its_case,
    a_taken_explicit_slug_is_409,
    registering_as_admin_is_422,
    invalid_fields_are_422_with_every_field_named,
    common_passwords_and_ones_made_of_the_users_names_are_422,
    unknown_and_server_owned_fields_are_refused,
    malformed_bodies_are_400_non_json_415_and_oversized_413,
    login_returns_a_session,
    a_wrong_password_and_an_unknown_email_get_the_same_401,
    repeated_failed_logins_lock_the_account_with_429,
    the_auth_endpoints_are_rate_limited_per_client_address,
);

async fn registering_a_customer_returns_tokens_and_an_empty_customer_profile(db: TestDb) {
    let app = spawn(db).await;
    let reply = app
        .register(json!({
            "email": "  Ana.Silva@Example.COM ", "password": PASSWORD, "role": "customer",
            "full_name": "Ana Silva", "phone": "+351 912 345 678"
        }))
        .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    let body = &reply.body;
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 900);
    assert!(body["access_token"].as_str().unwrap().split('.').count() == 3);
    assert_eq!(body["refresh_token"].as_str().unwrap().len(), 64);
    let user = &body["user"];
    assert_eq!(user["email"], "ana.silva@example.com");
    assert_eq!(user["role"], "customer");
    assert_eq!(user["full_name"], "Ana Silva");
    assert!(user["created_at"].as_str().unwrap().ends_with('Z'));
    assert!(user["customer_profile"].is_object());
    assert!(user.get("vendor_profile").is_none());
    assert!(user.get("password_hash").is_none());
    assert_eq!(app.count("users", "email = 'ana.silva@example.com'"), 1);
    assert_eq!(app.count("customer_profiles", "1 = 1"), 1);
    assert_eq!(app.count("refresh_tokens", "revoked_at IS NULL"), 1);
    // The stored password is an argon2id hash, not the password.
    assert_eq!(app.count("users", "password_hash LIKE '$argon2id$%'"), 1);
}

async fn registering_a_vendor_derives_a_unique_slug(db: TestDb) {
    let app = spawn(db).await;
    let first = app.vendor("one@example.com", "Blue Lagoon Boats").await;
    let profile = &first["user"]["vendor_profile"];
    assert_eq!(profile["slug"], "blue-lagoon-boats");
    assert_eq!(profile["timezone"], "Europe/Lisbon");
    assert_eq!(profile["country"], "PT");
    let second = app.vendor("two@example.com", "Blue Lagoon Boats!").await;
    assert_eq!(
        second["user"]["vendor_profile"]["slug"],
        "blue-lagoon-boats-2"
    );
    assert_eq!(app.count("vendor_profiles", "1 = 1"), 2);
    assert_eq!(app.count("customer_profiles", "1 = 1"), 0);
}

async fn a_duplicate_email_is_409_whatever_its_case(db: TestDb) {
    let app = spawn(db).await;
    app.customer("ana@example.com").await;
    let reply = app
        .register(
            json!({"email": "ANA@example.com", "password": PASSWORD, "role": "vendor",
            "vendor": {"business_name": "Ana Boats"}}),
        )
        .await;
    reply.assert_problem(409, "email_taken");
    assert_eq!(app.count("users", "1 = 1"), 1);
    assert_eq!(
        app.count("vendor_profiles", "1 = 1"),
        0,
        "nothing half-written"
    );
}

async fn a_taken_explicit_slug_is_409(db: TestDb) {
    let app = spawn(db).await;
    app.vendor("one@example.com", "Blue Lagoon").await;
    let reply = app
        .register(
            json!({"email": "two@example.com", "password": PASSWORD, "role": "vendor",
            "vendor": {"business_name": "Other", "slug": "blue-lagoon"}}),
        )
        .await;
    reply.assert_problem(409, "slug_taken");
    assert_eq!(
        app.count("users", "email = 'two@example.com'"),
        0,
        "user rolled back"
    );
}

async fn registering_as_admin_is_422(db: TestDb) {
    let app = spawn(db).await;
    let reply = app
        .register(json!({"email": "boss@example.com", "password": PASSWORD, "role": "admin"}))
        .await;
    reply.assert_problem(422, "validation_failed");
    assert_eq!(reply.field_errors(), vec!["role"]);
    assert_eq!(app.count("users", "1 = 1"), 0);
}

async fn invalid_fields_are_422_with_every_field_named(db: TestDb) {
    let app = spawn(db).await;
    let reply = app
        .register(json!({
            "email": "not-an-email", "password": "short", "role": "vendor", "phone": "call me",
            "vendor": {"business_name": "", "slug": "Bad Slug", "country": "XX",
                       "timezone": "Mars/Base", "website": "ftp://x"}
        }))
        .await;
    reply.assert_problem(422, "validation_failed");
    let mut fields = reply.field_errors();
    fields.sort();
    assert_eq!(
        fields,
        vec![
            "email",
            "password",
            "phone",
            "vendor.business_name",
            "vendor.country",
            "vendor.slug",
            "vendor.timezone",
            "vendor.website"
        ]
    );
    let long = app
        .register(
            json!({"email": "a@example.com", "password": "x".repeat(129), "role": "customer"}),
        )
        .await;
    assert_eq!(long.field_errors(), vec!["password"]);
    let vendorless = app
        .register(json!({"email": "a@example.com", "password": PASSWORD, "role": "vendor"}))
        .await;
    assert_eq!(vendorless.field_errors(), vec!["vendor"]);
    let missing = app
        .register(json!({"email": "a@example.com", "role": "customer"}))
        .await;
    missing.assert_problem(422, "validation_failed");
    assert_eq!(missing.field_errors(), vec!["password"]);
    assert_eq!(app.count("users", "1 = 1"), 0);
}

async fn common_passwords_and_ones_made_of_the_users_names_are_422(db: TestDb) {
    let app = spawn(db).await;
    for common in ["password", "12345678", "qwertyuiop", "Password123!"] {
        let reply = app
            .register(json!({"email": "ana@example.com", "password": common, "role": "customer"}))
            .await;
        reply.assert_problem(422, "validation_failed");
        assert_eq!(reply.field_errors(), vec!["password"], "{common:?}");
        let message = reply.body["errors"]["password"][0].as_str().unwrap();
        assert!(
            message.starts_with("is too common or too easy to guess"),
            "{message}"
        );
    }
    let own_name = app
        .register(json!({
            "email": "vendor@example.com", "password": "LagoonKayaks2026", "role": "vendor",
            "vendor": {"business_name": "Lagoon Kayaks"}
        }))
        .await;
    own_name.assert_problem(422, "validation_failed");
    assert_eq!(own_name.field_errors(), vec!["password"]);
    assert_eq!(app.count("users", "1 = 1"), 0);
    // The same password is fine for someone else.
    let other = app
        .register(json!({
            "email": "other@example.com", "password": "LagoonKayaks2026", "role": "customer"
        }))
        .await;
    assert_eq!(other.status, 201, "{}", other.body);
}

async fn unknown_and_server_owned_fields_are_refused(db: TestDb) {
    let app = spawn(db).await;
    for (field, value) in [
        ("id", json!("u1")),
        ("created_at", json!("2020-01-01T00:00:00Z")),
        ("is_active", json!(true)),
        ("nickname", json!("x")),
    ] {
        let mut body = json!({"email": "a@example.com", "password": PASSWORD, "role": "customer"});
        body[field] = value;
        let reply = app.register(body).await;
        reply.assert_problem(422, "validation_failed");
        assert_eq!(reply.field_errors(), vec![field.to_owned()]);
    }
    let nested = app
        .register(
            json!({"email": "a@example.com", "password": PASSWORD, "role": "vendor",
            "vendor": {"business_name": "B", "user_id": "x"}}),
        )
        .await;
    assert_eq!(nested.field_errors(), vec!["vendor.user_id"]);
    assert_eq!(app.count("users", "1 = 1"), 0);
}

async fn malformed_bodies_are_400_non_json_415_and_oversized_413(db: TestDb) {
    let app = spawn(db).await;
    let reply = app
        .call(
            TestRequest::post()
                .uri("/api/v1/auth/register")
                .insert_header(("content-type", "application/json"))
                .set_payload("{\"email\": \"a@example.com\", "),
        )
        .await;
    reply.assert_problem(400, "bad_request");
    let reply = app
        .call(
            TestRequest::post()
                .uri("/api/v1/auth/login")
                .insert_header(("content-type", "text/plain"))
                .set_payload("email=a"),
        )
        .await;
    reply.assert_problem(415, "unsupported_media_type");
    let huge = json!({"email": "a@example.com", "password": PASSWORD, "role": "customer",
        "full_name": "x".repeat(70 * 1024)});
    let reply = app.register(huge).await;
    reply.assert_problem(413, "payload_too_large");
    assert_eq!(app.count("users", "1 = 1"), 0);
}

async fn login_returns_a_session(db: TestDb) {
    let app = spawn(db).await;
    app.vendor("shop@example.com", "Shop").await;
    let reply = app.login(" SHOP@example.com", PASSWORD).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.body["user"]["role"], "vendor");
    assert_eq!(reply.body["user"]["vendor_profile"]["slug"], "shop");
    let me = app.get("/api/v1/me", Some(token(&reply.body))).await;
    assert_eq!(me.status, 200);
    assert_eq!(me.body["email"], "shop@example.com");
    assert_eq!(app.count("refresh_tokens", "1 = 1"), 2, "one per login");
}

async fn a_wrong_password_and_an_unknown_email_get_the_same_401(db: TestDb) {
    let app = spawn(db).await;
    app.customer("ana@example.com").await;
    let wrong = app.login("ana@example.com", "wrong password").await;
    let unknown = app.login("nobody@example.com", "wrong password").await;
    wrong.assert_problem(401, "invalid_credentials");
    unknown.assert_problem(401, "invalid_credentials");
    assert_eq!(wrong.body, unknown.body);
    let malformed = app.login("not an email", "whatever").await;
    assert_eq!(malformed.body, wrong.body);
    assert_eq!(app.count("login_failures", "1 = 1"), 2);
}

async fn repeated_failed_logins_lock_the_account_with_429(db: TestDb) {
    let mut settings = settings(&db);
    settings.login_max_failures = 3;
    let app = spawn_with(db, settings).await;
    app.customer("ana@example.com").await;
    for _ in 0..3 {
        app.login("ana@example.com", "wrong password")
            .await
            .assert_problem(401, "invalid_credentials");
    }
    // Even the right password is refused while the account is locked.
    let locked = app.login("ana@example.com", PASSWORD).await;
    locked.assert_problem(429, "rate_limited");
    let retry_after: u64 = locked.header("retry-after").parse().unwrap();
    assert!((1..=900).contains(&retry_after), "{retry_after}");
    // Unknown addresses are throttled alike, so a 429 reveals nothing.
    for _ in 0..3 {
        app.login("ghost@example.com", "wrong password").await;
    }
    app.login("ghost@example.com", "wrong password")
        .await
        .assert_problem(429, "rate_limited");
    // Other accounts are unaffected.
    app.customer("bo@example.com").await;
    assert_eq!(app.login("bo@example.com", PASSWORD).await.status, 200);
    // Once the failures are older than the window the account opens again.
    app.execute("UPDATE login_failures SET failed_at = '2000-01-01 00:00:00'");
    assert_eq!(app.login("ana@example.com", PASSWORD).await.status, 200);
    assert_eq!(
        app.count("login_failures", "email = 'ana@example.com'"),
        0,
        "cleared by success"
    );
}

async fn the_auth_endpoints_are_rate_limited_per_client_address(db: TestDb) {
    let mut settings = settings(&db);
    settings.auth_rate_limit = 3;
    let app = spawn_with(db, settings).await;
    let from = |ip: &str, email: &str| {
        TestRequest::post()
            .uri("/api/v1/auth/login")
            .peer_addr(format!("{ip}:40000").parse().unwrap())
            .set_json(json!({"email": email, "password": "wrong password"}))
    };
    for i in 0..3 {
        let reply = app
            .call(from("203.0.113.7", &format!("u{i}@example.com")))
            .await;
        assert_eq!(reply.status, 401);
    }
    let limited = app.call(from("203.0.113.7", "u9@example.com")).await;
    limited.assert_problem(429, "rate_limited");
    assert!(limited.headers.contains_key("retry-after"));
    // Refresh shares the per-address budget.
    let refresh = app
        .call(
            TestRequest::post()
                .uri("/api/v1/auth/refresh")
                .peer_addr("203.0.113.7:40000".parse().unwrap())
                .set_json(json!({"refresh_token": "x"})),
        )
        .await;
    refresh.assert_problem(429, "rate_limited");
    // Another address has its own budget.
    assert_eq!(
        app.call(from("198.51.100.2", "u0@example.com"))
            .await
            .status,
        401
    );
    // One account is limited across addresses too.
    for ip in ["198.51.100.3", "198.51.100.4"] {
        assert_eq!(app.call(from(ip, "target@example.com")).await.status, 401);
    }
    let third = app.call(from("198.51.100.5", "target@example.com")).await;
    assert_eq!(third.status, 401);
    let fourth = app.call(from("198.51.100.6", "target@example.com")).await;
    fourth.assert_problem(429, "rate_limited");
}
