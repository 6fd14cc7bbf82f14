use actix_web::{patch, web};
use chrono::Utc;
use entraide_domain::error::Errors;
use entraide_domain::group::{
    GroupChanges, GroupDescription, GroupName, can_moderate, can_reserve, may_change_reach,
};
use entraide_domain::ids::{ConditionId, GroupId};
use entraide_openapi::groups::{Group, UpdateGroupRequest};
use entraide_openapi::problem as p;
use entraide_persistence::groups;
use uuid::Uuid;

use crate::access::groups::load;
use crate::convert::groups as convert;
use crate::convert::sponsors;
use crate::db;
use crate::error::ApiError;
use crate::extractors::AuthMember;
use crate::json::Json;
use crate::parse::unknown_condition;
use crate::state::AppState;

/// Update a group
///
/// Change a group's name, description or condition (owners and moderators), or who reads it —
/// visibility and audience — (owners only; an audience they fit, else 403 `audience_restricted`). Once anything was posted in
/// the group, its reach may only narrow: opening a private group or changing the kind a space
/// is reserved to is 409 `would_expose_history` (what was written under the old promise stays
/// under it; create a new group instead).
#[utoipa::path(
    tag = "groups",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The group's id")),
    request_body = UpdateGroupRequest,
    responses(
        (status = 200, description = "The updated group", body = Group),
        p::WriteErrors, p::Conflict,
    )
)]
#[patch("/groups/{id}")]
pub async fn update_group(
    state: web::Data<AppState>,
    member: AuthMember,
    path: web::Path<Uuid>,
    body: Json<UpdateGroupRequest>,
) -> Result<web::Json<Group>, ApiError> {
    let id = GroupId::from_uuid(path.into_inner());
    let UpdateGroupRequest {
        name,
        description,
        condition_id,
        visibility,
        audience,
        members_can_create_events,
        sponsor,
    } = body.into_inner();
    let mut errors = Errors::new();
    let name = name.and_then(|n| errors.check("name", GroupName::parse(&n)));
    let description =
        description.and_then(|d| errors.check("description", GroupDescription::parse(&d)));
    let audience = audience.map(convert::audience_from_wire);
    let sponsor = sponsors::parse_change(&mut errors, sponsor);
    errors.finish()?;
    if let Some(audience) = audience {
        can_reserve(audience, member.kind)?;
    }
    let changes = GroupChanges {
        name,
        description,
        condition_id: condition_id.map(|c| c.map(ConditionId::from_uuid)),
        visibility: visibility.map(convert::visibility_from_wire),
        audience,
        members_can_create_events,
        sponsor,
    };
    let (group, membership) = db::write(&state, move |conn| {
        let (group, membership) = load(conn, id, Some(member.id))?;
        can_moderate(membership)?;
        if changes.visibility.is_some() || changes.audience.is_some() {
            let history = groups::has_history(conn, id)?;
            may_change_reach(
                membership,
                &group,
                changes.visibility,
                changes.audience,
                history,
            )?;
        }
        let group = groups::update(conn, id, &changes, Utc::now())
            .map_err(unknown_condition("condition_id"))?;
        Ok((group, membership))
    })
    .await?;
    Ok(web::Json(convert::group(group, Some((membership, true)))))
}
