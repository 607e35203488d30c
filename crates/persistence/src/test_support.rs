//! A fresh, migrated database for each test, on either backend.
//!
//! - SQLite: a file in a temporary folder, removed with the [`TestDb`].
//! - PostgreSQL (when `TEST_DATABASE_URL` names a server): `CREATE DATABASE … TEMPLATE` of a
//!   template migrated once per schema version, dropped (`WITH (FORCE)`) with the [`TestDb`].
//!   Without `TEST_DATABASE_URL` the PostgreSQL variant of a test is skipped, except when `CI`
//!   is set: then a missing server fails the test.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::path::PathBuf;

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::{Connection, RunQueryDsl};
use sha2::{Digest, Sha256};

use crate::db::{build_pool, run_migrations, DatabaseTarget, DbPool};

/// A database that exists as long as this value.
pub struct TestDb {
    pub pool: DbPool,
    pub target: DatabaseTarget,
    _guard: Guard,
}

enum Guard {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres { admin_url: String, name: String },
}

impl Drop for Guard {
    fn drop(&mut self) {
        if let Guard::Postgres { admin_url, name } = self {
            if let Ok(mut conn) = PgConnection::establish(admin_url) {
                let _ =
                    conn.batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"));
            }
        }
    }
}

/// The PostgreSQL server for tests: `TEST_DATABASE_URL`, or `None` (skip) outside CI.
pub fn postgres_admin_url() -> Option<String> {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ if std::env::var_os("CI").is_some() => {
            panic!("CI is set but TEST_DATABASE_URL is not: the PostgreSQL tests are required")
        }
        _ => None,
    }
}

impl TestDb {
    /// A migrated SQLite database in a temporary folder.
    pub fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("temporary folder");
        let target = DatabaseTarget::Sqlite(dir.path().join("test.db"));
        let pool = build_pool(&target, 8).expect("SQLite pool");
        run_migrations(&mut pool.get().expect("connection")).expect("migrations");
        Self {
            pool,
            target,
            _guard: Guard::Sqlite(dir),
        }
    }

    /// A migrated PostgreSQL database of its own, or `None` when no server is configured.
    pub fn postgres() -> Option<Self> {
        let admin_url = postgres_admin_url()?;
        let template = ensure_template(&admin_url);
        let name = format!("watertrek_test_{}", uuid::Uuid::new_v4().simple());
        let mut admin = PgConnection::establish(&admin_url).expect("connect to TEST_DATABASE_URL");
        // Another test may be copying the template at this instant; PostgreSQL then refuses
        // with "source database is being accessed by other users" for a moment.
        let mut attempts = 0;
        loop {
            match admin.batch_execute(&format!(
                "CREATE DATABASE \"{name}\" TEMPLATE \"{template}\""
            )) {
                Ok(()) => break,
                Err(error) if attempts < 50 => {
                    attempts += 1;
                    tracing::debug!(%error, "retrying CREATE DATABASE");
                    std::thread::sleep(std::time::Duration::from_millis(100));
                }
                Err(error) => panic!("cannot create test database: {error}"),
            }
        }
        let target = DatabaseTarget::Postgres(database_url(&admin_url, &name));
        let pool = build_pool(&target, 8).expect("PostgreSQL pool");
        Some(Self {
            pool,
            target,
            _guard: Guard::Postgres { admin_url, name },
        })
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self.target, DatabaseTarget::Postgres(_))
    }
}

/// `admin_url` with its database name replaced by `name`.
pub fn database_url(admin_url: &str, name: &str) -> String {
    let (base, query) = match admin_url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (admin_url, None),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[scheme_end..].find('/').map(|i| scheme_end + i);
    let host = path_start.map_or(base, |i| &base[..i]);
    match query {
        Some(query) => format!("{host}/{name}?{query}"),
        None => format!("{host}/{name}"),
    }
}

fn migrations_fingerprint() -> String {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../migrations/postgres");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("migrations folder")
        .flat_map(|entry| {
            let dir = entry.expect("entry").path();
            ["up.sql", "down.sql"].map(|f| dir.join(f))
        })
        .collect();
    files.sort();
    let mut hasher = Sha256::new();
    for file in files {
        hasher.update(file.to_string_lossy().as_bytes());
        hasher.update(std::fs::read(&file).unwrap_or_default());
    }
    hasher
        .finalize()
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Creates (once per schema version, safely across processes) a migrated template database.
fn ensure_template(admin_url: &str) -> String {
    let name = format!("watertrek_tpl_{}", migrations_fingerprint());
    let mut admin = PgConnection::establish(admin_url).expect("connect to TEST_DATABASE_URL");
    // One builder at a time across every test process.
    admin
        .batch_execute("SELECT pg_advisory_lock(727274)")
        .expect("advisory lock");
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let exists = diesel::sql_query(format!(
        "SELECT COUNT(*) AS n FROM pg_database WHERE datname = '{name}'"
    ))
    .get_result::<Count>(&mut admin)
    .expect("query pg_database")
    .n > 0;
    if !exists {
        let building = format!("{name}_building");
        admin
            .batch_execute(&format!(
                "DROP DATABASE IF EXISTS \"{building}\" WITH (FORCE)"
            ))
            .expect("drop a half-built template");
        admin
            .batch_execute(&format!("CREATE DATABASE \"{building}\""))
            .expect("create template");
        {
            let target = DatabaseTarget::Postgres(database_url(admin_url, &building));
            let mut conn = match &target {
                DatabaseTarget::Postgres(url) => crate::db::DbConnection::Postgresql(
                    PgConnection::establish(url).expect("connect to template"),
                ),
                DatabaseTarget::Sqlite(_) => unreachable!(),
            };
            run_migrations(&mut conn).expect("migrate template");
        }
        admin
            .batch_execute(&format!(
                "ALTER DATABASE \"{building}\" RENAME TO \"{name}\""
            ))
            .expect("rename template");
    }
    admin
        .batch_execute("SELECT pg_advisory_unlock(727274)")
        .expect("advisory unlock");
    name
}

/// A pool whose database never answers (PostgreSQL on a closed port), waiting at most one
/// second for a connection: for testing outage behaviour.
pub fn unreachable_pool() -> DbPool {
    r2d2::Pool::builder()
        .max_size(2)
        .min_idle(Some(0))
        .connection_timeout(std::time::Duration::from_secs(1))
        .build_unchecked(crate::db::ConnectionManager::new(unreachable_target()))
}

/// A PostgreSQL address where nothing listens (what [`unreachable_pool`] connects to).
pub fn unreachable_target() -> DatabaseTarget {
    DatabaseTarget::Postgres("postgres://postgres@127.0.0.1:1/unreachable".into())
}

#[cfg(test)]
mod tests {
    use super::database_url;

    #[test]
    fn database_url_swaps_the_database_name() {
        assert_eq!(
            database_url("postgres://postgres@127.0.0.1:5432/postgres", "t1"),
            "postgres://postgres@127.0.0.1:5432/t1"
        );
        assert_eq!(database_url("postgres://h", "t1"), "postgres://h/t1");
        assert_eq!(
            database_url("postgres://h/db?sslmode=disable", "t1"),
            "postgres://h/t1?sslmode=disable"
        );
    }
}
