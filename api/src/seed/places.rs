//! Places of the local resources directory around the seeded cities, vouched for by an editor.

use chrono::Duration;
use entraide_domain::group::Audience;
use entraide_domain::place::PlaceKind;
use entraide_persistence::bulk::PlaceRow;
use rand::Rng;
use rand::rngs::StdRng;

use super::text::{CITIES, CITY_POINTS, sentence};
use super::{SeedOptions, Timeline, id_at, naive};

/// The kinds of place, in turn.
const KINDS: [PlaceKind; 6] = [
    PlaceKind::SupportGroup,
    PlaceKind::HospitalDepartment,
    PlaceKind::TherapeuticEducation,
    PlaceKind::AssociationOffice,
    PlaceKind::SocialService,
    PlaceKind::RespiteCare,
];

/// `options.places` places for everyone, in turn in each city, a little around its centre.
pub(super) fn generate(
    rng: &mut StdRng,
    time: &Timeline,
    options: &SeedOptions,
    editor: &str,
) -> Vec<PlaceRow> {
    let now = time.now;
    let at = naive(now - Duration::days(60));
    let mut places = Vec::with_capacity(options.places);
    for p in 0..options.places {
        let c = p % CITIES.len();
        let (lat, lon) = CITY_POINTS[c];
        let kind = KINDS[p % KINDS.len()].as_str();
        let name = format!("{} {} {}", kind.replace('_', " "), CITIES[c].0, p + 1);
        places.push(PlaceRow {
            id: id_at(rng, now - Duration::days(100)),
            name_key: name.to_lowercase(),
            name,
            kind,
            description: sentence(rng),
            address: format!("{} avenue de la Santé", rng.random_range(1..300)),
            city: CITIES[c].0.to_owned(),
            city_key: CITIES[c].0.to_lowercase(),
            postcode: None,
            latitude: lat + rng.random_range(-0.2..0.2),
            longitude: lon + rng.random_range(-0.2..0.2),
            audience: Audience::Everyone.as_str(),
            created_by: editor.to_owned(),
            verified_by: Some(editor.to_owned()),
            verified_at: at,
            created_at: at,
            updated_at: at,
        });
    }
    places
}
