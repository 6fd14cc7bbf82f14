//! Who may confer a right on whom: the one policy behind every route that hands out a power
//! beyond one's own group or association (the editor right, scientific committees and their
//! seats, platform roles).
//!
//! The rules, in the order they are checked:
//! 1. the platform confers through its admins only; an association through its active admins
//!    (platform admins may also act for any association);
//! 2. nobody confers a right on themselves, admins included (a second person always vouches);
//! 3. an association confers nothing until a platform admin verified it: registering one is
//!    free, so a pending association proves nothing about its admins;
//! 4. the association's editor right goes to its active members only.
//!
//! Rights that came from an association apply only while it is verified: a grant from an
//! association that is not (or no longer) verified is inert, whenever it was made (the SQL
//! filters of `persistence::editors::is_editor` and `persistence::resources::expertise_of` say
//! the same).

use crate::association::{AssociationMembership, AssociationStatus, can_administer};
use crate::ids::MemberId;
use crate::member::PlatformRole;
use crate::policy::{Refusal, allow};

/// A right conferred by one member, possibly on another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Right {
    /// Write the knowledge base (places and resources).
    Editor,
    /// Create a scientific committee (it has no target member).
    CreateCommittee,
    /// Sit on a scientific committee: review and validate resources.
    CommitteeSeat,
    /// A platform role (`member`, `moderator`, `admin`).
    PlatformRole(PlatformRole),
    /// Run research studies and read their pseudonymous answers: the platform's alone.
    Researcher,
}

/// On whose behalf a right is conferred, with what the policy needs to know about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Authority {
    /// The platform itself.
    Platform,
    /// An association: its status, and where the actor and the target stand with it.
    Association {
        status: AssociationStatus,
        actor: Option<AssociationMembership>,
        target: Option<AssociationMembership>,
    },
}

/// Why a right may not be conferred.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrantRefusal {
    /// The actor holds no authority to confer it (not a platform admin, nor an active admin of
    /// the association).
    NotAuthorized,
    /// The actor names themselves.
    SelfGrant,
    /// The association is not verified: it confers nothing.
    AssociationNotVerified,
    /// The target is not an active member of the association.
    TargetNotInAssociation,
}

/// Policy: may `actor` (with platform role `actor_role`) confer `right` on `target` (`None` for
/// rights without a target) on behalf of `authority`?
pub fn can_confer(
    actor: MemberId,
    actor_role: PlatformRole,
    target: Option<MemberId>,
    right: Right,
    authority: Authority,
) -> Result<(), GrantRefusal> {
    let platform_admin = actor_role == PlatformRole::Admin;
    let authorized = match authority {
        Authority::Platform => platform_admin,
        // Platform roles and the researcher right are the platform's alone.
        Authority::Association { .. }
            if matches!(right, Right::PlatformRole(_) | Right::Researcher) =>
        {
            false
        }
        Authority::Association { actor, .. } => platform_admin || can_administer(actor),
    };
    if !authorized {
        return Err(GrantRefusal::NotAuthorized);
    }
    if target == Some(actor) {
        return Err(GrantRefusal::SelfGrant);
    }
    match authority {
        Authority::Platform => Ok(()),
        Authority::Association { status, .. } if status != AssociationStatus::Verified => {
            Err(GrantRefusal::AssociationNotVerified)
        }
        Authority::Association { target, .. } => {
            if right == Right::Editor && !target.is_some_and(|m| m.is_active()) {
                Err(GrantRefusal::TargetNotInAssociation)
            } else {
                Ok(())
            }
        }
    }
}

/// Policy: does a right that came from `authority` (its status, `None` for the platform) apply
/// now? Platform rights always; an association's only while it is verified.
pub fn grant_applies(association_status: Option<AssociationStatus>) -> bool {
    association_status.is_none_or(|status| status == AssociationStatus::Verified)
}

/// Policy: may `actor` withdraw a right granted on behalf of `authority`? Platform admins
/// always; an association's active admins for the rights it granted, verified or not
/// (withdrawing never hurts).
pub fn can_withdraw(actor_role: PlatformRole, authority: Authority) -> Result<(), Refusal> {
    allow(
        actor_role == PlatformRole::Admin
            || matches!(authority, Authority::Association { actor, .. } if can_administer(actor)),
        Refusal::Forbidden,
    )
}

/// Policy: may `actor` make `member`'s waiting kind change take effect at once (skipping the
/// cool-down)? Platform moderators and admins — a new kind opens reserved spaces — and never
/// for themselves.
pub fn can_approve_kind_change(
    actor: MemberId,
    actor_role: PlatformRole,
    member: MemberId,
) -> Result<(), GrantRefusal> {
    if actor_role < PlatformRole::Moderator {
        Err(GrantRefusal::NotAuthorized)
    } else if actor == member {
        Err(GrantRefusal::SelfGrant)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::association::AssociationMembershipStatus as Status;
    use crate::association::AssociationRole as Role;
    use AssociationStatus::{Pending, Verified};
    use GrantRefusal::*;

    fn m(role: Role, status: Status) -> Option<AssociationMembership> {
        Some(AssociationMembership { role, status })
    }

    fn asso(
        status: AssociationStatus,
        actor: Option<AssociationMembership>,
        target: Option<AssociationMembership>,
    ) -> Authority {
        Authority::Association {
            status,
            actor,
            target,
        }
    }

    /// Role x action: who confers which right, on behalf of what.
    #[test]
    fn confer_table() {
        let admin = m(Role::Admin, Status::Active);
        let volunteer = m(Role::Volunteer, Status::Active);
        let member = m(Role::Member, Status::Active);
        let pending = m(Role::Member, Status::Pending);
        let pending_admin = m(Role::Admin, Status::Pending);
        use PlatformRole::{Admin as PAdmin, Member as PMember, Moderator as PModerator};
        let table: Vec<(PlatformRole, Right, Authority, Result<(), GrantRefusal>)> = vec![
            // The platform: its admins only.
            (PAdmin, Right::Editor, Authority::Platform, Ok(())),
            (
                PModerator,
                Right::Editor,
                Authority::Platform,
                Err(NotAuthorized),
            ),
            (
                PMember,
                Right::Editor,
                Authority::Platform,
                Err(NotAuthorized),
            ),
            (PAdmin, Right::CommitteeSeat, Authority::Platform, Ok(())),
            (
                PMember,
                Right::CommitteeSeat,
                Authority::Platform,
                Err(NotAuthorized),
            ),
            (
                PAdmin,
                Right::PlatformRole(PAdmin),
                Authority::Platform,
                Ok(()),
            ),
            (
                PModerator,
                Right::PlatformRole(PModerator),
                Authority::Platform,
                Err(NotAuthorized),
            ),
            (
                PMember,
                Right::PlatformRole(PModerator),
                Authority::Platform,
                Err(NotAuthorized),
            ),
            // A verified association: its active admins, for its active members.
            (
                PMember,
                Right::Editor,
                asso(Verified, admin, member),
                Ok(()),
            ),
            (
                PMember,
                Right::Editor,
                asso(Verified, admin, volunteer),
                Ok(()),
            ),
            (
                PMember,
                Right::Editor,
                asso(Verified, admin, pending),
                Err(TargetNotInAssociation),
            ),
            (
                PMember,
                Right::Editor,
                asso(Verified, admin, None),
                Err(TargetNotInAssociation),
            ),
            (
                PMember,
                Right::Editor,
                asso(Verified, volunteer, member),
                Err(NotAuthorized),
            ),
            (
                PMember,
                Right::Editor,
                asso(Verified, member, member),
                Err(NotAuthorized),
            ),
            (
                PMember,
                Right::Editor,
                asso(Verified, pending_admin, member),
                Err(NotAuthorized),
            ),
            (
                PMember,
                Right::Editor,
                asso(Verified, None, member),
                Err(NotAuthorized),
            ),
            (
                PMember,
                Right::CreateCommittee,
                asso(Verified, admin, None),
                Ok(()),
            ),
            (
                PMember,
                Right::CreateCommittee,
                asso(Verified, volunteer, None),
                Err(NotAuthorized),
            ),
            (
                PMember,
                Right::CommitteeSeat,
                asso(Verified, admin, None),
                Ok(()),
            ),
            (
                PMember,
                Right::CommitteeSeat,
                asso(Verified, member, None),
                Err(NotAuthorized),
            ),
            // A pending association confers nothing, even through a platform admin.
            (
                PMember,
                Right::Editor,
                asso(Pending, admin, member),
                Err(AssociationNotVerified),
            ),
            (
                PMember,
                Right::CreateCommittee,
                asso(Pending, admin, None),
                Err(AssociationNotVerified),
            ),
            (
                PMember,
                Right::CommitteeSeat,
                asso(Pending, admin, None),
                Err(AssociationNotVerified),
            ),
            (
                PAdmin,
                Right::Editor,
                asso(Pending, None, member),
                Err(AssociationNotVerified),
            ),
            (
                PAdmin,
                Right::CreateCommittee,
                asso(Pending, None, None),
                Err(AssociationNotVerified),
            ),
            // ...and who is not its admin learns nothing about its status.
            (
                PMember,
                Right::Editor,
                asso(Pending, member, member),
                Err(NotAuthorized),
            ),
            // Platform admins may act for a verified association.
            (PAdmin, Right::Editor, asso(Verified, None, member), Ok(())),
            (
                PAdmin,
                Right::CreateCommittee,
                asso(Verified, None, None),
                Ok(()),
            ),
            // Platform roles never come from an association.
            (
                PMember,
                Right::PlatformRole(PModerator),
                asso(Verified, admin, member),
                Err(NotAuthorized),
            ),
            // Nor does the researcher right: platform admins only.
            (PAdmin, Right::Researcher, Authority::Platform, Ok(())),
            (
                PModerator,
                Right::Researcher,
                Authority::Platform,
                Err(NotAuthorized),
            ),
            (
                PMember,
                Right::Researcher,
                asso(Verified, admin, member),
                Err(NotAuthorized),
            ),
        ];
        let (actor, target) = (MemberId::new(), MemberId::new());
        for (role, right, authority, expected) in table {
            let target = (right != Right::CreateCommittee).then_some(target);
            assert_eq!(
                can_confer(actor, role, target, right, authority),
                expected,
                "{role:?} confers {right:?} for {authority:?}"
            );
        }
    }

    #[test]
    fn nobody_confers_a_right_on_themselves() {
        // Who holds no authority is told so first.
        let someone = MemberId::new();
        assert_eq!(
            can_confer(
                someone,
                PlatformRole::Member,
                Some(someone),
                Right::PlatformRole(PlatformRole::Admin),
                Authority::Platform
            ),
            Err(NotAuthorized)
        );
        let me = MemberId::new();
        let admin = m(Role::Admin, Status::Active);
        let cases = [
            (PlatformRole::Admin, Right::Editor, Authority::Platform),
            (
                PlatformRole::Admin,
                Right::CommitteeSeat,
                Authority::Platform,
            ),
            (
                PlatformRole::Admin,
                Right::PlatformRole(PlatformRole::Member),
                Authority::Platform,
            ),
            (
                PlatformRole::Admin,
                Right::PlatformRole(PlatformRole::Admin),
                Authority::Platform,
            ),
            (
                PlatformRole::Member,
                Right::Editor,
                asso(Verified, admin, admin),
            ),
            (
                PlatformRole::Member,
                Right::CommitteeSeat,
                asso(Verified, admin, admin),
            ),
            (
                PlatformRole::Admin,
                Right::Editor,
                asso(Verified, admin, admin),
            ),
            // Before the association's status: a pending one is refused either way.
            (
                PlatformRole::Member,
                Right::Editor,
                asso(Pending, admin, admin),
            ),
        ];
        for (role, right, authority) in cases {
            assert_eq!(
                can_confer(me, role, Some(me), right, authority),
                Err(SelfGrant),
                "{role:?} {right:?} {authority:?}"
            );
        }
    }

    #[test]
    fn kind_change_approval_table() {
        let (me, other) = (MemberId::new(), MemberId::new());
        let table = [
            (PlatformRole::Admin, other, Ok(())),
            (PlatformRole::Moderator, other, Ok(())),
            (PlatformRole::Member, other, Err(NotAuthorized)),
            (PlatformRole::Moderator, me, Err(SelfGrant)),
            (PlatformRole::Admin, me, Err(SelfGrant)),
            (PlatformRole::Member, me, Err(NotAuthorized)),
        ];
        for (role, member, expected) in table {
            assert_eq!(
                can_approve_kind_change(me, role, member),
                expected,
                "{role:?}"
            );
        }
    }

    #[test]
    fn association_rights_apply_while_verified() {
        assert!(grant_applies(None));
        assert!(grant_applies(Some(Verified)));
        assert!(!grant_applies(Some(Pending)));
    }

    #[test]
    fn withdraw_table() {
        let admin = m(Role::Admin, Status::Active);
        let volunteer = m(Role::Volunteer, Status::Active);
        assert!(can_withdraw(PlatformRole::Admin, Authority::Platform).is_ok());
        assert!(can_withdraw(PlatformRole::Moderator, Authority::Platform).is_err());
        assert!(can_withdraw(PlatformRole::Member, asso(Pending, admin, None)).is_ok());
        assert!(can_withdraw(PlatformRole::Member, asso(Verified, admin, None)).is_ok());
        assert!(can_withdraw(PlatformRole::Member, asso(Verified, volunteer, None)).is_err());
        assert!(can_withdraw(PlatformRole::Admin, asso(Verified, None, None)).is_ok());
    }
}
