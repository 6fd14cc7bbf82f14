//! API keys of associations and the log of requests made with them. Only a key's SHA-256 is
//! stored (`key_hash`); the rules are `domain::integration`.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use entraide_domain::ids::{ApiKeyId, AssociationId, MemberId};
use entraide_domain::integration::{ApiKey, Scopes};
use entraide_domain::text::Title;

use crate::connection::DbConnection;
use crate::convert::{from_db_time, parse_id, to_db_time};
use crate::error::PersistenceError;
use crate::schema::{api_key_requests, api_keys};

#[derive(Queryable, Selectable)]
#[diesel(table_name = api_keys)]
struct ApiKeyRow {
    id: String,
    association_id: String,
    name: String,
    hint: String,
    scopes: String,
    created_by: String,
    created_at: NaiveDateTime,
    expires_at: Option<NaiveDateTime>,
    revoked_at: Option<NaiveDateTime>,
    last_used_at: Option<NaiveDateTime>,
}

impl ApiKeyRow {
    fn into_domain(self) -> Result<ApiKey, PersistenceError> {
        let Self {
            id,
            association_id,
            name,
            hint,
            scopes,
            created_by,
            created_at,
            expires_at,
            revoked_at,
            last_used_at,
        } = self;
        Ok(ApiKey {
            id: parse_id(&id)?,
            association_id: parse_id(&association_id)?,
            name: Title::from_stored(name),
            hint,
            scopes: Scopes::from_stored(&scopes),
            created_by: parse_id(&created_by)?,
            created_at: from_db_time(created_at),
            expires_at: expires_at.map(from_db_time),
            revoked_at: revoked_at.map(from_db_time),
            last_used_at: last_used_at.map(from_db_time),
        })
    }
}

/// A key to store: its hash, never the key.
#[derive(Debug)]
pub struct NewApiKey<'a> {
    pub id: ApiKeyId,
    pub association_id: AssociationId,
    pub name: &'a Title,
    pub hint: &'a str,
    pub key_hash: &'a str,
    pub scopes: &'a Scopes,
    pub created_by: MemberId,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
}

pub fn insert(conn: &mut DbConnection, new: &NewApiKey<'_>) -> Result<ApiKey, PersistenceError> {
    let NewApiKey {
        id,
        association_id,
        name,
        hint,
        key_hash,
        scopes,
        created_by,
        created_at,
        expires_at,
    } = new;
    diesel::insert_into(api_keys::table)
        .values((
            api_keys::id.eq(id.to_string()),
            api_keys::association_id.eq(association_id.to_string()),
            api_keys::name.eq(name.as_str()),
            api_keys::hint.eq(*hint),
            api_keys::key_hash.eq(*key_hash),
            api_keys::scopes.eq(scopes.to_stored()),
            api_keys::created_by.eq(created_by.to_string()),
            api_keys::created_at.eq(to_db_time(*created_at)),
            api_keys::expires_at.eq(expires_at.map(to_db_time)),
        ))
        .execute(conn)?;
    find(conn, *association_id, *id)?
        .ok_or_else(|| PersistenceError::Corrupt("inserted API key not found".to_owned()))
}

/// The association's key with this id (revoked or not).
pub fn find(
    conn: &mut DbConnection,
    association: AssociationId,
    id: ApiKeyId,
) -> Result<Option<ApiKey>, PersistenceError> {
    api_keys::table
        .filter(api_keys::id.eq(id.to_string()))
        .filter(api_keys::association_id.eq(association.to_string()))
        .select(ApiKeyRow::as_select())
        .first(conn)
        .optional()?
        .map(ApiKeyRow::into_domain)
        .transpose()
}

/// The key whose SHA-256 is `key_hash`, whatever its state (the caller decides with
/// `ApiKey::is_usable`).
pub fn find_by_hash(
    conn: &mut DbConnection,
    key_hash: &str,
) -> Result<Option<ApiKey>, PersistenceError> {
    api_keys::table
        .filter(api_keys::key_hash.eq(key_hash))
        .select(ApiKeyRow::as_select())
        .first(conn)
        .optional()?
        .map(ApiKeyRow::into_domain)
        .transpose()
}

/// The association's keys, oldest first (keyset on the id), revoked ones included.
pub fn list(
    conn: &mut DbConnection,
    association: AssociationId,
    after: Option<ApiKeyId>,
    limit: i64,
) -> Result<Vec<ApiKey>, PersistenceError> {
    let mut query = api_keys::table
        .filter(api_keys::association_id.eq(association.to_string()))
        .select(ApiKeyRow::as_select())
        .order(api_keys::id)
        .limit(limit)
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(api_keys::id.gt(after.to_string()));
    }
    query
        .load(conn)?
        .into_iter()
        .map(ApiKeyRow::into_domain)
        .collect()
}

/// How many of the association's keys are live at `now` (neither revoked nor expired).
pub fn live_count(
    conn: &mut DbConnection,
    association: AssociationId,
    now: DateTime<Utc>,
) -> Result<i64, PersistenceError> {
    Ok(api_keys::table
        .filter(api_keys::association_id.eq(association.to_string()))
        .filter(api_keys::revoked_at.is_null())
        .filter(
            api_keys::expires_at
                .is_null()
                .or(api_keys::expires_at.gt(to_db_time(now))),
        )
        .count()
        .get_result(conn)?)
}

/// Revokes the association's key (once: a revoked key keeps its first revocation time).
/// `false` when the association has no such key.
pub fn revoke(
    conn: &mut DbConnection,
    association: AssociationId,
    id: ApiKeyId,
    now: DateTime<Utc>,
) -> Result<bool, PersistenceError> {
    let Some(key) = find(conn, association, id)? else {
        return Ok(false);
    };
    if key.revoked_at.is_none() {
        diesel::update(api_keys::table.filter(api_keys::id.eq(id.to_string())))
            .set(api_keys::revoked_at.eq(Some(to_db_time(now))))
            .execute(conn)?;
    }
    Ok(true)
}

/// One request made with a key, for the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRequest {
    pub key_id: ApiKeyId,
    pub method: String,
    /// The route pattern (`/api/v1/associations/{id}/announcements`), never a query or body.
    pub route: String,
    pub status: u16,
    pub at: DateTime<Utc>,
}

/// Records a request made with a key and marks the key used.
pub fn record_request(
    conn: &mut DbConnection,
    request: &KeyRequest,
) -> Result<(), PersistenceError> {
    let KeyRequest {
        key_id,
        method,
        route,
        status,
        at,
    } = request;
    diesel::insert_into(api_key_requests::table)
        .values((
            api_key_requests::id.eq(uuid::Uuid::now_v7().to_string()),
            api_key_requests::key_id.eq(key_id.to_string()),
            api_key_requests::method.eq(method),
            api_key_requests::route.eq(route),
            api_key_requests::status.eq(i32::from(*status)),
            api_key_requests::at.eq(to_db_time(*at)),
        ))
        .execute(conn)?;
    diesel::update(api_keys::table.filter(api_keys::id.eq(key_id.to_string())))
        .set(api_keys::last_used_at.eq(Some(to_db_time(*at))))
        .execute(conn)?;
    Ok(())
}

/// The key's audit log, oldest first.
pub fn requests(
    conn: &mut DbConnection,
    key_id: ApiKeyId,
) -> Result<Vec<KeyRequest>, PersistenceError> {
    let rows = api_key_requests::table
        .filter(api_key_requests::key_id.eq(key_id.to_string()))
        .order(api_key_requests::id)
        .select((
            api_key_requests::key_id,
            api_key_requests::method,
            api_key_requests::route,
            api_key_requests::status,
            api_key_requests::at,
        ))
        .load::<(String, String, String, i32, NaiveDateTime)>(conn)?;
    rows.into_iter()
        .map(|(key_id, method, route, status, at)| {
            Ok(KeyRequest {
                key_id: parse_id(&key_id)?,
                method,
                route,
                status: u16::try_from(status)
                    .map_err(|_| PersistenceError::Corrupt(format!("status {status}")))?,
                at: from_db_time(at),
            })
        })
        .collect()
}
