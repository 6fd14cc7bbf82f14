use actix_web::{post, web};
use chrono::Utc;
use entraide_domain::ids::ReportId;
use entraide_domain::moderation::parse_decision_reason;
use entraide_openapi::moderation::{DecisionRequest, ModerationLogEntry};
use entraide_openapi::problem::{self as p, ProblemCode};
use entraide_persistence::moderation;
use uuid::Uuid;

use crate::access::moderation::require_moderator;
use crate::convert::moderation::decision_from_wire;
use crate::db;
use crate::error::ApiError;
use crate::extractors::AuthMember;
use crate::json::Json;
use crate::state::AppState;
use crate::views::moderation::log_entries;

/// Decide a report
///
/// Decide a report from your queue: `dismiss`, `hide` (the content stays stored for an appeal
/// but only its author and moderators see it), `remove` (deleted) or `warn`, with a reason the
/// author reads (`GET /members/me/moderation`) for all but a dismissal. `hide` and `remove`
/// apply to posts and comments (422 on `action` otherwise). One decision answers every open
/// report of the same target in the queue, and is written to the moderation log. A report
/// you may not work on is 404; one already decided is 409 `report_closed`; you do not decide
/// reports about yourself or what you wrote (403: another moderator does).
#[utoipa::path(
    tag = "moderation",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The report's id")),
    request_body = DecisionRequest,
    responses(
        (status = 200, description = "Decided; the log entry", body = ModerationLogEntry),
        p::WriteErrors,
    )
)]
#[post("/moderation/reports/{id}/decision")]
pub async fn decide_report(
    state: web::Data<AppState>,
    member: AuthMember,
    path: web::Path<Uuid>,
    body: Json<DecisionRequest>,
) -> Result<web::Json<ModerationLogEntry>, ApiError> {
    let id = ReportId::from_uuid(path.into_inner());
    let request = body.into_inner();
    let decision = decision_from_wire(request.action);
    let reason = parse_decision_reason(&request.reason).map_err(|e| e.in_field("reason"))?;
    let entry = db::write(&state, move |conn| {
        let report = moderation::find(conn, id)?.ok_or(ApiError::NotFound)?;
        // Who may not work on the report's queue learns nothing of it.
        require_moderator(conn, &member, report.queue()).map_err(|_| ApiError::NotFound)?;
        moderation::lock_target(conn, report.target_kind, &report.target_id)?;
        // Read again under the lock: another moderator may have decided it meanwhile.
        let report = moderation::find(conn, id)?.ok_or(ApiError::NotFound)?;
        if report.decided_at.is_some() {
            return Err(ApiError::conflict(ProblemCode::ReportClosed));
        }
        if report.target_author == Some(member.id) {
            return Err(ApiError::Forbidden);
        }
        if !decision.applies_to(report.target_kind) {
            return Err(ApiError::field(
                "action",
                "not_applicable",
                "hide and remove apply to posts and comments",
            ));
        }
        let entry = moderation::decide(conn, &report, decision, member.id, &reason, Utc::now())?;
        log_entries(conn, vec![entry])?
            .pop()
            .ok_or_else(|| ApiError::internal("the log entry vanished"))
    })
    .await?;
    Ok(web::Json(entry))
}
