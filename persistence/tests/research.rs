#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a failure is a test failure"
)]

//! The consent ledger and the researcher right, on SQLite or (with
//! `ENTRAIDE_TEST_DATABASE_URL=postgres://...`) PostgreSQL.

use chrono::{TimeDelta, Utc};
use entraide_domain::consent::{Channel, PastAnswers, Purpose, Standing, standing};
use entraide_domain::ids::{MemberId, StudyId};
use entraide_domain::member::{Email, MemberKind, PlatformRole, Pseudonym};
use entraide_persistence::members::{self, NewMember};
use entraide_persistence::testing::TestDatabase;
use entraide_persistence::{
    Database, DbConnection, PersistenceError, PoolOptions, consents, researchers,
};

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

#[test]
fn the_ledger_keeps_every_consent_and_withdrawal() {
    let (_guard, db) = database();
    let mut conn = db.writer().unwrap();
    let member = new_member(&mut conn, "camille");
    let study = Purpose::Research(StudyId::new());
    let t0 = Utc::now();
    assert_eq!(consents::current_version(&mut conn, study).unwrap(), None);
    assert_eq!(
        consents::add_text(&mut conn, study, "Version 1", false, t0).unwrap(),
        1
    );

    // A consent to a text that does not exist is refused by the database.
    let refused = consents::give(
        &mut conn,
        uuid::Uuid::now_v7(),
        member,
        study,
        2,
        Channel::Api,
        t0,
    );
    assert!(
        matches!(refused, Err(PersistenceError::ForeignKeyViolation(_))),
        "{refused:?}"
    );

    consents::give(
        &mut conn,
        uuid::Uuid::now_v7(),
        member,
        study,
        1,
        Channel::Api,
        t0,
    )
    .unwrap();
    let ledger = consents::ledger(&mut conn, member, Some(study)).unwrap();
    assert_eq!(standing(&ledger, study, 1), Standing::Current);

    // A new text asks again; withdrawing records the choice for past answers.
    let t1 = t0 + TimeDelta::days(30);
    assert_eq!(
        consents::add_text(&mut conn, study, "Version 2", true, t1).unwrap(),
        2
    );
    let ledger = consents::ledger(&mut conn, member, Some(study)).unwrap();
    assert_eq!(standing(&ledger, study, 2), Standing::Outdated);
    let t2 = t1 + TimeDelta::days(1);
    assert!(consents::withdraw(&mut conn, member, study, Some(PastAnswers::Delete), t2).unwrap());
    assert!(!consents::withdraw(&mut conn, member, study, None, t2).unwrap());
    let t3 = t2 + TimeDelta::days(1);
    consents::give(
        &mut conn,
        uuid::Uuid::now_v7(),
        member,
        study,
        2,
        Channel::Api,
        t3,
    )
    .unwrap();

    // History is whole, newest first, and the latest entry decides.
    let ledger = consents::ledger(&mut conn, member, None).unwrap();
    assert_eq!(ledger.len(), 2);
    assert_eq!(ledger[0].text_version, 2);
    assert_eq!(ledger[0].withdrawn_at, None);
    assert_eq!(ledger[1].text_version, 1);
    assert!(ledger[1].withdrawn_at.is_some());
    assert_eq!(ledger[1].past_answers, Some(PastAnswers::Delete));
    assert_eq!(standing(&ledger, study, 2), Standing::Current);

    let texts = consents::texts(&mut conn, &[(study, 1), (study, 2), (study, 3)]).unwrap();
    let bodies: Vec<_> = texts.iter().map(|t| t.body.as_str()).collect();
    assert_eq!(bodies, ["Version 1", "Version 2"]);
    assert_eq!(
        consents::current_text(&mut conn, study)
            .unwrap()
            .unwrap()
            .version,
        2
    );

    // Another member's ledger is their own.
    let other = new_member(&mut conn, "dominique");
    assert!(consents::ledger(&mut conn, other, None).unwrap().is_empty());
}

#[test]
fn the_researcher_right_is_granted_and_withdrawn() {
    let (_guard, db) = database();
    let mut conn = db.writer().unwrap();
    let admin = new_member(&mut conn, "alix");
    let member = new_member(&mut conn, "chercheuse");
    assert!(!researchers::is_researcher(&mut conn, member).unwrap());
    researchers::grant(&mut conn, member, Some(admin), Utc::now()).unwrap();
    researchers::grant(&mut conn, member, Some(admin), Utc::now()).unwrap();
    assert!(researchers::is_researcher(&mut conn, member).unwrap());
    assert!(researchers::revoke(&mut conn, member).unwrap());
    assert!(!researchers::revoke(&mut conn, member).unwrap());
    assert!(!researchers::is_researcher(&mut conn, member).unwrap());
}

#[test]
fn studies_are_drafted_then_opened_and_listed_to_whom_may_read_them() {
    use entraide_domain::research::{Eligibility, NewStudy, StudyStatus};
    use entraide_domain::text::{Description, Label, Title};
    use entraide_persistence::studies;

    let (_guard, db) = database();
    let mut conn = db.writer().unwrap();
    let researcher = new_member(&mut conn, "chercheuse");
    let outsider = new_member(&mut conn, "dominique");
    let new = NewStudy {
        title: Title::parse("Fatigue et sommeil").unwrap(),
        lay_summary: Description::parse("Un questionnaire par mois, dix minutes.").unwrap(),
        sponsor: Label::parse("AP-HP").unwrap(),
        ethics_reference: Label::parse("CPP 2026-A01234-56").unwrap(),
        eligibility: Eligibility::parse(
            vec![MemberKind::Patient, MemberKind::Caregiver],
            vec![],
            Some(18),
            Some(99),
        )
        .unwrap(),
    };
    let now = Utc::now();
    let study = studies::insert(&mut conn, StudyId::new(), &new, "key-1", researcher, now).unwrap();
    assert_eq!(study.status, StudyStatus::Draft);
    assert_eq!(study.eligibility, new.eligibility);
    assert_eq!(study.title, new.title);
    assert_eq!(study.created_by, Some(researcher));
    assert_eq!(
        studies::pseudonym_key(&mut conn, study.id)
            .unwrap()
            .as_deref(),
        Some("key-1")
    );

    let listed = |conn: &mut DbConnection, actor: Option<MemberId>, role: PlatformRole| {
        studies::list(conn, actor, role, None, 10)
            .unwrap()
            .into_iter()
            .map(|s| s.id)
            .collect::<Vec<_>>()
    };
    // A draft: its researcher and platform admins only.
    assert!(listed(&mut conn, None, PlatformRole::Member).is_empty());
    assert!(listed(&mut conn, Some(outsider), PlatformRole::Member).is_empty());
    assert_eq!(
        listed(&mut conn, Some(researcher), PlatformRole::Member),
        [study.id]
    );
    assert_eq!(listed(&mut conn, None, PlatformRole::Admin), [study.id]);

    studies::set_status(&mut conn, study.id, StudyStatus::Open, now).unwrap();
    assert_eq!(listed(&mut conn, None, PlatformRole::Member), [study.id]);
    let found = studies::find(&mut conn, study.id).unwrap().unwrap();
    assert_eq!(found.status, StudyStatus::Open);

    // Newest first, keyset pages.
    let second =
        studies::insert(&mut conn, StudyId::new(), &new, "key-2", researcher, now).unwrap();
    studies::set_status(&mut conn, second.id, StudyStatus::Open, now).unwrap();
    assert_eq!(
        listed(&mut conn, None, PlatformRole::Member),
        [second.id, study.id]
    );
    let after = studies::list(&mut conn, None, PlatformRole::Member, Some(second.id), 10).unwrap();
    assert_eq!(
        after.into_iter().map(|s| s.id).collect::<Vec<_>>(),
        [study.id]
    );
}

#[test]
fn questionnaires_are_versioned_once_answered_and_withdrawals_reach_the_answers() {
    use std::collections::BTreeMap;

    use entraide_domain::questionnaire::{AnswerValue, Code, Definition, Item, ItemKind};
    use entraide_domain::research::{
        Eligibility, NewQuestionnaire, NewStudy, Recurrence, Schedule,
    };
    use entraide_domain::text::{Description, Label, Title};
    use entraide_persistence::responses::{self, NewResponse};
    use entraide_persistence::{questionnaires, research_audit, studies};

    let (_guard, db) = database();
    let mut conn = db.writer().unwrap();
    let researcher = new_member(&mut conn, "chercheuse");
    let camille = new_member(&mut conn, "camille");
    let dominique = new_member(&mut conn, "dominique");
    let now = Utc::now();
    let study = studies::insert(
        &mut conn,
        StudyId::new(),
        &NewStudy {
            title: Title::parse("Douleur au quotidien").unwrap(),
            lay_summary: Description::parse("Une échelle par semaine.").unwrap(),
            sponsor: Label::parse("AP-HP").unwrap(),
            ethics_reference: Label::parse("CPP 2026-A01234-56").unwrap(),
            eligibility: Eligibility::parse(vec![MemberKind::Patient], vec![], None, None).unwrap(),
        },
        "key",
        researcher,
        now,
    )
    .unwrap();
    let scale = |max: i64| {
        Definition::parse(vec![Item {
            link_id: Code::parse("pain").unwrap(),
            text: Label::parse("Douleur").unwrap(),
            kind: ItemKind::Scale {
                min: 0,
                max,
                min_label: Some(Label::parse("aucune").unwrap()),
                max_label: None,
            },
            required: true,
            enable_when: None,
        }])
        .unwrap()
    };
    let new = |max: i64| NewQuestionnaire {
        title: Title::parse("Douleur").unwrap(),
        schedule: Schedule::parse(now, Recurrence::EveryDays(7), 3).unwrap(),
        definition: scale(max),
    };
    let q = questionnaires::insert(
        &mut conn,
        entraide_domain::ids::QuestionnaireId::new(),
        study.id,
        &new(10),
        now,
    )
    .unwrap();
    assert_eq!(q.version, 1);
    assert_eq!(q.definition, scale(10));
    assert_eq!(q.schedule.recurrence, Recurrence::EveryDays(7));
    // No answer yet: corrected in place.
    let q = questionnaires::replace(&mut conn, q.id, &new(5), now).unwrap();
    assert_eq!((q.version, q.definition.clone()), (1, scale(5)));

    let answer =
        |value: i64| BTreeMap::from([(Code::parse("pain").unwrap(), AnswerValue::Integer(value))]);
    for (member, participant, value) in [(camille, "p_c", 3), (dominique, "p_d", 4)] {
        let answers = answer(value);
        responses::insert(
            &mut conn,
            &NewResponse {
                id: entraide_domain::ids::ResponseId::new(),
                questionnaire: q.id,
                version: 1,
                study: study.id,
                member,
                participant,
                consent_version: 1,
                answers: &answers,
            },
            now,
        )
        .unwrap();
    }
    // Answered: a change makes version 2, version 1 stays as answered.
    let q2 = questionnaires::replace(&mut conn, q.id, &new(10), now).unwrap();
    assert_eq!(q2.version, 2);
    assert_eq!(
        questionnaires::version(&mut conn, q.id, 1).unwrap(),
        Some(scale(5))
    );
    assert_eq!(
        questionnaires::version(&mut conn, q.id, 2).unwrap(),
        Some(scale(10))
    );
    assert_eq!(
        questionnaires::of_studies(&mut conn, &[study.id]).unwrap(),
        vec![q2]
    );

    let mine = responses::of_member(&mut conn, camille, Some(q.id), None, 10).unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!((mine[0].version, mine[0].answers.clone()), (1, answer(3)));
    assert!(
        responses::last_answers(&mut conn, camille, &[q.id])
            .unwrap()
            .contains_key(&q.id)
    );

    let exported = |conn: &mut DbConnection| {
        let mut p: Vec<String> = responses::for_export(conn, study.id)
            .unwrap()
            .into_iter()
            .map(|r| r.participant)
            .collect();
        p.sort();
        p
    };
    assert_eq!(exported(&mut conn), ["p_c", "p_d"]);
    // Kept pseudonymous: unlinked from the account, out of the export.
    assert_eq!(
        responses::withdraw(
            &mut conn,
            camille,
            study.id,
            PastAnswers::KeepPseudonymous,
            now
        )
        .unwrap(),
        1
    );
    assert!(
        responses::of_member(&mut conn, camille, None, None, 10)
            .unwrap()
            .is_empty()
    );
    assert_eq!(exported(&mut conn), ["p_d"]);
    // Deleted.
    assert_eq!(
        responses::withdraw(&mut conn, dominique, study.id, PastAnswers::Delete, now).unwrap(),
        1
    );
    assert!(exported(&mut conn).is_empty());

    research_audit::record(
        &mut conn,
        study.id,
        researcher,
        research_audit::AuditAction::ExportCsv,
        now,
    )
    .unwrap();
    let log = research_audit::of_study(&mut conn, study.id, None, 10).unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(
        (log[0].actor, log[0].action),
        (researcher, research_audit::AuditAction::ExportCsv)
    );
}
