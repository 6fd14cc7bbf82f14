//! The local resources directory.

pub mod create;
pub mod get;
pub mod list;

use entraide_domain::association::can_administer;
use entraide_domain::ids::{AssociationId, MemberId};
use entraide_domain::place::{Place, PlaceKind, can_write_place};
use entraide_openapi::places as wire;
use entraide_openapi::problem::ProblemCode;
use entraide_persistence::{DbConnection, associations, places};

use crate::convert::groups::audience_to_wire;
use crate::error::ApiError;

/// 403 `not_an_editor` unless the actor is an editor, or an admin of `association` once it is
/// verified.
pub(crate) fn require_writer(
    conn: &mut DbConnection,
    actor: MemberId,
    association: Option<AssociationId>,
) -> Result<(), ApiError> {
    let is_editor = places::is_editor(conn, actor)?;
    let (admin, status) = match association {
        Some(association) => (
            can_administer(associations::membership(conn, association, actor)?),
            associations::find(conn, association)?.map(|a| a.status),
        ),
        None => (false, None),
    };
    if can_write_place(is_editor, admin, status) {
        Ok(())
    } else {
        Err(ApiError::Refused {
            code: ProblemCode::NotAnEditor,
        })
    }
}

pub(crate) fn kind_from_wire(kind: wire::PlaceKind) -> PlaceKind {
    match kind {
        wire::PlaceKind::SupportGroup => PlaceKind::SupportGroup,
        wire::PlaceKind::HospitalDepartment => PlaceKind::HospitalDepartment,
        wire::PlaceKind::TherapeuticEducation => PlaceKind::TherapeuticEducation,
        wire::PlaceKind::AssociationOffice => PlaceKind::AssociationOffice,
        wire::PlaceKind::SocialService => PlaceKind::SocialService,
        wire::PlaceKind::RespiteCare => PlaceKind::RespiteCare,
    }
}

fn kind_to_wire(kind: PlaceKind) -> wire::PlaceKind {
    match kind {
        PlaceKind::SupportGroup => wire::PlaceKind::SupportGroup,
        PlaceKind::HospitalDepartment => wire::PlaceKind::HospitalDepartment,
        PlaceKind::TherapeuticEducation => wire::PlaceKind::TherapeuticEducation,
        PlaceKind::AssociationOffice => wire::PlaceKind::AssociationOffice,
        PlaceKind::SocialService => wire::PlaceKind::SocialService,
        PlaceKind::RespiteCare => wire::PlaceKind::RespiteCare,
    }
}

pub(crate) fn to_wire(place: Place, distance_km: Option<f64>) -> wire::Place {
    let Place {
        id,
        name,
        kind,
        description,
        address,
        city,
        postcode,
        point,
        phone,
        website,
        opening_hours,
        audience,
        condition_ids,
        association_id,
        created_by: _,
        verified_by,
        verified_at,
        created_at,
        updated_at,
    } = place;
    wire::Place {
        id: id.as_uuid(),
        name: name.as_str().to_owned(),
        kind: kind_to_wire(kind),
        description: description.as_str().to_owned(),
        address: address.as_str().to_owned(),
        city: city.as_str().to_owned(),
        postcode: postcode.map(|p| p.as_str().to_owned()),
        lat: point.lat(),
        lon: point.lon(),
        phone: phone.map(|p| p.as_str().to_owned()),
        website: website.map(|w| w.as_str().to_owned()),
        opening_hours: opening_hours.map(|o| o.as_str().to_owned()),
        audience: audience_to_wire(audience),
        condition_ids: condition_ids.iter().map(|c| c.as_uuid()).collect(),
        association_id: association_id.map(|a| a.as_uuid()),
        verified_by: verified_by.map(|m| m.as_uuid()),
        verified_at,
        distance_km: distance_km.map(|d| (d * 100.0).round() / 100.0),
        created_at,
        updated_at,
    }
}
