use actix_web::{HttpResponse, delete, put, web};
use chrono::Utc;
use entraide_domain::ids::MemberId;
use entraide_domain::rights::{Authority, Right, can_withdraw};
use entraide_openapi::problem as p;
use entraide_persistence::admin_audit::{self, AdminAction};
use entraide_persistence::{members, researchers};
use uuid::Uuid;

use crate::access::rights;
use crate::db;
use crate::error::ApiError;
use crate::extractors::AuthMember;
use crate::state::AppState;

/// Grant the researcher right
///
/// The researcher right lets a member create studies and read their pseudonymous answers.
/// Platform admins only, never to oneself (403 `self_grant`); 403 `forbidden` for anyone else.
/// Granting it again changes nothing.
#[utoipa::path(
    tag = "members",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The member's id")),
    responses(
        (status = 204, description = "Granted"),
        p::ActionErrors,
    )
)]
#[put("/members/{id}/researcher")]
pub async fn grant_researcher(
    state: web::Data<AppState>,
    actor: AuthMember,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let target = MemberId::from_uuid(path.into_inner());
    db::write(&state, move |conn| {
        members::find_profile(conn, target)?.ok_or(ApiError::NotFound)?;
        rights::require_confer(conn, actor, Some(target), Right::Researcher, None)?;
        let now = Utc::now();
        researchers::grant(conn, target, Some(actor.id), now)?;
        let action = AdminAction::ResearcherGranted;
        Ok(admin_audit::record(
            conn, actor.id, action, target, "", now,
        )?)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Withdraw the researcher right
///
/// Platform admins only (403 `forbidden` for anyone else, the researcher included); 404 when
/// the member does not hold the right.
#[utoipa::path(
    tag = "members",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The member's id")),
    responses(
        (status = 204, description = "Withdrawn"),
        p::ActionErrors,
    )
)]
#[delete("/members/{id}/researcher")]
pub async fn revoke_researcher(
    state: web::Data<AppState>,
    actor: AuthMember,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let target = MemberId::from_uuid(path.into_inner());
    db::write(&state, move |conn| {
        can_withdraw(actor.role, Authority::Platform)?;
        if !researchers::revoke(conn, target)? {
            return Err(ApiError::NotFound);
        }
        let action = AdminAction::ResearcherRevoked;
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
