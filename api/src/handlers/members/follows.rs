use actix_web::{HttpResponse, delete, get, put, web};
use chrono::{DateTime, Utc};
use entraide_domain::ids::MemberId;
use entraide_domain::member;
use entraide_domain::profile::Viewer;
use entraide_openapi::pagination::{Page, PageQuery};
use entraide_openapi::posts::FollowItem;
use entraide_openapi::problem as p;
use entraide_openapi::problem::ProblemCode;
use entraide_persistence::follows::{self, Direction, FollowEntry};
use entraide_persistence::{blocks, members};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::convert::posts as convert;
use crate::db;
use crate::error::ApiError;
use crate::extractors::AuthMember;
use crate::pagination::PageRequest;
use crate::state::AppState;

/// Follow a member
///
/// Follow a member: their wall posts (those you may read) join your home feed. Idempotent.
/// Following yourself is 403 `self_follow`; a member you blocked, or who blocked you, is 404.
#[utoipa::path(
    tag = "members",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The member to follow")),
    responses(
        (status = 204, description = "Following"),
        p::ActionErrors,
    )
)]
#[put("/members/{id}/follow")]
pub async fn follow_member(
    state: web::Data<AppState>,
    member: AuthMember,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let target = MemberId::from_uuid(path.into_inner());
    member::can_follow(member.id, target)?;
    db::write(&state, move |conn| {
        blocks::lock_pair(conn, member.id, target)?;
        members::find_profile(conn, target)?.ok_or(ApiError::NotFound)?;
        if blocks::blocked_either_way(conn, member.id, target)? {
            return Err(ApiError::NotFound);
        }
        Ok(follows::follow(conn, member.id, target, Utc::now())?)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Unfollow a member
///
/// Stop following a member. Idempotent.
#[utoipa::path(
    tag = "members",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The member to unfollow")),
    responses(
        (status = 204, description = "Not following"),
        p::BadRequest, p::SessionErrors,
    )
)]
#[delete("/members/{id}/follow")]
pub async fn unfollow_member(
    state: web::Data<AppState>,
    member: AuthMember,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let target = MemberId::from_uuid(path.into_inner());
    db::write(&state, move |conn| {
        Ok(follows::unfollow(conn, member.id, target)?)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Serialize, Deserialize)]
struct Cursor {
    #[serde(deserialize_with = "crate::pagination::instant")]
    s: DateTime<Utc>,
    m: Uuid,
}

async fn list(
    state: &AppState,
    reader: AuthMember,
    target: MemberId,
    direction: Direction,
    paging: &PageQuery,
) -> Result<Page<FollowItem>, ApiError> {
    let page = PageRequest::<Cursor>::parse(paging)?;
    let before = page.after.as_ref().map(|c| (c.s, MemberId::from_uuid(c.m)));
    let fetch = page.fetch();
    let items = db::read(state, move |conn| {
        // A member's social graph is shown to those who may read their wall.
        let profile = members::find_profile(conn, target)?.ok_or(ApiError::NotFound)?;
        if !profile
            .wall_visibility
            .allows(Viewer::Member(reader.id).relation_to(target))
        {
            return Err(ApiError::Refused {
                code: ProblemCode::WallNotReadable,
            });
        }
        Ok(follows::list(
            conn, target, reader.id, direction, before, fetch,
        )?)
    })
    .await?;
    page.page(
        items,
        |entry| Cursor {
            s: entry.since,
            m: entry.member_id.as_uuid(),
        },
        |entry| {
            let FollowEntry {
                member_id,
                pseudonym,
                kind,
                badge,
                since,
            } = entry;
            FollowItem {
                member: convert::summary(member_id, &pseudonym, kind, badge),
                since,
            }
        },
    )
}

/// List a member's followers
///
/// Who follows a member, newest first. The social graph of a patient community is health data:
/// shown to logged-in members whom the member's wall visibility admits (403
/// `wall_not_readable` otherwise); others than the member see only the followers who chose to
/// appear in member lists (`listed_in_member_lists`).
#[utoipa::path(
    tag = "members",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The member"), PageQuery),
    responses(
        (status = 200, description = "A page of followers", body = Page<FollowItem>),
        p::ListErrors, p::NotFound, p::Forbidden,
    )
)]
#[get("/members/{id}/followers")]
pub async fn list_followers(
    state: web::Data<AppState>,
    member: AuthMember,
    path: web::Path<Uuid>,
    paging: web::Query<PageQuery>,
) -> Result<web::Json<Page<FollowItem>>, ApiError> {
    let target = MemberId::from_uuid(path.into_inner());
    list(&state, member, target, Direction::Followers, &paging)
        .await
        .map(web::Json)
}

/// List whom a member follows
///
/// Whom a member follows, newest first; the same rules as the followers list.
#[utoipa::path(
    tag = "members",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The member"), PageQuery),
    responses(
        (status = 200, description = "A page of followed members", body = Page<FollowItem>),
        p::ListErrors, p::NotFound, p::Forbidden,
    )
)]
#[get("/members/{id}/following")]
pub async fn list_following(
    state: web::Data<AppState>,
    member: AuthMember,
    path: web::Path<Uuid>,
    paging: web::Query<PageQuery>,
) -> Result<web::Json<Page<FollowItem>>, ApiError> {
    let target = MemberId::from_uuid(path.into_inner());
    list(&state, member, target, Direction::Following, &paging)
        .await
        .map(web::Json)
}
