//! Members, oldest first; the first [`BENCH_MEMBERS`] are patients set up for the feed benchmark.

use entraide_domain::member::{MemberKind, PlatformRole, Pseudonym};
use entraide_domain::profile::{Visibility, defaults};
use entraide_persistence::bulk::MemberRow;
use rand::Rng;
use rand::rngs::StdRng;

use super::text::{CITIES, FIRST_NAMES, sentence};
use super::{BENCH_MEMBERS, Timeline, id_at, naive};

/// The seeded members: rows to load, and what later generators choose from (by index).
pub(super) struct Members {
    pub(super) rows: Vec<MemberRow>,
    pub(super) ids: Vec<String>,
    pub(super) kinds: Vec<MemberKind>,
}

fn kind_for(rng: &mut StdRng) -> MemberKind {
    match rng.random_range(0..10) {
        0..=5 => MemberKind::Patient,
        6..=8 => MemberKind::Caregiver,
        _ => MemberKind::Professional,
    }
}

/// `public`% public, `members`% for members, the rest private.
fn visibility(rng: &mut StdRng, public: u32, members: u32) -> Visibility {
    let roll = rng.random_range(0..100);
    if roll < public {
        Visibility::Public
    } else if roll < public + members {
        Visibility::Members
    } else {
        Visibility::Private
    }
}

/// `count` members joining over the first third of the timeline, all with `password_hash`.
pub(super) fn generate(
    rng: &mut StdRng,
    time: &Timeline,
    count: usize,
    password_hash: &str,
) -> Members {
    let mut kinds = Vec::with_capacity(count);
    let mut ids = Vec::with_capacity(count);
    let mut rows = Vec::with_capacity(count);
    for i in 0..count {
        let joined = time.at_fraction(i, count * 3);
        let kind = if i < BENCH_MEMBERS {
            MemberKind::Patient
        } else {
            kind_for(rng)
        };
        let id = id_at(rng, joined);
        let (email, pseudonym) = if i < BENCH_MEMBERS {
            (
                format!("bench{}@seed.entraide.test", i + 1),
                format!("Bench {}", i + 1),
            )
        } else {
            (
                format!("member{i}@seed.entraide.test"),
                format!(
                    "{} {i}",
                    FIRST_NAMES[rng.random_range(0..FIRST_NAMES.len())]
                ),
            )
        };
        let (city, region) = CITIES[rng.random_range(0..CITIES.len())];
        let has_bio = rng.random_bool(0.6);
        // Fields are evaluated in this order: the draws below must stay in it (determinism).
        rows.push(MemberRow {
            id: id.clone(),
            email,
            pseudonym_key: pseudonym.to_lowercase(),
            pseudonym_skeleton: Some(Pseudonym::from_stored(pseudonym.clone()).skeleton()),
            pseudonym,
            password_hash: password_hash.to_owned(),
            kind: kind.as_str(),
            role: PlatformRole::Member.as_str(),
            bio: has_bio.then(|| sentence(rng)),
            bio_visibility: visibility(rng, 30, 60).as_str(),
            avatar_url: None,
            avatar_visibility: defaults::AVATAR.as_str(),
            city: Some(city.to_owned()),
            region: Some(region.to_owned()),
            country: Some("FR".to_owned()),
            location_visibility: visibility(rng, 10, 40).as_str(),
            language: Some("fr".to_owned()),
            language_visibility: defaults::LANGUAGE.as_str(),
            conditions_visibility: defaults::CONDITIONS.as_str(),
            failed_logins: 0,
            login_locked_until: None,
            created_at: naive(joined),
            updated_at: naive(joined),
            wall_visibility: visibility(rng, 20, 70).as_str(),
            // Seeded addresses are vouched for (no draw: the dataset stays the same).
            email_verified_at: Some(naive(joined)),
        });
        kinds.push(kind);
        ids.push(id);
    }
    Members { rows, ids, kinds }
}
