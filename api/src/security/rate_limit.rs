//! Per-IP limits on the authentication endpoints (login, register, refresh, password change),
//! and the key of the per-(e-mail, client network) slow-down of failed logins
//! (`domain::auth`), which is stored in the database so it holds across server instances.

use std::net::{IpAddr, Ipv6Addr};
use std::num::NonZeroU32;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::error::ApiError;

/// The network a client is counted by: its IPv4 address, or the /64 prefix of its IPv6
/// address (one customer's allocation, where a client can pick any address at will).
fn client_network(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let [a, b, c, d, ..] = v6.segments();
                IpAddr::V6(Ipv6Addr::new(a, b, c, d, 0, 0, 0, 0))
            }
        },
        v4 => v4,
    }
}

/// The login throttle key of a normalised e-mail and a client: a SHA-256, so the table holds
/// neither addresses nor IPs in clear. Known and unknown e-mails get keys alike.
pub fn login_throttle_key(email: &str, ip: IpAddr) -> String {
    crate::security::tokens::hash_token(&format!("login\0{email}\0{}", client_network(ip)))
}

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
    fn throttle_keys_are_per_email_and_network() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        let key = login_throttle_key;
        assert_eq!(
            key("a@example.org", ip("2001:db8:1:2:3:4:5:6")),
            key("a@example.org", ip("2001:db8:1:2:ffff::1")),
            "one IPv6 /64"
        );
        assert_ne!(
            key("a@example.org", ip("2001:db8:1:2::1")),
            key("a@example.org", ip("2001:db8:1:3::1"))
        );
        assert_eq!(
            key("a@example.org", ip("::ffff:192.0.2.1")),
            key("a@example.org", ip("192.0.2.1"))
        );
        assert_ne!(
            key("a@example.org", ip("192.0.2.1")),
            key("a@example.org", ip("192.0.2.2"))
        );
        assert_ne!(
            key("a@example.org", ip("192.0.2.1")),
            key("b@example.org", ip("192.0.2.1"))
        );
    }

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
