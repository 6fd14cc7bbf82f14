//! "People like me": conditions of interest, age and diagnosis bands, and about a third of
//! the members discoverable, each allowing a few parts to be matched — so
//! `GET /members/discover` has a realistic population (most members are not discoverable, and
//! the query must not read them).

use chrono::Duration;
use entraide_domain::discovery::{AgeBand, DiagnosedSince};
use entraide_domain::profile::Visibility;
use entraide_persistence::bulk::{DiscoverableRow, MemberConditionRow, ProfileBandsRow};
use rand::Rng;
use rand::rngs::StdRng;

use super::members::Members;

const AGE_BANDS: [AgeBand; 6] = [
    AgeBand::Under18,
    AgeBand::From18To29,
    AgeBand::From30To44,
    AgeBand::From45To59,
    AgeBand::From60To74,
    AgeBand::From75,
];

const DIAGNOSED: [DiagnosedSince; 4] = [
    DiagnosedSince::LessThanOneYear,
    DiagnosedSince::OneToFiveYears,
    DiagnosedSince::FiveToTenYears,
    DiagnosedSince::MoreThanTenYears,
];

pub(super) struct Discovery {
    pub(super) conditions: Vec<MemberConditionRow>,
    pub(super) bands: Vec<ProfileBandsRow>,
    pub(super) discoverable: Vec<DiscoverableRow>,
}

/// A visibility a member who shares a part would pick: mostly members, sometimes public.
fn shared(rng: &mut StdRng) -> Visibility {
    if rng.random_bool(0.3) {
        Visibility::Public
    } else {
        Visibility::Members
    }
}

/// Draws for every member, in member order (determinism): conditions of interest for six in
/// ten, bands for half, discoverability for three in ten. A discoverable member shows the
/// parts they let be matched (their visibility is set above private for those).
pub(super) fn generate(
    rng: &mut StdRng,
    members: &mut Members,
    condition_ids: &[String],
) -> Discovery {
    let mut out = Discovery {
        conditions: Vec::new(),
        bands: Vec::new(),
        discoverable: Vec::new(),
    };
    for (i, row) in members.rows.iter_mut().enumerate() {
        let id = &members.ids[i];
        let mut chosen: Vec<&String> = Vec::new();
        if !condition_ids.is_empty() && rng.random_bool(0.6) {
            for _ in 0..rng.random_range(1..=2) {
                let condition = &condition_ids[rng.random_range(0..condition_ids.len())];
                if !chosen.contains(&condition) {
                    chosen.push(condition);
                }
            }
        }
        out.conditions
            .extend(chosen.iter().map(|condition| MemberConditionRow {
                member_id: id.clone(),
                condition_id: (*condition).clone(),
            }));
        let has_bands = rng.random_bool(0.5);
        let discoverable = rng.random_bool(0.3);
        if !discoverable {
            if has_bands {
                out.bands.push(ProfileBandsRow {
                    member_id: id.clone(),
                    age_band: Some(AGE_BANDS[rng.random_range(0..AGE_BANDS.len())].as_str()),
                    age_band_visibility: Visibility::Private.as_str(),
                    diagnosed_since: Some(DIAGNOSED[rng.random_range(0..DIAGNOSED.len())].as_str()),
                    diagnosed_since_visibility: Visibility::Private.as_str(),
                });
            }
            continue;
        }
        let match_conditions = !chosen.is_empty() && rng.random_bool(0.8);
        let match_age_band = has_bands && rng.random_bool(0.6);
        let match_diagnosed_since = has_bands && rng.random_bool(0.4);
        if match_conditions {
            row.conditions_visibility = shared(rng).as_str();
        }
        if has_bands {
            let age_visibility = if match_age_band {
                shared(rng)
            } else {
                Visibility::Private
            };
            let diagnosed_visibility = if match_diagnosed_since {
                shared(rng)
            } else {
                Visibility::Private
            };
            out.bands.push(ProfileBandsRow {
                member_id: id.clone(),
                age_band: Some(AGE_BANDS[rng.random_range(0..AGE_BANDS.len())].as_str()),
                age_band_visibility: age_visibility.as_str(),
                diagnosed_since: Some(DIAGNOSED[rng.random_range(0..DIAGNOSED.len())].as_str()),
                diagnosed_since_visibility: diagnosed_visibility.as_str(),
            });
        }
        out.discoverable.push(DiscoverableRow {
            member_id: id.clone(),
            match_conditions,
            match_kind: rng.random_bool(0.9),
            match_age_band,
            match_region: rng.random_bool(0.6),
            match_language: rng.random_bool(0.5),
            match_diagnosed_since,
            since: row.created_at + Duration::days(rng.random_range(1..60)),
        });
    }
    out
}
