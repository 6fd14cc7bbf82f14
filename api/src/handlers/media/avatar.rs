use actix_web::{HttpResponse, delete, put, web};
use chrono::Utc;
use entraide_domain::ids::MediaId;
use entraide_openapi::media::{AvatarRequest, MediaItem};
use entraide_openapi::problem as p;
use entraide_persistence::media;

use crate::access::media::set_avatar;
use crate::convert::media::item;
use crate::db;
use crate::error::ApiError;
use crate::extractors::AuthMember;
use crate::json::Json;
use crate::media::store::delete_all;
use crate::state::AppState;

/// Set your avatar
///
/// Makes one of your uploaded, unattached photos your avatar (422 `unknown_media` on
/// `media_id` otherwise); the previous avatar is deleted. An avatar is public, like your
/// pseudonym: anyone may fetch it with `GET /api/v1/media/{id}`.
#[utoipa::path(
    tag = "media",
    security(("bearer" = [])),
    request_body = AvatarRequest,
    responses(
        (status = 200, description = "Your avatar", body = MediaItem),
        p::BodyErrors,
    )
)]
#[put("/members/me/avatar")]
pub async fn set_my_avatar(
    state: web::Data<AppState>,
    member: AuthMember,
    body: Json<AvatarRequest>,
) -> Result<web::Json<MediaItem>, ApiError> {
    let id = MediaId::from_uuid(body.into_inner().media_id);
    let (photo, old) = db::write(&state, move |conn| {
        set_avatar(conn, member.id, id, Utc::now())
    })
    .await?;
    if let Some(old) = old {
        let store = state.media.clone();
        web::block(move || delete_all(store.as_ref(), &[old])).await?;
    }
    Ok(web::Json(item(photo)))
}

/// Remove your avatar
///
/// Deletes your avatar photo, if you have one (204 either way).
#[utoipa::path(
    tag = "media",
    security(("bearer" = [])),
    responses((status = 204, description = "No avatar now"), p::SessionErrors)
)]
#[delete("/members/me/avatar")]
pub async fn delete_my_avatar(
    state: web::Data<AppState>,
    member: AuthMember,
) -> Result<HttpResponse, ApiError> {
    let old = db::write(&state, move |conn| {
        Ok(media::clear_avatar(conn, member.id)?)
    })
    .await?;
    if let Some(old) = old {
        let store = state.media.clone();
        web::block(move || delete_all(store.as_ref(), &[old])).await?;
    }
    Ok(HttpResponse::NoContent().finish())
}
