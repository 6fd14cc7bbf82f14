//! Runs diesel (synchronous) on actix's blocking pool, never on the async workers.

use actix_web::web;
use entraide_persistence::DbConnection;
use entraide_persistence::connection::in_transaction;

use crate::error::ApiError;
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
        f(&mut conn)
    })
    .await?
}

/// Runs `f` in one transaction on the write connection; any error rolls it back.
pub async fn write<T, F>(state: &AppState, f: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
{
    let db = state.db.clone();
    web::block(move || {
        let mut conn = db.writer()?;
        in_transaction(&mut conn, f)
    })
    .await?
}
