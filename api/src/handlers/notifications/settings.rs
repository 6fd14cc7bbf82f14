use actix_web::{get, patch, web};
use entraide_openapi::notifications::{NotificationSettings, UpdateNotificationSettingsRequest};
use entraide_openapi::problem as p;
use entraide_persistence::notifications;

use crate::convert::notifications as convert;
use crate::db;
use crate::error::ApiError;
use crate::extractors::AuthMember;
use crate::json::Json;
use crate::state::AppState;

/// Get your notification settings
///
/// Where each kind of notification goes: `in_app` (the default), `email_digest` or `off`.
#[utoipa::path(
    tag = "notifications",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Your notification settings", body = NotificationSettings),
        p::SessionErrors,
    )
)]
#[get("/members/me/notification-settings")]
pub async fn get_my_notification_settings(
    state: web::Data<AppState>,
    member: AuthMember,
) -> Result<web::Json<NotificationSettings>, ApiError> {
    let chosen = db::read(&state, move |conn| {
        Ok(notifications::settings(conn, member.id)?)
    })
    .await?;
    Ok(web::Json(convert::settings(&chosen)))
}

/// Update your notification settings
///
/// Change the channel of some kinds; absent kinds stay. `off` stops storing that kind from now
/// on (notifications already there stay until read or deleted).
#[utoipa::path(
    tag = "notifications",
    security(("bearer" = [])),
    request_body = UpdateNotificationSettingsRequest,
    responses(
        (status = 200, description = "Your notification settings as changed", body = NotificationSettings),
        p::BodyErrors,
    )
)]
#[patch("/members/me/notification-settings")]
pub async fn update_my_notification_settings(
    state: web::Data<AppState>,
    member: AuthMember,
    body: Json<UpdateNotificationSettingsRequest>,
) -> Result<web::Json<NotificationSettings>, ApiError> {
    let changes = convert::setting_changes(body.into_inner());
    let chosen = db::write(&state, move |conn| {
        for (kind, channel) in changes {
            notifications::set_channel(conn, member.id, kind, channel)?;
        }
        Ok(notifications::settings(conn, member.id)?)
    })
    .await?;
    Ok(web::Json(convert::settings(&chosen)))
}
