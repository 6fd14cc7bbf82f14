//! Verified statuses: badges and requests.

use entraide_domain::member::MemberKind;
use entraide_domain::verification::{Badge, RequestStatus, VerificationRequest, shown};
use entraide_openapi::groups::MemberSummary;
use entraide_openapi::verification as wire;

enum_conversions!(
    badge_to_wire,
    badge_from_wire,
    Badge,
    wire::Badge,
    [Professional, PatientExpert]
);

enum_conversions!(
    status_to_wire,
    status_from_wire,
    RequestStatus,
    wire::VerificationStatus,
    [Pending, Approved, Refused]
);

/// The badge a member of `kind` shows, on the wire (a badge granted for another kind is hidden).
pub fn verified(granted: Option<Badge>, kind: MemberKind) -> Option<wire::Badge> {
    shown(granted, kind).map(badge_to_wire)
}

pub fn request(
    request: VerificationRequest,
    member: MemberSummary,
) -> wire::VerificationRequestItem {
    let VerificationRequest {
        id,
        member_id: _,
        badge,
        document_reference,
        association_id,
        status,
        note,
        created_at,
        decided_at,
    } = request;
    wire::VerificationRequestItem {
        id: id.as_uuid(),
        member,
        badge: badge_to_wire(badge),
        document_reference: document_reference.as_str().to_owned(),
        association_id: association_id.map(|a| a.as_uuid()),
        status: status_to_wire(status),
        note: note.map(|n| n.as_str().to_owned()),
        created_at,
        decided_at,
    }
}
