use actix_web::{get, web};
use entraide_domain::ids::PlaceId;
use entraide_openapi::places::Place;
use entraide_openapi::problem as p;
use entraide_persistence::places;
use uuid::Uuid;

use crate::convert::places::to_wire;
use crate::db;
use crate::error::ApiError;
use crate::extractors::MaybeMember;
use crate::state::AppState;

/// Get a place
///
/// One place of the directory (public).
#[utoipa::path(
    tag = "places",
    security((), ("bearer" = [])),
    params(("id" = Uuid, Path, description = "The place's id")),
    responses(
        (status = 200, description = "The place", body = Place),
        p::ReadErrors,
    )
)]
#[get("/places/{id}")]
pub async fn get_place(
    state: web::Data<AppState>,
    _reader: MaybeMember,
    path: web::Path<Uuid>,
) -> Result<web::Json<Place>, ApiError> {
    let id = PlaceId::from_uuid(path.into_inner());
    let place = db::read(&state, move |conn| {
        places::find(conn, id)?.ok_or(ApiError::NotFound)
    })
    .await?;
    Ok(web::Json(to_wire(place, None)))
}
