use actix_web::{HttpResponse, get, post, web};
use chrono::Utc;
use entraide_domain::ids::{AppealId, ModerationActionId};
use entraide_domain::moderation::{appeal_queue, can_appeal, parse_decision_reason};
use entraide_openapi::moderation::{
    AppealDecisionRequest, AppealItem, AppealRequest, QueueQuery, QueuedAppeal,
};
use entraide_openapi::pagination::{Page, PageQuery};
use entraide_openapi::problem::{self as p, ProblemCode};
use entraide_persistence::{appeals, moderation};
use uuid::Uuid;

use crate::access::moderation::{queue_of, require_moderator};
use crate::convert::moderation::{appeal_item, appeal_outcome_from_wire};
use crate::db;
use crate::error::ApiError;
use crate::extractors::AuthMember;
use crate::json::Json;
use crate::pagination::{IdCursor, PageRequest};
use crate::state::AppState;
use crate::views::moderation::log_entries;

/// Appeal a decision about me
///
/// Ask the moderators who decided to look again at hidden content of yours, or at your ban
/// from a group, within 30 days of the decision, once, with a statement they read (3 to 1,000
/// characters). The appeal waits in the queue that decided (`GET /moderation/appeals`);
/// `GET /members/me/moderation` shows where it stands. A decision that is not about you is 404;
/// a dismissal, warning, removal, lifting or platform suspension (you could not sign in to
/// appeal it: write to the platform), or a decision older than 30 days, is 403
/// `not_appealable`; a second appeal is 409 `already_appealed`.
#[utoipa::path(
    tag = "moderation",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The decision (`ModerationNotice.id`)")),
    request_body = AppealRequest,
    responses(
        (status = 201, description = "Appealed", body = AppealItem),
        p::WriteErrors,
    )
)]
#[post("/members/me/moderation/{id}/appeal")]
pub async fn appeal_decision(
    state: web::Data<AppState>,
    member: AuthMember,
    path: web::Path<Uuid>,
    body: Json<AppealRequest>,
) -> Result<HttpResponse, ApiError> {
    let action = ModerationActionId::from_uuid(path.into_inner());
    let raw = body.into_inner().statement;
    let appeal = db::write(&state, move |conn| {
        let entry = moderation::find_entry(conn, action)?
            .filter(|e| e.target_author == Some(member.id))
            .ok_or(ApiError::NotFound)?;
        let now = Utc::now();
        can_appeal(
            entry.decision,
            appeal_queue(entry.group, entry.urgent),
            entry.at,
            now,
        )?;
        let statement = parse_decision_reason(&raw).map_err(|e| e.in_field("statement"))?;
        appeals::file(conn, action, member.id, &statement, now)?
            .ok_or_else(|| ApiError::conflict(ProblemCode::AlreadyAppealed))
    })
    .await?;
    Ok(HttpResponse::Created().json(appeal_item(appeal)))
}

/// Read appeals
///
/// The appeals waiting for an answer, oldest first, each with the decision it is about (who
/// appeals is its `target_author`). Without `group_id`, the platform's (platform moderators):
/// appeals of decisions taken in the platform queue. With `group_id`, that group's (its owners
/// and moderators, and platform moderators). Your own appeals are never listed to you.
#[utoipa::path(
    tag = "moderation",
    security(("bearer" = [])),
    params(QueueQuery, PageQuery),
    responses(
        (status = 200, description = "A page of open appeals", body = Page<QueuedAppeal>),
        p::ListErrors, p::Forbidden, p::NotFound,
    )
)]
#[get("/moderation/appeals")]
pub async fn read_appeals(
    state: web::Data<AppState>,
    member: AuthMember,
    query: web::Query<QueueQuery>,
    paging: web::Query<PageQuery>,
) -> Result<web::Json<Page<QueuedAppeal>>, ApiError> {
    let queue = queue_of(&query);
    let page = PageRequest::<IdCursor>::parse(&paging)?;
    let after = page.after.as_ref().map(|c| AppealId::from_uuid(c.id()));
    let fetch = page.fetch();
    let items = db::read(&state, move |conn| {
        require_moderator(conn, &member, queue)?;
        let open = appeals::open_in_queue(conn, queue, member.id, after, fetch)?;
        let (open, entries): (Vec<_>, Vec<_>) = open.into_iter().unzip();
        let decisions = log_entries(conn, entries)?;
        Ok(open
            .into_iter()
            .zip(decisions)
            .map(|(appeal, decision)| QueuedAppeal {
                id: appeal.id.as_uuid(),
                statement: appeal.statement,
                created_at: appeal.created_at,
                decision,
            })
            .collect::<Vec<_>>())
    })
    .await?;
    page.page(items, |item| IdCursor::of(item.id), |item| item)
        .map(web::Json)
}

/// Answer an appeal
///
/// `granted` undoes the decision — hidden content is shown again, a group's ban lifted (the
/// member may join again) — and logs it (`restore` or `reinstate`); `upheld` leaves it. The
/// reason (3 to 1,000 characters) is read by the member. For the moderators of the queue that
/// decided (404 for anyone else). You do not answer your own appeal (403); an answered appeal
/// is 409 `appeal_closed`.
#[utoipa::path(
    tag = "moderation",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The appeal's id")),
    request_body = AppealDecisionRequest,
    responses(
        (status = 200, description = "Answered", body = AppealItem),
        p::WriteErrors,
    )
)]
#[post("/moderation/appeals/{id}/decision")]
pub async fn decide_appeal(
    state: web::Data<AppState>,
    member: AuthMember,
    path: web::Path<Uuid>,
    body: Json<AppealDecisionRequest>,
) -> Result<web::Json<AppealItem>, ApiError> {
    let id = AppealId::from_uuid(path.into_inner());
    let request = body.into_inner();
    let outcome = appeal_outcome_from_wire(request.outcome);
    let appeal = db::write(&state, move |conn| {
        let appeal = appeals::find(conn, id)?.ok_or(ApiError::NotFound)?;
        let entry = moderation::find_entry(conn, appeal.action)?.ok_or(ApiError::NotFound)?;
        // Who may not work on the queue learns nothing of the appeal.
        require_moderator(conn, &member, appeal_queue(entry.group, entry.urgent)).map_err(|e| {
            match e {
                ApiError::Forbidden | ApiError::Refused { .. } => ApiError::NotFound,
                other => other,
            }
        })?;
        if appeal.member == member.id {
            return Err(ApiError::Forbidden);
        }
        appeals::lock(conn, id)?;
        let appeal = appeals::find(conn, id)?.ok_or(ApiError::NotFound)?;
        if appeal.decided_at.is_some() {
            return Err(ApiError::conflict(ProblemCode::AppealClosed));
        }
        let reason = parse_decision_reason(&request.reason).map_err(|e| e.in_field("reason"))?;
        Ok(appeals::decide(
            conn,
            &appeal,
            &entry,
            outcome,
            member.id,
            &reason,
            Utc::now(),
        )?)
    })
    .await?;
    Ok(web::Json(appeal_item(appeal)))
}
