use actix_web::{HttpResponse, delete, patch, put, web};
use chrono::Utc;
use entraide_domain::error::Errors;
use entraide_domain::group::can_moderate;
use entraide_domain::ids::PostId;
use entraide_domain::media::{MAX_PER_POST, parse_media_ids};
use entraide_domain::moderation::TargetKind;
use entraide_domain::post::{Body, ContentWarning, can_delete, can_edit};
use entraide_openapi::posts::{EditRequest, PostItem};
use entraide_openapi::problem::{self as p, ProblemCode};
use entraide_persistence::moderation::flag_distress;
use entraide_persistence::{groups, posts};
use uuid::Uuid;

use crate::access::media::replace_photos;
use crate::access::posts::readable_post;
use crate::db;
use crate::error::ApiError;
use crate::extractors::AuthMember;
use crate::json::Json;
use crate::media::store::delete_all;
use crate::state::AppState;
use crate::views::posts::post_items;

/// Edit a post
///
/// Edit your post (author only); it then shows `edited_at`. `content_warning` replaces the
/// warning when given (`null` removes it) and keeps it when left out. `media_ids`, when given,
/// is the post's new list of photos: newly listed ones must be your own unattached uploads
/// (422 `unknown_media`), photos left out are deleted.
#[utoipa::path(
    tag = "posts",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The post's id")),
    request_body = EditRequest,
    responses(
        (status = 200, description = "The edited post", body = PostItem),
        p::WriteErrors,
    )
)]
#[patch("/posts/{id}")]
pub async fn update_post(
    state: web::Data<AppState>,
    member: AuthMember,
    path: web::Path<Uuid>,
    body: Json<EditRequest>,
) -> Result<web::Json<PostItem>, ApiError> {
    let id = PostId::from_uuid(path.into_inner());
    let request = body.into_inner();
    let mut errors = Errors::new();
    let body = errors.keep(Body::parse(&request.body, Body::POST_MAX_CHARS));
    let warning = errors.check_patch("content_warning", request.content_warning, |raw| {
        ContentWarning::parse(raw)
    });
    // Left out: the photos stay; given: the new list (checked once the errors are known).
    let media_ids = match request.media_ids.as_deref() {
        Some(ids) => errors.keep(parse_media_ids(ids, MAX_PER_POST)),
        None => None,
    };
    errors.finish()?;
    let body = body.ok_or_else(|| ApiError::internal("a parsed body went missing"))?;
    let safety = state.safety.check(body.source());
    let distressed = safety.is_some();
    let reader = member.reader();
    let (mut item, dropped) = db::write(&state, move |conn| {
        let post = readable_post(conn, reader, id)?;
        if post.deleted {
            return Err(ApiError::NotFound);
        }
        can_edit(member.id, post.author_id)?;
        if post.hidden {
            return Err(ApiError::refused(ProblemCode::ContentHidden));
        }
        let warning = warning.as_ref().map(Option::as_ref);
        posts::update_body(conn, id, &body, warning, Utc::now())?;
        let dropped = match media_ids.as_deref() {
            Some(listed) => replace_photos(conn, member.id, id, listed)?,
            None => Vec::new(),
        };
        if distressed {
            flag_distress(
                conn,
                TargetKind::Post,
                &id.to_string(),
                member.id,
                post.group_id,
                body.source(),
                Utc::now(),
            )?;
        }
        let post = readable_post(conn, reader, id)?;
        let item = post_items(conn, Some(member.id), vec![post])?
            .pop()
            .ok_or(ApiError::NotFound)?;
        Ok((item, dropped))
    })
    .await?;
    // Photos dropped from the post: rows gone in the transaction, files after commit.
    if !dropped.is_empty() {
        let store = state.media.clone();
        web::block(move || delete_all(store.as_ref(), &dropped)).await?;
    }
    item.safety = safety;
    Ok(web::Json(item))
}

/// Delete a post
///
/// Delete a post (its author — even after leaving the group —, the group's owners and
/// moderators, platform moderators). It leaves every feed at once; its comments stay readable
/// under a placeholder. Idempotent.
#[utoipa::path(
    tag = "posts",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The post's id")),
    responses(
        (status = 204, description = "Deleted"),
        p::ActionErrors,
    )
)]
#[delete("/posts/{id}")]
pub async fn delete_post(
    state: web::Data<AppState>,
    member: AuthMember,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = PostId::from_uuid(path.into_inner());
    let (photos, deleted) = db::write(&state, move |conn| {
        let post = match posts::find_readable(conn, member.reader(), id)? {
            Some(post) => {
                let membership = match post.group_id {
                    Some(group) => groups::membership(conn, group, member.id)?,
                    None => None,
                };
                can_delete(member.id, member.role, post.author_id, membership)?;
                post
            }
            // Its author may withdraw it even from a space they left or were moved out of.
            None => posts::find_authored(conn, member.id, id)?.ok_or(ApiError::NotFound)?,
        };
        if post.deleted {
            return Ok((Vec::new(), None));
        }
        let photos = posts::soft_delete(conn, id, Utc::now())?;
        Ok((photos, Some(post)))
    })
    .await?;
    if let Some(post) = &deleted {
        state.feed.removed(post);
    }
    // Its photos and its comments' photos: rows gone with the post, files after commit.
    if !photos.is_empty() {
        let store = state.media.clone();
        web::block(move || delete_all(store.as_ref(), &photos)).await?;
    }
    Ok(HttpResponse::NoContent().finish())
}

async fn set_pin(
    state: &AppState,
    member: AuthMember,
    id: PostId,
    pinned: bool,
) -> Result<HttpResponse, ApiError> {
    db::write(state, move |conn| {
        let post = readable_post(conn, member.reader(), id)?;
        let Some(group) = post.group_id.filter(|_| !post.deleted) else {
            return Err(ApiError::field(
                "id",
                "not_pinnable",
                "only live group posts can be pinned",
            ));
        };
        can_moderate(groups::membership(conn, group, member.id)?)?;
        Ok(posts::set_pinned(conn, id, pinned, Utc::now())?)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Pin a post
///
/// Pin a group post (the group's owners and moderators).
#[utoipa::path(
    tag = "posts",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The post's id")),
    responses(
        (status = 204, description = "Pinned"),
        p::ListErrors, p::NotFound, p::Forbidden,
    )
)]
#[put("/posts/{id}/pin")]
pub async fn pin_post(
    state: web::Data<AppState>,
    member: AuthMember,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    set_pin(&state, member, PostId::from_uuid(path.into_inner()), true).await
}

/// Unpin a post
///
/// Unpin a group post (the group's owners and moderators).
#[utoipa::path(
    tag = "posts",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The post's id")),
    responses(
        (status = 204, description = "Unpinned"),
        p::ListErrors, p::NotFound, p::Forbidden,
    )
)]
#[delete("/posts/{id}/pin")]
pub async fn unpin_post(
    state: web::Data<AppState>,
    member: AuthMember,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    set_pin(&state, member, PostId::from_uuid(path.into_inner()), false).await
}
