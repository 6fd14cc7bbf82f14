use actix_web::{get, web};
use chrono::Utc;
use entraide_domain::group::Reader;
use entraide_domain::ids::{GroupId, MemberId, PostId};
use entraide_domain::profile::Viewer;
use entraide_openapi::pagination::{Page, PageQuery};
use entraide_openapi::posts::{FeedPage, GroupPostQuery, PostItem};
use entraide_openapi::problem as p;
use entraide_openapi::problem::ProblemCode;
use entraide_persistence::members;
use entraide_persistence::posts::{self, PagePost, Scope};
use uuid::Uuid;

use crate::access::groups::require_readable;
use crate::access::moderation::hidden_post_for_moderator;
use crate::db;
use crate::error::ApiError;
use crate::extractors::{AuthMember, MaybeMember};
use crate::pagination::{IdCursor, PageRequest};
use crate::state::AppState;
use crate::views::posts::{page_items, post_items};

/// Runs one page of a post list: the visible posts, then their items in batched queries.
async fn page_of(
    state: &AppState,
    reader: MaybeMember,
    scope: Scope,
    paging: &PageQuery,
    check: impl FnOnce(&mut entraide_persistence::DbConnection) -> Result<(), ApiError> + Send + 'static,
) -> Result<Page<PostItem>, ApiError> {
    let page = PageRequest::<IdCursor>::parse(paging)?;
    let before = page.after.as_ref().map(IdCursor::post);
    let fetch = page.fetch();
    let who = reader.reader();
    let viewer = reader.0.map(|m| m.id);
    let items = db::read(state, move |conn| {
        check(conn)?;
        let found = posts::list_readable(conn, who, scope, before, fetch)?;
        post_items(conn, viewer, found)
    })
    .await?;
    page.page(items, |item| IdCursor::of(item.id), |item| item)
}

/// List a group's posts
///
/// A group's posts, newest first (403 `not_readable` for who may not read the group);
/// `?pinned=true` lists the pinned ones.
#[utoipa::path(
    tag = "posts",
    security((), ("bearer" = [])),
    params(("id" = Uuid, Path, description = "The group's id"), GroupPostQuery, PageQuery),
    responses(
        (status = 200, description = "A page of posts", body = Page<PostItem>),
        p::ListErrors, p::NotFound, p::Forbidden,
    )
)]
#[get("/groups/{id}/posts")]
pub async fn list_group_posts(
    state: web::Data<AppState>,
    reader: MaybeMember,
    path: web::Path<Uuid>,
    filter: web::Query<GroupPostQuery>,
    paging: web::Query<PageQuery>,
) -> Result<web::Json<Page<PostItem>>, ApiError> {
    let group_id = GroupId::from_uuid(path.into_inner());
    let scope = if filter.pinned.unwrap_or(false) {
        Scope::GroupPinned(group_id)
    } else {
        Scope::Group(group_id)
    };
    let who = reader.reader();
    let check = move |conn: &mut entraide_persistence::DbConnection| {
        require_readable(conn, group_id, who).map(drop)
    };
    page_of(&state, reader, scope, &paging, check)
        .await
        .map(web::Json)
}

/// Get a member's wall
///
/// A member's activity wall: their wall posts and their group posts, newest first — only those
/// this reader may read. 403 `wall_not_readable` when the wall's visibility excludes the reader.
#[utoipa::path(
    tag = "posts",
    security((), ("bearer" = [])),
    params(("id" = Uuid, Path, description = "The member's id"), PageQuery),
    responses(
        (status = 200, description = "A page of posts", body = Page<PostItem>),
        p::ListErrors, p::NotFound, p::Forbidden,
    )
)]
#[get("/members/{id}/wall")]
pub async fn get_wall(
    state: web::Data<AppState>,
    reader: MaybeMember,
    path: web::Path<Uuid>,
    paging: web::Query<PageQuery>,
) -> Result<web::Json<Page<PostItem>>, ApiError> {
    let owner = MemberId::from_uuid(path.into_inner());
    let viewer: Viewer = reader.viewer();
    let check = move |conn: &mut entraide_persistence::DbConnection| {
        let profile = members::find_profile(conn, owner)?.ok_or(ApiError::NotFound)?;
        if profile.wall_visibility.allows(viewer.relation_to(owner)) {
            Ok(())
        } else {
            Err(ApiError::Refused {
                code: ProblemCode::WallNotReadable,
            })
        }
    };
    page_of(&state, reader, Scope::Author(owner), &paging, check)
        .await
        .map(web::Json)
}

/// Get your home feed
///
/// Your home feed ("mur d'actualité"), newest first: posts of your groups, wall posts of the
/// members you follow, and your own — each only if you may read it now. The first page also
/// carries the live announcements of associations you joined or follow, and those targeted at
/// your profile (unless you opted out in `/members/me/settings`).
#[utoipa::path(
    tag = "posts",
    security(("bearer" = [])),
    params(PageQuery),
    responses(
        (status = 200, description = "A page of the feed", body = FeedPage),
        p::ListErrors,
    )
)]
#[get("/feed")]
pub async fn get_feed(
    state: web::Data<AppState>,
    member: AuthMember,
    paging: web::Query<PageQuery>,
) -> Result<web::Json<FeedPage>, ApiError> {
    let page = PageRequest::<IdCursor>::parse(&paging)?;
    let before = page.after.as_ref().map(IdCursor::post);
    let first_page = page.after.is_none();
    let fetch = page.fetch();
    let now = Utc::now();
    let clock = std::time::Instant::now();
    // The announcements block: none after the first page; on it, the member's cached block
    // when fresh (see `announcement_cache`), else computed in the same database call.
    let cached = if first_page {
        state.announcements.get(member.id, clock, now)
    } else {
        Some(Vec::new())
    };
    let compute = cached.is_none();
    let index = state.feed.clone();
    let (items, announcements) = db::read(&state, move |conn| {
        let (found, _) = index.home_page(conn, member.id, member.reader(), before, fetch)?;
        let items = page_items(conn, Some(member.id), found)?;
        let announcements = match cached {
            Some(block) => block,
            None => crate::views::announcements::feed_announcements(conn, member, now)?,
        };
        Ok((items, announcements))
    })
    .await?;
    if compute {
        state
            .announcements
            .put(member.id, announcements.clone(), clock);
    }
    let Page { items, next_cursor } =
        page.page(items, |item| IdCursor::of(item.id), |item| item)?;
    Ok(web::Json(FeedPage {
        items,
        next_cursor,
        announcements,
    }))
}

/// Get a post
///
/// One post, if you may read it (404 otherwise, whether or not it exists). A deleted post
/// answers with `deleted: true` and no text, so its comments keep their context.
#[utoipa::path(
    tag = "posts",
    security((), ("bearer" = [])),
    params(("id" = Uuid, Path, description = "The post's id")),
    responses(
        (status = 200, description = "The post", body = PostItem),
        p::ReadErrors,
    )
)]
#[get("/posts/{id}")]
pub async fn get_post(
    state: web::Data<AppState>,
    reader: MaybeMember,
    path: web::Path<Uuid>,
) -> Result<web::Json<PostItem>, ApiError> {
    let id = PostId::from_uuid(path.into_inner());
    let who = reader.reader();
    let viewer = reader.0.map(|m| m.id);
    let moderator = reader.0;
    let item = db::read(&state, move |conn| {
        // A member's post comes with what its item shows (one statement, as a feed page).
        let found = match who {
            Reader::Member { id: me, kind } => posts::find_readable_item(conn, me, kind, id)?,
            Reader::Anonymous => posts::find_readable(conn, who, id)?.map(PagePost::from),
        };
        let post = match found {
            Some(post) => post,
            // Hidden content stays readable, by id, to those who moderate it.
            None => match moderator {
                Some(actor) => hidden_post_for_moderator(conn, &actor, id)?,
                None => None,
            }
            .map(PagePost::from)
            .ok_or(ApiError::NotFound)?,
        };
        page_items(conn, viewer, vec![post])?
            .pop()
            .ok_or(ApiError::NotFound)
    })
    .await?;
    Ok(web::Json(item))
}
