use actix_web::{HttpResponse, post, web};
use chrono::Utc;
use entraide_domain::association::vouches_for_groups;
use entraide_domain::group::{
    GroupRole, JoinOutcome, Membership, MembershipStatus, can_leave, join,
};
use entraide_domain::ids::GroupId;
use entraide_openapi::groups::JoinResult;
use entraide_openapi::problem as p;
use entraide_persistence::{associations, groups};
use uuid::Uuid;

use crate::access::groups::load;
use crate::convert::groups as convert;
use crate::db;
use crate::error::ApiError;
use crate::extractors::AuthMember;
use crate::notices;
use crate::state::AppState;

/// Join a group
///
/// Join a group: a public group at once, a private one by request (or at once when invited, or
/// when an admin of the verified association that owns it approved you as a member).
/// Asking again changes nothing. A space reserved to another kind of member answers 403
/// `audience_restricted`; a ban, 403 `banned`.
#[utoipa::path(
    tag = "groups",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The group's id")),
    responses(
        (status = 200, description = "`active` (joined) or `pending` (request sent)", body = JoinResult),
        p::ActionErrors,
    )
)]
#[post("/groups/{id}/join")]
pub async fn join_group(
    state: web::Data<AppState>,
    member: AuthMember,
    path: web::Path<Uuid>,
) -> Result<web::Json<JoinResult>, ApiError> {
    let id = GroupId::from_uuid(path.into_inner());
    let (status, woken) = db::write(&state, move |conn| {
        let (group, membership) = load(conn, id, Some(member.id))?;
        let vouched = match group.association_id {
            Some(association) => match associations::find(conn, association)? {
                Some(found) => vouches_for_groups(
                    found.status,
                    associations::membership(conn, association, member.id)?,
                    associations::vouched(conn, association, member.id)?,
                ),
                None => false,
            },
            None => false,
        };
        let outcome = join(
            group.visibility,
            group.audience,
            member.kind,
            membership,
            vouched,
        )?;
        let status = match outcome {
            JoinOutcome::Unchanged(status) => return Ok((status, Vec::new())),
            JoinOutcome::Joined => MembershipStatus::Active,
            JoinOutcome::Requested => MembershipStatus::Pending,
        };
        let role = membership.map_or(GroupRole::Member, |m| m.role);
        groups::set_membership(conn, id, member.id, Membership { role, status }, Utc::now())?;
        let woken = if status == MembershipStatus::Pending {
            notices::join_requested(conn, id, member.id, Utc::now())?
        } else {
            Vec::new()
        };
        Ok((status, woken))
    })
    .await?;
    state.hub.wake(&woken);
    Ok(web::Json(JoinResult {
        status: convert::status_to_wire(status),
    }))
}

/// Leave a group
///
/// Leave a group, withdraw a join request or decline an invitation. The last owner must hand
/// over first (409 `last_owner`). A ban stays.
#[utoipa::path(
    tag = "groups",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The group's id")),
    responses(
        (status = 204, description = "Left"),
        p::ReadErrors, p::Conflict,
    )
)]
#[post("/groups/{id}/leave")]
pub async fn leave_group(
    state: web::Data<AppState>,
    member: AuthMember,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = GroupId::from_uuid(path.into_inner());
    db::write(&state, move |conn| {
        let (_, membership) = load(conn, id, Some(member.id))?;
        let membership = membership
            .filter(|m| m.status != MembershipStatus::Banned)
            .ok_or(ApiError::NotFound)?;
        can_leave(membership, groups::owner_count(conn, id)?)?;
        Ok(groups::delete_membership(conn, id, member.id)?)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
