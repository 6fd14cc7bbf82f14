//! A declared sponsor is kept in three nullable columns (`sponsor_name`, `sponsor_kind`,
//! `sponsor_links`) on each sponsorable table, set together or not at all.

use entraide_domain::sponsor::Sponsor;

use crate::error::PersistenceError;

/// The three stored cells of a sponsor (all `None` when there is none).
pub(crate) struct SponsorCells<'a> {
    pub name: Option<&'a str>,
    pub kind: Option<&'static str>,
    pub links: Option<String>,
}

pub(crate) fn cells(sponsor: Option<&Sponsor>) -> SponsorCells<'_> {
    SponsorCells {
        name: sponsor.map(|s| s.name.as_str()),
        kind: sponsor.map(|s| s.kind.as_str()),
        links: sponsor.map(Sponsor::stored_links),
    }
}

/// The cells of a change: `None` leaves the sponsor as it is, `Some(None)` removes it.
pub(crate) struct SponsorChange<'a> {
    pub name: Option<Option<&'a str>>,
    pub kind: Option<Option<&'static str>>,
    pub links: Option<Option<String>>,
}

pub(crate) fn change(sponsor: Option<&Option<Sponsor>>) -> SponsorChange<'_> {
    match sponsor {
        None => SponsorChange {
            name: None,
            kind: None,
            links: None,
        },
        Some(sponsor) => {
            let SponsorCells { name, kind, links } = cells(sponsor.as_ref());
            SponsorChange {
                name: Some(name),
                kind: Some(kind),
                links: Some(links),
            }
        }
    }
}

/// Reads a sponsor back; a partial set of cells is corruption.
pub(crate) fn from_cells(
    name: Option<String>,
    kind: Option<String>,
    links: Option<String>,
) -> Result<Option<Sponsor>, PersistenceError> {
    match (name, kind, links) {
        (None, None, None) => Ok(None),
        (Some(name), Some(kind), Some(links)) => Sponsor::from_stored(name, &kind, &links)
            .map(Some)
            .map_err(|e| PersistenceError::Corrupt(format!("sponsor: {e}"))),
        _ => Err(PersistenceError::Corrupt(
            "sponsor columns partly set".to_owned(),
        )),
    }
}
