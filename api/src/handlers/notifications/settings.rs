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
/// Where each kind of notification goes: `in_app` (the default), `email_digest` or `off`; and
/// how often the e-mail digest comes (`digest`: `daily`, `weekly` or `never`, the default).
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
    let (chosen, digest) = db::read(&state, move |conn| {
        Ok((
            notifications::settings(conn, member.id)?,
            notifications::digest_frequency(conn, member.id)?,
        ))
    })
    .await?;
    Ok(web::Json(convert::settings(&chosen, digest)))
}

/// Update your notification settings
///
/// Change the channel of some kinds, or the digest frequency; absent fields stay. A digest
/// lists the unread `email_digest` kinds by count only, with a link to the app. `off` stops storing that kind from now
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
    let (changes, digest) = convert::setting_changes(body.into_inner());
    let (chosen, digest) = db::write(&state, move |conn| {
        for (kind, channel) in changes {
            notifications::set_channel(conn, member.id, kind, channel)?;
        }
        if let Some(digest) = digest {
            notifications::set_digest_frequency(conn, member.id, digest)?;
        }
        Ok((
            notifications::settings(conn, member.id)?,
            notifications::digest_frequency(conn, member.id)?,
        ))
    })
    .await?;
    Ok(web::Json(convert::settings(&chosen, digest)))
}
