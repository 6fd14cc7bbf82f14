use actix_web::{post, web};
use chrono::Utc;
use entraide_domain::group::{GroupRole, Membership, MembershipStatus, can_remove};
use entraide_domain::ids::{MemberId, ReportId};
use entraide_domain::member::PlatformRole;
use entraide_domain::moderation::{Queue, can_sanction, parse_decision_reason};
use entraide_openapi::moderation::{DecisionRequest, ModerationLogEntry, ReinstateRequest};
use entraide_openapi::problem::{self as p, ProblemCode};
use entraide_persistence::moderation::{self, Report};
use entraide_persistence::{DbConnection, groups, members};
use uuid::Uuid;

use crate::access::moderation::require_moderator;
use crate::convert::moderation::decision_from_wire;
use crate::db;
use crate::error::ApiError;
use crate::extractors::AuthMember;
use crate::json::Json;
use crate::media::store::delete_all;
use crate::notices;
use crate::state::AppState;
use crate::views::moderation::log_entries;

/// Policy check for a sanction of the report's author: platform sanctions go down the roles
/// (`can_sanction`); a group ban follows the group's removal rule (platform moderators may ban
/// from any group).
fn require_sanction(
    conn: &mut DbConnection,
    actor: &AuthMember,
    report: &Report,
) -> Result<(), ApiError> {
    let Some(target) = report.target_author else {
        return Err(ApiError::field(
            "action",
            "not_applicable",
            "the author's account no longer exists",
        ));
    };
    match report.queue() {
        Queue::Platform => {
            let role =
                members::find_profile(conn, target)?.map_or(PlatformRole::Member, |p| p.role);
            Ok(can_sanction(actor.id, actor.role, target, role)?)
        }
        Queue::Group(group) => {
            let target_membership =
                groups::membership(conn, group, target)?.unwrap_or(Membership {
                    role: GroupRole::Member,
                    status: MembershipStatus::Pending,
                });
            if actor.role >= PlatformRole::Moderator {
                // Platform moderators ban from any group, but never its owners, nor anyone
                // their platform role does not reach.
                let role =
                    members::find_profile(conn, target)?.map_or(PlatformRole::Member, |p| p.role);
                can_sanction(actor.id, actor.role, target, role)?;
                if target_membership.role == GroupRole::Owner {
                    return Err(ApiError::Forbidden);
                }
                return Ok(());
            }
            let actor_membership = groups::membership(conn, group, actor.id)?;
            Ok(can_remove(
                actor.id,
                actor_membership,
                target,
                target_membership,
            )?)
        }
    }
}

/// Decide a report
///
/// Decide a report from your queue, with a reason its author reads
/// (`GET /members/me/moderation`) for all but a dismissal: `dismiss`; `hide` (the content stays
/// stored for an appeal but only its author and moderators see it); `remove` (deleted);
/// `warn`; `suspend` (platform queue: the author cannot log in for `duration_days`, 1 to 365,
/// and every session ends); `ban` (platform queue: suspended until reinstated; a group's queue:
/// banned from the group). `hide` and `remove` apply to posts and comments, `suspend` to the
/// platform queue (422 on `action` otherwise). Moderators sanction members, admins also
/// moderators (403 otherwise). One decision answers every open report of the same target in
/// the queue, and is written to the moderation log. A report you may not work on is 404; one
/// already decided is 409 `report_closed`; you do not decide reports about yourself or what you
/// wrote (403: another moderator does).
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
#[post("/moderation/reports/{id}/actions")]
pub async fn decide_report(
    state: web::Data<AppState>,
    member: AuthMember,
    path: web::Path<Uuid>,
    body: Json<DecisionRequest>,
) -> Result<web::Json<ModerationLogEntry>, ApiError> {
    let id = ReportId::from_uuid(path.into_inner());
    let request = body.into_inner();
    let decision = decision_from_wire(request.action);
    let now = Utc::now();
    let (entry, woken, photos, sanctioned) = db::write(&state, move |conn| {
        let report = moderation::find(conn, id)?.ok_or(ApiError::NotFound)?;
        // Who may not work on the report's queue learns nothing of it.
        require_moderator(conn, &member, report.queue()).map_err(|e| match e {
            ApiError::Forbidden | ApiError::Refused { .. } => ApiError::NotFound,
            other => other,
        })?;
        moderation::lock_target(conn, report.target_kind, &report.target_id)?;
        // Read again under the lock: another moderator may have decided it meanwhile.
        let report = moderation::find(conn, id)?.ok_or(ApiError::NotFound)?;
        if report.decided_at.is_some() {
            return Err(ApiError::conflict(ProblemCode::ReportClosed));
        }
        if report.target_author == Some(member.id) {
            return Err(ApiError::Forbidden);
        }
        // The request's values are judged once the report is known to be the caller's to decide
        // (a report they may not see is 404 whatever the body says).
        let mut errors = entraide_domain::error::Errors::new();
        let reason = errors.check("reason", parse_decision_reason(&request.reason));
        let until = errors.keep(decision.until(request.duration_days, now));
        errors.keep(decision.applies(report.target_kind, report.queue()));
        errors.finish()?;
        let (Some(reason), Some(until)) = (reason, until) else {
            return Err(ApiError::internal("a parsed decision went missing"));
        };
        if decision.sanctions() {
            require_sanction(conn, &member, &report)?;
        }
        let reporters = moderation::open_reporters(conn, &report)?;
        let (entry, photos) =
            moderation::decide(conn, &report, decision, member.id, &reason, until, now)?;
        let mut woken = notices::report_decided(
            conn,
            &reporters,
            report.target_author,
            decision,
            entry.id,
            now,
        )?;
        // A suspension or ban ends the member's streams now (each re-checks its session), a
        // group ban refreshes their counts.
        if let Some(sanctioned) = report.target_author.filter(|_| decision.sanctions())
            && !woken.contains(&sanctioned)
        {
            woken.push(sanctioned);
        }
        let entry = log_entries(conn, vec![entry])?
            .pop()
            .ok_or_else(|| ApiError::internal("the log entry vanished"))?;
        let sanctioned = report.target_author.filter(|_| decision.sanctions());
        Ok((entry, woken, photos, sanctioned))
    })
    .await?;
    // A platform suspension or ban revoked the member's sessions (a group ban changes nothing
    // of them: forgetting them then costs one read).
    if let Some(sanctioned) = sanctioned {
        state.sessions.forget(sanctioned);
    }
    // A removed post's or comment's photos: their rows went in the transaction.
    if !photos.is_empty() {
        let store = state.media.clone();
        web::block(move || delete_all(store.as_ref(), &photos)).await?;
    }
    state.hub.wake(&woken);
    Ok(web::Json(entry))
}

/// Reinstate a member
///
/// Lift a member's platform suspension or ban (platform moderators for members, admins also
/// for moderators), with a reason the member reads; logged. Idempotent: a member who is not
/// suspended stays so, and the lifting is still logged.
#[utoipa::path(
    tag = "moderation",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The member's id")),
    request_body = ReinstateRequest,
    responses(
        (status = 200, description = "Reinstated; the log entry", body = ModerationLogEntry),
        p::WriteErrors,
    )
)]
#[post("/members/{id}/reinstate")]
pub async fn reinstate_member(
    state: web::Data<AppState>,
    member: AuthMember,
    path: web::Path<Uuid>,
    body: Json<ReinstateRequest>,
) -> Result<web::Json<ModerationLogEntry>, ApiError> {
    let target = MemberId::from_uuid(path.into_inner());
    let raw = body.into_inner().reason;
    let entry = db::write(&state, move |conn| {
        if member.role < PlatformRole::Moderator {
            return Err(ApiError::Forbidden);
        }
        let profile = members::find_profile(conn, target)?.ok_or(ApiError::NotFound)?;
        can_sanction(member.id, member.role, target, profile.role)?;
        let reason = parse_decision_reason(&raw).map_err(|e| e.in_field("reason"))?;
        let entry = moderation::reinstate(conn, target, member.id, &reason, Utc::now())?;
        log_entries(conn, vec![entry])?
            .pop()
            .ok_or_else(|| ApiError::internal("the log entry vanished"))
    })
    .await?;
    state.sessions.forget(target);
    Ok(web::Json(entry))
}
