use actix_web::{post, web};
use chrono::Utc;
use entraide_domain::ids::MemberId;
use entraide_domain::rights::can_approve_kind_change;
use entraide_openapi::members::ApprovedKindChange;
use entraide_openapi::problem as p;
use entraide_persistence::admin_audit::{self, AdminAction};
use entraide_persistence::kind_changes;
use uuid::Uuid;

use crate::convert;
use crate::db;
use crate::error::ApiError;
use crate::extractors::AuthMember;
use crate::state::AppState;

/// Approve a kind change
///
/// Approve a member's waiting kind change: it takes effect now instead of at the end of its
/// 7-day cool-down (the member leaves the reserved spaces their new kind may not enter).
/// Platform moderators and admins only (403 `forbidden`), never for themselves (403
/// `self_grant`); 404 when the member has no waiting change. The change is logged with who
/// approved it.
#[utoipa::path(
    tag = "members",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The member's id")),
    responses(
        (status = 200, description = "The change, now in effect", body = ApprovedKindChange),
        p::ActionErrors,
    )
)]
#[post("/members/{id}/kind-change/approve")]
pub async fn approve_kind_change(
    state: web::Data<AppState>,
    actor: AuthMember,
    path: web::Path<Uuid>,
) -> Result<web::Json<ApprovedKindChange>, ApiError> {
    let member = MemberId::from_uuid(path.into_inner());
    can_approve_kind_change(actor.id, actor.role, member).map_err(ApiError::from)?;
    let now = Utc::now();
    let (change, kind) = db::write(&state, move |conn| {
        let change = kind_changes::pending(conn, member)?.ok_or(ApiError::NotFound)?;
        let kind =
            kind_changes::apply(conn, member, now, Some(actor.id))?.ok_or(ApiError::NotFound)?;
        let detail = format!("{} -> {}", change.from.as_str(), kind.as_str());
        let action = AdminAction::KindChangeApproved;
        admin_audit::record(conn, actor.id, action, member, &detail, now)?;
        Ok((change, kind))
    })
    .await?;
    state.sessions.forget(member);
    state.announcements.forget(member);
    Ok(web::Json(ApprovedKindChange {
        member_id: member.as_uuid(),
        from: convert::kind_to_wire(change.from),
        kind: convert::kind_to_wire(kind),
        effective_at: now.min(change.effective_at),
        approved_by: actor.id.as_uuid(),
    }))
}
