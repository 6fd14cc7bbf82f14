//! What differs between SQLite and PostgreSQL, or must be written once for both.

/// A LIKE pattern matching `text` anywhere, lower-cased, with `%`, `_` and `\` escaped (use with
/// `.escape('\\')`), so a search for `50%` means the text `50%`.
pub fn like_contains(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for c in text.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// A LIKE pattern matching text that starts with `text` (already lower-cased), with `%`, `_`
/// and `\` escaped (use with `ESCAPE '\'`).
pub fn like_prefix(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 1);
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

diesel::define_sql_function! {
    /// `COALESCE(a, b)`. Wrapping a column in it keeps the planner from driving a query by that
    /// column's index (see `posts::readable_by`).
    fn coalesce(value: diesel::sql_types::Nullable<diesel::sql_types::Text>, fallback: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

diesel::define_sql_function! {
    /// Degrees to radians (PostgreSQL; SQLite built with `SQLITE_ENABLE_MATH_FUNCTIONS`).
    fn radians(x: diesel::sql_types::Double) -> diesel::sql_types::Double;
}
diesel::define_sql_function! {
    fn sin(x: diesel::sql_types::Double) -> diesel::sql_types::Double;
}
diesel::define_sql_function! {
    fn cos(x: diesel::sql_types::Double) -> diesel::sql_types::Double;
}
diesel::define_sql_function! {
    fn asin(x: diesel::sql_types::Double) -> diesel::sql_types::Double;
}
diesel::define_sql_function! {
    fn sqrt(x: diesel::sql_types::Double) -> diesel::sql_types::Double;
}

/// The great-circle (haversine) distance in kilometres between the point in columns
/// `$lat`/`$lon` (degrees) and `$point` (a `domain::geo::Point`), as SQL. PostgreSQL and SQLite
/// (with its math functions) run the same expression; `domain::geo::Point::distance_km` is the
/// same formula and the tests check they agree on known city pairs.
#[macro_export]
macro_rules! great_circle_km {
    ($lat:expr, $lon:expr, $point:expr) => {{
        use $crate::dialect::{asin, cos, radians, sin, sqrt};
        let point: entraide_domain::geo::Point = $point;
        let half_dlat = (radians($lat) - point.lat().to_radians()) / 2.0;
        let half_dlon = (radians($lon) - point.lon().to_radians()) / 2.0;
        let a = sin(half_dlat) * sin(half_dlat)
            + cos(radians($lat)) * point.lat().to_radians().cos() * sin(half_dlon) * sin(half_dlon);
        asin(sqrt(a)) * (2.0 * entraide_domain::geo::EARTH_RADIUS_KM)
    }};
}

diesel::define_sql_function! {
    /// `LOWER(text)`.
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// A full-text candidate as the database returns it; `search` turns it into a typed hit.
#[derive(diesel::QueryableByName, Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// The index row's id: newest highest.
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub position: i64,
    /// The stored document kind (`DocumentKind::as_str`).
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub kind: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub doc_id: String,
}

/// The SQL filter on `d.doc_kind` for the kinds asked for (none: every kind). Kinds come from a
/// closed enum, never from the client's text.
fn kind_filter(kinds: &[entraide_domain::search::DocumentKind]) -> String {
    if kinds.is_empty() {
        return String::new();
    }
    let list: Vec<String> = kinds.iter().map(|k| format!("'{}'", k.as_str())).collect();
    // `|| ''`: no index serves the filter, so a walk stays a walk of the primary key (a
    // generic plan would otherwise combine the kind's whole index range with it).
    format!(" AND (d.doc_kind || '') IN ({})", list.join(", "))
}

/// The query's words as the engine's match expression: every word required, any of its stems
/// accepted. SQLite FTS5: `("a" OR "b") AND ("c")`; PostgreSQL `to_tsquery`: `(a | b) & (c)`.
/// Both receive the same stems (`domain::search::Query`: only `[a-z0-9]`), so both return the
/// same documents.
fn match_expression(query: &entraide_domain::search::Query, backend: crate::Backend) -> String {
    let (or, and, quote) = match backend {
        crate::Backend::Sqlite => (" OR ", " AND ", true),
        crate::Backend::Postgres => (" | ", " & ", false),
    };
    query
        .words()
        .iter()
        .map(|alternatives| {
            let quoted: Vec<String> = alternatives
                .iter()
                .map(|s| if quote { format!("\"{s}\"") } else { s.clone() })
                .collect();
            format!("({})", quoted.join(or))
        })
        .collect::<Vec<_>>()
        .join(and)
}

/// SQLite: the newest `limit` FTS5 matches below `before`. FTS5 reads its doclists in rowid
/// order, newest first, and stops at the limit, whatever the words; a word no document has is
/// an empty doclist.
pub fn search_fts(
    conn: &mut diesel::SqliteConnection,
    query: &entraide_domain::search::Query,
    kinds: &[entraide_domain::search::DocumentKind],
    before: i64,
    limit: i64,
) -> Result<Vec<Candidate>, crate::PersistenceError> {
    use diesel::RunQueryDsl;
    use diesel::sql_types::{BigInt, Text};
    let sql = format!(
        "SELECT d.id AS position, d.doc_kind AS kind, d.doc_id AS doc_id \
         FROM search_fts JOIN search_documents d ON d.id = search_fts.rowid \
         WHERE search_fts MATCH $1 AND search_fts.rowid < $2{} \
         ORDER BY search_fts.rowid DESC LIMIT $3",
        kind_filter(kinds)
    );
    Ok(diesel::sql_query(sql)
        .bind::<Text, _>(match_expression(query, crate::Backend::Sqlite))
        .bind::<BigInt, _>(before)
        .bind::<BigInt, _>(limit)
        .load(conn)?)
}

/// PostgreSQL: the position above every indexed document (1 when there is none).
pub fn search_top(conn: &mut diesel::PgConnection) -> Result<i64, crate::PersistenceError> {
    use diesel::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Top {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        top: i64,
    }
    let top: Top =
        diesel::sql_query("SELECT COALESCE(MAX(id), 0) + 1 AS top FROM search_documents")
            .get_result(conn)?;
    Ok(top.top)
}

/// PostgreSQL: the newest `limit` matches among the positions `from..below`, walking the
/// primary key down from `below` and testing each document: at most `below - from` documents
/// read, whatever the words. The match is written as the function `ts_match_vq`, which no index
/// serves, so the plan is this walk for every word and every plan (the query is parsed once, an
/// init plan).
pub fn search_walk(
    conn: &mut diesel::PgConnection,
    query: &entraide_domain::search::Query,
    kinds: &[entraide_domain::search::DocumentKind],
    from: i64,
    below: i64,
    limit: i64,
) -> Result<Vec<Candidate>, crate::PersistenceError> {
    use diesel::RunQueryDsl;
    use diesel::sql_types::{BigInt, Text};
    let sql = format!(
        "SELECT d.id AS position, d.doc_kind AS kind, d.doc_id AS doc_id \
         FROM search_documents d \
         WHERE d.id < $2 AND d.id >= $3 \
         AND ts_match_vq(d.tsv, (SELECT to_tsquery('simple', $1))){} \
         ORDER BY d.id DESC LIMIT $4",
        kind_filter(kinds)
    );
    Ok(diesel::sql_query(sql)
        .bind::<Text, _>(match_expression(query, crate::Backend::Postgres))
        .bind::<BigInt, _>(below)
        .bind::<BigInt, _>(from)
        .bind::<BigInt, _>(limit)
        .load(conn)?)
}

/// PostgreSQL: up to `cap` documents of `kinds` (empty: every kind) below `below` matching the
/// words, in no particular order, from the GIN index: the index's entries for the words (and
/// the kinds: each document's tsvector holds its kind as the lexeme `#kind`, so the index
/// intersects a rare kind's few entries with a common word's), then at most `cap` documents
/// read. Fewer than `cap` means these are all of them. `None` when reading the entries took
/// longer than `timeout_ms` (a common word's entries: hundreds of thousands): the caller walks
/// instead.
///
/// The plan is forced: `id + 0` keeps the primary key out, and a sequential scan is refused
/// (`SET LOCAL enable_seqscan = off`, with the time limit, in a transaction of its own) — the
/// planner would otherwise scan the table for a word it wrongly believes common, the very case
/// this serves. The time limit cancels the statement; the transaction is rolled back and the
/// connection is as before.
pub fn search_probe(
    conn: &mut diesel::PgConnection,
    query: &entraide_domain::search::Query,
    kinds: &[entraide_domain::search::DocumentKind],
    below: i64,
    cap: i64,
    timeout_ms: u32,
) -> Result<Option<Vec<Candidate>>, crate::PersistenceError> {
    use diesel::connection::SimpleConnection;
    use diesel::result::{DatabaseErrorKind, Error};
    use diesel::sql_types::{BigInt, Text};
    use diesel::{Connection, RunQueryDsl};
    let words = match_expression(query, crate::Backend::Postgres);
    // `'#group' | '#place'`: kinds come from a closed enum, never from the client's text.
    let kinds = kinds
        .iter()
        .map(|kind| format!("'#{}'", kind.as_str()))
        .collect::<Vec<_>>()
        .join(" | ");
    let tsquery = if kinds.is_empty() {
        "to_tsquery('simple', $1)"
    } else {
        "to_tsquery('simple', $1) && CAST($4 AS tsquery)"
    };
    let sql = format!(
        "SELECT d.id AS position, d.doc_kind AS kind, d.doc_id AS doc_id \
         FROM search_documents d \
         WHERE d.tsv @@ (SELECT {tsquery}) AND d.id + 0 < $2 LIMIT $3"
    );
    // Inside a caller's transaction the probe's is a savepoint, and a released savepoint keeps
    // its `SET LOCAL`s: they are put back to the session's values after it (a failed one takes
    // them back itself). No caller runs it inside a transaction today.
    use diesel::connection::TransactionManager;
    let nested = diesel::connection::AnsiTransactionManager::transaction_manager_status_mut(conn)
        .transaction_depth()
        .map_err(crate::PersistenceError::from)?
        .is_some();
    let started = std::time::Instant::now();
    let read = conn.transaction(|pg| {
        // 0 would mean no limit at all.
        let timeout_ms = timeout_ms.max(1);
        pg.batch_execute(&format!(
            "SET LOCAL statement_timeout = {timeout_ms}; SET LOCAL enable_seqscan = off"
        ))?;
        diesel::sql_query(sql)
            .bind::<Text, _>(words)
            .bind::<BigInt, _>(below)
            .bind::<BigInt, _>(cap)
            .bind::<Text, _>(kinds)
            .load(pg)
    });
    if nested && read.is_ok() {
        conn.batch_execute(
            "SET LOCAL statement_timeout TO DEFAULT; SET LOCAL enable_seqscan TO DEFAULT",
        )?;
    }
    match read {
        Ok(rows) => Ok(Some(rows)),
        // A cancelled statement (the time limit): PostgreSQL reports it as SQLSTATE 57014,
        // which diesel does not name. Only an error once the time limit has passed is taken
        // for it; any other is the caller's (a lost connection is another kind anyway).
        Err(Error::DatabaseError(DatabaseErrorKind::Unknown, info))
            if started.elapsed().as_millis() >= u128::from(timeout_ms.max(1)) =>
        {
            // The walk that follows is right whatever happened; an error that does not read
            // as the time limit (in English server messages) is worth a look.
            if info.message().contains("statement timeout") {
                tracing::debug!(error = info.message(), "search probe given up");
            } else {
                tracing::warn!(
                    error = info.message(),
                    "search probe failed; walking instead"
                );
            }
            Ok(None)
        }
        Err(error) => Err(error.into()),
    }
}

/// Runs `read` with PostgreSQL planning its statements for their values, for the few statements
/// whose right plan depends on them (the pools' connections ask for generic plans,
/// `connection::PG_SESSION_SETTINGS`): optional filters written `($n IS NULL OR …)` that a custom
/// plan folds away and a generic one evaluates on every row (member discovery at 30,000
/// discoverable members: 305 ms custom, 696 ms generic), a `LIKE` prefix (an index range only
/// when its value is known), a map box (the latitude index or the time walk, by its size).
/// `SET LOCAL` in a transaction of its own, so the mode ends with it whatever happens; inside a
/// caller's transaction (a savepoint) it lasts until that transaction ends — slower plans
/// there, never wrong ones. SQLite: `read` alone.
pub fn with_custom_plans<T>(
    conn: &mut crate::DbConnection,
    read: impl FnOnce(&mut crate::DbConnection) -> Result<T, crate::PersistenceError>,
) -> Result<T, crate::PersistenceError> {
    use diesel::RunQueryDsl;
    match conn {
        crate::DbConnection::Sqlite(_) => read(conn),
        crate::DbConnection::Pg(_) => crate::connection::in_transaction(conn, |conn| {
            if let crate::DbConnection::Pg(pg) = conn {
                diesel::sql_query("SET LOCAL plan_cache_mode = force_custom_plan").execute(pg)?;
            }
            read(conn)
        }),
    }
}

/// Serialises the transactions that name the same `key` (a member's consent to a study, a
/// questionnaire's current version) until the calling transaction ends: on PostgreSQL a
/// transaction-level advisory lock, so a read-then-write (consent checked, then an answer
/// stored) cannot interleave with another on the same key under READ COMMITTED. SQLite has
/// one writer connection, which already serialises writes: nothing to do. Call first in the
/// transaction, before reading what the write depends on.
pub fn lock_key(conn: &mut crate::DbConnection, key: &str) -> Result<(), crate::PersistenceError> {
    use diesel::RunQueryDsl;
    match conn {
        crate::DbConnection::Pg(inner) => {
            diesel::sql_query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
                .bind::<diesel::sql_types::Text, _>(key)
                .execute(inner)?;
        }
        crate::DbConnection::Sqlite(_) => {}
    }
    Ok(())
}

/// How a query driven by `discoverable_members d` reaches the member `m` (and, with `bands`,
/// their `profile_bands b`): one primary-key look-up per discoverable member, whatever the table
/// statistics say. SQLite keeps the `CROSS JOIN` order (`d` drives). PostgreSQL would otherwise
/// plan a merge or hash join that reads all of `members` on a fresh or small database; a
/// `LATERAL` subquery with `LIMIT 1` is not flattened, so it stays a parameterised index scan.
/// The caller adds `m.id = d.member_id` to its `WHERE` (a no-op on PostgreSQL).
pub fn discoverable_joins(backend: crate::Backend, bands: bool) -> &'static str {
    match (backend, bands) {
        (crate::Backend::Postgres, true) => {
            "CROSS JOIN LATERAL (SELECT * FROM members mm WHERE mm.id = d.member_id LIMIT 1) m \
             LEFT JOIN LATERAL (SELECT * FROM profile_bands bb \
               WHERE bb.member_id = d.member_id LIMIT 1) b ON TRUE"
        }
        (crate::Backend::Postgres, false) => {
            "CROSS JOIN LATERAL (SELECT * FROM members mm WHERE mm.id = d.member_id LIMIT 1) m"
        }
        (crate::Backend::Sqlite, true) => {
            "CROSS JOIN members m LEFT JOIN profile_bands b ON b.member_id = d.member_id"
        }
        (crate::Backend::Sqlite, false) => "CROSS JOIN members m",
    }
}

/// The backend of a connection.
pub fn backend_of(conn: &crate::DbConnection) -> crate::Backend {
    match conn {
        crate::DbConnection::Pg(_) => crate::Backend::Postgres,
        crate::DbConnection::Sqlite(_) => crate::Backend::Sqlite,
    }
}

/// A column of the live schema: `(table, column)`.
#[derive(diesel::QueryableByName, Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SchemaColumn {
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub table_name: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub column_name: String,
}

/// What the live schema says about references to members: the columns under a foreign key to
/// `members`, and every column of every table (for the names that hold member ids without a
/// key). SQLite: `pragma_foreign_key_list` and `pragma_table_info` over `sqlite_master`;
/// PostgreSQL: `pg_constraint` and `information_schema.columns`, in the current schema.
pub fn schema_columns(
    conn: &mut crate::DbConnection,
) -> Result<(Vec<SchemaColumn>, Vec<SchemaColumn>), crate::PersistenceError> {
    use diesel::RunQueryDsl;
    Ok(match conn {
        crate::DbConnection::Pg(inner) => {
            let keys = diesel::sql_query(
                "SELECT cl.relname::text AS table_name, att.attname::text AS column_name \
                 FROM pg_constraint con \
                 JOIN pg_class cl ON cl.oid = con.conrelid \
                 JOIN pg_class ref ON ref.oid = con.confrelid \
                 JOIN pg_attribute att ON att.attrelid = con.conrelid \
                   AND att.attnum = ANY (con.conkey) \
                 WHERE con.contype = 'f' AND ref.relname = 'members' \
                   AND cl.relnamespace = current_schema()::regnamespace \
                   AND ref.relnamespace = cl.relnamespace \
                 ORDER BY 1, 2",
            )
            .load(inner)?;
            let columns = diesel::sql_query(
                "SELECT table_name::text AS table_name, column_name::text AS column_name \
                 FROM information_schema.columns WHERE table_schema = current_schema() \
                 ORDER BY 1, 2",
            )
            .load(inner)?;
            (keys, columns)
        }
        crate::DbConnection::Sqlite(inner) => {
            let keys = diesel::sql_query(
                "SELECT m.name AS table_name, f.\"from\" AS column_name \
                 FROM sqlite_master AS m JOIN pragma_foreign_key_list(m.name) AS f \
                 WHERE m.type = 'table' AND f.\"table\" = 'members' \
                 ORDER BY 1, 2",
            )
            .load(inner)?;
            let columns = diesel::sql_query(
                "SELECT m.name AS table_name, c.name AS column_name \
                 FROM sqlite_master AS m JOIN pragma_table_info(m.name) AS c \
                 WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' \
                 ORDER BY 1, 2",
            )
            .load(inner)?;
            (keys, columns)
        }
    })
}
