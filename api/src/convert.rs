//! Domain <-> wire conversions, written out field by field so a new field breaks the build here.

use entraide_domain::condition::Condition;
use entraide_domain::member::{MemberKind, PlatformRole};
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

/// The owner's own view: everything, with the visibility settings.
pub fn my_profile(account: &Account) -> wire::MyProfile {
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
        },
        member_since: *created_at,
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
