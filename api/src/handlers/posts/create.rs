use actix_web::{HttpResponse, post, web};
use chrono::Utc;
use entraide_domain::ids::{GroupId, MemberId};
use entraide_domain::media::{MAX_PER_POST, parse_media_ids};
use entraide_domain::moderation::TargetKind;
use entraide_domain::post::Draft;
use entraide_openapi::posts::{NewPostRequest, PostItem};
use entraide_openapi::problem as p;
use entraide_persistence::moderation::flag_distress;
use entraide_persistence::posts;
use uuid::Uuid;

use crate::access::groups::participating;
use crate::access::media::attach_to_post;
use crate::db;
use crate::error::ApiError;
use crate::extractors::AuthMember;
use crate::json::Json;
use crate::notices;
use crate::state::AppState;
use crate::views::posts::new_post_item;

fn created(item: PostItem) -> HttpResponse {
    HttpResponse::Created()
        .insert_header((
            actix_web::http::header::LOCATION,
            format!("/api/v1/posts/{}", item.id),
        ))
        .json(item)
}

/// Post in a group
///
/// Post in a group (its active members who fit its audience). 403 `not_a_member` when you may
/// read the group but have not joined it; `not_readable` when you may not even read it.
#[utoipa::path(
    tag = "posts",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The group's id")),
    request_body = NewPostRequest,
    responses(
        (status = 201, description = "Posted", body = PostItem),
        p::WriteErrors,
    )
)]
#[post("/groups/{id}/posts")]
pub async fn create_group_post(
    state: web::Data<AppState>,
    member: AuthMember,
    path: web::Path<Uuid>,
    body: Json<NewPostRequest>,
) -> Result<HttpResponse, ApiError> {
    let group_id = GroupId::from_uuid(path.into_inner());
    let request = body.into_inner();
    let draft = Draft::parse(&request.body, request.content_warning.as_deref())?;
    let media_ids = parse_media_ids(&request.media_ids, MAX_PER_POST)?;
    let safety = state.safety.check(draft.body.source());
    let reader = member.reader();
    let distressed = safety.is_some();
    let (mut item, woken, post) = db::write(&state, move |conn| {
        let group = participating(conn, group_id, reader)?;
        let post = posts::insert(conn, member.id, Some(group_id), &draft, Utc::now())?;
        attach_to_post(conn, member.id, &media_ids, post.id, Utc::now())?;
        let woken = notices::post_created(conn, &post, Utc::now())?;
        if distressed {
            flag_distress(
                conn,
                TargetKind::Post,
                &post.id.to_string(),
                member.id,
                Some(group_id),
                draft.body.source(),
                Utc::now(),
            )?;
        }
        let name = Some(group.name.as_str().to_owned());
        let item = new_post_item(conn, post.clone(), name, !media_ids.is_empty())?;
        Ok((item, woken, post))
    })
    .await?;
    state.hub.posted(&post);
    state.hub.wake(&woken);
    item.safety = safety;
    Ok(created(item))
}

/// Post on your wall
///
/// Post on your own activity wall (who reads it follows your wall visibility setting).
#[utoipa::path(
    tag = "posts",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Your own member id")),
    request_body = NewPostRequest,
    responses(
        (status = 201, description = "Posted", body = PostItem),
        p::BodyErrors, p::Forbidden,
    )
)]
#[post("/members/{id}/wall")]
pub async fn create_wall_post(
    state: web::Data<AppState>,
    member: AuthMember,
    path: web::Path<Uuid>,
    body: Json<NewPostRequest>,
) -> Result<HttpResponse, ApiError> {
    if MemberId::from_uuid(path.into_inner()) != member.id {
        return Err(ApiError::Forbidden);
    }
    let request = body.into_inner();
    let draft = Draft::parse(&request.body, request.content_warning.as_deref())?;
    let media_ids = parse_media_ids(&request.media_ids, MAX_PER_POST)?;
    let safety = state.safety.check(draft.body.source());
    let distressed = safety.is_some();
    let (mut item, woken, post) = db::write(&state, move |conn| {
        let post = posts::insert(conn, member.id, None, &draft, Utc::now())?;
        attach_to_post(conn, member.id, &media_ids, post.id, Utc::now())?;
        let woken = notices::post_created(conn, &post, Utc::now())?;
        if distressed {
            flag_distress(
                conn,
                TargetKind::Post,
                &post.id.to_string(),
                member.id,
                None,
                draft.body.source(),
                Utc::now(),
            )?;
        }
        let item = new_post_item(conn, post.clone(), None, !media_ids.is_empty())?;
        Ok((item, woken, post))
    })
    .await?;
    state.hub.posted(&post);
    state.hub.wake(&woken);
    item.safety = safety;
    Ok(created(item))
}
