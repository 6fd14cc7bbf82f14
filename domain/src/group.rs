//! Discussion groups ("spaces") and who may do what in them.
//!
//! A group's *metadata* (name, description, visibility, audience, member count) is a public
//! directory entry. Its *content* (posts, comments, reactions, member list) is what these
//! policies guard. The same rules are written as SQL filters in `persistence::groups`; the tests
//! of both check they agree.

use chrono::{DateTime, Utc};

use crate::error::ParseError;
use crate::ids::{AssociationId, ConditionId, GroupId, MemberId};
use crate::member::MemberKind;
use crate::policy::{Refusal, allow};
use crate::sponsor::Sponsor;

/// Who can read a group's content without being a member.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GroupVisibility {
    /// Anyone who fits the audience reads it; members join at once.
    Public,
    /// Only active members read it; joining is by approved request or invitation.
    Private,
}

/// Which kind of member a group is reserved to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Audience {
    Everyone,
    Patients,
    Caregivers,
    Professionals,
}

/// A member's role in a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum GroupRole {
    Member,
    Moderator,
    Owner,
}

/// Where a member stands with a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MembershipStatus {
    Active,
    /// Asked to join a private group; waits for a moderator.
    Pending,
    /// Invited by a moderator; joins at once if they want.
    Invited,
    /// Removed and barred from coming back.
    Banned,
}

wire_enum!(GroupVisibility, "visibility", "invalid_visibility",
    Public => "public", Private => "private");
wire_enum!(Audience, "audience", "invalid_audience",
    Everyone => "everyone", Patients => "patients", Caregivers => "caregivers",
    Professionals => "professionals");
wire_enum!(GroupRole, "role", "invalid_role",
    Member => "member", Moderator => "moderator", Owner => "owner");
wire_enum!(MembershipStatus, "status", "invalid_status",
    Active => "active", Pending => "pending", Invited => "invited", Banned => "banned");

impl Audience {
    /// The audience reserved to one kind of member.
    pub fn of_kind(kind: MemberKind) -> Self {
        match kind {
            MemberKind::Patient => Self::Patients,
            MemberKind::Caregiver => Self::Caregivers,
            MemberKind::Professional => Self::Professionals,
        }
    }

    /// Does this audience admit a member of this kind?
    pub fn admits(self, kind: MemberKind) -> bool {
        self == Self::Everyone || self == Self::of_kind(kind)
    }
}

/// A group's name: 3 to 80 characters, unique ignoring case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupName(String);

impl GroupName {
    pub const MAX_CHARS: usize = 80;

    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let value = raw.trim();
        let count = value.chars().count();
        if count < 3 {
            return Err(ParseError::single(
                "name",
                "too_short",
                "must be at least 3 characters",
            ));
        }
        if count > Self::MAX_CHARS {
            return Err(ParseError::single(
                "name",
                "too_long",
                format!("must be at most {} characters", Self::MAX_CHARS),
            ));
        }
        if value.chars().any(char::is_control) {
            return Err(ParseError::single(
                "name",
                "invalid_text",
                "must not contain control characters",
            ));
        }
        Ok(Self(value.to_owned()))
    }

    /// A value read back from storage, where it was parsed when written.
    pub fn from_stored(value: String) -> Self {
        Self(value)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn key(&self) -> String {
        self.0.to_lowercase()
    }
}

/// A group's description, at most 4,000 characters (plain text).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GroupDescription(String);

impl GroupDescription {
    pub const MAX_CHARS: usize = 4000;

    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let normalised = crate::text::normalise_line_breaks(raw);
        let value = normalised.trim();
        if value.chars().count() > Self::MAX_CHARS {
            return Err(ParseError::single(
                "description",
                "too_long",
                format!("must be at most {} characters", Self::MAX_CHARS),
            ));
        }
        Ok(Self(value.to_owned()))
    }

    /// A value read back from storage, where it was parsed when written.
    pub fn from_stored(value: String) -> Self {
        Self(value)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A group, as the directory shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub id: GroupId,
    pub name: GroupName,
    pub description: GroupDescription,
    pub condition_id: Option<ConditionId>,
    pub visibility: GroupVisibility,
    pub audience: Audience,
    pub member_count: i64,
    /// The association that owns the group, if any.
    pub association_id: Option<AssociationId>,
    /// May plain members create events in the group (not only moderators)?
    pub members_can_create_events: bool,
    /// Who stands behind the group, when declared.
    pub sponsor: Option<Sponsor>,
    pub created_by: MemberId,
    pub created_at: DateTime<Utc>,
}

/// A new group; its creator becomes its owner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewGroup {
    pub name: GroupName,
    pub description: GroupDescription,
    pub condition_id: Option<ConditionId>,
    pub visibility: GroupVisibility,
    pub audience: Audience,
    pub association_id: Option<AssociationId>,
    pub members_can_create_events: bool,
    pub sponsor: Option<Sponsor>,
}

/// Changes to a group (owners and moderators; audience by owners only).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroupChanges {
    pub name: Option<GroupName>,
    pub description: Option<GroupDescription>,
    pub condition_id: Option<Option<ConditionId>>,
    pub visibility: Option<GroupVisibility>,
    pub audience: Option<Audience>,
    pub members_can_create_events: Option<bool>,
    /// `Some(None)` withdraws the declaration.
    pub sponsor: Option<Option<Sponsor>>,
}

/// A member's standing in a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Membership {
    pub role: GroupRole,
    pub status: MembershipStatus,
}

impl Membership {
    pub fn is_active(self) -> bool {
        self.status == MembershipStatus::Active
    }

    fn is_active_staff(self) -> bool {
        self.is_active() && self.role >= GroupRole::Moderator
    }
}

/// The reader of group content, with their kind as it is *now* (loaded per request, so changing
/// kind changes access at once).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    Anonymous,
    Member { id: MemberId, kind: MemberKind },
}

impl Reader {
    pub fn member_id(self) -> Option<MemberId> {
        match self {
            Self::Anonymous => None,
            Self::Member { id, .. } => Some(id),
        }
    }

    /// Does the group's audience admit this reader? Anonymous readers fit `everyone` only.
    pub fn fits(self, audience: Audience) -> bool {
        match self {
            Self::Anonymous => audience == Audience::Everyone,
            Self::Member { kind, .. } => audience.admits(kind),
        }
    }
}

/// Policy: may `reader` read the group's content (posts, comments, reactions, member list)?
/// The audience comes first, whatever else is true; then public groups are open, private ones
/// to active members only (a banned, pending or invited member reads nothing).
pub fn can_read_content(
    visibility: GroupVisibility,
    audience: Audience,
    reader: Reader,
    membership: Option<Membership>,
) -> bool {
    if !reader.fits(audience) {
        return false;
    }
    match visibility {
        GroupVisibility::Public => {
            !membership.is_some_and(|m| m.status == MembershipStatus::Banned)
        }
        GroupVisibility::Private => membership.is_some_and(Membership::is_active),
    }
}

/// Why a reader may not see a group's member list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberListRefusal {
    /// They may not read the group's content at all.
    NotReadable,
    /// They may read it but are not an active member: who belongs to a group is for its
    /// members (belonging to a disease group is health data), even when its posts are public.
    NotAMember,
}

/// Policy: what may `reader` see of the group's member list? Its active members who may read
/// the group: its owners and moderators everyone, the others the members who chose to be
/// listed (and themselves). Nobody else, anonymous visitors included.
pub fn member_list_view(
    visibility: GroupVisibility,
    audience: Audience,
    reader: Reader,
    membership: Option<Membership>,
) -> Result<crate::profile::MemberListView, MemberListRefusal> {
    use crate::profile::MemberListView;
    if !can_read_content(visibility, audience, reader, membership) {
        return Err(MemberListRefusal::NotReadable);
    }
    match membership {
        Some(m) if m.is_active_staff() => Ok(MemberListView::Everyone),
        Some(m) if m.is_active() => Ok(MemberListView::Listed),
        _ => Err(MemberListRefusal::NotAMember),
    }
}

/// Policy: may `reader` read the group's content? `NotReadable` otherwise (see
/// [`can_read_content`]).
pub fn reading(
    visibility: GroupVisibility,
    audience: Audience,
    reader: Reader,
    membership: Option<Membership>,
) -> Result<(), Refusal> {
    allow(
        can_read_content(visibility, audience, reader, membership),
        Refusal::NotReadable,
    )
}

/// Policy: may `reader` post, comment, react or answer an event in the group? `NotAMember`
/// when they may read it but have not joined (or their kind does not fit), `NotReadable` when
/// they may not even read it.
pub fn participation(
    visibility: GroupVisibility,
    audience: Audience,
    reader: Reader,
    membership: Option<Membership>,
) -> Result<(), Refusal> {
    if can_participate(audience, reader, membership) {
        Ok(())
    } else if can_read_content(visibility, audience, reader, membership) {
        Err(Refusal::NotAMember)
    } else {
        Err(Refusal::NotReadable)
    }
}

/// Policy: may this member post (and comment, and react) in the group? Active members who fit
/// the audience.
pub fn can_participate(audience: Audience, reader: Reader, membership: Option<Membership>) -> bool {
    reader.fits(audience) && membership.is_some_and(Membership::is_active)
}

/// What asking to join does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JoinOutcome {
    /// Now an active member.
    Joined,
    /// A join request now waits for a moderator.
    Requested,
    /// Nothing to do: already active, or already requested.
    Unchanged(MembershipStatus),
}

/// Why a member may not join.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JoinRefusal {
    /// The group is reserved to another kind of member.
    WrongAudience,
    Banned,
}

/// Policy: nobody reserves a space (on creation, or by changing its audience) to a kind of member
/// they are not: they could not enter it.
pub fn can_reserve(audience: Audience, kind: MemberKind) -> Result<(), JoinRefusal> {
    if audience.admits(kind) {
        Ok(())
    } else {
        Err(JoinRefusal::WrongAudience)
    }
}

/// Policy: what happens when `kind` asks to join a group where they stand at `membership`.
/// `vouched` is true when the member belongs to the association that owns the group: they
/// join its private spaces at once, as if invited.
pub fn join(
    visibility: GroupVisibility,
    audience: Audience,
    kind: MemberKind,
    membership: Option<Membership>,
    vouched: bool,
) -> Result<JoinOutcome, JoinRefusal> {
    if !audience.admits(kind) {
        return Err(JoinRefusal::WrongAudience);
    }
    match (membership.map(|m| m.status), visibility) {
        (Some(MembershipStatus::Banned), _) => Err(JoinRefusal::Banned),
        (Some(status @ (MembershipStatus::Active | MembershipStatus::Pending)), _) => {
            Ok(JoinOutcome::Unchanged(status))
        }
        (Some(MembershipStatus::Invited), _) | (None, GroupVisibility::Public) => {
            Ok(JoinOutcome::Joined)
        }
        (None, GroupVisibility::Private) if vouched => Ok(JoinOutcome::Joined),
        (None, GroupVisibility::Private) => Ok(JoinOutcome::Requested),
    }
}

/// Policy: may the actor moderate (approve requests, invite, remove, ban, pin, remove content,
/// edit the group)? Active owners and moderators.
pub fn can_moderate(actor: Option<Membership>) -> Result<(), Refusal> {
    allow(
        actor.is_some_and(Membership::is_active_staff),
        Refusal::Forbidden,
    )
}

/// Policy: may the actor remove or ban the target? Staff may act on plain members; only owners on
/// moderators; nobody on an owner (owners step down first) or on themselves.
pub fn can_remove(
    actor_id: MemberId,
    actor: Option<Membership>,
    target_id: MemberId,
    target: Membership,
) -> Result<(), Refusal> {
    if actor_id == target_id {
        return Err(Refusal::Forbidden);
    }
    can_moderate(actor)?;
    let allowed = match target.role {
        GroupRole::Member => true,
        GroupRole::Moderator => actor.is_some_and(|a| a.role == GroupRole::Owner),
        GroupRole::Owner => false,
    };
    allow(allowed, Refusal::Forbidden)
}

/// Policy: may the actor give `new_role` to an active member? Owners only. An owner may step
/// down only if another owner remains (see [`can_leave`]).
pub fn can_change_role(actor: Option<Membership>, target: Membership) -> Result<(), Refusal> {
    allow(
        actor.is_some_and(|a| a.is_active() && a.role == GroupRole::Owner) && target.is_active(),
        Refusal::Forbidden,
    )
}

/// Policy: may a member leave, or an owner step down? Not the last owner: they hand over first.
pub fn can_leave(membership: Membership, owners: i64) -> Result<(), Refusal> {
    allow(
        membership.role != GroupRole::Owner || owners > 1,
        Refusal::LastOwner,
    )
}

/// Policy: may the actor change the audience (who the space is for)? Owners only.
pub fn can_change_audience(actor: Option<Membership>) -> bool {
    actor.is_some_and(|a| a.is_active() && a.role == GroupRole::Owner)
}

/// Why a change of who may read a group is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReachRefusal {
    /// Only owners decide who a space is for and whether it is private.
    NotOwner,
    /// The change would show what was written under the old promise (a private or reserved
    /// space) to people it was not written for.
    WouldExposeHistory,
}

/// Policy: may the actor change the group's visibility and/or audience to these values?
/// Owners only; and once anything was written in the group (`has_history`), the change may only
/// narrow who reads it: public → private, everyone → one kind. Opening a private group or
/// changing the kind a space is reserved to would expose its past posts and events.
pub fn may_change_reach(
    actor: Option<Membership>,
    group: &Group,
    visibility: Option<GroupVisibility>,
    audience: Option<Audience>,
    has_history: bool,
) -> Result<(), ReachRefusal> {
    let visibility_changes = visibility.is_some_and(|v| v != group.visibility);
    let audience_changes = audience.is_some_and(|a| a != group.audience);
    if !visibility_changes && !audience_changes {
        return Ok(());
    }
    if !can_change_audience(actor) {
        return Err(ReachRefusal::NotOwner);
    }
    let opens = visibility_changes
        && group.visibility == GroupVisibility::Private
        && visibility == Some(GroupVisibility::Public);
    let widens = audience_changes && group.audience != Audience::Everyone;
    if has_history && (opens || widens) {
        return Err(ReachRefusal::WouldExposeHistory);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use GroupRole::*;
    use MembershipStatus::*;

    fn m(role: GroupRole, status: MembershipStatus) -> Option<Membership> {
        Some(Membership { role, status })
    }

    fn patient() -> Reader {
        Reader::Member {
            id: MemberId::new(),
            kind: MemberKind::Patient,
        }
    }

    fn caregiver() -> Reader {
        Reader::Member {
            id: MemberId::new(),
            kind: MemberKind::Caregiver,
        }
    }

    /// Reading content: reader x membership x group kind.
    #[test]
    fn read_table() {
        use Audience::*;
        use GroupVisibility::*;
        let table = [
            // visibility, audience, reader, membership, may read
            (Public, Everyone, Reader::Anonymous, None, true),
            (Public, Everyone, patient(), None, true),
            (Public, Everyone, patient(), m(Member, Banned), false),
            (Public, Patients, Reader::Anonymous, None, false),
            (Public, Patients, patient(), None, true),
            (Public, Patients, caregiver(), None, false),
            (Public, Patients, caregiver(), m(Owner, Active), false),
            (Public, Caregivers, patient(), m(Member, Active), false),
            (Private, Everyone, Reader::Anonymous, None, false),
            (Private, Everyone, patient(), None, false),
            (Private, Everyone, patient(), m(Member, Pending), false),
            (Private, Everyone, patient(), m(Member, Invited), false),
            (Private, Everyone, patient(), m(Member, Banned), false),
            (Private, Everyone, patient(), m(Member, Active), true),
            (Private, Everyone, patient(), m(Moderator, Active), true),
            (Private, Patients, patient(), m(Member, Active), true),
            (Private, Patients, caregiver(), m(Owner, Active), false),
            (Private, Caregivers, caregiver(), m(Member, Active), true),
        ];
        for (visibility, audience, reader, membership, expected) in table {
            assert_eq!(
                can_read_content(visibility, audience, reader, membership),
                expected,
                "{visibility:?} {audience:?} {reader:?} {membership:?}"
            );
        }
    }

    #[test]
    fn member_list_table() {
        use crate::profile::MemberListView as View;
        use Audience::*;
        use GroupVisibility::*;
        use MemberListRefusal::*;
        let table = [
            (Public, Everyone, Reader::Anonymous, None, Err(NotAMember)),
            (Public, Everyone, patient(), None, Err(NotAMember)),
            (
                Public,
                Everyone,
                patient(),
                m(Member, Pending),
                Err(NotAMember),
            ),
            (
                Public,
                Everyone,
                patient(),
                m(Member, Invited),
                Err(NotAMember),
            ),
            (
                Public,
                Everyone,
                patient(),
                m(Member, Banned),
                Err(NotReadable),
            ),
            (
                Public,
                Everyone,
                patient(),
                m(Member, Active),
                Ok(View::Listed),
            ),
            (
                Public,
                Everyone,
                patient(),
                m(Moderator, Active),
                Ok(View::Everyone),
            ),
            (
                Public,
                Everyone,
                patient(),
                m(Owner, Active),
                Ok(View::Everyone),
            ),
            (Private, Everyone, patient(), None, Err(NotReadable)),
            (
                Private,
                Everyone,
                patient(),
                m(Member, Active),
                Ok(View::Listed),
            ),
            (
                Private,
                Patients,
                caregiver(),
                m(Owner, Active),
                Err(NotReadable),
            ),
            (Public, Patients, Reader::Anonymous, None, Err(NotReadable)),
        ];
        for (visibility, audience, reader, membership, expected) in table {
            assert_eq!(
                member_list_view(visibility, audience, reader, membership),
                expected,
                "{visibility:?} {audience:?} {reader:?} {membership:?}"
            );
        }
    }

    #[test]
    fn participate_table() {
        use Audience::*;
        let table = [
            (Everyone, patient(), None, false),
            (Everyone, patient(), m(Member, Active), true),
            (Everyone, patient(), m(Member, Pending), false),
            (Everyone, patient(), m(Member, Banned), false),
            (Patients, caregiver(), m(Member, Active), false),
            (Everyone, Reader::Anonymous, None, false),
        ];
        for (audience, reader, membership, expected) in table {
            assert_eq!(
                can_participate(audience, reader, membership),
                expected,
                "{audience:?} {membership:?}"
            );
        }
    }

    #[test]
    fn nobody_reserves_a_space_to_another_kind() {
        use Audience::*;
        use MemberKind::*;
        for (audience, kind, allowed) in [
            (Everyone, Patient, true),
            (Everyone, Professional, true),
            (Patients, Patient, true),
            (Patients, Caregiver, false),
            (Caregivers, Caregiver, true),
            (Caregivers, Professional, false),
            (Professionals, Professional, true),
            (Professionals, Patient, false),
        ] {
            let expected = if allowed {
                Ok(())
            } else {
                Err(JoinRefusal::WrongAudience)
            };
            assert_eq!(
                can_reserve(audience, kind),
                expected,
                "{audience:?} {kind:?}"
            );
        }
    }

    #[test]
    fn join_table() {
        use Audience::*;
        use GroupVisibility::*;
        use MemberKind::*;
        let table = [
            (Public, Everyone, Patient, None, Ok(JoinOutcome::Joined)),
            (Private, Everyone, Patient, None, Ok(JoinOutcome::Requested)),
            (
                Private,
                Everyone,
                Patient,
                m(Member, Invited),
                Ok(JoinOutcome::Joined),
            ),
            (
                Private,
                Everyone,
                Patient,
                m(Member, Pending),
                Ok(JoinOutcome::Unchanged(Pending)),
            ),
            (
                Public,
                Everyone,
                Patient,
                m(Member, Active),
                Ok(JoinOutcome::Unchanged(Active)),
            ),
            (
                Public,
                Everyone,
                Patient,
                m(Member, Banned),
                Err(JoinRefusal::Banned),
            ),
            (
                Public,
                Caregivers,
                Patient,
                None,
                Err(JoinRefusal::WrongAudience),
            ),
            (
                Private,
                Patients,
                Caregiver,
                m(Member, Invited),
                Err(JoinRefusal::WrongAudience),
            ),
            (
                Public,
                Professionals,
                Professional,
                None,
                Ok(JoinOutcome::Joined),
            ),
        ];
        for (visibility, audience, kind, membership, expected) in table {
            assert_eq!(
                join(visibility, audience, kind, membership, false),
                expected,
                "{visibility:?} {audience:?} {kind:?} {membership:?}"
            );
        }
        // Members of the owning association skip the request, never the audience or a ban.
        assert_eq!(
            join(Private, Everyone, Patient, None, true),
            Ok(JoinOutcome::Joined)
        );
        assert_eq!(
            join(Private, Caregivers, Patient, None, true),
            Err(JoinRefusal::WrongAudience)
        );
        assert_eq!(
            join(Private, Everyone, Patient, m(Member, Banned), true),
            Err(JoinRefusal::Banned)
        );
    }

    #[test]
    fn moderation_table() {
        let (actor, target) = (MemberId::new(), MemberId::new());
        let member = Membership {
            role: Member,
            status: Active,
        };
        let moderator = Membership {
            role: Moderator,
            status: Active,
        };
        let owner = Membership {
            role: Owner,
            status: Active,
        };
        let table = [
            // actor, target, may remove
            (Some(owner), member, true),
            (Some(owner), moderator, true),
            (Some(owner), owner, false),
            (Some(moderator), member, true),
            (Some(moderator), moderator, false),
            (Some(moderator), owner, false),
            (Some(member), member, false),
            (m(Moderator, Banned), member, false),
            (None, member, false),
        ];
        for (actor_membership, target_membership, expected) in table {
            assert_eq!(
                can_remove(actor, actor_membership, target, target_membership).is_ok(),
                expected,
                "{actor_membership:?} on {target_membership:?}"
            );
        }
        assert!(
            can_remove(actor, Some(owner), actor, member).is_err(),
            "not oneself"
        );
        assert!(can_moderate(Some(moderator)).is_ok());
        assert!(can_moderate(m(Moderator, Pending)).is_err());
        assert!(can_change_role(Some(owner), member).is_ok());
        assert!(can_change_role(Some(moderator), member).is_err());
        assert!(
            can_change_role(
                Some(owner),
                Membership {
                    role: Member,
                    status: Pending
                }
            )
            .is_err()
        );
        assert!(can_change_audience(Some(owner)));
        assert!(!can_change_audience(Some(moderator)));
    }

    #[test]
    fn the_last_owner_cannot_leave() {
        let owner = Membership {
            role: Owner,
            status: Active,
        };
        let member = Membership {
            role: Member,
            status: Active,
        };
        assert!(can_leave(owner, 1).is_err());
        assert!(can_leave(owner, 2).is_ok());
        assert!(can_leave(member, 1).is_ok());
    }

    #[test]
    fn audiences_admit_their_kind() {
        for kind in MemberKind::ALL {
            assert!(Audience::Everyone.admits(kind));
            assert!(Audience::of_kind(kind).admits(kind));
            for other in MemberKind::ALL.into_iter().filter(|k| *k != kind) {
                assert!(!Audience::of_kind(other).admits(kind));
            }
        }
    }

    #[test]
    fn names_and_enums_parse() {
        assert_eq!(
            GroupName::parse("  SEP Bretagne ").unwrap().key(),
            "sep bretagne"
        );
        assert!(GroupName::parse("ab").is_err());
        assert!(GroupName::parse(&"x".repeat(81)).is_err());
        assert!(GroupDescription::parse(&"x".repeat(4001)).is_err());
        for audience in Audience::ALL {
            assert_eq!(Audience::parse(audience.as_str()).unwrap(), *audience);
        }
        assert!(GroupVisibility::parse("secret").is_err());
    }
}
