use actix_web::{post, web};
use chrono::Utc;
use entraide_domain::association::can_verify;
use entraide_domain::ids::AssociationId;
use entraide_openapi::associations::Association;
use entraide_openapi::problem as p;
use entraide_persistence::associations;
use uuid::Uuid;

use crate::convert::associations as convert;
use crate::db;
use crate::error::ApiError;
use crate::extractors::AuthMember;
use crate::state::AppState;

/// Verify an association
///
/// Verify an association (platform admins; 403 otherwise). Verifying again changes nothing.
#[utoipa::path(
    tag = "associations",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The association's id")),
    responses(
        (status = 200, description = "The association, verified", body = Association),
        p::ActionErrors,
    )
)]
#[post("/associations/{id}/verify")]
pub async fn verify_association(
    state: web::Data<AppState>,
    member: AuthMember,
    path: web::Path<Uuid>,
) -> Result<web::Json<Association>, ApiError> {
    can_verify(member.role)?;
    let id = AssociationId::from_uuid(path.into_inner());
    let association = db::write(&state, move |conn| {
        associations::find(conn, id)?.ok_or(ApiError::NotFound)?;
        Ok(associations::verify(conn, id, member.id, Utc::now())?)
    })
    .await?;
    Ok(web::Json(convert::association(association, None)))
}
