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

/// Full-text candidates, newest first: SQLite FTS5 `MATCH` over the terms, or PostgreSQL
/// a stored `to_tsvector('simple', terms)` matched by `to_tsquery('simple', ...)` through its GIN
/// index. Both
/// receive the same stems (`domain::search::Query`: only `[a-z0-9]`), every word required, any
/// of its stems accepted, so both return the same documents.
pub fn search_candidates(
    conn: &mut crate::DbConnection,
    query: &entraide_domain::search::Query,
    kinds: &[entraide_domain::search::DocumentKind],
    before: i64,
    limit: i64,
) -> Result<Vec<Candidate>, crate::PersistenceError> {
    use diesel::RunQueryDsl;
    use diesel::sql_types::{BigInt, Text};
    // Kinds come from a closed enum, never from the client's text.
    let kind_filter = if kinds.is_empty() {
        String::new()
    } else {
        let list: Vec<String> = kinds.iter().map(|k| format!("'{}'", k.as_str())).collect();
        format!(" AND d.doc_kind IN ({})", list.join(", "))
    };
    let group = |alternatives: &[String], or: &str, quote: bool| {
        let quoted: Vec<String> = alternatives
            .iter()
            .map(|s| if quote { format!("\"{s}\"") } else { s.clone() })
            .collect();
        format!("({})", quoted.join(or))
    };
    let (sql, expression) = match conn {
        crate::DbConnection::Sqlite(_) => {
            let expression = query
                .words()
                .iter()
                .map(|w| group(w, " OR ", true))
                .collect::<Vec<_>>()
                .join(" AND ");
            let sql = format!(
                "SELECT d.id AS position, d.doc_kind AS kind, d.doc_id AS doc_id \
                 FROM search_fts JOIN search_documents d ON d.id = search_fts.rowid \
                 WHERE search_fts MATCH $1 AND search_fts.rowid < $2{kind_filter} \
                 ORDER BY search_fts.rowid DESC LIMIT $3"
            );
            (sql, expression)
        }
        crate::DbConnection::Pg(_) => {
            let expression = query
                .words()
                .iter()
                .map(|w| group(w, " | ", false))
                .collect::<Vec<_>>()
                .join(" & ");
            let sql = format!(
                "SELECT d.id AS position, d.doc_kind AS kind, d.doc_id AS doc_id \
                 FROM search_documents d \
                 WHERE d.tsv @@ to_tsquery('simple', $1) \
                 AND d.id < $2{kind_filter} ORDER BY d.id DESC LIMIT $3"
            );
            (sql, expression)
        }
    };
    let candidates = diesel::sql_query(sql)
        .bind::<Text, _>(expression)
        .bind::<BigInt, _>(before)
        .bind::<BigInt, _>(limit);
    // PostgreSQL: which plan is right depends on the words — the newest-first walk for a
    // common one, the GIN index for a rare one — so the planner must see them (a generic plan
    // walks for every word, and parses the query again for every document it tests).
    let rows: Vec<Candidate> = with_custom_plans(conn, |conn| Ok(candidates.load(conn)?))?;
    Ok(rows)
}

/// Runs `read` with PostgreSQL planning its statements for their values, for the few statements
/// whose right plan depends on them (the pools' connections ask for generic plans,
/// `connection::PG_SESSION_SETTINGS`): a full-text match (a common word wants the newest-first
/// walk, a rare one the GIN index), optional filters written `($n IS NULL OR …)` that a custom
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
