use actix_web::{patch, web};
use chrono::Utc;
use entraide_domain::association::AssociationChanges;
use entraide_domain::error::Errors;
use entraide_domain::ids::AssociationId;
use entraide_domain::member::Email;
use entraide_domain::text::{Description, Label, Title, WebUrl};
use entraide_openapi::associations::{Association, UpdateAssociationRequest};
use entraide_openapi::problem as p;
use entraide_persistence::associations;
use uuid::Uuid;

use crate::access::associations::require_admin;
use crate::convert::associations as convert;
use crate::db;
use crate::error::ApiError;
use crate::extractors::AuthMember;
use crate::json::Json;
use crate::parse::{condition_ids, unknown_condition};
use crate::state::AppState;

/// Update an association
///
/// Change an association (its admins; 403 `not_association_admin` otherwise).
#[utoipa::path(
    tag = "associations",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The association's id")),
    request_body = UpdateAssociationRequest,
    responses(
        (status = 200, description = "The association as changed", body = Association),
        p::WriteErrors, p::Conflict,
    )
)]
#[patch("/associations/{id}")]
pub async fn update_association(
    state: web::Data<AppState>,
    member: AuthMember,
    path: web::Path<Uuid>,
    body: Json<UpdateAssociationRequest>,
) -> Result<web::Json<Association>, ApiError> {
    let id = AssociationId::from_uuid(path.into_inner());
    let UpdateAssociationRequest {
        name,
        description,
        website,
        region,
        contact_email,
        condition_ids: conditions,
        open_membership,
        sponsor,
    } = body.into_inner();
    let mut errors = Errors::new();
    let changes = AssociationChanges {
        name: name.and_then(|n| errors.check("name", Title::parse(&n))),
        description: description.and_then(|d| errors.check("description", Description::parse(&d))),
        website: errors.check_patch("website", website, WebUrl::parse),
        region: errors.check_patch("region", region, Label::parse),
        contact_email: errors.check_patch("contact_email", contact_email, Email::parse),
        condition_ids: conditions.map(|c| condition_ids(&mut errors, "condition_ids", c)),
        open_membership,
        sponsor: crate::convert::sponsors::parse_change(&mut errors, sponsor),
    };
    errors.finish()?;
    let (association, membership, following) = db::write(&state, move |conn| {
        let (_, membership) = require_admin(conn, id, member.id)?;
        let association = associations::update(conn, id, &changes, Utc::now())
            .map_err(unknown_condition("condition_ids"))?;
        let following = associations::is_following(conn, id, member.id)?;
        Ok((association, membership, following))
    })
    .await?;
    Ok(web::Json(convert::association(
        association,
        Some((Some(membership), following)),
    )))
}
