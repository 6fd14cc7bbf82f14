use actix_web::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use actix_web::{HttpResponse, get, web};
use chrono::Utc;
use entraide_domain::ids::StudyId;
use entraide_openapi::pagination::{Page, PageQuery};
use entraide_openapi::problem as p;
use entraide_openapi::research::{
    AuditEntry as WireAuditEntry, ExportFormat, StudyAggregates, StudyExport,
};
use entraide_persistence::research_audit::{self, AuditAction};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use crate::access::research::managed_study;
use crate::convert::research::audit_to_wire;
use crate::db;
use crate::error::ApiError;
use crate::extractors::AuthMember;
use crate::pagination::IdCursor;
use crate::pagination::PageRequest;
use crate::state::AppState;
use crate::views::research::{aggregates, export_csv, export_rows};

/// The export's format.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// `csv` or `json` (the default).
    #[param(inline)]
    pub format: Option<ExportFormat>,
}

/// Export a study's answers
///
/// One row per response under a consent still in force: the participant's study pseudonym
/// (stable in this study, unlinkable across studies), the questionnaire and consent text
/// versions, the day it was given, the answers — free-text answers only when the consent text
/// says they are shared. Never an identity, a pseudonym or an e-mail. The study's researcher
/// (while they hold the right) and platform admins; every export is written to the study's
/// audit log.
#[utoipa::path(
    tag = "research",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The study's id"), ExportQuery),
    responses(
        (status = 200, description = "The export", content(
            (StudyExport = "application/json"),
            (String = "text/csv", example = "participant,questionnaire_id,questionnaire_version,consent_version,answered_on,pain\np_3f9a0c1e5b7d2a4f6e8c0b1d3f5a7c9e,01939a4e-8f7a-7cc3-9a51-3c1f0e2b6d13,1,1,2026-12-02,4\n"),
        )),
        p::ActionErrors,
    )
)]
#[get("/studies/{id}/export")]
pub async fn export_study(
    state: web::Data<AppState>,
    actor: AuthMember,
    path: web::Path<Uuid>,
    query: web::Query<ExportQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = StudyId::from_uuid(path.into_inner());
    let format = query.into_inner().format.unwrap_or(ExportFormat::Json);
    let action = match format {
        ExportFormat::Csv => AuditAction::ExportCsv,
        ExportFormat::Json => AuditAction::ExportJson,
    };
    let rows = db::write(&state, move |conn| {
        let study = managed_study(conn, id, actor)?;
        research_audit::record(conn, id, actor.id, action, Utc::now())?;
        export_rows(conn, &study)
    })
    .await?;
    match format {
        ExportFormat::Json => Ok(HttpResponse::Ok().json(StudyExport {
            study_id: id.as_uuid(),
            items: rows,
        })),
        ExportFormat::Csv => Ok(HttpResponse::Ok()
            .insert_header((CONTENT_TYPE, "text/csv; charset=utf-8"))
            .insert_header((
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"study-{id}.csv\""),
            ))
            .body(export_csv(&rows)?)),
    }
}

/// A study's aggregates
///
/// Per questionnaire (its current version, each participant's latest response on it) and per
/// item: participants per option, mean, median and quartiles of scales and numbers. Any
/// figure describing fewer than 5 participants is `null`, and so is any figure that would let
/// one be recomputed. The study's researcher and platform admins; written to the audit log.
#[utoipa::path(
    tag = "research",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The study's id")),
    responses(
        (status = 200, description = "The aggregates", body = StudyAggregates),
        p::ActionErrors,
    )
)]
#[get("/studies/{id}/aggregates")]
pub async fn study_aggregates(
    state: web::Data<AppState>,
    actor: AuthMember,
    path: web::Path<Uuid>,
) -> Result<web::Json<StudyAggregates>, ApiError> {
    let id = StudyId::from_uuid(path.into_inner());
    db::write(&state, move |conn| {
        let study = managed_study(conn, id, actor)?;
        research_audit::record(conn, id, actor.id, AuditAction::Aggregates, Utc::now())?;
        aggregates(conn, &study)
    })
    .await
    .map(web::Json)
}

/// A study's audit log
///
/// Who read the study's answers (exports, aggregates), how, when; newest first. The study's
/// researcher and platform admins.
#[utoipa::path(
    tag = "research",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The study's id"), PageQuery),
    responses(
        (status = 200, description = "A page of the log", body = Page<WireAuditEntry>),
        p::ActionErrors, p::UnprocessableEntity,
    )
)]
#[get("/studies/{id}/audit")]
pub async fn study_audit(
    state: web::Data<AppState>,
    actor: AuthMember,
    path: web::Path<Uuid>,
    paging: web::Query<PageQuery>,
) -> Result<web::Json<Page<WireAuditEntry>>, ApiError> {
    let id = StudyId::from_uuid(path.into_inner());
    let page = PageRequest::<IdCursor>::parse(&paging)?;
    let before = page.after.as_ref().map(IdCursor::id);
    let fetch = page.fetch();
    let entries = db::read(&state, move |conn| {
        managed_study(conn, id, actor)?;
        Ok(research_audit::of_study(conn, id, before, fetch)?)
    })
    .await?;
    page.page(
        entries,
        |e| IdCursor::of(e.id),
        |e| WireAuditEntry {
            actor_id: e.actor.as_uuid(),
            action: audit_to_wire(e.action),
            at: e.at,
        },
    )
    .map(web::Json)
}
