use actix_web::{get, patch, web};
use entraide_openapi::associations::{MemberSettings, UpdateMemberSettingsRequest};
use entraide_openapi::problem as p;
use entraide_persistence::members;

use crate::db;
use crate::error::ApiError;
use crate::extractors::AuthMember;
use crate::json::Json;
use crate::state::AppState;

/// Your settings.
#[utoipa::path(
    tag = "members",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Your settings", body = MemberSettings),
        (status = 401, response = p::Unauthorized),
        (status = 500, response = p::InternalError),
        (status = 503, response = p::ServiceUnavailable),
    )
)]
#[get("/members/me/settings")]
pub async fn get_my_settings(
    state: web::Data<AppState>,
    member: AuthMember,
) -> Result<web::Json<MemberSettings>, ApiError> {
    let receive_announcements = db::read(&state, move |conn| {
        members::receives_announcements(conn, member.id)?.ok_or(ApiError::NotFound)
    })
    .await?;
    Ok(web::Json(MemberSettings {
        receive_announcements,
    }))
}

/// Change your settings; absent fields stay. `receive_announcements: false` stops the
/// targeted announcements of associations you neither joined nor follow.
#[utoipa::path(
    tag = "members",
    security(("bearer" = [])),
    request_body = UpdateMemberSettingsRequest,
    responses(
        (status = 200, description = "Your settings as changed", body = MemberSettings),
        (status = 400, response = p::BadRequest),
        (status = 401, response = p::Unauthorized),
        (status = 413, response = p::PayloadTooLarge),
        (status = 415, response = p::UnsupportedMediaType),
        (status = 422, response = p::UnprocessableEntity),
        (status = 500, response = p::InternalError),
        (status = 503, response = p::ServiceUnavailable),
    )
)]
#[patch("/members/me/settings")]
pub async fn update_my_settings(
    state: web::Data<AppState>,
    member: AuthMember,
    body: Json<UpdateMemberSettingsRequest>,
) -> Result<web::Json<MemberSettings>, ApiError> {
    let UpdateMemberSettingsRequest {
        receive_announcements,
    } = body.into_inner();
    let receive_announcements = db::write(&state, move |conn| {
        if let Some(receive) = receive_announcements {
            members::set_receive_announcements(conn, member.id, receive)?;
        }
        members::receives_announcements(conn, member.id)?.ok_or(ApiError::NotFound)
    })
    .await?;
    state.announcements.forget(member.id);
    Ok(web::Json(MemberSettings {
        receive_announcements,
    }))
}
