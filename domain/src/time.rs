//! Instants a request may carry.
//!
//! Every date that comes from a client is checked against one window before anything computes
//! with it: chrono represents years up to ±262,143, and adding a week to the last of them
//! overflows (a panic in the middle of a write). Nothing in a patient community needs a date
//! before 1900 or after 2199, so such a date is a 422 on its field, never an arithmetic surprise.

use chrono::{DateTime, NaiveDate, Utc};

use crate::ParseError;

/// The first year a request may name.
pub const EARLIEST_YEAR: i32 = 1900;
/// The last year a request may name.
pub const LATEST_YEAR: i32 = 2199;

/// `1900-01-01T00:00:00Z`.
pub fn earliest() -> DateTime<Utc> {
    NaiveDate::from_ymd_opt(EARLIEST_YEAR, 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map_or(DateTime::<Utc>::MIN_UTC, |naive| naive.and_utc())
}

/// `2199-12-31T23:59:59Z`.
pub fn latest() -> DateTime<Utc> {
    NaiveDate::from_ymd_opt(LATEST_YEAR, 12, 31)
        .and_then(|d| d.and_hms_opt(23, 59, 59))
        .map_or(DateTime::<Utc>::MAX_UTC, |naive| naive.and_utc())
}

/// Checks that an instant from a request lies in years [`EARLIEST_YEAR`]..=[`LATEST_YEAR`]
/// (code `out_of_range` on `field`).
pub fn check_instant(field: &str, at: DateTime<Utc>) -> Result<DateTime<Utc>, ParseError> {
    if at < earliest() || at > latest() {
        Err(ParseError::single(
            field,
            "out_of_range",
            format!("must be between the years {EARLIEST_YEAR} and {LATEST_YEAR}"),
        ))
    } else {
        Ok(at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse::<DateTime<chrono::FixedOffset>>()
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn the_window_is_closed_and_named_on_the_field() {
        assert!(check_instant("x", at("1900-01-01T00:00:00Z")).is_ok());
        assert!(check_instant("x", at("2199-12-31T23:59:59Z")).is_ok());
        assert!(check_instant("x", at("2026-12-02T10:00:00+01:00")).is_ok());
        for outside in [
            "1899-12-31T23:59:59Z",
            "2200-01-01T00:00:00Z",
            "+262142-12-31T20:00:00Z",
            "-262143-01-10T00:00:00Z",
        ] {
            let error = check_instant("starts_at", at(outside)).unwrap_err();
            assert_eq!(error.errors()[0].field, "starts_at", "{outside}");
            assert_eq!(error.errors()[0].code, "out_of_range", "{outside}");
        }
    }

    #[test]
    fn the_extremes_of_the_window_leave_room_for_arithmetic() {
        // A year of weeks past the latest instant still fits chrono's range.
        assert!(
            latest()
                .checked_add_signed(chrono::TimeDelta::days(366 * 10))
                .is_some()
        );
        assert!(
            earliest()
                .checked_sub_signed(chrono::TimeDelta::days(366 * 10))
                .is_some()
        );
    }
}
