use actix_web::{HttpResponse, delete, web};
use chrono::Utc;
use entraide_domain::ids::MemberId;
use entraide_domain::rights::{Authority, can_withdraw};
use entraide_openapi::problem as p;
use entraide_persistence::admin_audit::{self, AdminAction};
use entraide_persistence::verification;
use uuid::Uuid;

use crate::db;
use crate::error::ApiError;
use crate::extractors::AuthMember;
use crate::state::AppState;

/// Withdraw a verified badge
///
/// A professional struck off their register, a patient expert's training found not to exist:
/// platform admins withdraw the badge (403 `forbidden` for anyone else, association admins
/// included — they vouch, the platform withdraws). 404 when the member holds no badge. The
/// member may ask again. Logged in the administration audit log.
#[utoipa::path(
    tag = "moderation",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The member's id")),
    responses(
        (status = 204, description = "Withdrawn"),
        p::ActionErrors,
    )
)]
#[delete("/members/{id}/badge")]
pub async fn revoke_badge(
    state: web::Data<AppState>,
    actor: AuthMember,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let target = MemberId::from_uuid(path.into_inner());
    db::write(&state, move |conn| {
        can_withdraw(actor.role, Authority::Platform)?;
        let badge = verification::revoke(conn, target)?.ok_or(ApiError::NotFound)?;
        let now = Utc::now();
        let action = AdminAction::BadgeRevoked;
        Ok(admin_audit::record(
            conn,
            actor.id,
            action,
            target,
            badge.as_str(),
            now,
        )?)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
