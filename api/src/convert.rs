//! Domain <-> wire conversions, written out field by field so a new field breaks the build here.

pub mod associations;
pub mod events;

use entraide_domain::condition::Condition;
use entraide_domain::member::{MemberKind, PendingKindChange, PlatformRole};
use entraide_domain::profile::{Location, ProfileView, Visibility};
use entraide_openapi::{conditions as wire_conditions, members as wire};
use entraide_persistence::members::Account;

pub fn kind_from_wire(kind: wire::MemberKind) -> MemberKind {
    match kind {
        wire::MemberKind::Patient => MemberKind::Patient,
        wire::MemberKind::Caregiver => MemberKind::Caregiver,
        wire::MemberKind::Professional => MemberKind::Professional,
    }
}

pub fn kind_to_wire(kind: MemberKind) -> wire::MemberKind {
    match kind {
        MemberKind::Patient => wire::MemberKind::Patient,
        MemberKind::Caregiver => wire::MemberKind::Caregiver,
        MemberKind::Professional => wire::MemberKind::Professional,
    }
}

pub fn role_to_wire(role: PlatformRole) -> wire::PlatformRole {
    match role {
        PlatformRole::Member => wire::PlatformRole::Member,
        PlatformRole::Moderator => wire::PlatformRole::Moderator,
        PlatformRole::Admin => wire::PlatformRole::Admin,
    }
}

pub fn role_from_wire(role: wire::PlatformRole) -> PlatformRole {
    match role {
        wire::PlatformRole::Member => PlatformRole::Member,
        wire::PlatformRole::Moderator => PlatformRole::Moderator,
        wire::PlatformRole::Admin => PlatformRole::Admin,
    }
}

pub fn visibility_from_wire(visibility: wire::Visibility) -> Visibility {
    match visibility {
        wire::Visibility::Private => Visibility::Private,
        wire::Visibility::Members => Visibility::Members,
        wire::Visibility::Public => Visibility::Public,
    }
}

pub fn visibility_to_wire(visibility: Visibility) -> wire::Visibility {
    match visibility {
        Visibility::Private => wire::Visibility::Private,
        Visibility::Members => wire::Visibility::Members,
        Visibility::Public => wire::Visibility::Public,
    }
}

fn location_to_wire(location: &Location) -> wire::Location {
    let Location {
        city,
        region,
        country,
    } = location;
    wire::Location {
        city: city.clone(),
        region: region.clone(),
        country: country.clone(),
    }
}

/// The owner's own view: everything, with the visibility settings and a waiting kind change.
pub fn my_profile(account: &Account, pending: Option<&PendingKindChange>) -> wire::MyProfile {
    let Account { email, profile } = account;
    let entraide_domain::profile::Profile {
        id,
        pseudonym,
        kind,
        role,
        bio,
        avatar_url,
        location,
        language,
        conditions,
        wall_visibility,
        created_at,
    } = profile;
    wire::MyProfile {
        id: id.as_uuid(),
        email: email.as_str().to_owned(),
        pseudonym: pseudonym.as_str().to_owned(),
        kind: kind_to_wire(*kind),
        role: role_to_wire(*role),
        bio: bio.value.as_ref().map(|b| b.as_str().to_owned()),
        avatar_url: avatar_url.value.as_ref().map(|a| a.as_str().to_owned()),
        location: location_to_wire(&location.value),
        language: language.value.as_ref().map(|l| l.as_str().to_owned()),
        condition_ids: conditions.value.iter().map(|c| c.as_uuid()).collect(),
        visibility: wire::ProfileVisibility {
            bio: visibility_to_wire(bio.visibility),
            avatar_url: visibility_to_wire(avatar_url.visibility),
            location: visibility_to_wire(location.visibility),
            language: visibility_to_wire(language.visibility),
            conditions: visibility_to_wire(conditions.visibility),
            wall: visibility_to_wire(*wall_visibility),
        },
        member_since: *created_at,
        pending_kind_change: pending.map(|change| {
            let PendingKindChange {
                from: _,
                to,
                requested_at,
                effective_at,
            } = *change;
            wire::PendingKindChange {
                kind: kind_to_wire(to),
                requested_at,
                effective_at,
            }
        }),
    }
}

/// What one reader may see, as decided by `Profile::view_for`.
pub fn member_profile(view: ProfileView<'_>) -> wire::MemberProfile {
    let ProfileView {
        id,
        pseudonym,
        kind,
        bio,
        avatar_url,
        location,
        language,
        conditions,
        created_at,
    } = view;
    wire::MemberProfile {
        id: id.as_uuid(),
        pseudonym: pseudonym.as_str().to_owned(),
        kind: kind_to_wire(kind),
        bio: bio.map(|b| b.as_str().to_owned()),
        avatar_url: avatar_url.map(|a| a.as_str().to_owned()),
        location: location.map(location_to_wire),
        language: language.map(|l| l.as_str().to_owned()),
        condition_ids: conditions.map(|ids| ids.iter().map(|c| c.as_uuid()).collect()),
        member_since: created_at,
    }
}

pub fn condition(condition: Condition) -> wire_conditions::Condition {
    let Condition {
        id,
        name,
        orpha_code,
        icd10_code,
    } = condition;
    wire_conditions::Condition {
        id: id.as_uuid(),
        name: name.as_str().to_owned(),
        orpha_code: orpha_code.map(|c| c.as_str().to_owned()),
        icd10_code: icd10_code.map(|c| c.as_str().to_owned()),
    }
}

pub mod groups {
    //! Group conversions.

    use entraide_domain::group::{
        Audience, Group, GroupRole, GroupVisibility, Membership, MembershipStatus,
    };
    use entraide_openapi::groups as wire;
    use entraide_persistence::groups::MemberEntry;

    pub fn visibility_from_wire(v: wire::GroupVisibility) -> GroupVisibility {
        match v {
            wire::GroupVisibility::Public => GroupVisibility::Public,
            wire::GroupVisibility::Private => GroupVisibility::Private,
        }
    }

    pub fn visibility_to_wire(v: GroupVisibility) -> wire::GroupVisibility {
        match v {
            GroupVisibility::Public => wire::GroupVisibility::Public,
            GroupVisibility::Private => wire::GroupVisibility::Private,
        }
    }

    pub fn audience_from_wire(a: wire::Audience) -> Audience {
        match a {
            wire::Audience::Everyone => Audience::Everyone,
            wire::Audience::Patients => Audience::Patients,
            wire::Audience::Caregivers => Audience::Caregivers,
            wire::Audience::Professionals => Audience::Professionals,
        }
    }

    pub fn audience_to_wire(a: Audience) -> wire::Audience {
        match a {
            Audience::Everyone => wire::Audience::Everyone,
            Audience::Patients => wire::Audience::Patients,
            Audience::Caregivers => wire::Audience::Caregivers,
            Audience::Professionals => wire::Audience::Professionals,
        }
    }

    pub fn role_from_wire(r: wire::GroupRole) -> GroupRole {
        match r {
            wire::GroupRole::Owner => GroupRole::Owner,
            wire::GroupRole::Moderator => GroupRole::Moderator,
            wire::GroupRole::Member => GroupRole::Member,
        }
    }

    pub fn role_to_wire(r: GroupRole) -> wire::GroupRole {
        match r {
            GroupRole::Owner => wire::GroupRole::Owner,
            GroupRole::Moderator => wire::GroupRole::Moderator,
            GroupRole::Member => wire::GroupRole::Member,
        }
    }

    pub fn status_to_wire(s: MembershipStatus) -> wire::MembershipStatus {
        match s {
            MembershipStatus::Active => wire::MembershipStatus::Active,
            MembershipStatus::Pending => wire::MembershipStatus::Pending,
            MembershipStatus::Invited => wire::MembershipStatus::Invited,
            MembershipStatus::Banned => wire::MembershipStatus::Banned,
        }
    }

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
            membership,
            since,
        } = entry;
        wire::GroupMember {
            member: wire::MemberSummary {
                id: member_id.as_uuid(),
                pseudonym: pseudonym.as_str().to_owned(),
                kind: super::kind_to_wire(kind),
            },
            role: role_to_wire(membership.role),
            status: status_to_wire(membership.status),
            since,
        }
    }
}

pub mod posts {
    //! Post and comment conversions.

    use entraide_domain::member::{MemberKind, Pseudonym};
    use entraide_domain::post::{Comment, Post, ReactionCounts, ReactionKind};
    use entraide_openapi::groups::MemberSummary;
    use entraide_openapi::posts as wire;

    pub fn kind_from_wire(kind: wire::ReactionKind) -> ReactionKind {
        match kind {
            wire::ReactionKind::Support => ReactionKind::Support,
            wire::ReactionKind::Thanks => ReactionKind::Thanks,
            wire::ReactionKind::SameHere => ReactionKind::SameHere,
            wire::ReactionKind::Hug => ReactionKind::Hug,
        }
    }

    pub fn kind_to_wire(kind: ReactionKind) -> wire::ReactionKind {
        match kind {
            ReactionKind::Support => wire::ReactionKind::Support,
            ReactionKind::Thanks => wire::ReactionKind::Thanks,
            ReactionKind::SameHere => wire::ReactionKind::SameHere,
            ReactionKind::Hug => wire::ReactionKind::Hug,
        }
    }

    pub fn counts(counts: ReactionCounts) -> wire::ReactionCounts {
        let ReactionCounts {
            support,
            thanks,
            same_here,
            hug,
        } = counts;
        wire::ReactionCounts {
            support,
            thanks,
            same_here,
            hug,
        }
    }

    pub fn summary(
        id: entraide_domain::ids::MemberId,
        pseudonym: &Pseudonym,
        kind: MemberKind,
    ) -> MemberSummary {
        MemberSummary {
            id: id.as_uuid(),
            pseudonym: pseudonym.as_str().to_owned(),
            kind: super::kind_to_wire(kind),
        }
    }

    pub fn post(
        post: Post,
        author: MemberSummary,
        group: Option<wire::GroupRef>,
        mine: Vec<ReactionKind>,
    ) -> wire::PostItem {
        let Post {
            id,
            author_id: _,
            group_id: _,
            body,
            created_at,
            edited_at,
            deleted,
            pinned,
            comment_count,
            reactions,
        } = post;
        wire::PostItem {
            id: id.as_uuid(),
            author,
            group,
            body: body.source().to_owned(),
            body_html: body.html().to_owned(),
            created_at,
            edited_at,
            deleted,
            pinned,
            comment_count,
            reactions: counts(reactions),
            my_reactions: mine.into_iter().map(kind_to_wire).collect(),
        }
    }

    pub fn comment(
        comment: Comment,
        author: MemberSummary,
        mine: Vec<ReactionKind>,
    ) -> wire::CommentItem {
        let Comment {
            id,
            post_id,
            parent_id,
            depth,
            author_id: _,
            body,
            created_at,
            edited_at,
            deleted,
            reactions,
        } = comment;
        wire::CommentItem {
            id: id.as_uuid(),
            post_id: post_id.as_uuid(),
            parent_id: parent_id.map(|p| p.as_uuid()),
            depth,
            author,
            body: body.source().to_owned(),
            body_html: body.html().to_owned(),
            created_at,
            edited_at,
            deleted,
            reactions: counts(reactions),
            my_reactions: mine.into_iter().map(kind_to_wire).collect(),
        }
    }
}
