use actix_web::{HttpResponse, delete, post, web};
use chrono::Utc;
use entraide_domain::group::{GroupRole, Membership, MembershipStatus, can_moderate, can_remove};
use entraide_domain::ids::{GroupId, MemberId};
use entraide_openapi::groups::MemberReference;
use entraide_openapi::problem as p;
use entraide_persistence::{groups, members};
use uuid::Uuid;

use crate::access::groups::load;
use crate::db;
use crate::error::ApiError;
use crate::extractors::AuthMember;
use crate::json::Json;
use crate::state::AppState;

/// Ban a member from a group
///
/// Ban a member (owners and moderators; moderators only plain members): they lose access to the
/// group's content at once and cannot join again until unbanned.
#[utoipa::path(
    tag = "groups",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The group's id")),
    request_body = MemberReference,
    responses(
        (status = 204, description = "Banned"),
        p::WriteErrors,
    )
)]
#[post("/groups/{id}/bans")]
pub async fn ban_from_group(
    state: web::Data<AppState>,
    actor: AuthMember,
    path: web::Path<Uuid>,
    body: Json<MemberReference>,
) -> Result<HttpResponse, ApiError> {
    let id = GroupId::from_uuid(path.into_inner());
    let target = MemberId::from_uuid(body.into_inner().member_id);
    db::write(&state, move |conn| {
        let (_, actor_membership) = load(conn, id, Some(actor.id))?;
        if members::find_profile(conn, target)?.is_none() {
            return Err(ApiError::field(
                "member_id",
                "unknown_member",
                "no such member",
            ));
        }
        // Someone with no standing yet is banned as a plain member would be.
        let target_membership = groups::membership(conn, id, target)?.unwrap_or(Membership {
            role: GroupRole::Member,
            status: MembershipStatus::Pending,
        });
        can_remove(actor.id, actor_membership, target, target_membership)?;
        let banned = Membership {
            role: GroupRole::Member,
            status: MembershipStatus::Banned,
        };
        Ok(groups::set_membership(
            conn,
            id,
            target,
            banned,
            Utc::now(),
        )?)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Lift a ban
///
/// Lift a ban (owners and moderators). The member may then ask to join again.
#[utoipa::path(
    tag = "groups",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "The group's id"),
        ("member_id" = Uuid, Path, description = "The banned member"),
    ),
    responses(
        (status = 204, description = "Ban lifted"),
        p::ActionErrors,
    )
)]
#[delete("/groups/{id}/bans/{member_id}")]
pub async fn unban_from_group(
    state: web::Data<AppState>,
    actor: AuthMember,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (id, target) = path.into_inner();
    let (id, target) = (GroupId::from_uuid(id), MemberId::from_uuid(target));
    db::write(&state, move |conn| {
        let (_, membership) = load(conn, id, Some(actor.id))?;
        can_moderate(membership)?;
        groups::membership(conn, id, target)?
            .filter(|m| m.status == MembershipStatus::Banned)
            .ok_or(ApiError::NotFound)?;
        Ok(groups::delete_membership(conn, id, target)?)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
