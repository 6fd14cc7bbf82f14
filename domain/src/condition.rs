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

/// An ICD-11 stem code (MMS): four characters — a chapter character (digit or letter), a
/// letter, a digit, a digit or letter — optionally a dot and one to four more (`CA25`,
/// `2A00.0`, `8A40.Z`). Upper-cased. Post-coordinated clusters (`&`, `/`) are not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Icd11Code(String);

impl Icd11Code {
    /// A value read back from storage, where it was parsed when written.
    pub fn from_stored(value: String) -> Self {
        Self(value)
    }

    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let value = raw.trim().to_ascii_uppercase();
        let bytes = value.as_bytes();
        let head_ok = bytes.len() >= 4
            && bytes[0].is_ascii_alphanumeric()
            && bytes[1].is_ascii_uppercase()
            && bytes[2].is_ascii_digit()
            && bytes[3].is_ascii_alphanumeric();
        let tail_ok = match &bytes[4.min(bytes.len())..] {
            [] => true,
            [b'.', rest @ ..] => {
                (1..=4).contains(&rest.len()) && rest.iter().all(u8::is_ascii_alphanumeric)
            }
            _ => false,
        };
        if !head_ok || !tail_ok {
            return Err(ParseError::single(
                "icd11_code",
                "invalid_icd11_code",
                "must be an ICD-11 code such as CA25 or 2A00.0",
            ));
        }
        Ok(Self(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A SNOMED CT concept id: 6 to 18 digits, not starting with 0.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnomedCode(String);

impl SnomedCode {
    /// A value read back from storage, where it was parsed when written.
    pub fn from_stored(value: String) -> Self {
        Self(value)
    }

    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let value = raw.trim();
        if !(6..=18).contains(&value.len())
            || !value.chars().all(|c| c.is_ascii_digit())
            || value.starts_with('0')
        {
            return Err(ParseError::single(
                "snomed_code",
                "invalid_snomed_code",
                "must be a SNOMED CT concept id of 6 to 18 digits such as 190905008",
            ));
        }
        Ok(Self(value.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A MeSH unique id: a descriptor (`D`) or supplementary concept (`C`) followed by 6 or 9
/// digits (`D003550`, `C000656484`). Upper-cased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeshCode(String);

impl MeshCode {
    /// A value read back from storage, where it was parsed when written.
    pub fn from_stored(value: String) -> Self {
        Self(value)
    }

    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let value = raw.trim().to_ascii_uppercase();
        let ok = match value.as_bytes() {
            [b'D' | b'C', digits @ ..] => {
                matches!(digits.len(), 6 | 9) && digits.iter().all(u8::is_ascii_digit)
            }
            _ => false,
        };
        if !ok {
            return Err(ParseError::single(
                "mesh_code",
                "invalid_mesh_code",
                "must be a MeSH id such as D003550",
            ));
        }
        Ok(Self(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A code to look a condition up by, in `SYSTEM:value` form: `ORPHA:586`, `ICD10:E84`,
/// `ICD11:CA25`, `SNOMED:190905008`, `MESH:D003550` (the system is case-insensitive).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConditionCode {
    Orpha(OrphaCode),
    Icd10(Icd10Code),
    Icd11(Icd11Code),
    Snomed(SnomedCode),
    Mesh(MeshCode),
}

impl ConditionCode {
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let invalid = || {
            ParseError::single(
                "code",
                "invalid_code",
                "must be SYSTEM:value with SYSTEM one of ORPHA, ICD10, ICD11, SNOMED, MESH",
            )
        };
        let (system, value) = raw.trim().split_once(':').ok_or_else(invalid)?;
        let code = match system.to_ascii_uppercase().as_str() {
            "ORPHA" => Self::Orpha(OrphaCode::parse(value)?),
            "ICD10" | "ICD-10" => Self::Icd10(Icd10Code::parse(value)?),
            "ICD11" | "ICD-11" => Self::Icd11(Icd11Code::parse(value)?),
            "SNOMED" | "SNOMEDCT" => Self::Snomed(SnomedCode::parse(value)?),
            "MESH" => Self::Mesh(MeshCode::parse(value)?),
            _ => return Err(invalid()),
        };
        Ok(code)
    }
}

/// A condition of the catalogue. `name` is the display name and the unique key (what a
/// platform admin typed, or on import the French name, else the English one); `name_fr` and
/// `name_en` are the names in each language when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    pub id: crate::ids::ConditionId,
    pub name: ConditionName,
    pub name_fr: Option<ConditionName>,
    pub name_en: Option<ConditionName>,
    pub orpha_code: Option<OrphaCode>,
    pub icd10_code: Option<Icd10Code>,
    pub icd11_code: Option<Icd11Code>,
    pub snomed_code: Option<SnomedCode>,
    pub mesh_code: Option<MeshCode>,
}

/// A condition to add to the catalogue (platform admins only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCondition {
    pub name: ConditionName,
    pub name_fr: Option<ConditionName>,
    pub name_en: Option<ConditionName>,
    pub orpha_code: Option<OrphaCode>,
    pub icd10_code: Option<Icd10Code>,
    pub icd11_code: Option<Icd11Code>,
    pub snomed_code: Option<SnomedCode>,
    pub mesh_code: Option<MeshCode>,
}

/// The raw fields of a condition, as a request or a CSV row gives them. An absent `name`
/// takes the French name, else the English one.
#[derive(Debug, Clone, Copy, Default)]
pub struct ConditionInput<'a> {
    pub name: Option<&'a str>,
    pub name_fr: Option<&'a str>,
    pub name_en: Option<&'a str>,
    pub orpha_code: Option<&'a str>,
    pub icd10_code: Option<&'a str>,
    pub icd11_code: Option<&'a str>,
    pub snomed_code: Option<&'a str>,
    pub mesh_code: Option<&'a str>,
}

/// A blank optional value counts as absent (CSV cells, empty strings).
fn present(value: Option<&str>) -> Option<&str> {
    value.filter(|v| !v.trim().is_empty())
}

impl NewCondition {
    /// Parses every field, reporting every bad one at once.
    pub fn parse(input: ConditionInput<'_>) -> Result<Self, ParseError> {
        let ConditionInput {
            name,
            name_fr,
            name_en,
            orpha_code,
            icd10_code,
            icd11_code,
            snomed_code,
            mesh_code,
        } = input;
        let mut errors = Errors::new();
        let name_fr = present(name_fr)
            .and_then(|raw| errors.check("name_fr", ConditionName::parse(raw)).map(Some))
            .flatten();
        let name_en = present(name_en)
            .and_then(|raw| errors.check("name_en", ConditionName::parse(raw)).map(Some))
            .flatten();
        let name = match present(name) {
            Some(raw) => errors.check("name", ConditionName::parse(raw)),
            None => name_fr.clone().or_else(|| name_en.clone()),
        };
        let orpha_code = present(orpha_code)
            .and_then(|raw| errors.check("orpha_code", OrphaCode::parse(raw)).map(Some))
            .flatten();
        let icd10_code = present(icd10_code)
            .and_then(|raw| errors.check("icd10_code", Icd10Code::parse(raw)).map(Some))
            .flatten();
        let icd11_code = present(icd11_code)
            .and_then(|raw| errors.check("icd11_code", Icd11Code::parse(raw)).map(Some))
            .flatten();
        let snomed_code = present(snomed_code)
            .and_then(|raw| {
                errors
                    .check("snomed_code", SnomedCode::parse(raw))
                    .map(Some)
            })
            .flatten();
        let mesh_code = present(mesh_code)
            .and_then(|raw| errors.check("mesh_code", MeshCode::parse(raw)).map(Some))
            .flatten();
        if present(input.name).is_none()
            && present(input.name_fr).is_none()
            && present(input.name_en).is_none()
        {
            errors.push(crate::FieldError::new(
                "name",
                "required",
                "is required (or name_fr, or name_en)",
            ));
        }
        errors.finish()?;
        match name {
            Some(name) => Ok(Self {
                name,
                name_fr,
                name_en,
                orpha_code,
                icd10_code,
                icd11_code,
                snomed_code,
                mesh_code,
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
        let error = NewCondition::parse(ConditionInput {
            name: Some("x"),
            orpha_code: Some("nope"),
            icd10_code: Some("nope"),
            icd11_code: Some("nope"),
            snomed_code: Some("12"),
            mesh_code: Some("Q1"),
            ..ConditionInput::default()
        })
        .unwrap_err();
        let fields: Vec<_> = error.errors().iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "name",
                "orpha_code",
                "icd10_code",
                "icd11_code",
                "snomed_code",
                "mesh_code"
            ]
        );
        let ok = NewCondition::parse(ConditionInput {
            name: Some("Mucoviscidose"),
            orpha_code: Some("ORPHA:586"),
            icd10_code: Some("E84"),
            ..ConditionInput::default()
        })
        .unwrap();
        assert_eq!(ok.name.as_str(), "Mucoviscidose");
    }

    #[test]
    fn the_display_name_defaults_to_french_then_english() {
        let fr = NewCondition::parse(ConditionInput {
            name_fr: Some("Mucoviscidose"),
            name_en: Some("Cystic fibrosis"),
            ..ConditionInput::default()
        })
        .unwrap();
        assert_eq!(fr.name.as_str(), "Mucoviscidose");
        let en = NewCondition::parse(ConditionInput {
            name: Some("  "),
            name_en: Some("Cystic fibrosis"),
            ..ConditionInput::default()
        })
        .unwrap();
        assert_eq!(en.name.as_str(), "Cystic fibrosis");
        let none = NewCondition::parse(ConditionInput::default()).unwrap_err();
        assert_eq!(none.errors()[0].field, "name");
    }

    #[test]
    fn more_codes_parse() {
        for good in ["CA25", "2a00.0", "8A40.Z", "1F23.31"] {
            assert!(Icd11Code::parse(good).is_ok(), "{good}");
        }
        for bad in ["", "CA2", "C225", "CA25.", "CA25.12345", "CA25&XN1"] {
            assert!(Icd11Code::parse(bad).is_err(), "{bad}");
        }
        assert!(SnomedCode::parse("190905008").is_ok());
        for bad in ["12345", "0123456", "12345a7", "1234567890123456789"] {
            assert!(SnomedCode::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(MeshCode::parse("d003550").unwrap().as_str(), "D003550");
        assert!(MeshCode::parse("C000656484").is_ok());
        for bad in ["D00355", "X003550", "D0035500", "D"] {
            assert!(MeshCode::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            ConditionCode::parse("orpha:586").unwrap(),
            ConditionCode::Orpha(OrphaCode::parse("586").unwrap())
        );
        assert!(matches!(
            ConditionCode::parse("MESH:D003550"),
            Ok(ConditionCode::Mesh(_))
        ));
        assert!(ConditionCode::parse("E84").is_err());
        assert!(ConditionCode::parse("LOINC:1").is_err());
    }
}
