//! "People like me" between the domain and the wire.

use entraide_domain::discovery::{AgeBand, DiagnosedSince, DiscoveryPart, DiscoveryParts};
use entraide_domain::ids::ConditionId;
use entraide_openapi::members as wire;
use entraide_persistence::discovery::DiscoveredMember;

use crate::convert::kind_to_wire;

enum_conversions!(
    age_band_to_wire,
    age_band_from_wire,
    AgeBand,
    wire::AgeBand,
    [
        Under18, From18To29, From30To44, From45To59, From60To74, From75
    ]
);

enum_conversions!(
    diagnosed_since_to_wire,
    diagnosed_since_from_wire,
    DiagnosedSince,
    wire::DiagnosedSince,
    [
        LessThanOneYear,
        OneToFiveYears,
        FiveToTenYears,
        MoreThanTenYears
    ]
);

enum_conversions!(
    part_to_wire,
    part_from_wire,
    DiscoveryPart,
    wire::DiscoveryPart,
    [Conditions, Kind, AgeBand, Region, Language, DiagnosedSince]
);

/// The parts of a discoverable member a reader sees: each only when
/// [`DiscoveryParts::matchable`] (allowed and visible to other members).
pub(crate) fn discovered_to_wire(
    member: DiscoveredMember,
    mine: &[ConditionId],
) -> wire::DiscoveredMember {
    let DiscoveredMember {
        member_id,
        pseudonym,
        parts,
        kind,
        region,
        language,
        age_band,
        diagnosed_since,
        conditions,
        score: _,
    } = member;
    let show = |part: DiscoveryPart, visibility| parts.matchable(part, visibility);
    let members = entraide_domain::profile::Visibility::Members;
    let conditions = show(DiscoveryPart::Conditions, conditions.visibility)
        .then_some(conditions.value)
        .filter(|ids| !ids.is_empty());
    let shared = conditions.as_ref().map(|ids| {
        ids.iter()
            .filter(|id| mine.contains(id))
            .map(|id| id.as_uuid())
            .collect::<Vec<_>>()
    });
    wire::DiscoveredMember {
        id: member_id.as_uuid(),
        pseudonym: pseudonym.as_str().to_owned(),
        // The kind signs every post: shown to members whenever it is allowed.
        kind: show(DiscoveryPart::Kind, members).then(|| kind_to_wire(kind)),
        condition_ids: conditions.map(|ids| ids.iter().map(|id| id.as_uuid()).collect()),
        shared_condition_ids: shared,
        region: show(DiscoveryPart::Region, region.visibility)
            .then_some(region.value)
            .flatten(),
        language: show(DiscoveryPart::Language, language.visibility)
            .then_some(language.value)
            .flatten()
            .map(|tag| tag.as_str().to_owned()),
        age_band: show(DiscoveryPart::AgeBand, age_band.visibility)
            .then_some(age_band.value)
            .flatten()
            .map(age_band_to_wire),
        diagnosed_since: show(DiscoveryPart::DiagnosedSince, diagnosed_since.visibility)
            .then_some(diagnosed_since.value)
            .flatten()
            .map(diagnosed_since_to_wire),
    }
}

/// The settings' list of allowed parts (empty when not discoverable).
pub(crate) fn parts_to_wire(parts: Option<DiscoveryParts>) -> Vec<wire::DiscoveryPart> {
    parts
        .map(|parts| parts.to_parts().into_iter().map(part_to_wire).collect())
        .unwrap_or_default()
}
