//! One binary, two backends: the connection enum, its pools and migrations.
//!
//! The backend is picked from the URL at run time (`postgres://` or `postgresql://` selects
//! PostgreSQL; `sqlite://path`, `sqlite::memory:` or a plain path selects SQLite). Everything that
//! must differ between the two lives here or in [`crate::dialect`].

use std::ops::{Deref, DerefMut};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection, SqliteConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::error::PersistenceError;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/postgres");

/// A connection to either backend. PostgreSQL first, SQLite last, as diesel's docs advise.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Pg(PgConnection),
    Sqlite(SqliteConnection),
}

/// Which database a URL points to, and how to open it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Postgres(String),
    /// A file path, or `:memory:`.
    Sqlite(String),
}

impl DatabaseUrl {
    pub fn parse(url: &str) -> Result<Self, PersistenceError> {
        let url = url.trim();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Self::Postgres(url.to_owned()));
        }
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .unwrap_or(url);
        if path.is_empty() || path.contains("://") {
            return Err(PersistenceError::Config(format!(
                "unsupported database URL {url:?}: use postgres://... or sqlite://<file>"
            )));
        }
        Ok(Self::Sqlite(path.to_owned()))
    }

    pub fn backend(&self) -> Backend {
        match self {
            Self::Postgres(_) => Backend::Postgres,
            Self::Sqlite(_) => Backend::Sqlite,
        }
    }

    /// The SQLite file this URL names, if any (not for `:memory:`).
    pub fn sqlite_file(&self) -> Option<&str> {
        match self {
            Self::Sqlite(path) if path != ":memory:" => Some(path),
            _ => None,
        }
    }

    fn is_sqlite_memory(&self) -> bool {
        matches!(self, Self::Sqlite(path) if path == ":memory:")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Postgres,
    Sqlite,
}

impl Backend {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Postgres => "postgresql",
            Self::Sqlite => "sqlite",
        }
    }
}

/// A pooled connection, and whether the pool may hand it out again.
pub struct PoolConnection {
    conn: DbConnection,
    unusable: bool,
}

impl PoolConnection {
    /// Tells the pool to close this connection instead of reusing it (its server went away).
    pub fn discard(&mut self) {
        self.unusable = true;
    }
}

impl Deref for PoolConnection {
    type Target = DbConnection;

    fn deref(&self) -> &DbConnection {
        &self.conn
    }
}

impl DerefMut for PoolConnection {
    fn deref_mut(&mut self) -> &mut DbConnection {
        &mut self.conn
    }
}

/// Whether the database refused us lately. While it does, a request waits a moment for a
/// connection rather than the whole acquire timeout, so the API answers 503 at once; the first
/// connection that opens again ends it.
#[derive(Debug)]
pub struct Reachability {
    origin: Instant,
    /// Milliseconds after `origin` of the last failure, 0 when the last attempt succeeded.
    last_failure_ms: AtomicU64,
}

impl Reachability {
    /// How long after a failure checkouts stay short.
    const WINDOW: Duration = Duration::from_secs(10);
    /// How long a checkout waits while the database is unreachable.
    pub const SHORT_WAIT: Duration = Duration::from_millis(250);

    fn new() -> Self {
        Self {
            origin: Instant::now(),
            last_failure_ms: AtomicU64::new(0),
        }
    }

    fn failed(&self) {
        let now = u64::try_from(self.origin.elapsed().as_millis())
            .unwrap_or(u64::MAX)
            .max(1);
        self.last_failure_ms.store(now, Ordering::Relaxed);
    }

    fn succeeded(&self) {
        self.last_failure_ms.store(0, Ordering::Relaxed);
    }

    /// Did the database refuse a connection (or drop one) within the window?
    pub fn failing(&self) -> bool {
        match self.last_failure_ms.load(Ordering::Relaxed) {
            0 => false,
            at => {
                let since = Duration::from_millis(at);
                self.origin.elapsed().saturating_sub(since) < Self::WINDOW
            }
        }
    }
}

/// Set on every PostgreSQL connection the pools open. With PostgreSQL's default
/// (`plan_cache_mode = auto`) a prepared statement gets five plans for its values, then keeps
/// a generic plan only if that costs no more than they did; the feed's page statement (fixed id
/// slots), its sources and the fixed-slot reads of a page's authors, group names and photos
/// never pass that test, so PostgreSQL planned them again on every page (about a third of a
/// feed page's time in the database, measured from the statement log). The hot statements are
/// key probes and index walks whose plan does not depend on the values; their generic plans
/// were checked at 1M posts (bench/README.md, eighth run) and the switch measured there.
/// Statements diesel does not keep (a `sql_query`, a boxed query) are sent unnamed and get a
/// generic plan too: one whose right plan depends on its values runs inside
/// `dialect::with_custom_plans` (member discovery, mentions, map boxes); search is written so
/// that its plans do not depend on the words (`search::Scan`).
const PG_SESSION_SETTINGS: &str = "SET plan_cache_mode = force_generic_plan";

/// Opens connections itself (rather than through the derive's `establish`) so that real causes
/// such as "connection refused" reach the logs.
#[derive(Debug, Clone)]
pub struct ConnectionManager {
    url: DatabaseUrl,
    reachability: Arc<Reachability>,
}

impl ConnectionManager {
    pub fn new(url: DatabaseUrl) -> Self {
        Self::with_reachability(url, Arc::new(Reachability::new()))
    }

    fn with_reachability(url: DatabaseUrl, reachability: Arc<Reachability>) -> Self {
        Self { url, reachability }
    }

    pub fn connect(&self) -> Result<DbConnection, PersistenceError> {
        let result = self.open();
        match &result {
            Ok(_) => self.reachability.succeeded(),
            Err(_) => self.reachability.failed(),
        }
        result
    }

    fn open(&self) -> Result<DbConnection, PersistenceError> {
        match &self.url {
            DatabaseUrl::Postgres(url) => {
                let mut conn = PgConnection::establish(url)
                    .map_err(|e| PersistenceError::Unavailable(e.to_string()))?;
                // A kept statement is planned once per connection, not again on each
                // execution: see `PG_SESSION_SETTINGS`.
                conn.batch_execute(PG_SESSION_SETTINGS)?;
                Ok(DbConnection::Pg(conn))
            }
            DatabaseUrl::Sqlite(path) => {
                let mut conn = SqliteConnection::establish(path)
                    .map_err(|e| PersistenceError::Unavailable(e.to_string()))?;
                // WAL lets readers run beside the single writer; foreign keys are off by default
                // in SQLite; busy_timeout waits for another process's lock instead of failing.
                conn.batch_execute(
                    "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; \
                     PRAGMA synchronous = NORMAL;",
                )?;
                if self.url.sqlite_file().is_some() {
                    conn.batch_execute("PRAGMA journal_mode = WAL;")?;
                }
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }
}

impl r2d2::ManageConnection for ConnectionManager {
    type Connection = PoolConnection;
    type Error = PersistenceError;

    fn connect(&self) -> Result<PoolConnection, PersistenceError> {
        ConnectionManager::connect(self).map(|conn| PoolConnection {
            conn,
            unusable: false,
        })
    }

    fn is_valid(&self, conn: &mut PoolConnection) -> Result<(), PersistenceError> {
        use diesel::r2d2::R2D2Connection;
        if conn.unusable || conn.conn.is_broken() {
            return Err(PersistenceError::Unavailable(
                "connection left inside a transaction".to_owned(),
            ));
        }
        conn.batch_execute("SELECT 1")
            .map_err(PersistenceError::from)
    }

    /// A connection is never handed to the next request if a panic unwound through its holder
    /// or if it is still inside a transaction (or its transaction manager is in error): such a
    /// connection would silently swallow every later write into a transaction that never commits.
    /// r2d2 closes it instead, which rolls the transaction back on both databases.
    /// Discarded too: a connection whose server went away (`PoolConnection::discard`), which
    /// also marks the database unreachable so the next checkouts do not wait long for it.
    fn has_broken(&self, conn: &mut PoolConnection) -> bool {
        use diesel::r2d2::R2D2Connection;
        if conn.unusable {
            self.reachability.failed();
            return true;
        }
        std::thread::panicking() || conn.conn.is_broken()
    }
}

pub type Pool = r2d2::Pool<ConnectionManager>;
pub type PooledConnection = r2d2::PooledConnection<ConnectionManager>;

/// Pool sizes and timeouts.
#[derive(Debug, Clone)]
pub struct PoolOptions {
    /// Connections for PostgreSQL, or SQLite readers.
    pub max_connections: u32,
    /// How long a request waits for a connection before the API answers 503.
    pub acquire_timeout: Duration,
}

impl Default for PoolOptions {
    fn default() -> Self {
        Self {
            max_connections: 8,
            acquire_timeout: Duration::from_secs(5),
        }
    }
}

/// The database handle the application shares: a read pool and a write pool. On PostgreSQL they
/// are the same pool. On SQLite the write pool holds one connection, so writers queue in the
/// process instead of failing with `SQLITE_BUSY`, while readers run beside it (WAL).
#[derive(Clone)]
pub struct Database {
    backend: Backend,
    read: Pool,
    write: Pool,
    reachability: Arc<Reachability>,
    acquire_timeout: Duration,
    /// Connections handed out so far, by either pool (tests prove a path uses none).
    checkouts: Arc<std::sync::atomic::AtomicU64>,
}

impl Database {
    /// Connects (lazily beyond the first connection) and checks the database is reachable.
    pub fn connect(url: &str, options: &PoolOptions) -> Result<Self, PersistenceError> {
        let url = DatabaseUrl::parse(url)?;
        let backend = url.backend();
        let reachability = Arc::new(Reachability::new());
        let build = |size: u32, url: DatabaseUrl| {
            r2d2::Pool::builder()
                .max_size(size.max(1))
                .min_idle(Some(1))
                .connection_timeout(options.acquire_timeout)
                .test_on_check_out(false)
                .build(ConnectionManager::with_reachability(
                    url,
                    reachability.clone(),
                ))
                .map_err(|e| PersistenceError::Unavailable(e.to_string()))
        };
        let (read, write) = match backend {
            Backend::Postgres => {
                let pool = build(options.max_connections, url)?;
                (pool.clone(), pool)
            }
            // An in-memory database exists per connection: one connection for everything.
            Backend::Sqlite if url.is_sqlite_memory() => {
                let pool = build(1, url)?;
                (pool.clone(), pool)
            }
            Backend::Sqlite => {
                let write = build(1, url.clone())?;
                (build(options.max_connections, url)?, write)
            }
        };
        Ok(Self {
            backend,
            read,
            write,
            reachability,
            acquire_timeout: options.acquire_timeout,
            checkouts: Arc::default(),
        })
    }

    /// Like [`Database::connect`] but opens no connection yet: the server can start (and
    /// report not-ready) while the database is down.
    pub fn connect_lazy(url: &str, options: &PoolOptions) -> Result<Self, PersistenceError> {
        let url = DatabaseUrl::parse(url)?;
        let backend = url.backend();
        let reachability = Arc::new(Reachability::new());
        let pool = r2d2::Pool::builder()
            .max_size(options.max_connections.max(1))
            .min_idle(Some(0))
            .connection_timeout(options.acquire_timeout)
            .build_unchecked(ConnectionManager::with_reachability(
                url,
                reachability.clone(),
            ));
        Ok(Self {
            backend,
            read: pool.clone(),
            write: pool,
            reachability,
            acquire_timeout: options.acquire_timeout,
            checkouts: Arc::default(),
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// How many connections the pools have handed out since they were built (through this
    /// handle and its clones).
    pub fn checkouts(&self) -> u64 {
        self.checkouts.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// A connection for reads.
    pub fn reader(&self) -> Result<PooledConnection, PersistenceError> {
        self.checkout(&self.read)
    }

    /// A connection for writes (the single writer on SQLite).
    pub fn writer(&self) -> Result<PooledConnection, PersistenceError> {
        self.checkout(&self.write)
    }

    /// Waits for a connection: the acquire timeout normally, a moment while the database is
    /// unreachable (so the API answers 503 at once; the wait still lets the pool try again).
    fn checkout(&self, pool: &Pool) -> Result<PooledConnection, PersistenceError> {
        self.checkouts
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let wait = if self.reachability.failing() {
            Reachability::SHORT_WAIT
        } else {
            self.acquire_timeout
        };
        pool.get_timeout(wait).map_err(PersistenceError::from)
    }

    /// Applies pending migrations of this backend's tree; returns the versions applied.
    pub fn migrate(&self) -> Result<Vec<String>, PersistenceError> {
        let mut conn = self.writer()?;
        run_migrations(&mut conn)
    }

    /// Is the database reachable right now?
    pub fn ping(&self) -> Result<(), PersistenceError> {
        let mut conn = self.reader()?;
        conn.batch_execute("SELECT 1").map_err(|error| {
            let error = PersistenceError::from(error);
            if matches!(error, PersistenceError::Unavailable(_)) {
                conn.discard();
            }
            error
        })
    }
}

/// Applies the pending migrations of the connection's backend.
pub fn run_migrations(conn: &mut DbConnection) -> Result<Vec<String>, PersistenceError> {
    let applied: Vec<String> = match conn {
        DbConnection::Pg(pg) => pg.run_pending_migrations(POSTGRES_MIGRATIONS),
        DbConnection::Sqlite(sqlite) => sqlite.run_pending_migrations(SQLITE_MIGRATIONS),
    }
    .map_err(|e| PersistenceError::Migration(e.to_string()))?
    .into_iter()
    .map(|v| v.to_string())
    .collect();
    // Data that SQL cannot compute, filled in Rust once its column exists.
    crate::members::backfill_skeletons(conn)?;
    Ok(applied)
}

/// Reverts every applied migration (used by the up -> down -> up test).
pub fn revert_all_migrations(conn: &mut DbConnection) -> Result<(), PersistenceError> {
    match conn {
        DbConnection::Pg(pg) => pg.revert_all_migrations(POSTGRES_MIGRATIONS).map(drop),
        DbConnection::Sqlite(sqlite) => sqlite.revert_all_migrations(SQLITE_MIGRATIONS).map(drop),
    }
    .map_err(|e| PersistenceError::Migration(e.to_string()))
}

/// The versions of both migration trees, to check they are in step.
pub fn migration_versions() -> Result<(Vec<String>, Vec<String>), PersistenceError> {
    use diesel::migration::MigrationSource;
    let versions = |source: &EmbeddedMigrations| -> Result<Vec<String>, PersistenceError> {
        let migrations = MigrationSource::<diesel::sqlite::Sqlite>::migrations(source)
            .map_err(|e| PersistenceError::Migration(e.to_string()))?;
        Ok(migrations.iter().map(|m| m.name().to_string()).collect())
    };
    Ok((
        versions(&SQLITE_MIGRATIONS)?,
        versions(&POSTGRES_MIGRATIONS)?,
    ))
}

/// Runs `f` in a transaction: committed when it returns `Ok`, rolled back on `Err`. Lets
/// callers with their own error type use transactions without depending on diesel.
pub fn in_transaction<T, E, F>(conn: &mut DbConnection, f: F) -> Result<T, E>
where
    E: From<PersistenceError>,
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
{
    enum Failure<E> {
        Caller(E),
        Database(diesel::result::Error),
    }
    impl<E> From<diesel::result::Error> for Failure<E> {
        fn from(error: diesel::result::Error) -> Self {
            Self::Database(error)
        }
    }
    conn.transaction::<T, Failure<E>, _>(|conn| f(conn).map_err(Failure::Caller))
        .map_err(|failure| match failure {
            Failure::Caller(error) => error,
            Failure::Database(error) => E::from(PersistenceError::from(error)),
        })
}

/// Runs `f` in one read-only transaction that sees a single snapshot of the database, for a
/// document assembled from many queries (the member's data export). PostgreSQL: `REPEATABLE
/// READ, READ ONLY` — every query sees the data as of the first one, and any write is refused.
/// SQLite: a deferred transaction, whose first read fixes the snapshot (WAL) for the rest; the
/// caller uses a read connection. Always rolled back: nothing it did can be kept.
pub fn in_read_transaction<T, E, F>(conn: &mut DbConnection, f: F) -> Result<T, E>
where
    E: From<PersistenceError>,
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
{
    enum Outcome<T, E> {
        Done(Result<T, E>),
        Database(diesel::result::Error),
    }
    impl<T, E> From<diesel::result::Error> for Outcome<T, E> {
        fn from(error: diesel::result::Error) -> Self {
            Self::Database(error)
        }
    }
    // The work's result rides out in the `Err` arm so that diesel rolls the transaction back.
    let outcome = conn.transaction::<(), Outcome<T, E>, _>(|conn| {
        if let DbConnection::Pg(pg) = conn {
            // Must be the transaction's first statement.
            pg.batch_execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")?;
        }
        Err(Outcome::Done(f(conn)))
    });
    match outcome {
        Ok(()) => Err(E::from(PersistenceError::Corrupt(
            "a read transaction ended without a result".to_owned(),
        ))),
        Err(Outcome::Done(result)) => result,
        Err(Outcome::Database(error)) => Err(E::from(PersistenceError::from(error))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_pick_the_backend() {
        assert_eq!(
            DatabaseUrl::parse("postgres://u@h/db").unwrap().backend(),
            Backend::Postgres
        );
        assert_eq!(
            DatabaseUrl::parse("postgresql://u@h/db").unwrap().backend(),
            Backend::Postgres
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite://data/entraide.db").unwrap(),
            DatabaseUrl::Sqlite("data/entraide.db".into())
        );
        assert_eq!(
            DatabaseUrl::parse("entraide.db").unwrap(),
            DatabaseUrl::Sqlite("entraide.db".into())
        );
        assert!(
            DatabaseUrl::parse("sqlite::memory:")
                .unwrap()
                .is_sqlite_memory()
        );
        assert!(DatabaseUrl::parse("mysql://x").is_err());
        assert!(DatabaseUrl::parse("").is_err());
    }

    /// The patched `#[derive(MultiConnection)]` (vendor/README.md): a statement found in the
    /// prepared-statement cache runs without its SQL text being built again. Upstream builds it
    /// on every pass (twice per execution): this counts the passes that write SQL.
    mod sql_text_built_once {
        use std::cell::Cell;

        use diesel::internal::derives::multiconnection::AstPassHelper;
        use diesel::prelude::*;
        use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};

        use super::super::{DbConnection, MultiBackend};

        thread_local! {
            static SQL_WRITTEN: Cell<usize> = const { Cell::new(0) };
        }

        #[derive(Debug, Clone, Copy, QueryId)]
        struct Probe;

        impl Query for Probe {
            type SqlType = diesel::sql_types::Integer;
        }

        fn noting<'x, Q>(flag: &'x Cell<bool>) -> impl Fn(&mut Q) -> &mut Q + 'x {
            move |builder| {
                flag.set(true);
                builder
            }
        }

        impl QueryFragment<MultiBackend> for Probe {
            fn walk_ast<'b>(&'b self, pass: AstPass<'_, 'b, MultiBackend>) -> QueryResult<()> {
                let writes = Cell::new(false);
                let mut pass = pass.cast_database::<MultiBackend>(
                    |collector| collector,
                    noting(&writes),
                    |backend| backend,
                    |lookup| lookup,
                );
                if writes.get() {
                    SQL_WRITTEN.with(|n| n.set(n.get() + 1));
                }
                pass.push_sql("SELECT 41 + 1");
                Ok(())
            }
        }

        impl RunQueryDsl<DbConnection> for Probe {}

        #[test]
        fn a_cached_statement_runs_without_building_its_sql_again() {
            let mut conn =
                DbConnection::Sqlite(diesel::SqliteConnection::establish(":memory:").unwrap());
            assert_eq!(Probe.get_result::<i32>(&mut conn).unwrap(), 42);
            let first = SQL_WRITTEN.with(Cell::get);
            assert_eq!(first, 1, "the first run builds the SQL once, to prepare it");
            for _ in 0..3 {
                assert_eq!(Probe.get_result::<i32>(&mut conn).unwrap(), 42);
            }
            assert_eq!(
                SQL_WRITTEN.with(Cell::get),
                first,
                "the SQL text was built again for a statement already prepared"
            );
        }
    }

    #[test]
    fn migration_trees_are_in_step() {
        let (sqlite, postgres) = migration_versions().unwrap();
        assert!(!sqlite.is_empty());
        assert_eq!(sqlite, postgres);
    }
}
