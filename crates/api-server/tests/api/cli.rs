//! The operator CLI of the `api-server` binary.

use std::process::{Command, Output};

use persistence::test_support::TestDb;

use crate::both_backends;

both_backends!(create_admin_creates_once_and_refuses_weak_passwords);

fn database_url(db: &TestDb) -> String {
    match &db.target {
        persistence::DatabaseTarget::Postgres(url) => url.clone(),
        persistence::DatabaseTarget::Sqlite(path) => path.display().to_string(),
    }
}

fn run(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_api-server"));
    command
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default());
    // Run from an empty folder so no developer .env leaks in.
    let dir = tempfile::tempdir().unwrap();
    command.current_dir(dir.path());
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().unwrap()
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

async fn create_admin_creates_once_and_refuses_weak_passwords(db: TestDb) {
    let url = database_url(&db);
    let weak = run(
        &["create-admin", "--email", "ops@example.com"],
        &[("DATABASE_URL", &url), ("ADMIN_PASSWORD", "password1")],
    );
    assert!(!weak.status.success());
    assert!(text(&weak).contains("12 characters"), "{}", text(&weak));
    // Long and mixed, but a common password with decorations.
    let common = run(
        &["create-admin", "--email", "ops@example.com"],
        &[("DATABASE_URL", &url), ("ADMIN_PASSWORD", "Password1234!")],
    );
    assert!(!common.status.success());
    assert!(
        text(&common).contains("password: is too common or too easy to guess"),
        "{}",
        text(&common)
    );

    let created = run(
        &["create-admin", "--email", " Ops@Example.com "],
        &[
            ("DATABASE_URL", &url),
            ("ADMIN_PASSWORD", "Tide-Chart-2026"),
        ],
    );
    assert!(created.status.success(), "{}", text(&created));
    assert!(text(&created).contains("created administrator ops@example.com"));

    let again = run(
        &["create-admin", "--email", "ops@example.com"],
        &[
            ("DATABASE_URL", &url),
            ("ADMIN_PASSWORD", "Another-Pass-2026"),
        ],
    );
    assert!(again.status.success(), "{}", text(&again));
    assert!(text(&again).contains("already exists (role admin)"));

    use diesel::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let admins = diesel::sql_query("SELECT COUNT(*) AS n FROM users WHERE role = 'admin'")
        .get_result::<Count>(&mut *db.pool.get().unwrap())
        .unwrap();
    assert_eq!(admins.n, 1);
}

#[test]
fn migrate_creates_the_sqlite_database_with_its_folder() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("deep/folder/wt.db");
    let output = run(
        &["migrate"],
        &[("DATABASE_URL", &format!("sqlite://{}", path.display()))],
    );
    assert!(output.status.success(), "{}", text(&output));
    assert!(path.exists());
    assert!(text(&output).contains("applied migration"));
    let again = run(&["migrate"], &[("DATABASE_URL", path.to_str().unwrap())]);
    assert!(text(&again).contains("up to date"), "{}", text(&again));
}

#[test]
fn a_bad_setting_stops_start_up_naming_the_variable() {
    let output = run(&["serve"], &[("BIND_ADDR", "not-an-address")]);
    assert!(!output.status.success());
    assert!(text(&output).contains("BIND_ADDR"), "{}", text(&output));
    let output = run(&["serve"], &[("APP_ENV", "production")]);
    assert!(!output.status.success());
    assert!(text(&output).contains("JWT_SECRET"), "{}", text(&output));
}

#[test]
fn openapi_prints_the_document() {
    let output = run(&["openapi"], &[]);
    assert!(output.status.success());
    let doc: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(doc["paths"]["/api/v1/auth/register"]["post"].is_object());
}

#[test]
fn sigterm_stops_the_server_gracefully_with_exit_code_0() {
    use std::time::{Duration, Instant};
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_api-server"))
        .arg("serve")
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", dir.path().join("wt.db"))
        .env("MEDIA_ROOT", dir.path().join("media"))
        .env("BIND_ADDR", format!("127.0.0.1:{port}"))
        .current_dir(dir.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "server did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let stopping = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            stopping.elapsed() < Duration::from_secs(35),
            "server ignored SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    use std::os::unix::process::ExitStatusExt;
    assert_eq!((status.code(), status.signal()), (Some(0), None));
}
