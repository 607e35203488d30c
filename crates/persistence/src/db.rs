//! Connections, the pool, migrations and transactions over PostgreSQL or SQLite.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::pg::PgConnection;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel::sqlite::SqliteConnection;
use diesel::Connection;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};
use domain_core::StoreError;

/// One connection to either backend. Queries are written once against it.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgresql(PgConnection),
    Sqlite(SqliteConnection),
}

/// The backend of [`DbConnection`] (diesel's `MultiBackend`), for boxed queries and
/// `Selectable` checks.
pub(crate) type Backend = <DbConnection as diesel::Connection>::Backend;
pub type DbPool = r2d2::Pool<ConnectionManager>;
pub type PooledConnection = r2d2::PooledConnection<ConnectionManager>;

const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/postgres");
const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/sqlite");

/// How long SQLite waits for a lock before giving up, and how long a request waits for a
/// pooled connection before the server answers 503.
const SQLITE_BUSY_TIMEOUT_MS: u32 = 5_000;
pub const CONNECTION_TIMEOUT: Duration = Duration::from_secs(5);

/// The default SQLite file when `DATABASE_URL` is empty.
pub const DEFAULT_SQLITE_PATH: &str = "./data/watertrek.db";

/// Where the data lives, decided from `DATABASE_URL`.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseTarget {
    Postgres(String),
    Sqlite(PathBuf),
}

impl fmt::Debug for DatabaseTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // The URL may hold a password.
            Self::Postgres(_) => f.write_str("Postgres(<url>)"),
            Self::Sqlite(path) => write!(f, "Sqlite({})", path.display()),
        }
    }
}

impl DatabaseTarget {
    /// `postgres://…` or `postgresql://…` → PostgreSQL; `sqlite://PATH`, `sqlite:PATH`, a plain
    /// path or nothing → SQLite (default `./data/watertrek.db`).
    pub fn from_url(url: Option<&str>) -> Result<Self, String> {
        let url = url.map(str::trim).unwrap_or_default();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Self::Postgres(url.to_owned()));
        }
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .unwrap_or(url);
        if path.is_empty() {
            return Ok(Self::Sqlite(PathBuf::from(DEFAULT_SQLITE_PATH)));
        }
        if path == ":memory:" || path.contains("mode=memory") {
            return Err(
                "an in-memory SQLite database cannot be shared by a pool; give a file path".into(),
            );
        }
        if path.contains("://") {
            return Err(format!(
                "unsupported scheme in {:?}; use postgres://… or a SQLite path",
                path.split("://").next().unwrap_or_default()
            ));
        }
        Ok(Self::Sqlite(PathBuf::from(path)))
    }

    pub fn backend_name(&self) -> &'static str {
        match self {
            Self::Postgres(_) => "postgresql",
            Self::Sqlite(_) => "sqlite",
        }
    }
}

/// Why a connection could not be made or prepared.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("cannot connect: {0}")]
    Connect(#[from] diesel::ConnectionError),
    #[error("cannot prepare the connection: {0}")]
    Setup(#[from] DieselError),
    #[error("cannot create the folder of the SQLite database {path}: {source}")]
    Folder {
        path: String,
        source: std::io::Error,
    },
}

/// An r2d2 manager that connects to the backend of its target and prepares every connection:
/// SQLite gets WAL, a busy timeout and foreign keys; PostgreSQL runs in UTC.
#[derive(Debug, Clone)]
pub struct ConnectionManager {
    target: DatabaseTarget,
}

impl ConnectionManager {
    pub fn new(target: DatabaseTarget) -> Self {
        Self { target }
    }

    fn establish(&self) -> Result<DbConnection, ConnectError> {
        match &self.target {
            DatabaseTarget::Postgres(url) => {
                let mut conn = PgConnection::establish(url)?;
                // Statements diesel prepares once are planned once: re-planning the listing
                // and booking queries on every call cost more CPU than running them.
                conn.batch_execute(
                    "SET TIME ZONE 'UTC'; SET plan_cache_mode = force_generic_plan",
                )?;
                Ok(DbConnection::Postgresql(conn))
            }
            DatabaseTarget::Sqlite(path) => {
                let mut conn = SqliteConnection::establish(&path.to_string_lossy())?;
                conn.batch_execute(&format!(
                    "PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}; \
                     PRAGMA journal_mode = WAL; \
                     PRAGMA synchronous = NORMAL; \
                     PRAGMA foreign_keys = ON;"
                ))?;
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }
}

impl r2d2::ManageConnection for ConnectionManager {
    type Connection = DbConnection;
    type Error = ConnectError;

    fn connect(&self) -> Result<DbConnection, ConnectError> {
        self.establish()
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), ConnectError> {
        conn.batch_execute("SELECT 1").map_err(ConnectError::Setup)
    }

    /// Called when a connection goes back to the pool. A connection left in a transaction is
    /// broken. While connections are suspect (a query failed because the server closed one,
    /// see [`store_error`]), each returning connection is also pinged, so the dead ones are
    /// dropped and replaced rather than handed out again.
    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        diesel::r2d2::R2D2Connection::is_broken(conn)
            || (connections_suspect() && conn.batch_execute("SELECT 1").is_err())
    }
}

/// How long after a lost connection every connection returning to the pool is pinged.
const SUSPECT_PERIOD: Duration = Duration::from_secs(60);

fn clock_origin() -> Instant {
    static ORIGIN: OnceLock<Instant> = OnceLock::new();
    *ORIGIN.get_or_init(Instant::now)
}

/// Milliseconds after [`clock_origin`] until which pooled connections are suspect.
static SUSPECT_UNTIL_MS: AtomicU64 = AtomicU64::new(0);

fn now_ms() -> u64 {
    u64::try_from(clock_origin().elapsed().as_millis()).unwrap_or(u64::MAX)
}

/// Marks every pooled connection suspect for a while: the database closed one of them (a
/// restart, a failover, an idle timeout), so the others are likely gone too.
fn suspect_connections() {
    SUSPECT_UNTIL_MS.fetch_max(
        now_ms().saturating_add(SUSPECT_PERIOD.as_millis() as u64),
        Ordering::Relaxed,
    );
}

fn connections_suspect() -> bool {
    let until = SUSPECT_UNTIL_MS.load(Ordering::Relaxed);
    until != 0 && now_ms() < until
}

/// Creates the SQLite folder if needed and builds a pool of `size` connections that waits at
/// most [`CONNECTION_TIMEOUT`] for a connection (less inside [`with_deadline`]).
///
/// Connections are not tested on checkout (that cost a `SELECT 1` round trip per checkout):
/// a connection the server closed fails its next query with `ClosedConnection`, which
/// [`store_error`] reports as unavailable (503) and which makes the pool ping and replace
/// returning connections for a while (see `has_broken`). `/health/ready` pings explicitly.
pub fn build_pool(target: &DatabaseTarget, size: u32) -> Result<DbPool, ConnectError> {
    if let DatabaseTarget::Sqlite(path) = target {
        create_parent_folder(path)?;
    }
    // Fail start-up with the real cause rather than a pool time-out. On SQLite this first
    // connection also switches a new file to WAL (persistent), before the pool opens others
    // concurrently: switching needs an exclusive lock that the busy timeout does not cover.
    let check = ConnectionManager::new(target.clone()).establish()?;
    drop(check);
    Ok(r2d2::Pool::builder()
        .max_size(size)
        .min_idle(Some(size.min(2)))
        .connection_timeout(CONNECTION_TIMEOUT)
        .test_on_check_out(false)
        .build_unchecked(ConnectionManager::new(target.clone())))
}

/// A pool of one connection for readiness probes, apart from the request pool so that a probe
/// never queues behind requests. It opens its connection on first use (not at start-up) and
/// waits at most `wait` for it.
pub fn build_probe_pool(target: &DatabaseTarget, wait: Duration) -> DbPool {
    r2d2::Pool::builder()
        .max_size(1)
        .min_idle(Some(0))
        .connection_timeout(wait)
        .test_on_check_out(false)
        .build_unchecked(ConnectionManager::new(target.clone()))
}

fn create_parent_folder(path: &Path) -> Result<(), ConnectError> {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => {
            std::fs::create_dir_all(parent).map_err(|source| ConnectError::Folder {
                path: path.display().to_string(),
                source,
            })
        }
        _ => Ok(()),
    }
}

/// The PostgreSQL advisory lock held while migrating.
const MIGRATION_LOCK_KEY: i64 = 0x5741_5445_524d_4947; // "WATERMIG"

/// Why migrations failed.
#[derive(Debug, thiserror::Error)]
#[error("migration failed: {0}")]
pub struct MigrationError(String);

/// Applies every pending migration of the connection's backend; returns their names.
pub fn run_migrations(conn: &mut DbConnection) -> Result<Vec<String>, MigrationError> {
    let applied = match conn {
        DbConnection::Postgresql(conn) => {
            // Instances starting together take turns; the later ones find nothing pending.
            conn.batch_execute(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK_KEY})"))
                .map_err(|error| MigrationError(error.to_string()))?;
            let result = conn
                .run_pending_migrations(POSTGRES_MIGRATIONS)
                .map(|versions| versions.iter().map(ToString::to_string).collect::<Vec<_>>());
            let unlock =
                conn.batch_execute(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK_KEY})"));
            let applied = result.map_err(|error| MigrationError(error.to_string()))?;
            unlock.map_err(|error| MigrationError(error.to_string()))?;
            applied
        }
        DbConnection::Sqlite(conn) => conn
            .run_pending_migrations(SQLITE_MIGRATIONS)
            .map_err(|error| MigrationError(error.to_string()))?
            .iter()
            .map(ToString::to_string)
            .collect(),
    };
    Ok(applied)
}

/// Runs `f` in a write transaction: `BEGIN IMMEDIATE` on SQLite (so two writers never
/// deadlock on a read→write upgrade), a plain `BEGIN` on PostgreSQL. Commits when `f`
/// succeeds, rolls back otherwise. Nested `conn.transaction` calls inside become savepoints.
pub fn write_transaction<T, E, F>(conn: &mut DbConnection, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<DieselError>,
{
    match conn {
        DbConnection::Sqlite(inner) => {
            AnsiTransactionManager::begin_transaction_sql(inner, "BEGIN IMMEDIATE")?;
        }
        DbConnection::Postgresql(inner) => {
            AnsiTransactionManager::begin_transaction(inner)?;
        }
    }
    match f(conn) {
        Ok(value) => {
            <DbConnection as Connection>::TransactionManager::commit_transaction(conn)?;
            Ok(value)
        }
        Err(error) => {
            if let Err(rollback) =
                <DbConnection as Connection>::TransactionManager::rollback_transaction(conn)
            {
                tracing::error!(error = %rollback, "rollback failed");
            }
            Err(error)
        }
    }
}

/// Maps a diesel error that the caller cannot act on.
pub fn store_error(error: DieselError) -> StoreError {
    match &error {
        DieselError::DatabaseError(DatabaseErrorKind::ClosedConnection, _) => {
            suspect_connections();
            StoreError::unavailable(error)
        }
        DieselError::DatabaseError(DatabaseErrorKind::UnableToSendCommand, _) => {
            suspect_connections();
            StoreError::unexpected(error)
        }
        DieselError::DatabaseError(_, info) if info.message().contains("database is locked") => {
            StoreError::unavailable(error)
        }
        _ => StoreError::unexpected(error),
    }
}

/// Whether `error` is a unique violation of the constraint `pg_name` (PostgreSQL) or on the
/// column `sqlite_column` (SQLite reports `UNIQUE constraint failed: table.column`).
pub fn is_unique_violation(error: &DieselError, pg_name: &str, sqlite_column: &str) -> bool {
    match error {
        DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
            info.constraint_name() == Some(pg_name) || info.message().contains(sqlite_column)
        }
        _ => false,
    }
}

thread_local! {
    /// The instant by which the work running on this thread must have its connection.
    static DEADLINE: std::cell::Cell<Option<Instant>> = const { std::cell::Cell::new(None) };
}

/// Runs `work` with every [`checkout`] it makes waiting at most until `deadline`.
///
/// The server calls this on the blocking thread that runs a request's database work, so the
/// wait in its queue and the wait for a pooled connection share one budget (the contract's
/// 5 s in total before a 503), instead of each having its own.
pub fn with_deadline<R>(deadline: Instant, work: impl FnOnce() -> R) -> R {
    struct Restore(Option<Instant>);
    impl Drop for Restore {
        fn drop(&mut self) {
            DEADLINE.with(|cell| cell.set(self.0));
        }
    }
    let _restore = Restore(DEADLINE.with(|cell| cell.replace(Some(deadline))));
    work()
}

/// How long a checkout on this thread may wait now: what is left of the deadline set by
/// [`with_deadline`], or the pool's own time-out outside of one.
pub fn checkout_wait(pool: &DbPool) -> Duration {
    DEADLINE.with(|cell| cell.get()).map_or_else(
        || pool.connection_timeout(),
        |deadline| deadline.saturating_duration_since(Instant::now()),
    )
}

/// A pooled connection, or `Unavailable` when none comes in time (see [`checkout_wait`]).
pub fn checkout(pool: &DbPool) -> Result<PooledConnection, StoreError> {
    pool.get_timeout(checkout_wait(pool))
        .map_err(StoreError::unavailable)
}

/// Whether the database answers a trivial query now.
pub fn ping(pool: &DbPool) -> Result<(), StoreError> {
    let mut conn = checkout(pool)?;
    conn.batch_execute("SELECT 1").map_err(|error| {
        suspect_connections();
        StoreError::unavailable(error)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_urls_choose_the_backend() {
        assert_eq!(
            DatabaseTarget::from_url(Some("postgres://u@h/db")),
            Ok(DatabaseTarget::Postgres("postgres://u@h/db".into()))
        );
        assert_eq!(
            DatabaseTarget::from_url(Some("postgresql://h/db")).map(|t| t.backend_name()),
            Ok("postgresql")
        );
        assert_eq!(
            DatabaseTarget::from_url(None),
            Ok(DatabaseTarget::Sqlite(PathBuf::from(DEFAULT_SQLITE_PATH)))
        );
        assert_eq!(
            DatabaseTarget::from_url(Some("  ")),
            Ok(DatabaseTarget::Sqlite(PathBuf::from(DEFAULT_SQLITE_PATH)))
        );
        assert_eq!(
            DatabaseTarget::from_url(Some("sqlite:///var/lib/wt.db")),
            Ok(DatabaseTarget::Sqlite(PathBuf::from("/var/lib/wt.db")))
        );
        assert_eq!(
            DatabaseTarget::from_url(Some("sqlite:data/x.db")),
            Ok(DatabaseTarget::Sqlite(PathBuf::from("data/x.db")))
        );
        assert_eq!(
            DatabaseTarget::from_url(Some("./x.db")),
            Ok(DatabaseTarget::Sqlite(PathBuf::from("./x.db")))
        );
        assert!(DatabaseTarget::from_url(Some("mysql://h/db")).is_err());
        assert!(DatabaseTarget::from_url(Some(":memory:")).is_err());
    }

    #[test]
    fn debug_output_hides_postgres_credentials() {
        let target = DatabaseTarget::Postgres("postgres://u:secret@h/db".into());
        assert!(!format!("{target:?}").contains("secret"));
    }

    #[test]
    fn a_new_sqlite_database_gets_its_folder_pragmas_and_schema() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/folder/wt.db");
        let pool = build_pool(&DatabaseTarget::Sqlite(path.clone()), 2).unwrap();
        assert!(path.exists());
        let mut conn = pool.get().unwrap();
        let applied = run_migrations(&mut conn).unwrap();
        assert!(!applied.is_empty());
        assert!(
            run_migrations(&mut conn).unwrap().is_empty(),
            "second run applies nothing"
        );

        #[derive(diesel::QueryableByName)]
        struct Pragma {
            #[diesel(sql_type = diesel::sql_types::Text)]
            value: String,
        }
        use diesel::RunQueryDsl;
        let mode: Pragma =
            diesel::sql_query("SELECT journal_mode AS value FROM pragma_journal_mode")
                .get_result(&mut *conn)
                .unwrap();
        assert_eq!(mode.value, "wal");
        let fk: Pragma = diesel::sql_query(
            "SELECT CAST(foreign_keys AS TEXT) AS value FROM pragma_foreign_keys",
        )
        .get_result(&mut *conn)
        .unwrap();
        assert_eq!(fk.value, "1");
    }

    #[test]
    fn a_checkout_inside_a_deadline_waits_only_for_what_is_left_of_it() {
        let dir = tempfile::tempdir().unwrap();
        let pool = build_pool(&DatabaseTarget::Sqlite(dir.path().join("wt.db")), 1).unwrap();
        assert_eq!(checkout_wait(&pool), CONNECTION_TIMEOUT);
        let held = checkout(&pool).unwrap();
        let deadline = Instant::now() + Duration::from_millis(300);
        let (wait, result) = with_deadline(deadline, || (checkout_wait(&pool), checkout(&pool)));
        assert!(wait <= Duration::from_millis(300), "{wait:?}");
        assert!(matches!(result, Err(StoreError::Unavailable(_))));
        // A deadline already passed still hands out a free connection, and is forgotten after.
        drop(held);
        let passed = Instant::now();
        assert!(with_deadline(passed, || checkout(&pool)).is_ok());
        assert_eq!(checkout_wait(&pool), CONNECTION_TIMEOUT);
    }
}
