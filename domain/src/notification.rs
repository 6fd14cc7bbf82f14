//! In-app notifications: what happened that concerns a member, as references (kind, actor,
//! subject ids), never as copied text, so what a notification shows is always what its
//! recipient may read *now*.

use chrono::{DateTime, Utc};

use crate::error::ParseError;
use crate::event::{Event, EventStatus};
use crate::ids::{CommentId, EventId, GroupId, MemberId, PostId};

/// What a notification is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NotificationKind {
    /// Someone commented on your post.
    Comment,
    /// Someone replied to your comment.
    Reply,
    /// Members reacted to your post or comment (one notification per post or comment, counting
    /// the reactions since you last read it).
    Reaction,
    /// Someone mentioned you (`@pseudonym`) in a post or a comment.
    Mention,
    /// Someone asked to join a group you moderate.
    JoinRequest,
    /// Your request to join a group was approved or refused.
    JoinDecision,
    /// An event you answered changed or was cancelled.
    EventChanged,
    /// An event you are going to starts within 24 hours.
    EventReminder,
    /// A questionnaire of a study you consented to is open to your answers.
    QuestionnaireDue,
    /// A resource you wrote or edited was validated.
    ResourceValidated,
    /// Moderators hid or removed something you wrote.
    ContentModerated,
    /// Moderators warned or suspended you.
    Sanctioned,
    /// A report you made was decided.
    ReportDecided,
}

wire_enum!(NotificationKind, "kind", "invalid_kind",
    Comment => "comment", Reply => "reply", Reaction => "reaction", Mention => "mention",
    JoinRequest => "join_request", JoinDecision => "join_decision",
    EventChanged => "event_changed", EventReminder => "event_reminder",
    QuestionnaireDue => "questionnaire_due", ResourceValidated => "resource_validated",
    ContentModerated => "content_moderated", Sanctioned => "sanctioned",
    ReportDecided => "report_decided");

/// Where a member wants a kind of notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Channel {
    /// In the app (the list and the stream). The default.
    #[default]
    InApp,
    /// In the app, and gathered in the periodic e-mail digest.
    EmailDigest,
    /// Not at all: nothing is stored.
    Off,
}

wire_enum!(Channel, "channel", "invalid_channel",
    InApp => "in_app", EmailDigest => "email_digest", Off => "off");

/// How often a member receives the e-mail digest of their unread `email_digest` notifications.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum DigestFrequency {
    /// Once a day (periods are UTC days).
    Daily,
    /// Once a week (periods are ISO weeks, from Monday 00:00 UTC).
    Weekly,
    /// No digest. The default.
    #[default]
    Never,
}

wire_enum!(DigestFrequency, "frequency", "invalid_frequency",
    Daily => "daily", Weekly => "weekly", Never => "never");

impl DigestFrequency {
    /// The start of the digest period `now` falls in (`None` for [`Self::Never`]). A digest is
    /// sent at most once per period: the period's start is recorded when it is.
    pub fn period_start(self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        use chrono::{Datelike, TimeDelta};
        let day = now.date_naive();
        let start = match self {
            Self::Never => return None,
            Self::Daily => day,
            Self::Weekly => day.checked_sub_signed(TimeDelta::days(i64::from(
                day.weekday().num_days_from_monday(),
            )))?,
        };
        Some(start.and_hms_opt(0, 0, 0)?.and_utc())
    }

    /// How far back the first digest looks (later ones look back to the previous digest).
    pub fn length(self) -> Option<chrono::TimeDelta> {
        match self {
            Self::Never => None,
            Self::Daily => Some(chrono::TimeDelta::days(1)),
            Self::Weekly => Some(chrono::TimeDelta::days(7)),
        }
    }
}

/// Policy: is a digest due for a member of `frequency` whose last digest covered the period
/// starting `last_period`? When a period has begun since.
pub fn digest_due(
    frequency: DigestFrequency,
    last_period: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let period = frequency.period_start(now)?;
    last_period
        .is_none_or(|last| last < period)
        .then_some(period)
}

/// How long before an event starts its attendees are reminded of it.
pub const REMINDER_AHEAD: chrono::TimeDelta = chrono::TimeDelta::hours(24);

/// The outcome a notification reports, for the kinds that have one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    Approved,
    Refused,
    Changed,
    Cancelled,
}

wire_enum!(Outcome, "outcome", "invalid_outcome",
    Approved => "approved", Refused => "refused", Changed => "changed", Cancelled => "cancelled");

/// A notification to be written: who gets it, who caused it, what it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub recipient: MemberId,
    pub kind: NotificationKind,
    pub actor: Option<MemberId>,
    pub subject: Subject,
    pub outcome: Option<Outcome>,
}

/// What a notification points at: ids only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Subject {
    pub post: Option<PostId>,
    pub comment: Option<CommentId>,
    pub group: Option<GroupId>,
    pub event: Option<EventId>,
    /// A resource, questionnaire or report, for the kinds about those.
    pub other: Option<uuid::Uuid>,
}

/// A stored notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    pub id: uuid::Uuid,
    pub recipient: MemberId,
    pub kind: NotificationKind,
    pub actor: Option<MemberId>,
    pub subject: Subject,
    pub outcome: Option<Outcome>,
    /// How many events this notification gathers (reactions); 1 otherwise.
    pub count: i64,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

/// Policy: is a notice worth writing? Never to oneself, never when the recipient turned the
/// kind off. (Blocks and the read policy are checked against the database by the caller.)
pub fn should_notify(recipient: MemberId, actor: Option<MemberId>, channel: Channel) -> bool {
    actor != Some(recipient) && channel != Channel::Off
}

/// At most this many members are notified of mentions in one text.
pub const MAX_MENTIONS: usize = 10;

/// The pseudonym keys (lower-cased) mentioned in a text as `@pseudonym`: letters, digits, `_`,
/// `-` and `.` after an `@` that does not follow a letter or digit (so `a@b.org` mentions
/// nobody), without trailing `.` or `-`. Pseudonyms holding a space cannot be mentioned.
/// Distinct, in order of first appearance, at most [`MAX_MENTIONS`].
pub fn mentions(text: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    let mut previous: Option<char> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((_, c)) = chars.next() {
        let starts = c == '@' && !previous.is_some_and(|p| p.is_alphanumeric() || p == '_');
        previous = Some(c);
        if !starts {
            continue;
        }
        let mut name = String::new();
        while let Some(&(_, next)) = chars.peek() {
            if next.is_alphanumeric() || matches!(next, '_' | '-' | '.') {
                name.push(next);
                previous = Some(next);
                chars.next();
            } else {
                break;
            }
        }
        let name = name.trim_end_matches(['.', '-']).to_lowercase();
        let length = name.chars().count();
        if (crate::member::Pseudonym::MIN_CHARS..=crate::member::Pseudonym::MAX_CHARS)
            .contains(&length)
            && !found.contains(&name)
        {
            found.push(name);
            if found.len() == MAX_MENTIONS {
                break;
            }
        }
    }
    found
}

/// Policy: what attendees of an event are told about an update, if anything. A cancellation
/// (`cancelled`), or a new time, time zone, venue or online link (`changed`): what makes them
/// come at another moment or to another place. A new title, description or capacity is not
/// worth a notification (they read it on the event).
pub fn event_change(before: &Event, after: &Event) -> Option<Outcome> {
    if before.status != EventStatus::Cancelled && after.status == EventStatus::Cancelled {
        return Some(Outcome::Cancelled);
    }
    let moved = before.schedule != after.schedule
        || before.venue != after.venue
        || before.online_url != after.online_url;
    moved.then_some(Outcome::Changed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn who_gets_a_notice() {
        let (me, other) = (MemberId::new(), MemberId::new());
        let table = [
            (Some(other), Channel::InApp, true),
            (Some(other), Channel::EmailDigest, true),
            (Some(other), Channel::Off, false),
            (None, Channel::InApp, true),
            (None, Channel::Off, false),
            (Some(me), Channel::InApp, false),
            (Some(me), Channel::EmailDigest, false),
        ];
        for (actor, channel, expected) in table {
            assert_eq!(
                should_notify(me, actor, channel),
                expected,
                "{actor:?} {channel:?}"
            );
        }
    }

    #[test]
    fn mentions_are_read_from_text() {
        let table: [(&str, &[&str]); 9] = [
            ("merci @Paul !", &["paul"]),
            ("@Paul, @marie_2 et @Paul", &["paul", "marie_2"]),
            ("écrire à paul@exemple.org", &[]),
            ("@ab est trop court", &[]),
            ("fin de phrase @Jean-Luc.", &["jean-luc"]),
            ("@Zoé.", &["zoé"]),
            ("@@double", &["double"]),
            ("no mention here", &[]),
            ("(@Léa)", &["léa"]),
        ];
        for (text, expected) in table {
            assert_eq!(mentions(text), expected, "{text}");
        }
    }

    #[test]
    fn mentions_are_bounded() {
        let text: String = (0..30).map(|i| format!("@member{i:02} ")).collect();
        assert_eq!(mentions(&text).len(), MAX_MENTIONS);
        let long = format!("@{}", "a".repeat(40));
        assert!(mentions(&long).is_empty());
    }

    #[test]
    fn digests_are_due_once_per_period() {
        let at = |d: u32, h: u32| {
            chrono::NaiveDate::from_ymd_opt(2026, 12, d)
                .unwrap()
                .and_hms_opt(h, 0, 0)
                .unwrap()
                .and_utc()
        };
        // 2026-12-09 is a Wednesday; its week starts Monday the 7th.
        let now = at(9, 15);
        assert_eq!(DigestFrequency::Daily.period_start(now), Some(at(9, 0)));
        assert_eq!(DigestFrequency::Weekly.period_start(now), Some(at(7, 0)));
        assert_eq!(DigestFrequency::Never.period_start(now), None);
        let table = [
            (DigestFrequency::Daily, None, Some(at(9, 0))),
            (DigestFrequency::Daily, Some(at(8, 0)), Some(at(9, 0))),
            (DigestFrequency::Daily, Some(at(9, 0)), None),
            (DigestFrequency::Weekly, Some(at(7, 0)), None),
            (DigestFrequency::Weekly, Some(at(1, 0)), Some(at(7, 0))),
            (DigestFrequency::Never, None, None),
        ];
        for (frequency, last, expected) in table {
            assert_eq!(
                digest_due(frequency, last, now),
                expected,
                "{frequency:?} {last:?}"
            );
        }
        for frequency in DigestFrequency::ALL {
            assert_eq!(DigestFrequency::parse(frequency.as_str()), Ok(*frequency));
        }
    }

    #[test]
    fn kinds_round_trip() {
        for kind in NotificationKind::ALL {
            assert_eq!(NotificationKind::parse(kind.as_str()), Ok(*kind));
        }
        for channel in Channel::ALL {
            assert_eq!(Channel::parse(channel.as_str()), Ok(*channel));
        }
        assert!(Channel::parse("sms").is_err());
    }
}
