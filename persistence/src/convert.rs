//! Small conversions between stored representations and domain values.

use std::str::FromStr;

use chrono::{DateTime, NaiveDateTime, SubsecRound, Utc};

use crate::error::PersistenceError;

/// `time` as both databases keep it: to the microsecond (PostgreSQL's precision; SQLite would
/// keep the nanoseconds). A write that answers what it stored truncates first, so that its
/// answer is what a later read gives.
pub fn stored_time(time: DateTime<Utc>) -> DateTime<Utc> {
    time.trunc_subsecs(6)
}

/// Timestamps are stored as UTC `TIMESTAMP` (no zone) on both backends.
pub fn to_db_time(time: DateTime<Utc>) -> NaiveDateTime {
    time.naive_utc()
}

pub fn from_db_time(time: NaiveDateTime) -> DateTime<Utc> {
    time.and_utc()
}

/// Ids are stored as their canonical text form.
pub fn parse_id<T: FromStr>(raw: &str) -> Result<T, PersistenceError> {
    raw.parse()
        .map_err(|_| PersistenceError::Corrupt(format!("invalid id {raw:?}")))
}

/// Enumerations are stored as their wire names and parsed back strictly.
pub fn parse_enum<T, E: std::fmt::Display>(
    raw: &str,
    parse: impl FnOnce(&str) -> Result<T, E>,
) -> Result<T, PersistenceError> {
    parse(raw).map_err(|e| PersistenceError::Corrupt(format!("{raw:?}: {e}")))
}
