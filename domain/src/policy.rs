//! Why a policy refuses. A domain policy that can refuse an action answers
//! `Result<(), Refusal>` (or a refusal type of its own where it has several specific reasons,
//! as [`crate::group::JoinRefusal`]); the API maps each variant to one problem code, in one
//! place, so no handler turns a `false` into a code of its choosing.

/// A refusal shared by several policies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The actor holds no right for this action.
    #[error("not allowed")]
    Forbidden,
    /// The actor may read the group but has not joined it.
    #[error("not a member of the group")]
    NotAMember,
    /// The actor may not even read the group.
    #[error("the group is not readable")]
    NotReadable,
    /// Only editors (or a verified association's admins, for its own places) write places.
    #[error("not an editor")]
    NotAnEditor,
    /// The group lets only its moderators create events.
    #[error("cannot create events in this group")]
    CannotCreateEvents,
    /// Only an association's admins and volunteers act for it.
    #[error("not association staff")]
    NotAssociationStaff,
    /// The group's last owner hands over before leaving or stepping down.
    #[error("the last owner")]
    LastOwner,
    /// The association's last active admin hands over before leaving or being demoted.
    #[error("the last admin")]
    LastAdmin,
    /// Only members holding the researcher right create studies.
    #[error("not a researcher")]
    NotAResearcher,
    /// The study is not for the member's kind or conditions.
    #[error("not eligible")]
    NotEligible,
    /// A member does not follow themselves.
    #[error("following oneself")]
    SelfFollow,
    /// A member does not block themselves.
    #[error("blocking oneself")]
    SelfBlock,
    /// A member does not report themselves or what they wrote.
    #[error("reporting oneself")]
    SelfReport,
    /// The decision is not one its author may appeal (a dismissal, a warning, a removal, a
    /// lifting), or its appeal window has closed.
    #[error("not appealable")]
    NotAppealable,
    /// The sender may not message this member: the member's message setting, a block either
    /// way, or an account that cannot take part. One refusal for all of them, so the sender
    /// cannot learn which (the recipient's groups and blocks stay private).
    #[error("cannot message this member")]
    CannotMessage,
    /// Nobody approves or refuses their own verification request.
    #[error("deciding one's own verification")]
    SelfVerification,
    /// The committee requires its reviewers to hold a verified status.
    #[error("verified status required")]
    VerificationRequired,
}

/// `Ok` when `allowed`, the refusal otherwise.
pub(crate) fn allow(allowed: bool, refusal: Refusal) -> Result<(), Refusal> {
    if allowed { Ok(()) } else { Err(refusal) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::association::{AssociationMembership, AssociationMembershipStatus, AssociationRole};
    use crate::event::{Host, can_create};
    use crate::group::{
        Audience, GroupRole, GroupVisibility, Membership, MembershipStatus, Reader, can_leave,
        participation,
    };
    use crate::ids::MemberId;
    use crate::member::MemberKind;

    /// Each policy names its own reason, so the API answers the right code without choosing.
    #[test]
    fn policies_name_their_reason() {
        let member = Membership {
            role: GroupRole::Member,
            status: MembershipStatus::Active,
        };
        let owner = Membership {
            role: GroupRole::Owner,
            status: MembershipStatus::Active,
        };
        let volunteer = AssociationMembership {
            role: AssociationRole::Volunteer,
            status: AssociationMembershipStatus::Active,
        };
        let host = |membership| Host::Group {
            membership,
            members_can_create: false,
        };
        assert_eq!(
            can_create(host(Some(member))),
            Err(Refusal::CannotCreateEvents)
        );
        assert_eq!(can_create(host(Some(owner))), Ok(()));
        assert_eq!(
            can_create(Host::Association(None)),
            Err(Refusal::NotAssociationStaff)
        );
        assert_eq!(can_create(Host::Association(Some(volunteer))), Ok(()));
        assert_eq!(can_leave(owner, 1), Err(Refusal::LastOwner));
        assert_eq!(can_leave(owner, 2), Ok(()));

        let reader = Reader::Member {
            id: MemberId::new(),
            kind: MemberKind::Caregiver,
        };
        let public = GroupVisibility::Public;
        let private = GroupVisibility::Private;
        let everyone = Audience::Everyone;
        assert_eq!(
            participation(public, everyone, reader, None),
            Err(Refusal::NotAMember)
        );
        assert_eq!(
            participation(private, everyone, reader, None),
            Err(Refusal::NotReadable)
        );
        assert_eq!(
            participation(private, everyone, reader, Some(member)),
            Ok(())
        );
    }
}
