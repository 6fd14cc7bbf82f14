use actix_web::{get, web};
use entraide_domain::ids::MemberId;
use entraide_openapi::members::MemberProfile;
use entraide_openapi::problem as p;
use entraide_persistence::{blocks, members, researchers, verification};
use uuid::Uuid;

use crate::convert;
use crate::db;
use crate::error::ApiError;
use crate::extractors::MaybeMember;
use crate::state::AppState;

/// Get a member's profile
///
/// A member's profile, showing only the parts this reader may see: anonymous visitors see
/// `public` parts, members also `members` parts, the owner everything. E-mail never appears.
/// Between two members one of whom blocked the other, the profile is 404 (as if it did not
/// exist) — to the blocker and to the blocked alike.
#[utoipa::path(
    tag = "members",
    security((), ("bearer" = [])),
    params(("id" = Uuid, Path, description = "The member's id")),
    responses(
        (status = 200, description = "The profile as this reader may see it", body = MemberProfile),
        p::ReadErrors,
    )
)]
#[get("/members/{id}")]
pub async fn get_member(
    state: web::Data<AppState>,
    reader: MaybeMember,
    path: web::Path<Uuid>,
) -> Result<web::Json<MemberProfile>, ApiError> {
    let id = MemberId::from_uuid(path.into_inner());
    let reader_id = reader.0.map(|m| m.id);
    let (profile, researcher) = db::read(&state, move |conn| {
        if let Some(me) = reader_id
            && blocks::blocked_either_way(conn, me, id)?
        {
            return Err(ApiError::NotFound);
        }
        let profile = members::find_profile(conn, id)?.ok_or(ApiError::NotFound)?;
        let badge = verification::granted(conn, id)?;
        Ok((profile, (researchers::is_researcher(conn, id)?, badge)))
    })
    .await?;
    let (researcher, badge) = researcher;
    Ok(web::Json(convert::member_profile(
        profile.view_for(reader.viewer()),
        researcher,
        badge,
    )))
}
