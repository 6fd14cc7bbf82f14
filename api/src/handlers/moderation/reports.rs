use actix_web::{HttpResponse, get, post, web};
use chrono::Utc;
use entraide_domain::ids::{ModerationActionId, ReportId};
use entraide_domain::moderation::{can_report, parse_note};
use entraide_openapi::moderation::{ModerationNotice, MyReport, NewReportRequest};
use entraide_openapi::pagination::{Page, PageQuery};
use entraide_openapi::problem as p;
use entraide_persistence::moderation::{self, LogScope, NewReport, REPORTS_PER_HOUR};

use crate::access::moderation::reportable;
use crate::convert::moderation::{my_report, reason_from_wire, target_from_wire};
use crate::db;
use crate::error::ApiError;
use crate::extractors::AuthMember;
use crate::json::Json;
use crate::pagination::{IdCursor, PageRequest};
use crate::state::AppState;
use crate::views::moderation::notices;

/// Report something
///
/// Report a post, comment, event, resource or member you can read (404 otherwise), with a
/// reason and an optional note. Group content goes to the group's moderators; everything
/// else, and every `self_harm` or `minor_at_risk` report, to platform moderators — those two
/// first in their queue. Reporting the same thing again while your report waits answers 200
/// with it (nothing new is stored); a new report is 201. You cannot report yourself or what
/// you wrote (403 `self_report`). The author is never told who reported. Reporting the same
/// thing again as `self_harm` or `minor_at_risk` makes the waiting report urgent. At most 30
/// reports an hour (429).
#[utoipa::path(
    tag = "moderation",
    security(("bearer" = [])),
    request_body = NewReportRequest,
    responses(
        (status = 201, description = "Reported", body = MyReport),
        (status = 200, description = "Already reported, waiting for a decision", body = MyReport),
        p::WriteErrors, p::TooManyRequests,
    )
)]
#[post("/reports")]
pub async fn file_report(
    state: web::Data<AppState>,
    member: AuthMember,
    body: Json<NewReportRequest>,
) -> Result<HttpResponse, ApiError> {
    let request = body.into_inner();
    let kind = target_from_wire(request.target_kind);
    let reason = reason_from_wire(request.reason);
    let note = match request.note.as_deref() {
        Some(raw) => parse_note(raw).map_err(|e| e.in_field("note"))?,
        None => String::new(),
    };
    let target = request.target_id;
    let (report, created) = db::write(&state, move |conn| {
        let now = Utc::now();
        let hour_ago = now - chrono::TimeDelta::hours(1);
        if moderation::filed_since(conn, member.id, hour_ago)? >= REPORTS_PER_HOUR {
            return Err(ApiError::RateLimited {
                retry_after_secs: 600,
            });
        }
        let reported = reportable(conn, &member, kind, target)?;
        can_report(member.id, reported.author)?;
        let new = NewReport {
            reporter: member.id,
            target_kind: kind,
            target_id: target.to_string(),
            target_author: Some(reported.author),
            group: reported.group,
            reason,
            note,
            excerpt: reported.text.as_deref().map(moderation::excerpt_of),
        };
        Ok(moderation::file(conn, &new, now)?)
    })
    .await?;
    let item = my_report(report)?;
    Ok(if created {
        HttpResponse::Created().json(item)
    } else {
        HttpResponse::Ok().json(item)
    })
}

/// List my reports
///
/// The reports you made, newest first, and what moderators decided.
#[utoipa::path(
    tag = "moderation",
    security(("bearer" = [])),
    params(PageQuery),
    responses(
        (status = 200, description = "A page of your reports", body = Page<MyReport>),
        p::ListErrors,
    )
)]
#[get("/members/me/reports")]
pub async fn list_my_reports(
    state: web::Data<AppState>,
    member: AuthMember,
    paging: web::Query<PageQuery>,
) -> Result<web::Json<Page<MyReport>>, ApiError> {
    let page = PageRequest::<IdCursor>::parse(&paging)?;
    let before = page.after.as_ref().map(|c| ReportId::from_uuid(c.id()));
    let fetch = page.fetch();
    let reports = db::read(&state, move |conn| {
        Ok(moderation::by_reporter(conn, member.id, before, fetch)?)
    })
    .await?;
    let items = reports
        .into_iter()
        .map(my_report)
        .collect::<Result<Vec<_>, _>>()?;
    page.page(items, |item| IdCursor::of(item.id), |item| item)
        .map(web::Json)
}

/// List moderation decisions about me
///
/// What moderators hid, removed or warned you about — your posts, comments, events,
/// resources or profile — and your suspensions or bans, with their reason, newest first.
/// Who reported and which moderator decided are not shown. `appealable` says whether you may
/// still appeal a decision (a `hide` or a group's `ban`, within 30 days, once), `appeal` where
/// your appeal stands.
#[utoipa::path(
    tag = "moderation",
    security(("bearer" = [])),
    params(PageQuery),
    responses(
        (status = 200, description = "A page of decisions", body = Page<ModerationNotice>),
        p::ListErrors,
    )
)]
#[get("/members/me/moderation")]
pub async fn list_my_notices(
    state: web::Data<AppState>,
    member: AuthMember,
    paging: web::Query<PageQuery>,
) -> Result<web::Json<Page<ModerationNotice>>, ApiError> {
    let page = PageRequest::<IdCursor>::parse(&paging)?;
    let before = page
        .after
        .as_ref()
        .map(|c| ModerationActionId::from_uuid(c.id()));
    let fetch = page.fetch();
    let items = db::read(&state, move |conn| {
        let entries = moderation::log(conn, LogScope::About(member.id), before, fetch)?;
        notices(conn, entries, Utc::now())
    })
    .await?;
    page.page(items, |item| IdCursor::of(item.id), |item| item)
        .map(web::Json)
}
