//! Sponsor transparency: who stands behind a group, an association, an event or a resource.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What kind of body the sponsor is: `company` (a drug or device maker, an insurer...),
/// `public_body` (a ministry, a health agency, a hospital), `foundation`, `association` (or
/// a learned society), `other`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SponsorKind {
    Company,
    PublicBody,
    Foundation,
    Association,
    Other,
}

/// The nature of the link: `funding` (pays for it, in full or in part), `organisation` (runs
/// it), `content` (wrote or shaped what it says).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SponsorLink {
    Funding,
    Organisation,
    Content,
}

/// A declared sponsor. Returned on every read of a sponsored object, lists included (`null`
/// when none is declared). A sponsor that should have been declared and was not can be
/// reported (reason `undeclared_sponsor`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "name": "Laboratoire Exemple",
    "kind": "company",
    "links": ["funding"]
}))]
pub struct Sponsor {
    /// 1 to 200 characters, on one line.
    #[schema(example = "Laboratoire Exemple")]
    pub name: String,
    pub kind: SponsorKind,
    /// At least one; duplicates are folded, the answer lists them in the order funding,
    /// organisation, content.
    #[schema(min_items = 1, max_items = 3)]
    pub links: Vec<SponsorLink>,
}
