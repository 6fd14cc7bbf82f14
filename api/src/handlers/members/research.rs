use actix_web::{HttpResponse, get, web};
use chrono::Utc;
use entraide_domain::ids::{QuestionnaireId, ResponseId};
use entraide_openapi::pagination::{Page, PageQuery};
use entraide_openapi::problem as p;
use entraide_openapi::research::{
    ConsentLedger, DueList, FhirResource, QuestionnaireResponse as WireResponse,
};
use entraide_persistence::responses;
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use crate::db;
use crate::error::ApiError;
use crate::extractors::AuthMember;
use crate::pagination::IdCursor;
use crate::pagination::PageRequest;
use crate::state::AppState;
use crate::views::research::{due_list, fhir_responses, ledger_view, response_to_wire};

/// My consents
///
/// Everything the member agreed to — research studies, announcements — newest first, with
/// the text of each version agreed to, when, through which channel, and each withdrawal with
/// the choice made for past answers. History is never rewritten.
#[utoipa::path(
    tag = "research",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The consent ledger", body = ConsentLedger),
        p::SessionErrors,
    )
)]
#[get("/members/me/consents")]
pub async fn my_consents(
    state: web::Data<AppState>,
    member: AuthMember,
) -> Result<web::Json<ConsentLedger>, ApiError> {
    db::read(&state, move |conn| ledger_view(conn, member.id))
        .await
        .map(web::Json)
}

/// My questionnaires due
///
/// The questionnaires due now: in open studies the member consents to (current text), in an
/// answering window they have not answered yet.
#[utoipa::path(
    tag = "research",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The questionnaires due", body = DueList),
        p::SessionErrors,
    )
)]
#[get("/members/me/questionnaires/due")]
pub async fn my_due_questionnaires(
    state: web::Data<AppState>,
    member: AuthMember,
) -> Result<web::Json<DueList>, ApiError> {
    db::read(&state, move |conn| due_list(conn, member.id, Utc::now()))
        .await
        .map(web::Json)
}

/// Which responses.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MyResponsesQuery {
    /// Only this questionnaire's responses (e.g. to follow one score over time).
    pub questionnaire: Option<Uuid>,
    /// An opaque cursor from a previous page's `next_cursor`.
    pub cursor: Option<String>,
    /// Page size, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100, default = 20)]
    pub limit: Option<u32>,
}

/// My responses
///
/// The member's own answers over time, newest first — their own health tracking (e.g. a pain
/// score's trend with `questionnaire=<id>`). Answers withdrawn with `keep_pseudonymous` are no
/// longer linked to the account and do not appear.
#[utoipa::path(
    tag = "research",
    security(("bearer" = [])),
    params(MyResponsesQuery),
    responses(
        (status = 200, description = "A page of responses", body = Page<WireResponse>),
        p::SessionErrors, p::BadRequest, p::UnprocessableEntity,
    )
)]
#[get("/members/me/responses")]
pub async fn my_responses(
    state: web::Data<AppState>,
    member: AuthMember,
    query: web::Query<MyResponsesQuery>,
) -> Result<web::Json<Page<WireResponse>>, ApiError> {
    let MyResponsesQuery {
        questionnaire,
        cursor,
        limit,
    } = query.into_inner();
    let page = PageRequest::<IdCursor>::parse(&PageQuery { cursor, limit })?;
    let before = page.after.as_ref().map(|c| ResponseId::from_uuid(c.id()));
    let questionnaire = questionnaire.map(QuestionnaireId::from_uuid);
    let fetch = page.fetch();
    let found = db::read(&state, move |conn| {
        Ok(responses::of_member(
            conn,
            member.id,
            questionnaire,
            before,
            fetch,
        )?)
    })
    .await?;
    page.page(
        found,
        |r| IdCursor::of(r.id.as_uuid()),
        |r| response_to_wire(&r),
    )
    .map(web::Json)
}

/// My responses as FHIR
///
/// All the member's own responses as an HL7 FHIR R4 `Bundle` of `QuestionnaireResponse`s
/// (`application/fhir+json`), free text included: their data, to take to their doctor or a
/// hospital system.
#[utoipa::path(
    tag = "research",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A FHIR R4 Bundle",
            content((FhirResource = "application/fhir+json"))),
        p::SessionErrors,
    )
)]
#[get("/members/me/responses/fhir")]
pub async fn my_responses_fhir(
    state: web::Data<AppState>,
    member: AuthMember,
) -> Result<HttpResponse, ApiError> {
    let bundle = db::read(&state, move |conn| {
        let all = responses::of_member(conn, member.id, None, None, i64::MAX)?;
        fhir_responses(conn, &all)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .content_type("application/fhir+json")
        .json(bundle))
}
