use actix_web::{HttpResponse, delete, put, web};
use chrono::Utc;
use entraide_domain::ids::{AssociationId, MemberId};
use entraide_domain::rights::{Right, can_withdraw};
use entraide_openapi::places::{EditorGrant, GrantEditorRequest};
use entraide_openapi::problem as p;
use entraide_persistence::admin_audit::{self, AdminAction};
use entraide_persistence::{members, places};
use uuid::Uuid;

use crate::access::rights;
use crate::db;
use crate::error::ApiError;
use crate::extractors::AuthMember;
use crate::json::Json;
use crate::state::AppState;

/// Grant the editor right
///
/// Grant the editor right (write resources and places): platform admins for anyone, admins of a
/// verified association for an active member of it (`association_id`). Never to oneself (403
/// `self_grant`); a pending association confers nothing (403 `association_not_verified`); the
/// member must be an active member of the association (403 `not_association_member`); 403
/// `forbidden` for anyone else. A grant from an association applies only while it is verified.
#[utoipa::path(
    tag = "members",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The member's id")),
    request_body = GrantEditorRequest,
    responses(
        (status = 200, description = "Granted", body = EditorGrant),
        p::WriteErrors,
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
        rights::require_confer(conn, actor, Some(target), Right::Editor, association)?;
        let now = Utc::now();
        places::grant_editor(conn, target, association, actor.id, now)?;
        let detail = match association {
            Some(association) => format!("for association {association}"),
            None => "platform".to_owned(),
        };
        Ok(admin_audit::record(
            conn,
            actor.id,
            AdminAction::EditorGranted,
            target,
            &detail,
            now,
        )?)
    })
    .await?;
    Ok(web::Json(EditorGrant {
        member_id: target.as_uuid(),
        association_id: association.map(|a| a.as_uuid()),
    }))
}

/// Withdraw the editor right
///
/// Withdraw the editor right: platform admins, or admins of the association that granted it.
#[utoipa::path(
    tag = "members",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The member's id")),
    responses(
        (status = 204, description = "Withdrawn"),
        p::ActionErrors,
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
        let authority = rights::authority(conn, grant, actor.id, None)?;
        can_withdraw(actor.role, authority)?;
        places::revoke_editor(conn, target)?;
        let action = AdminAction::EditorRevoked;
        Ok(admin_audit::record(
            conn,
            actor.id,
            action,
            target,
            "",
            Utc::now(),
        )?)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
