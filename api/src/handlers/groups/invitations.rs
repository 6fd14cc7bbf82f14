use actix_web::{HttpResponse, post, web};
use chrono::Utc;
use entraide_domain::group::{GroupRole, Membership, MembershipStatus, can_moderate};
use entraide_domain::ids::{GroupId, MemberId};
use entraide_openapi::groups::MemberReference;
use entraide_openapi::problem as p;
use entraide_openapi::problem::ProblemCode;
use entraide_persistence::{groups, members};
use uuid::Uuid;

use crate::access::groups::load;
use crate::db;
use crate::error::ApiError;
use crate::extractors::AuthMember;
use crate::json::Json;
use crate::state::AppState;

/// Invite a member to a group
///
/// Invite a member (owners and moderators). They join when they call `POST /groups/{id}/join`.
/// Inviting someone who asked to join approves them. The member must fit the group's audience.
#[utoipa::path(
    tag = "groups",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The group's id")),
    request_body = MemberReference,
    responses(
        (status = 204, description = "Invited (or approved)"),
        p::WriteErrors, p::Conflict,
    )
)]
#[post("/groups/{id}/invitations")]
pub async fn invite_to_group(
    state: web::Data<AppState>,
    actor: AuthMember,
    path: web::Path<Uuid>,
    body: Json<MemberReference>,
) -> Result<HttpResponse, ApiError> {
    let id = GroupId::from_uuid(path.into_inner());
    let target = MemberId::from_uuid(body.into_inner().member_id);
    db::write(&state, move |conn| {
        let (group, membership) = load(conn, id, Some(actor.id))?;
        can_moderate(membership)?;
        let Some(profile) = members::find_profile(conn, target)? else {
            return Err(ApiError::field(
                "member_id",
                "unknown_member",
                "no such member",
            ));
        };
        if !group.audience.admits(profile.kind) {
            return Err(ApiError::field(
                "member_id",
                "not_in_audience",
                "this space is reserved to another kind of member",
            ));
        }
        let status = match groups::membership(conn, id, target)?.map(|m| m.status) {
            Some(MembershipStatus::Active) => {
                return Err(ApiError::Conflict {
                    code: ProblemCode::AlreadyMember,
                    field: Some("member_id".to_owned()),
                });
            }
            Some(MembershipStatus::Banned) => {
                return Err(ApiError::Conflict {
                    code: ProblemCode::MemberBanned,
                    field: Some("member_id".to_owned()),
                });
            }
            Some(MembershipStatus::Invited) => return Ok(()),
            Some(MembershipStatus::Pending) => MembershipStatus::Active,
            None => MembershipStatus::Invited,
        };
        let membership = Membership {
            role: GroupRole::Member,
            status,
        };
        Ok(groups::set_membership(
            conn,
            id,
            target,
            membership,
            Utc::now(),
        )?)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
