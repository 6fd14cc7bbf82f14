//! "People like me": members who opt in to being discoverable, the profile parts they allow to
//! be matched, and how a reader's list of such members is ranked.
//!
//! Discoverability is off by default. A discoverable member chooses which parts
//! ([`DiscoveryPart`]) may be used to match them; a part is *matchable* for another member only
//! when it is allowed **and** its profile visibility lets another member see it
//! ([`DiscoveryParts::matchable`]). Filters, ranking and what a list shows all use that one
//! rule, so a list, its order or a filter can never reveal a part the member keeps to
//! themselves.

use crate::error::ParseError;
use crate::member::Pseudonym;
use crate::profile::{Relation, Visibility};

/// An age band: coarse on purpose (an exact age, with a region and a rare condition, can
/// identify someone).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AgeBand {
    Under18,
    From18To29,
    From30To44,
    From45To59,
    From60To74,
    From75,
}

wire_enum!(AgeBand, "age_band", "invalid_age_band",
    Under18 => "under_18", From18To29 => "18_29", From30To44 => "30_44",
    From45To59 => "45_59", From60To74 => "60_74", From75 => "75_plus");

/// How long ago a member (or, for a caregiver, the person they help) was diagnosed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DiagnosedSince {
    LessThanOneYear,
    OneToFiveYears,
    FiveToTenYears,
    MoreThanTenYears,
}

wire_enum!(DiagnosedSince, "diagnosed_since", "invalid_diagnosed_since",
    LessThanOneYear => "less_than_1_year", OneToFiveYears => "1_to_5_years",
    FiveToTenYears => "5_to_10_years", MoreThanTenYears => "more_than_10_years");

/// A profile part a discoverable member may allow to be used to match them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DiscoveryPart {
    Conditions,
    Kind,
    AgeBand,
    Region,
    Language,
    DiagnosedSince,
}

wire_enum!(DiscoveryPart, "discovery_parts", "invalid_discovery_part",
    Conditions => "conditions", Kind => "kind", AgeBand => "age_band", Region => "region",
    Language => "language", DiagnosedSince => "diagnosed_since");

/// The parts a discoverable member allows to be matched (and shown in the discover list).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DiscoveryParts {
    pub conditions: bool,
    pub kind: bool,
    pub age_band: bool,
    pub region: bool,
    pub language: bool,
    pub diagnosed_since: bool,
}

impl DiscoveryParts {
    /// The parts named in a request (duplicates are harmless).
    pub fn from_parts(parts: &[DiscoveryPart]) -> Self {
        let mut allowed = Self::default();
        for part in parts {
            match part {
                DiscoveryPart::Conditions => allowed.conditions = true,
                DiscoveryPart::Kind => allowed.kind = true,
                DiscoveryPart::AgeBand => allowed.age_band = true,
                DiscoveryPart::Region => allowed.region = true,
                DiscoveryPart::Language => allowed.language = true,
                DiscoveryPart::DiagnosedSince => allowed.diagnosed_since = true,
            }
        }
        allowed
    }

    /// The allowed parts, in the order of [`DiscoveryPart::ALL`].
    pub fn to_parts(self) -> Vec<DiscoveryPart> {
        DiscoveryPart::ALL
            .iter()
            .copied()
            .filter(|part| self.allows(*part))
            .collect()
    }

    pub fn allows(self, part: DiscoveryPart) -> bool {
        let Self {
            conditions,
            kind,
            age_band,
            region,
            language,
            diagnosed_since,
        } = self;
        match part {
            DiscoveryPart::Conditions => conditions,
            DiscoveryPart::Kind => kind,
            DiscoveryPart::AgeBand => age_band,
            DiscoveryPart::Region => region,
            DiscoveryPart::Language => language,
            DiscoveryPart::DiagnosedSince => diagnosed_since,
        }
    }

    /// Policy: may `part`, shown at `visibility` on the profile, be used to match this member
    /// for (and be shown to) another signed-in member? Only when the member allowed it and the
    /// profile shows it to other members. The member kind signs every post: pass
    /// [`Visibility::Members`] for it. The discover query implements the same rule in SQL
    /// (`persistence::discovery`); the end-to-end tests check both agree.
    pub fn matchable(self, part: DiscoveryPart, visibility: Visibility) -> bool {
        self.allows(part) && visibility.allows(Relation::OtherMember)
    }
}

/// The rank of a discoverable member for a reader, from what they share on matchable parts:
/// shared conditions first, then the same kind, the same region, the same age band (higher
/// first). Language and "diagnosed since" filter and show but do not rank.
pub fn rank(
    shared_conditions: u32,
    same_kind: bool,
    same_region: bool,
    same_age_band: bool,
) -> i64 {
    // Each lower criterion weighs less than one step of the one above: a lexicographic order
    // in one integer the SQL computes the same way (see `RANK_WEIGHTS`).
    let [conditions, kind, region, age] = RANK_WEIGHTS;
    i64::from(shared_conditions.min(MAX_RANKED_CONDITIONS))
        .saturating_mul(conditions)
        .saturating_add(if same_kind { kind } else { 0 })
        .saturating_add(if same_region { region } else { 0 })
        .saturating_add(if same_age_band { age } else { 0 })
}

/// Weights of shared conditions, same kind, same region and same age band in [`rank`].
pub const RANK_WEIGHTS: [i64; 4] = [8, 4, 2, 1];

/// Shared conditions counted in [`rank`] at most (a profile holds at most 20).
pub const MAX_RANKED_CONDITIONS: u32 = 20;

/// The start of a pseudonym, to complete an @mention: 2 to 32 characters, matched
/// case-insensitively from the start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MentionPrefix(String);

impl MentionPrefix {
    pub const MIN_CHARS: usize = 2;

    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let value = raw.trim();
        let count = value.chars().count();
        if count < Self::MIN_CHARS {
            return Err(ParseError::single(
                "prefix",
                "too_short",
                format!("must be at least {} characters", Self::MIN_CHARS),
            ));
        }
        if count > Pseudonym::MAX_CHARS {
            return Err(ParseError::single(
                "prefix",
                "too_long",
                format!("must be at most {} characters", Pseudonym::MAX_CHARS),
            ));
        }
        if value.chars().any(char::is_control) {
            return Err(ParseError::single(
                "prefix",
                "invalid_text",
                "must not contain control characters",
            ));
        }
        Ok(Self(value.to_lowercase()))
    }

    /// Lower case, as pseudonym keys are stored.
    pub fn as_key(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Allowed x visibility -> matchable, for every part.
    #[test]
    fn matchable_table() {
        for part in DiscoveryPart::ALL.iter().copied() {
            for allowed in [false, true] {
                for visibility in Visibility::ALL {
                    let parts = if allowed {
                        DiscoveryParts::from_parts(&[part])
                    } else {
                        DiscoveryParts::default()
                    };
                    let expected = allowed && visibility != Visibility::Private;
                    assert_eq!(
                        parts.matchable(part, visibility),
                        expected,
                        "{part:?} allowed={allowed} {visibility:?}"
                    );
                    // Allowing one part never makes another matchable.
                    for other in DiscoveryPart::ALL.iter().copied().filter(|o| *o != part) {
                        assert!(!parts.matchable(other, Visibility::Public));
                    }
                }
            }
        }
    }

    #[test]
    fn parts_round_trip() {
        let all = DiscoveryParts::from_parts(DiscoveryPart::ALL);
        assert_eq!(all.to_parts(), DiscoveryPart::ALL);
        assert!(DiscoveryParts::default().to_parts().is_empty());
        let some = DiscoveryParts::from_parts(&[DiscoveryPart::Region, DiscoveryPart::Region]);
        assert_eq!(some.to_parts(), vec![DiscoveryPart::Region]);
    }

    #[test]
    fn rank_is_lexicographic() {
        // One shared condition outranks everything below it together.
        assert!(rank(1, false, false, false) > rank(0, true, true, true));
        assert!(rank(0, true, false, false) > rank(0, false, true, true));
        assert!(rank(0, false, true, false) > rank(0, false, false, true));
        assert!(rank(0, false, false, true) > rank(0, false, false, false));
        assert!(rank(2, false, false, false) > rank(1, true, true, true));
        assert_eq!(rank(u32::MAX, true, true, true), rank(20, true, true, true));
    }

    #[test]
    fn wire_names() {
        for band in AgeBand::ALL {
            assert_eq!(AgeBand::parse(band.as_str()).ok(), Some(*band));
        }
        for band in DiagnosedSince::ALL {
            assert_eq!(DiagnosedSince::parse(band.as_str()).ok(), Some(*band));
        }
        assert!(AgeBand::parse("42").is_err());
        assert!(DiscoveryPart::parse("email").is_err());
    }

    #[test]
    fn mention_prefix_bounds() {
        assert!(MentionPrefix::parse("a").is_err());
        assert!(MentionPrefix::parse("  a ").is_err());
        assert_eq!(MentionPrefix::parse(" CaM ").unwrap().as_key(), "cam");
        assert!(MentionPrefix::parse(&"x".repeat(33)).is_err());
        assert!(MentionPrefix::parse("a\u{0}").is_err());
        assert_eq!(MentionPrefix::parse("50%").unwrap().as_key(), "50%");
    }
}
