use actix_web::{HttpResponse, get, post, web};
use chrono::Utc;
use entraide_domain::association::can_administer;
use entraide_domain::campaign::{
    Currency, DonationSource, NewCampaign, NewDonation, check_window, parse_amount,
    parse_payment_id,
};
use entraide_domain::error::Errors;
use entraide_domain::ids::{AssociationId, CampaignId, DonationId};
use entraide_domain::text::{Description, Label, Title, WebUrl};
use entraide_domain::time::check_instant;
use entraide_openapi::associations::{
    Campaign, CreateCampaignRequest, Donation, RecordDonationRequest,
};
use entraide_openapi::pagination::{Page, PageQuery};
use entraide_openapi::problem as p;
use entraide_openapi::problem::ProblemCode;
use entraide_persistence::{DbConnection, associations, campaigns};
use uuid::Uuid;

use crate::access::associations::{load, require_admin};
use crate::access::integrations::require_publisher_or_key;
use crate::convert::associations as convert;
use crate::db;
use crate::error::ApiError;
use crate::extractors::{AuthMember, Caller, MaybeMember};
use crate::json::Json;
use crate::pagination::PageRequest;
use crate::state::AppState;
use entraide_domain::integration::Scope;

/// Open a donation campaign
///
/// Open a donation campaign (admins of a verified association, or its API key with
/// `campaigns:write`: 403 `insufficient_scope` otherwise). Entraide never handles card data:
/// `payment_url` is the association's own payment page.
#[utoipa::path(
    tag = "campaigns",
    security(("bearer" = []), ("api_key" = [])),
    params(("id" = Uuid, Path, description = "The association's id")),
    request_body = CreateCampaignRequest,
    responses(
        (status = 201, description = "Created", body = Campaign,
            headers(("Location" = String, description = "The campaign's URL"))),
        p::WriteErrors,
    )
)]
#[post("/associations/{id}/campaigns")]
pub async fn create_campaign(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<Uuid>,
    body: Json<CreateCampaignRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = AssociationId::from_uuid(path.into_inner());
    let now = Utc::now();
    let CreateCampaignRequest {
        title,
        description,
        goal_cents,
        currency,
        starts_at,
        ends_at,
        payment_url,
    } = body.into_inner();
    let mut errors = Errors::new();
    let title = errors.check("title", Title::parse(&title));
    let description = errors.check(
        "description",
        Description::parse(description.as_deref().unwrap_or_default()),
    );
    let goal_cents = errors.check("goal_cents", parse_amount(goal_cents));
    let currency = errors.check("currency", Currency::parse(&currency));
    let payment_url = errors.check("payment_url", WebUrl::parse(&payment_url));
    let starts_at = errors
        .check(
            "starts_at",
            check_instant("starts_at", starts_at.unwrap_or(now)),
        )
        .unwrap_or(now);
    let ends_at = errors.check("ends_at", check_instant("ends_at", ends_at));
    if let Some(ends_at) = ends_at {
        errors.check("ends_at", check_window(starts_at, ends_at));
    }
    errors.finish()?;
    let (
        Some(title),
        Some(description),
        Some(goal_cents),
        Some(currency),
        Some(payment_url),
        Some(ends_at),
    ) = (
        title,
        description,
        goal_cents,
        currency,
        payment_url,
        ends_at,
    )
    else {
        return Err(ApiError::internal("parsed fields missing without errors"));
    };
    let new = NewCampaign {
        title,
        description,
        goal_cents,
        currency,
        starts_at,
        ends_at,
        payment_url,
    };
    let (campaign, association) = db::write(&state, move |conn| {
        let (association, author) =
            require_publisher_or_key(conn, &caller, id, Scope::CampaignsWrite)?;
        Ok((campaigns::insert(conn, id, author, &new, now)?, association))
    })
    .await?;
    let location = format!("/api/v1/campaigns/{}", campaign.id);
    let from = convert::association_ref(&association);
    Ok(HttpResponse::Created()
        .insert_header((actix_web::http::header::LOCATION, location))
        .json(convert::campaign(campaign, from, now)))
}

/// List an association's campaigns
///
/// An association's campaigns with their progress, newest first.
#[utoipa::path(
    tag = "campaigns",
    security((), ("bearer" = [])),
    params(("id" = Uuid, Path, description = "The association's id"), PageQuery),
    responses(
        (status = 200, description = "A page of campaigns", body = Page<Campaign>),
        p::ListErrors, p::NotFound,
    )
)]
#[get("/associations/{id}/campaigns")]
pub async fn list_campaigns(
    state: web::Data<AppState>,
    _reader: MaybeMember,
    path: web::Path<Uuid>,
    paging: web::Query<PageQuery>,
) -> Result<web::Json<Page<Campaign>>, ApiError> {
    let page = PageRequest::<Uuid>::parse(&paging)?;
    let id = AssociationId::from_uuid(path.into_inner());
    let before = page.after.map(CampaignId::from_uuid);
    let fetch = page.fetch();
    let (items, association) = db::read(&state, move |conn| {
        let association = associations::find(conn, id)?.ok_or(ApiError::NotFound)?;
        Ok((campaigns::list(conn, id, before, fetch)?, association))
    })
    .await?;
    let from = convert::association_ref(&association);
    let now = Utc::now();
    page.page(
        items,
        |c| c.id.as_uuid(),
        |c| convert::campaign(c, from.clone(), now),
    )
    .map(web::Json)
}

/// The campaign and the association it belongs to; 404 when either is missing.
fn campaign_with_association(
    conn: &mut DbConnection,
    id: CampaignId,
) -> Result<
    (
        entraide_domain::campaign::Campaign,
        entraide_domain::association::Association,
    ),
    ApiError,
> {
    let campaign = campaigns::find(conn, id)?.ok_or(ApiError::NotFound)?;
    let association =
        associations::find(conn, campaign.association_id)?.ok_or(ApiError::NotFound)?;
    Ok((campaign, association))
}

/// Get a campaign
///
/// A campaign and its public progress: amount raised, number of donations, percentage.
#[utoipa::path(
    tag = "campaigns",
    security((), ("bearer" = [])),
    params(("id" = Uuid, Path, description = "The campaign's id")),
    responses(
        (status = 200, description = "The campaign", body = Campaign),
        p::ReadErrors,
    )
)]
#[get("/campaigns/{id}")]
pub async fn get_campaign(
    state: web::Data<AppState>,
    _reader: MaybeMember,
    path: web::Path<Uuid>,
) -> Result<web::Json<Campaign>, ApiError> {
    let id = CampaignId::from_uuid(path.into_inner());
    let (campaign, association) =
        db::read(&state, move |conn| campaign_with_association(conn, id)).await?;
    let from = convert::association_ref(&association);
    Ok(web::Json(convert::campaign(campaign, from, Utc::now())))
}

/// Record a donation
///
/// Record a donation by hand (association admins): a cheque, a transfer, a stand at an
/// event. Leave `donor_name` out for an anonymous donor. A `payment_id` already recorded
/// answers 409 `payment_already_recorded`.
#[utoipa::path(
    tag = "campaigns",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The campaign's id")),
    request_body = RecordDonationRequest,
    responses(
        (status = 201, description = "Recorded", body = Donation),
        p::WriteErrors, p::Conflict,
    )
)]
#[post("/campaigns/{id}/donations")]
pub async fn record_donation(
    state: web::Data<AppState>,
    member: AuthMember,
    path: web::Path<Uuid>,
    body: Json<RecordDonationRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = CampaignId::from_uuid(path.into_inner());
    let now = Utc::now();
    let RecordDonationRequest {
        amount_cents,
        currency,
        donor_name,
        received_at,
        payment_id,
    } = body.into_inner();
    let mut errors = Errors::new();
    let amount_cents = errors.check("amount_cents", parse_amount(amount_cents));
    let currency = errors.check("currency", Currency::parse(&currency));
    let donor_name = donor_name
        .and_then(|n| errors.check("donor_name", Label::parse(&n)))
        .map(|n| n.as_str().to_owned());
    let payment_id = payment_id.and_then(|p| errors.check("payment_id", parse_payment_id(&p)));
    let received_at = errors
        .check(
            "received_at",
            check_instant("received_at", received_at.unwrap_or(now)),
        )
        .unwrap_or(now);
    if received_at > now {
        errors.push(entraide_domain::FieldError::new(
            "received_at",
            "in_the_future",
            "must not be in the future",
        ));
    }
    let donation = db::write(&state, move |conn| {
        let (campaign, _) = campaign_with_association(conn, id)?;
        require_admin(conn, campaign.association_id, member.id)?;
        errors.check("currency", campaign.check_currency(currency.as_ref()));
        errors.finish()?;
        let (Some(amount_cents), Some(currency)) = (amount_cents, currency) else {
            return Err(ApiError::internal("parsed fields missing without errors"));
        };
        let new = NewDonation {
            amount_cents,
            currency,
            donor_name,
            source: DonationSource::Manual,
            provider_payment_id: payment_id,
            received_at,
        };
        let donation = campaigns::record(conn, &campaign, Some(member.id), &new, now)
            .map_err(crate::parse::duplicate_payment)?;
        crate::webhooks::queue_donation(conn, &campaign, &donation)?;
        Ok(donation)
    })
    .await?;
    Ok(HttpResponse::Created().json(convert::donation(donation)))
}

/// List a campaign's donations
///
/// A campaign's donations, newest first (its association's admins: donor names are not
/// public).
#[utoipa::path(
    tag = "campaigns",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The campaign's id"), PageQuery),
    responses(
        (status = 200, description = "A page of donations", body = Page<Donation>),
        p::ListErrors, p::NotFound, p::Forbidden,
    )
)]
#[get("/campaigns/{id}/donations")]
pub async fn list_donations(
    state: web::Data<AppState>,
    member: AuthMember,
    path: web::Path<Uuid>,
    paging: web::Query<PageQuery>,
) -> Result<web::Json<Page<Donation>>, ApiError> {
    let page = PageRequest::<Uuid>::parse(&paging)?;
    let id = CampaignId::from_uuid(path.into_inner());
    let before = page.after.map(DonationId::from_uuid);
    let fetch = page.fetch();
    let items = db::read(&state, move |conn| {
        let (campaign, _) = campaign_with_association(conn, id)?;
        let (_, membership) = load(conn, campaign.association_id, Some(member.id))?;
        if !can_administer(membership) {
            return Err(ApiError::Refused {
                code: ProblemCode::NotAssociationAdmin,
            });
        }
        Ok(campaigns::list_donations(conn, id, before, fetch)?)
    })
    .await?;
    page.page(items, |d| d.id.as_uuid(), convert::donation)
        .map(web::Json)
}
