use actix_web::{get, web};
use entraide_domain::ids::AssociationId;
use entraide_openapi::associations::Association;
use entraide_openapi::problem as p;
use entraide_persistence::associations;
use uuid::Uuid;

use crate::access::associations::load;
use crate::convert::associations as convert;
use crate::db;
use crate::error::ApiError;
use crate::extractors::MaybeMember;
use crate::state::AppState;

/// Get an association
///
/// An association's page; logged in, with your membership and whether you follow it.
#[utoipa::path(
    tag = "associations",
    security((), ("bearer" = [])),
    params(("id" = Uuid, Path, description = "The association's id")),
    responses(
        (status = 200, description = "The association", body = Association),
        p::ReadErrors,
    )
)]
#[get("/associations/{id}")]
pub async fn get_association(
    state: web::Data<AppState>,
    reader: MaybeMember,
    path: web::Path<Uuid>,
) -> Result<web::Json<Association>, ApiError> {
    let id = AssociationId::from_uuid(path.into_inner());
    let me = reader.0.map(|m| m.id);
    let (association, standing) = db::read(&state, move |conn| {
        let (association, membership) = load(conn, id, me)?;
        let standing = match me {
            Some(me) => Some((membership, associations::is_following(conn, id, me)?)),
            None => None,
        };
        Ok((association, standing))
    })
    .await?;
    Ok(web::Json(convert::association(association, standing)))
}
