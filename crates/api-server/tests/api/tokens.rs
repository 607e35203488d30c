//! Access tokens, refresh rotation and reuse detection, logout.

use chrono::Utc;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use persistence::test_support::TestDb;
use serde_json::{json, Value};

use crate::both_backends;
use crate::helpers::*;

both_backends!(
    refresh_rotates_the_pair_and_the_old_token_stops_working,
    reusing_a_rotated_refresh_token_revokes_the_whole_login,
    two_simultaneous_refreshes_of_one_token_cannot_both_win,
    logout_revokes_the_refresh_token_and_is_idempotent,
    expired_tampered_or_foreign_access_tokens_are_401,
    a_disabled_account_loses_access_at_once,
);

async fn refresh_rotates_the_pair_and_the_old_token_stops_working(db: TestDb) {
    let app = spawn(db).await;
    let session = app.customer("ana@example.com").await;
    let first = refresh_token(&session).to_owned();
    let reply = app
        .post("/api/v1/auth/refresh", json!({"refresh_token": first}))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.body["token_type"], "Bearer");
    let second = refresh_token(&reply.body).to_owned();
    assert_ne!(first, second);
    assert_eq!(
        app.get("/api/v1/me", Some(token(&reply.body))).await.status,
        200
    );
    let third = app
        .post("/api/v1/auth/refresh", json!({"refresh_token": second}))
        .await;
    assert_eq!(third.status, 200);
    let unknown = app
        .post("/api/v1/auth/refresh", json!({"refresh_token": "nope"}))
        .await;
    unknown.assert_problem(401, "invalid_refresh_token");
}

async fn reusing_a_rotated_refresh_token_revokes_the_whole_login(db: TestDb) {
    let app = spawn(db).await;
    let session = app.customer("ana@example.com").await;
    let other_login = app.login("ana@example.com", PASSWORD).await.body;
    let stolen = refresh_token(&session).to_owned();
    let rotated = app
        .post("/api/v1/auth/refresh", json!({"refresh_token": stolen}))
        .await;
    let current = refresh_token(&rotated.body).to_owned();
    // The attacker replays the old token: refused, and the legitimate successor dies too.
    app.post("/api/v1/auth/refresh", json!({"refresh_token": stolen}))
        .await
        .assert_problem(401, "invalid_refresh_token");
    app.post("/api/v1/auth/refresh", json!({"refresh_token": current}))
        .await
        .assert_problem(401, "invalid_refresh_token");
    // Another login of the same account is a different family and keeps working.
    let other = app
        .post(
            "/api/v1/auth/refresh",
            json!({"refresh_token": refresh_token(&other_login)}),
        )
        .await;
    assert_eq!(other.status, 200);
}

async fn two_simultaneous_refreshes_of_one_token_cannot_both_win(db: TestDb) {
    let app = spawn(db).await;
    let session = app.customer("ana@example.com").await;
    let presented = refresh_token(&session).to_owned();
    let body = json!({"refresh_token": presented});
    let (a, b) = futures_join(
        app.post("/api/v1/auth/refresh", body.clone()),
        app.post("/api/v1/auth/refresh", body),
    )
    .await;
    let wins = [a.status, b.status]
        .iter()
        .filter(|s| s.as_u16() == 200)
        .count();
    assert!(wins <= 1, "both refreshes succeeded");
    assert_eq!(app.count("refresh_tokens", "used_at IS NOT NULL"), 1);
}

async fn futures_join<A: std::future::Future, B: std::future::Future>(
    a: A,
    b: B,
) -> (A::Output, B::Output) {
    tokio::join!(a, b)
}

async fn logout_revokes_the_refresh_token_and_is_idempotent(db: TestDb) {
    let app = spawn(db).await;
    let session = app.customer("ana@example.com").await;
    let refresh = refresh_token(&session).to_owned();
    let reply = app
        .post("/api/v1/auth/logout", json!({"refresh_token": refresh}))
        .await;
    assert_eq!(reply.status, 204);
    app.post("/api/v1/auth/refresh", json!({"refresh_token": refresh}))
        .await
        .assert_problem(401, "invalid_refresh_token");
    assert_eq!(
        app.post("/api/v1/auth/logout", json!({"refresh_token": refresh}))
            .await
            .status,
        204
    );
    assert_eq!(app.count("refresh_tokens", "revoked_at IS NOT NULL"), 1);
}

fn sign(claims: &Value, secret: &str, algorithm: Algorithm) -> String {
    jsonwebtoken::encode(
        &Header::new(algorithm),
        claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap()
}

async fn expired_tampered_or_foreign_access_tokens_are_401(db: TestDb) {
    let app = spawn(db).await;
    let session = app.customer("ana@example.com").await;
    let user_id = session["user"]["id"].as_str().unwrap().to_owned();
    let now = Utc::now().timestamp();
    let claims = |patch: Value| {
        let mut claims = json!({
            "sub": user_id, "role": "customer", "iss": "watertrek", "aud": "watertrek-api",
            "iat": now, "exp": now + 600, "typ": "access", "ver": 0
        });
        for (key, value) in patch.as_object().unwrap() {
            if value.is_null() {
                claims.as_object_mut().unwrap().remove(key);
            } else {
                claims[key] = value.clone();
            }
        }
        claims
    };
    // A token made the same way as ours is accepted: the cases below fail for their reason.
    let good = sign(&claims(json!({})), JWT_SECRET, Algorithm::HS256);
    assert_eq!(app.get("/api/v1/me", Some(&good)).await.status, 200);

    let mut tampered = token(&session).to_owned();
    let payload_start = tampered.find('.').unwrap() + 1;
    tampered.replace_range(payload_start..payload_start + 1, "X");
    let cases = [
        ("missing", None),
        ("garbage", Some("not-a-jwt".to_owned())),
        ("tampered", Some(tampered)),
        (
            "expired",
            Some(sign(
                &claims(json!({"iat": now - 2000, "exp": now - 1000})),
                JWT_SECRET,
                Algorithm::HS256,
            )),
        ),
        (
            "no exp",
            Some(sign(
                &claims(json!({"exp": null})),
                JWT_SECRET,
                Algorithm::HS256,
            )),
        ),
        (
            "wrong audience",
            Some(sign(
                &claims(json!({"aud": "billing"})),
                JWT_SECRET,
                Algorithm::HS256,
            )),
        ),
        (
            "wrong issuer",
            Some(sign(
                &claims(json!({"iss": "evil"})),
                JWT_SECRET,
                Algorithm::HS256,
            )),
        ),
        (
            "not an access token",
            Some(sign(
                &claims(json!({"typ": "refresh"})),
                JWT_SECRET,
                Algorithm::HS256,
            )),
        ),
        (
            "wrong key",
            Some(sign(
                &claims(json!({})),
                "another-secret-another-secret-12345",
                Algorithm::HS256,
            )),
        ),
        (
            "other algorithm",
            Some(sign(&claims(json!({})), JWT_SECRET, Algorithm::HS384)),
        ),
        (
            "stale version",
            Some(sign(
                &claims(json!({"ver": 7})),
                JWT_SECRET,
                Algorithm::HS256,
            )),
        ),
        (
            "unknown user",
            Some(sign(
                &claims(json!({"sub": "nobody"})),
                JWT_SECRET,
                Algorithm::HS256,
            )),
        ),
    ];
    for (case, token) in cases {
        let reply = app.get("/api/v1/me", token.as_deref()).await;
        assert_eq!(reply.status, 401, "{case}: {}", reply.body);
        reply.assert_problem(401, "unauthorized");
        assert_eq!(reply.header("www-authenticate"), "Bearer", "{case}");
    }
}

async fn a_disabled_account_loses_access_at_once(db: TestDb) {
    let app = spawn(db).await;
    let session = app.customer("ana@example.com").await;
    app.execute("UPDATE users SET is_active = FALSE");
    app.get("/api/v1/me", Some(token(&session)))
        .await
        .assert_problem(401, "unauthorized");
    app.post(
        "/api/v1/auth/refresh",
        json!({"refresh_token": refresh_token(&session)}),
    )
    .await
    .assert_problem(401, "invalid_refresh_token");
    app.login("ana@example.com", PASSWORD)
        .await
        .assert_problem(401, "invalid_credentials");
}
