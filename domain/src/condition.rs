//! Conditions (diseases) that communities form around, with optional ORPHA and ICD-10 codes.

use crate::error::{Errors, ParseError};

/// A condition's display name, 2 to 120 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConditionName(String);

impl ConditionName {
    /// A value read back from storage, where it was parsed when written.
    pub fn from_stored(value: String) -> Self {
        Self(value)
    }

    pub const MAX_CHARS: usize = 120;

    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let value = raw.trim();
        let count = value.chars().count();
        if count < 2 {
            return Err(ParseError::single(
                "name",
                "too_short",
                "must be at least 2 characters",
            ));
        }
        if count > Self::MAX_CHARS {
            return Err(ParseError::single(
                "name",
                "too_long",
                format!("must be at most {} characters", Self::MAX_CHARS),
            ));
        }
        if value.chars().any(char::is_control) {
            return Err(ParseError::single(
                "name",
                "invalid_text",
                "must not contain control characters",
            ));
        }
        Ok(Self(value.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An Orphanet code, stored as its number: `ORPHA:558` and `558` are the same code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrphaCode(String);

impl OrphaCode {
    /// A value read back from storage, where it was parsed when written.
    pub fn from_stored(value: String) -> Self {
        Self(value)
    }

    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let value = raw.trim();
        let digits = value
            .strip_prefix("ORPHA:")
            .or_else(|| value.strip_prefix("orpha:"))
            .unwrap_or(value);
        if digits.is_empty() || digits.len() > 7 || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(ParseError::single(
                "orpha_code",
                "invalid_orpha_code",
                "must be an Orphanet number such as ORPHA:558",
            ));
        }
        Ok(Self(digits.trim_start_matches('0').to_owned()).normalise_zero())
    }

    fn normalise_zero(self) -> Self {
        if self.0.is_empty() {
            Self("0".to_owned())
        } else {
            self
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An ICD-10 code: a letter, two digits, optionally a dot and up to two more digits (`G35`,
/// `E11.9`). Upper-cased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Icd10Code(String);

impl Icd10Code {
    /// A value read back from storage, where it was parsed when written.
    pub fn from_stored(value: String) -> Self {
        Self(value)
    }

    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let value = raw.trim().to_ascii_uppercase();
        let bytes = value.as_bytes();
        let head_ok = bytes.len() >= 3
            && bytes[0].is_ascii_uppercase()
            && bytes[1].is_ascii_digit()
            && bytes[2].is_ascii_alphanumeric();
        let tail_ok = match &bytes[3.min(bytes.len())..] {
            [] => true,
            [b'.', rest @ ..] => {
                (1..=2).contains(&rest.len()) && rest.iter().all(u8::is_ascii_alphanumeric)
            }
            _ => false,
        };
        if !head_ok || !tail_ok {
            return Err(ParseError::single(
                "icd10_code",
                "invalid_icd10_code",
                "must be an ICD-10 code such as G35 or E11.9",
            ));
        }
        Ok(Self(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A condition of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    pub id: crate::ids::ConditionId,
    pub name: ConditionName,
    pub orpha_code: Option<OrphaCode>,
    pub icd10_code: Option<Icd10Code>,
}

/// A condition to add to the catalogue (platform admins only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCondition {
    pub name: ConditionName,
    pub orpha_code: Option<OrphaCode>,
    pub icd10_code: Option<Icd10Code>,
}

impl NewCondition {
    pub fn parse(
        name: &str,
        orpha_code: Option<&str>,
        icd10_code: Option<&str>,
    ) -> Result<Self, ParseError> {
        let mut errors = Errors::new();
        let name = errors.check("name", ConditionName::parse(name));
        let orpha_code = orpha_code
            .and_then(|raw| errors.check("orpha_code", OrphaCode::parse(raw)).map(Some))
            .flatten();
        let icd10_code = icd10_code
            .and_then(|raw| errors.check("icd10_code", Icd10Code::parse(raw)).map(Some))
            .flatten();
        errors.finish()?;
        match name {
            Some(name) => Ok(Self {
                name,
                orpha_code,
                icd10_code,
            }),
            None => Err(ParseError::single("name", "required", "is required")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_parse_and_normalise() {
        assert_eq!(OrphaCode::parse("ORPHA:558").unwrap().as_str(), "558");
        assert_eq!(OrphaCode::parse("558").unwrap().as_str(), "558");
        assert!(OrphaCode::parse("ORPHA:").is_err());
        assert!(OrphaCode::parse("12a").is_err());
        assert_eq!(Icd10Code::parse("e11.9").unwrap().as_str(), "E11.9");
        assert_eq!(Icd10Code::parse("G35").unwrap().as_str(), "G35");
        for bad in ["", "G3", "35G", "G35.", "G35.123", "G35-1"] {
            assert!(Icd10Code::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn new_condition_reports_every_bad_field() {
        let error = NewCondition::parse("x", Some("nope"), Some("nope")).unwrap_err();
        let fields: Vec<_> = error.errors().iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "orpha_code", "icd10_code"]);
        let ok = NewCondition::parse("Mucoviscidose", Some("ORPHA:586"), Some("E84")).unwrap();
        assert_eq!(ok.name.as_str(), "Mucoviscidose");
    }
}
