use actix_web::{HttpResponse, get, post, web};
use chrono::Utc;
use entraide_domain::ids::AssociationId;
use entraide_domain::verification::{AskRefusal, DocumentReference, can_ask};
use entraide_openapi::pagination::{Page, PageQuery};
use entraide_openapi::problem as p;
use entraide_openapi::problem::ProblemCode;
use entraide_openapi::verification::{CreateVerificationRequest, VerificationRequestItem};
use entraide_persistence::error::PersistenceError;
use entraide_persistence::{associations, verification};

use crate::convert::verification::badge_from_wire;
use crate::db;
use crate::error::ApiError;
use crate::extractors::AuthMember;
use crate::json::Json;
use crate::pagination::PageRequest;
use crate::state::AppState;
use crate::views::verification::{Cursor, with_members};

/// Ask for a verified status
///
/// Ask for a verified status with a document reference (RPPS or ADELI number, training
/// certificate): platform admins decide, or the admins of a verified association you are an
/// active member of (`association_id`). The badge must fit your kind (422
/// `badge_not_for_kind`: `professional` for professionals, `patient_expert` for patients and
/// caregivers); not one you already show (409 `already_verified`); one request waits at a time
/// (409 `verification_pending`); an association that is not verified or that you are not an
/// active member of cannot vouch (403 `association_cannot_vouch`).
#[utoipa::path(
    tag = "members",
    security(("bearer" = [])),
    request_body = CreateVerificationRequest,
    responses(
        (status = 201, description = "The request, pending", body = VerificationRequestItem),
        p::WriteErrors, p::Conflict,
    )
)]
#[post("/members/me/verification-requests")]
pub async fn ask_verification(
    state: web::Data<AppState>,
    member: AuthMember,
    body: Json<CreateVerificationRequest>,
) -> Result<HttpResponse, ApiError> {
    let CreateVerificationRequest {
        badge,
        document_reference,
        association_id,
    } = body.into_inner();
    let document = DocumentReference::parse(&document_reference)?;
    let badge = badge_from_wire(badge);
    let association = association_id.map(AssociationId::from_uuid);
    let now = Utc::now();
    let item = db::write(&state, move |conn| {
        let granted = verification::granted(conn, member.id)?;
        let via = match association {
            Some(id) => {
                let found = associations::find(conn, id)?.ok_or_else(|| {
                    ApiError::field(
                        "association_id",
                        "unknown_association",
                        "no such association",
                    )
                })?;
                Some((found.status, associations::membership(conn, id, member.id)?))
            }
            None => None,
        };
        can_ask(member.kind, granted, badge, via).map_err(|refusal| ApiError::Refused {
            code: match refusal {
                AskRefusal::KindMismatch => ProblemCode::BadgeNotForKind,
                AskRefusal::AlreadyVerified => ProblemCode::AlreadyVerified,
                AskRefusal::NotVouchable => ProblemCode::AssociationCannotVouch,
            },
        })?;
        let pending = ApiError::Refused {
            code: ProblemCode::VerificationPending,
        };
        if verification::has_pending(conn, member.id)? {
            return Err(pending);
        }
        let request =
            match verification::insert(conn, member.id, badge, &document, association, now) {
                Err(PersistenceError::UniqueViolation { .. }) => return Err(pending),
                other => other?,
            };
        with_members(conn, vec![request])?
            .pop()
            .ok_or_else(|| ApiError::internal("request just written not found"))
    })
    .await?;
    Ok(HttpResponse::Created().json(item))
}

/// List my verification requests
///
/// Your verification requests, newest first, with their decisions and notes.
#[utoipa::path(
    tag = "members",
    security(("bearer" = [])),
    params(PageQuery),
    responses(
        (status = 200, description = "A page of your requests", body = Page<VerificationRequestItem>),
        p::ListErrors,
    )
)]
#[get("/members/me/verification-requests")]
pub async fn list_my_verification_requests(
    state: web::Data<AppState>,
    member: AuthMember,
    paging: web::Query<PageQuery>,
) -> Result<web::Json<Page<VerificationRequestItem>>, ApiError> {
    let page = PageRequest::<Cursor>::parse(&paging)?;
    let after = page.after.as_ref().map(Cursor::key);
    let fetch = page.fetch();
    let items = db::read(&state, move |conn| {
        let requests = verification::list_own(conn, member.id, after, fetch)?;
        with_members(conn, requests)
    })
    .await?;
    page.page(items, Cursor::of, |item| item).map(web::Json)
}
