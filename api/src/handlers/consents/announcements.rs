use actix_web::{HttpResponse, delete, get, post, put, web};
use chrono::Utc;
use entraide_domain::consent::{
    Channel, Purpose, can_give, can_publish_platform_text, can_withdraw, standing,
};
use entraide_openapi::problem as p;
use entraide_openapi::problem::ProblemCode;
use entraide_openapi::research::{ConsentText, ConsentTextInput, GiveConsentRequest};
use entraide_persistence::consents;

use crate::access::research::lock_consent;
use crate::convert::research::{consent_text_to_wire, parse_consent_body};
use crate::db;
use crate::error::ApiError;
use crate::extractors::AuthMember;
use crate::json::Json;
use crate::state::AppState;

const PURPOSE: Purpose = Purpose::Announcements;

/// The announcements consent text
///
/// The current text of the purpose `announcements`: a member who consents lets their
/// conditions, even private, select the targeted prevention announcements they receive (no
/// association learns who received one). Public: read before consenting.
#[utoipa::path(
    tag = "research",
    responses(
        (status = 200, description = "The current text", body = ConsentText),
        p::NotFound, p::ServerErrors,
    )
)]
#[get("/consent-texts/announcements")]
pub async fn get_announcements_text(
    state: web::Data<AppState>,
) -> Result<web::Json<ConsentText>, ApiError> {
    db::read(&state, |conn| {
        consents::current_text(conn, PURPOSE)?
            .map(consent_text_to_wire)
            .ok_or(ApiError::NotFound)
    })
    .await
    .map(web::Json)
}

/// Publish an announcements consent text
///
/// Platform admins publish the next version of the `announcements` text; members who
/// consented to an earlier one are asked again (their conditions stop selecting announcements
/// until they consent to it). `shares_free_text` does not apply and must be `false`.
#[utoipa::path(
    tag = "research",
    security(("bearer" = [])),
    request_body = ConsentTextInput,
    responses(
        (status = 200, description = "The new current text", body = ConsentText),
        p::BodyErrors, p::Forbidden,
    )
)]
#[put("/consent-texts/announcements")]
pub async fn publish_announcements_text(
    state: web::Data<AppState>,
    actor: AuthMember,
    body: Json<ConsentTextInput>,
) -> Result<web::Json<ConsentText>, ApiError> {
    let ConsentTextInput {
        body,
        shares_free_text,
    } = body.into_inner();
    let body = parse_consent_body(&body).map_err(|e| e.in_field("body"))?;
    if shares_free_text {
        return Err(ApiError::field(
            "shares_free_text",
            "not_applicable",
            "announcements collect no answers",
        ));
    }
    let text = db::write(&state, move |conn| {
        can_publish_platform_text(actor.role)?;
        consents::add_text(conn, PURPOSE, body.as_str(), false, Utc::now())?;
        consents::current_text(conn, PURPOSE)?.ok_or(ApiError::NotFound)
    })
    .await?;
    state.announcements.clear();
    Ok(web::Json(consent_text_to_wire(text)))
}

/// Consent to targeted announcements
///
/// The member consents to the current `announcements` text, by the version they read (409
/// `consent_text_changed` when a newer one was published meanwhile, 409 `already_consented`
/// when in force). Their conditions then select targeted prevention announcements even when
/// they keep them private.
#[utoipa::path(
    tag = "research",
    security(("bearer" = [])),
    request_body = GiveConsentRequest,
    responses(
        (status = 204, description = "Consent recorded"),
        p::BodyErrors, p::Conflict,
    )
)]
#[post("/members/me/consents/announcements")]
pub async fn consent_to_announcements(
    state: web::Data<AppState>,
    member: AuthMember,
    body: Json<GiveConsentRequest>,
) -> Result<HttpResponse, ApiError> {
    let GiveConsentRequest { text_version } = body.into_inner();
    db::write(&state, move |conn| {
        lock_consent(conn, member.id, PURPOSE)?;
        let current = consents::current_version(conn, PURPOSE)?.ok_or(ApiError::NotFound)?;
        if text_version != current {
            return Err(ApiError::conflict(ProblemCode::ConsentTextChanged));
        }
        let ledger = consents::ledger(conn, member.id, Some(PURPOSE))?;
        can_give(standing(&ledger, PURPOSE, current))?;
        consents::give(
            conn,
            uuid::Uuid::now_v7(),
            member.id,
            PURPOSE,
            current,
            Channel::Api,
            Utc::now(),
        )?;
        Ok(())
    })
    .await?;
    state.announcements.forget(member.id);
    Ok(HttpResponse::NoContent().finish())
}

/// Withdraw consent to targeted announcements
///
/// Takes effect at once: private conditions no longer select announcements. 409 `no_consent`
/// when none is in force.
#[utoipa::path(
    tag = "research",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Consent withdrawn"),
        p::SessionErrors, p::Conflict,
    )
)]
#[delete("/members/me/consents/announcements")]
pub async fn withdraw_announcements_consent(
    state: web::Data<AppState>,
    member: AuthMember,
) -> Result<HttpResponse, ApiError> {
    db::write(&state, move |conn| {
        lock_consent(conn, member.id, PURPOSE)?;
        let current = consents::current_version(conn, PURPOSE)?.ok_or(ApiError::NotFound)?;
        let ledger = consents::ledger(conn, member.id, Some(PURPOSE))?;
        can_withdraw(standing(&ledger, PURPOSE, current))?;
        consents::withdraw(conn, member.id, PURPOSE, None, Utc::now())?;
        Ok(())
    })
    .await?;
    state.announcements.forget(member.id);
    Ok(HttpResponse::NoContent().finish())
}
