use actix_web::{HttpRequest, post, web};
use chrono::{DateTime, Utc};
use entraide_domain::campaign::{
    Currency, DonationSource, NewDonation, parse_amount, parse_payment_id,
};
use entraide_domain::error::Errors;
use entraide_domain::ids::{AssociationId, CampaignId};
use entraide_domain::text::Label;
use entraide_domain::time::check_instant;
use entraide_openapi::associations::{DonationWebhook, WebhookResult, WebhookSecret};
use entraide_openapi::problem as p;
use entraide_openapi::problem::ProblemCode;
use entraide_persistence::{DbConnection, associations, campaigns};
use uuid::Uuid;

use crate::convert::associations as convert;
use crate::db;
use crate::error::ApiError;
use crate::extractors::AuthMember;
use crate::json::{RawJson, parse};
use crate::parse::duplicate_payment;
use crate::security::tokens::random_token;
use crate::security::webhook::{SIGNATURE_HEADER, TIMESTAMP_HEADER, TOLERANCE, verify};
use crate::state::AppState;

/// Receive a donation webhook
///
/// The payment provider reports a donation. Signed with the association's webhook key:
/// `X-Entraide-Timestamp` (Unix seconds) and `X-Entraide-Signature: sha256=<hex of
/// HMAC-SHA256(key, timestamp + "." + raw body)>`. A missing or malformed header is 400; a
/// wrong signature 401 `invalid_signature`; a timestamp more than 5 minutes away 401
/// `stale_timestamp`; the same signed delivery twice 409 `replayed`. A payment id already
/// recorded answers 200 with `recorded: false` and the existing donation, so a provider's
/// retries are harmless. Nothing is recorded unless everything passes.
#[utoipa::path(
    tag = "campaigns",
    security(("webhook_signature" = [])),
    params(
        ("association_id" = Uuid, Path, description = "The association's id"),
        ("X-Entraide-Timestamp" = String, Header, description = "Unix seconds when signed"),
        ("X-Entraide-Signature" = String, Header, description = "sha256=<hex HMAC-SHA256(key, timestamp + \".\" + body)>"),
    ),
    request_body = DonationWebhook,
    responses(
        (status = 200, description = "Recorded, or already recorded", body = WebhookResult),
        p::BodyErrors, p::NotFound, p::Conflict,
    )
)]
#[post("/webhooks/donations/{association_id}")]
pub async fn donation_webhook(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<Uuid>,
    body: RawJson,
) -> Result<web::Json<WebhookResult>, ApiError> {
    let association = AssociationId::from_uuid(path.into_inner());
    let now = Utc::now();
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let (timestamp, signature) = (header(TIMESTAMP_HEADER), header(SIGNATURE_HEADER));
    let secret = db::read(&state, move |conn| {
        associations::webhook_secret(conn, association)?.ok_or(ApiError::NotFound)
    })
    .await?;
    let RawJson(bytes) = body;
    let verified = verify(
        &secret,
        timestamp.as_deref(),
        signature.as_deref(),
        &bytes,
        now,
    )?;
    let payload: DonationWebhook = parse(&bytes)?;
    let parsed = Parsed::read(payload);
    let result = db::write(&state, move |conn| {
        record(conn, association, &verified.signature, parsed, now)
    })
    .await?;
    Ok(web::Json(result))
}

/// Rotate the webhook secret
///
/// A new key for signing donation webhooks (admins of a verified association: a pending one
/// raises no money, 403 `association_not_verified`). The previous key stops working at once;
/// give this one to the payment provider.
#[utoipa::path(
    tag = "campaigns",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The association's id")),
    responses(
        (status = 200, description = "The new key", body = WebhookSecret),
        p::ActionErrors,
    )
)]
#[post("/associations/{id}/webhook-secret")]
pub async fn rotate_webhook_secret(
    state: web::Data<AppState>,
    member: AuthMember,
    path: web::Path<Uuid>,
) -> Result<web::Json<WebhookSecret>, ApiError> {
    let id = AssociationId::from_uuid(path.into_inner());
    let secret = random_token(32);
    let stored = secret.clone();
    db::write(&state, move |conn| {
        crate::access::associations::require_publisher(conn, id, member.id)?;
        Ok(associations::set_webhook_secret(conn, id, &stored)?)
    })
    .await?;
    Ok(web::Json(WebhookSecret {
        secret,
        webhook_path: format!("/api/v1/webhooks/donations/{id}"),
    }))
}

/// A delivery's fields, parsed; `errors` holds what failed, reported once the campaign is
/// known (its currency is checked too).
struct Parsed {
    campaign_id: CampaignId,
    payment_id: Option<String>,
    amount_cents: Option<i64>,
    currency: Option<Currency>,
    donor_name: Option<String>,
    paid_at: Option<DateTime<Utc>>,
    errors: Errors,
}

impl Parsed {
    fn read(payload: DonationWebhook) -> Self {
        let DonationWebhook {
            campaign_id,
            payment_id,
            amount_cents,
            currency,
            donor_name,
            anonymous,
            paid_at,
        } = payload;
        let mut errors = Errors::new();
        let payment_id = errors.check("payment_id", parse_payment_id(&payment_id));
        let amount_cents = errors.check("amount_cents", parse_amount(amount_cents));
        let currency = errors.check("currency", Currency::parse(&currency));
        let donor_name = if anonymous {
            None
        } else {
            donor_name
                .and_then(|n| errors.check("donor_name", Label::parse(&n)))
                .map(|n| n.as_str().to_owned())
        };
        let paid_at = paid_at.and_then(|at| errors.check("paid_at", check_instant("paid_at", at)));
        Self {
            campaign_id: CampaignId::from_uuid(campaign_id),
            payment_id,
            amount_cents,
            currency,
            donor_name,
            paid_at,
            errors,
        }
    }
}

/// Records a verified delivery once: a replayed signature is 409 `replayed`; a payment id
/// already recorded answers the donation it recorded (`recorded: false`).
fn record(
    conn: &mut DbConnection,
    association: AssociationId,
    signature: &str,
    parsed: Parsed,
    now: DateTime<Utc>,
) -> Result<WebhookResult, ApiError> {
    let Parsed {
        campaign_id,
        payment_id,
        amount_cents,
        currency,
        donor_name,
        paid_at,
        mut errors,
    } = parsed;
    if !campaigns::remember_delivery(conn, association, signature, now, now - TOLERANCE * 2)? {
        return Err(ApiError::Conflict {
            code: ProblemCode::Replayed,
            field: None,
        });
    }
    let campaign = campaigns::find(conn, campaign_id)?
        .filter(|c| c.association_id == association)
        .ok_or_else(|| {
            ApiError::field(
                "campaign_id",
                "unknown_campaign",
                "is not a campaign of this association",
            )
        })?;
    errors.check("currency", campaign.check_currency(currency.as_ref()));
    errors.finish()?;
    let (Some(payment_id), Some(amount_cents), Some(currency)) =
        (payment_id, amount_cents, currency)
    else {
        return Err(ApiError::internal("parsed fields missing without errors"));
    };
    if let Some(existing) = campaigns::find_by_payment(conn, association, &payment_id)? {
        return Ok(WebhookResult {
            recorded: false,
            donation: convert::donation(existing),
        });
    }
    let new = NewDonation {
        amount_cents,
        currency,
        donor_name,
        source: DonationSource::Webhook,
        provider_payment_id: Some(payment_id),
        received_at: paid_at.unwrap_or(now).min(now),
    };
    let donation =
        campaigns::record(conn, &campaign, None, &new, now).map_err(duplicate_payment)?;
    crate::webhooks::queue_donation(conn, &campaign, &donation)?;
    Ok(WebhookResult {
        recorded: true,
        donation: convert::donation(donation),
    })
}
