use actix_web::{HttpResponse, delete, get, patch, post, web};
use chrono::Utc;
use entraide_domain::association::{
    AssociationMembership, AssociationMembershipStatus, AssociationRole, accepts_members,
    can_lose_admin, join, member_list_view,
};
use entraide_domain::ids::{AssociationId, MemberId};
use entraide_openapi::associations::{
    AssociationJoinResult, AssociationMember, AssociationMemberQuery,
    UpdateAssociationMemberRequest,
};
use entraide_openapi::pagination::{Page, PageQuery};
use entraide_openapi::problem as p;
use entraide_openapi::problem::ProblemCode;
use entraide_persistence::{DbConnection, associations};
use uuid::Uuid;

use crate::access::associations::{load, require_admin};
use crate::access::integrations::require_key;
use crate::convert::associations as convert;
use crate::db;
use crate::error::ApiError;
use crate::extractors::{AuthMember, Caller};
use crate::json::Json;
use crate::pagination::PageRequest;
use crate::state::AppState;
use entraide_domain::integration::Scope;
use entraide_domain::profile::MemberListView;

/// Join an association
///
/// Join an association: at once when its membership is open, otherwise as a request an admin
/// approves. Asking again changes nothing. An association still `pending` verification takes
/// no members (403 `association_not_verified`): it must not collect who lives with a disease.
#[utoipa::path(
    tag = "associations",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The association's id")),
    responses(
        (status = 200, description = "`active` or `pending`", body = AssociationJoinResult),
        p::ActionErrors,
    )
)]
#[post("/associations/{id}/join")]
pub async fn join_association(
    state: web::Data<AppState>,
    member: AuthMember,
    path: web::Path<Uuid>,
) -> Result<web::Json<AssociationJoinResult>, ApiError> {
    let id = AssociationId::from_uuid(path.into_inner());
    let status = db::write(&state, move |conn| {
        let (association, membership) = load(conn, id, Some(member.id))?;
        if membership.is_none() && !accepts_members(association.status) {
            return Err(ApiError::Refused {
                code: ProblemCode::AssociationNotVerified,
            });
        }
        match (join(association.open_membership, membership), membership) {
            (Some(status), _) => {
                let new = AssociationMembership {
                    role: AssociationRole::Member,
                    status,
                };
                associations::set_membership(conn, id, member.id, new, Utc::now())?;
                if status == AssociationMembershipStatus::Active {
                    queue_joined(conn, id)?;
                }
                Ok(status)
            }
            (None, Some(existing)) => Ok(existing.status),
            (None, None) => Err(ApiError::internal("join refused without a membership")),
        }
    })
    .await?;
    state.announcements.forget(member.id);
    Ok(web::Json(AssociationJoinResult {
        status: convert::membership_status_to_wire(status),
    }))
}

/// The `member.joined` webhook: the new member count only (who joined is health data the
/// association's tools need not hold; admins see the member list).
fn queue_joined(conn: &mut DbConnection, id: AssociationId) -> Result<(), ApiError> {
    let count = associations::find(conn, id)?.map_or(0, |a| a.member_count);
    crate::webhooks::queue(
        conn,
        id,
        entraide_domain::integration::WebhookEvent::MemberJoined,
        serde_json::json!({"member_count": count}),
        Utc::now(),
    )
}

/// Ends `target`'s membership unless it is the last active admin (409 `last_admin`).
fn end_membership(
    conn: &mut DbConnection,
    id: AssociationId,
    target: MemberId,
) -> Result<(), ApiError> {
    let Some(membership) = associations::membership(conn, id, target)? else {
        return Err(ApiError::NotFound);
    };
    can_lose_admin(membership, associations::admin_count(conn, id)?)?;
    Ok(associations::delete_membership(conn, id, target)?)
}

/// Leave an association
///
/// Leave an association or withdraw a request. The last admin hands over first (409
/// `last_admin`).
#[utoipa::path(
    tag = "associations",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The association's id")),
    responses(
        (status = 204, description = "Left"),
        p::ReadErrors, p::Conflict,
    )
)]
#[delete("/associations/{id}/join")]
pub async fn leave_association(
    state: web::Data<AppState>,
    member: AuthMember,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = AssociationId::from_uuid(path.into_inner());
    db::write(&state, move |conn| end_membership(conn, id, member.id)).await?;
    state.announcements.forget(member.id);
    Ok(HttpResponse::NoContent().finish())
}

/// List an association's members
///
/// An association's members and pending requests, by member id (its admins and volunteers:
/// belonging to a disease association is health data, so the list is not public). Admins see
/// everyone; volunteers see the members who chose to be listed (`listed_in_member_lists`) and
/// themselves. The association's API key with `members:read` sees what volunteers see of its
/// active members (pseudonym, kind, role, since): the members who chose to be listed, never
/// pending requests (403 `insufficient_scope` for `status=pending`).
#[utoipa::path(
    tag = "associations",
    security(("bearer" = []), ("api_key" = [])),
    params(("id" = Uuid, Path, description = "The association's id"), AssociationMemberQuery, PageQuery),
    responses(
        (status = 200, description = "A page of members", body = Page<AssociationMember>),
        p::ListErrors, p::NotFound, p::Forbidden,
    )
)]
#[get("/associations/{id}/members")]
pub async fn list_association_members(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<Uuid>,
    query: web::Query<AssociationMemberQuery>,
    paging: web::Query<PageQuery>,
) -> Result<web::Json<Page<AssociationMember>>, ApiError> {
    let page = PageRequest::<Uuid>::parse(&paging)?;
    let id = AssociationId::from_uuid(path.into_inner());
    let status = query.status.map(convert::membership_status_from_wire);
    let after = page.after.map(MemberId::from_uuid);
    let fetch = page.fetch();
    let items = db::read(&state, move |conn| match &caller {
        Caller::Member(member) => {
            let (_, membership) = load(conn, id, Some(member.id))?;
            let view = member_list_view(membership).ok_or(ApiError::Forbidden)?;
            Ok(associations::list_members(
                conn, id, status, view, member.id, after, fetch,
            )?)
        }
        Caller::Key(key) => {
            require_key(conn, key, id, Scope::MembersRead)?;
            if status == Some(AssociationMembershipStatus::Pending) {
                return Err(ApiError::refused(ProblemCode::InsufficientScope));
            }
            // What a volunteer sees: the members who chose to be listed (the key's creator,
            // an admin, counts as listed like a volunteer counts themselves).
            Ok(associations::list_members(
                conn,
                id,
                Some(AssociationMembershipStatus::Active),
                MemberListView::Listed,
                key.created_by,
                after,
                fetch,
            )?)
        }
    })
    .await?;
    page.page(items, |e| e.member_id.as_uuid(), convert::member)
        .map(web::Json)
}

/// Update an association member
///
/// Approve a request (`status: active`) and/or change a member's role (admins). An admin
/// cannot demote the last admin (409 `last_admin`). Approving or naming an active member
/// vouches for them: they then enter the association's private groups without a request.
#[utoipa::path(
    tag = "associations",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "The association's id"),
        ("member_id" = Uuid, Path, description = "The member's id"),
    ),
    request_body = UpdateAssociationMemberRequest,
    responses(
        (status = 200, description = "The membership as changed", body = AssociationMember),
        p::WriteErrors, p::Conflict,
    )
)]
#[patch("/associations/{id}/members/{member_id}")]
pub async fn update_association_member(
    state: web::Data<AppState>,
    member: AuthMember,
    path: web::Path<(Uuid, Uuid)>,
    body: Json<UpdateAssociationMemberRequest>,
) -> Result<web::Json<AssociationMember>, ApiError> {
    let (id, target) = path.into_inner();
    let (id, target) = (AssociationId::from_uuid(id), MemberId::from_uuid(target));
    let UpdateAssociationMemberRequest { role, status } = body.into_inner();
    if status.is_some_and(|s| {
        convert::membership_status_from_wire(s) != AssociationMembershipStatus::Active
    }) {
        return Err(ApiError::field(
            "status",
            "invalid_status",
            "only `active` (approve) may be set",
        ));
    }
    let entry = db::write(&state, move |conn| {
        require_admin(conn, id, member.id)?;
        let current = associations::membership(conn, id, target)?.ok_or(ApiError::NotFound)?;
        let new = AssociationMembership {
            role: role.map_or(current.role, convert::role_from_wire),
            status: if status.is_some() {
                AssociationMembershipStatus::Active
            } else {
                current.status
            },
        };
        if new.role != AssociationRole::Admin {
            can_lose_admin(current, associations::admin_count(conn, id)?)?;
        }
        associations::set_membership(conn, id, target, new, Utc::now())?;
        if !current.is_active() && new.is_active() {
            queue_joined(conn, id)?;
        }
        // An admin acted on this member by name: they vouch for them (private groups).
        if new.is_active() {
            associations::vouch(conn, id, target)?;
        }
        associations::member_entry(conn, id, target)?.ok_or(ApiError::NotFound)
    })
    .await?;
    state.announcements.forget(target);
    Ok(web::Json(convert::member(entry)))
}

/// Remove an association member
///
/// Remove a member or refuse a request (admins). The last admin cannot be removed (409
/// `last_admin`).
#[utoipa::path(
    tag = "associations",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "The association's id"),
        ("member_id" = Uuid, Path, description = "The member's id"),
    ),
    responses(
        (status = 204, description = "Removed"),
        p::ActionErrors, p::Conflict,
    )
)]
#[delete("/associations/{id}/members/{member_id}")]
pub async fn remove_association_member(
    state: web::Data<AppState>,
    member: AuthMember,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (id, target) = path.into_inner();
    let (id, target) = (AssociationId::from_uuid(id), MemberId::from_uuid(target));
    db::write(&state, move |conn| {
        require_admin(conn, id, member.id)?;
        end_membership(conn, id, target)
    })
    .await?;
    state.announcements.forget(target);
    Ok(HttpResponse::NoContent().finish())
}
