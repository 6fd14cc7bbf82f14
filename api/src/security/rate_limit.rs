//! Per-IP limits on the authentication endpoints (login, register, refresh, password change).
//! Per-account slow-down of failed logins is a domain policy stored with the account, so it
//! holds whatever IP an attacker uses and across server instances.

use std::net::IpAddr;
use std::num::NonZeroU32;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::error::ApiError;

pub struct AuthRateLimiter {
    limiter: Option<DefaultKeyedRateLimiter<IpAddr>>,
}

impl AuthRateLimiter {
    /// `per_minute` attempts per IP, as a burst refilled evenly over the minute; 0 turns the
    /// limit off (load tests).
    pub fn new(per_minute: u32) -> Self {
        Self {
            limiter: NonZeroU32::new(per_minute).map(|n| RateLimiter::keyed(Quota::per_minute(n))),
        }
    }

    pub fn check(&self, ip: IpAddr) -> Result<(), ApiError> {
        let Some(limiter) = &self.limiter else {
            return Ok(());
        };
        limiter.check_key(&ip).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            ApiError::RateLimited {
                retry_after_secs: wait.as_secs() + u64::from(wait.subsec_nanos() > 0),
            }
        })
    }

    /// Forgets IPs whose budget is full again, so memory does not grow with every visitor.
    pub fn retain_recent(&self) {
        if let Some(limiter) = &self.limiter {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_per_ip_and_can_be_off() {
        let limiter = AuthRateLimiter::new(3);
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let b: IpAddr = "192.0.2.2".parse().unwrap();
        for _ in 0..3 {
            limiter.check(a).unwrap();
        }
        match limiter.check(a) {
            Err(ApiError::RateLimited { retry_after_secs }) => {
                assert!((1..=20).contains(&retry_after_secs), "{retry_after_secs}")
            }
            other => panic!("expected a rate limit, got {other:?}"),
        }
        limiter.check(b).unwrap();

        let off = AuthRateLimiter::new(0);
        for _ in 0..100 {
            off.check(a).unwrap();
        }
    }
}
