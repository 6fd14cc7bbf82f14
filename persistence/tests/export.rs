#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a failure is a test failure"
)]

//! The member export's coverage of the schema, and the snapshot it reads in, on SQLite or
//! (with `ENTRAIDE_TEST_DATABASE_URL=postgres://...`) PostgreSQL.

use chrono::Utc;
use diesel::RunQueryDsl;
use diesel::connection::SimpleConnection;
use entraide_domain::ids::MemberId;
use entraide_domain::member::{Email, MemberKind, PlatformRole, Pseudonym};
use entraide_persistence::connection::in_read_transaction;
use entraide_persistence::members::{self, NewMember};
use entraide_persistence::testing::TestDatabase;
use entraide_persistence::{Database, DbConnection, PersistenceError, PoolOptions, export};

fn database() -> (TestDatabase, Database) {
    let test_db = TestDatabase::new();
    let db = Database::connect(test_db.url(), &PoolOptions::default()).unwrap();
    db.migrate().unwrap();
    (test_db, db)
}

fn new_member(conn: &mut DbConnection, name: &str) -> MemberId {
    let id = MemberId::new();
    members::insert(
        conn,
        &NewMember {
            id,
            email: &Email::parse(&format!("{name}@example.org")).unwrap(),
            pseudonym: &Pseudonym::parse(name).unwrap(),
            kind: MemberKind::Patient,
            role: PlatformRole::Member,
            password_hash: "$argon2id$stub",
            created_at: Utc::now(),
            email_verified_at: None,
        },
    )
    .unwrap();
    id
}

/// The heart of the export: every table and column of the live schema that refers to a
/// member is read by a section of the export, or left out for a stated reason.
#[test]
fn every_member_reference_is_exported_or_left_out() {
    let (_guard, db) = database();
    let mut conn = db.reader().unwrap();
    let found = export::member_references(&mut conn).unwrap();
    // The walk sees both kinds of reference: foreign keys, and ids held without one.
    assert!(found.contains(&("posts".to_owned(), "author_id".to_owned())));
    assert!(found.contains(&("research_audit".to_owned(), "actor_id".to_owned())));
    let uncovered = export::uncovered(&mut conn).unwrap();
    assert!(
        uncovered.is_empty(),
        "columns referring to members that the export neither reads nor leaves out with a \
         reason (add them to persistence::export EXPORTED or LEFT_OUT): {uncovered:?}"
    );
    let stale = export::stale(&mut conn).unwrap();
    assert!(
        stale.is_empty(),
        "EXPORTED / LEFT_OUT name columns the schema no longer has: {stale:?}"
    );
    for (table, column, reason) in export::LEFT_OUT {
        assert!(!reason.trim().is_empty(), "{table}.{column} has no reason");
    }
}

/// The walk bites: a new table with a member reference — under a foreign key with an
/// unusual name, or without a key under a member-like name — is reported as missing.
#[test]
fn the_walk_reports_a_new_member_reference() {
    let (_guard, db) = database();
    let mut conn = db.writer().unwrap();
    assert!(export::uncovered(&mut conn).unwrap().is_empty());
    conn.batch_execute(
        "CREATE TABLE diary_entries (\
             id TEXT PRIMARY KEY NOT NULL, \
             owner TEXT NOT NULL REFERENCES members (id) ON DELETE CASCADE, \
             body TEXT NOT NULL); \
         CREATE TABLE complaints (\
             id TEXT PRIMARY KEY NOT NULL, \
             reported_by TEXT, \
             reason TEXT NOT NULL);",
    )
    .unwrap();
    assert_eq!(
        export::uncovered(&mut conn).unwrap(),
        vec![
            ("complaints".to_owned(), "reported_by".to_owned()),
            ("diary_entries".to_owned(), "owner".to_owned()),
        ]
    );
    // A dropped column is caught too: its list entry becomes stale.
    conn.batch_execute("DROP TABLE research_audit").unwrap();
    assert_eq!(
        export::stale(&mut conn).unwrap(),
        vec![("research_audit", "actor_id")]
    );
}

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

fn member_count(conn: &mut DbConnection) -> i64 {
    diesel::sql_query("SELECT COUNT(*) AS n FROM members")
        .get_result::<Count>(conn)
        .unwrap()
        .n
}

/// The export reads one snapshot: a member committed by another connection after the first
/// read is not seen by the later reads of the same transaction.
#[test]
fn a_read_transaction_sees_one_snapshot() {
    let (_guard, db) = database();
    let mut reader = db.reader().unwrap();
    let mut writer = db.writer().unwrap();
    new_member(&mut writer, "Camille");
    let (before, after) = in_read_transaction(&mut reader, |conn| {
        let before = member_count(conn);
        new_member(&mut writer, "Dominique");
        Ok::<_, PersistenceError>((before, member_count(conn)))
    })
    .unwrap();
    assert_eq!((before, after), (1, 1));
    // Outside it, the connection is back to normal and sees the new member.
    assert_eq!(member_count(&mut reader), 2);
    // An error inside comes out as it is.
    let failed = in_read_transaction(&mut reader, |_| {
        Err::<(), _>(PersistenceError::Corrupt("stop".into()))
    });
    assert!(matches!(failed, Err(PersistenceError::Corrupt(m)) if m == "stop"));
    assert_eq!(member_count(&mut reader), 2);
}

/// On PostgreSQL the transaction is REPEATABLE READ and READ ONLY: a write is refused.
#[test]
fn a_read_transaction_is_read_only_on_postgres() {
    let (guard, db) = database();
    if !guard.is_postgres() {
        return;
    }
    let mut conn = db.reader().unwrap();
    #[derive(diesel::QueryableByName)]
    struct Setting {
        #[diesel(sql_type = diesel::sql_types::Text)]
        value: String,
    }
    let isolation = in_read_transaction(&mut conn, |conn| {
        Ok::<_, PersistenceError>(
            diesel::sql_query("SELECT current_setting('transaction_isolation') AS value")
                .get_result::<Setting>(conn)?
                .value,
        )
    })
    .unwrap();
    assert_eq!(isolation, "repeatable read");
    let write = in_read_transaction(&mut conn, |conn| new_member_fallible(conn, "Camille"));
    let refused = write.unwrap_err().to_string();
    assert!(refused.contains("read-only"), "{refused}");
    assert_eq!(member_count(&mut conn), 0);
}

fn new_member_fallible(conn: &mut DbConnection, name: &str) -> Result<(), PersistenceError> {
    members::insert(
        conn,
        &NewMember {
            id: MemberId::new(),
            email: &Email::parse(&format!("{name}@example.org")).unwrap(),
            pseudonym: &Pseudonym::parse(name).unwrap(),
            kind: MemberKind::Patient,
            role: PlatformRole::Member,
            password_hash: "$argon2id$stub",
            created_at: Utc::now(),
            email_verified_at: None,
        },
    )
    .map(drop)
}
