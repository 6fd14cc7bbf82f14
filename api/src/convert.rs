//! Domain <-> wire conversions, written out field by field so a new field breaks the build here.

/// Writes the `match`es between a domain enum and its wire twin, both ways: the one way every
/// enum crosses the boundary (a variant added on one side only breaks the build here).
macro_rules! enum_conversions {
    ($to:ident, $from:ident, $domain:ty, $wire:ty, [$($variant:ident),+ $(,)?]) => {
        #[allow(dead_code, reason = "not every enum is written to the wire")]
        pub(crate) fn $to(value: $domain) -> $wire {
            match value {
                $(<$domain>::$variant => <$wire>::$variant),+
            }
        }
        #[allow(dead_code, reason = "not every enum is read from the wire")]
        pub(crate) fn $from(value: $wire) -> $domain {
            match value {
                $(<$wire>::$variant => <$domain>::$variant),+
            }
        }
    };
}

pub mod associations;
pub mod discovery;
pub mod events;
pub mod export;
pub mod groups;
pub mod integrations;
pub mod media;
pub mod messages;
pub mod moderation;
pub mod notifications;
pub mod places;
pub mod posts;
pub mod research;
pub mod resources;
pub mod sponsors;
pub mod verification;

use entraide_domain::condition::Condition;
use entraide_domain::member::{MemberKind, PendingKindChange, PlatformRole};
use entraide_domain::profile::{Location, ProfileView, Visibility};
use entraide_openapi::{conditions as wire_conditions, members as wire};
use entraide_persistence::members::Account;

enum_conversions!(
    kind_to_wire,
    kind_from_wire,
    MemberKind,
    wire::MemberKind,
    [Patient, Caregiver, Professional]
);

enum_conversions!(
    role_to_wire,
    role_from_wire,
    PlatformRole,
    wire::PlatformRole,
    [Member, Moderator, Admin]
);

enum_conversions!(
    visibility_to_wire,
    visibility_from_wire,
    Visibility,
    wire::Visibility,
    [Private, Members, Public]
);

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
/// The member's own profile; `badge` is the one granted (shown only while it fits their kind).
pub fn my_profile(
    account: &Account,
    pending: Option<&PendingKindChange>,
    badge: Option<entraide_domain::verification::Badge>,
) -> wire::MyProfile {
    let Account {
        email,
        email_verified,
        profile,
    } = account;
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
        age_band,
        diagnosed_since,
        wall_visibility,
        created_at,
    } = profile;
    wire::MyProfile {
        id: id.as_uuid(),
        email: email.as_str().to_owned(),
        email_verified: *email_verified,
        pseudonym: pseudonym.as_str().to_owned(),
        kind: kind_to_wire(*kind),
        role: role_to_wire(*role),
        bio: bio.value.as_ref().map(|b| b.as_str().to_owned()),
        avatar_url: avatar_url.value.as_ref().map(|a| a.as_str().to_owned()),
        location: location_to_wire(&location.value),
        language: language.value.as_ref().map(|l| l.as_str().to_owned()),
        condition_ids: conditions.value.iter().map(|c| c.as_uuid()).collect(),
        age_band: age_band.value.map(discovery::age_band_to_wire),
        diagnosed_since: diagnosed_since
            .value
            .map(discovery::diagnosed_since_to_wire),
        visibility: wire::ProfileVisibility {
            bio: visibility_to_wire(bio.visibility),
            avatar_url: visibility_to_wire(avatar_url.visibility),
            location: visibility_to_wire(location.visibility),
            language: visibility_to_wire(language.visibility),
            conditions: visibility_to_wire(conditions.visibility),
            age_band: visibility_to_wire(age_band.visibility),
            diagnosed_since: visibility_to_wire(diagnosed_since.visibility),
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
        verified: verification::verified(badge, *kind),
    }
}

/// What one reader may see, as decided by `Profile::view_for`.
/// A profile as a reader sees it; `badge` is the one granted (shown only while it fits the kind).
pub fn member_profile(
    view: ProfileView<'_>,
    researcher: bool,
    badge: Option<entraide_domain::verification::Badge>,
) -> wire::MemberProfile {
    let ProfileView {
        id,
        pseudonym,
        kind,
        bio,
        avatar_url,
        location,
        language,
        conditions,
        age_band,
        diagnosed_since,
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
        age_band: age_band.map(discovery::age_band_to_wire),
        diagnosed_since: diagnosed_since.map(discovery::diagnosed_since_to_wire),
        member_since: created_at,
        researcher,
        verified: verification::verified(badge, kind),
    }
}

pub fn condition(condition: Condition) -> wire_conditions::Condition {
    let Condition {
        id,
        name,
        name_fr,
        name_en,
        orpha_code,
        icd10_code,
        icd11_code,
        snomed_code,
        mesh_code,
    } = condition;
    wire_conditions::Condition {
        id: id.as_uuid(),
        name: name.as_str().to_owned(),
        name_fr: name_fr.map(|n| n.as_str().to_owned()),
        name_en: name_en.map(|n| n.as_str().to_owned()),
        orpha_code: orpha_code.map(|c| c.as_str().to_owned()),
        icd10_code: icd10_code.map(|c| c.as_str().to_owned()),
        icd11_code: icd11_code.map(|c| c.as_str().to_owned()),
        snomed_code: snomed_code.map(|c| c.as_str().to_owned()),
        mesh_code: mesh_code.map(|c| c.as_str().to_owned()),
    }
}
