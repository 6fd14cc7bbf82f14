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

/// Indexes a document created in the same transaction: one insert, without first looking for
/// an entry it cannot have yet (a round trip saved on every new post and comment).
pub fn index_new(
    conn: &mut DbConnection,
    kind: DocumentKind,
    id: &str,
    text: &str,
) -> Result<(), PersistenceError> {
    diesel::insert_into(search_documents::table)
        .values((
            search_documents::doc_kind.eq(kind.as_str()),
            search_documents::doc_id.eq(id),
            search_documents::terms.eq(terms(text)),
        ))
        .execute(conn)?;
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
    crate::dialect::search_candidates(conn, query, kinds, before.unwrap_or(i64::MAX), limit)?
        .into_iter()
        .map(|row| {
            Ok(Hit {
                position: row.position,
                kind: DocumentKind::parse(&row.kind)
                    .map_err(|e| PersistenceError::Corrupt(e.to_string()))?,
                id: row.doc_id,
            })
        })
        .collect()
}

/// One kind's documents in id order, read in batches: `(doc_id, text)`.
fn read_batch(
    conn: &mut DbConnection,
    kind: DocumentKind,
    after: &str,
    limit: i64,
) -> Result<Vec<(String, String)>, PersistenceError> {
    use crate::schema::{comments, discussion_groups, events, places, posts, resource_versions};
    let rows: Vec<(String, Vec<Option<String>>)> = match kind {
        DocumentKind::Group => discussion_groups::table
            .filter(discussion_groups::id.gt(after))
            .order(discussion_groups::id)
            .limit(limit)
            .select((
                discussion_groups::id,
                discussion_groups::name,
                discussion_groups::description,
            ))
            .load::<(String, String, String)>(conn)?
            .into_iter()
            .map(|(id, name, description)| (id, vec![Some(name), Some(description)]))
            .collect(),
        DocumentKind::Post => posts::table
            .filter(posts::id.gt(after))
            .filter(posts::deleted_at.is_null())
            .order(posts::id)
            .limit(limit)
            .select((posts::id, posts::body))
            .load::<(String, String)>(conn)?
            .into_iter()
            .map(|(id, body)| (id, vec![Some(body)]))
            .collect(),
        DocumentKind::Comment => comments::table
            .filter(comments::id.gt(after))
            .filter(comments::deleted_at.is_null())
            .order(comments::id)
            .limit(limit)
            .select((comments::id, comments::body))
            .load::<(String, String)>(conn)?
            .into_iter()
            .map(|(id, body)| (id, vec![Some(body)]))
            .collect(),
        DocumentKind::Event => events::table
            .filter(events::id.gt(after))
            .order(events::id)
            .limit(limit)
            .select((
                events::id,
                events::title,
                events::description,
                events::address,
                events::city,
            ))
            .load::<(String, String, String, Option<String>, Option<String>)>(conn)?
            .into_iter()
            .map(|(id, title, description, address, city)| {
                (id, vec![Some(title), Some(description), address, city])
            })
            .collect(),
        DocumentKind::Place => places::table
            .filter(places::id.gt(after))
            .order(places::id)
            .limit(limit)
            .select((
                places::id,
                places::name,
                places::description,
                places::address,
                places::city,
                places::postcode,
            ))
            .load::<(String, String, String, String, String, Option<String>)>(conn)?
            .into_iter()
            .map(|(id, name, description, address, city, postcode)| {
                (
                    id,
                    vec![
                        Some(name),
                        Some(description),
                        Some(address),
                        Some(city),
                        postcode,
                    ],
                )
            })
            .collect(),
        DocumentKind::Resource => resource_versions::table
            .filter(resource_versions::resource_id.gt(after))
            .filter(resource_versions::status.eq("published"))
            .order(resource_versions::resource_id)
            .limit(limit)
            .select((
                resource_versions::resource_id,
                resource_versions::title,
                resource_versions::summary,
                resource_versions::body,
                resource_versions::tags,
            ))
            .load::<(String, String, String, String, String)>(conn)?
            .into_iter()
            .map(|(id, title, summary, body, tags)| {
                (id, vec![Some(title), Some(summary), Some(body), Some(tags)])
            })
            .collect(),
    };
    Ok(rows
        .into_iter()
        .map(|(id, parts)| {
            (
                id,
                parts.into_iter().flatten().collect::<Vec<_>>().join("\n"),
            )
        })
        .collect())
}

/// Rebuilds the whole index from the content tables (after a bulk load, or to repair it).
/// Documents are merged across kinds in id order — ids are UUID v7, so time order — keeping
/// newest-first results in time order; memory stays bounded by the batch size. Returns how
/// many documents were indexed.
pub fn reindex_all(conn: &mut DbConnection) -> Result<usize, PersistenceError> {
    const BATCH: i64 = 2_000;
    diesel::delete(search_documents::table).execute(conn)?;
    let kinds = [
        DocumentKind::Group,
        DocumentKind::Post,
        DocumentKind::Comment,
        DocumentKind::Event,
        DocumentKind::Place,
        DocumentKind::Resource,
    ];
    let mut buffers: Vec<std::collections::VecDeque<(String, String)>> = kinds
        .iter()
        .map(|_| std::collections::VecDeque::new())
        .collect();
    let mut last: Vec<String> = kinds.iter().map(|_| String::new()).collect();
    let mut done = vec![false; kinds.len()];
    let mut pending: Vec<crate::bulk::SearchDocumentRow> = Vec::new();
    let mut indexed = 0;
    loop {
        for (i, kind) in kinds.iter().enumerate() {
            if buffers[i].is_empty() && !done[i] {
                let batch = read_batch(conn, *kind, &last[i], BATCH)?;
                done[i] = i64::try_from(batch.len()).unwrap_or(i64::MAX) < BATCH;
                if let Some((id, _)) = batch.last() {
                    last[i] = id.clone();
                }
                buffers[i].extend(batch);
            }
        }
        let next = buffers
            .iter()
            .enumerate()
            .filter_map(|(i, b)| b.front().map(|(id, _)| (id.clone(), i)))
            .min();
        let Some((_, i)) = next else { break };
        let Some((id, text)) = buffers[i].pop_front() else {
            break;
        };
        pending.push(crate::bulk::SearchDocumentRow {
            doc_kind: kinds[i].as_str(),
            doc_id: id,
            terms: terms(&text),
        });
        if pending.len() >= 5_000 {
            indexed += crate::bulk::insert_all(conn, &pending)?;
            pending.clear();
        }
    }
    indexed += crate::bulk::insert_all(conn, &pending)?;
    Ok(indexed)
}
