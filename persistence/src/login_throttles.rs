//! Failed-login counts per (e-mail, client network) key — see `domain::auth`. Keys are hashes
//! computed by the caller; nothing here knows an address or an IP.

use chrono::{DateTime, TimeDelta, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Integer, Text, Timestamp};
use entraide_domain::auth::{
    FREE_FAILED_LOGINS, LOCKOUT_CAP_FAILURES, login_lockout, next_login_attempt,
};

use crate::connection::DbConnection;
use crate::convert::{from_db_time, to_db_time};
use crate::error::PersistenceError;
use crate::schema::login_throttles;

/// The answer to a reservation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reservation {
    /// The attempt is counted (this is the key's `n`-th without a success): check the password.
    Granted { attempt: i32 },
    /// The key must wait until then; nothing was counted.
    Throttled { until: DateTime<Utc> },
}

#[derive(QueryableByName)]
struct Counted {
    #[diesel(sql_type = Integer)]
    failures: i32,
}

// The upsert below has one CASE arm per failure count from FREE_FAILED_LOGINS up to the cap.
const _: () = assert!(LOCKOUT_CAP_FAILURES - FREE_FAILED_LOGINS == 5);

/// `now` minus the wait after `failures` failures: a key whose last attempt is at or before it
/// may try again.
fn threshold(now: DateTime<Utc>, failures: i32) -> chrono::NaiveDateTime {
    to_db_time(now - login_lockout(failures).unwrap_or(TimeDelta::zero()))
}

/// Counts one attempt for `key` **before** its password is checked, in one atomic statement
/// (an upsert whose update only applies when [`next_login_attempt`] allows it), so concurrent
/// attempts each get their own number and at most [`FREE_FAILED_LOGINS`] of them are granted
/// before the first wait. The same SQL runs on SQLite and PostgreSQL.
pub fn reserve(
    conn: &mut DbConnection,
    key: &str,
    now: DateTime<Utc>,
) -> Result<Reservation, PersistenceError> {
    let free = FREE_FAILED_LOGINS;
    let sql = format!(
        "INSERT INTO login_throttles (throttle_key, failures, last_attempt_at) VALUES ($1, 1, $2) \
         ON CONFLICT (throttle_key) DO UPDATE \
         SET failures = login_throttles.failures + 1, last_attempt_at = $2 \
         WHERE login_throttles.failures < {free} \
            OR login_throttles.last_attempt_at <= CASE login_throttles.failures \
               WHEN {} THEN $3 WHEN {} THEN $4 WHEN {} THEN $5 WHEN {} THEN $6 WHEN {} THEN $7 \
               ELSE $8 END \
         RETURNING failures",
        free,
        free + 1,
        free + 2,
        free + 3,
        free + 4,
    );
    let counted = diesel::sql_query(sql)
        .bind::<Text, _>(key)
        .bind::<Timestamp, _>(to_db_time(now))
        .bind::<Timestamp, _>(threshold(now, free))
        .bind::<Timestamp, _>(threshold(now, free + 1))
        .bind::<Timestamp, _>(threshold(now, free + 2))
        .bind::<Timestamp, _>(threshold(now, free + 3))
        .bind::<Timestamp, _>(threshold(now, free + 4))
        .bind::<Timestamp, _>(threshold(now, LOCKOUT_CAP_FAILURES))
        .get_result::<Counted>(conn)
        .optional()?;
    if let Some(Counted { failures }) = counted {
        return Ok(Reservation::Granted { attempt: failures });
    }
    // Refused: say until when (the row exists, or the upsert would have inserted it).
    let row = login_throttles::table
        .find(key)
        .select((login_throttles::failures, login_throttles::last_attempt_at))
        .first::<(i32, chrono::NaiveDateTime)>(conn)
        .optional()?;
    let until = row
        .and_then(|(failures, last)| next_login_attempt(failures, from_db_time(last), now).err())
        .unwrap_or(now + TimeDelta::seconds(1));
    Ok(Reservation::Throttled { until })
}

/// Forgets a key's failures (after a successful login).
pub fn clear(conn: &mut DbConnection, key: &str) -> Result<(), PersistenceError> {
    diesel::delete(login_throttles::table.find(key)).execute(conn)?;
    Ok(())
}

/// Forgets keys without an attempt since `before`.
pub fn prune(conn: &mut DbConnection, before: DateTime<Utc>) -> Result<usize, PersistenceError> {
    Ok(diesel::delete(
        login_throttles::table.filter(login_throttles::last_attempt_at.lt(to_db_time(before))),
    )
    .execute(conn)?)
}

/// A key's failure count (tests and diagnostics).
pub fn failures(conn: &mut DbConnection, key: &str) -> Result<i32, PersistenceError> {
    Ok(login_throttles::table
        .find(key)
        .select(login_throttles::failures)
        .first::<i32>(conn)
        .optional()?
        .unwrap_or(0))
}
