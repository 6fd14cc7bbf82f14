use actix_web::{HttpResponse, delete, get, post, web};
use chrono::Utc;
use entraide_domain::error::Errors;
use entraide_domain::ids::{ApiKeyId, AssociationId};
use entraide_domain::integration::{MAX_LIVE_KEYS, Scopes, check_expiry};
use entraide_domain::text::Title;
use entraide_domain::time::check_instant;
use entraide_openapi::integrations::{ApiKey, CreateApiKeyRequest, CreatedApiKey};
use entraide_openapi::pagination::{Page, PageQuery};
use entraide_openapi::problem as p;
use entraide_openapi::problem::ProblemCode;
use entraide_persistence::api_keys::{self, NewApiKey};
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

/// Create an API key
///
/// Create an API key for the association's own tools (admins of a verified association: 403
/// `not_association_admin` or `association_not_verified`). The answer holds the key **once**:
/// only its hash is stored. The key acts in the association's name, within its `scopes`, on
/// the operations that list the `api_key` security scheme; send it as
/// `Authorization: Bearer eak_...`. At most 20 live keys per association (409
/// `integration_limit`).
#[utoipa::path(
    tag = "associations",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The association's id")),
    request_body = CreateApiKeyRequest,
    responses(
        (status = 201, description = "The key, shown this once", body = CreatedApiKey),
        p::WriteErrors, p::Conflict,
    )
)]
#[post("/associations/{id}/api-keys")]
pub async fn create_api_key(
    state: web::Data<AppState>,
    member: AuthMember,
    path: web::Path<Uuid>,
    body: Json<CreateApiKeyRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = AssociationId::from_uuid(path.into_inner());
    let now = Utc::now();
    let CreateApiKeyRequest {
        name,
        scopes,
        expires_at,
    } = body.into_inner();
    let mut errors = Errors::new();
    let name = errors.check("name", Title::parse(&name));
    let scopes = errors.check(
        "scopes",
        Scopes::from_list(scopes.into_iter().map(convert::scope_from_wire).collect()),
    );
    let expires_at = match expires_at {
        Some(end) => errors
            .check("expires_at", check_instant("expires_at", end))
            .and_then(|end| errors.check("expires_at", check_expiry(Some(end), now)))
            .flatten(),
        None => None,
    };
    errors.finish()?;
    let (Some(name), Some(scopes)) = (name, scopes) else {
        return Err(ApiError::internal("parsed fields missing without errors"));
    };
    let generated = crate::security::api_keys::generate();
    let key = generated.key;
    let (hash, hint) = (generated.hash, generated.hint);
    let stored = db::write(&state, move |conn| {
        require_integration_manager(conn, id, member.id)?;
        if api_keys::live_count(conn, id, now)? >= MAX_LIVE_KEYS {
            return Err(ApiError::conflict(ProblemCode::IntegrationLimit));
        }
        Ok(api_keys::insert(
            conn,
            &NewApiKey {
                id: ApiKeyId::new(),
                association_id: id,
                name: &name,
                hint: &hint,
                key_hash: &hash,
                scopes: &scopes,
                created_by: member.id,
                created_at: now,
                expires_at,
            },
        )?)
    })
    .await?;
    Ok(HttpResponse::Created().json(CreatedApiKey {
        key,
        api_key: convert::api_key(stored, now),
    }))
}

/// List API keys
///
/// The association's API keys, oldest first, revoked and expired ones included (its admins).
/// A key itself is never shown again: `hint` holds its first characters.
#[utoipa::path(
    tag = "associations",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The association's id"), PageQuery),
    responses(
        (status = 200, description = "A page of keys", body = Page<ApiKey>),
        p::ListErrors, p::NotFound, p::Forbidden,
    )
)]
#[get("/associations/{id}/api-keys")]
pub async fn list_api_keys(
    state: web::Data<AppState>,
    member: AuthMember,
    path: web::Path<Uuid>,
    paging: web::Query<PageQuery>,
) -> Result<web::Json<Page<ApiKey>>, ApiError> {
    let page = PageRequest::<Uuid>::parse(&paging)?;
    let id = AssociationId::from_uuid(path.into_inner());
    let after = page.after.map(ApiKeyId::from_uuid);
    let fetch = page.fetch();
    let items = db::read(&state, move |conn| {
        require_admin(conn, id, member.id)?;
        Ok(api_keys::list(conn, id, after, fetch)?)
    })
    .await?;
    let now = Utc::now();
    page.page(items, |k| k.id.as_uuid(), |k| convert::api_key(k, now))
        .map(web::Json)
}

/// Revoke an API key
///
/// Revoke one of the association's API keys (its admins): the very next request made with it
/// is refused (401). Revoking a revoked key changes nothing.
#[utoipa::path(
    tag = "associations",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "The association's id"),
        ("key_id" = Uuid, Path, description = "The key's id"),
    ),
    responses(
        (status = 204, description = "Revoked"),
        p::ReadErrors, p::Forbidden,
    )
)]
#[delete("/associations/{id}/api-keys/{key_id}")]
pub async fn revoke_api_key(
    state: web::Data<AppState>,
    member: AuthMember,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (id, key_id) = path.into_inner();
    let (id, key_id) = (AssociationId::from_uuid(id), ApiKeyId::from_uuid(key_id));
    db::write(&state, move |conn| {
        require_admin(conn, id, member.id)?;
        if api_keys::revoke(conn, id, key_id, Utc::now())? {
            Ok(())
        } else {
            Err(ApiError::NotFound)
        }
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
