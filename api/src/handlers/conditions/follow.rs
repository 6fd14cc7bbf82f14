use actix_web::{HttpResponse, delete, put, web};
use chrono::Utc;
use entraide_domain::ids::ConditionId;
use entraide_openapi::conditions::ConditionFollowState;
use entraide_openapi::problem as p;
use entraide_persistence::conditions;
use uuid::Uuid;

use crate::db;
use crate::error::ApiError;
use crate::extractors::AuthMember;
use crate::state::AppState;

/// Follow a condition
///
/// Follow a condition: its newly published resources and upcoming events reach
/// `GET /feed/conditions`. Idempotent; 404 for an unknown condition.
#[utoipa::path(
    tag = "conditions",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The condition's id")),
    responses(
        (status = 200, description = "Following", body = ConditionFollowState),
        p::ReadErrors,
    )
)]
#[put("/conditions/{id}/follow")]
pub async fn follow_condition(
    state: web::Data<AppState>,
    member: AuthMember,
    path: web::Path<Uuid>,
) -> Result<web::Json<ConditionFollowState>, ApiError> {
    let id = ConditionId::from_uuid(path.into_inner());
    db::write(&state, move |conn| {
        conditions::find(conn, id)?.ok_or(ApiError::NotFound)?;
        conditions::follow(conn, id, member.id, Utc::now())?;
        Ok(ConditionFollowState {
            following: true,
            follower_count: conditions::follower_count(conn, id)?,
        })
    })
    .await
    .map(web::Json)
}

/// Unfollow a condition
///
/// Stop following a condition. Idempotent; 404 for an unknown condition.
#[utoipa::path(
    tag = "conditions",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The condition's id")),
    responses(
        (status = 204, description = "Not following"),
        p::ReadErrors,
    )
)]
#[delete("/conditions/{id}/follow")]
pub async fn unfollow_condition(
    state: web::Data<AppState>,
    member: AuthMember,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = ConditionId::from_uuid(path.into_inner());
    db::write(&state, move |conn| {
        conditions::find(conn, id)?.ok_or(ApiError::NotFound)?;
        Ok(conditions::unfollow(conn, id, member.id)?)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
