//! Local resources ("ressources de proximité"): places and services near members, vouched for
//! by editors or association admins.

use chrono::{DateTime, Utc};

use crate::association::AssociationStatus;
use crate::error::ParseError;
use crate::geo::Point;
use crate::group::Audience;
use crate::ids::{AssociationId, ConditionId, MemberId, PlaceId};
use crate::policy::{Refusal, allow};
use crate::text::{Description, Label, Title, WebUrl};

/// What a place offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PlaceKind {
    SupportGroup,
    HospitalDepartment,
    TherapeuticEducation,
    AssociationOffice,
    SocialService,
    /// Respite care for caregivers (accueil de jour, hébergement temporaire...).
    RespiteCare,
}

wire_enum!(PlaceKind, "kind", "invalid_kind",
    SupportGroup => "support_group", HospitalDepartment => "hospital_department",
    TherapeuticEducation => "therapeutic_education", AssociationOffice => "association_office",
    SocialService => "social_service", RespiteCare => "respite_care");

/// A postcode: 2 to 10 letters, digits, spaces or hyphens (French `35000`, Belgian `1000`,
/// Canadian `H2X 1Y4`...), upper-cased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Postcode(String);

impl Postcode {
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let value = raw.trim().to_uppercase();
        let ok = (2..=10).contains(&value.len())
            && value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-');
        if ok {
            Ok(Self(value))
        } else {
            Err(ParseError::single(
                "postcode",
                "invalid_postcode",
                "must be 2 to 10 letters, digits, spaces or hyphens",
            ))
        }
    }

    pub fn from_stored(value: String) -> Self {
        Self(value)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A phone number as people write it: digits with spaces, dots, hyphens, parentheses and a
/// leading `+`; 6 to 20 digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone(String);

impl Phone {
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let value = raw.trim();
        let digits = value.chars().filter(char::is_ascii_digit).count();
        let allowed = value
            .chars()
            .enumerate()
            .all(|(i, c)| c.is_ascii_digit() || " .-()".contains(c) || (c == '+' && i == 0));
        if allowed && (6..=20).contains(&digits) {
            Ok(Self(value.to_owned()))
        } else {
            Err(ParseError::single(
                "phone",
                "invalid_phone",
                "must be a phone number (6 to 20 digits, optional leading +)",
            ))
        }
    }

    pub fn from_stored(value: String) -> Self {
        Self(value)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A place of the directory.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    pub id: PlaceId,
    pub name: Title,
    pub kind: PlaceKind,
    pub description: Description,
    pub address: Label,
    pub city: Label,
    pub postcode: Option<Postcode>,
    pub point: Point,
    pub phone: Option<Phone>,
    pub website: Option<WebUrl>,
    pub opening_hours: Option<Label>,
    pub audience: Audience,
    pub condition_ids: Vec<ConditionId>,
    pub association_id: Option<AssociationId>,
    pub created_by: MemberId,
    pub verified_by: Option<MemberId>,
    pub verified_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The fields of a place as written (creation, or the whole entry after a change).
#[derive(Debug, Clone, PartialEq)]
pub struct PlaceFields {
    pub name: Title,
    pub kind: PlaceKind,
    pub description: Description,
    pub address: Label,
    pub city: Label,
    pub postcode: Option<Postcode>,
    pub point: Point,
    pub phone: Option<Phone>,
    pub website: Option<WebUrl>,
    pub opening_hours: Option<Label>,
    pub audience: Audience,
    pub condition_ids: Vec<ConditionId>,
    pub association_id: Option<AssociationId>,
}

/// Policy: may the actor add or change a place (of `association`, if given)? Editors; and the
/// admins of a verified association, for its own places (see [`crate::rights`]: a pending
/// association confers nothing, not even on its own admins).
pub fn can_write_place(
    is_editor: bool,
    admin_of_association: bool,
    association_status: Option<AssociationStatus>,
) -> Result<(), Refusal> {
    allow(
        is_editor || (admin_of_association && crate::rights::grant_applies(association_status)),
        Refusal::NotAnEditor,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postcodes_and_phones() {
        assert_eq!(Postcode::parse(" h2x 1y4 ").unwrap().as_str(), "H2X 1Y4");
        assert!(Postcode::parse("35000").is_ok());
        for bad in ["3", "35000<script>", "12345678901"] {
            assert!(Postcode::parse(bad).is_err(), "{bad}");
        }
        assert!(Phone::parse("+33 2 99 00 00 00").is_ok());
        assert!(Phone::parse("02.99.00.00.00").is_ok());
        for bad in ["12345", "+33 2 99 x", "33+2990000"] {
            assert!(Phone::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            PlaceKind::parse("respite_care").unwrap(),
            PlaceKind::RespiteCare
        );
        use AssociationStatus::{Pending, Verified};
        let table = [
            // editor, admin of the place's association, its status, may write
            (true, false, None, true),
            (true, false, Some(Pending), true),
            (false, true, Some(Verified), true),
            (false, true, Some(Pending), false),
            (false, false, Some(Verified), false),
            (false, false, None, false),
        ];
        for (editor, admin, status, expected) in table {
            assert_eq!(
                can_write_place(editor, admin, status).is_ok(),
                expected,
                "{editor} {admin} {status:?}"
            );
        }
    }
}
