use actix_web::{HttpResponse, post, web};
use chrono::Utc;
use entraide_domain::association::{
    AssociationMembership, AssociationMembershipStatus, AssociationRole, DEFAULT_OPEN_MEMBERSHIP,
    NewAssociation,
};
use entraide_domain::error::Errors;
use entraide_domain::member::Email;
use entraide_domain::text::{Description, Label, Title, WebUrl};
use entraide_openapi::associations::{Association, CreateAssociationRequest};
use entraide_openapi::problem as p;
use entraide_persistence::associations;

use crate::convert::associations as convert;
use crate::db;
use crate::error::ApiError;
use crate::extractors::AuthMember;
use crate::json::Json;
use crate::parse::{condition_ids, unknown_condition};
use crate::security::tokens::random_token;
use crate::state::AppState;

/// Register an association
///
/// Register an association; you become its admin. It is `pending` until a platform admin
/// verifies it; until then it can gather members but cannot publish announcements or open
/// donation campaigns. A taken name is 409 `name_taken`.
#[utoipa::path(
    tag = "associations",
    security(("bearer" = [])),
    request_body = CreateAssociationRequest,
    responses(
        (status = 201, description = "Registered (pending)", body = Association,
            headers(("Location" = String, description = "The association's URL"))),
        p::BodyErrors, p::Conflict,
    )
)]
#[post("/associations")]
pub async fn create_association(
    state: web::Data<AppState>,
    member: AuthMember,
    body: Json<CreateAssociationRequest>,
) -> Result<HttpResponse, ApiError> {
    let CreateAssociationRequest {
        name,
        description,
        website,
        region,
        contact_email,
        condition_ids: conditions,
        open_membership,
        sponsor,
    } = body.into_inner();
    let mut errors = Errors::new();
    let name = errors.check("name", Title::parse(&name));
    let description = errors.check(
        "description",
        Description::parse(description.as_deref().unwrap_or_default()),
    );
    let website = website.and_then(|w| errors.check("website", WebUrl::parse(&w)).map(Some));
    let region = region.and_then(|r| errors.check("region", Label::parse(&r)).map(Some));
    let contact_email =
        contact_email.and_then(|e| errors.check("contact_email", Email::parse(&e)).map(Some));
    let condition_ids = condition_ids(&mut errors, "condition_ids", conditions);
    let sponsor = crate::convert::sponsors::parse_declared(&mut errors, sponsor);
    errors.finish()?;
    let (Some(name), Some(description)) = (name, description) else {
        return Err(ApiError::internal("parsed fields missing without errors"));
    };
    let new = NewAssociation {
        name,
        description,
        website: website.flatten(),
        region: region.flatten(),
        contact_email: contact_email.flatten(),
        condition_ids,
        open_membership: open_membership.unwrap_or(DEFAULT_OPEN_MEMBERSHIP),
        sponsor,
    };
    let secret = random_token(32);
    let association = db::write(&state, move |conn| {
        associations::insert(conn, &new, member.id, &secret, Utc::now())
            .map_err(unknown_condition("condition_ids"))
    })
    .await?;
    let admin = AssociationMembership {
        role: AssociationRole::Admin,
        status: AssociationMembershipStatus::Active,
    };
    let location = format!("/api/v1/associations/{}", association.id);
    Ok(HttpResponse::Created()
        .insert_header((actix_web::http::header::LOCATION, location))
        .json(convert::association(
            association,
            Some((Some(admin), false)),
        )))
}
