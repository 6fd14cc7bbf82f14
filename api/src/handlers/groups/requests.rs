use actix_web::{HttpResponse, get, post, web};
use chrono::Utc;
use entraide_domain::group::{GroupRole, Membership, MembershipStatus, can_moderate};
use entraide_domain::ids::{GroupId, MemberId};
use entraide_domain::profile::MemberListView;
use entraide_openapi::groups::GroupMember;
use entraide_openapi::pagination::{Page, PageQuery};
use entraide_openapi::problem as p;
use entraide_openapi::problem::ProblemCode;
use entraide_persistence::groups;
use uuid::Uuid;

use crate::access::groups::load;
use crate::convert::groups as convert;
use crate::db;
use crate::error::ApiError;
use crate::extractors::AuthMember;
use crate::notices;
use crate::pagination::{MemberCursor, PageRequest};
use crate::state::AppState;

/// List join requests
///
/// Pending join requests of a private group, oldest first (owners and moderators).
#[utoipa::path(
    tag = "groups",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The group's id"), PageQuery),
    responses(
        (status = 200, description = "A page of requests", body = Page<GroupMember>),
        p::ListErrors, p::NotFound, p::Forbidden,
    )
)]
#[get("/groups/{id}/join-requests")]
pub async fn list_join_requests(
    state: web::Data<AppState>,
    actor: AuthMember,
    path: web::Path<Uuid>,
    paging: web::Query<PageQuery>,
) -> Result<web::Json<Page<GroupMember>>, ApiError> {
    let id = GroupId::from_uuid(path.into_inner());
    let page = PageRequest::<MemberCursor>::parse(&paging)?;
    let after = page.after.as_ref().map(MemberCursor::key);
    let fetch = page.fetch();
    let items = db::read(&state, move |conn| {
        let (_, membership) = load(conn, id, Some(actor.id))?;
        can_moderate(membership)?;
        Ok(groups::list_members(
            conn,
            id,
            MembershipStatus::Pending,
            MemberListView::Everyone,
            actor.id,
            after.as_ref(),
            fetch,
        )?)
    })
    .await?;
    page.page(items, MemberCursor::of, convert::member)
        .map(web::Json)
}

/// Decides a pending request: `approve` makes an active member, `refuse` deletes the request.
fn decide(
    conn: &mut entraide_persistence::DbConnection,
    actor: AuthMember,
    id: GroupId,
    target: MemberId,
    approve: bool,
) -> Result<crate::notices::Woken, ApiError> {
    let (group, membership) = load(conn, id, Some(actor.id))?;
    can_moderate(membership)?;
    groups::membership(conn, id, target)?
        .filter(|m| m.status == MembershipStatus::Pending)
        .ok_or(ApiError::NotFound)?;
    if !approve {
        groups::delete_membership(conn, id, target)?;
        return Ok(notices::join_decided(conn, id, target, false, Utc::now())?);
    }
    // The requester's kind may have changed since they asked.
    let kind = entraide_persistence::members::find_profile(conn, target)?
        .ok_or(ApiError::NotFound)?
        .kind;
    if !group.audience.admits(kind) {
        return Err(ApiError::Refused {
            code: ProblemCode::AudienceRestricted,
        });
    }
    let active = Membership {
        role: GroupRole::Member,
        status: MembershipStatus::Active,
    };
    groups::set_membership(conn, id, target, active, Utc::now())?;
    Ok(notices::join_decided(conn, id, target, true, Utc::now())?)
}

/// Approve a join request
///
/// Approve a join request (owners and moderators).
#[utoipa::path(
    tag = "groups",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "The group's id"),
        ("member_id" = Uuid, Path, description = "Who asked to join"),
    ),
    responses(
        (status = 204, description = "Approved: now an active member"),
        p::ActionErrors,
    )
)]
#[post("/groups/{id}/join-requests/{member_id}/approve")]
pub async fn approve_join_request(
    state: web::Data<AppState>,
    actor: AuthMember,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (id, target) = path.into_inner();
    let (id, target) = (GroupId::from_uuid(id), MemberId::from_uuid(target));
    let woken = db::write(&state, move |conn| decide(conn, actor, id, target, true)).await?;
    state.hub.wake(&woken);
    Ok(HttpResponse::NoContent().finish())
}

/// Refuse a join request
///
/// Refuse a join request (owners and moderators). The member may ask again.
#[utoipa::path(
    tag = "groups",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "The group's id"),
        ("member_id" = Uuid, Path, description = "Who asked to join"),
    ),
    responses(
        (status = 204, description = "Refused"),
        p::ActionErrors,
    )
)]
#[post("/groups/{id}/join-requests/{member_id}/refuse")]
pub async fn refuse_join_request(
    state: web::Data<AppState>,
    actor: AuthMember,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (id, target) = path.into_inner();
    let (id, target) = (GroupId::from_uuid(id), MemberId::from_uuid(target));
    let woken = db::write(&state, move |conn| decide(conn, actor, id, target, false)).await?;
    state.hub.wake(&woken);
    Ok(HttpResponse::NoContent().finish())
}
