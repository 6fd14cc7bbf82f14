use actix_web::{get, patch, web};
use entraide_domain::ids::MemberId;
use entraide_openapi::associations::{MemberSettings, UpdateMemberSettingsRequest};
use entraide_openapi::problem as p;
use entraide_persistence::{DbConnection, members};

use crate::db;
use crate::error::ApiError;
use crate::extractors::AuthMember;
use crate::json::Json;
use crate::state::AppState;

fn settings_of(conn: &mut DbConnection, member: MemberId) -> Result<MemberSettings, ApiError> {
    Ok(MemberSettings {
        receive_announcements: members::receives_announcements(conn, member)?
            .ok_or(ApiError::NotFound)?,
        listed_in_member_lists: members::listed_in_member_lists(conn, member)?
            .ok_or(ApiError::NotFound)?,
    })
}

/// Get your settings
///
/// Your settings.
#[utoipa::path(
    tag = "members",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Your settings", body = MemberSettings),
        p::SessionErrors,
    )
)]
#[get("/members/me/settings")]
pub async fn get_my_settings(
    state: web::Data<AppState>,
    member: AuthMember,
) -> Result<web::Json<MemberSettings>, ApiError> {
    let settings = db::read(&state, move |conn| settings_of(conn, member.id)).await?;
    Ok(web::Json(settings))
}

/// Update your settings
///
/// Change your settings; absent fields stay. `receive_announcements: false` stops the
/// targeted announcements of associations you neither joined nor follow;
/// `listed_in_member_lists: true` shows you in the member lists of your groups and
/// associations to their other members (moderators see everyone anyway).
#[utoipa::path(
    tag = "members",
    security(("bearer" = [])),
    request_body = UpdateMemberSettingsRequest,
    responses(
        (status = 200, description = "Your settings as changed", body = MemberSettings),
        p::BodyErrors,
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
        listed_in_member_lists,
    } = body.into_inner();
    let settings = db::write(&state, move |conn| {
        if let Some(receive) = receive_announcements {
            members::set_receive_announcements(conn, member.id, receive)?;
        }
        if let Some(listed) = listed_in_member_lists {
            members::set_listed_in_member_lists(conn, member.id, listed)?;
        }
        settings_of(conn, member.id)
    })
    .await?;
    state.announcements.forget(member.id);
    Ok(web::Json(settings))
}
