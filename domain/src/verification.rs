//! Verified statuses: professionals and patient experts ("patients experts", trained in
//! therapeutic education) ask for a badge with a document reference; platform admins, or a
//! verified association for its own members, approve or refuse. The badge signs the member's
//! profile, posts and comments, and committees may require it of their reviewers.

use chrono::{DateTime, Utc};

use crate::association::{AssociationMembership, AssociationRole, AssociationStatus};
use crate::error::ParseError;
use crate::ids::{AssociationId, MemberId, VerificationRequestId};
use crate::member::{MemberKind, PlatformRole};
use crate::policy::{Refusal, allow};
use crate::text::bounded;

/// A verified status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Badge {
    /// A health or social care professional (registration checked: RPPS, ADELI...).
    Professional,
    /// A patient or caregiver trained in therapeutic education.
    PatientExpert,
}

wire_enum!(Badge, "badge", "invalid_badge",
    Professional => "professional", PatientExpert => "patient_expert");

impl Badge {
    /// Does the badge fit a member of this kind? A professional badge fits professionals; a
    /// patient-expert badge fits patients and caregivers.
    pub fn fits(self, kind: MemberKind) -> bool {
        match self {
            Self::Professional => kind == MemberKind::Professional,
            Self::PatientExpert => kind != MemberKind::Professional,
        }
    }
}

/// The badge a member shows: the one granted, while it fits their kind (a kind change makes a
/// badge granted for the old kind disappear, without an admin having to notice).
pub fn shown(granted: Option<Badge>, kind: MemberKind) -> Option<Badge> {
    granted.filter(|badge| badge.fits(kind))
}

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RequestStatus {
    Pending,
    Approved,
    Refused,
}

wire_enum!(RequestStatus, "status", "invalid_status",
    Pending => "pending", Approved => "approved", Refused => "refused");

/// What the member offers as proof: a registration number (RPPS, ADELI), a training
/// certificate's reference. 3 to 200 characters on one line. The document itself is checked
/// out of band; the platform keeps no copy of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentReference(String);

impl DocumentReference {
    pub const MAX_CHARS: usize = 200;

    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        bounded(raw, 3, Self::MAX_CHARS, false)
            .map(Self)
            .map_err(|e| e.in_field("document_reference"))
    }

    pub fn from_stored(value: String) -> Self {
        Self(value)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Why a refusal or approval was given, shown to the member (0 to 1,000 characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionNote(String);

impl DecisionNote {
    pub const MAX_CHARS: usize = 1000;

    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        bounded(raw, 0, Self::MAX_CHARS, true)
            .map(Self)
            .map_err(|e| e.in_field("note"))
    }

    pub fn from_stored(value: String) -> Self {
        Self(value)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A verification request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerificationRequest {
    pub id: VerificationRequestId,
    pub member_id: MemberId,
    pub badge: Badge,
    pub document_reference: DocumentReference,
    /// The verified association asked to vouch (the member belongs to it); `None`: platform
    /// admins decide.
    pub association_id: Option<AssociationId>,
    pub status: RequestStatus,
    pub note: Option<DecisionNote>,
    pub created_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
}

/// Why a member may not ask.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AskRefusal {
    /// The badge does not fit the member's kind (a patient asking to be verified professional).
    KindMismatch,
    /// The member already shows this badge.
    AlreadyVerified,
    /// The association named is not verified, or the member is not an active member of it.
    NotVouchable,
}

/// Policy: may a member of `kind`, showing `current`, ask for `badge` (through an association
/// when `via` is given: its status and the member's standing in it)?
pub fn can_ask(
    kind: MemberKind,
    current: Option<Badge>,
    badge: Badge,
    via: Option<(AssociationStatus, Option<AssociationMembership>)>,
) -> Result<(), AskRefusal> {
    if !badge.fits(kind) {
        return Err(AskRefusal::KindMismatch);
    }
    if shown(current, kind) == Some(badge) {
        return Err(AskRefusal::AlreadyVerified);
    }
    match via {
        Some((status, membership))
            if status != AssociationStatus::Verified
                || !membership.is_some_and(|m| m.is_active()) =>
        {
            Err(AskRefusal::NotVouchable)
        }
        _ => Ok(()),
    }
}

/// Who decides on a request, as seen from the actor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decider {
    pub actor: MemberId,
    pub role: PlatformRole,
    /// For a request through an association: the association's status, the actor's standing in
    /// it and the requester's.
    pub association: Option<(
        AssociationStatus,
        Option<AssociationMembership>,
        Option<AssociationMembership>,
    )>,
}

/// Policy: may the actor approve or refuse this request? Platform admins may decide any
/// request; an active admin of a verified association decides the requests made through it
/// by its active members. Nobody decides their own request: a right no member grants themself.
pub fn can_decide(decider: Decider, requester: MemberId) -> Result<(), Refusal> {
    if decider.actor == requester {
        return Err(Refusal::SelfVerification);
    }
    let association_admin = decider.association.is_some_and(|(status, actor, member)| {
        status == AssociationStatus::Verified
            && actor.is_some_and(|m| m.is_active() && m.role == AssociationRole::Admin)
            && member.is_some_and(AssociationMembership::is_active)
    });
    allow(
        decider.role == PlatformRole::Admin || association_admin,
        Refusal::Forbidden,
    )
}

/// Policy: may a member review for a committee that requires verified reviewers?
pub fn may_review(requires_verified: bool, shown: Option<Badge>) -> Result<(), Refusal> {
    allow(
        !requires_verified || shown.is_some(),
        Refusal::VerificationRequired,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::association::AssociationMembershipStatus;

    fn standing(role: AssociationRole, active: bool) -> Option<AssociationMembership> {
        Some(AssociationMembership {
            role,
            status: if active {
                AssociationMembershipStatus::Active
            } else {
                AssociationMembershipStatus::Pending
            },
        })
    }

    #[test]
    fn badges_fit_kinds() {
        use MemberKind::*;
        assert!(Badge::Professional.fits(Professional));
        assert!(!Badge::Professional.fits(Patient) && !Badge::Professional.fits(Caregiver));
        assert!(Badge::PatientExpert.fits(Patient) && Badge::PatientExpert.fits(Caregiver));
        assert!(!Badge::PatientExpert.fits(Professional));
        assert_eq!(shown(Some(Badge::Professional), Patient), None);
        assert_eq!(
            shown(Some(Badge::PatientExpert), Caregiver),
            Some(Badge::PatientExpert)
        );
    }

    #[test]
    fn who_may_ask() {
        use AssociationStatus::*;
        let member = standing(AssociationRole::Member, true);
        assert_eq!(
            can_ask(MemberKind::Patient, None, Badge::Professional, None),
            Err(AskRefusal::KindMismatch)
        );
        assert_eq!(
            can_ask(
                MemberKind::Professional,
                Some(Badge::Professional),
                Badge::Professional,
                None
            ),
            Err(AskRefusal::AlreadyVerified)
        );
        assert_eq!(
            can_ask(MemberKind::Patient, None, Badge::PatientExpert, None),
            Ok(())
        );
        assert_eq!(
            can_ask(
                MemberKind::Patient,
                None,
                Badge::PatientExpert,
                Some((Verified, member))
            ),
            Ok(())
        );
        for via in [
            (Pending, member),
            (Verified, None),
            (Verified, standing(AssociationRole::Member, false)),
        ] {
            assert_eq!(
                can_ask(MemberKind::Patient, None, Badge::PatientExpert, Some(via)),
                Err(AskRefusal::NotVouchable)
            );
        }
    }

    #[test]
    fn who_may_decide() {
        use AssociationStatus::*;
        let me = MemberId::new();
        let them = MemberId::new();
        let admin = standing(AssociationRole::Admin, true);
        let member = standing(AssociationRole::Member, true);
        let decider = |role, association| Decider {
            actor: me,
            role,
            association,
        };
        assert_eq!(can_decide(decider(PlatformRole::Admin, None), them), Ok(()));
        assert_eq!(
            can_decide(decider(PlatformRole::Admin, None), me),
            Err(Refusal::SelfVerification)
        );
        assert_eq!(
            can_decide(decider(PlatformRole::Moderator, None), them),
            Err(Refusal::Forbidden)
        );
        assert_eq!(
            can_decide(
                decider(PlatformRole::Member, Some((Verified, admin, member))),
                them
            ),
            Ok(())
        );
        for association in [
            (Pending, admin, member),
            (Verified, standing(AssociationRole::Volunteer, true), member),
            (Verified, standing(AssociationRole::Admin, false), member),
            (Verified, admin, None),
            (Verified, admin, standing(AssociationRole::Member, false)),
        ] {
            assert_eq!(
                can_decide(decider(PlatformRole::Member, Some(association)), them),
                Err(Refusal::Forbidden),
                "{association:?}"
            );
        }
        assert_eq!(
            can_decide(
                decider(PlatformRole::Member, Some((Verified, admin, member))),
                me
            ),
            Err(Refusal::SelfVerification)
        );
    }

    #[test]
    fn committees_requiring_verified_reviewers() {
        assert_eq!(may_review(false, None), Ok(()));
        assert_eq!(may_review(true, Some(Badge::PatientExpert)), Ok(()));
        assert_eq!(may_review(true, None), Err(Refusal::VerificationRequired));
    }

    #[test]
    fn document_references() {
        assert!(DocumentReference::parse("RPPS 10001234567").is_ok());
        let code = |raw: &str| DocumentReference::parse(raw).unwrap_err().errors()[0].code;
        assert_eq!(code("ab"), "too_short");
        assert_eq!(code(&"x".repeat(201)), "too_long");
        assert_eq!(code("a\u{0}bc"), "invalid_text");
    }
}
