//! Group conversions.

use entraide_domain::group::{
    Audience, Group, GroupRole, GroupVisibility, Membership, MembershipStatus,
};
use entraide_openapi::groups as wire;
use entraide_persistence::groups::MemberEntry;

enum_conversions!(
    visibility_to_wire,
    visibility_from_wire,
    GroupVisibility,
    wire::GroupVisibility,
    [Public, Private]
);

enum_conversions!(
    audience_to_wire,
    audience_from_wire,
    Audience,
    wire::Audience,
    [Everyone, Patients, Caregivers, Professionals]
);

enum_conversions!(
    role_to_wire,
    role_from_wire,
    GroupRole,
    wire::GroupRole,
    [Owner, Moderator, Member]
);

enum_conversions!(
    status_to_wire,
    status_from_wire,
    MembershipStatus,
    wire::MembershipStatus,
    [Active, Pending, Invited, Banned]
);

fn membership_to_wire(m: Membership) -> wire::MyMembership {
    let Membership { role, status } = m;
    wire::MyMembership {
        role: role_to_wire(role),
        status: status_to_wire(status),
    }
}

/// A directory entry; `reader` adds the reader's standing and read access when known.
pub fn group(group: Group, reader: Option<(Option<Membership>, bool)>) -> wire::Group {
    let Group {
        id,
        name,
        description,
        condition_id,
        visibility,
        audience,
        member_count,
        association_id,
        members_can_create_events,
        sponsor,
        created_by: _,
        created_at,
    } = group;
    wire::Group {
        id: id.as_uuid(),
        name: name.as_str().to_owned(),
        description: description.as_str().to_owned(),
        condition_id: condition_id.map(|c| c.as_uuid()),
        visibility: visibility_to_wire(visibility),
        audience: audience_to_wire(audience),
        member_count,
        association_id: association_id.map(|a| a.as_uuid()),
        members_can_create_events,
        sponsor: super::sponsors::sponsor(sponsor),
        created_at,
        membership: reader.and_then(|(m, _)| m).map(membership_to_wire),
        can_read: reader.map(|(_, can_read)| can_read),
    }
}

pub fn member(entry: MemberEntry) -> wire::GroupMember {
    let MemberEntry {
        member_id,
        pseudonym,
        kind,
        badge,
        membership,
        since,
    } = entry;
    wire::GroupMember {
        member: crate::convert::posts::summary(member_id, &pseudonym, kind, badge),
        role: role_to_wire(membership.role),
        status: status_to_wire(membership.status),
        since,
    }
}
