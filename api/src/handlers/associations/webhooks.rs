use actix_web::{HttpResponse, delete, get, post, web};
use chrono::Utc;
use entraide_domain::ids::{AssociationId, DeliveryId, WebhookId};
use entraide_domain::integration::{MAX_WEBHOOKS, parse_events};
use entraide_openapi::integrations::{
    CreateWebhookRequest, CreatedWebhook, Webhook, WebhookDelivery,
};
use entraide_openapi::pagination::{Page, PageQuery};
use entraide_openapi::problem as p;
use entraide_openapi::problem::ProblemCode;
use entraide_persistence::webhooks::{self, NewWebhook};
use uuid::Uuid;

use crate::access::associations::require_admin;
use crate::access::integrations::require_integration_manager;
use crate::convert::integrations as convert;
use crate::db;
use crate::error::ApiError;
use crate::extractors::AuthMember;
use crate::json::Json;
use crate::pagination::PageRequest;
use crate::state::AppState;

/// Register a webhook
///
/// Subscribe a URL of the association's own tools to its events (admins of a verified
/// association). The URL must be `https` to a public address (422 `forbidden_target`,
/// `insecure_url`, `unresolvable_host` on `url`), checked now and at each delivery. The answer
/// holds the signing `secret` **once**. At most 50 webhooks (409 `integration_limit`).
#[utoipa::path(
    tag = "associations",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The association's id")),
    request_body = CreateWebhookRequest,
    responses(
        (status = 201, description = "The webhook and its secret, shown this once", body = CreatedWebhook),
        p::WriteErrors, p::Conflict,
    )
)]
#[post("/associations/{id}/webhooks")]
pub async fn create_webhook(
    state: web::Data<AppState>,
    member: AuthMember,
    path: web::Path<Uuid>,
    body: Json<CreateWebhookRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = AssociationId::from_uuid(path.into_inner());
    let CreateWebhookRequest { url, events } = body.into_inner();
    let events = parse_events(
        &events
            .into_iter()
            .map(|e| convert::event_from_wire(e).as_str().to_owned())
            .collect::<Vec<_>>(),
    )
    .map_err(|e| ApiError::Validation(e.in_field("events").into_errors()))?;
    let target = crate::webhooks::check_target(&url, state.settings.webhooks_allow_private_targets)
        .await
        .map_err(|refusal| ApiError::field("url", refusal.code(), refusal.message()))?;
    let url = target.url.to_string();
    let secret = format!("whsec_{}", crate::security::tokens::random_token(32));
    let stored_secret = secret.clone();
    let now = Utc::now();
    let webhook = db::write(&state, move |conn| {
        require_integration_manager(conn, id, member.id)?;
        if webhooks::count(conn, id)? >= MAX_WEBHOOKS {
            return Err(ApiError::conflict(ProblemCode::IntegrationLimit));
        }
        Ok(webhooks::insert(
            conn,
            &NewWebhook {
                id: WebhookId::new(),
                association_id: id,
                url: &url,
                secret: &stored_secret,
                events: &events,
                created_by: member.id,
                created_at: now,
            },
        )?)
    })
    .await?;
    Ok(HttpResponse::Created().json(CreatedWebhook {
        secret,
        webhook: convert::webhook(webhook),
    }))
}

/// List webhooks
///
/// The association's webhooks, oldest first (its admins); never their secrets.
#[utoipa::path(
    tag = "associations",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The association's id"), PageQuery),
    responses(
        (status = 200, description = "A page of webhooks", body = Page<Webhook>),
        p::ListErrors, p::NotFound, p::Forbidden,
    )
)]
#[get("/associations/{id}/webhooks")]
pub async fn list_webhooks(
    state: web::Data<AppState>,
    member: AuthMember,
    path: web::Path<Uuid>,
    paging: web::Query<PageQuery>,
) -> Result<web::Json<Page<Webhook>>, ApiError> {
    let page = PageRequest::<Uuid>::parse(&paging)?;
    let id = AssociationId::from_uuid(path.into_inner());
    let after = page.after.map(WebhookId::from_uuid);
    let fetch = page.fetch();
    let items = db::read(&state, move |conn| {
        require_admin(conn, id, member.id)?;
        Ok(webhooks::list(conn, id, after, fetch)?)
    })
    .await?;
    page.page(items, |w| w.id.as_uuid(), convert::webhook)
        .map(web::Json)
}

/// Delete a webhook
///
/// Delete one of the association's webhooks and its delivery log (its admins).
#[utoipa::path(
    tag = "associations",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "The association's id"),
        ("webhook_id" = Uuid, Path, description = "The webhook's id"),
    ),
    responses((status = 204, description = "Deleted"), p::ReadErrors, p::Forbidden)
)]
#[delete("/associations/{id}/webhooks/{webhook_id}")]
pub async fn delete_webhook(
    state: web::Data<AppState>,
    member: AuthMember,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (id, webhook) = path.into_inner();
    let (id, webhook) = (AssociationId::from_uuid(id), WebhookId::from_uuid(webhook));
    db::write(&state, move |conn| {
        require_admin(conn, id, member.id)?;
        if webhooks::delete(conn, id, webhook)? {
            Ok(())
        } else {
            Err(ApiError::NotFound)
        }
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// List a webhook's deliveries
///
/// The delivery log of a webhook, newest first (its association's admins): status, attempts,
/// next attempt, the last answer's code and a short excerpt.
#[utoipa::path(
    tag = "associations",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "The association's id"),
        ("webhook_id" = Uuid, Path, description = "The webhook's id"),
        PageQuery,
    ),
    responses(
        (status = 200, description = "A page of deliveries", body = Page<WebhookDelivery>),
        p::ListErrors, p::NotFound, p::Forbidden,
    )
)]
#[get("/associations/{id}/webhooks/{webhook_id}/deliveries")]
pub async fn list_webhook_deliveries(
    state: web::Data<AppState>,
    member: AuthMember,
    path: web::Path<(Uuid, Uuid)>,
    paging: web::Query<PageQuery>,
) -> Result<web::Json<Page<WebhookDelivery>>, ApiError> {
    let page = PageRequest::<Uuid>::parse(&paging)?;
    let (id, webhook) = path.into_inner();
    let (id, webhook) = (AssociationId::from_uuid(id), WebhookId::from_uuid(webhook));
    let before = page.after.map(DeliveryId::from_uuid);
    let fetch = page.fetch();
    let items = db::read(&state, move |conn| {
        require_admin(conn, id, member.id)?;
        webhooks::find(conn, id, webhook)?.ok_or(ApiError::NotFound)?;
        Ok(webhooks::deliveries(conn, webhook, before, fetch)?)
    })
    .await?;
    page.page(items, |d| d.id.as_uuid(), convert::delivery)
        .map(web::Json)
}

/// Redeliver
///
/// Queue a delivery again, now, with the same payload (its association's admins): a new
/// delivery in the log.
#[utoipa::path(
    tag = "associations",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "The association's id"),
        ("webhook_id" = Uuid, Path, description = "The webhook's id"),
        ("delivery_id" = Uuid, Path, description = "The delivery's id"),
    ),
    responses(
        (status = 202, description = "Queued", body = WebhookDelivery),
        p::ReadErrors, p::Forbidden,
    )
)]
#[post("/associations/{id}/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver")]
pub async fn redeliver_webhook(
    state: web::Data<AppState>,
    member: AuthMember,
    path: web::Path<(Uuid, Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (id, webhook, delivery) = path.into_inner();
    let id = AssociationId::from_uuid(id);
    let webhook = WebhookId::from_uuid(webhook);
    let delivery = DeliveryId::from_uuid(delivery);
    let queued = db::write(&state, move |conn| {
        require_admin(conn, id, member.id)?;
        webhooks::find(conn, id, webhook)?.ok_or(ApiError::NotFound)?;
        webhooks::redeliver(conn, webhook, delivery, Utc::now())?.ok_or(ApiError::NotFound)
    })
    .await?;
    Ok(HttpResponse::Accepted().json(convert::delivery(queued)))
}
