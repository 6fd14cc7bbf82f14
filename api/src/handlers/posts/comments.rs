use actix_web::{HttpResponse, delete, get, patch, post, web};
use chrono::Utc;
use entraide_domain::ids::{CommentId, PostId};
use entraide_domain::moderation::TargetKind;
use entraide_domain::post::{Body, MAX_COMMENT_DEPTH, can_delete, can_edit};
use entraide_openapi::pagination::{Page, PageQuery};
use entraide_openapi::posts::{CommentItem, EditCommentRequest, NewCommentRequest};
use entraide_openapi::problem::{self as p, ProblemCode};
use entraide_persistence::moderation::flag_distress;
use entraide_persistence::{DbConnection, comments, groups, posts};
use uuid::Uuid;

use crate::access::media::attach_to_comment;
use crate::access::posts::{readable_post, require_participation};
use crate::db;
use crate::error::ApiError;
use crate::extractors::{AuthMember, MaybeMember};
use crate::json::Json;
use crate::media::store::delete_all;
use crate::notices;
use crate::pagination::{IdCursor, PageRequest};
use crate::state::AppState;
use crate::views::posts::comment_items;
use entraide_domain::media::{MAX_PER_COMMENT, parse_media_ids};

fn one(
    conn: &mut DbConnection,
    viewer: Option<entraide_domain::ids::MemberId>,
    comment: entraide_domain::post::Comment,
) -> Result<CommentItem, ApiError> {
    comment_items(conn, viewer, vec![comment])?
        .pop()
        .ok_or(ApiError::NotFound)
}

/// Comment on a post
///
/// Comment on a post, or reply to a comment (`parent_id`; at most 5 levels). Group posts take
/// comments from the group's active members; wall posts from any member who may read them.
#[utoipa::path(
    tag = "comments",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The post's id")),
    request_body = NewCommentRequest,
    responses(
        (status = 201, description = "Commented", body = CommentItem),
        p::WriteErrors,
    )
)]
#[post("/posts/{id}/comments")]
pub async fn create_comment(
    state: web::Data<AppState>,
    member: AuthMember,
    path: web::Path<Uuid>,
    body: Json<NewCommentRequest>,
) -> Result<HttpResponse, ApiError> {
    let post_id = PostId::from_uuid(path.into_inner());
    let NewCommentRequest {
        body,
        parent_id,
        media_ids,
    } = body.into_inner();
    let body = Body::parse(&body, Body::COMMENT_MAX_CHARS)?;
    let media_ids = parse_media_ids(&media_ids, MAX_PER_COMMENT)?;
    let safety = state.safety.check(body.source());
    let distressed = safety.is_some();
    let reader = member.reader();
    let (mut item, woken) = db::write(&state, move |conn| {
        let post = readable_post(conn, reader, post_id)?;
        if post.deleted {
            return Err(ApiError::NotFound);
        }
        require_participation(conn, reader, &post)?;
        let parent = match parent_id {
            None => None,
            Some(parent_id) => {
                let parent =
                    comments::find_readable(conn, reader, CommentId::from_uuid(parent_id))?
                        .filter(|c| c.post_id == post_id)
                        .ok_or_else(|| {
                            ApiError::field(
                                "parent_id",
                                "unknown_comment",
                                "is not a comment of this post",
                            )
                        })?;
                if parent.depth >= MAX_COMMENT_DEPTH {
                    return Err(ApiError::field(
                        "parent_id",
                        "too_deep",
                        "threads are at most 5 levels deep: answer higher up",
                    ));
                }
                Some(parent)
            }
        };
        let comment =
            comments::insert(conn, post_id, parent.as_ref(), member.id, &body, Utc::now())?;
        attach_to_comment(conn, member.id, &media_ids, comment.id, Utc::now())?;
        let woken = notices::comment_created(conn, &post, parent.as_ref(), &comment, Utc::now())?;
        if distressed {
            let target = comment.id.to_string();
            flag_distress(
                conn,
                TargetKind::Comment,
                &target,
                member.id,
                post.group_id,
                body.source(),
                Utc::now(),
            )?;
        }
        // A comment made a moment ago carries no reaction: no lookup of the author's.
        let item = one(conn, None, comment)?;
        // Last: this locks the post's row until the commit (see `comments::insert`).
        posts::add_to_comment_count(conn, post_id, 1)?;
        Ok((item, woken))
    })
    .await?;
    state.hub.wake(&woken);
    item.safety = safety;
    Ok(HttpResponse::Created()
        .insert_header((
            actix_web::http::header::LOCATION,
            format!("/api/v1/comments/{}", item.id),
        ))
        .json(item))
}

/// List a post's comments
///
/// A post's comments in thread order (oldest first; build the tree from `parent_id`), if you
/// may read the post. Deleted comments stay as placeholders.
#[utoipa::path(
    tag = "comments",
    security((), ("bearer" = [])),
    params(("id" = Uuid, Path, description = "The post's id"), PageQuery),
    responses(
        (status = 200, description = "A page of comments", body = Page<CommentItem>),
        p::ListErrors, p::NotFound,
    )
)]
#[get("/posts/{id}/comments")]
pub async fn list_comments(
    state: web::Data<AppState>,
    reader: MaybeMember,
    path: web::Path<Uuid>,
    paging: web::Query<PageQuery>,
) -> Result<web::Json<Page<CommentItem>>, ApiError> {
    let post_id = PostId::from_uuid(path.into_inner());
    let page = PageRequest::<IdCursor>::parse(&paging)?;
    let after = page.after.as_ref().map(IdCursor::comment);
    let fetch = page.fetch();
    let who = reader.reader();
    let viewer = reader.0.map(|m| m.id);
    let items = db::read(&state, move |conn| {
        let found =
            comments::list_readable(conn, who, post_id, after, fetch)?.ok_or(ApiError::NotFound)?;
        comment_items(conn, viewer, found)
    })
    .await?;
    page.page(items, |item| IdCursor::of(item.id), |item| item)
        .map(web::Json)
}

/// Get a comment
///
/// One comment, if you may read its post (404 otherwise).
#[utoipa::path(
    tag = "comments",
    security((), ("bearer" = [])),
    params(("id" = Uuid, Path, description = "The comment's id")),
    responses(
        (status = 200, description = "The comment", body = CommentItem),
        p::ReadErrors,
    )
)]
#[get("/comments/{id}")]
pub async fn get_comment(
    state: web::Data<AppState>,
    reader: MaybeMember,
    path: web::Path<Uuid>,
) -> Result<web::Json<CommentItem>, ApiError> {
    let id = CommentId::from_uuid(path.into_inner());
    let who = reader.reader();
    let viewer = reader.0.map(|m| m.id);
    let item = db::read(&state, move |conn| {
        let comment = comments::find_readable(conn, who, id)?.ok_or(ApiError::NotFound)?;
        one(conn, viewer, comment)
    })
    .await?;
    Ok(web::Json(item))
}

/// Edit a comment
///
/// Edit your comment (author only).
#[utoipa::path(
    tag = "comments",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The comment's id")),
    request_body = EditCommentRequest,
    responses(
        (status = 200, description = "The edited comment", body = CommentItem),
        p::WriteErrors,
    )
)]
#[patch("/comments/{id}")]
pub async fn update_comment(
    state: web::Data<AppState>,
    member: AuthMember,
    path: web::Path<Uuid>,
    body: Json<EditCommentRequest>,
) -> Result<web::Json<CommentItem>, ApiError> {
    let id = CommentId::from_uuid(path.into_inner());
    let body = Body::parse(&body.into_inner().body, Body::COMMENT_MAX_CHARS)?;
    let safety = state.safety.check(body.source());
    let distressed = safety.is_some();
    let reader = member.reader();
    let mut item = db::write(&state, move |conn| {
        let comment = comments::find_readable(conn, reader, id)?
            .filter(|c| !c.deleted)
            .ok_or(ApiError::NotFound)?;
        can_edit(member.id, comment.author_id)?;
        if comment.hidden {
            return Err(ApiError::refused(ProblemCode::ContentHidden));
        }
        comments::update_body(conn, id, &body, Utc::now())?;
        if distressed {
            let group = readable_post(conn, reader, comment.post_id)?.group_id;
            flag_distress(
                conn,
                TargetKind::Comment,
                &id.to_string(),
                member.id,
                group,
                body.source(),
                Utc::now(),
            )?;
        }
        let comment = comments::find_readable(conn, reader, id)?.ok_or(ApiError::NotFound)?;
        // A comment made a moment ago carries no reaction: no lookup of the author's.
        one(conn, None, comment)
    })
    .await?;
    item.safety = safety;
    Ok(web::Json(item))
}

/// Delete a comment
///
/// Delete a comment (its author, the group's owners and moderators, platform moderators). Its
/// replies stay under a placeholder. Idempotent.
#[utoipa::path(
    tag = "comments",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The comment's id")),
    responses(
        (status = 204, description = "Deleted"),
        p::ActionErrors,
    )
)]
#[delete("/comments/{id}")]
pub async fn delete_comment(
    state: web::Data<AppState>,
    member: AuthMember,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = CommentId::from_uuid(path.into_inner());
    let reader = member.reader();
    let photos = db::write(&state, move |conn| {
        let comment = match comments::find_readable(conn, reader, id)? {
            Some(comment) => {
                let post = readable_post(conn, reader, comment.post_id)?;
                let membership = match post.group_id {
                    Some(group) => groups::membership(conn, group, member.id)?,
                    None => None,
                };
                can_delete(member.id, member.role, comment.author_id, membership)?;
                comment
            }
            // Its author may withdraw it even from a space they left.
            None => comments::find_authored(conn, member.id, id)?.ok_or(ApiError::NotFound)?,
        };
        if comment.deleted {
            return Ok(Vec::new());
        }
        Ok(comments::soft_delete(conn, &comment, Utc::now())?)
    })
    .await?;
    if !photos.is_empty() {
        let store = state.media.clone();
        web::block(move || delete_all(store.as_ref(), &photos)).await?;
    }
    Ok(HttpResponse::NoContent().finish())
}
