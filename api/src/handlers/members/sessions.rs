use actix_web::{HttpResponse, delete, get, web};
use chrono::{DateTime, TimeDelta, Utc};
use entraide_domain::ids::SessionId;
use entraide_openapi::auth::SessionItem;
use entraide_openapi::pagination::{Page, PageQuery};
use entraide_openapi::problem as p;
use entraide_persistence::sessions::{self, SessionEntry};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::db;
use crate::error::ApiError;
use crate::extractors::AuthMember;
use crate::pagination::PageRequest;
use crate::state::AppState;

#[derive(Serialize, Deserialize)]
struct Cursor {
    #[serde(deserialize_with = "crate::pagination::instant")]
    c: DateTime<Utc>,
    s: Uuid,
}

/// List my sessions
///
/// Your live sessions — one per login, on whichever device — newest login first: not
/// logged out, and used (logged in or refreshed) within the refresh-token lifetime. `current`
/// marks the one this request was made with. Revoke any of them with
/// `DELETE /api/v1/members/me/sessions/{id}`; a password change revokes all but the current one.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    params(PageQuery),
    responses(
        (status = 200, description = "A page of live sessions", body = Page<SessionItem>),
        p::ListErrors,
    )
)]
#[get("/members/me/sessions")]
pub async fn list_my_sessions(
    state: web::Data<AppState>,
    member: AuthMember,
    paging: web::Query<PageQuery>,
) -> Result<web::Json<Page<SessionItem>>, ApiError> {
    let page = PageRequest::<Cursor>::parse(&paging)?;
    let before = page
        .after
        .as_ref()
        .map(|c| (c.c, SessionId::from_uuid(c.s)));
    let fetch = page.fetch();
    let ttl = i64::try_from(state.settings.refresh_token_ttl_days)
        .ok()
        .and_then(TimeDelta::try_days)
        .ok_or_else(|| ApiError::internal("refresh token lifetime out of range"))?;
    let used_since = Utc::now()
        .checked_sub_signed(ttl)
        .ok_or_else(|| ApiError::internal("refresh token lifetime out of range"))?;
    let items = db::read(&state, move |conn| {
        Ok(sessions::list_live(
            conn, member.id, used_since, before, fetch,
        )?)
    })
    .await?;
    page.page(
        items,
        |entry| Cursor {
            c: entry.created_at,
            s: entry.id.as_uuid(),
        },
        |entry| {
            let SessionEntry {
                id,
                created_at,
                last_used_at,
                device,
            } = entry;
            SessionItem {
                id: id.as_uuid(),
                created_at,
                last_used_at,
                device,
                current: id == member.session_id,
            }
        },
    )
    .map(web::Json)
}

/// Revoke one of my sessions
///
/// Logs one of your sessions out: its access token is refused on its very next request and
/// its refresh tokens stop working. Revoking the current session is a logout. Idempotent for
/// your own sessions; a session that is not yours is 404, like one that does not exist.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The session to revoke")),
    responses(
        (status = 204, description = "Revoked"),
        p::BadRequest, p::SessionErrors, p::NotFound,
    )
)]
#[delete("/members/me/sessions/{id}")]
pub async fn revoke_my_session(
    state: web::Data<AppState>,
    member: AuthMember,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let session = SessionId::from_uuid(path.into_inner());
    let owned = db::write(&state, move |conn| {
        Ok(sessions::revoke_own_session(
            conn,
            member.id,
            session,
            Utc::now(),
        )?)
    })
    .await?;
    state.sessions.forget(member.id);
    if !owned {
        return Err(ApiError::NotFound);
    }
    state.hub.wake(&[member.id]);
    Ok(HttpResponse::NoContent().finish())
}
