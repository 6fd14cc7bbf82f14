//! Reports, the queues they go to, what moderators may decide, and the crisis safety net.

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};

use crate::error::ParseError;
use crate::group::{Membership, can_moderate};
use crate::ids::GroupId;
use crate::member::PlatformRole;
use crate::policy::{Refusal, allow};

/// Why a member reports something.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReportReason {
    Spam,
    Harassment,
    MedicalMisinformation,
    SelfHarm,
    MinorAtRisk,
    Privacy,
    /// A company or body stands behind the content without it being declared.
    UndeclaredSponsor,
    Other,
}

wire_enum!(ReportReason, "reason", "invalid_reason",
    Spam => "spam", Harassment => "harassment",
    MedicalMisinformation => "medical_misinformation", SelfHarm => "self_harm",
    MinorAtRisk => "minor_at_risk", Privacy => "privacy",
    UndeclaredSponsor => "undeclared_sponsor", Other => "other");

impl ReportReason {
    /// A life or a child may be at stake: platform moderators see it first, whatever the space.
    pub fn is_urgent(self) -> bool {
        matches!(self, Self::SelfHarm | Self::MinorAtRisk)
    }
}

/// What a report is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TargetKind {
    Post,
    Comment,
    Event,
    Resource,
    Member,
    /// A direct message: reported by a participant of its conversation; moderators read that
    /// one message, decrypted, and nothing else of the conversation.
    Message,
}

wire_enum!(TargetKind, "target_kind", "invalid_target_kind",
    Post => "post", Comment => "comment", Event => "event", Resource => "resource",
    Member => "member", Message => "message");

/// Which moderators see a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Queue {
    /// Platform moderators: everything outside groups, and every urgent report.
    Platform,
    /// The group's owners and moderators (platform moderators may step in).
    Group(GroupId),
}

/// Where a report goes: urgent reports to platform moderators, group content to its group's
/// moderators, the rest to platform moderators.
pub fn queue_for(reason: ReportReason, group: Option<GroupId>) -> Queue {
    match group {
        Some(group) if !reason.is_urgent() => Queue::Group(group),
        _ => Queue::Platform,
    }
}

/// Policy: may the actor work on this queue (read it, decide its reports, read its log)?
/// Platform moderators and admins work on every queue; a group's owners and moderators on
/// their group's.
pub fn can_moderate_queue(
    role: PlatformRole,
    queue: Queue,
    group_membership: Option<Membership>,
) -> Result<(), Refusal> {
    if role >= PlatformRole::Moderator {
        return Ok(());
    }
    match queue {
        Queue::Platform => Err(Refusal::Forbidden),
        Queue::Group(_) => can_moderate(group_membership),
    }
}

/// Policy: a member reports others, not themselves or what they wrote.
pub fn can_report(
    reporter: crate::ids::MemberId,
    author: crate::ids::MemberId,
) -> Result<(), Refusal> {
    allow(reporter != author, Refusal::SelfReport)
}

/// What a moderator decides about a report (or, for `Reinstate`, about a sanctioned member).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Decision {
    /// Nothing wrong: the report is closed.
    Dismiss,
    /// The content stays stored (for an appeal) but only its author and moderators see it.
    Hide,
    /// The content is deleted, as its author would delete it.
    Remove,
    /// The author is told what was wrong; nothing else changes.
    Warn,
    /// The author (or reported member) cannot log in for a number of days; their sessions end.
    Suspend,
    /// From the platform queue: suspended until lifted. From a group's queue: banned from the
    /// group.
    Ban,
    /// A suspension or ban lifted (not a decision on a report).
    Reinstate,
    /// Hidden content shown again after an appeal (not a decision on a report).
    Restore,
}

wire_enum!(Decision, "action", "invalid_action",
    Dismiss => "dismiss", Hide => "hide", Remove => "remove", Warn => "warn",
    Suspend => "suspend", Ban => "ban", Reinstate => "reinstate", Restore => "restore");

/// The longest suspension; longer is a ban.
pub const MAX_SUSPENSION_DAYS: i64 = 365;

/// The end a platform ban is stored with: it holds until a moderator lifts it.
pub fn banned_until() -> DateTime<Utc> {
    NaiveDate::from_ymd_opt(9999, 12, 31)
        .and_then(|day| day.and_hms_opt(0, 0, 0))
        .map_or(DateTime::<Utc>::MAX_UTC, |at| at.and_utc())
}

impl Decision {
    /// May a report of `target` in `queue` take this decision? Hiding and removing act on
    /// posts and comments; suspensions are platform-wide (a group bans instead); reinstating
    /// is not a decision on a report.
    pub fn applies(self, target: TargetKind, queue: Queue) -> Result<(), ParseError> {
        let refuse = |message: &str| Err(ParseError::single("action", "not_applicable", message));
        match self {
            Self::Dismiss | Self::Warn | Self::Ban => Ok(()),
            Self::Hide | Self::Remove
                if matches!(target, TargetKind::Post | TargetKind::Comment) =>
            {
                Ok(())
            }
            Self::Remove if target == TargetKind::Message => Ok(()),
            Self::Hide | Self::Remove => {
                refuse("hide applies to posts and comments, remove also to messages")
            }
            Self::Suspend if queue == Queue::Platform => Ok(()),
            Self::Suspend => refuse("suspensions are platform-wide: a group bans instead"),
            Self::Reinstate => refuse("reinstate a member at /members/{id}/reinstate"),
            Self::Restore => refuse("hidden content is restored by granting its appeal"),
        }
    }

    /// Does it sanction the author (or the reported member)?
    pub fn sanctions(self) -> bool {
        matches!(self, Self::Suspend | Self::Ban)
    }

    /// Until when a platform sanction holds: `duration_days` (1 to 365) for a suspension,
    /// none for anything else. A platform ban holds until lifted ([`banned_until`]).
    pub fn until(
        self,
        duration_days: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>, ParseError> {
        match (self, duration_days) {
            (Self::Suspend, Some(days)) if (1..=MAX_SUSPENSION_DAYS).contains(&days) => now
                .checked_add_signed(TimeDelta::days(days))
                .map(Some)
                .ok_or_else(|| {
                    ParseError::single("duration_days", "out_of_range", "ends too late")
                }),
            (Self::Suspend, _) => Err(ParseError::single(
                "duration_days",
                "out_of_range",
                format!("a suspension lasts 1 to {MAX_SUSPENSION_DAYS} days"),
            )),
            (Self::Ban, None) => Ok(Some(banned_until())),
            (_, None) => Ok(None),
            (_, Some(_)) => Err(ParseError::single(
                "duration_days",
                "not_applicable",
                "only suspensions have a duration",
            )),
        }
    }
}

/// Policy: platform sanctions (suspend, ban, reinstate) go down the roles: moderators sanction
/// members, admins also moderators, nobody an admin or themselves.
pub fn can_sanction(
    actor: crate::ids::MemberId,
    actor_role: PlatformRole,
    target: crate::ids::MemberId,
    target_role: PlatformRole,
) -> Result<(), Refusal> {
    allow(
        actor != target && actor_role >= PlatformRole::Moderator && target_role < actor_role,
        Refusal::Forbidden,
    )
}

/// How long after a decision the member it is about may appeal it.
pub const APPEAL_WINDOW_DAYS: i64 = 30;

/// What moderators answer an appeal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AppealOutcome {
    /// The decision is undone: hidden content shown again, the suspension or ban lifted.
    Granted,
    /// The decision stands.
    Upheld,
}

wire_enum!(AppealOutcome, "outcome", "invalid_outcome",
    Granted => "granted", Upheld => "upheld");

/// Policy: may the member a decision is about appeal it, `decided_at` being when it was taken
/// in `queue`? Hiding and a group's ban can be undone, so they can be appealed, within
/// [`APPEAL_WINDOW_DAYS`]; a dismissal, a warning (nothing to undo), a removal (the content is
/// gone) and a lifting cannot. Nor can a platform suspension or ban here: the member cannot
/// sign in while it holds; they write to the platform, whose moderators lift it with
/// `reinstate`. One appeal per decision (the store holds it unique).
pub fn can_appeal(
    decision: Decision,
    queue: Queue,
    decided_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), Refusal> {
    let undoable = match decision {
        Decision::Hide => true,
        Decision::Ban => matches!(queue, Queue::Group(_)),
        _ => false,
    };
    let open = now.signed_duration_since(decided_at) <= TimeDelta::days(APPEAL_WINDOW_DAYS);
    allow(undoable && open, Refusal::NotAppealable)
}

/// Who works on an appeal: the queue whose moderators took the decision (a group's, unless the
/// decision came from the platform queue or was urgent).
pub fn appeal_queue(group: Option<GroupId>, urgent: bool) -> Queue {
    match group {
        Some(group) if !urgent => Queue::Group(group),
        _ => Queue::Platform,
    }
}

/// What a reporter adds to a report: at most 1,000 characters, may be empty.
pub fn parse_note(raw: &str) -> Result<String, ParseError> {
    crate::text::bounded(raw, 0, 1000, true)
}

/// Why a moderator decided: 3 to 1,000 characters, shown to the author for a hide, a removal or
/// a warning.
pub fn parse_decision_reason(raw: &str) -> Result<String, ParseError> {
    crate::text::bounded(raw, 3, 1000, true)
}

/// Folds text for crisis matching: lower case, accents and apostrophe variants removed,
/// whitespace runs made one space. "J'ai ENVIE  d’en finir" → "j'ai envie d'en finir".
pub fn fold(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.nfkd().flat_map(char::to_lowercase) {
        if unicode_normalization::char::is_combining_mark(c) {
            continue;
        }
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        out.push(match c {
            '\u{2019}' | '\u{2018}' | '\u{02bc}' | '`' | '\u{00b4}' => '\'',
            other => other,
        });
    }
    out
}

/// Does `text` hold one of the crisis `expressions` (already folded with [`fold`])? Matched on
/// word boundaries, so "fin" does not match "enfin".
pub fn expresses_crisis(text: &str, expressions: &[String]) -> bool {
    let folded = fold(text);
    expressions.iter().any(|expression| {
        !expression.is_empty()
            && folded
                .match_indices(expression.as_str())
                .any(|(start, found)| {
                    let before = folded[..start].chars().next_back();
                    let after = folded[start.saturating_add(found.len())..].chars().next();
                    !before.is_some_and(char::is_alphanumeric)
                        && !after.is_some_and(char::is_alphanumeric)
                })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::group::{GroupRole, MembershipStatus};
    use crate::ids::MemberId;

    #[test]
    fn urgent_reports_go_to_the_platform_and_the_rest_to_their_space() {
        let group = GroupId::new();
        assert_eq!(
            queue_for(ReportReason::Spam, Some(group)),
            Queue::Group(group)
        );
        assert_eq!(queue_for(ReportReason::Spam, None), Queue::Platform);
        for urgent in [ReportReason::SelfHarm, ReportReason::MinorAtRisk] {
            assert!(urgent.is_urgent());
            assert_eq!(queue_for(urgent, Some(group)), Queue::Platform);
        }
        let urgent: Vec<_> = ReportReason::ALL.iter().filter(|r| r.is_urgent()).collect();
        assert_eq!(urgent.len(), 2);
    }

    #[test]
    fn who_works_on_which_queue() {
        let group = Queue::Group(GroupId::new());
        let moderator = Membership {
            role: GroupRole::Moderator,
            status: MembershipStatus::Active,
        };
        let member = Membership {
            role: GroupRole::Member,
            status: MembershipStatus::Active,
        };
        let banned_moderator = Membership {
            role: GroupRole::Moderator,
            status: MembershipStatus::Banned,
        };
        assert!(can_moderate_queue(PlatformRole::Moderator, Queue::Platform, None).is_ok());
        assert!(can_moderate_queue(PlatformRole::Admin, group, None).is_ok());
        assert!(
            can_moderate_queue(PlatformRole::Member, Queue::Platform, Some(moderator)).is_err()
        );
        assert!(can_moderate_queue(PlatformRole::Member, group, Some(moderator)).is_ok());
        assert!(can_moderate_queue(PlatformRole::Member, group, Some(member)).is_err());
        assert!(can_moderate_queue(PlatformRole::Member, group, Some(banned_moderator)).is_err());
        assert!(can_moderate_queue(PlatformRole::Member, group, None).is_err());
        let me = MemberId::new();
        assert_eq!(can_report(me, me), Err(Refusal::SelfReport));
        assert!(can_report(me, MemberId::new()).is_ok());
    }

    #[test]
    fn which_decision_applies_where() {
        let group = Queue::Group(GroupId::new());
        for target in TargetKind::ALL {
            for queue in [Queue::Platform, group] {
                assert!(Decision::Dismiss.applies(*target, queue).is_ok());
                assert!(Decision::Warn.applies(*target, queue).is_ok());
                assert!(Decision::Ban.applies(*target, queue).is_ok());
                assert!(Decision::Reinstate.applies(*target, queue).is_err());
                let content = matches!(target, TargetKind::Post | TargetKind::Comment);
                assert_eq!(Decision::Hide.applies(*target, queue).is_ok(), content);
                assert_eq!(
                    Decision::Remove.applies(*target, queue).is_ok(),
                    content || *target == TargetKind::Message
                );
                assert_eq!(
                    Decision::Suspend.applies(*target, queue).is_ok(),
                    queue == Queue::Platform
                );
            }
        }
    }

    #[test]
    fn suspensions_last_1_to_365_days_and_bans_until_lifted() {
        let now = Utc::now();
        assert_eq!(
            Decision::Suspend.until(Some(7), now).unwrap(),
            Some(now + TimeDelta::days(7))
        );
        for bad in [None, Some(0), Some(-1), Some(366), Some(i64::MAX)] {
            let error = Decision::Suspend.until(bad, now).unwrap_err();
            assert_eq!(error.errors()[0].field, "duration_days");
        }
        assert_eq!(
            Decision::Ban.until(None, now).unwrap(),
            Some(banned_until())
        );
        assert!(Decision::Ban.until(Some(3), now).is_err());
        assert_eq!(Decision::Warn.until(None, now).unwrap(), None);
        assert!(Decision::Hide.until(Some(1), now).is_err());
        assert_eq!(banned_until().format("%Y-%m-%d").to_string(), "9999-12-31");
    }

    #[test]
    fn only_undoable_decisions_are_appealed_and_within_thirty_days() {
        let decided = Utc::now();
        let day = |n| decided + TimeDelta::days(n);
        let group = GroupId::new();
        let in_group = Queue::Group(group);
        for (decision, queue, after, allowed) in [
            (Decision::Hide, in_group, 0, true),
            (Decision::Hide, Queue::Platform, 1, true),
            (Decision::Ban, in_group, APPEAL_WINDOW_DAYS, true),
            (Decision::Hide, in_group, APPEAL_WINDOW_DAYS + 1, false),
            (Decision::Ban, Queue::Platform, 0, false),
            (Decision::Suspend, Queue::Platform, 0, false),
            (Decision::Dismiss, in_group, 0, false),
            (Decision::Warn, in_group, 0, false),
            (Decision::Remove, in_group, 0, false),
            (Decision::Reinstate, Queue::Platform, 0, false),
            (Decision::Restore, in_group, 0, false),
        ] {
            assert_eq!(
                can_appeal(decision, queue, decided, day(after)).is_ok(),
                allowed,
                "{decision:?} in {queue:?} after {after} days"
            );
        }
        assert_eq!(appeal_queue(Some(group), false), Queue::Group(group));
        assert_eq!(appeal_queue(Some(group), true), Queue::Platform);
        assert_eq!(appeal_queue(None, false), Queue::Platform);
        assert!(
            Decision::Restore
                .applies(TargetKind::Post, Queue::Platform)
                .is_err()
        );
    }

    #[test]
    fn sanctions_go_down_the_roles() {
        let (a, b) = (MemberId::new(), MemberId::new());
        use PlatformRole::{Admin, Member, Moderator};
        assert!(can_sanction(a, Moderator, b, Member).is_ok());
        assert!(can_sanction(a, Admin, b, Moderator).is_ok());
        assert!(can_sanction(a, Moderator, b, Moderator).is_err());
        assert!(can_sanction(a, Admin, b, Admin).is_err());
        assert!(can_sanction(a, Member, b, Member).is_err());
        assert!(can_sanction(a, Admin, a, Member).is_err());
    }

    #[test]
    fn crisis_expressions_match_whatever_the_case_accents_and_apostrophes() {
        let expressions: Vec<String> = ["envie d'en finir", "suicide", "je veux mourir"]
            .iter()
            .map(|e| fold(e))
            .collect();
        for text in [
            "Parfois j'ai ENVIE  D\u{2019}EN FINIR.",
            "je pense au suicide",
            "Je veux mourir, voilà.",
            "JE VEUX MOURIR",
        ] {
            assert!(expresses_crisis(text, &expressions), "{text}");
        }
        assert!(!expresses_crisis("Enfin une bonne nouvelle", &expressions));
        assert!(!expresses_crisis(
            "c'est suicidaire comme plan",
            &expressions
        ));
        assert!(!expresses_crisis("", &expressions));
        assert!(!expresses_crisis("rien", &[String::new()]));
        assert_eq!(fold("Élodie  \t Zoé"), "elodie zoe");
    }
}
