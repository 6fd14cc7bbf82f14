use actix_web::{patch, web};
use chrono::Utc;
use entraide_domain::consent::Purpose;
use entraide_domain::error::Errors;
use entraide_domain::ids::StudyId;
use entraide_domain::research::{NewStudy, can_change_protocol, can_edit_details, can_move};
use entraide_domain::text::{Description, Label, Title};
use entraide_openapi::problem as p;
use entraide_openapi::research::{Study as WireStudy, UpdateStudyRequest};
use entraide_persistence::{consents, studies};
use uuid::Uuid;

use crate::access::research::managed_study;
use crate::convert::research::{parse_consent_body, parse_eligibility, status_from_wire};
use crate::db;
use crate::error::ApiError;
use crate::extractors::AuthMember;
use crate::json::Json;
use crate::parse::unknown_condition;
use crate::state::AppState;
use crate::views::research::study_view;

/// Change a study
///
/// Its researcher (while they hold the right) or a platform admin; 403 `forbidden` for anyone
/// else who may read it, 404 for a draft they may not. What the study says and whom it is for
/// change while a draft (409 `study_not_draft`); a new `consent_text` becomes the next version
/// until the study closes (409 `study_closed`), and every participant is asked again before
/// answering; `status` moves draft → open → closed (409 `invalid_study_status` otherwise).
#[utoipa::path(
    tag = "research",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The study's id")),
    request_body = UpdateStudyRequest,
    responses(
        (status = 200, description = "The study", body = WireStudy),
        p::WriteErrors, p::Conflict,
    )
)]
#[patch("/studies/{id}")]
pub async fn update_study(
    state: web::Data<AppState>,
    actor: AuthMember,
    path: web::Path<Uuid>,
    body: Json<UpdateStudyRequest>,
) -> Result<web::Json<WireStudy>, ApiError> {
    let id = StudyId::from_uuid(path.into_inner());
    let UpdateStudyRequest {
        title,
        lay_summary,
        sponsor,
        ethics_reference,
        eligibility,
        consent_text,
        status,
    } = body.into_inner();
    let mut errors = Errors::new();
    let title = title.and_then(|t| errors.check("title", Title::parse(&t)));
    let lay_summary = lay_summary.and_then(|s| errors.check("lay_summary", Description::parse(&s)));
    let sponsor = sponsor.and_then(|s| errors.check("sponsor", Label::parse(&s)));
    let ethics_reference =
        ethics_reference.and_then(|s| errors.check("ethics_reference", Label::parse(&s)));
    let eligibility = eligibility.and_then(|e| parse_eligibility(&mut errors, e));
    let consent_text = consent_text.and_then(|text| {
        errors
            .check("consent_text.body", parse_consent_body(&text.body))
            .map(|body| (body, text.shares_free_text))
    });
    errors.finish()?;
    let changes_details = title.is_some()
        || lay_summary.is_some()
        || sponsor.is_some()
        || ethics_reference.is_some()
        || eligibility.is_some();
    let status = status.map(status_from_wire);
    db::write(&state, move |conn| {
        let study = managed_study(conn, id, actor)?;
        let now = Utc::now();
        if changes_details {
            can_edit_details(study.status)?;
            let details = NewStudy {
                title: title.unwrap_or_else(|| study.title.clone()),
                lay_summary: lay_summary.unwrap_or_else(|| study.lay_summary.clone()),
                sponsor: sponsor.unwrap_or_else(|| study.sponsor.clone()),
                ethics_reference: ethics_reference
                    .unwrap_or_else(|| study.ethics_reference.clone()),
                eligibility: eligibility.unwrap_or_else(|| study.eligibility.clone()),
            };
            studies::update_details(conn, id, &details, now)
                .map_err(unknown_condition("eligibility.condition_ids"))?;
        }
        if let Some((body, shares_free_text)) = consent_text {
            can_change_protocol(study.status)?;
            consents::add_text(
                conn,
                Purpose::Research(id),
                body.as_str(),
                shares_free_text,
                now,
            )?;
        }
        if let Some(status) = status {
            can_move(study.status, status)?;
            if status != study.status {
                studies::set_status(conn, id, status, now)?;
            }
        }
        let study = studies::find(conn, id)?.ok_or(ApiError::NotFound)?;
        study_view(conn, study)
    })
    .await
    .map(web::Json)
}
