//! Account recovery and verification: the single-use links mailed to members.
//!
//! A link carries a random token (256 bits); only its SHA-256 is stored. A token has one
//! [`TokenPurpose`], expires after [`TokenPurpose::lifetime`], works once, and a newer token of
//! the same purpose replaces the member's older unused ones. None of the answers around these
//! links tells whether an address has an account: registering with a taken address, asking for a
//! password reset or moving to a taken address are all answered as if the address were free,
//! and the address's owner is told by mail instead.

use chrono::{DateTime, TimeDelta, Utc};

use crate::error::ParseError;

/// What a mailed token lets its holder do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenPurpose {
    /// Prove the member receives mail at an address: their current one, or the new address of
    /// an e-mail change (which takes effect when the link is used).
    VerifyEmail,
    /// Choose a new password without the old one.
    ResetPassword,
}

impl TokenPurpose {
    pub const ALL: [Self; 2] = [Self::VerifyEmail, Self::ResetPassword];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::VerifyEmail => "verify_email",
            Self::ResetPassword => "reset_password",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        Self::ALL
            .into_iter()
            .find(|purpose| purpose.as_str() == raw)
            .ok_or_else(|| {
                ParseError::single(
                    "purpose",
                    "invalid_value",
                    "expected verify_email or reset_password",
                )
            })
    }

    /// How long a link works: 48 hours to verify an address (mail can wait in a mailbox over a
    /// weekend), 1 hour to reset a password (a link that grants the account must not linger).
    pub fn lifetime(self) -> TimeDelta {
        match self {
            Self::VerifyEmail => TimeDelta::hours(48),
            Self::ResetPassword => TimeDelta::hours(1),
        }
    }

    /// When a token issued at `now` expires; `None` past the representable range.
    pub fn expires_at(self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        now.checked_add_signed(self.lifetime())
    }
}

/// Asking again within this time after a link was mailed (a resend, a password reset) mails
/// nothing new: one address cannot be flooded with links, whoever asks. The answer is the same.
pub const RESEND_COOLDOWN: TimeDelta = TimeDelta::seconds(60);

/// Policy: may a new link of a purpose be mailed at `now`, the last one having been issued at
/// `last_issued_at`? Only for requests that anyone may make about an address (password reset)
/// or that repeat themselves (resend); a registration or an e-mail change always mails.
pub fn may_mail_again(last_issued_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    match last_issued_at {
        None => true,
        Some(at) => at
            .checked_add_signed(RESEND_COOLDOWN)
            .is_none_or(|allowed| allowed <= now),
    }
}

/// A token as sent back by a client. It is only bounded here: any string of the right shape may
/// be looked up (by its hash), and one that names nothing is refused like a used or expired one.
#[derive(Clone, PartialEq, Eq)]
pub struct AccountToken(String);

impl std::fmt::Debug for AccountToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AccountToken(<redacted>)")
    }
}

impl AccountToken {
    /// Issued tokens are 43 characters (32 bytes in unpadded base64url); a little slack, no more.
    pub const MAX_LEN: usize = 128;

    /// `None` for a value that cannot be a token (empty, too long, outside base64url): the
    /// caller answers it like an unknown token.
    pub fn parse(raw: &str) -> Option<Self> {
        let raw = raw.trim();
        let shaped = !raw.is_empty()
            && raw.len() <= Self::MAX_LEN
            && raw
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        shaped.then(|| Self(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purposes_round_trip_and_last_as_decided() {
        for purpose in TokenPurpose::ALL {
            assert_eq!(TokenPurpose::parse(purpose.as_str()).unwrap(), purpose);
        }
        assert!(TokenPurpose::parse("change_email").is_err());
        assert_eq!(TokenPurpose::VerifyEmail.lifetime(), TimeDelta::hours(48));
        assert_eq!(TokenPurpose::ResetPassword.lifetime(), TimeDelta::hours(1));
        let now = Utc::now();
        assert_eq!(
            TokenPurpose::ResetPassword.expires_at(now),
            Some(now + TimeDelta::hours(1))
        );
        assert_eq!(
            TokenPurpose::ResetPassword.expires_at(DateTime::<Utc>::MAX_UTC),
            None
        );
    }

    #[test]
    fn mailing_again_waits_for_the_cooldown() {
        let now = Utc::now();
        let table = [
            (None, true),
            (Some(now), false),
            (Some(now - TimeDelta::seconds(59)), false),
            (Some(now - TimeDelta::seconds(60)), true),
            (Some(now - TimeDelta::days(3)), true),
            // A clock moved back: the stored time is in the future.
            (Some(now + TimeDelta::hours(1)), false),
            (Some(DateTime::<Utc>::MAX_UTC), true),
        ];
        for (last, expected) in table {
            assert_eq!(may_mail_again(last, now), expected, "{last:?}");
        }
    }

    #[test]
    fn tokens_are_bounded_base64url() {
        let issued = "Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4cXV1eHF1dXg";
        assert_eq!(AccountToken::parse(issued).unwrap().expose(), issued);
        assert_eq!(
            AccountToken::parse(&format!("  {issued}\n"))
                .unwrap()
                .expose(),
            issued
        );
        for bad in [
            "",
            "   ",
            "a+b",
            "a/b",
            "abc=",
            "é",
            "a b",
            &"a".repeat(129),
        ] {
            assert!(AccountToken::parse(bad).is_none(), "{bad:?}");
        }
        assert!(AccountToken::parse(&"a".repeat(128)).is_some());
        assert_eq!(
            format!("{:?}", AccountToken::parse(issued).unwrap()),
            "AccountToken(<redacted>)"
        );
    }
}
