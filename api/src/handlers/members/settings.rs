use actix_web::{get, patch, web};
use chrono::Utc;
use entraide_domain::discovery::{DiscoveryPart, DiscoveryParts};
use entraide_domain::ids::MemberId;
use entraide_openapi::associations::{MemberSettings, UpdateMemberSettingsRequest};
use entraide_openapi::problem as p;
use entraide_persistence::{DbConnection, discovery, members};

use crate::convert::discovery::{part_from_wire, parts_to_wire};
use crate::db;
use crate::error::ApiError;
use crate::extractors::AuthMember;
use crate::json::Json;
use crate::state::AppState;

fn settings_of(conn: &mut DbConnection, member: MemberId) -> Result<MemberSettings, ApiError> {
    let stored = discovery::settings(conn, member)?.ok_or(ApiError::NotFound)?;
    let discoverable = stored.discoverable.map(|d| d.parts);
    Ok(MemberSettings {
        receive_announcements: stored.receive_announcements,
        listed_in_member_lists: stored.listed_in_member_lists,
        discoverable: discoverable.is_some(),
        discovery_parts: parts_to_wire(discoverable),
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
/// `discoverable: true` lists you in other members' `GET /members/discover` and @mention
/// completion, matched on the `discovery_parts` you allow (none unless you name them; each
/// still only as far as its profile visibility shows it); `discoverable: false` removes you
/// and forgets the parts. Naming parts while not discoverable is a 422 `not_discoverable`.
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
        discoverable,
        discovery_parts,
    } = body.into_inner();
    let parts: Option<Vec<DiscoveryPart>> =
        discovery_parts.map(|parts| parts.into_iter().map(part_from_wire).collect());
    if parts
        .as_ref()
        .is_some_and(|parts| parts.len() > DiscoveryPart::ALL.len())
    {
        return Err(ApiError::field(
            "discovery_parts",
            "too_many",
            format!("at most {} parts", DiscoveryPart::ALL.len()),
        ));
    }
    let now = Utc::now();
    let settings = db::write(&state, move |conn| {
        let current = discovery::discoverable(conn, member.id)?.map(|d| d.parts);
        let on = discoverable.unwrap_or(current.is_some());
        match (on, parts) {
            (false, Some(parts)) if !parts.is_empty() => {
                return Err(ApiError::field(
                    "discovery_parts",
                    "not_discoverable",
                    "turn discoverable on to choose the parts used to match you",
                ));
            }
            (false, _) => {
                if current.is_some() {
                    discovery::set_discoverable(conn, member.id, None, now)?;
                }
            }
            (true, parts) => {
                let wanted = parts
                    .map(|parts| DiscoveryParts::from_parts(&parts))
                    .or(current)
                    .unwrap_or_default();
                if current != Some(wanted) {
                    discovery::set_discoverable(conn, member.id, Some(wanted), now)?;
                }
            }
        }
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
