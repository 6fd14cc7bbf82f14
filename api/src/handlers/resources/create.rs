use actix_web::{HttpResponse, post, web};
use chrono::Utc;
use entraide_domain::error::Errors;
use entraide_domain::ids::CommitteeId;
use entraide_domain::resource::{ResourceAudience, parse_language};
use entraide_openapi::problem as p;
use entraide_openapi::problem::ProblemCode;
use entraide_openapi::resources::{CreateResourceRequest, Resource};
use entraide_persistence::places;
use entraide_persistence::resources::{self, NewResource};

use crate::convert::resources::{audience_from, kind_from};
use crate::db;
use crate::error::ApiError;
use crate::extractors::AuthMember;
use crate::json::Json;
use crate::parse::{condition_ids, parse_content, unknown_condition};
use crate::state::AppState;
use crate::views::resources::resource_to_wire;

/// Draft a resource
///
/// Draft a resource (editors: 403 `not_an_editor` otherwise). It is reviewed by the committee
/// named here once submitted; nobody but its author, editors and that committee sees it before.
#[utoipa::path(
    tag = "resources",
    security(("bearer" = [])),
    request_body = CreateResourceRequest,
    responses(
        (status = 201, description = "Drafted", body = Resource,
            headers(("Location" = String, description = "The resource's URL"))),
        p::BodyErrors, p::Forbidden,
    )
)]
#[post("/resources")]
pub async fn create_resource(
    state: web::Data<AppState>,
    member: AuthMember,
    body: Json<CreateResourceRequest>,
) -> Result<HttpResponse, ApiError> {
    let CreateResourceRequest {
        kind,
        language,
        audience,
        committee_id,
        condition_ids: conditions,
        content,
        sponsor,
    } = body.into_inner();
    let kind = kind_from(kind);
    let mut errors = Errors::new();
    let language = errors.check("language", parse_language(&language));
    let condition_ids = condition_ids(&mut errors, "condition_ids", conditions);
    let content = parse_content(&mut errors, kind, content);
    let sponsor = crate::convert::sponsors::parse_declared(&mut errors, sponsor);
    errors.finish()?;
    let (Some(language), Some(content)) = (language, content) else {
        return Err(ApiError::internal("parsed fields missing without errors"));
    };
    let new = NewResource {
        kind,
        language,
        audience: audience.map_or(ResourceAudience::Everyone, audience_from),
        committee_id: CommitteeId::from_uuid(committee_id),
        condition_ids,
        sponsor,
    };
    let now = Utc::now();
    let resource = db::write(&state, move |conn| {
        if !places::is_editor(conn, member.id)? {
            return Err(ApiError::Refused {
                code: ProblemCode::NotAnEditor,
            });
        }
        if resources::find_committee(conn, new.committee_id)?.is_none() {
            return Err(ApiError::field(
                "committee_id",
                "unknown_committee",
                "is not in GET /committees",
            ));
        }
        let (resource, _) = resources::insert(conn, &new, &content, member.id, now)
            .map_err(unknown_condition("condition_ids"))?;
        resource_to_wire(conn, resource, Some(member.id), now)
    })
    .await?;
    let location = format!("/api/v1/resources/{}", resource.id);
    Ok(HttpResponse::Created()
        .insert_header((actix_web::http::header::LOCATION, location))
        .json(resource))
}
