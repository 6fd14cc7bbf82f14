#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a failure is a test failure"
)]

//! `persistence/src/schema.rs` is written by hand; this test holds it to the migrations. After
//! migrating a fresh database (SQLite by default, PostgreSQL with
//! `ENTRAIDE_TEST_DATABASE_URL=postgres://...`), every `diesel::table!` must exist with exactly
//! its columns — same names, same nullability, a type of the database that holds the diesel
//! type, the same primary key — and the database must hold no table or column that schema.rs
//! lacks, but for the exceptions listed below.

use std::collections::{BTreeMap, BTreeSet};

use diesel::prelude::*;
use diesel::sql_types::{Integer, Text};
use entraide_persistence::testing::TestDatabase;
use entraide_persistence::{Database, DbConnection, PoolOptions};

/// Tables of the database that schema.rs does not (and must not) describe.
const TABLES_OUTSIDE_SCHEMA: &[(&str, &str)] = &[
    (
        "__diesel_schema_migrations",
        "diesel's record of applied migrations",
    ),
    // SQLite: the FTS5 index over `search_documents` (kept by triggers) and its shadow tables;
    // queries reach it through `dialect::search_fts` in raw SQL.
    ("search_fts", "SQLite FTS5 table"),
    ("search_fts_data", "SQLite FTS5 shadow table"),
    ("search_fts_idx", "SQLite FTS5 shadow table"),
    ("search_fts_docsize", "SQLite FTS5 shadow table"),
    ("search_fts_config", "SQLite FTS5 shadow table"),
];

/// SQLite's own tables (`sqlite_sequence`, `sqlite_stat1`...) use a reserved prefix.
const SQLITE_INTERNAL_PREFIX: &str = "sqlite_";

/// Columns of the database that schema.rs does not describe.
const COLUMNS_OUTSIDE_SCHEMA: &[(&str, &str, &str)] = &[(
    "search_documents",
    "tsv",
    "PostgreSQL: a generated tsvector over `terms`, read in raw SQL by `dialect::search_walk` and `search_probe`",
)];

#[derive(Debug, Clone, PartialEq, Eq)]
struct Column {
    /// The diesel type without `Nullable<>` (`Text`, `BigInt`...), or the database's type name.
    ty: String,
    nullable: bool,
    /// Position in the primary key, from 1; 0 when not part of it.
    pk: i32,
}

type Tables = BTreeMap<String, BTreeMap<String, Column>>;

/// The `diesel::table!` blocks of schema.rs: table -> column -> (type, nullable, key position).
fn declared_tables(source: &str) -> Tables {
    let mut tables = Tables::new();
    for block in source.split("diesel::table! {").skip(1) {
        let mut lines = block
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with("//"));
        let header = lines.next().unwrap();
        let (name, rest) = header.split_once('(').unwrap();
        let (keys, _) = rest.split_once(')').unwrap();
        let keys: Vec<&str> = keys.split(',').map(str::trim).collect();
        let mut columns = BTreeMap::new();
        let mut sql_name: Option<String> = None;
        for line in lines {
            if line == "}" {
                break;
            }
            if let Some(attribute) = line.strip_prefix("#[sql_name = \"") {
                sql_name = Some(attribute.trim_end_matches("\"]").to_owned());
                continue;
            }
            assert!(
                !line.starts_with('#') && !line.starts_with("use "),
                "schema.rs: this test does not read `{line}` yet"
            );
            let (column, ty) = line.trim_end_matches(',').split_once("->").unwrap();
            let column = column.trim();
            let ty = ty.trim();
            let (ty, nullable) = match ty.strip_prefix("Nullable<") {
                Some(inner) => (inner.trim_end_matches('>'), true),
                None => (ty, false),
            };
            let pk = keys
                .iter()
                .position(|k| *k == column)
                .map_or(0, |i| i32::try_from(i + 1).unwrap());
            columns.insert(
                sql_name.take().unwrap_or_else(|| column.to_owned()),
                Column {
                    ty: ty.to_owned(),
                    nullable,
                    pk,
                },
            );
        }
        for key in &keys {
            assert!(columns.contains_key(*key), "{name}: key {key} is no column");
        }
        tables.insert(name.trim().to_owned(), columns);
    }
    tables
}

#[derive(QueryableByName)]
struct ColumnInfo {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Text)]
    data_type: String,
    #[diesel(sql_type = Integer)]
    not_null: i32,
    #[diesel(sql_type = Integer)]
    pk: i32,
}

#[derive(QueryableByName)]
struct TableName {
    #[diesel(sql_type = Text)]
    name: String,
}

/// Every table of the database, and the columns of each.
fn database_tables(conn: &mut DbConnection) -> (BTreeSet<String>, Tables) {
    let (tables_sql, columns_sql) = match conn {
        DbConnection::Sqlite(_) => (
            "SELECT name FROM sqlite_master WHERE type = 'table'",
            "SELECT m.name AS table_name, p.name AS column_name, p.type AS data_type, \
             p.\"notnull\" AS not_null, p.pk AS pk \
             FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table'",
        ),
        DbConnection::Pg(_) => (
            "SELECT table_name::text AS name FROM information_schema.tables \
             WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
            "SELECT c.table_name::text AS table_name, c.column_name::text AS column_name, \
             c.data_type::text AS data_type, \
             CAST(CASE WHEN c.is_nullable = 'NO' THEN 1 ELSE 0 END AS INTEGER) AS not_null, \
             CAST(COALESCE(( \
               SELECT k.ordinal_position FROM information_schema.table_constraints t \
               JOIN information_schema.key_column_usage k \
                 ON k.constraint_schema = t.constraint_schema \
                AND k.constraint_name = t.constraint_name \
               WHERE t.constraint_type = 'PRIMARY KEY' AND t.table_schema = 'public' \
                 AND t.table_name = c.table_name AND k.column_name = c.column_name \
             ), 0) AS INTEGER) AS pk \
             FROM information_schema.columns c WHERE c.table_schema = 'public'",
        ),
    };
    let names = diesel::sql_query(tables_sql)
        .load::<TableName>(conn)
        .unwrap()
        .into_iter()
        .map(|t| t.name)
        .collect();
    let mut tables = Tables::new();
    for c in diesel::sql_query(columns_sql)
        .load::<ColumnInfo>(conn)
        .unwrap()
    {
        // Diesel reads a primary-key column as NOT NULL (SQLite alone would admit NULL in a
        // non-INTEGER key declared without it).
        let nullable = c.not_null == 0 && c.pk == 0;
        tables.entry(c.table_name).or_default().insert(
            c.column_name,
            Column {
                ty: c.data_type,
                nullable,
                pk: c.pk,
            },
        );
    }
    (names, tables)
}

/// The database types that hold a diesel type, on each backend (SQLite's as declared).
fn holds(diesel_type: &str, database_type: &str, postgres: bool) -> bool {
    let accepted: &[&str] = match (diesel_type, postgres) {
        ("Text", false) => &["TEXT"],
        ("Text", true) => &["text"],
        ("Integer", false) => &["INTEGER"],
        ("Integer", true) => &["integer"],
        ("BigInt", false) => &["INTEGER", "BIGINT"],
        ("BigInt", true) => &["bigint"],
        ("Bool", false) => &["BOOLEAN"],
        ("Bool", true) => &["boolean"],
        ("Double", false) => &["REAL", "DOUBLE", "DOUBLE PRECISION"],
        ("Double", true) => &["double precision"],
        ("Timestamp", false) => &["TIMESTAMP"],
        ("Timestamp", true) => &["timestamp without time zone"],
        _ => &[],
    };
    accepted.contains(&database_type)
}

fn differences(
    declared: &Tables,
    names: &BTreeSet<String>,
    found: &Tables,
    postgres: bool,
) -> Vec<String> {
    let mut out = Vec::new();
    for (table, columns) in declared {
        let Some(actual) = found.get(table).filter(|_| names.contains(table)) else {
            out.push(format!("{table}: in schema.rs, not in the database"));
            continue;
        };
        for (name, column) in columns {
            let Some(got) = actual.get(name) else {
                out.push(format!("{table}.{name}: in schema.rs, not in the database"));
                continue;
            };
            if got.nullable != column.nullable {
                out.push(format!(
                    "{table}.{name}: schema.rs says nullable = {}, the database {}",
                    column.nullable, got.nullable
                ));
            }
            if !holds(&column.ty, &got.ty, postgres) {
                out.push(format!(
                    "{table}.{name}: schema.rs says {}, the database {}",
                    column.ty, got.ty
                ));
            }
            if got.pk != column.pk {
                out.push(format!(
                    "{table}.{name}: primary key position {} in schema.rs, {} in the database",
                    column.pk, got.pk
                ));
            }
        }
        for name in actual.keys() {
            let excepted = COLUMNS_OUTSIDE_SCHEMA
                .iter()
                .any(|(t, c, _)| t == table && c == name);
            if !columns.contains_key(name) && !excepted {
                out.push(format!("{table}.{name}: in the database, not in schema.rs"));
            }
        }
    }
    for table in names {
        let excepted = TABLES_OUTSIDE_SCHEMA.iter().any(|(t, _)| t == table)
            || (!postgres && table.starts_with(SQLITE_INTERNAL_PREFIX));
        if !declared.contains_key(table) && !excepted {
            out.push(format!("{table}: in the database, not in schema.rs"));
        }
    }
    out
}

/// The differences between `schema` (the text of a schema.rs) and a freshly migrated database.
fn compare(schema: &str) -> (&'static str, Vec<String>) {
    let test_db = TestDatabase::new();
    let db = Database::connect(test_db.url(), &PoolOptions::default()).unwrap();
    db.migrate().unwrap();
    let mut conn = db.writer().unwrap();
    let declared = declared_tables(schema);
    assert!(declared.len() > 30, "schema.rs read: {:?}", declared.keys());
    let (names, found) = database_tables(&mut conn);
    let postgres = test_db.is_postgres();
    let backend = if postgres { "PostgreSQL" } else { "SQLite" };
    (backend, differences(&declared, &names, &found, postgres))
}

#[test]
fn schema_rs_matches_the_migrated_database() {
    let (backend, wrong) = compare(include_str!("../src/schema.rs"));
    assert!(
        wrong.is_empty(),
        "schema.rs and the migrations differ on {backend}:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn a_schema_rs_that_drifted_is_caught() {
    let schema = include_str!("../src/schema.rs");
    let drifted = |from: &str, to: &str| {
        assert!(schema.contains(from), "schema.rs no longer has {from:?}");
        schema.replacen(from, to, 1)
    };
    let throttles = schema
        .find("diesel::table! {\n    login_throttles")
        .expect("schema.rs has login_throttles");
    let cases = [
        (
            drifted("        bio -> Nullable<Text>,\n", "        bio -> Text,\n"),
            "members.bio: schema.rs says nullable = false, the database true",
        ),
        (
            drifted("        wall_visibility -> Text,\n", ""),
            "members.wall_visibility: in the database, not in schema.rs",
        ),
        (
            drifted("        quorum -> Integer,\n", "        quorum -> Text,\n"),
            "committees.quorum: schema.rs says Text, the database ",
        ),
        (
            drifted(
                "        failures -> Integer,\n",
                "        attempts -> Integer,\n",
            ),
            "login_throttles.attempts: in schema.rs, not in the database",
        ),
        (
            schema[..throttles].to_owned(),
            "login_throttles: in the database, not in schema.rs",
        ),
    ];
    for (text, expected) in cases {
        let (backend, wrong) = compare(&text);
        assert!(
            wrong.iter().any(|w| w.starts_with(expected)),
            "{backend}: expected {expected:?} among {wrong:?}"
        );
    }
}
