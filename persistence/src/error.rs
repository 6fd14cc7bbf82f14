//! Persistence errors: what callers need to tell apart, never HTTP types.

use diesel::result::{DatabaseErrorKind, Error as DieselError};

#[derive(Debug, thiserror::Error)]
pub enum PersistenceError {
    #[error("record not found")]
    NotFound,
    /// A unique constraint refused the write; `field` names the column when it can be told.
    #[error("unique constraint violated on {field:?}")]
    UniqueViolation { field: Option<&'static str> },
    #[error("foreign key violated: {0}")]
    ForeignKeyViolation(String),
    /// The database cannot be reached (or no connection was free in time).
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error("invalid database configuration: {0}")]
    Config(String),
    #[error("migration failed: {0}")]
    Migration(String),
    /// A stored value that the domain refuses: the database holds something it should not.
    #[error("corrupt row: {0}")]
    Corrupt(String),
    #[error(transparent)]
    Query(DieselError),
}

/// Columns whose unique violations callers turn into field errors.
const UNIQUE_FIELDS: [(&str, &str); 5] = [
    ("email", "email"),
    ("pseudonym_key", "pseudonym"),
    ("pseudonym_skeleton", "pseudonym"),
    ("name_key", "name"),
    ("orpha_code", "orpha_code"),
];

impl From<DieselError> for PersistenceError {
    fn from(error: DieselError) -> Self {
        match error {
            DieselError::NotFound => Self::NotFound,
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                // PostgreSQL names the index (`members_email_key`); SQLite names the column in
                // its message (`UNIQUE constraint failed: members.email`).
                let haystack = format!(
                    "{} {}",
                    info.constraint_name().unwrap_or_default(),
                    info.message()
                );
                let field = UNIQUE_FIELDS
                    .iter()
                    .find(|(column, _)| haystack.contains(column))
                    .map(|(_, field)| *field);
                Self::UniqueViolation { field }
            }
            DieselError::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, info) => {
                Self::ForeignKeyViolation(info.message().to_owned())
            }
            DieselError::DatabaseError(DatabaseErrorKind::ClosedConnection, info) => {
                Self::Unavailable(info.message().to_owned())
            }
            other => Self::Query(other),
        }
    }
}

impl From<r2d2::Error> for PersistenceError {
    fn from(error: r2d2::Error) -> Self {
        Self::Unavailable(error.to_string())
    }
}
