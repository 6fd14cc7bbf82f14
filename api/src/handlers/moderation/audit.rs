use actix_web::{get, web};
use entraide_domain::member::PlatformRole;
use entraide_openapi::moderation::AdminAuditEntry;
use entraide_openapi::pagination::{Page, PageQuery};
use entraide_openapi::problem as p;
use entraide_persistence::admin_audit::{self, AuditScope};

use crate::convert::moderation::action_to_wire;
use crate::db;
use crate::error::ApiError;
use crate::extractors::AuthMember;
use crate::pagination::{IdCursor, PageRequest};
use crate::state::AppState;
use crate::views::members::authors;

/// Read the administration audit log
///
/// What was done to members' rights and standing — platform roles, editor and researcher
/// rights, kind changes approved, verification requests decided — by whom and when, newest
/// first. Platform admins only.
/// Moderation decisions and sanctions are in `GET /moderation/log`.
#[utoipa::path(
    tag = "moderation",
    security(("bearer" = [])),
    params(PageQuery),
    responses(
        (status = 200, description = "A page of the audit log", body = Page<AdminAuditEntry>),
        p::ListErrors, p::Forbidden,
    )
)]
#[get("/admin/audit")]
pub async fn read_admin_audit(
    state: web::Data<AppState>,
    member: AuthMember,
    paging: web::Query<PageQuery>,
) -> Result<web::Json<Page<AdminAuditEntry>>, ApiError> {
    if member.role < PlatformRole::Admin {
        return Err(ApiError::Forbidden);
    }
    let page = PageRequest::<IdCursor>::parse(&paging)?;
    let before = page.after.as_ref().map(IdCursor::id);
    let fetch = page.fetch();
    let items = db::read(&state, move |conn| {
        let entries = admin_audit::list(conn, AuditScope::All, before, fetch)?;
        let people = authors(
            conn,
            entries.iter().flat_map(|e| [e.actor, e.member]).flatten(),
        )?;
        Ok(entries
            .into_iter()
            .map(|e| AdminAuditEntry {
                id: e.id,
                actor: e.actor.and_then(|a| people.get(&a).cloned()),
                action: action_to_wire(e.action),
                member: e.member.and_then(|m| people.get(&m).cloned()),
                detail: e.detail,
                at: e.at,
            })
            .collect::<Vec<_>>())
    })
    .await?;
    page.page(items, |item| IdCursor::of(item.id), |item| item)
        .map(web::Json)
}
