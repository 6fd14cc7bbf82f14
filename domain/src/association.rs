//! Patient associations: verification, membership, and the prevention announcements they send.

use chrono::{DateTime, Utc};

use crate::error::ParseError;
use crate::ids::{AnnouncementId, AssociationId, ConditionId, MemberId};
use crate::member::{Email, MemberKind, PlatformRole};
use crate::policy::{Refusal, allow};
use crate::post::Body;
use crate::profile::Visibility;
use crate::sponsor::Sponsor;
use crate::text::{Description, Label, Title, WebUrl};

/// Registered associations are `pending` until a platform admin checks they are who they say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AssociationStatus {
    Pending,
    Verified,
}

/// A member's role in an association.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AssociationRole {
    Member,
    Volunteer,
    Admin,
}

/// Where a member stands with an association: active, or asked to join and waiting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AssociationMembershipStatus {
    Active,
    Pending,
}

wire_enum!(AssociationStatus, "status", "invalid_status",
    Pending => "pending", Verified => "verified");
wire_enum!(AssociationRole, "role", "invalid_role",
    Member => "member", Volunteer => "volunteer", Admin => "admin");
wire_enum!(AssociationMembershipStatus, "status", "invalid_status",
    Active => "active", Pending => "pending");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AssociationMembership {
    pub role: AssociationRole,
    pub status: AssociationMembershipStatus,
}

impl AssociationMembership {
    pub fn is_active(self) -> bool {
        self.status == AssociationMembershipStatus::Active
    }

    fn is_active_at_least(self, role: AssociationRole) -> bool {
        self.is_active() && self.role >= role
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Association {
    pub id: AssociationId,
    pub name: Title,
    pub description: Description,
    pub website: Option<WebUrl>,
    pub region: Option<Label>,
    pub contact_email: Option<Email>,
    pub condition_ids: Vec<ConditionId>,
    pub open_membership: bool,
    pub status: AssociationStatus,
    pub verified_at: Option<DateTime<Utc>>,
    pub member_count: i64,
    pub follower_count: i64,
    /// Who stands behind the association, when declared.
    pub sponsor: Option<Sponsor>,
    pub created_by: MemberId,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewAssociation {
    pub name: Title,
    pub description: Description,
    pub website: Option<WebUrl>,
    pub region: Option<Label>,
    pub contact_email: Option<Email>,
    pub condition_ids: Vec<ConditionId>,
    pub open_membership: bool,
    pub sponsor: Option<Sponsor>,
}

/// Changes to an association (its admins). Absent fields stay; `Some(None)` clears.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AssociationChanges {
    pub name: Option<Title>,
    pub description: Option<Description>,
    pub website: Option<Option<WebUrl>>,
    pub region: Option<Option<Label>>,
    pub contact_email: Option<Option<Email>>,
    pub condition_ids: Option<Vec<ConditionId>>,
    pub open_membership: Option<bool>,
    /// `Some(None)` withdraws the declaration.
    pub sponsor: Option<Option<Sponsor>>,
}

/// Policy: may the actor edit the association, manage its members and roles, create its groups,
/// see its webhook secret? Its active admins.
pub fn can_administer(membership: Option<AssociationMembership>) -> bool {
    membership.is_some_and(|m| m.is_active_at_least(AssociationRole::Admin))
}

/// Membership is by approval unless the association opens it: joining an association must not
/// be a way into its private spaces, nor a label that others may read without its admins' say.
pub const DEFAULT_OPEN_MEMBERSHIP: bool = false;

/// Policy: does belonging to the association let a member into its private groups at once (as
/// if invited)? Only an active member an admin vouched for (`vouched`: approved their request,
/// gave them a role, or founded it with them) — joining an open association vouches for
/// nobody — and only while the association is verified (a pending one confers nothing, see
/// [`crate::rights`]).
pub fn vouches_for_groups(
    status: AssociationStatus,
    membership: Option<AssociationMembership>,
    vouched: bool,
) -> bool {
    status == AssociationStatus::Verified && membership.is_some_and(|m| m.is_active()) && vouched
}

/// Policy: may the actor see who belongs to the association? Active admins and volunteers
/// (membership of a disease association is health data: it is not public).
pub fn can_see_members(membership: Option<AssociationMembership>) -> bool {
    membership.is_some_and(|m| m.is_active_at_least(AssociationRole::Volunteer))
}

/// Policy: what the actor sees of the member list: active admins everyone (they approve and
/// manage members), active volunteers the members who chose to be listed (and themselves),
/// others nothing.
pub fn member_list_view(
    membership: Option<AssociationMembership>,
) -> Option<crate::profile::MemberListView> {
    use crate::profile::MemberListView;
    if can_administer(membership) {
        Some(MemberListView::Everyone)
    } else if can_see_members(membership) {
        Some(MemberListView::Listed)
    } else {
        None
    }
}

/// Why an association may not speak publicly yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PublishRefusal {
    NotAdmin,
    NotVerified,
}

/// Policy: may the actor publish announcements and open donation campaigns in the
/// association's name? Its active admins, once a platform admin verified it (prevention
/// messages and fundraising from an unverified organisation are how scams start).
pub fn can_publish(
    status: AssociationStatus,
    membership: Option<AssociationMembership>,
) -> Result<(), PublishRefusal> {
    if !can_administer(membership) {
        Err(PublishRefusal::NotAdmin)
    } else if status != AssociationStatus::Verified {
        Err(PublishRefusal::NotVerified)
    } else {
        Ok(())
    }
}

/// Policy: who verifies associations. Platform admins.
pub fn can_verify(role: PlatformRole) -> Result<(), Refusal> {
    allow(role == PlatformRole::Admin, Refusal::Forbidden)
}

/// What joining does: open associations take members at once, others queue a request.
pub fn join(
    open_membership: bool,
    membership: Option<AssociationMembership>,
) -> Option<AssociationMembershipStatus> {
    match membership {
        Some(_) => None,
        None if open_membership => Some(AssociationMembershipStatus::Active),
        None => Some(AssociationMembershipStatus::Pending),
    }
}

/// Policy: may someone who is not yet in the association ask to join it? Only once it is
/// verified: an unverified association (anyone can register "Association X") must not collect
/// a list of who lives with a disease. Its admins exist from its creation.
pub fn accepts_members(status: AssociationStatus) -> bool {
    status == AssociationStatus::Verified
}

/// Policy: may this membership end (the member leaves, or an admin removes or demotes them)?
/// Not when it would leave the association without an active admin.
pub fn can_lose_admin(target: AssociationMembership, active_admins: i64) -> Result<(), Refusal> {
    allow(
        !(target.is_active() && target.role == AssociationRole::Admin) || active_admins > 1,
        Refusal::LastAdmin,
    )
}

/// A prevention announcement.
#[derive(Debug, Clone, PartialEq)]
pub struct Announcement {
    pub id: AnnouncementId,
    pub association_id: AssociationId,
    pub author_id: MemberId,
    pub title: Title,
    pub body: Body,
    pub link: Option<WebUrl>,
    pub targeting: Targeting,
    pub publish_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewAnnouncement {
    pub title: Title,
    pub body: Body,
    pub link: Option<WebUrl>,
    pub targeting: Targeting,
    pub publish_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
}

/// Who an announcement is for. Empty lists and `None` mean "everyone".
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Targeting {
    /// Members with any of these conditions in their profile.
    pub condition_ids: Vec<ConditionId>,
    /// Members of these kinds.
    pub kinds: Vec<MemberKind>,
    /// Members whose profile region is this one (ignoring case).
    pub region: Option<Label>,
}

/// What a member's profile says, for targeting.
#[derive(Debug, Clone, Copy)]
pub struct Recipient<'a> {
    pub kind: MemberKind,
    pub region: Option<&'a str>,
    pub condition_ids: &'a [ConditionId],
    /// Who may see the member's conditions: see [`conditions_targetable`].
    pub conditions_visibility: Visibility,
    /// A current consent to the purpose `announcements`.
    pub consented_to_announcements: bool,
    pub receives_announcements: bool,
}

/// Policy: may an announcement be targeted by this member's conditions? When the member shows
/// them to other members, or gave a current consent to the purpose `announcements` (whose text
/// says their conditions, even private, select the prevention messages they receive, and that
/// no association learns who received one). Otherwise an author who targets a condition (and
/// learns, by any channel, who read the announcement) would learn who has it.
pub fn conditions_targetable(visibility: Visibility, consented_to_announcements: bool) -> bool {
    visibility != Visibility::Private || consented_to_announcements
}

impl Targeting {
    /// Does the targeting select this member's profile?
    pub fn matches(&self, recipient: &Recipient<'_>) -> bool {
        let kind = self.kinds.is_empty() || self.kinds.contains(&recipient.kind);
        let region = self.region.as_ref().is_none_or(|wanted| {
            recipient
                .region
                .is_some_and(|region| region.to_lowercase() == wanted.key())
        });
        let condition = self.condition_ids.is_empty()
            || (conditions_targetable(
                recipient.conditions_visibility,
                recipient.consented_to_announcements,
            ) && self
                .condition_ids
                .iter()
                .any(|c| recipient.condition_ids.contains(c)));
        kind && region && condition
    }
}

/// Policy: does a live announcement reach this member's home feed? Members and followers of
/// the association always get it (they chose it; unfollowing stops it). Others get it when
/// the targeting matches their profile, unless they opted out of announcements.
pub fn reaches(
    targeting: &Targeting,
    tied_to_association: bool,
    recipient: &Recipient<'_>,
) -> bool {
    tied_to_association || (recipient.receives_announcements && targeting.matches(recipient))
}

/// Is an announcement live at `now`: published, not expired?
pub fn is_live(
    publish_at: DateTime<Utc>,
    expires_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> bool {
    publish_at <= now && expires_at.is_none_or(|end| end > now)
}

/// Checks an announcement's schedule: it must expire after it is published.
pub fn check_schedule(
    publish_at: DateTime<Utc>,
    expires_at: Option<DateTime<Utc>>,
) -> Result<(), ParseError> {
    match expires_at {
        Some(end) if end <= publish_at => Err(ParseError::single(
            "expires_at",
            "before_start",
            "must be after publish_at",
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use AssociationMembershipStatus::*;
    use AssociationRole::*;

    fn m(
        role: AssociationRole,
        status: AssociationMembershipStatus,
    ) -> Option<AssociationMembership> {
        Some(AssociationMembership { role, status })
    }

    #[test]
    fn roles_table() {
        let cases = [
            (None, false, false),
            (m(Member, Active), false, false),
            (m(Volunteer, Active), false, true),
            (m(Admin, Active), true, true),
            (m(Admin, Pending), false, false),
        ];
        for (membership, administer, see) in cases {
            assert_eq!(can_administer(membership), administer, "{membership:?}");
            assert_eq!(can_see_members(membership), see, "{membership:?}");
        }
        use crate::profile::MemberListView;
        let lists = [
            (m(Admin, Active), Some(MemberListView::Everyone)),
            (m(Volunteer, Active), Some(MemberListView::Listed)),
            (m(Member, Active), None),
            (m(Admin, Pending), None),
            (None, None),
        ];
        for (membership, view) in lists {
            assert_eq!(member_list_view(membership), view, "{membership:?}");
        }
        assert_eq!(
            can_publish(AssociationStatus::Pending, m(Admin, Active)),
            Err(PublishRefusal::NotVerified)
        );
        assert_eq!(
            can_publish(AssociationStatus::Verified, m(Volunteer, Active)),
            Err(PublishRefusal::NotAdmin)
        );
        assert!(can_publish(AssociationStatus::Verified, m(Admin, Active)).is_ok());
        assert!(can_verify(PlatformRole::Admin).is_ok());
        assert!(can_verify(PlatformRole::Moderator).is_err());
    }

    #[test]
    fn vouching_table() {
        use AssociationStatus::{Pending as P, Verified as V};
        let table = [
            // status, membership, vouched by an admin, lets into private groups
            (V, m(Member, Active), true, true),
            (V, m(Member, Active), false, false),
            (V, m(Member, Pending), true, false),
            (V, None, true, false),
            (P, m(Admin, Active), true, false),
            (P, m(Member, Active), true, false),
        ];
        for (status, membership, vouched, expected) in table {
            assert_eq!(
                vouches_for_groups(status, membership, vouched),
                expected,
                "{status:?} {membership:?} {vouched}"
            );
        }
        const {
            assert!(
                !DEFAULT_OPEN_MEMBERSHIP,
                "membership is by approval by default"
            )
        };
    }

    #[test]
    fn joining_and_the_last_admin() {
        assert!(accepts_members(AssociationStatus::Verified));
        assert!(!accepts_members(AssociationStatus::Pending));
        assert_eq!(join(true, None), Some(Active));
        assert_eq!(join(false, None), Some(Pending));
        assert_eq!(join(true, m(Member, Pending)), None);
        let admin = AssociationMembership {
            role: Admin,
            status: Active,
        };
        assert!(can_lose_admin(admin, 1).is_err());
        assert!(can_lose_admin(admin, 2).is_ok());
        let member = AssociationMembership {
            role: Member,
            status: Active,
        };
        assert!(can_lose_admin(member, 1).is_ok());
    }

    #[test]
    fn targeting_table() {
        let sep = ConditionId::new();
        let other = ConditionId::new();
        let targeting = Targeting {
            condition_ids: vec![sep],
            kinds: vec![MemberKind::Patient, MemberKind::Caregiver],
            region: Some(Label::parse("Bretagne").unwrap()),
        };
        let base = Recipient {
            kind: MemberKind::Patient,
            region: Some("bretagne"),
            condition_ids: &[sep],
            conditions_visibility: Visibility::Members,
            consented_to_announcements: false,
            receives_announcements: true,
        };
        assert!(targeting.matches(&base));
        assert!(targeting.matches(&Recipient {
            conditions_visibility: Visibility::Public,
            ..base
        }));
        assert!(
            !targeting.matches(&Recipient {
                conditions_visibility: Visibility::Private,
                ..base
            }),
            "a private condition never matches"
        );
        assert!(
            targeting.matches(&Recipient {
                conditions_visibility: Visibility::Private,
                consented_to_announcements: true,
                ..base
            }),
            "unless the member consented to targeted announcements"
        );
        assert!(
            Targeting {
                condition_ids: vec![],
                ..targeting.clone()
            }
            .matches(&Recipient {
                conditions_visibility: Visibility::Private,
                ..base
            }),
            "untargeted by condition: private conditions do not matter"
        );
        assert!(!targeting.matches(&Recipient {
            kind: MemberKind::Professional,
            ..base
        }));
        assert!(!targeting.matches(&Recipient {
            region: Some("Normandie"),
            ..base
        }));
        assert!(!targeting.matches(&Recipient {
            region: None,
            ..base
        }));
        assert!(!targeting.matches(&Recipient {
            condition_ids: &[other],
            ..base
        }));
        assert!(Targeting::default().matches(&Recipient {
            region: None,
            condition_ids: &[],
            ..base
        }));
        let opted_out = Recipient {
            receives_announcements: false,
            ..base
        };
        assert!(!reaches(&targeting, false, &opted_out));
        assert!(reaches(&targeting, true, &opted_out), "followers chose it");
        assert!(reaches(&Targeting::default(), false, &base));
    }

    #[test]
    fn schedule() {
        let now = Utc::now();
        assert!(is_live(now, None, now));
        assert!(!is_live(now + chrono::TimeDelta::hours(1), None, now));
        assert!(!is_live(
            now - chrono::TimeDelta::hours(2),
            Some(now - chrono::TimeDelta::hours(1)),
            now
        ));
        assert!(check_schedule(now, Some(now)).is_err());
        assert!(check_schedule(now, Some(now + chrono::TimeDelta::days(1))).is_ok());
    }
}
