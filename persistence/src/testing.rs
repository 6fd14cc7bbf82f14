//! A fresh database per test: a SQLite file in a temporary folder by default, or a new
//! PostgreSQL database when `ENTRAIDE_TEST_DATABASE_URL=postgres://...` is set. Tests run in
//! parallel and share nothing; a PostgreSQL test database is dropped when the test ends.

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};

/// The variable that selects PostgreSQL for the test suite.
pub const TEST_DATABASE_URL_VAR: &str = "ENTRAIDE_TEST_DATABASE_URL";

pub struct TestDatabase {
    url: String,
    _dir: Option<tempfile::TempDir>,
    postgres: Option<(String, String)>,
}

impl TestDatabase {
    /// Creates an empty database; panics with the reason when it cannot (a test must not pass
    /// by skipping its backend).
    pub fn new() -> Self {
        match std::env::var(TEST_DATABASE_URL_VAR) {
            Ok(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                Self::postgres(&url)
            }
            Ok(url) if !url.trim().is_empty() && !url.starts_with("sqlite") => {
                panic!("{TEST_DATABASE_URL_VAR}={url:?} is neither postgres://... nor sqlite")
            }
            _ => Self::sqlite(),
        }
    }

    fn sqlite() -> Self {
        let dir = match tempfile::tempdir() {
            Ok(dir) => dir,
            Err(e) => panic!("cannot create a temporary folder for the test database: {e}"),
        };
        let url = format!("sqlite://{}", dir.path().join("test.db").display());
        Self {
            url,
            _dir: Some(dir),
            postgres: None,
        }
    }

    fn postgres(admin_url: &str) -> Self {
        let name = format!("entraide_test_{}", uuid::Uuid::now_v7().simple());
        let mut admin = match PgConnection::establish(admin_url) {
            Ok(conn) => conn,
            Err(e) => panic!("cannot reach PostgreSQL at {admin_url}: {e}"),
        };
        if let Err(e) = admin.batch_execute(&format!("CREATE DATABASE {name}")) {
            panic!("cannot create test database {name}: {e}");
        }
        let url = with_database(admin_url, &name);
        Self {
            url,
            _dir: None,
            postgres: Some((admin_url.to_owned(), name)),
        }
    }

    /// The URL of this test's own database.
    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn is_postgres(&self) -> bool {
        self.postgres.is_some()
    }
}

impl Default for TestDatabase {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Some((admin_url, name)) = &self.postgres
            && let Ok(mut admin) = PgConnection::establish(admin_url)
        {
            // Best effort: a leftover database is harmless and named as a test one.
            let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
        }
    }
}

/// Replaces the database name of a PostgreSQL URL, keeping user, host and parameters.
fn with_database(url: &str, database: &str) -> String {
    let (base, params) = match url.split_once('?') {
        Some((base, params)) => (base, Some(params)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_part = &base[scheme_end..];
    let authority = host_part.split('/').next().unwrap_or(host_part);
    let mut out = format!("{}{}/{}", &base[..scheme_end], authority, database);
    if let Some(params) = params {
        out.push('?');
        out.push_str(params);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn database_name_is_replaced() {
        assert_eq!(
            with_database("postgres://u@127.0.0.1:5432/test", "x"),
            "postgres://u@127.0.0.1:5432/x"
        );
        assert_eq!(
            with_database("postgres://127.0.0.1?sslmode=disable", "x"),
            "postgres://127.0.0.1/x?sslmode=disable"
        );
    }
}
