//! Places between the domain and the wire.

use entraide_domain::place::{Place, PlaceKind};
use entraide_openapi::places as wire;

use crate::convert::groups::audience_to_wire;

enum_conversions!(
    kind_to_wire,
    kind_from_wire,
    PlaceKind,
    wire::PlaceKind,
    [
        SupportGroup,
        HospitalDepartment,
        TherapeuticEducation,
        AssociationOffice,
        SocialService,
        RespiteCare
    ]
);

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
