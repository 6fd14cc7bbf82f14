#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a failure is a test failure"
)]

//! Persistence tests: each runs on its own fresh database, SQLite by default or PostgreSQL with
//! `ENTRAIDE_TEST_DATABASE_URL=postgres://...`.

use chrono::{Duration, Utc};
use diesel::connection::SimpleConnection;
use entraide_domain::condition::{ConditionInput, NewCondition};
use entraide_domain::ids::{ConditionId, MemberId, SessionId};
use entraide_domain::member::{Email, MemberKind, PlatformRole, Pseudonym};
use entraide_domain::profile::{Bio, Location, MemberListView, ProfileChanges, Visibility};
use entraide_persistence::conditions::{self, ConditionKey};
use entraide_persistence::connection::{revert_all_migrations, run_migrations};
use entraide_persistence::members::{self, NewMember};
use entraide_persistence::testing::TestDatabase;
use entraide_persistence::{Database, DbConnection, PersistenceError, PoolOptions, sessions};

fn database() -> (TestDatabase, Database) {
    let test_db = TestDatabase::new();
    let db = Database::connect(test_db.url(), &PoolOptions::default()).unwrap();
    db.migrate().unwrap();
    (test_db, db)
}

fn new_member(conn: &mut DbConnection, email: &str, pseudonym: &str) -> MemberId {
    let id = MemberId::new();
    members::insert(
        conn,
        &NewMember {
            id,
            email: &Email::parse(email).unwrap(),
            pseudonym: &Pseudonym::parse(pseudonym).unwrap(),
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

/// A group as most tests want it: no condition, association or sponsor, default description.
fn plain_group(
    name: &str,
    visibility: entraide_domain::group::GroupVisibility,
    audience: entraide_domain::group::Audience,
) -> entraide_domain::group::NewGroup {
    entraide_domain::group::NewGroup {
        name: entraide_domain::group::GroupName::parse(name).unwrap(),
        description: entraide_domain::group::GroupDescription::default(),
        condition_id: None,
        visibility,
        audience,
        association_id: None,
        members_can_create_events: false,
        sponsor: None,
    }
}

/// A dump of the schema that two runs can compare (tables, columns, indexes).
fn schema_fingerprint(conn: &mut DbConnection) -> Vec<String> {
    use diesel::prelude::*;
    use diesel::sql_types::Text;
    #[derive(QueryableByName)]
    struct Line {
        #[diesel(sql_type = Text)]
        line: String,
    }
    let sql = match conn {
        DbConnection::Pg(_) => {
            "SELECT table_name || '.' || column_name || ':' || data_type || ':' || is_nullable AS line \
             FROM information_schema.columns WHERE table_schema = 'public' \
             UNION ALL SELECT 'index ' || indexdef AS line FROM pg_indexes WHERE schemaname = 'public' \
             ORDER BY line"
        }
        DbConnection::Sqlite(_) => {
            "SELECT type || ' ' || name || ' ' || coalesce(sql, '') AS line FROM sqlite_master \
             WHERE name NOT LIKE 'sqlite_%' ORDER BY line"
        }
    };
    diesel::sql_query(sql)
        .load::<Line>(conn)
        .unwrap()
        .into_iter()
        .map(|l| l.line)
        .collect()
}

#[test]
fn migrations_go_up_down_and_up_to_the_same_schema() {
    let (_guard, db) = database();
    let mut conn = db.writer().unwrap();
    let first = schema_fingerprint(&mut conn);
    assert!(first.iter().any(|l| l.contains("members")), "{first:?}");
    revert_all_migrations(&mut conn).unwrap();
    let empty = schema_fingerprint(&mut conn);
    assert!(
        !empty.iter().any(|l| l.contains("members")),
        "down must drop the tables: {empty:?}"
    );
    let applied = run_migrations(&mut conn).unwrap();
    assert!(!applied.is_empty());
    assert_eq!(schema_fingerprint(&mut conn), first);
}

#[test]
fn members_are_unique_by_email_and_case_insensitive_pseudonym() {
    let (_guard, db) = database();
    let mut conn = db.writer().unwrap();
    new_member(&mut conn, "ana@example.org", "Ana");
    let duplicate_email = members::insert(
        &mut conn,
        &NewMember {
            id: MemberId::new(),
            email: &Email::parse("ANA@example.org").unwrap(),
            pseudonym: &Pseudonym::parse("Other").unwrap(),
            kind: MemberKind::Caregiver,
            role: PlatformRole::Member,
            password_hash: "x",
            created_at: Utc::now(),
            email_verified_at: None,
        },
    );
    assert!(matches!(
        duplicate_email,
        Err(PersistenceError::UniqueViolation {
            field: Some("email")
        })
    ));
    let duplicate_pseudonym = members::insert(
        &mut conn,
        &NewMember {
            id: MemberId::new(),
            email: &Email::parse("other@example.org").unwrap(),
            pseudonym: &Pseudonym::parse("aNA").unwrap(),
            kind: MemberKind::Caregiver,
            role: PlatformRole::Member,
            password_hash: "x",
            created_at: Utc::now(),
            email_verified_at: None,
        },
    );
    assert!(matches!(
        duplicate_pseudonym,
        Err(PersistenceError::UniqueViolation {
            field: Some("pseudonym")
        })
    ));
}

#[test]
fn profile_updates_apply_and_clear_parts() {
    let (_guard, db) = database();
    let mut conn = db.writer().unwrap();
    let id = new_member(&mut conn, "bea@example.org", "Bea");
    let condition = conditions::list(&mut conn, Some("crohn"), None, None, 5).unwrap()[0].id;
    let changes = ProfileChanges {
        bio: Some(Bio::parse("Hello").unwrap()),
        bio_visibility: Some(Visibility::Public),
        location: Some(Location::parse(Some("Lille"), None, Some("FR")).unwrap()),
        conditions: Some(vec![condition]),
        ..ProfileChanges::default()
    };
    let account = members::update_profile(&mut conn, id, &changes, Utc::now()).unwrap();
    assert_eq!(
        account.profile.bio.value.as_ref().unwrap().as_str(),
        "Hello"
    );
    assert_eq!(account.profile.bio.visibility, Visibility::Public);
    assert_eq!(
        account.profile.location.value.city.as_deref(),
        Some("Lille")
    );
    assert_eq!(account.profile.conditions.value, vec![condition]);

    let clear = ProfileChanges {
        bio: Some(None),
        conditions: Some(vec![]),
        ..ProfileChanges::default()
    };
    let account = members::update_profile(&mut conn, id, &clear, Utc::now()).unwrap();
    assert_eq!(account.profile.bio.value, None);
    assert!(account.profile.conditions.value.is_empty());
    // Untouched parts stay.
    assert_eq!(
        account.profile.location.value.city.as_deref(),
        Some("Lille")
    );

    let unknown = ProfileChanges {
        conditions: Some(vec![ConditionId::new()]),
        ..ProfileChanges::default()
    };
    assert!(matches!(
        members::update_profile(&mut conn, id, &unknown, Utc::now()),
        Err(PersistenceError::ForeignKeyViolation(_))
    ));
}

#[test]
fn refresh_tokens_rotate_once() {
    let (_guard, db) = database();
    let mut conn = db.writer().unwrap();
    let member = new_member(&mut conn, "cy@example.org", "Cyrielle");
    let session = SessionId::new();
    let now = Utc::now();
    sessions::create_session(&mut conn, session, member, None, now).unwrap();
    sessions::insert_refresh_token(&mut conn, "hash-1", session, now, now + Duration::days(30))
        .unwrap();
    let record = sessions::find_refresh_token(&mut conn, "hash-1")
        .unwrap()
        .unwrap();
    assert_eq!(record.member_id, member);
    assert_eq!(record.used_at, None);
    assert!(sessions::mark_refresh_token_used(&mut conn, "hash-1", now).unwrap());
    // A second use (a replay, or a race) is told apart.
    assert!(!sessions::mark_refresh_token_used(&mut conn, "hash-1", now).unwrap());
    assert!(sessions::is_active(&mut conn, session, member).unwrap());
    sessions::revoke_session(&mut conn, session, now).unwrap();
    assert!(!sessions::is_active(&mut conn, session, member).unwrap());
    assert!(
        sessions::find_refresh_token(&mut conn, "unknown")
            .unwrap()
            .is_none()
    );
}

#[test]
fn other_sessions_are_revoked_but_the_current_one() {
    let (_guard, db) = database();
    let mut conn = db.writer().unwrap();
    let member = new_member(&mut conn, "dan@example.org", "Dan");
    let (keep, other1, other2) = (SessionId::new(), SessionId::new(), SessionId::new());
    for s in [keep, other1, other2] {
        sessions::create_session(&mut conn, s, member, None, Utc::now()).unwrap();
    }
    let revoked =
        sessions::revoke_other_sessions(&mut conn, member, Some(keep), Utc::now()).unwrap();
    assert_eq!(revoked, 2);
    assert!(sessions::is_active(&mut conn, keep, member).unwrap());
    assert!(!sessions::is_active(&mut conn, other1, member).unwrap());
}

#[test]
fn conditions_are_seeded_listed_by_keyset_and_unique() {
    let (_guard, db) = database();
    let mut conn = db.writer().unwrap();
    let mut seen = Vec::new();
    let mut after: Option<ConditionKey> = None;
    loop {
        let page = conditions::list(&mut conn, None, None, after.as_ref(), 7).unwrap();
        if page.is_empty() {
            break;
        }
        after = page.last().map(ConditionKey::of);
        seen.extend(page.into_iter().map(|c| c.name.as_str().to_owned()));
    }
    assert!(seen.len() >= 30, "starter list: {seen:?}");
    let mut sorted = seen.clone();
    sorted.sort_by_key(|name| name.to_lowercase());
    assert_eq!(
        seen, sorted,
        "pages follow name order without gaps or repeats"
    );
    for expected in ["Breast cancer", "Multiple sclerosis", "Crohn's disease"] {
        assert!(seen.iter().any(|n| n == expected), "{expected} seeded");
    }

    let like = conditions::list(&mut conn, Some("CANCER"), None, None, 50).unwrap();
    assert!(like.len() >= 3 && like.iter().all(|c| c.name.as_str().contains("cancer")));
    // LIKE wildcards are matched literally.
    assert!(
        conditions::list(&mut conn, Some("%"), None, None, 50)
            .unwrap()
            .is_empty()
    );

    let new = NewCondition::parse(ConditionInput {
        name: Some("Maladie de Fabry"),
        orpha_code: Some("ORPHA:324"),
        icd10_code: Some("E75.2"),
        ..ConditionInput::default()
    })
    .unwrap();
    conditions::insert(&mut conn, &new, Utc::now()).unwrap();
    let again = NewCondition::parse(ConditionInput {
        name: Some("maladie de fabry"),
        ..ConditionInput::default()
    })
    .unwrap();
    assert!(matches!(
        conditions::insert(&mut conn, &again, Utc::now()),
        Err(PersistenceError::UniqueViolation {
            field: Some("name")
        })
    ));
}

#[test]
fn foreign_keys_are_enforced() {
    let (_guard, db) = database();
    let mut conn = db.writer().unwrap();
    let result = sessions::create_session(
        &mut conn,
        SessionId::new(),
        MemberId::new(),
        None,
        Utc::now(),
    );
    assert!(matches!(
        result,
        Err(PersistenceError::ForeignKeyViolation(_))
    ));
    conn.batch_execute("SELECT 1").unwrap();
}

#[test]
fn memberships_keep_the_member_count_and_feed_the_directory() {
    use entraide_domain::group::{
        Audience, GroupRole, GroupVisibility, Membership, MembershipStatus,
    };
    use entraide_persistence::groups::{self, GroupFilter};

    let (_guard, db) = database();
    let mut conn = db.writer().unwrap();
    let owner = new_member(&mut conn, "owner@example.org", "Owner");
    let other = new_member(&mut conn, "other@example.org", "Other");
    let group = groups::insert(
        &mut conn,
        &plain_group(
            "Aidants Lyon",
            GroupVisibility::Private,
            Audience::Caregivers,
        ),
        owner,
        Utc::now(),
    )
    .unwrap();
    assert_eq!(group.member_count, 1);
    assert_eq!(groups::owner_count(&mut conn, group.id).unwrap(), 1);

    let pending = Membership {
        role: GroupRole::Member,
        status: MembershipStatus::Pending,
    };
    groups::set_membership(&mut conn, group.id, other, pending, Utc::now()).unwrap();
    assert_eq!(
        groups::find(&mut conn, group.id)
            .unwrap()
            .unwrap()
            .member_count,
        1
    );
    let active = Membership {
        status: MembershipStatus::Active,
        ..pending
    };
    groups::set_membership(&mut conn, group.id, other, active, Utc::now()).unwrap();
    assert_eq!(
        groups::find(&mut conn, group.id)
            .unwrap()
            .unwrap()
            .member_count,
        2
    );
    let mine = GroupFilter {
        member: Some(other),
        ..GroupFilter::default()
    };
    assert_eq!(groups::list(&mut conn, &mine, None, 10).unwrap().len(), 1);
    let list = |conn: &mut DbConnection, view, reader| {
        groups::list_members(
            conn,
            group.id,
            MembershipStatus::Active,
            view,
            reader,
            None,
            10,
        )
        .unwrap()
    };
    let members = list(&mut conn, MemberListView::Everyone, owner);
    assert_eq!(members.len(), 2);
    assert_eq!(members[0].member_id, owner, "oldest first");
    // Members are not listed unless they chose to be; a reader always sees themselves.
    let seen: Vec<_> = list(&mut conn, MemberListView::Listed, other)
        .into_iter()
        .map(|m| m.member_id)
        .collect();
    assert_eq!(seen, [other]);
    members::set_listed_in_member_lists(&mut conn, owner, true).unwrap();
    assert_eq!(list(&mut conn, MemberListView::Listed, other).len(), 2);

    groups::delete_membership(&mut conn, group.id, other).unwrap();
    assert_eq!(
        groups::find(&mut conn, group.id)
            .unwrap()
            .unwrap()
            .member_count,
        1
    );
    assert!(groups::list(&mut conn, &mine, None, 10).unwrap().is_empty());
    assert!(
        groups::membership(&mut conn, group.id, other)
            .unwrap()
            .is_none()
    );

    let duplicate = groups::insert(
        &mut conn,
        &plain_group("AIDANTS LYON", GroupVisibility::Public, Audience::Everyone),
        other,
        Utc::now(),
    );
    assert!(matches!(
        duplicate,
        Err(PersistenceError::UniqueViolation {
            field: Some("name")
        })
    ));
}

/// The SQL read filter and the domain read policy agree on every combination of group
/// visibility, audience, reader kind and membership status, and on every wall visibility.
#[test]
fn the_sql_read_filter_agrees_with_the_domain_policy_for_posts_and_events() {
    use entraide_domain::event::{NewEvent, Schedule, TimeZoneName};
    use entraide_domain::group::{
        Audience, GroupRole, GroupVisibility, Membership, MembershipStatus, Reader,
    };
    use entraide_domain::post::{Draft, Place, can_read_post};
    use entraide_domain::text::{Description, Title};
    use entraide_persistence::events;
    use entraide_persistence::groups;
    use entraide_persistence::posts::{self, Scope};

    let (_guard, db) = database();
    let mut conn = db.writer().unwrap();
    let now = Utc::now();
    let member_of_kind = |conn: &mut DbConnection, name: &str, kind: MemberKind| {
        let id = MemberId::new();
        members::insert(
            conn,
            &NewMember {
                id,
                email: &Email::parse(&format!("{}@example.org", name.to_lowercase())).unwrap(),
                pseudonym: &Pseudonym::parse(name).unwrap(),
                kind,
                role: PlatformRole::Member,
                password_hash: "x",
                created_at: now,
                email_verified_at: None,
            },
        )
        .unwrap();
        id
    };

    let statuses = [
        None,
        Some(MembershipStatus::Active),
        Some(MembershipStatus::Pending),
        Some(MembershipStatus::Invited),
        Some(MembershipStatus::Banned),
    ];
    let mut readers = vec![(Reader::Anonymous, None)];
    for kind in [MemberKind::Patient, MemberKind::Caregiver] {
        for (i, status) in statuses.iter().enumerate() {
            let name = format!("{}{i}", kind.as_str());
            let id = member_of_kind(&mut conn, &name, kind);
            readers.push((Reader::Member { id, kind }, *status));
        }
    }

    let mut checked = 0;
    for visibility in [GroupVisibility::Public, GroupVisibility::Private] {
        for audience in [Audience::Everyone, Audience::Patients, Audience::Caregivers] {
            let owner_kind = if audience == Audience::Caregivers {
                MemberKind::Caregiver
            } else {
                MemberKind::Patient
            };
            let name = format!("owner {} {}", visibility.as_str(), audience.as_str());
            let owner = member_of_kind(&mut conn, &name.replace(' ', "_"), owner_kind);
            let group = groups::insert(
                &mut conn,
                &plain_group(&name, visibility, audience),
                owner,
                now,
            )
            .unwrap();
            let draft = Draft::parse("contenu", None).unwrap();
            let post = posts::insert(&mut conn, owner, Some(group.id), &draft, now).unwrap();
            let event = events::insert(
                &mut conn,
                owner,
                &NewEvent {
                    title: Title::parse("Réunion").unwrap(),
                    description: Description::default(),
                    place: entraide_domain::event::Place::Group(group.id),
                    schedule: Schedule::parse(
                        now,
                        now + chrono::TimeDelta::hours(1),
                        TimeZoneName::parse("Europe/Paris").unwrap(),
                        None,
                        None,
                    )
                    .unwrap(),
                    online_url: None,
                    venue: None,
                    capacity: None,
                    sponsor: None,
                },
                now,
            )
            .unwrap();
            for (reader, status) in &readers {
                let membership = status.map(|status| Membership {
                    role: GroupRole::Member,
                    status,
                });
                if let (Reader::Member { id, .. }, Some(membership)) = (reader, membership) {
                    groups::set_membership(&mut conn, group.id, *id, membership, now).unwrap();
                }
                let expected = can_read_post(
                    *reader,
                    owner,
                    Place::Group {
                        visibility,
                        audience,
                        membership,
                    },
                );
                let by_id = posts::find_readable(&mut conn, *reader, post.id).unwrap();
                let listed =
                    posts::list_readable(&mut conn, *reader, Scope::Group(group.id), None, 10)
                        .unwrap();
                let comments = entraide_persistence::comments::list_readable(
                    &mut conn, *reader, post.id, None, 10,
                )
                .unwrap();
                let context = format!("{visibility:?} {audience:?} {reader:?} {status:?}");
                assert_eq!(by_id.is_some(), expected, "by id: {context}");
                assert_eq!(comments.is_some(), expected, "its comments: {context}");
                if let Reader::Member { id, kind } = *reader {
                    let item = posts::find_readable_item(&mut conn, id, kind, post.id).unwrap();
                    assert_eq!(item.is_some(), expected, "as an item: {context}");
                }
                assert_eq!(listed.len() == 1, expected, "listed: {context}");
                // Events of the group follow the same rule as its posts.
                let event_by_id = events::find_readable(&mut conn, *reader, event.id).unwrap();
                let query = events::EventQuery {
                    from: now - chrono::TimeDelta::days(1),
                    to: now + chrono::TimeDelta::days(1),
                    group: Some(group.id),
                    association: None,
                    condition: None,
                    within: None,
                    mine: None,
                    sponsored: None,
                };
                let events_listed =
                    events::list_single(&mut conn, *reader, &query, None, 10).unwrap();
                assert_eq!(event_by_id.is_some(), expected, "event by id: {context}");
                assert_eq!(
                    events_listed.len() == 1,
                    expected,
                    "event listed: {context}"
                );
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 6 * 11);

    for wall_visibility in [Visibility::Private, Visibility::Members, Visibility::Public] {
        let owner = member_of_kind(
            &mut conn,
            &format!("wall_{}", wall_visibility.as_str()),
            MemberKind::Patient,
        );
        members::update_profile(
            &mut conn,
            owner,
            &ProfileChanges {
                wall_visibility: Some(wall_visibility),
                ..ProfileChanges::default()
            },
            now,
        )
        .unwrap();
        let draft = Draft::parse("sur mon mur", None).unwrap();
        let post = posts::insert(&mut conn, owner, None, &draft, now).unwrap();
        let owner_reader = Reader::Member {
            id: owner,
            kind: MemberKind::Patient,
        };
        for reader in [Reader::Anonymous, readers[1].0, owner_reader] {
            let expected = can_read_post(reader, owner, Place::Wall { wall_visibility });
            let by_id = posts::find_readable(&mut conn, reader, post.id).unwrap();
            let listed =
                posts::list_readable(&mut conn, reader, Scope::Author(owner), None, 10).unwrap();
            let comments =
                entraide_persistence::comments::list_readable(&mut conn, reader, post.id, None, 10)
                    .unwrap();
            assert_eq!(by_id.is_some(), expected, "{wall_visibility:?} {reader:?}");
            assert_eq!(
                comments.is_some(),
                expected,
                "comments: {wall_visibility:?} {reader:?}"
            );
            if let Reader::Member { id, kind } = reader {
                let item = posts::find_readable_item(&mut conn, id, kind, post.id).unwrap();
                assert_eq!(
                    item.is_some(),
                    expected,
                    "item: {wall_visibility:?} {reader:?}"
                );
            }
            assert_eq!(
                listed.len() == 1,
                expected,
                "{wall_visibility:?} {reader:?}"
            );
        }
    }
}

#[test]
fn pseudonym_skeletons_of_older_members_are_filled_after_migrating() {
    let (_guard, db) = database();
    let mut conn = db.writer().unwrap();
    // Two members from before the look-alike key: "PauI" (capital i) looks like "Paul".
    let paul = new_member(&mut conn, "paul@example.org", "Paul");
    conn.batch_execute("UPDATE members SET pseudonym_skeleton = NULL")
        .unwrap();
    let lookalike = new_member(&mut conn, "pauI@example.org", "PauI");
    let zoe = new_member(&mut conn, "zoe@example.org", "Zoé");
    conn.batch_execute("UPDATE members SET pseudonym_skeleton = NULL")
        .unwrap();
    run_migrations(&mut conn).unwrap();
    let skeleton = |conn: &mut DbConnection, id: MemberId| -> Option<String> {
        use diesel::prelude::*;
        use entraide_persistence::schema::members::dsl;
        dsl::members
            .filter(dsl::id.eq(id.to_string()))
            .select(dsl::pseudonym_skeleton)
            .first(conn)
            .unwrap()
    };
    // The oldest keeps the key; the younger look-alike keeps its pseudonym but no key.
    assert_eq!(
        skeleton(&mut conn, paul),
        Some(Pseudonym::parse("Paul").unwrap().skeleton())
    );
    assert_eq!(skeleton(&mut conn, lookalike), None);
    assert_eq!(
        skeleton(&mut conn, zoe),
        Some(Pseudonym::parse("Zoé").unwrap().skeleton())
    );
    // A new member cannot take a pseudonym that looks like a held one.
    let taken = members::insert(
        &mut conn,
        &NewMember {
            id: MemberId::new(),
            email: &Email::parse("p2@example.org").unwrap(),
            pseudonym: &Pseudonym::parse("Pau1").unwrap(),
            kind: MemberKind::Patient,
            role: PlatformRole::Member,
            password_hash: "x",
            created_at: Utc::now(),
            email_verified_at: None,
        },
    );
    assert!(matches!(
        taken,
        Err(PersistenceError::UniqueViolation {
            field: Some("pseudonym")
        })
    ));
}

/// Search stays as fast right after a burst of writes as after a clean-up (issue 17): on
/// PostgreSQL the GIN index's pending list, which every search scans in full, is kept to a few
/// pages (`gin_pending_list_limit = 64` kB) instead of growing to 4 MB between clean-ups. On both
/// backends the burst's documents are found.
#[test]
fn search_finds_a_burst_of_new_documents_and_keeps_the_pending_list_small() {
    use diesel::prelude::*;
    use entraide_domain::search::{DocumentKind, Query};
    use entraide_persistence::search;

    let (_test_db, db) = database();
    let mut conn = db.writer().unwrap();
    // About 600 kB of terms: far over the 64 kB limit, well under the 4 MB default.
    let documents = 3_000;
    entraide_persistence::connection::in_transaction::<_, PersistenceError, _>(&mut conn, |conn| {
        for i in 0..documents {
            let text = format!(
                "lettre{i} fatigue chronique suivi{} traitement{} rendez-vous hopital{} \
                 kinesitherapie{} sommeil{} douleur{}",
                i % 97,
                i % 89,
                i % 83,
                i % 79,
                i % 73,
                i % 71
            );
            search::index_new(conn, DocumentKind::Post, &format!("p{i}"), &text)?;
        }
        Ok(())
    })
    .unwrap();

    let hits = search::candidates(
        &mut conn,
        &Query::parse("lettre1234 fatigue").unwrap(),
        &[DocumentKind::Post],
        None,
        10,
    )
    .unwrap();
    assert_eq!(
        hits.iter().map(|hit| hit.id.as_str()).collect::<Vec<_>>(),
        ["p1234"]
    );
    let common = search::candidates(
        &mut conn,
        &Query::parse("fatigue").unwrap(),
        &[DocumentKind::Post],
        None,
        5,
    )
    .unwrap();
    assert_eq!(common.len(), 5, "newest first, limited");
    assert_eq!(common[0].id, format!("p{}", documents - 1));

    if let DbConnection::Pg(pg) = &mut **conn {
        #[derive(QueryableByName)]
        struct Cleaned {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            pages: i64,
        }
        // What a clean-up now moves into the index is what was pending: the pages every search
        // scanned. 64 kB is 8 pages of 8 kB; the 4 MB default lets ~100 pile up here.
        let cleaned = diesel::sql_query(
            "SELECT gin_clean_pending_list('search_documents_tsv_idx'::regclass) AS pages",
        )
        .get_result::<Cleaned>(pg)
        .unwrap();
        assert!(
            cleaned.pages <= 10,
            "{} pending pages: every search would scan them",
            cleaned.pages
        );
    }
}

/// PostgreSQL: the pools' connections plan their statements once, without their values; the
/// reads whose plan depends on them (member discovery, mentions, map boxes) run with
/// custom plans in a transaction of their own, and the connection is back to generic plans
/// after it, even when the read failed.
#[test]
fn postgres_connections_plan_generically_except_where_values_matter() {
    use diesel::RunQueryDsl;
    use entraide_persistence::dialect::with_custom_plans;

    #[derive(diesel::QueryableByName)]
    struct Mode {
        #[diesel(sql_type = diesel::sql_types::Text)]
        plan_cache_mode: String,
    }
    fn mode(conn: &mut DbConnection) -> String {
        let DbConnection::Pg(pg) = conn else {
            unreachable!("PostgreSQL only")
        };
        diesel::sql_query("SHOW plan_cache_mode")
            .get_result::<Mode>(pg)
            .unwrap()
            .plan_cache_mode
    }
    let (test_db, db) = database();
    if !test_db.is_postgres() {
        return;
    }
    let mut pooled = db.reader().unwrap();
    let conn: &mut DbConnection = &mut pooled;
    assert_eq!(mode(conn), "force_generic_plan");
    let inside = with_custom_plans(conn, |conn| Ok(mode(conn))).unwrap();
    assert_eq!(inside, "force_custom_plan");
    assert_eq!(mode(conn), "force_generic_plan");
    let failed: Result<(), PersistenceError> = with_custom_plans(conn, |_| {
        Err(PersistenceError::Unavailable("a failing read".to_owned()))
    });
    assert!(failed.is_err());
    assert_eq!(mode(conn), "force_generic_plan");

    // The reads that need their values planned ask for it: each runs right after the `SET LOCAL`.
    use diesel::connection::{Connection, InstrumentationEvent};
    use std::sync::{Arc, Mutex};
    let seen = Arc::new(Mutex::new(Vec::<String>::new()));
    let log = seen.clone();
    conn.set_instrumentation(move |event: InstrumentationEvent<'_>| {
        if let InstrumentationEvent::StartQuery { query, .. } = event {
            log.lock().unwrap().push(query.to_string());
        }
    });
    let custom_planned = |marker: &str| {
        let seen = seen.lock().unwrap();
        let at = seen
            .iter()
            .position(|sql| sql.contains(marker))
            .unwrap_or_else(|| panic!("{marker}: not run in {seen:?}"));
        at > 0 && seen[at - 1].contains("SET LOCAL plan_cache_mode = force_custom_plan")
    };
    entraide_persistence::discovery::mentions(
        conn,
        MemberId::new(),
        &entraide_domain::discovery::MentionPrefix::parse("ca").unwrap(),
        10,
        Utc::now(),
    )
    .unwrap();
    assert!(custom_planned("pseudonym_key LIKE"), "mentions");

    // Member discovery (optional filters), and the calendar and the places directory with a
    // map box; each read starts from an empty log.
    let reader = entraide_domain::group::Reader::Member {
        id: MemberId::new(),
        kind: MemberKind::Patient,
    };
    let ranking = entraide_persistence::discovery::Reader {
        id: MemberId::new(),
        kind: MemberKind::Patient,
        region: None,
        age_band: None,
    };
    seen.lock().unwrap().clear();
    entraide_persistence::discovery::discover(
        conn,
        &ranking,
        &entraide_persistence::discovery::DiscoverFilters::default(),
        None,
        10,
        Utc::now(),
    )
    .unwrap();
    assert!(custom_planned("FROM discoverable_members d"), "discovery");
    let paris = entraide_domain::geo::Point::parse(48.85, 2.35).unwrap();
    let calendar = entraide_persistence::events::EventQuery {
        from: Utc::now(),
        to: Utc::now() + Duration::days(30),
        group: None,
        association: None,
        condition: None,
        within: Some(paris.bounding_box(10.0)),
        mine: None,
        sponsored: None,
    };
    seen.lock().unwrap().clear();
    entraide_persistence::events::list_single(conn, reader, &calendar, None, 10).unwrap();
    assert!(custom_planned("\"events\".\"latitude\""), "calendar box");
    seen.lock().unwrap().clear();
    entraide_persistence::events::list_series(conn, reader, &calendar).unwrap();
    assert!(
        custom_planned("\"events\".\"latitude\""),
        "calendar series box"
    );
    seen.lock().unwrap().clear();
    let near = entraide_persistence::places::PlaceFilter {
        near: Some((paris, 10.0)),
        ..Default::default()
    };
    entraide_persistence::places::search(conn, &near, None, 10).unwrap();
    assert!(custom_planned("\"places\".\"latitude\""), "places near");
}

/// Search finds a document however far below the newest ones it lies, in order and page by
/// page, leaves out the kinds not asked for, and a word nothing has finds nothing. Positions
/// jump here (as after many deletions) so that the few documents lie far apart on both
/// databases; on PostgreSQL the statement is planned for its words
/// (`dialect::with_custom_plans`).
#[test]
fn search_pages_through_documents_far_apart() {
    use diesel::prelude::*;
    use entraide_domain::search::{DocumentKind, Query};
    use entraide_persistence::search;

    let (_test_db, db) = database();
    let mut conn = db.writer().unwrap();
    let index = |conn: &mut DbConnection, kind, id: &str, text: &str| {
        search::index_new(conn, kind, id, text).unwrap();
    };
    index(&mut conn, DocumentKind::Post, "old", "sarcoidose cardiaque");
    index(
        &mut conn,
        DocumentKind::Event,
        "old-event",
        "sarcoidose rencontre",
    );
    let jump = match &mut **conn {
        DbConnection::Pg(pg) => {
            diesel::sql_query("SELECT setval('search_documents_id_seq', 100000)").execute(pg)
        }
        DbConnection::Sqlite(sqlite) => diesel::sql_query(
            "UPDATE sqlite_sequence SET seq = 100000 WHERE name = 'search_documents'",
        )
        .execute(sqlite),
    };
    jump.unwrap();
    index(
        &mut conn,
        DocumentKind::Post,
        "new",
        "sarcoidose pulmonaire",
    );
    index(&mut conn, DocumentKind::Post, "other", "fatigue chronique");
    let find = |conn: &mut DbConnection, words: &str, before: Option<i64>, limit: i64| {
        search::candidates(
            conn,
            &Query::parse(words).unwrap(),
            &[DocumentKind::Post],
            before,
            limit,
        )
        .unwrap()
    };
    let ids = |hits: &[search::Hit]| hits.iter().map(|h| h.id.clone()).collect::<Vec<_>>();
    let all = find(&mut conn, "sarcoidose", None, 10);
    assert_eq!(
        ids(&all),
        ["new", "old"],
        "newest first, the event left out"
    );
    assert!(all[0].position > 100_000 && all[1].position < 100_000);
    let first = find(&mut conn, "sarcoidose", None, 1);
    assert_eq!(ids(&first), ["new"]);
    let next = find(&mut conn, "sarcoidose", Some(first[0].position), 1);
    assert_eq!(ids(&next), ["old"]);
    assert!(find(&mut conn, "sarcoidose", Some(next[0].position), 1).is_empty());
    assert_eq!(ids(&find(&mut conn, "cardiaque", None, 10)), ["old"]);
    assert!(find(&mut conn, "introuvable", None, 10).is_empty());
    assert!(find(&mut conn, "sarcoidose", Some(1), 10).is_empty());
}

/// A search request reads a bounded share of the index (`search::Scan`), and the next request
/// goes on where it stopped, so every match is found in order, once. PostgreSQL walks the
/// newest positions, then asks the GIN index for the older matches — all of them when they are
/// few — and otherwise walks on within its budget: with a window of 5 positions, a probe of 3
/// matches and a budget of 20, a word with 10 old matches below 41 newer documents takes two
/// empty requests before its first page. SQLite's FTS5 reads its doclists newest first and
/// stops at the page, whatever the words.
#[test]
fn search_scans_in_bounded_steps_and_resumes_where_it_stopped() {
    use entraide_domain::search::{DocumentKind, Query};
    use entraide_persistence::search::{self, Scan, ScanLimits};

    let (test_db, db) = database();
    let mut conn = db.writer().unwrap();
    // Positions 1–10: "grippe" (posts g0–g9, "cardiaque" on g3 and g5); 11: a rare word;
    // 12–51: "fatigue" comments.
    for i in 0..10 {
        let extra = if i == 3 || i == 5 { " cardiaque" } else { "" };
        let text = format!("grippe saisonniere{extra}");
        search::index_new(&mut conn, DocumentKind::Post, &format!("g{i}"), &text).unwrap();
    }
    search::index_new(&mut conn, DocumentKind::Post, "rare", "sarcoidose").unwrap();
    for i in 0..40 {
        search::index_new(
            &mut conn,
            DocumentKind::Comment,
            &format!("f{i}"),
            "fatigue",
        )
        .unwrap();
    }
    let limits = ScanLimits {
        window: 5,
        probe: 3,
        budget: 20,
        probe_timeout_ms: 10_000,
    };
    // PostgreSQL: the statements each search runs, to check the probe's guard below.
    let statements = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    {
        use diesel::connection::{Connection, InstrumentationEvent};
        let log = statements.clone();
        conn.set_instrumentation(move |event: InstrumentationEvent<'_>| {
            if let InstrumentationEvent::StartQuery { query, .. } = event {
                log.lock().unwrap().push(query.to_string());
            }
        });
    }
    let query = |words: &str| Query::parse(words).unwrap();
    let ids = |hits: &[search::Hit]| hits.iter().map(|h| h.id.clone()).collect::<Vec<_>>();
    let postgres = test_db.is_postgres();

    // A rare word below the window: the probe finds it, and there is nothing left to read.
    let mut scan = Scan::new(query("sarcoidose"), vec![], None, limits);
    assert_eq!(ids(&scan.next_batch(&mut conn, 10).unwrap()), ["rare"]);
    assert_eq!(scan.resume(), None);
    let mut scan = Scan::new(query("introuvable"), vec![], None, limits);
    assert!(scan.next_batch(&mut conn, 10).unwrap().is_empty());
    assert_eq!(
        scan.resume(),
        None,
        "a word nothing has: nothing to go on to"
    );
    if postgres {
        // The probe never scans the table, however common the planner believes the words: it
        // runs right after `SET LOCAL enable_seqscan = off`, and only once per scan.
        let seen = statements.lock().unwrap();
        let probes: Vec<usize> = (0..seen.len())
            .filter(|&i| seen[i].contains("d.id + 0 <"))
            .collect();
        assert_eq!(probes.len(), 2, "one probe per search above: {seen:?}");
        for at in probes {
            assert!(at > 0 && seen[at - 1].contains("SET LOCAL enable_seqscan = off"));
            assert!(seen[at - 1].contains("SET LOCAL statement_timeout = 10000"));
        }
        // The walk is written so that no index but the primary key can serve it.
        assert!(
            seen.iter()
                .any(|sql| sql.contains("ts_match_vq(d.tsv") && sql.contains("ORDER BY d.id DESC"))
        );
        assert!(
            !seen
                .iter()
                .any(|sql| sql.contains("d.tsv @@") && sql.contains("ORDER BY"))
        );
    }

    // Fewer matches than the probe reads: served batch after batch from its list, the kinds
    // not asked for left out.
    let mut scan = Scan::new(query("cardiaque"), vec![DocumentKind::Post], None, limits);
    assert_eq!(ids(&scan.next_batch(&mut conn, 1).unwrap()), ["g5"]);
    assert!(scan.resume().is_some());
    assert_eq!(ids(&scan.next_batch(&mut conn, 1).unwrap()), ["g3"]);
    assert!(scan.next_batch(&mut conn, 1).unwrap().is_empty());
    assert_eq!(scan.resume(), None);
    let mut scan = Scan::new(
        query("cardiaque"),
        vec![DocumentKind::Comment],
        None,
        limits,
    );
    assert!(scan.next_batch(&mut conn, 10).unwrap().is_empty());
    assert_eq!(scan.resume(), None);

    // A common word: pages of 4, each request a new scan from the last one's resume position.
    let mut pages = Vec::new();
    let mut before = None;
    loop {
        let mut scan = Scan::new(query("grippe"), vec![DocumentKind::Post], before, limits);
        let batch = scan.next_batch(&mut conn, 4).unwrap();
        if postgres
            && batch.len() < 4
            && let Some(resume) = scan.resume()
        {
            let start = before.unwrap_or(52);
            assert_eq!(start - resume, 20, "a short batch walked its whole budget");
        }
        if let (Some(before), Some(first)) = (before, batch.first()) {
            assert!(first.position < before);
        }
        pages.push(ids(&batch));
        match scan.resume() {
            Some(resume) => before = Some(resume),
            None => break,
        }
        assert!(pages.len() < 10, "the scan must end: {pages:?}");
    }
    let all: Vec<String> = pages.iter().flatten().cloned().collect();
    let expected: Vec<String> = (0..10).rev().map(|i| format!("g{i}")).collect();
    assert_eq!(all, expected, "every match once, newest first: {pages:?}");
    if postgres {
        assert_eq!(
            pages,
            [
                vec![],
                vec![],
                vec!["g9", "g8", "g7", "g6"],
                vec!["g5", "g4", "g3", "g2"],
                vec!["g1", "g0"],
            ],
            "positions 52→32 and 32→12 walked without a match, then the pages"
        );
    } else {
        assert_eq!(pages.len(), 3, "FTS5 pages straight away: {pages:?}");
    }
}

/// The hot reads' statements are prepared once per connection and kept: run once on a new
/// connection, every statement they run goes into diesel's statement cache. A `sql_query` or an
/// `IN` list of binds never does — it is prepared again on every call, and parsed and planned
/// again by PostgreSQL — and this test names the reads that regressed. On PostgreSQL it also
/// checks that none of them was planned for its values (`plan_cache_mode`, set per connection).
#[test]
fn the_hot_reads_prepare_each_statement_once_per_connection() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use diesel::Connection;
    use diesel::connection::InstrumentationEvent;
    use entraide_domain::group::{Audience, GroupVisibility, Reader};
    use entraide_domain::ids::CommentId;
    use entraide_domain::post::{Body, Draft};
    use entraide_persistence::posts::{self, FeedSource, Scope};
    use entraide_persistence::{comments, discovery, follows, groups, media, reactions};

    let test_db = TestDatabase::new();
    let db = Database::connect(test_db.url(), &PoolOptions::default()).unwrap();
    db.migrate().unwrap();
    let session = SessionId::new();
    let (reader, author, group, post, comment) = {
        let mut conn = db.writer().unwrap();
        let now = Utc::now();
        let reader = new_member(&mut conn, "lectrice@example.org", "Lectrice");
        let author = new_member(&mut conn, "autrice@example.org", "Autrice");
        let group = groups::insert(
            &mut conn,
            &plain_group("Migraines", GroupVisibility::Public, Audience::Everyone),
            author,
            now,
        )
        .unwrap();
        follows::follow(&mut conn, reader, author, now).unwrap();
        sessions::create_session(&mut conn, session, reader, None, now).unwrap();
        let draft = Draft::parse("Bonjour à toutes", None).unwrap();
        let post = posts::insert(&mut conn, author, Some(group.id), &draft, now).unwrap();
        let body = Body::parse("Merci", Body::COMMENT_MAX_CHARS).unwrap();
        let comment = comments::insert(&mut conn, post.id, None, reader, &body, now).unwrap();
        (reader, author, group.id, post.id, comment.id)
    };
    let member = Reader::Member {
        id: reader,
        kind: MemberKind::Patient,
    };
    type Read = Box<dyn Fn(&mut DbConnection)>;
    let comments_after =
        move |conn: &mut DbConnection, reader: Reader, after: Option<CommentId>| {
            let page = comments::list_readable(conn, reader, post, after, 21).unwrap();
            assert!(page.is_some(), "the post is readable");
        };
    let reads: Vec<(&str, Read)> = vec![
        (
            "home_sources",
            Box::new(move |c| assert_eq!(posts::home_sources(c, reader).unwrap().1, [author])),
        ),
        (
            "find_readable_page",
            Box::new(move |c| {
                let page =
                    posts::find_readable_page(c, reader, MemberKind::Patient, &[post]).unwrap();
                assert_eq!(page.len(), 1);
            }),
        ),
        (
            "find_readable_item",
            Box::new(move |c| {
                let item = posts::find_readable_item(c, reader, MemberKind::Patient, post).unwrap();
                assert!(item.is_some_and(|item| item.extras.is_some()));
            }),
        ),
        (
            "source_head",
            Box::new(move |c| {
                assert_eq!(
                    posts::source_head(c, FeedSource::Group(group), None, 64).unwrap(),
                    [post]
                );
            }),
        ),
        (
            "find_readable, member",
            Box::new(move |c| assert!(posts::find_readable(c, member, post).unwrap().is_some())),
        ),
        (
            "find_readable, anonymous",
            Box::new(move |c| {
                assert!(
                    posts::find_readable(c, Reader::Anonymous, post)
                        .unwrap()
                        .is_some()
                );
            }),
        ),
        (
            "list_readable, a group",
            Box::new(move |c| {
                let page = posts::list_readable(c, member, Scope::Group(group), None, 21).unwrap();
                assert_eq!(page.len(), 1);
            }),
        ),
        (
            "list_readable, a wall",
            Box::new(move |c| {
                let page =
                    posts::list_readable(c, member, Scope::Author(author), None, 21).unwrap();
                assert_eq!(page.len(), 1);
            }),
        ),
        (
            "comments, member",
            Box::new(move |c| comments_after(c, member, None)),
        ),
        (
            "comments, anonymous",
            Box::new(move |c| comments_after(c, Reader::Anonymous, None)),
        ),
        (
            "authors of a page",
            Box::new(move |c| {
                assert_eq!(members::summaries(c, &[author, reader]).unwrap().len(), 2)
            }),
        ),
        (
            "a group and the reader's membership",
            Box::new(move |c| {
                let (found, owner) = groups::find_with_membership(c, group, author)
                    .unwrap()
                    .unwrap();
                assert_eq!(found.id, group);
                assert!(owner.is_some());
            }),
        ),
        (
            "the author of a new post",
            Box::new(move |c| assert!(members::summary(c, author).unwrap().is_some())),
        ),
        (
            "group names of a page",
            Box::new(move |c| assert_eq!(posts::group_names(c, &[group]).unwrap().len(), 1)),
        ),
        (
            "photos of a page of posts",
            Box::new(move |c| assert!(media::of_posts(c, &[post]).unwrap().is_empty())),
        ),
        (
            "photos of a page of comments",
            Box::new(move |c| assert!(media::of_comments(c, &[comment]).unwrap().is_empty())),
        ),
        (
            "the reader's reactions on posts",
            Box::new(move |c| {
                assert!(
                    reactions::mine_on_posts(c, reader, &[post])
                        .unwrap()
                        .is_empty()
                )
            }),
        ),
        (
            "the reader's reactions on comments",
            Box::new(move |c| {
                assert!(
                    reactions::mine_on_comments(c, reader, &[comment])
                        .unwrap()
                        .is_empty()
                );
            }),
        ),
        (
            "settings (auth_read)",
            Box::new(move |c| assert!(discovery::settings(c, reader).unwrap().is_some())),
        ),
        (
            "the session check",
            Box::new(move |c| {
                let active = sessions::active_member(c, session, reader).unwrap();
                assert!(active.is_some());
            }),
        ),
    ];
    let started = Arc::new(AtomicUsize::new(0));
    let cached = Arc::new(AtomicUsize::new(0));
    let counting = |conn: &mut DbConnection| {
        let (s, c) = (started.clone(), cached.clone());
        conn.set_instrumentation(move |event: InstrumentationEvent<'_>| match event {
            InstrumentationEvent::StartQuery { .. } => {
                s.fetch_add(1, Ordering::SeqCst);
            }
            InstrumentationEvent::CacheQuery { .. } => {
                c.fetch_add(1, Ordering::SeqCst);
            }
            _ => {}
        });
    };
    let counts = || {
        (
            started.swap(0, Ordering::SeqCst),
            cached.swap(0, Ordering::SeqCst),
        )
    };
    let mut not_kept = Vec::new();
    let mut reprepared = Vec::new();
    let mut custom_planned = Vec::new();
    for (name, read) in &reads {
        // A connection of its own: its statement cache starts empty.
        let options = PoolOptions {
            max_connections: 1,
            ..PoolOptions::default()
        };
        let fresh = Database::connect(test_db.url(), &options).unwrap();
        let mut conn = fresh.reader().unwrap();
        counting(&mut conn);
        counts();
        read(&mut conn);
        let (statements, kept) = counts();
        assert!(statements > 0, "{name}: ran no statement");
        if kept != statements {
            not_kept.push(format!("{name} ({kept} of {statements} kept)"));
        }
        read(&mut conn);
        let (again, kept_again) = counts();
        assert_eq!((again, kept_again), (statements, 0), "{name}, second call");
        // Kept by diesel is not enough: SQLite itself re-prepares a statement whose plan
        // depended on a bound value (a `LIMIT ?` unless built with QPSG, see
        // .cargo/config.toml) each time that value is bound again. `sqlite_stmt` counts it.
        if let DbConnection::Sqlite(sqlite) = &mut **conn {
            use diesel::RunQueryDsl;
            #[derive(diesel::QueryableByName)]
            struct Statement {
                #[diesel(sql_type = diesel::sql_types::Text)]
                sql: String,
            }
            let again = diesel::sql_query(
                "SELECT sql FROM sqlite_stmt WHERE reprep > 0 AND sql NOT LIKE '%sqlite_stmt%'",
            )
            .load::<Statement>(sqlite)
            .unwrap();
            let head = |sql: &str| sql.chars().take(60).collect::<String>();
            reprepared.extend(again.iter().map(|s| format!("{name}: {}…", head(&s.sql))));
        }
        // Kept is not enough on PostgreSQL either: with its default `plan_cache_mode` it plans
        // a kept statement again for its values on every execution where that looks cheaper
        // (the fixed-slot ones, always). The pools' connections ask for one generic plan.
        if let DbConnection::Pg(pg) = &mut **conn {
            use diesel::RunQueryDsl;
            #[derive(diesel::QueryableByName)]
            struct Planned {
                #[diesel(sql_type = diesel::sql_types::Text)]
                statement: String,
                #[diesel(sql_type = diesel::sql_types::BigInt)]
                custom: i64,
            }
            let planned = diesel::sql_query(
                "SELECT statement, custom_plans AS custom FROM pg_prepared_statements \
                 WHERE custom_plans > 0",
            )
            .load::<Planned>(pg)
            .unwrap();
            let head = |sql: &str| sql.chars().take(60).collect::<String>();
            custom_planned.extend(
                planned
                    .iter()
                    .map(|p| format!("{name}: {}… ({} plans)", head(&p.statement), p.custom)),
            );
        }
    }
    assert!(
        custom_planned.is_empty(),
        "planned for its values by PostgreSQL: {custom_planned:?}"
    );
    assert!(
        not_kept.is_empty(),
        "prepared again on every call: {not_kept:?}"
    );
    assert!(
        reprepared.is_empty(),
        "re-prepared by SQLite on every call: {reprepared:?}"
    );
    // The next page of comments (a cursor) runs the very statements of the first page.
    let mut conn = db.reader().unwrap();
    counting(&mut conn);
    comments_after(&mut conn, member, None);
    counts();
    comments_after(&mut conn, member, Some(comment));
    assert_eq!(
        counts(),
        (2, 0),
        "comments after a cursor: a statement of its own"
    );
}

/// PostgreSQL: the listener thread sends what queued meanwhile in one statement (one commit);
/// every other process receives each payload of the batch, in order, and an empty batch sends
/// nothing.
#[test]
fn a_batch_of_wake_ups_reaches_every_listener_in_order() {
    use entraide_persistence::wakeups::Listener;

    let test_db = TestDatabase::new();
    if !test_db.is_postgres() {
        return;
    }
    let mut sender = Listener::connect(test_db.url()).unwrap();
    let mut other = Listener::connect(test_db.url()).unwrap();
    let batch: Vec<String> = (0..150).map(|i| format!("{{\"n\":{i}}}")).collect();
    sender.notify_all(&batch).unwrap();
    sender.notify_all(&[]).unwrap();
    other.round_trip().unwrap();
    assert_eq!(other.received().unwrap(), batch);
    // The sender listens too: it gets its own batch (the hub skips its own node's payloads).
    sender.round_trip().unwrap();
    assert_eq!(sender.received().unwrap(), batch);
}

/// PostgreSQL: the author of a new post is read by key with a statement that gets a generic
/// plan, so it is not planned again on every post — even under PostgreSQL's default
/// `plan_cache_mode` (after five custom plans), where the fixed-slot statement of a page's
/// authors would be (its custom plan stays cheaper). The pools ask for generic plans anyway
/// (`the_hot_reads_prepare_each_statement_once_per_connection`).
#[test]
fn the_author_of_a_new_post_is_read_with_a_generic_plan_on_postgres() {
    use diesel::RunQueryDsl;
    use diesel::sql_types::{BigInt, Bool};

    #[derive(diesel::QueryableByName, Debug)]
    struct Plans {
        #[diesel(sql_type = BigInt)]
        generic: i64,
        #[diesel(sql_type = BigInt)]
        custom: i64,
        #[diesel(sql_type = Bool)]
        slots: bool,
    }
    let test_db = TestDatabase::new();
    if !test_db.is_postgres() {
        return;
    }
    let db = Database::connect(test_db.url(), &PoolOptions::default()).unwrap();
    db.migrate().unwrap();
    let mut pooled = db.writer().unwrap();
    let conn: &mut DbConnection = &mut pooled;
    let author = new_member(conn, "autrice@example.org", "Autrice");
    for _ in 0..8 {
        assert!(members::summary(conn, author).unwrap().is_some());
        assert_eq!(members::summaries(conn, &[author]).unwrap().len(), 1);
    }
    let plans = diesel::sql_query(
        "SELECT generic_plans AS generic, custom_plans AS custom, \
         statement LIKE '% OR %' AS slots \
         FROM pg_prepared_statements WHERE statement LIKE '%member_badges%'",
    )
    .load::<Plans>(conn)
    .unwrap();
    let by_key = plans
        .iter()
        .find(|p| !p.slots)
        .expect("the one-key statement");
    assert!(
        by_key.generic >= 3 && by_key.custom <= 5,
        "planned again on each call: {plans:?}"
    );
}
