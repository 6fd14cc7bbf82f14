use actix_web::{get, patch, web};
use entraide_domain::ids::MemberId;
use entraide_openapi::messages::{MessageSettings, UpdateMessageSettingsRequest};
use entraide_openapi::problem as p;
use entraide_persistence::{DbConnection, messages};

use crate::convert::messages::{messages_from_from_wire, messages_from_to_wire};
use crate::db;
use crate::error::ApiError;
use crate::extractors::AuthMember;
use crate::json::Json;
use crate::state::AppState;

fn settings_of(conn: &mut DbConnection, member: MemberId) -> Result<MessageSettings, ApiError> {
    let setting = messages::messages_from(conn, member)?.ok_or(ApiError::NotFound)?;
    Ok(MessageSettings {
        messages_from: messages_from_to_wire(setting),
    })
}

/// Get your message setting
///
/// Who may start a conversation with you.
#[utoipa::path(
    tag = "messages",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Your message setting", body = MessageSettings),
        p::SessionErrors,
    )
)]
#[get("/members/me/message-settings")]
pub async fn get_my_message_settings(
    state: web::Data<AppState>,
    member: AuthMember,
) -> Result<web::Json<MessageSettings>, ApiError> {
    let settings = db::read(&state, move |conn| settings_of(conn, member.id)).await?;
    Ok(web::Json(settings))
}

/// Change your message setting
///
/// Who may start a conversation with you: `everyone`, `shared_group` (members who share an
/// active group membership with you; the default) or `nobody`. It applies to new
/// conversations; leave a conversation to stop receiving its messages.
#[utoipa::path(
    tag = "messages",
    security(("bearer" = [])),
    request_body = UpdateMessageSettingsRequest,
    responses(
        (status = 200, description = "Your message setting as changed", body = MessageSettings),
        p::BodyErrors,
    )
)]
#[patch("/members/me/message-settings")]
pub async fn update_my_message_settings(
    state: web::Data<AppState>,
    member: AuthMember,
    body: Json<UpdateMessageSettingsRequest>,
) -> Result<web::Json<MessageSettings>, ApiError> {
    let UpdateMessageSettingsRequest { messages_from } = body.into_inner();
    let settings = db::write(&state, move |conn| {
        if let Some(setting) = messages_from {
            messages::set_messages_from(conn, member.id, messages_from_from_wire(setting))?;
        }
        settings_of(conn, member.id)
    })
    .await?;
    Ok(web::Json(settings))
}
