//! Authentication policies.

use chrono::TimeDelta;

/// Failed logins allowed on one account before it is slowed down.
pub const FREE_FAILED_LOGINS: i32 = 5;

/// How long an account refuses logins after its `failed_logins`-th consecutive failure,
/// whatever the IP: nothing for the first five, then 30 s doubling up to 15 minutes.
/// A correct password during the lock is refused too, or the lock would be a mere delay.
pub fn login_lockout(failed_logins: i32) -> Option<TimeDelta> {
    if failed_logins < FREE_FAILED_LOGINS {
        return None;
    }
    let doublings = failed_logins.saturating_sub(FREE_FAILED_LOGINS).min(5);
    let seconds = (30_i64 << doublings).min(15 * 60);
    Some(TimeDelta::seconds(seconds))
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
        ];
        for (failures, seconds) in table {
            assert_eq!(
                login_lockout(failures).map(|d| d.num_seconds()),
                seconds,
                "{failures} failures"
            );
        }
    }
}
