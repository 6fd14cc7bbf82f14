//! Sponsor conversions, shared by groups, associations, events and resources.

use entraide_domain::error::{Errors, ParseError};
use entraide_domain::sponsor::{Sponsor, SponsorKind, SponsorLink};
use entraide_openapi::sponsors as wire;

enum_conversions!(
    kind_to_wire,
    kind_from_wire,
    SponsorKind,
    wire::SponsorKind,
    [Company, PublicBody, Foundation, Association, Other]
);

enum_conversions!(
    link_to_wire,
    link_from_wire,
    SponsorLink,
    wire::SponsorLink,
    [Funding, Organisation, Content]
);

pub fn sponsor(sponsor: Option<Sponsor>) -> Option<wire::Sponsor> {
    sponsor.map(|Sponsor { name, kind, links }| wire::Sponsor {
        name: name.as_str().to_owned(),
        kind: kind_to_wire(kind),
        links: links.into_iter().map(link_to_wire).collect(),
    })
}

fn parse(declared: wire::Sponsor) -> Result<Sponsor, ParseError> {
    let wire::Sponsor { name, kind, links } = declared;
    let links: Vec<SponsorLink> = links.into_iter().map(link_from_wire).collect();
    Sponsor::parse(&name, kind_from_wire(kind), &links)
}

/// A declared sponsor of a new object; its field errors go to `errors`.
pub fn parse_declared(errors: &mut Errors, declared: Option<wire::Sponsor>) -> Option<Sponsor> {
    declared.and_then(|d| errors.keep(parse(d)))
}

/// A change of sponsor: absent stays, `null` withdraws, a value replaces.
pub fn parse_change(
    errors: &mut Errors,
    change: Option<Option<wire::Sponsor>>,
) -> Option<Option<Sponsor>> {
    match change {
        None => None,
        Some(None) => Some(None),
        Some(Some(declared)) => errors.keep(parse(declared)).map(Some),
    }
}
