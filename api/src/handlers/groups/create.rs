use actix_web::{HttpResponse, post, web};
use chrono::Utc;
use entraide_domain::error::Errors;
use entraide_domain::group::{
    self, Audience, GroupDescription, GroupName, GroupRole, Membership, MembershipStatus, NewGroup,
};
use entraide_domain::ids::{AssociationId, ConditionId};
use entraide_openapi::groups::{CreateGroupRequest, Group};
use entraide_openapi::problem as p;
use entraide_persistence::groups;

use crate::convert::groups as convert;
use crate::convert::sponsors;
use crate::db;
use crate::error::ApiError;
use crate::extractors::AuthMember;
use crate::json::Json;
use crate::parse::unknown_condition;
use crate::state::AppState;

/// Create a group
///
/// Create a group; you become its owner. You cannot create a space reserved to a kind of member
/// you are not (you could not enter it): 403 `audience_restricted`. With `association_id` the group belongs to that
/// association (you must be its admin, else 403 `not_association_admin`, and it must be
/// verified, else 403 `association_not_verified`: a pending association speaks for nobody); its
/// active members then join the group at once even when it is private.
#[utoipa::path(
    tag = "groups",
    security(("bearer" = [])),
    request_body = CreateGroupRequest,
    responses(
        (status = 201, description = "Created", body = Group,
            headers(("Location" = String, description = "The group's URL"))),
        p::WriteErrors, p::Conflict,
    )
)]
#[post("/groups")]
pub async fn create_group(
    state: web::Data<AppState>,
    member: AuthMember,
    body: Json<CreateGroupRequest>,
) -> Result<HttpResponse, ApiError> {
    let CreateGroupRequest {
        name,
        description,
        condition_id,
        visibility,
        audience,
        association_id,
        members_can_create_events,
        sponsor,
    } = body.into_inner();
    let audience = audience.map_or(Audience::Everyone, convert::audience_from_wire);
    let mut errors = Errors::new();
    let name = errors.check("name", GroupName::parse(&name));
    let description = errors.check(
        "description",
        GroupDescription::parse(description.as_deref().unwrap_or_default()),
    );
    let sponsor = sponsors::parse_declared(&mut errors, sponsor);
    errors.finish()?;
    group::can_reserve(audience, member.kind)?;
    let (Some(name), Some(description)) = (name, description) else {
        return Err(ApiError::internal("parsed fields missing without errors"));
    };
    let new = NewGroup {
        name,
        description,
        condition_id: condition_id.map(ConditionId::from_uuid),
        visibility: convert::visibility_from_wire(visibility),
        audience,
        association_id: association_id.map(AssociationId::from_uuid),
        members_can_create_events: members_can_create_events.unwrap_or(false),
        sponsor,
    };
    let group = db::write(&state, move |conn| {
        if let Some(association) = new.association_id {
            crate::access::associations::require_publisher(conn, association, member.id)?;
        }
        groups::insert(conn, &new, member.id, Utc::now()).map_err(unknown_condition("condition_id"))
    })
    .await?;
    let owner = Membership {
        role: GroupRole::Owner,
        status: MembershipStatus::Active,
    };
    let location = format!("/api/v1/groups/{}", group.id);
    Ok(HttpResponse::Created()
        .insert_header((actix_web::http::header::LOCATION, location))
        .json(convert::group(group, Some((Some(owner), true)))))
}
