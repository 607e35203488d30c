use actix_http::Request;
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::header::HeaderMap;
use actix_web::http::StatusCode;
use actix_web::{test, web};
use api_server::config::{Secret, Settings};
use api_server::state::AppState;
use diesel::connection::SimpleConnection;
use diesel::RunQueryDsl;
use persistence::test_support::TestDb;
use serde_json::{json, Value};

pub const JWT_SECRET: &str = "test-secret-test-secret-test-secret!";
pub const PASSWORD: &str = "correct horse battery";

/// Emits a `sqlite` and a `postgres` module with one `#[actix_web::test]` per named test
/// body (`async fn name(db: TestDb)`). Without `TEST_DATABASE_URL` the PostgreSQL variant
/// returns early (outside CI; in CI a missing server fails it).
#[macro_export]
macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[actix_web::test]
                async fn $name() {
                    super::$name(persistence::test_support::TestDb::sqlite()).await
                }
            )*
        }
        mod postgres {
            $(
                #[actix_web::test]
                async fn $name() {
                    if let Some(db) = persistence::test_support::TestDb::postgres() {
                        super::$name(db).await
                    } else {
                        eprintln!("skipped: TEST_DATABASE_URL is not set");
                    }
                }
            )*
        }
    };
}

/// Settings for tests: a known JWT secret and rate limits high enough not to interfere.
pub fn settings(db: &TestDb) -> Settings {
    let mut settings = Settings::from_lookup(|_| None).unwrap();
    settings.database = db.target.clone();
    settings.jwt_secret = Secret::new(JWT_SECRET);
    settings.jwt_secret_generated = false;
    settings.auth_rate_limit = 10_000;
    settings.login_max_failures = 100;
    // Never the default ./data/media inside the source tree; spawn_with gives each app its own.
    settings.media_root = std::env::temp_dir().join("watertrek-test-media");
    settings
}

pub struct TestApp<S> {
    pub service: S,
    pub db: TestDb,
    /// MEDIA_ROOT of this app.
    pub media: tempfile::TempDir,
    /// The app's services, for what has no HTTP endpoint (the expiry sweep).
    pub state: web::Data<AppState>,
}

/// The application over `db` with `settings`.
pub async fn spawn_with(
    db: TestDb,
    mut settings: Settings,
) -> TestApp<
    impl Service<Request, Response = ServiceResponse<impl MessageBody>, Error = actix_web::Error>,
> {
    let media = tempfile::tempdir().unwrap();
    settings.media_root = media.path().to_owned();
    let state = web::Data::new(AppState::new(settings, db.pool.clone()).unwrap());
    let service = test::init_service(api_server::app(state.clone())).await;
    TestApp {
        service,
        db,
        media,
        state,
    }
}

pub async fn spawn(
    db: TestDb,
) -> TestApp<
    impl Service<Request, Response = ServiceResponse<impl MessageBody>, Error = actix_web::Error>,
> {
    let settings = settings(&db);
    spawn_with(db, settings).await
}

/// A response, read whole.
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Reply {
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    pub fn content_type(&self) -> &str {
        self.header("content-type")
    }

    /// Asserts a problem+json error with this status and code.
    pub fn assert_problem(&self, status: u16, code: &str) {
        assert_eq!(self.status.as_u16(), status, "body: {}", self.body);
        assert_eq!(self.content_type(), "application/problem+json");
        assert_eq!(self.body["status"], status);
        assert_eq!(self.body["code"], code, "body: {}", self.body);
        assert!(self.body["title"].is_string() && self.body["detail"].is_string());
        assert!(self.body["type"].as_str().unwrap().ends_with(code));
    }

    /// The field errors of a 422.
    pub fn field_errors(&self) -> Vec<String> {
        self.body["errors"]
            .as_object()
            .map(|errors| errors.keys().cloned().collect())
            .unwrap_or_default()
    }
}

impl<S, B> TestApp<S>
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    /// Sends the request, and checks the response against the OpenAPI document the server
    /// serves ([`crate::contract`]).
    pub async fn call(&self, request: test::TestRequest) -> Reply {
        if !crate::contract::is_loaded() {
            let served = test::call_service(
                &self.service,
                test::TestRequest::get()
                    .uri("/api-docs/openapi.json")
                    .to_request(),
            )
            .await;
            assert_eq!(served.status(), 200);
            let document: Value = serde_json::from_slice(&test::read_body(served).await).unwrap();
            crate::contract::contract(|| document);
        }
        let request = request.to_request();
        let method = request.method().clone();
        let path = request.path().to_owned();
        let response = test::call_service(&self.service, request).await;
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = test::read_body(response).await;
        crate::contract::contract(|| unreachable!()).check(
            &method,
            &path,
            status,
            headers
                .get(actix_web::http::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok()),
            &bytes,
        );
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
        };
        Reply {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Reply {
        let mut request = test::TestRequest::get().uri(path);
        if let Some(token) = token {
            request = request.insert_header(("authorization", format!("Bearer {token}")));
        }
        self.call(request).await
    }

    pub async fn send(&self, method: &str, path: &str, token: Option<&str>, body: Value) -> Reply {
        let mut request = match method {
            "GET" => test::TestRequest::get(),
            "POST" => test::TestRequest::post(),
            "PATCH" => test::TestRequest::patch(),
            "PUT" => test::TestRequest::put(),
            "DELETE" => test::TestRequest::delete(),
            other => panic!("unsupported method {other}"),
        }
        .uri(path)
        .set_json(body);
        if let Some(token) = token {
            request = request.insert_header(("authorization", format!("Bearer {token}")));
        }
        self.call(request).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Reply {
        self.send("POST", path, None, body).await
    }

    pub async fn register(&self, body: Value) -> Reply {
        self.post("/api/v1/auth/register", body).await
    }

    /// Registers a customer and returns the session body.
    pub async fn customer(&self, email: &str) -> Value {
        let reply = self
            .register(json!({"email": email, "password": PASSWORD, "role": "customer"}))
            .await;
        assert_eq!(reply.status, 201, "{}", reply.body);
        reply.body
    }

    /// Registers a vendor and returns the session body.
    pub async fn vendor(&self, email: &str, business_name: &str) -> Value {
        let reply = self
            .register(json!({
                "email": email, "password": PASSWORD, "role": "vendor",
                "vendor": {"business_name": business_name, "country": "PT", "timezone": "Europe/Lisbon"}
            }))
            .await;
        assert_eq!(reply.status, 201, "{}", reply.body);
        reply.body
    }

    /// An hourly boat of `vendor` in Lagos at EUR 45.00 an hour, in UTC, one unit, always open;
    /// `extra` fields are laid over these. Returns its id.
    pub async fn boat_of(&self, vendor: &Value, extra: Value) -> String {
        let mut body = json!({
            "category": "boat", "title": "Boat", "city": "Lagos", "country": "PT",
            "currency": "EUR", "pricing_unit": "hour", "unit_price": 4500, "quantity": 1,
            "timezone": "UTC"
        });
        for (field, value) in extra.as_object().unwrap() {
            body[field] = value.clone();
        }
        let item = self
            .send("POST", "/api/v1/equipment", Some(token(vendor)), body)
            .await;
        assert_eq!(item.status, 201, "{}", item.body);
        item.body["id"].as_str().unwrap().to_owned()
    }

    /// Creates the vendor's adventure (a 2-hour hike for 5 in Berlin, 30 EUR a person, unless
    /// `extra` says otherwise) and returns its id.
    pub async fn tour_of(&self, vendor: &Value, extra: Value) -> String {
        let mut body = json!({
            "category": "hiking", "title": "Ridge", "city": "Berlin", "country": "DE",
            "currency": "EUR", "price_per_person": 3000, "duration_minutes": 120,
            "capacity": 5, "timezone": "Europe/Berlin"
        });
        for (field, value) in extra.as_object().unwrap() {
            body[field] = value.clone();
        }
        let tour = self
            .send("POST", "/api/v1/adventures", Some(token(vendor)), body)
            .await;
        assert_eq!(tour.status, 201, "{}", tour.body);
        tour.body["id"].as_str().unwrap().to_owned()
    }

    /// Opens the item 08:00–18:00, Monday to Friday.
    pub async fn weekday_hours(&self, vendor: &Value, id: &str) {
        let weekly: Vec<Value> = (0..5)
            .map(|d| json!({"weekday": d, "start": "08:00", "end": "18:00"}))
            .collect();
        let reply = self
            .send(
                "PUT",
                &format!("/api/v1/equipment/{id}/availability"),
                Some(token(vendor)),
                json!({"weekly": weekly}),
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.body);
    }

    pub async fn login(&self, email: &str, password: &str) -> Reply {
        self.post(
            "/api/v1/auth/login",
            json!({"email": email, "password": password}),
        )
        .await
    }

    /// Rows of `table` matching the SQL condition `filter`.
    pub fn count(&self, table: &str, filter: &str) -> i64 {
        #[derive(diesel::QueryableByName)]
        struct Count {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let mut conn = self.db.pool.get().unwrap();
        diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {table} WHERE {filter}"))
            .get_result::<Count>(&mut *conn)
            .unwrap()
            .n
    }

    /// A customer promoted to admin (admins are made by the CLI, which writes the same row).
    pub async fn admin(&self, email: &str) -> Value {
        self.customer(email).await;
        self.execute(&format!(
            "UPDATE users SET role = 'admin' WHERE email = '{email}'"
        ));
        let reply = self.login(email, PASSWORD).await;
        assert_eq!(reply.status, 200);
        reply.body
    }

    /// Files in this app's media folder.
    pub fn media_files(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.media.path())
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    pub fn execute(&self, sql: &str) {
        self.db.pool.get().unwrap().batch_execute(sql).unwrap();
    }
}

pub fn token(session: &Value) -> &str {
    session["access_token"].as_str().unwrap()
}

pub fn refresh_token(session: &Value) -> &str {
    session["refresh_token"].as_str().unwrap()
}

/// A `multipart/form-data` body: parts of (name, file name, content type, bytes).
pub fn multipart(parts: &[(&str, Option<&str>, &str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "----watertrek-test-boundary";
    let mut body = Vec::new();
    for (name, file_name, content_type, bytes) in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        let disposition = match file_name {
            Some(file) => format!("form-data; name=\"{name}\"; filename=\"{file}\""),
            None => format!("form-data; name=\"{name}\""),
        };
        body.extend_from_slice(format!("Content-Disposition: {disposition}\r\n").as_bytes());
        body.extend_from_slice(format!("Content-Type: {content_type}\r\n\r\n").as_bytes());
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// A Monday at least a week ahead (00:00 UTC): always bookable, whatever day the tests run.
pub fn next_monday() -> chrono::NaiveDate {
    use chrono::Datelike;
    let mut day = (chrono::Utc::now() + chrono::Duration::days(7)).date_naive();
    while day.weekday().num_days_from_monday() != 0 {
        day = day.succ_opt().unwrap();
    }
    day
}

/// `hour`:00 UTC on `day`.
pub fn at(day: chrono::NaiveDate, hour: u32) -> chrono::DateTime<chrono::Utc> {
    use chrono::TimeZone;
    chrono::Utc.from_utc_datetime(&day.and_hms_opt(hour, 0, 0).unwrap())
}

/// RFC 3339 with a `Z`, as clients send it.
pub fn iso(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
