use actix_web::{get, web};
use entraide_openapi::members::MyProfile;
use entraide_openapi::problem as p;
use entraide_persistence::{kind_changes, members};

use crate::convert;
use crate::db;
use crate::error::ApiError;
use crate::extractors::AuthMember;
use crate::state::AppState;

/// Get your profile
///
/// Your own account and profile, with e-mail, role, visibility settings and the kind change
/// you asked for, if it is still waiting.
#[utoipa::path(
    tag = "members",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Your profile", body = MyProfile),
        p::SessionErrors,
    )
)]
#[get("/members/me")]
pub async fn get_my_profile(
    state: web::Data<AppState>,
    member: AuthMember,
) -> Result<web::Json<MyProfile>, ApiError> {
    let (account, pending, badge) = db::read(&state, move |conn| {
        let account = members::find_account(conn, member.id)?.ok_or(ApiError::NotFound)?;
        let badge = entraide_persistence::verification::granted(conn, member.id)?;
        Ok((account, kind_changes::pending(conn, member.id)?, badge))
    })
    .await?;
    Ok(web::Json(convert::my_profile(
        &account,
        pending.as_ref(),
        badge,
    )))
}
