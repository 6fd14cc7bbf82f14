use actix_web::{HttpResponse, delete, get, put, web};
use chrono::Utc;
use entraide_domain::group::{
    GroupRole, Membership, MembershipStatus, can_change_role, can_leave, can_remove,
    member_list_view,
};
use entraide_domain::ids::{GroupId, MemberId};
use entraide_openapi::groups::{GroupMember, GroupRoleChange};
use entraide_openapi::pagination::{Page, PageQuery};
use entraide_openapi::problem as p;
use entraide_openapi::problem::ProblemCode;
use entraide_persistence::groups;
use uuid::Uuid;

use crate::access::groups::load;
use crate::convert::groups as convert;
use crate::db;
use crate::error::ApiError;
use crate::extractors::{AuthMember, MaybeMember};
use crate::json::Json;
use crate::pagination::{MemberCursor, PageRequest};
use crate::state::AppState;

/// List a group's members
///
/// A group's active members, oldest first — for its active members only (belonging to a
/// disease group is health data): 403 `not_readable` when you may not read the group, 403
/// `not_a_member` when you may but have not joined. Owners and moderators see every member;
/// other members see those who chose to be listed (`listed_in_member_lists` in
/// `PATCH /members/me/settings`, off by default) and themselves.
#[utoipa::path(
    tag = "groups",
    security((), ("bearer" = [])),
    params(("id" = Uuid, Path, description = "The group's id"), PageQuery),
    responses(
        (status = 200, description = "A page of members", body = Page<GroupMember>),
        p::ListErrors, p::NotFound, p::Forbidden,
    )
)]
#[get("/groups/{id}/members")]
pub async fn list_group_members(
    state: web::Data<AppState>,
    reader: MaybeMember,
    path: web::Path<Uuid>,
    paging: web::Query<PageQuery>,
) -> Result<web::Json<Page<GroupMember>>, ApiError> {
    let id = GroupId::from_uuid(path.into_inner());
    let page = PageRequest::<MemberCursor>::parse(&paging)?;
    let after = page.after.as_ref().map(MemberCursor::key);
    let fetch = page.fetch();
    let who = reader.reader();
    let items = db::read(&state, move |conn| {
        let (group, membership) = load(conn, id, who.member_id())?;
        let view = member_list_view(group.visibility, group.audience, who, membership)?;
        // The policy admits members only: an anonymous visitor never gets here.
        let me = who.member_id().ok_or(ApiError::Refused {
            code: ProblemCode::NotAMember,
        })?;
        Ok(groups::list_members(
            conn,
            id,
            MembershipStatus::Active,
            view,
            me,
            after.as_ref(),
            fetch,
        )?)
    })
    .await?;
    page.page(items, MemberCursor::of, convert::member)
        .map(web::Json)
}

/// Remove a group member
///
/// Remove a member from a group (owners and moderators; moderators only plain members). They
/// may ask to join again; to keep them out, ban them.
#[utoipa::path(
    tag = "groups",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "The group's id"),
        ("member_id" = Uuid, Path, description = "The member to remove"),
    ),
    responses(
        (status = 204, description = "Removed"),
        p::ActionErrors,
    )
)]
#[delete("/groups/{id}/members/{member_id}")]
pub async fn remove_group_member(
    state: web::Data<AppState>,
    actor: AuthMember,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (id, target) = path.into_inner();
    let (id, target) = (GroupId::from_uuid(id), MemberId::from_uuid(target));
    db::write(&state, move |conn| {
        let (_, actor_membership) = load(conn, id, Some(actor.id))?;
        let target_membership = groups::membership(conn, id, target)?
            .filter(|m| m.status == MembershipStatus::Active)
            .ok_or(ApiError::NotFound)?;
        can_remove(actor.id, actor_membership, target, target_membership)?;
        Ok(groups::delete_membership(conn, id, target)?)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Set a group member's role
///
/// Give an active member a role (owners only). Giving `owner` hands over ownership; an owner
/// may step down to `moderator` or `member` if another owner remains (409 `last_owner`).
#[utoipa::path(
    tag = "groups",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "The group's id"),
        ("member_id" = Uuid, Path, description = "The member"),
    ),
    request_body = GroupRoleChange,
    responses(
        (status = 204, description = "Role changed"),
        p::WriteErrors, p::Conflict,
    )
)]
#[put("/groups/{id}/members/{member_id}/role")]
pub async fn set_group_member_role(
    state: web::Data<AppState>,
    actor: AuthMember,
    path: web::Path<(Uuid, Uuid)>,
    body: Json<GroupRoleChange>,
) -> Result<HttpResponse, ApiError> {
    let (id, target) = path.into_inner();
    let (id, target) = (GroupId::from_uuid(id), MemberId::from_uuid(target));
    let role = convert::role_from_wire(body.into_inner().role);
    db::write(&state, move |conn| {
        let (_, actor_membership) = load(conn, id, Some(actor.id))?;
        let target_membership = groups::membership(conn, id, target)?
            .filter(|m| m.status == MembershipStatus::Active)
            .ok_or(ApiError::NotFound)?;
        can_change_role(actor_membership, target_membership)?;
        let steps_down = target_membership.role == GroupRole::Owner && role != GroupRole::Owner;
        if steps_down {
            can_leave(target_membership, groups::owner_count(conn, id)?)?;
        }
        let membership = Membership {
            role,
            status: MembershipStatus::Active,
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
