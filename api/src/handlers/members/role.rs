use actix_web::{put, web};
use chrono::Utc;
use entraide_domain::ids::MemberId;
use entraide_domain::rights::{Authority, Right, can_confer};
use entraide_openapi::members::{MemberRole, RoleChange};
use entraide_openapi::problem as p;
use entraide_persistence::admin_audit::{self, AdminAction};
use entraide_persistence::members;
use uuid::Uuid;

use crate::convert;
use crate::db;
use crate::error::ApiError;
use crate::extractors::AuthMember;
use crate::json::Json;
use crate::state::AppState;

/// Set a member's platform role
///
/// Give a member a platform role: `member`, `moderator` or `admin` (platform admins only: 403
/// `forbidden`; not to oneself: 403 `self_grant`, so an admin cannot lock the platform out by
/// mistake).
#[utoipa::path(
    tag = "members",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The member's id")),
    request_body = RoleChange,
    responses(
        (status = 200, description = "The member's new role", body = MemberRole),
        p::WriteErrors,
    )
)]
#[put("/members/{id}/role")]
pub async fn set_member_role(
    state: web::Data<AppState>,
    actor: AuthMember,
    path: web::Path<Uuid>,
    body: Json<RoleChange>,
) -> Result<web::Json<MemberRole>, ApiError> {
    let target = MemberId::from_uuid(path.into_inner());
    let RoleChange { role } = body.into_inner();
    let role = convert::role_from_wire(role);
    can_confer(
        actor.id,
        actor.role,
        Some(target),
        Right::PlatformRole(role),
        Authority::Platform,
    )
    .map_err(ApiError::from)?;
    db::write(&state, move |conn| {
        let now = Utc::now();
        let before = members::find_profile(conn, target)?
            .ok_or(ApiError::NotFound)?
            .role;
        members::set_role(conn, target, role, now)?;
        let detail = format!("{} -> {}", before.as_str(), role.as_str());
        Ok(admin_audit::record(
            conn,
            actor.id,
            AdminAction::RoleChanged,
            target,
            &detail,
            now,
        )?)
    })
    .await?;
    state.sessions.forget(target);
    Ok(web::Json(MemberRole {
        id: target.as_uuid(),
        role: convert::role_to_wire(role),
    }))
}
