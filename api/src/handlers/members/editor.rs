use actix_web::{HttpResponse, delete, put, web};
use chrono::Utc;
use entraide_domain::association::can_administer;
use entraide_domain::ids::{AssociationId, MemberId};
use entraide_domain::member::can_grant_editor;
use entraide_openapi::places::{EditorGrant, GrantEditorRequest};
use entraide_openapi::problem as p;
use entraide_persistence::{DbConnection, associations, members, places};
use uuid::Uuid;

use crate::db;
use crate::error::ApiError;
use crate::extractors::AuthMember;
use crate::json::Json;
use crate::state::AppState;

/// May `actor` grant or withdraw the right for `target`, on behalf of `association`?
fn may_grant(
    conn: &mut DbConnection,
    actor: AuthMember,
    target: MemberId,
    association: Option<AssociationId>,
) -> Result<bool, ApiError> {
    let (admin, member) = match association {
        Some(association) => (
            can_administer(associations::membership(conn, association, actor.id)?),
            associations::membership(conn, association, target)?.is_some_and(|m| m.is_active()),
        ),
        None => (false, false),
    };
    Ok(can_grant_editor(actor.role, admin, member))
}

/// Grant the editor right (write resources and places): platform admins for anyone, association
/// admins for an active member of their association (`association_id`). 403 otherwise.
#[utoipa::path(
    tag = "members",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The member's id")),
    request_body = GrantEditorRequest,
    responses(
        (status = 200, description = "Granted", body = EditorGrant),
        (status = 400, response = p::BadRequest),
        (status = 401, response = p::Unauthorized),
        (status = 403, response = p::Forbidden),
        (status = 404, response = p::NotFound),
        (status = 415, response = p::UnsupportedMediaType),
        (status = 422, response = p::UnprocessableEntity),
        (status = 500, response = p::InternalError),
        (status = 503, response = p::ServiceUnavailable),
    )
)]
#[put("/members/{id}/editor")]
pub async fn grant_editor(
    state: web::Data<AppState>,
    actor: AuthMember,
    path: web::Path<Uuid>,
    body: Json<GrantEditorRequest>,
) -> Result<web::Json<EditorGrant>, ApiError> {
    let target = MemberId::from_uuid(path.into_inner());
    let association = body
        .into_inner()
        .association_id
        .map(AssociationId::from_uuid);
    db::write(&state, move |conn| {
        members::find_profile(conn, target)?.ok_or(ApiError::NotFound)?;
        if !may_grant(conn, actor, target, association)? {
            return Err(ApiError::Forbidden);
        }
        places::grant_editor(conn, target, association, actor.id, Utc::now())?;
        Ok(())
    })
    .await?;
    Ok(web::Json(EditorGrant {
        member_id: target.as_uuid(),
        association_id: association.map(|a| a.as_uuid()),
    }))
}

/// Withdraw the editor right: platform admins, or admins of the association that granted it.
#[utoipa::path(
    tag = "members",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The member's id")),
    responses(
        (status = 204, description = "Withdrawn"),
        (status = 400, response = p::BadRequest),
        (status = 401, response = p::Unauthorized),
        (status = 403, response = p::Forbidden),
        (status = 404, response = p::NotFound),
        (status = 500, response = p::InternalError),
        (status = 503, response = p::ServiceUnavailable),
    )
)]
#[delete("/members/{id}/editor")]
pub async fn revoke_editor(
    state: web::Data<AppState>,
    actor: AuthMember,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let target = MemberId::from_uuid(path.into_inner());
    db::write(&state, move |conn| {
        let grant = places::editor_grant(conn, target)?.ok_or(ApiError::NotFound)?;
        let admin_of_grantor = match grant {
            Some(association) => {
                can_administer(associations::membership(conn, association, actor.id)?)
            }
            None => false,
        };
        if actor.role != entraide_domain::member::PlatformRole::Admin && !admin_of_grantor {
            return Err(ApiError::Forbidden);
        }
        places::revoke_editor(conn, target)?;
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
