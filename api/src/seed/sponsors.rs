//! Declared sponsors: about one group, association, event and resource in ten says who is
//! behind it (a drug maker funding a group, a regional health agency organising an event...),
//! so the `sponsored=` filters and the disclosures have data to work on.

use entraide_domain::sponsor::{Sponsor, SponsorKind, SponsorLink};
use rand::Rng;
use rand::rngs::StdRng;

/// Sponsors as they would be declared: (name, kind, links).
const SPONSORS: &[(&str, SponsorKind, &[SponsorLink])] = &[
    (
        "Laboratoires Exemplaires SA",
        SponsorKind::Company,
        &[SponsorLink::Funding],
    ),
    (
        "Pharma Démonstration France",
        SponsorKind::Company,
        &[SponsorLink::Funding, SponsorLink::Content],
    ),
    (
        "ARS Île-de-France",
        SponsorKind::PublicBody,
        &[SponsorLink::Organisation],
    ),
    (
        "CHU de Démonstration",
        SponsorKind::PublicBody,
        &[SponsorLink::Organisation, SponsorLink::Content],
    ),
    (
        "Fondation Maladies Rares (démonstration)",
        SponsorKind::Foundation,
        &[SponsorLink::Funding],
    ),
    (
        "Société savante de démonstration",
        SponsorKind::Association,
        &[SponsorLink::Content],
    ),
];

/// A sponsor's three stored cells (`sponsor_name`, `sponsor_kind`, `sponsor_links`).
pub(super) type Cells = (Option<String>, Option<&'static str>, Option<String>);

/// One draw: a declared sponsor one time in `one_in`, none otherwise. Every entry of
/// [`SPONSORS`] parses (a unit test checks it), so none is dropped.
pub(super) fn draw(rng: &mut StdRng, one_in: u32) -> Cells {
    if rng.random_range(0..one_in) != 0 {
        return (None, None, None);
    }
    let (name, kind, links) = SPONSORS[rng.random_range(0..SPONSORS.len())];
    match Sponsor::parse(name, kind, links) {
        Ok(sponsor) => (
            Some(sponsor.name.as_str().to_owned()),
            Some(sponsor.kind.as_str()),
            Some(sponsor.stored_links()),
        ),
        Err(_) => (None, None, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn every_seeded_sponsor_is_a_valid_declaration() {
        for (name, kind, links) in SPONSORS {
            assert!(Sponsor::parse(name, *kind, links).is_ok(), "{name}");
        }
        let mut rng = StdRng::seed_from_u64(1);
        let drawn: Vec<Cells> = (0..200).map(|_| draw(&mut rng, 4)).collect();
        let sponsored = drawn.iter().filter(|(name, _, _)| name.is_some()).count();
        assert!(sponsored > 20 && sponsored < 100, "{sponsored} of 200");
        assert!(
            drawn
                .iter()
                .all(|(n, k, l)| n.is_some() == k.is_some() && k.is_some() == l.is_some())
        );
    }
}
