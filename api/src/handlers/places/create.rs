use actix_web::{HttpResponse, post, web};
use chrono::Utc;
use entraide_domain::error::Errors;
use entraide_domain::geo::Point;
use entraide_domain::group::Audience;
use entraide_domain::ids::AssociationId;
use entraide_domain::place::{Phone, PlaceFields, Postcode};
use entraide_domain::text::{Description, Label, Title, WebUrl};
use entraide_openapi::places::{CreatePlaceRequest, Place};
use entraide_openapi::problem as p;
use entraide_persistence::places;

use crate::access::places::require_writer;
use crate::convert::groups::audience_from_wire;
use crate::convert::places::{kind_from_wire, to_wire};
use crate::db;
use crate::error::ApiError;
use crate::extractors::AuthMember;
use crate::json::Json;
use crate::parse::{condition_ids, unknown_condition};
use crate::state::AppState;

/// Add a place
///
/// Add a place (editors; association admins for their association's places: 403
/// `not_an_editor` otherwise). You vouch for it: `verified_by` and `verified_at` record it.
#[utoipa::path(
    tag = "places",
    security(("bearer" = [])),
    request_body = CreatePlaceRequest,
    responses(
        (status = 201, description = "Added", body = Place,
            headers(("Location" = String, description = "The place's URL"))),
        p::BodyErrors, p::Forbidden,
    )
)]
#[post("/places")]
pub async fn create_place(
    state: web::Data<AppState>,
    member: AuthMember,
    body: Json<CreatePlaceRequest>,
) -> Result<HttpResponse, ApiError> {
    let CreatePlaceRequest {
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
        association_id,
    } = body.into_inner();
    let mut errors = Errors::new();
    let name = errors.check("name", Title::parse(&name));
    let description = errors.check(
        "description",
        Description::parse(description.as_deref().unwrap_or_default()),
    );
    let address = errors.check("address", Label::parse(&address));
    let city = errors.check("city", Label::parse(&city));
    let postcode = postcode.and_then(|p| errors.check("postcode", Postcode::parse(&p)).map(Some));
    let point = errors.keep(Point::parse(lat, lon));
    let phone = phone.and_then(|p| errors.check("phone", Phone::parse(&p)).map(Some));
    let website = website.and_then(|w| errors.check("website", WebUrl::parse(&w)).map(Some));
    let opening_hours =
        opening_hours.and_then(|o| errors.check("opening_hours", Label::parse(&o)).map(Some));
    let condition_ids = condition_ids(&mut errors, "condition_ids", conditions);
    errors.finish()?;
    let (Some(name), Some(description), Some(address), Some(city), Some(point)) =
        (name, description, address, city, point)
    else {
        return Err(ApiError::internal("parsed fields missing without errors"));
    };
    let fields = PlaceFields {
        name,
        kind: kind_from_wire(kind),
        description,
        address,
        city,
        postcode: postcode.flatten(),
        point,
        phone: phone.flatten(),
        website: website.flatten(),
        opening_hours: opening_hours.flatten(),
        audience: audience.map_or(Audience::Everyone, audience_from_wire),
        condition_ids,
        association_id: association_id.map(AssociationId::from_uuid),
    };
    let place = db::write(&state, move |conn| {
        require_writer(conn, member.id, fields.association_id)?;
        places::insert(conn, &fields, member.id, Utc::now())
            .map_err(unknown_condition("condition_ids"))
    })
    .await?;
    let location = format!("/api/v1/places/{}", place.id);
    Ok(HttpResponse::Created()
        .insert_header((actix_web::http::header::LOCATION, location))
        .json(to_wire(place, None)))
}
