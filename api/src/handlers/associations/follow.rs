use actix_web::{delete, put, web};
use chrono::Utc;
use entraide_domain::ids::AssociationId;
use entraide_openapi::associations::FollowState;
use entraide_openapi::problem as p;
use entraide_persistence::associations;
use uuid::Uuid;

use crate::db;
use crate::error::ApiError;
use crate::extractors::AuthMember;
use crate::state::AppState;

async fn set_follow(
    state: &AppState,
    member: AuthMember,
    id: AssociationId,
    following: bool,
) -> Result<FollowState, ApiError> {
    state.announcements.forget(member.id);
    db::write(state, move |conn| {
        associations::find(conn, id)?.ok_or(ApiError::NotFound)?;
        if following {
            associations::follow(conn, id, member.id, Utc::now())?;
        } else {
            associations::unfollow(conn, id, member.id)?;
        }
        let association = associations::find(conn, id)?.ok_or(ApiError::NotFound)?;
        Ok(FollowState {
            following,
            follower_count: association.follower_count,
        })
    })
    .await
}

/// Follow an association
///
/// Follow an association without joining it: its announcements reach your home feed.
/// Idempotent.
#[utoipa::path(
    tag = "associations",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The association's id")),
    responses(
        (status = 200, description = "Following", body = FollowState),
        p::ReadErrors,
    )
)]
#[put("/associations/{id}/follow")]
pub async fn follow_association(
    state: web::Data<AppState>,
    member: AuthMember,
    path: web::Path<Uuid>,
) -> Result<web::Json<FollowState>, ApiError> {
    let id = AssociationId::from_uuid(path.into_inner());
    set_follow(&state, member, id, true).await.map(web::Json)
}

/// Unfollow an association
///
/// Stop following an association. Idempotent.
#[utoipa::path(
    tag = "associations",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The association's id")),
    responses(
        (status = 200, description = "Not following", body = FollowState),
        p::ReadErrors,
    )
)]
#[delete("/associations/{id}/follow")]
pub async fn unfollow_association(
    state: web::Data<AppState>,
    member: AuthMember,
    path: web::Path<Uuid>,
) -> Result<web::Json<FollowState>, ApiError> {
    let id = AssociationId::from_uuid(path.into_inner());
    set_follow(&state, member, id, false).await.map(web::Json)
}
