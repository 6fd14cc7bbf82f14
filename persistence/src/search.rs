//! The full-text index: one row per searchable document, with the terms
//! `domain::search::terms` computed. Writes go through [`index`] and [`remove`], called by the
//! persistence functions that create, change and delete searchable content; queries go through
//! a [`Scan`] over `dialect::{search_fts, search_walk, search_probe}`, where PostgreSQL and
//! SQLite differ.

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

/// How much of the index one search request may read on PostgreSQL (SQLite's FTS5 needs no
/// bound: it reads its doclists newest first and stops at the page). Counted in positions, so a
/// walk costs at most what it is allowed whatever the words; see `Scan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScanLimits {
    /// Positions walked below the cursor before the GIN index is asked about the words.
    pub window: i64,
    /// Matches the GIN probe reads at most; fewer means it found all of them.
    pub probe: i64,
    /// Positions one request walks in all, the window included.
    pub budget: i64,
    /// How long the probe may read the index's entries for the words before the scan walks
    /// instead (milliseconds).
    pub probe_timeout_ms: u32,
}

impl Default for ScanLimits {
    /// Measured at 1M posts (4M index documents, bench/README.md ninth run): a walk reads about
    /// 2.5 documents per microsecond warm, so the window costs about 4 ms and the whole budget
    /// 30–40 ms (about 100 ms cold); a rare word's probe 1–2 ms, a common word's entries 60–200
    /// ms, hence its time limit.
    fn default() -> Self {
        Self {
            window: 10_000,
            probe: 1_000,
            budget: 100_000,
            probe_timeout_ms: 20,
        }
    }
}

#[derive(Debug)]
enum ScanState {
    /// Walking positions down from `Scan::below`.
    Walking { probed: bool },
    /// Every match below `Scan::below` is known, newest first (from the probe).
    Listed(std::collections::VecDeque<Hit>),
    /// Nothing below `Scan::below` can match.
    Exhausted,
}

/// One search request reading the index newest first, batch after batch, in bounded work.
///
/// SQLite: one FTS5 statement per batch. PostgreSQL, where no single plan is right for every
/// word (walking the index newest first is quick for a common word and reads everything for
/// one no document has; the GIN index is quick for a rare word and reads every match of a
/// common one), and the planner's guess between them is what failed (a word its statistics do
/// not know took 1.5 s at 4M documents):
/// 1. walk the newest `window` positions below the cursor (`dialect::search_walk`);
/// 2. if that did not fill the batch, ask the GIN index for the matches below them, reading at
///    most `probe` (`dialect::search_probe`): fewer means all are known, and the batches are
///    served from that list (a rare or unknown word: two short statements);
/// 3. otherwise the words have many older matches: walk on down, until the batch is full or
///    the request has walked `budget` positions. Then the scan stops short, and
///    [`Scan::resume`] is where the next request goes on — a page may be short, never wrong.
#[derive(Debug)]
pub struct Scan {
    query: Query,
    kinds: Vec<DocumentKind>,
    limits: ScanLimits,
    /// Every position at or above it has been read (`None`: not started).
    below: Option<i64>,
    walked: i64,
    /// PostgreSQL: `below` has been brought down to the newest document.
    started: bool,
    state: ScanState,
}

impl Scan {
    /// A scan of the documents of `kinds` (empty: every kind) below the position `before`
    /// (`None`: from the newest).
    pub fn new(
        query: Query,
        kinds: Vec<DocumentKind>,
        before: Option<i64>,
        limits: ScanLimits,
    ) -> Self {
        Self {
            query,
            kinds,
            limits,
            below: before,
            walked: 0,
            started: false,
            state: ScanState::Walking { probed: false },
        }
    }

    /// The next matches, newest first, each below the previous batch: `limit` of them, or fewer
    /// when nothing older matches or the scan has walked its budget (see [`Scan::resume`]).
    pub fn next_batch(
        &mut self,
        conn: &mut DbConnection,
        limit: i64,
    ) -> Result<Vec<Hit>, PersistenceError> {
        let rows = match conn {
            DbConnection::Sqlite(sqlite) => {
                if matches!(self.state, ScanState::Exhausted) {
                    return Ok(Vec::new());
                }
                let below = self.below.unwrap_or(i64::MAX);
                let rows =
                    crate::dialect::search_fts(sqlite, &self.query, &self.kinds, below, limit)?;
                if i64::try_from(rows.len()).unwrap_or(i64::MAX) < limit {
                    self.state = ScanState::Exhausted;
                }
                if let Some(last) = rows.last() {
                    self.below = Some(last.position);
                }
                hits(rows)?
            }
            DbConnection::Pg(pg) => self.next_pg_batch(pg, limit)?,
        };
        Ok(rows)
    }

    /// Where a next request must go on (the position to read below), or `None` when nothing
    /// below what was returned can match.
    pub fn resume(&self) -> Option<i64> {
        match &self.state {
            ScanState::Exhausted => None,
            _ => self.below,
        }
    }

    fn next_pg_batch(
        &mut self,
        pg: &mut diesel::PgConnection,
        limit: i64,
    ) -> Result<Vec<Hit>, PersistenceError> {
        let wanted = usize::try_from(limit).unwrap_or(0);
        let mut out: Vec<Hit> = Vec::new();
        // The first batch starts at the newest document, or at the cursor when it is lower (the
        // positions above every document hold nothing to walk).
        let mut below = match self.below {
            Some(below) if self.started => below,
            cursor => {
                let top = crate::dialect::search_top(pg)?;
                cursor.map_or(top, |cursor| cursor.min(top))
            }
        };
        self.started = true;
        loop {
            let need = wanted.saturating_sub(out.len());
            if need == 0 {
                break;
            }
            match &mut self.state {
                ScanState::Exhausted => break,
                ScanState::Listed(list) => {
                    while out.len() < wanted {
                        let Some(hit) = list.pop_front() else { break };
                        below = hit.position;
                        out.push(hit);
                    }
                    if list.is_empty() {
                        self.state = ScanState::Exhausted;
                    }
                    break;
                }
                ScanState::Walking { probed } => {
                    if below <= 1 {
                        self.state = ScanState::Exhausted;
                        break;
                    }
                    let left = self.limits.budget.saturating_sub(self.walked);
                    if left <= 0 {
                        break;
                    }
                    let span = if *probed {
                        left
                    } else {
                        left.min(self.limits.window)
                    };
                    let from = below.saturating_sub(span).max(1);
                    let need = i64::try_from(need).unwrap_or(i64::MAX);
                    let rows = hits(crate::dialect::search_walk(
                        pg,
                        &self.query,
                        &self.kinds,
                        from,
                        below,
                        need,
                    )?)?;
                    let full = i64::try_from(rows.len()).unwrap_or(i64::MAX) >= need;
                    let reached = match (full, rows.last()) {
                        (true, Some(last)) => last.position,
                        _ => from,
                    };
                    self.walked = self.walked.saturating_add(below.saturating_sub(reached));
                    below = reached;
                    out.extend(rows);
                    if full {
                        break;
                    }
                    if below <= 1 {
                        self.state = ScanState::Exhausted;
                        break;
                    }
                    if !*probed {
                        *probed = true;
                        let found = crate::dialect::search_probe(
                            pg,
                            &self.query,
                            &self.kinds,
                            below,
                            self.limits.probe,
                            self.limits.probe_timeout_ms,
                        )?;
                        if let Some(found) = found.filter(|found| {
                            i64::try_from(found.len()).unwrap_or(i64::MAX) < self.limits.probe
                        }) {
                            let mut listed = hits(found)?;
                            listed.retain(|hit| {
                                self.kinds.is_empty() || self.kinds.contains(&hit.kind)
                            });
                            listed.sort_by_key(|hit| std::cmp::Reverse(hit.position));
                            self.state = ScanState::Listed(listed.into());
                        }
                    }
                }
            }
        }
        self.below = Some(below);
        Ok(out)
    }
}

fn hits(rows: Vec<crate::dialect::Candidate>) -> Result<Vec<Hit>, PersistenceError> {
    rows.into_iter()
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

/// Documents matching every word of the query, newest first, below `before`: the first batch
/// of a [`Scan`] with the default limits (a short batch may then mean the budget ran out).
/// Visibility is the caller's: hits are candidates to load through each kind's read policy.
pub fn candidates(
    conn: &mut DbConnection,
    query: &Query,
    kinds: &[DocumentKind],
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<Hit>, PersistenceError> {
    Scan::new(query.clone(), kinds.to_vec(), before, ScanLimits::default()).next_batch(conn, limit)
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
