use actix_web::{get, post, web};
use chrono::Utc;
use entraide_domain::association::{AssociationRole, AssociationStatus};
use entraide_domain::ids::VerificationRequestId;
use entraide_domain::member::PlatformRole;
use entraide_domain::verification::{Decider, DecisionNote, RequestStatus, can_decide};
use entraide_openapi::pagination::{Page, PageQuery};
use entraide_openapi::problem as p;
use entraide_openapi::problem::ProblemCode;
use entraide_openapi::verification::{
    VerificationDecision, VerificationQueueQuery, VerificationRequestItem,
};
use entraide_persistence::admin_audit::{self, AdminAction};
use entraide_persistence::verification::{self, QueueScope};
use entraide_persistence::{DbConnection, associations};
use uuid::Uuid;

use crate::convert::verification::status_from_wire;
use crate::db;
use crate::error::ApiError;
use crate::extractors::AuthMember;
use crate::json::Json;
use crate::pagination::PageRequest;
use crate::state::AppState;
use crate::views::verification::{Cursor, with_members};

/// Read the verification queue
///
/// Verification requests, oldest first, optionally of one `status` (`pending`: those to
/// decide). Platform admins see every request; active admins of a verified association see
/// only the requests addressed to their association; anyone else gets 403 `forbidden`.
#[utoipa::path(
    tag = "moderation",
    security(("bearer" = [])),
    params(VerificationQueueQuery, PageQuery),
    responses(
        (status = 200, description = "A page of requests", body = Page<VerificationRequestItem>),
        p::ListErrors, p::Forbidden,
    )
)]
#[get("/verification-requests")]
pub async fn list_verification_requests(
    state: web::Data<AppState>,
    actor: AuthMember,
    query: web::Query<VerificationQueueQuery>,
    paging: web::Query<PageQuery>,
) -> Result<web::Json<Page<VerificationRequestItem>>, ApiError> {
    let page = PageRequest::<Cursor>::parse(&paging)?;
    let status = query.status.map(status_from_wire);
    let after = page.after.as_ref().map(Cursor::key);
    let fetch = page.fetch();
    let items = db::read(&state, move |conn| {
        let scope = if actor.role == PlatformRole::Admin {
            QueueScope::All
        } else if verification::administered(conn, actor.id)?.is_empty() {
            return Err(ApiError::Forbidden);
        } else {
            QueueScope::AdminOf(actor.id)
        };
        let requests = verification::queue(conn, scope, status, after, fetch)?;
        with_members(conn, requests)
    })
    .await?;
    page.page(items, Cursor::of, |item| item).map(web::Json)
}

/// Approve a verification request
///
/// Grant the badge asked for (replacing any other the member held), in the same transaction
/// as the decision; the optional `note` is shown to the member. Platform admins, or active
/// admins of the verified association the request is addressed to (for its active members).
/// Nobody decides their own request (403 `self_verification`); a decided request is 409
/// `verification_closed`; a request the caller may not see is 404. Logged in the
/// administration audit log.
#[utoipa::path(
    tag = "moderation",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The request's id")),
    request_body = VerificationDecision,
    responses(
        (status = 200, description = "The request, approved", body = VerificationRequestItem),
        p::WriteErrors, p::Conflict,
    )
)]
#[post("/verification-requests/{id}/approve")]
pub async fn approve_verification(
    state: web::Data<AppState>,
    actor: AuthMember,
    path: web::Path<Uuid>,
    body: Json<VerificationDecision>,
) -> Result<web::Json<VerificationRequestItem>, ApiError> {
    decide(state, actor, path.into_inner(), body.into_inner(), true).await
}

/// Refuse a verification request
///
/// Refuse the request, saying why (`note` required, shown to the member). Same rules as
/// approving: platform admins or the addressed verified association's admins, never one's own
/// request (403 `self_verification`), 409 `verification_closed` once decided, 404 when not
/// visible. Logged in the administration audit log.
#[utoipa::path(
    tag = "moderation",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The request's id")),
    request_body = VerificationDecision,
    responses(
        (status = 200, description = "The request, refused", body = VerificationRequestItem),
        p::WriteErrors, p::Conflict,
    )
)]
#[post("/verification-requests/{id}/refuse")]
pub async fn refuse_verification(
    state: web::Data<AppState>,
    actor: AuthMember,
    path: web::Path<Uuid>,
    body: Json<VerificationDecision>,
) -> Result<web::Json<VerificationRequestItem>, ApiError> {
    decide(state, actor, path.into_inner(), body.into_inner(), false).await
}

async fn decide(
    state: web::Data<AppState>,
    actor: AuthMember,
    id: Uuid,
    body: VerificationDecision,
    approve: bool,
) -> Result<web::Json<VerificationRequestItem>, ApiError> {
    let VerificationDecision { note } = body;
    let note = note.as_deref().map(DecisionNote::parse).transpose()?;
    if !approve && note.as_ref().is_none_or(|n| n.as_str().is_empty()) {
        return Err(ApiError::field("note", "required", "a refusal says why"));
    }
    let id = VerificationRequestId::from_uuid(id);
    let now = Utc::now();
    let item = db::write(&state, move |conn| {
        let request = verification::find(conn, id)?.ok_or(ApiError::NotFound)?;
        let association = addressed_to(conn, &request, actor)?;
        let association_admin = association.is_some_and(|(status, mine, _)| {
            status == AssociationStatus::Verified
                && mine.is_some_and(|m| m.is_active() && m.role == AssociationRole::Admin)
        });
        if actor.role != PlatformRole::Admin && !association_admin {
            return Err(ApiError::NotFound);
        }
        let decider = Decider {
            actor: actor.id,
            role: actor.role,
            association,
        };
        can_decide(decider, request.member_id).map_err(ApiError::from)?;
        let closed = ApiError::Refused {
            code: ProblemCode::VerificationClosed,
        };
        if request.status != RequestStatus::Pending
            || !verification::decide(conn, &request, approve, actor.id, note.as_ref(), now)?
        {
            return Err(closed);
        }
        let (action, verb) = if approve {
            (AdminAction::VerificationApproved, "approved")
        } else {
            (AdminAction::VerificationRefused, "refused")
        };
        let detail = format!("{} {verb}", request.badge.as_str());
        admin_audit::record(conn, actor.id, action, request.member_id, &detail, now)?;
        let decided = verification::find(conn, id)?.ok_or(ApiError::NotFound)?;
        with_members(conn, vec![decided])?
            .pop()
            .ok_or_else(|| ApiError::internal("request just decided not found"))
    })
    .await?;
    Ok(web::Json(item))
}

type Standing = Option<entraide_domain::association::AssociationMembership>;

/// The association a request is addressed to, as the domain's `Decider` sees it: its status,
/// the actor's standing and the requester's.
fn addressed_to(
    conn: &mut DbConnection,
    request: &entraide_domain::verification::VerificationRequest,
    actor: AuthMember,
) -> Result<Option<(AssociationStatus, Standing, Standing)>, ApiError> {
    let Some(id) = request.association_id else {
        return Ok(None);
    };
    let Some(association) = associations::find(conn, id)? else {
        return Ok(None);
    };
    Ok(Some((
        association.status,
        associations::membership(conn, id, actor.id)?,
        associations::membership(conn, id, request.member_id)?,
    )))
}
