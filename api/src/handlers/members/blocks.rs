use actix_web::{HttpResponse, delete, get, put, web};
use chrono::{DateTime, Utc};
use entraide_domain::ids::MemberId;
use entraide_domain::member;
use entraide_openapi::pagination::{Page, PageQuery};
use entraide_openapi::posts::BlockItem;
use entraide_openapi::problem as p;
use entraide_persistence::blocks::{self, BlockEntry};
use entraide_persistence::members;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::convert::posts as convert;
use crate::db;
use crate::error::ApiError;
use crate::extractors::AuthMember;
use crate::pagination::PageRequest;
use crate::state::AppState;

/// Block a member
///
/// Block a member. From then on, neither of you sees the other's posts (feeds, walls, groups,
/// search, by id), comments or profile (404), and you stop following each other; neither can
/// follow the other again until you unblock. The blocked member is not told, and no list or
/// count shows them who blocks them. Idempotent. Blocking yourself is 403 `self_block`.
#[utoipa::path(
    tag = "members",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The member to block")),
    responses(
        (status = 204, description = "Blocked"),
        p::ActionErrors,
    )
)]
#[put("/members/{id}/block")]
pub async fn block_member(
    state: web::Data<AppState>,
    member: AuthMember,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let target = MemberId::from_uuid(path.into_inner());
    member::can_block(member.id, target)?;
    db::write(&state, move |conn| {
        members::find_profile(conn, target)?.ok_or(ApiError::NotFound)?;
        Ok(blocks::block(conn, member.id, target, Utc::now())?)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Unblock a member
///
/// Lift a block you made. Follows it ended do not come back. Idempotent.
#[utoipa::path(
    tag = "members",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The member to unblock")),
    responses(
        (status = 204, description = "Not blocked"),
        p::BadRequest, p::SessionErrors,
    )
)]
#[delete("/members/{id}/block")]
pub async fn unblock_member(
    state: web::Data<AppState>,
    member: AuthMember,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let target = MemberId::from_uuid(path.into_inner());
    db::write(&state, move |conn| {
        Ok(blocks::unblock(conn, member.id, target)?)
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

/// List the members I block
///
/// The members you block, most recent first. Only yours: nobody can list who blocks them.
#[utoipa::path(
    tag = "members",
    security(("bearer" = [])),
    params(PageQuery),
    responses(
        (status = 200, description = "A page of blocked members", body = Page<BlockItem>),
        p::ListErrors,
    )
)]
#[get("/members/me/blocks")]
pub async fn list_my_blocks(
    state: web::Data<AppState>,
    member: AuthMember,
    paging: web::Query<PageQuery>,
) -> Result<web::Json<Page<BlockItem>>, ApiError> {
    let page = PageRequest::<Cursor>::parse(&paging)?;
    let before = page.after.as_ref().map(|c| (c.s, MemberId::from_uuid(c.m)));
    let fetch = page.fetch();
    let items = db::read(&state, move |conn| {
        Ok(blocks::list(conn, member.id, before, fetch)?)
    })
    .await?;
    page.page(
        items,
        |entry| Cursor {
            s: entry.since,
            m: entry.member_id.as_uuid(),
        },
        |entry| {
            let BlockEntry {
                member_id,
                pseudonym,
                kind,
                badge,
                since,
            } = entry;
            BlockItem {
                member: convert::summary(member_id, &pseudonym, kind, badge),
                since,
            }
        },
    )
    .map(web::Json)
}
