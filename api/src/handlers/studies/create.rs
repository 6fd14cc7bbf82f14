use actix_web::{HttpResponse, post, web};
use chrono::Utc;
use entraide_domain::consent::Purpose;
use entraide_domain::error::Errors;
use entraide_domain::ids::StudyId;
use entraide_openapi::problem as p;
use entraide_openapi::research::{CreateStudyRequest, Study as WireStudy};
use entraide_persistence::{consents, studies};

use crate::access::research::require_researcher;
use crate::convert::research::{StudyFields, parse_consent_body, parse_study};
use crate::db;
use crate::error::ApiError;
use crate::extractors::AuthMember;
use crate::json::Json;
use crate::parse::unknown_condition;
use crate::security::participants::new_study_key;
use crate::state::AppState;
use crate::views::research::study_view;

/// Draft a study
///
/// A researcher drafts a study with its first consent text (403 `not_a_researcher` without the
/// right, which a platform admin grants). A draft is seen by its researcher and platform admins
/// only; `PATCH` it to `open` to take consents. Unknown condition ids: 422
/// `unknown_condition`.
#[utoipa::path(
    tag = "research",
    security(("bearer" = [])),
    request_body = CreateStudyRequest,
    responses(
        (status = 201, description = "Drafted", body = WireStudy,
            headers(("Location" = String, description = "The study's URL"))),
        p::BodyErrors, p::Forbidden,
    )
)]
#[post("/studies")]
pub async fn create_study(
    state: web::Data<AppState>,
    actor: AuthMember,
    body: Json<CreateStudyRequest>,
) -> Result<HttpResponse, ApiError> {
    let CreateStudyRequest {
        title,
        lay_summary,
        sponsor,
        ethics_reference,
        eligibility,
        consent_text,
    } = body.into_inner();
    let mut errors = Errors::new();
    let study = parse_study(
        &mut errors,
        StudyFields {
            title,
            lay_summary,
            sponsor,
            ethics_reference,
            eligibility,
        },
    );
    let body = errors.check("consent_text.body", parse_consent_body(&consent_text.body));
    errors.finish()?;
    let (Some(new), Some(body)) = (study, body) else {
        return Err(ApiError::internal("parsed fields missing without errors"));
    };
    let shares_free_text = consent_text.shares_free_text;
    let study = db::write(&state, move |conn| {
        require_researcher(conn, actor)?;
        let now = Utc::now();
        let study = studies::insert(conn, StudyId::new(), &new, &new_study_key(), actor.id, now)
            .map_err(unknown_condition("eligibility.condition_ids"))?;
        consents::add_text(
            conn,
            Purpose::Research(study.id),
            body.as_str(),
            shares_free_text,
            now,
        )?;
        study_view(conn, study)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            actix_web::http::header::LOCATION,
            format!("/api/v1/studies/{}", study.id),
        ))
        .json(study))
}
