use actix_web::{HttpResponse, get, post, web};
use chrono::Utc;
use entraide_domain::error::Errors;
use entraide_domain::ids::{AssociationId, CommitteeId, MemberId};
use entraide_domain::resource::{Committee, DEFAULT_QUORUM, DeclaredInterests};
use entraide_domain::rights::Right;
use entraide_domain::text::{Description, Title};
use entraide_openapi::pagination::{Page, PageQuery};
use entraide_openapi::problem as p;
use entraide_openapi::problem::ProblemCode;
use entraide_openapi::resources::{
    AddCommitteeMemberRequest, Committee as WireCommittee, CreateCommitteeRequest, Resource,
};
use entraide_persistence::{members, resources};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::access::rights;
use crate::convert::resources::expertise_from;
use crate::db;
use crate::error::ApiError;
use crate::extractors::{AuthMember, MaybeMember};
use crate::json::Json;
use crate::pagination::PageRequest;
use crate::state::AppState;
use crate::views::resources::resource_items;

fn to_wire(committee: Committee) -> WireCommittee {
    let Committee {
        id,
        name,
        description,
        association_id,
        quorum,
        member_count,
        created_at,
        requires_verified_reviewers,
    } = committee;
    WireCommittee {
        id: id.as_uuid(),
        name: name.as_str().to_owned(),
        description: description.as_str().to_owned(),
        association_id: association_id.map(|a| a.as_uuid()),
        quorum,
        member_count,
        created_at,
        requires_verified_reviewers,
    }
}

/// Create a committee
///
/// Create a scientific committee: platform-wide (platform admins) or of a verified association
/// (its admins; a pending association holds no committee: 403 `association_not_verified`).
/// Names are unique ignoring case (409 `name_taken`). `requires_verified_reviewers`: only
/// members showing a verified status may review for it.
#[utoipa::path(
    tag = "resources",
    security(("bearer" = [])),
    request_body = CreateCommitteeRequest,
    responses(
        (status = 201, description = "Created", body = WireCommittee),
        p::WriteErrors, p::Conflict,
    )
)]
#[post("/committees")]
pub async fn create_committee(
    state: web::Data<AppState>,
    member: AuthMember,
    body: Json<CreateCommitteeRequest>,
) -> Result<HttpResponse, ApiError> {
    let CreateCommitteeRequest {
        name,
        description,
        association_id,
        quorum,
        requires_verified_reviewers,
    } = body.into_inner();
    let mut errors = Errors::new();
    let name = errors.check("name", Title::parse(&name));
    let description = errors.check(
        "description",
        Description::parse(description.as_deref().unwrap_or_default()),
    );
    let quorum = quorum.unwrap_or(DEFAULT_QUORUM);
    if !(1..=5).contains(&quorum) {
        errors.push(entraide_domain::FieldError::new(
            "quorum",
            "out_of_range",
            "must be between 1 and 5",
        ));
    }
    errors.finish()?;
    let (Some(name), Some(description)) = (name, description) else {
        return Err(ApiError::internal("parsed fields missing without errors"));
    };
    let association = association_id.map(AssociationId::from_uuid);
    let committee = db::write(&state, move |conn| {
        rights::require_confer(conn, member, None, Right::CreateCommittee, association)?;
        Ok(resources::insert_committee(
            conn,
            &resources::NewCommittee {
                name: &name,
                description: &description,
                association,
                quorum,
                requires_verified_reviewers: requires_verified_reviewers.unwrap_or(false),
            },
            member.id,
            Utc::now(),
        )?)
    })
    .await?;
    Ok(HttpResponse::Created().json(to_wire(committee)))
}

#[derive(Serialize, Deserialize)]
struct Cursor {
    n: String,
    i: Uuid,
}

/// List committees
///
/// The committees, in name order (public: who vouches for the information is no secret).
#[utoipa::path(
    tag = "resources",
    security((), ("bearer" = [])),
    params(PageQuery),
    responses(
        (status = 200, description = "A page of committees", body = Page<WireCommittee>),
        p::ListErrors,
    )
)]
#[get("/committees")]
pub async fn list_committees(
    state: web::Data<AppState>,
    _reader: MaybeMember,
    paging: web::Query<PageQuery>,
) -> Result<web::Json<Page<WireCommittee>>, ApiError> {
    let page = PageRequest::<Cursor>::parse(&paging)?;
    let after = page
        .after
        .as_ref()
        .map(|c| (c.n.clone(), CommitteeId::from_uuid(c.i)));
    let fetch = page.fetch();
    let items = db::read(&state, move |conn| {
        Ok(resources::list_committees(conn, after, fetch)?)
    })
    .await?;
    page.page(
        items,
        |c| Cursor {
            n: c.name.key(),
            i: c.id.as_uuid(),
        },
        to_wire,
    )
    .map(web::Json)
}

/// Seat a committee member
///
/// Seat a member on a committee with their declared expertise (or change it): platform admins,
/// or admins of the committee's association once it is verified (403
/// `association_not_verified`). Nobody seats themselves (403 `self_grant`). Seats on a
/// committee of an association that is not verified count for nothing. `declared_interests`
/// (links with industry, funding) are listed beside the member on the resources they validate;
/// seating them again replaces them.
#[utoipa::path(
    tag = "resources",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The committee's id")),
    request_body = AddCommitteeMemberRequest,
    responses(
        (status = 200, description = "The committee", body = WireCommittee),
        p::WriteErrors,
    )
)]
#[post("/committees/{id}/members")]
pub async fn add_committee_member(
    state: web::Data<AppState>,
    member: AuthMember,
    path: web::Path<Uuid>,
    body: Json<AddCommitteeMemberRequest>,
) -> Result<web::Json<WireCommittee>, ApiError> {
    let id = CommitteeId::from_uuid(path.into_inner());
    let AddCommitteeMemberRequest {
        member_id,
        expertise,
        declared_interests,
    } = body.into_inner();
    let interests = DeclaredInterests::parse(declared_interests.as_deref().unwrap_or_default())?;
    let target = MemberId::from_uuid(member_id);
    let committee = db::write(&state, move |conn| {
        let committee = resources::find_committee(conn, id)?.ok_or(ApiError::NotFound)?;
        rights::require_confer(
            conn,
            member,
            Some(target),
            Right::CommitteeSeat,
            committee.association_id,
        )?;
        if members::find_profile(conn, target)?.is_none() {
            return Err(ApiError::field(
                "member_id",
                "unknown_member",
                "no such member",
            ));
        }
        resources::set_committee_member(
            conn,
            id,
            target,
            expertise_from(expertise),
            &interests,
            Utc::now(),
        )?;
        resources::find_committee(conn, id)?.ok_or(ApiError::NotFound)
    })
    .await?;
    Ok(web::Json(to_wire(committee)))
}

/// Get a committee's review queue
///
/// A committee's work (its members only): versions waiting for review, oldest first, then
/// published resources past their re-review date (`validation.review_overdue`).
#[utoipa::path(
    tag = "resources",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The committee's id")),
    responses(
        (status = 200, description = "The queue (at most 100)", body = Vec<Resource>),
        p::ActionErrors,
    )
)]
#[get("/committees/{id}/queue")]
pub async fn committee_queue(
    state: web::Data<AppState>,
    member: AuthMember,
    path: web::Path<Uuid>,
) -> Result<web::Json<Vec<Resource>>, ApiError> {
    let id = CommitteeId::from_uuid(path.into_inner());
    let now = Utc::now();
    let items = db::read(&state, move |conn| {
        resources::find_committee(conn, id)?.ok_or(ApiError::NotFound)?;
        if resources::expertise_in(conn, id, member.id)?.is_none() {
            return Err(ApiError::Refused {
                code: ProblemCode::NotACommitteeMember,
            });
        }
        let queued = resources::queue(conn, id, now, 100)?
            .into_iter()
            .map(|(resource, _)| resource)
            .collect();
        // The committee's members see every work in progress of it: each has an item.
        Ok(resource_items(conn, queued, Some(member.id), now)?
            .into_iter()
            .flatten()
            .collect())
    })
    .await?;
    Ok(web::Json(items))
}
