//! Authentication policies.
//!
//! Failed logins are throttled per **(e-mail, client network)** pair, not per account:
//!
//! - every attempt is counted *before* its password is checked, so parallel guesses cannot
//!   outrun the count;
//! - a pair gets [`FREE_FAILED_LOGINS`] attempts, then waits [`login_lockout`] after each
//!   further one (30 s doubling up to 15 minutes) — its right password is refused during the
//!   wait too, or the wait would be a mere delay for a guesser;
//! - a success clears the pair's count;
//! - the owner logging in from another network is never refused because someone else keeps
//!   failing, and an unknown e-mail is throttled exactly like a known one, so the answers never
//!   tell whether an address has an account.

use chrono::{DateTime, TimeDelta, Utc};

/// Failed logins allowed to one (e-mail, client) pair before it is slowed down.
pub const FREE_FAILED_LOGINS: i32 = 5;

/// From this many failures on, the wait no longer grows.
pub const LOCKOUT_CAP_FAILURES: i32 = FREE_FAILED_LOGINS + 5;

/// How long a pair waits after its `failed_logins`-th consecutive failed (or still pending)
/// attempt: nothing for the first five, then 30 s doubling up to 15 minutes.
pub fn login_lockout(failed_logins: i32) -> Option<TimeDelta> {
    if failed_logins < FREE_FAILED_LOGINS {
        return None;
    }
    let doublings = failed_logins
        .min(LOCKOUT_CAP_FAILURES)
        .saturating_sub(FREE_FAILED_LOGINS)
        .min(5);
    let seconds = (30_i64 << doublings).min(15 * 60);
    Some(TimeDelta::seconds(seconds))
}

/// Policy: may a pair with `failed_logins` failures, the last attempted at `last_attempt_at`,
/// try again at `now`? `Err` holds the time from which it may.
pub fn next_login_attempt(
    failed_logins: i32,
    last_attempt_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), DateTime<Utc>> {
    let until = login_lockout(failed_logins).map(|wait| {
        last_attempt_at
            .checked_add_signed(wait)
            .unwrap_or(DateTime::<Utc>::MAX_UTC)
    });
    match until {
        Some(until) if until > now => Err(until),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lockout_table() {
        let table = [
            (0, None),
            (4, None),
            (5, Some(30)),
            (6, Some(60)),
            (7, Some(120)),
            (9, Some(480)),
            (10, Some(900)),
            (50, Some(900)),
            (i32::MAX, Some(900)),
        ];
        for (failures, seconds) in table {
            assert_eq!(
                login_lockout(failures).map(|d| d.num_seconds()),
                seconds,
                "{failures} failures"
            );
        }
        for failures in LOCKOUT_CAP_FAILURES..LOCKOUT_CAP_FAILURES + 20 {
            assert_eq!(login_lockout(failures), login_lockout(LOCKOUT_CAP_FAILURES));
        }
    }

    #[test]
    fn next_attempt_waits_from_the_last_one() {
        let now = Utc::now();
        assert_eq!(next_login_attempt(4, now, now), Ok(()));
        let wait = next_login_attempt(5, now, now).unwrap_err();
        assert_eq!(wait, now + TimeDelta::seconds(30));
        assert_eq!(
            next_login_attempt(5, now - TimeDelta::seconds(30), now),
            Ok(())
        );
        assert!(next_login_attempt(10, now - TimeDelta::seconds(899), now).is_err());
    }
}
