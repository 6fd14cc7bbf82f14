use actix_web::{patch, web};
use chrono::Utc;
use entraide_domain::error::Errors;
use entraide_domain::geo::Point;
use entraide_domain::ids::PlaceId;
use entraide_domain::place::{Phone, PlaceFields, Postcode};
use entraide_domain::text::{Description, Label, Title, WebUrl};
use entraide_openapi::places::{Place, UpdatePlaceRequest};
use entraide_openapi::problem as p;
use entraide_persistence::places;
use uuid::Uuid;

use crate::access::places::require_writer;
use crate::convert::groups::audience_from_wire;
use crate::convert::places::{kind_from_wire, to_wire};
use crate::db;
use crate::error::ApiError;
use crate::extractors::AuthMember;
use crate::json::Json;
use crate::parse::{condition_ids, unknown_condition};
use crate::state::AppState;

/// Update a place
///
/// Keep a place up to date (editors, and admins of the association it belongs to). Saving
/// vouches for it again.
#[utoipa::path(
    tag = "places",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The place's id")),
    request_body = UpdatePlaceRequest,
    responses(
        (status = 200, description = "The place as changed", body = Place),
        p::WriteErrors,
    )
)]
#[patch("/places/{id}")]
pub async fn update_place(
    state: web::Data<AppState>,
    member: AuthMember,
    path: web::Path<Uuid>,
    body: Json<UpdatePlaceRequest>,
) -> Result<web::Json<Place>, ApiError> {
    let id = PlaceId::from_uuid(path.into_inner());
    let UpdatePlaceRequest {
        name,
        kind,
        description,
        address,
        city,
        postcode,
        lat,
        lon,
        phone,
        website,
        opening_hours,
        audience,
        condition_ids: conditions,
    } = body.into_inner();
    let mut errors = Errors::new();
    let name = name.and_then(|n| errors.check("name", Title::parse(&n)));
    let description = description.and_then(|d| errors.check("description", Description::parse(&d)));
    let address = address.and_then(|a| errors.check("address", Label::parse(&a)));
    let city = city.and_then(|c| errors.check("city", Label::parse(&c)));
    let postcode = errors.check_patch("postcode", postcode, Postcode::parse);
    let phone = errors.check_patch("phone", phone, Phone::parse);
    let website = errors.check_patch("website", website, WebUrl::parse);
    let opening_hours = errors.check_patch("opening_hours", opening_hours, Label::parse);
    let conditions = conditions.map(|c| condition_ids(&mut errors, "condition_ids", c));
    let coordinates = match (lat, lon) {
        (None, None) => None,
        (Some(lat), Some(lon)) => errors.keep(Point::parse(lat, lon)),
        _ => {
            errors.push(entraide_domain::FieldError::new(
                "lat",
                "incomplete_coordinates",
                "give both lat and lon",
            ));
            None
        }
    };
    errors.finish()?;
    let place = db::write(&state, move |conn| {
        let current = places::find(conn, id)?.ok_or(ApiError::NotFound)?;
        require_writer(conn, member.id, current.association_id)?;
        let fields = PlaceFields {
            name: name.unwrap_or(current.name),
            kind: kind.map_or(current.kind, kind_from_wire),
            description: description.unwrap_or(current.description),
            address: address.unwrap_or(current.address),
            city: city.unwrap_or(current.city),
            postcode: postcode.unwrap_or(current.postcode),
            point: coordinates.unwrap_or(current.point),
            phone: phone.unwrap_or(current.phone),
            website: website.unwrap_or(current.website),
            opening_hours: opening_hours.unwrap_or(current.opening_hours),
            audience: audience.map_or(current.audience, audience_from_wire),
            condition_ids: conditions.unwrap_or(current.condition_ids),
            association_id: current.association_id,
        };
        places::update(conn, id, &fields, member.id, Utc::now())
            .map_err(unknown_condition("condition_ids"))
    })
    .await?;
    Ok(web::Json(to_wire(place, None)))
}
