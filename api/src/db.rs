//! Runs diesel (synchronous) on actix's blocking pool, never on the async workers.
//!
//! A panic inside the work is contained here, while the connection is still held: the caller
//! gets a 500, and the connection — left inside its transaction — is discarded by the pool
//! instead of being handed to the next request (`ConnectionManager::has_broken`).

use std::sync::Arc;

use actix_web::web;
use entraide_persistence::connection::PooledConnection;
use entraide_persistence::connection::{in_read_transaction, in_transaction};
use entraide_persistence::{Database, DbConnection};

use crate::error::ApiError;
use crate::faults::Faults;
use crate::panics::contain;
use crate::state::AppState;

/// Runs `f` on a read connection.
pub async fn read<T, F>(state: &AppState, f: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
{
    let db = state.db.clone();
    web::block(move || {
        let mut conn = db.reader()?;
        let result = contain(|| f(&mut conn));
        discard_if_gone(&mut conn, &result);
        result
    })
    .await?
}

/// Runs `f` on a read connection inside one read-only transaction over a single snapshot
/// (`in_read_transaction`): a document read with many queries is consistent, as of one instant.
pub async fn read_snapshot<T, F>(state: &AppState, f: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
{
    let db = state.db.clone();
    web::block(move || {
        let mut conn = db.reader()?;
        let result = contain(|| in_read_transaction(&mut conn, f));
        discard_if_gone(&mut conn, &result);
        result
    })
    .await?
}

/// Runs `f` in one transaction on the write connection; any error (or panic) rolls it back.
pub async fn write<T, F>(state: &AppState, f: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
{
    transaction(state.db.clone(), Some(state.faults.clone()), f).await
}

/// Like [`write`], for work outside a request (the outbox mailer): no faults are injected.
pub async fn write_outside_request<T, F>(db: Database, f: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
{
    transaction(db, None, f).await
}

async fn transaction<T, F>(db: Database, faults: Option<Arc<Faults>>, f: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
{
    web::block(move || {
        let mut conn = db.writer()?;
        let result = contain(|| {
            in_transaction(&mut conn, |conn| {
                let value = f(conn)?;
                if let Some(faults) = &faults {
                    faults.before_commit();
                }
                Ok(value)
            })
        });
        discard_if_gone(&mut conn, &result);
        result
    })
    .await?
}

/// A connection that failed because its server went away is closed, not reused: after the
/// database comes back, no request meets a dead connection.
fn discard_if_gone<T>(conn: &mut PooledConnection, result: &Result<T, ApiError>) {
    if matches!(result, Err(ApiError::Unavailable(_))) {
        conn.discard();
    }
}
