//! The consent ledger: what a member agreed to, per purpose, against which version of the
//! consent text. Entries are only ever added (a withdrawal closes the current one, a new
//! consent opens another): history is never rewritten, so a member can see everything they
//! agreed to and when, and a study can prove what each answer was given under.

use std::fmt;

use chrono::{DateTime, Utc};

use crate::error::ParseError;
use crate::ids::StudyId;

/// What a consent is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Purpose {
    /// Answering one study's questionnaires (`research:<study id>`).
    Research(StudyId),
    /// Receiving prevention announcements targeted at one's conditions (`announcements`).
    Announcements,
}

impl Purpose {
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let invalid = || {
            ParseError::single(
                "purpose",
                "invalid_purpose",
                "must be `announcements` or `research:<study id>`",
            )
        };
        if raw == "announcements" {
            return Ok(Self::Announcements);
        }
        let id = raw.strip_prefix("research:").ok_or_else(invalid)?;
        let uuid = uuid::Uuid::parse_str(id).map_err(|_| invalid())?;
        Ok(Self::Research(StudyId::from_uuid(uuid)))
    }
}

impl fmt::Display for Purpose {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Research(study) => write!(f, "research:{study}"),
            Self::Announcements => f.write_str("announcements"),
        }
    }
}

/// How a consent was given or withdrawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// Through the API, by the member (a web or mobile client).
    Api,
    /// Recorded by the platform on the member's behalf (e.g. an import).
    Platform,
}

wire_enum!(Channel, "channel", "invalid_channel",
    Api => "api",
    Platform => "platform",
);

/// What happens to a study's past answers when its consent is withdrawn: the member chooses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PastAnswers {
    /// Deleted at once.
    Delete,
    /// Kept under the study's pseudonymous id, excluded from every later export.
    KeepPseudonymous,
}

wire_enum!(PastAnswers, "past_answers", "invalid_past_answers",
    Delete => "delete",
    KeepPseudonymous => "keep_pseudonymous",
);

/// One entry of the ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentRecord {
    pub purpose: Purpose,
    /// The version of the consent text agreed to.
    pub text_version: u32,
    pub given_at: DateTime<Utc>,
    pub channel: Channel,
    pub withdrawn_at: Option<DateTime<Utc>>,
    /// For research consents, what the member chose for their past answers on withdrawal.
    pub past_answers: Option<PastAnswers>,
}

/// Where a member stands with a purpose whose consent text is at `current_version`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// A consent to the current text, not withdrawn.
    Current,
    /// A consent to an older text: the member is asked again before anything new.
    Outdated,
    /// The last consent was withdrawn.
    Withdrawn,
    /// Never consented.
    None,
}

/// The standing of a member from their ledger entries for one purpose (any order).
pub fn standing(records: &[ConsentRecord], purpose: Purpose, current_version: u32) -> Standing {
    let latest = records
        .iter()
        .filter(|r| r.purpose == purpose)
        .max_by_key(|r| (r.given_at, r.text_version));
    match latest {
        None => Standing::None,
        Some(record) if record.withdrawn_at.is_some() => Standing::Withdrawn,
        Some(record) if record.text_version >= current_version => Standing::Current,
        Some(_) => Standing::Outdated,
    }
}

/// Policy: who publishes a new version of a platform-wide consent text (`announcements`)?
/// Platform admins: the platform, not an association, asks for this consent.
pub fn can_publish_platform_text(
    actor_role: crate::member::PlatformRole,
) -> Result<(), crate::policy::Refusal> {
    crate::policy::allow(
        actor_role == crate::member::PlatformRole::Admin,
        crate::policy::Refusal::Forbidden,
    )
}

/// Why a consent step is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ConsentRefusal {
    /// Consenting again to the text already agreed to (409).
    #[error("already consented to this text")]
    AlreadyGiven,
    /// Withdrawing a consent that is not in force (409).
    #[error("no consent in force")]
    NotGiven,
    /// Answering without a current consent to the study's text (403).
    #[error("a current consent is needed")]
    ConsentRequired,
}

/// Policy: may the member consent now? Not while a consent to the current text is in force.
pub fn can_give(standing: Standing) -> Result<(), ConsentRefusal> {
    match standing {
        Standing::Current => Err(ConsentRefusal::AlreadyGiven),
        Standing::Outdated | Standing::Withdrawn | Standing::None => Ok(()),
    }
}

/// Policy: may the member withdraw? When a consent is in force, whatever its text version.
pub fn can_withdraw(standing: Standing) -> Result<(), ConsentRefusal> {
    match standing {
        Standing::Current | Standing::Outdated => Ok(()),
        Standing::Withdrawn | Standing::None => Err(ConsentRefusal::NotGiven),
    }
}

/// Policy: may the member answer a study's questionnaire? Only under a consent to the current
/// text: a new text version asks again, a withdrawal stops answers at once.
pub fn can_answer(standing: Standing) -> Result<(), ConsentRefusal> {
    match standing {
        Standing::Current => Ok(()),
        Standing::Outdated | Standing::Withdrawn | Standing::None => {
            Err(ConsentRefusal::ConsentRequired)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(day: u32) -> DateTime<Utc> {
        chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 11, day, 9, 0, 0).unwrap()
    }

    fn record(purpose: Purpose, version: u32, day: u32, withdrawn: Option<u32>) -> ConsentRecord {
        ConsentRecord {
            purpose,
            text_version: version,
            given_at: at(day),
            channel: Channel::Api,
            withdrawn_at: withdrawn.map(at),
            past_answers: withdrawn.map(|_| PastAnswers::KeepPseudonymous),
        }
    }

    #[test]
    fn purposes_read_and_write_the_same() {
        let study = StudyId::new();
        let purpose = Purpose::Research(study);
        assert_eq!(Purpose::parse(&purpose.to_string()).unwrap(), purpose);
        assert_eq!(
            Purpose::parse("announcements").unwrap(),
            Purpose::Announcements
        );
        for bad in ["research:", "research:42", "Research:x", "", "marketing"] {
            assert!(Purpose::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn standing_follows_the_latest_entry_and_the_text_version() {
        let study = Purpose::Research(StudyId::new());
        let other = Purpose::Research(StudyId::new());
        assert_eq!(standing(&[], study, 1), Standing::None);
        let given = vec![record(study, 1, 2, None)];
        assert_eq!(standing(&given, study, 1), Standing::Current);
        assert_eq!(standing(&given, other, 1), Standing::None);
        // A new text version asks again.
        assert_eq!(standing(&given, study, 2), Standing::Outdated);
        // Withdrawn, then given again: the latest entry decides.
        let history = vec![record(study, 1, 2, Some(5)), record(study, 2, 9, None)];
        assert_eq!(standing(&history, study, 2), Standing::Current);
        let withdrawn = vec![record(study, 1, 2, Some(5))];
        assert_eq!(standing(&withdrawn, study, 1), Standing::Withdrawn);
    }

    #[test]
    fn answering_needs_a_current_consent() {
        assert_eq!(can_answer(Standing::Current), Ok(()));
        for other in [Standing::Outdated, Standing::Withdrawn, Standing::None] {
            assert_eq!(can_answer(other), Err(ConsentRefusal::ConsentRequired));
        }
        assert_eq!(
            can_give(Standing::Current),
            Err(ConsentRefusal::AlreadyGiven)
        );
        assert_eq!(can_give(Standing::Outdated), Ok(()));
        assert_eq!(can_withdraw(Standing::Outdated), Ok(()));
        assert_eq!(
            can_withdraw(Standing::Withdrawn),
            Err(ConsentRefusal::NotGiven)
        );
    }
}
