//! Sponsor transparency: who is behind a group, an association, an event or a resource.
//!
//! Drug makers run patient platforms too; members must see who funds, organises or writes what
//! they read. A sponsor is declared by those who edit the object and returned on every read of
//! it, in lists included; lists can leave sponsored objects out (`sponsored=false`). An
//! undeclared sponsor is a report reason ([`crate::moderation::ReportReason::UndeclaredSponsor`]).

use crate::error::{Errors, ParseError};
use crate::text::Label;

/// What kind of body the sponsor is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SponsorKind {
    /// A company: a drug or device maker, an insurer, a service provider.
    Company,
    /// A public body: a ministry, a regional health agency, a hospital.
    PublicBody,
    /// A foundation or an endowment fund.
    Foundation,
    /// Another association or a learned society.
    Association,
    Other,
}

wire_enum!(SponsorKind, "kind", "invalid_sponsor_kind",
    Company => "company", PublicBody => "public_body", Foundation => "foundation",
    Association => "association", Other => "other");

/// The nature of the link between the sponsor and the object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SponsorLink {
    /// The sponsor pays for it (in full or in part).
    Funding,
    /// The sponsor organises or runs it.
    Organisation,
    /// The sponsor wrote or shaped its content.
    Content,
}

wire_enum!(SponsorLink, "links", "invalid_sponsor_link",
    Funding => "funding", Organisation => "organisation", Content => "content");

/// A declared sponsor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sponsor {
    /// The sponsor's name, as it would appear on a disclosure (1 to 200 characters).
    pub name: Label,
    pub kind: SponsorKind,
    /// At least one, each once, in [`SponsorLink::ALL`] order.
    pub links: Vec<SponsorLink>,
}

impl Sponsor {
    /// Checks a declaration: a name of 1 to 200 characters on one line, at least one link
    /// (duplicates folded, kept in [`SponsorLink::ALL`] order). Field errors are named
    /// `sponsor.name`, `sponsor.links`.
    pub fn parse(name: &str, kind: SponsorKind, links: &[SponsorLink]) -> Result<Self, ParseError> {
        let mut errors = Errors::new();
        let name = errors.check("sponsor.name", Label::parse(name));
        let links = errors.keep(links_of(links.to_vec()).map_err(|e| e.prefixed("sponsor")));
        errors.finish()?;
        match (name, links) {
            (Some(name), Some(links)) => Ok(Self { name, kind, links }),
            _ => Err(ParseError::single(
                "sponsor",
                "invalid_sponsor",
                "is not a valid sponsor",
            )),
        }
    }
}

impl Sponsor {
    /// The links as stored: wire names joined by commas, in order.
    pub fn stored_links(&self) -> String {
        self.links
            .iter()
            .map(|link| link.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }

    /// A sponsor read back from storage (the three columns, all set).
    pub fn from_stored(name: String, kind: &str, links: &str) -> Result<Self, ParseError> {
        let links = links
            .split(',')
            .map(SponsorLink::parse)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            name: Label::from_stored(name),
            kind: SponsorKind::parse(kind)?,
            links: links_of(links)?,
        })
    }
}

fn links_of(mut links: Vec<SponsorLink>) -> Result<Vec<SponsorLink>, ParseError> {
    if links.is_empty() {
        return Err(ParseError::single(
            "links",
            "required",
            "name at least one of funding, organisation, content",
        ));
    }
    if links.len() > SponsorLink::ALL.len() {
        return Err(ParseError::single(
            "links",
            "too_many",
            "name each of funding, organisation, content at most once",
        ));
    }
    links.sort();
    links.dedup();
    Ok(links)
}

#[cfg(test)]
mod tests {
    use super::*;
    use SponsorLink::*;

    #[test]
    fn a_sponsor_names_who_and_how() {
        let sponsor = Sponsor::parse(
            "  Laboratoire Exemple ",
            SponsorKind::Company,
            &[Content, Funding, Funding],
        )
        .unwrap();
        assert_eq!(sponsor.name.as_str(), "Laboratoire Exemple");
        assert_eq!(sponsor.kind, SponsorKind::Company);
        assert_eq!(sponsor.links, vec![Funding, Content]);
    }

    #[test]
    fn bad_declarations_name_their_fields() {
        let fields = |result: Result<Sponsor, ParseError>| {
            let mut fields: Vec<_> = result
                .unwrap_err()
                .into_errors()
                .into_iter()
                .map(|e| format!("{}:{}", e.field, e.code))
                .collect();
            fields.sort();
            fields
        };
        assert_eq!(
            fields(Sponsor::parse("", SponsorKind::Other, &[])),
            ["sponsor.links:required", "sponsor.name:required"]
        );
        assert_eq!(
            fields(Sponsor::parse("a\u{0}b", SponsorKind::Company, &[Funding])),
            ["sponsor.name:invalid_text"]
        );
        assert_eq!(
            fields(Sponsor::parse(
                &"x".repeat(201),
                SponsorKind::Company,
                &[Funding]
            )),
            ["sponsor.name:too_long"]
        );
    }

    #[test]
    fn stored_form_round_trips() {
        let sponsor = Sponsor::parse("X", SponsorKind::Foundation, &[Content, Funding]).unwrap();
        assert_eq!(sponsor.stored_links(), "funding,content");
        let back = Sponsor::from_stored("X".into(), sponsor.kind.as_str(), &sponsor.stored_links())
            .unwrap();
        assert_eq!(back, sponsor);
        assert!(Sponsor::from_stored("X".into(), "company", "").is_err());
        assert!(Sponsor::from_stored("X".into(), "drug_maker", "funding").is_err());
    }
}
