//! The full-text index: one row per searchable document, with the terms
//! `domain::search::terms` computed. Writes go through [`index`] and [`remove`], called by the
//! persistence functions that create, change and delete searchable content; queries go through
//! `dialect::search_candidates`, the one place where PostgreSQL and SQLite differ.

use diesel::prelude::*;
use entraide_domain::search::{DocumentKind, Query, terms};

use crate::connection::DbConnection;
use crate::error::PersistenceError;
use crate::schema::search_documents;

/// Indexes (or re-indexes) a document's text. An edit keeps the document's place in the
/// newest-first order.
pub fn index(
    conn: &mut DbConnection,
    kind: DocumentKind,
    id: &str,
    text: &str,
) -> Result<(), PersistenceError> {
    let terms = terms(text);
    let updated = diesel::update(
        search_documents::table
            .filter(search_documents::doc_kind.eq(kind.as_str()))
            .filter(search_documents::doc_id.eq(id)),
    )
    .set(search_documents::terms.eq(&terms))
    .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(search_documents::table)
            .values((
                search_documents::doc_kind.eq(kind.as_str()),
                search_documents::doc_id.eq(id),
                search_documents::terms.eq(&terms),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Takes a document out of the index (deleted content).
pub fn remove(
    conn: &mut DbConnection,
    kind: DocumentKind,
    id: &str,
) -> Result<(), PersistenceError> {
    diesel::delete(
        search_documents::table
            .filter(search_documents::doc_kind.eq(kind.as_str()))
            .filter(search_documents::doc_id.eq(id)),
    )
    .execute(conn)?;
    Ok(())
}

/// A matching document: its position in the index (newest highest) and what it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub position: i64,
    pub kind: DocumentKind,
    pub id: String,
}

/// Documents matching every word of the query, newest first, below `before`. Visibility is the
/// caller's: hits are candidates to load through each kind's read policy.
pub fn candidates(
    conn: &mut DbConnection,
    query: &Query,
    kinds: &[DocumentKind],
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<Hit>, PersistenceError> {
    crate::dialect::search_candidates(conn, query, kinds, before.unwrap_or(i64::MAX), limit)
}
