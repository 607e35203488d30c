//! Health, outage behaviour, OpenAPI, Swagger UI, unknown routes, a real listening server.

use std::io::{Read, Write};

use actix_web::{web, HttpServer};
use api_server::state::AppState;
use persistence::test_support::{unreachable_pool, unreachable_target, TestDb};
use serde_json::{json, Value};

use crate::both_backends;
use crate::helpers::*;

both_backends!(
    health_endpoints_answer_when_the_database_is_up,
    readiness_does_not_queue_behind_requests,
    responses_carry_a_request_id,
    password_hashing_beyond_the_cap_waits_until_the_deadline_then_503,
);

async fn health_endpoints_answer_when_the_database_is_up(db: TestDb) {
    let app = spawn(db).await;
    let live = app.get("/health/live", None).await;
    assert_eq!(
        (live.status.as_u16(), live.body["status"].as_str()),
        (200, Some("ok"))
    );
    let ready = app.get("/health/ready", None).await;
    assert_eq!(ready.status, 200);
}

async fn readiness_does_not_queue_behind_requests(db: TestDb) {
    let mut settings = settings(&db);
    settings.db_wait = std::time::Duration::from_secs(30);
    let app = spawn_with(db, settings).await;
    // Every permit of the request queue is taken by work that waits for a signal...
    let permits = app.state.pool.max_size();
    let mut releases = Vec::new();
    let mut holders = Vec::new();
    for _ in 0..permits {
        let (release, wait) = std::sync::mpsc::channel::<()>();
        let gate = app.state.db_gate.clone();
        releases.push(release);
        holders.push(actix_web::rt::spawn(async move {
            gate.run(move || wait.recv()).await
        }));
    }
    for _ in 0..500 {
        if app.state.pool.state().connections > 0 && holders.iter().all(|h| !h.is_finished()) {
            break;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(2)).await;
    }
    actix_web::rt::time::sleep(std::time::Duration::from_millis(50)).await;
    // ... and readiness still answers at once from its own connection.
    let started = std::time::Instant::now();
    let ready = app.get("/health/ready", None).await;
    assert_eq!(ready.status, 200, "{}", ready.body);
    assert!(started.elapsed() < std::time::Duration::from_secs(1));
    drop(releases);
    for holder in holders {
        holder.await.unwrap().unwrap().ok();
    }
}

async fn password_hashing_beyond_the_cap_waits_until_the_deadline_then_503(db: TestDb) {
    let mut settings = settings(&db);
    settings.password_hashing_concurrency = 1;
    settings.db_wait = std::time::Duration::from_millis(300);
    let app = spawn_with(db, settings).await;
    let session = app.customer("ana@example.com").await;
    let t = token(&session).to_owned();
    // Someone else's hash holds the only permit ...
    let permit = app
        .state
        .hashing_gate
        .acquire_until(std::time::Instant::now() + std::time::Duration::from_secs(1))
        .await
        .unwrap();
    // ... so every call that hashes waits for it until its deadline, then gets 503.
    let started = std::time::Instant::now();
    let login = app.login("ana@example.com", PASSWORD).await;
    let took = started.elapsed();
    login.assert_problem(503, "service_unavailable");
    assert!(
        took >= std::time::Duration::from_millis(290) && took < std::time::Duration::from_secs(2),
        "{took:?}"
    );
    app.register(json!({"email": "ben@example.com", "password": PASSWORD, "role": "customer"}))
        .await
        .assert_problem(503, "service_unavailable");
    app.send(
        "POST",
        "/api/v1/me/password",
        Some(&t),
        json!({"current_password": PASSWORD, "new_password": "new password 42"}),
    )
    .await
    .assert_problem(503, "service_unavailable");
    // Requests that hash nothing are not held up.
    assert_eq!(app.get("/api/v1/me", Some(&t)).await.status, 200);
    assert_eq!(app.count("users", "1 = 1"), 1);
    // Once the permit is free, hashing calls run again.
    drop(permit);
    assert_eq!(app.login("ana@example.com", PASSWORD).await.status, 200);
    assert_eq!(app.state.hashing_gate.available(), 1);
}

async fn responses_carry_a_request_id(db: TestDb) {
    let app = spawn(db).await;
    let a = app.get("/health/live", None).await;
    let b = app.get("/api/v1/nowhere", None).await;
    let id = |reply: &Reply| reply.header("x-request-id").to_owned();
    assert_eq!(id(&a).len(), 36);
    assert_ne!(id(&a), id(&b));
}

/// Every operation that reads a JSON body answers 415 to a body of another type, and (as the
/// harness checks every response against the document) documents that it does.
#[actix_web::test]
async fn every_json_operation_answers_415_to_a_body_that_is_not_json() {
    let app = spawn(TestDb::sqlite()).await;
    let admin = app.admin("root@example.com").await;
    let doc = app.get("/api-docs/openapi.json", None).await.body;
    let mut checked = 0;
    for (path, operations) in doc["paths"].as_object().unwrap() {
        for (method, operation) in operations.as_object().unwrap() {
            let json_body = operation["requestBody"]["content"]["application/json"].is_object();
            // The webhook reads the raw bytes that Stripe signed, whatever their type.
            if !json_body || path == "/api/v1/payments/webhook" {
                continue;
            }
            let uri = path
                .split('/')
                .map(|s| if s.starts_with('{') { "x" } else { s })
                .collect::<Vec<_>>()
                .join("/");
            let request = actix_web::test::TestRequest::default()
                .method(method.to_uppercase().parse().unwrap())
                .uri(&uri)
                .insert_header(("authorization", format!("Bearer {}", token(&admin))))
                .insert_header(("content-type", "text/plain"))
                .set_payload("email=a@example.com");
            let reply = app.call(request).await;
            assert_eq!(reply.status, 415, "{method} {path}: {}", reply.body);
            checked += 1;
        }
    }
    assert!(checked > 20, "{checked} operations");
}

#[actix_web::test]
async fn a_database_outage_gives_503_problems_not_500s() {
    let db = TestDb::sqlite();
    let mut settings = settings(&db);
    settings.database = unreachable_target();
    let state = web::Data::new(AppState::new(settings, unreachable_pool()).unwrap());
    let service = actix_web::test::init_service(api_server::app(state.clone())).await;
    let app = TestApp {
        service,
        db,
        media: tempfile::tempdir().unwrap(),
        state,
    };
    assert_eq!(app.get("/health/live", None).await.status, 200);
    let started = std::time::Instant::now();
    app.get("/health/ready", None)
        .await
        .assert_problem(503, "service_unavailable");
    assert!(started.elapsed() < std::time::Duration::from_millis(1_500));
    let login = app.login("ana@example.com", PASSWORD).await;
    login.assert_problem(503, "service_unavailable");
    assert!(
        !login.body.to_string().contains("127.0.0.1"),
        "no internals leak"
    );
}

/// During an outage under load, the wait in the request queue and the wait for a connection
/// share one deadline: nobody waits for the queue's time-out and then the pool's.
#[actix_web::test]
async fn during_an_outage_under_load_every_request_gets_its_503_within_the_deadline() {
    let db = TestDb::sqlite();
    let mut settings = settings(&db);
    settings.database = unreachable_target();
    settings.db_wait = std::time::Duration::from_secs(1);
    // The pool waits 1 s for a connection on its own as well: before the shared deadline, a
    // queued request waited 1 s for its turn and then 1 s more for a connection.
    let state = web::Data::new(AppState::new(settings, unreachable_pool()).unwrap());
    let service = actix_web::test::init_service(api_server::app(state.clone())).await;
    let service = std::rc::Rc::new(service);
    let mut requests = Vec::new();
    for n in 0..6 {
        let service = service.clone();
        requests.push(actix_web::rt::spawn(async move {
            let started = std::time::Instant::now();
            let request = actix_web::test::TestRequest::get()
                .uri(&format!("/api/v1/equipment?q=n{n}"))
                .to_request();
            let response = actix_web::test::call_service(&*service, request).await;
            (response.status().as_u16(), started.elapsed())
        }));
    }
    for request in requests {
        let (status, took) = request.await.unwrap();
        assert_eq!(status, 503);
        assert!(took < std::time::Duration::from_millis(1_700), "{took:?}");
    }
}

#[actix_web::test]
async fn metrics_count_requests_by_route_pattern_and_status() {
    let app = spawn(TestDb::sqlite()).await;
    app.get("/health/live", None).await;
    app.get("/api/v1/equipment/some-id", None).await;
    app.get("/no/such/route", None).await;
    let reply = app.get("/metrics", None).await;
    assert_eq!(reply.status, 200);
    assert!(reply.content_type().starts_with("text/plain"));
    let text = reply.body.as_str().unwrap();
    assert!(
        text.contains(
            r#"watertrek_http_requests_total{endpoint="/health/live",method="GET",status="200"} 1"#
        ),
        "{text}"
    );
    assert!(text.contains(r#"endpoint="/api/v1/equipment/{id}",method="GET",status="404""#));
    assert!(
        !text.contains("/no/such/route"),
        "unmatched paths are masked"
    );
    assert!(text.contains("watertrek_http_requests_duration_seconds_bucket"));
}

#[actix_web::test]
async fn unknown_routes_are_problem_404s() {
    let app = spawn(TestDb::sqlite()).await;
    app.get("/api/v1/does-not-exist", None)
        .await
        .assert_problem(404, "not_found");
    app.send("DELETE", "/api/v1/nowhere", None, json!({}))
        .await
        .assert_problem(404, "not_found");
}

#[actix_web::test]
async fn swagger_ui_is_served_without_network() {
    let app = spawn(TestDb::sqlite()).await;
    let page = app.get("/swagger-ui/", None).await;
    assert_eq!(page.status, 200);
    assert!(page.body.as_str().unwrap().contains("swagger-ui"));
    let bundle = app.get("/swagger-ui/swagger-ui-bundle.js", None).await;
    assert_eq!(bundle.status, 200);
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Auth {
    Public,
    Bearer,
    Optional,
}

const EXPECTED_OPERATIONS: &[(&str, &str, Auth)] = &[
    ("/health/live", "get", Auth::Public),
    ("/health/ready", "get", Auth::Public),
    ("/metrics", "get", Auth::Public),
    ("/api/v1/auth/register", "post", Auth::Public),
    ("/api/v1/auth/login", "post", Auth::Public),
    ("/api/v1/auth/refresh", "post", Auth::Public),
    ("/api/v1/auth/logout", "post", Auth::Public),
    ("/api/v1/me", "get", Auth::Bearer),
    ("/api/v1/me", "patch", Auth::Bearer),
    ("/api/v1/me/password", "post", Auth::Bearer),
    ("/api/v1/me/vendor-profile", "get", Auth::Bearer),
    ("/api/v1/me/vendor-profile", "patch", Auth::Bearer),
    ("/api/v1/me/customer-profile", "get", Auth::Bearer),
    ("/api/v1/me/customer-profile", "patch", Auth::Bearer),
    ("/api/v1/vendors/{slug}", "get", Auth::Public),
    ("/api/v1/equipment/{id}/availability", "put", Auth::Bearer),
    ("/api/v1/equipment/{id}/availability", "get", Auth::Public),
    ("/api/v1/equipment/{id}/blackouts", "post", Auth::Bearer),
    ("/api/v1/equipment/{id}/blackouts", "get", Auth::Bearer),
    (
        "/api/v1/equipment/{id}/blackouts/{blackout_id}",
        "delete",
        Auth::Bearer,
    ),
    ("/api/v1/adventures/{id}/sessions", "post", Auth::Bearer),
    ("/api/v1/adventures/{id}/sessions", "get", Auth::Public),
    (
        "/api/v1/adventures/{id}/sessions/{session_id}",
        "delete",
        Auth::Bearer,
    ),
    ("/api/v1/quotes", "post", Auth::Public),
    ("/api/v1/bookings", "post", Auth::Bearer),
    ("/api/v1/bookings", "get", Auth::Bearer),
    ("/api/v1/bookings/{id}", "get", Auth::Bearer),
    ("/api/v1/bookings/{id}/approve", "post", Auth::Bearer),
    ("/api/v1/bookings/{id}/decline", "post", Auth::Bearer),
    ("/api/v1/bookings/{id}/cancel", "post", Auth::Bearer),
    ("/api/v1/bookings/{id}/confirm", "post", Auth::Bearer),
    ("/api/v1/bookings/{id}/events", "get", Auth::Bearer),
    ("/api/v1/bookings/{id}/payment-intent", "post", Auth::Bearer),
    ("/api/v1/bookings/{id}/payment", "get", Auth::Bearer),
    ("/api/v1/bookings/{id}/refund-preview", "get", Auth::Bearer),
    ("/api/v1/payments/webhook", "post", Auth::Public),
    ("/api/v1/payments/{id}/simulate", "post", Auth::Bearer),
    ("/api/v1/equipment/categories", "get", Auth::Public),
    ("/api/v1/equipment", "get", Auth::Public),
    ("/api/v1/equipment", "post", Auth::Bearer),
    ("/api/v1/equipment/{id}", "get", Auth::Optional),
    ("/api/v1/equipment/{id}", "patch", Auth::Bearer),
    ("/api/v1/equipment/{id}", "delete", Auth::Bearer),
    ("/api/v1/vendor/equipment", "get", Auth::Bearer),
    ("/api/v1/equipment/{id}/images", "post", Auth::Bearer),
    (
        "/api/v1/equipment/{id}/images/{image_id}",
        "patch",
        Auth::Bearer,
    ),
    (
        "/api/v1/equipment/{id}/images/{image_id}",
        "delete",
        Auth::Bearer,
    ),
    ("/api/v1/admin/equipment-categories", "post", Auth::Bearer),
    (
        "/api/v1/admin/equipment-categories/{id}",
        "patch",
        Auth::Bearer,
    ),
    (
        "/api/v1/admin/equipment-categories/{id}",
        "delete",
        Auth::Bearer,
    ),
    ("/api/v1/adventures/categories", "get", Auth::Public),
    ("/api/v1/adventures", "get", Auth::Public),
    ("/api/v1/adventures", "post", Auth::Bearer),
    ("/api/v1/adventures/{id}", "get", Auth::Optional),
    ("/api/v1/adventures/{id}", "patch", Auth::Bearer),
    ("/api/v1/adventures/{id}", "delete", Auth::Bearer),
    ("/api/v1/vendor/adventures", "get", Auth::Bearer),
    ("/api/v1/adventures/{id}/images", "post", Auth::Bearer),
    (
        "/api/v1/adventures/{id}/images/{image_id}",
        "patch",
        Auth::Bearer,
    ),
    (
        "/api/v1/adventures/{id}/images/{image_id}",
        "delete",
        Auth::Bearer,
    ),
    ("/api/v1/admin/adventure-categories", "post", Auth::Bearer),
    (
        "/api/v1/admin/adventure-categories/{id}",
        "patch",
        Auth::Bearer,
    ),
    (
        "/api/v1/admin/adventure-categories/{id}",
        "delete",
        Auth::Bearer,
    ),
];

#[actix_web::test]
async fn the_openapi_document_describes_every_endpoint_and_the_bearer_scheme() {
    let app = spawn(TestDb::sqlite()).await;
    let doc = app.get("/api-docs/openapi.json", None).await;
    assert_eq!(doc.status, 200);
    let doc: Value = doc.body;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    let paths = doc["paths"].as_object().unwrap();
    let mut documented = 0;
    for (path, operations) in paths {
        for (method, operation) in operations.as_object().unwrap() {
            documented += 1;
            let expected = EXPECTED_OPERATIONS
                .iter()
                .find(|(p, m, _)| *p == path.as_str() && *m == method.as_str())
                .unwrap_or_else(|| panic!("undocumented in this test: {method} {path}"));
            let responses = operation["responses"].as_object().unwrap();
            assert!(
                responses.keys().any(|code| code.starts_with('2')),
                "{method} {path}"
            );
            if path.starts_with("/api/v1/") {
                assert!(
                    responses
                        .keys()
                        .any(|code| code.starts_with('4') || code.starts_with('5')),
                    "{method} {path} documents no error response"
                );
                let errors = responses
                    .iter()
                    .filter(|(c, _)| c.starts_with('4') || c.starts_with('5'));
                for (code, response) in errors {
                    // Every problem response is one of the shared ones, referenced.
                    let reference = response["$ref"].as_str().unwrap_or_else(|| {
                        panic!("{method} {path} {code} is not a shared problem response")
                    });
                    let name = reference
                        .strip_prefix("#/components/responses/")
                        .unwrap_or_else(|| panic!("{method} {path} {code}: {reference}"));
                    let shared = &doc["components"]["responses"][name];
                    assert!(
                        shared["content"]["application/problem+json"].is_object(),
                        "{method} {path} {code}"
                    );
                    let example = &shared["content"]["application/problem+json"]["example"];
                    assert_eq!(example["status"].as_u64(), code.parse().ok(), "{name}");
                }
            }
            let auth = match operation.get("security").and_then(Value::as_array) {
                None => Auth::Public,
                Some(options)
                    if options
                        .iter()
                        .any(|o| o.as_object().is_some_and(|o| o.is_empty())) =>
                {
                    Auth::Optional
                }
                Some(_) => Auth::Bearer,
            };
            assert_eq!(auth, expected.2, "{method} {path}");
        }
    }
    assert_eq!(documented, EXPECTED_OPERATIONS.len());
}

/// The document is checked in as a snapshot so that every API change shows up in review.
/// After an intended change: `UPDATE_SNAPSHOTS=1 cargo test -p api-server openapi_snapshot`.
#[test]
fn openapi_snapshot() {
    let current = api_server::openapi::document_json().unwrap() + "\n";
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/openapi.json");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &current).unwrap();
        return;
    }
    let stored = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        stored == current,
        "the OpenAPI document changed; review it and run \
         `UPDATE_SNAPSHOTS=1 cargo test -p api-server openapi_snapshot`"
    );
}

#[actix_web::test]
async fn the_server_listens_on_a_real_port() {
    let db = TestDb::sqlite();
    let state = web::Data::new(AppState::new(settings(&db), db.pool.clone()).unwrap());
    let server = HttpServer::new(move || api_server::app(state.clone()))
        .workers(1)
        .bind(("127.0.0.1", 0))
        .unwrap();
    let addr = server.addrs()[0];
    let server = server.run();
    let handle = server.handle();
    actix_web::rt::spawn(server);
    let response = web::block(move || {
        let mut stream = std::net::TcpStream::connect(addr).unwrap();
        stream
            .write_all(
                b"GET /health/ready HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
            )
            .unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        response
    })
    .await
    .unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("\"status\":\"ok\""));
    handle.stop(true).await;
}

#[test]
fn connections_the_server_closed_fail_once_and_are_replaced() {
    use diesel::connection::SimpleConnection;
    use diesel::RunQueryDsl;
    use persistence::db::{store_error, PooledConnection};

    #[derive(diesel::QueryableByName)]
    struct Pid {
        #[diesel(sql_type = diesel::sql_types::Integer)]
        pid: i32,
    }
    let Some(db) = TestDb::postgres() else {
        return;
    };
    // The pool tests no connection on checkout: lost connections are noticed by their errors.
    let size = db.pool.max_size() as usize;
    let hold_all =
        || -> Vec<PooledConnection> { (0..size).map(|_| db.pool.get().unwrap()).collect() };
    // Open every connection of the pool, then let the server close all but one of them, as a
    // restart or a failover would.
    let mut held = hold_all();
    let survivor: Pid = diesel::sql_query("SELECT pg_backend_pid() AS pid")
        .get_result(&mut *held[0])
        .unwrap();
    held[0]
        .batch_execute(&format!(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = current_database() AND pid <> {}",
            survivor.pid
        ))
        .unwrap();
    drop(held);
    std::thread::sleep(std::time::Duration::from_millis(200));
    // Each closed connection fails once, as unavailable (503), and is then replaced.
    let mut failures = 0;
    for _ in 0..3 {
        for conn in &mut hold_all() {
            if let Err(error) = conn.batch_execute("SELECT 1").map_err(store_error) {
                assert!(
                    matches!(error, domain_core::StoreError::Unavailable(_)),
                    "unexpected error {error:?}"
                );
                failures += 1;
            }
        }
    }
    assert!(
        failures < size,
        "{failures} failures for {size} connections"
    );
    for conn in &mut hold_all() {
        conn.batch_execute("SELECT 1").unwrap();
    }
}
