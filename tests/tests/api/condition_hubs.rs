//! Condition hubs: what each reader sees of a condition (and what is counted), following a
//! condition and its feed, the codes of the catalogue, and the CSV import of the command line.

use entraide_api::condition_import::{ImportError, import_file};
use entraide_api::configuration::Settings;
use entraide_api::measured::condition_hub;
use entraide_domain::group::Reader;
use entraide_domain::ids::{ConditionId, MemberId};
use entraide_domain::member::MemberKind;
use entraide_openapi::conditions::{ConditionFeed, ConditionFollowState, ConditionHub};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::associations::create_association;
use crate::resources::{Library, fact_sheet, library};
use crate::support::{JWT_SECRET, Member, TestApp, assert_problem, fields};

fn id(value: &Value) -> String {
    value["id"].as_str().unwrap().to_owned()
}

async fn hub(app: &TestApp, condition: &str, who: Option<&Member>) -> ConditionHub {
    let response = app
        .call(
            Method::GET,
            &format!("/api/v1/conditions/{condition}"),
            who,
            None,
        )
        .await;
    let status = response.status();
    let text = response.text().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{text}");
    serde_json::from_str(&text).unwrap()
}

/// The raw text of a hub, to check a name never appears in it.
async fn hub_text(app: &TestApp, condition: &str, who: Option<&Member>) -> String {
    app.call(
        Method::GET,
        &format!("/api/v1/conditions/{condition}"),
        who,
        None,
    )
    .await
    .text()
    .await
    .unwrap()
}

async fn group(
    app: &TestApp,
    owner: &Member,
    name: &str,
    visibility: &str,
    condition: &str,
) -> String {
    let group = app
        .ok_json(
            Method::POST,
            "/api/v1/groups",
            Some(owner),
            Some(json!({"name": name, "description": "Entraide et échanges",
                "visibility": visibility, "condition_id": condition})),
        )
        .await;
    id(&group)
}

async fn event(app: &TestApp, who: &Member, title: &str, day: u32, place: Value) -> String {
    let mut body = json!({"title": title,
        "starts_at": format!("2027-03-{day:02}T18:00:00+01:00"),
        "ends_at": format!("2027-03-{day:02}T20:00:00+01:00"), "time_zone": "Europe/Paris"});
    for (key, value) in place.as_object().unwrap() {
        body[key] = value.clone();
    }
    let event = app
        .ok_json(Method::POST, "/api/v1/events", Some(who), Some(body))
        .await;
    id(&event)
}

/// Creates a resource about `condition` and publishes it (quorum 1).
async fn published(l: &Library, title: &str, condition: &str) -> String {
    let mut body = fact_sheet(&l.committee, title);
    body["condition_ids"] = json!([condition]);
    let resource = l.create(body).await;
    assert_eq!(
        l.submit(&resource, &l.editor).await.status(),
        StatusCode::OK
    );
    let reviewed = l
        .review(&resource, &l.physician, json!({"decision": "validate"}))
        .await;
    assert_eq!(reviewed.status(), StatusCode::OK);
    id(&resource)
}

/// Runs SQL on the test's database (moving an event into the past).
fn sql(app: &TestApp, statement: &str) {
    use diesel::RunQueryDsl;
    let db = app.database();
    let mut conn = db.writer().unwrap();
    diesel::sql_query(statement).execute(&mut **conn).unwrap();
}

fn group_names(hub: &ConditionHub) -> Vec<String> {
    hub.groups.items.iter().map(|g| g.name.clone()).collect()
}

fn event_titles(hub: &ConditionHub) -> Vec<String> {
    hub.events.items.iter().map(|e| e.title.clone()).collect()
}

#[actix_web::test]
async fn the_hub_shows_and_counts_only_what_each_reader_may_see() {
    let l = library(1).await;
    let app = &l.app;
    let condition = app.condition(0).await.to_string();
    let other = app.condition(1).await.to_string();
    let owner = app.member("Fondatrice", "patient").await;
    let outsider = &l.reader;

    group(app, &owner, "Groupe public", "public", &condition).await;
    let secret = group(app, &owner, "Groupe secret", "private", &condition).await;
    let public = group(app, &owner, "Groupe ouvert ailleurs", "public", &other).await;

    // A verified association working on the condition, and a pending one.
    let verified = app
        .ok_json(
            Method::POST,
            "/api/v1/associations",
            Some(&owner),
            Some(
                json!({"name": "Association vérifiée", "description": "Entraide",
                "condition_ids": [condition]}),
            ),
        )
        .await;
    app.ok_json(
        Method::POST,
        &format!("/api/v1/associations/{}/verify", id(&verified)),
        Some(&l.admin),
        None,
    )
    .await;
    let pending = create_association(app, &owner, "Association en attente", true).await;
    app.ok_json(
        Method::PATCH,
        &format!("/api/v1/associations/{}", id(&pending)),
        Some(&owner),
        Some(json!({"condition_ids": [condition]})),
    )
    .await;

    // A published resource, a draft, and a resource about another condition.
    published(&l, "Fatigue et SEP", &condition).await;
    let mut draft = fact_sheet(&l.committee, "Brouillon jamais soumis");
    draft["condition_ids"] = json!([condition]);
    l.create(draft).await;
    published(&l, "Autre maladie", &other).await;

    // Events: the association's, the public group's, the private group's, one past.
    event(
        app,
        &owner,
        "Journée de l'association",
        1,
        json!({"association_id": id(&verified)}),
    )
    .await;
    let public_group = hub(app, &condition, None).await.groups.items[0].id;
    event(
        app,
        &owner,
        "Café rencontre",
        10,
        json!({"group_id": public_group}),
    )
    .await;
    event(
        app,
        &owner,
        "Réunion secrète",
        20,
        json!({"group_id": secret}),
    )
    .await;
    let past = event(
        app,
        &owner,
        "Rencontre passée",
        5,
        json!({"group_id": public_group}),
    )
    .await;
    sql(
        app,
        &format!(
            "UPDATE events SET starts_at = '2020-01-01 10:00:00', ends_at = '2020-01-01 12:00:00', \
             last_ends_at = '2020-01-01 12:00:00' WHERE id = '{past}'"
        ),
    );
    event(app, &owner, "Ailleurs", 12, json!({"group_id": public})).await;

    // A place for the condition.
    app.ok_json(
        Method::POST,
        "/api/v1/places",
        Some(&l.editor),
        Some(
            json!({"name": "Centre de référence", "kind": "support_group",
            "address": "1 rue de la Paix", "city": "Rennes", "lat": 48.11, "lon": -1.68,
            "condition_ids": [condition]}),
        ),
    )
    .await;

    for (who, label) in [(None, "anonymous"), (Some(outsider), "outsider")] {
        let seen = hub(app, &condition, who).await;
        assert_eq!(seen.condition.id.to_string(), condition);
        assert_eq!(group_names(&seen), ["Groupe public"], "{label}");
        assert_eq!(
            seen.groups.count, 1,
            "{label}: the private group is not counted"
        );
        assert_eq!(
            event_titles(&seen),
            ["Journée de l'association", "Café rencontre"],
            "{label}"
        );
        assert_eq!(seen.events.count, 2, "{label}");
        let text = hub_text(app, &condition, who).await;
        assert!(
            !text.contains("Groupe secret") && !text.contains("Réunion secrète"),
            "{label}"
        );
        assert!(!text.contains(&secret), "{label}");
        assert_eq!(seen.followed, who.map(|_| false), "{label}");
    }

    let insider = hub(app, &condition, Some(&owner)).await;
    assert_eq!(group_names(&insider), ["Groupe public", "Groupe secret"]);
    assert_eq!(insider.groups.count, 2);
    assert_eq!(
        event_titles(&insider),
        [
            "Journée de l'association",
            "Café rencontre",
            "Réunion secrète"
        ]
    );
    assert_eq!(insider.events.count, 3);

    // Verified associations only, published resources only, the place; the same for all.
    for seen in [&insider, &hub(app, &condition, None).await] {
        let names: Vec<_> = seen
            .associations
            .items
            .iter()
            .map(|a| a.name.as_str())
            .collect();
        assert_eq!(names, ["Association vérifiée"]);
        assert_eq!(seen.associations.count, 1);
        let titles: Vec<_> = seen
            .resources
            .items
            .iter()
            .map(|r| r.published.as_ref().unwrap().content.title.as_str())
            .collect();
        assert_eq!(titles, ["Fatigue et SEP"]);
        assert_eq!(seen.resources.count, 1);
        assert_eq!(seen.places.items.len(), 1);
        assert_eq!(seen.places.count, 1);
        assert!(seen.groups.more.is_none() && seen.resources.more.is_none());
    }

    // The calendar filters on the condition with the same read rules: its groups' events and
    // its associations', not another condition's, not a private group's to an outsider.
    let calendar = |condition: &str| {
        format!(
            "/api/v1/events?condition_id={condition}&from=2027-03-01T00:00:00Z&to=2027-04-01T00:00:00Z"
        )
    };
    let titles = |page: &Value| -> Vec<String> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["event"]["title"].as_str().unwrap().to_owned())
            .collect()
    };
    for who in [None, Some(outsider)] {
        let page = app
            .ok_json(Method::GET, &calendar(&condition), who, None)
            .await;
        assert_eq!(
            titles(&page),
            ["Journée de l'association", "Café rencontre"]
        );
    }
    let page = app
        .ok_json(Method::GET, &calendar(&condition), Some(&owner), None)
        .await;
    assert_eq!(
        titles(&page),
        [
            "Journée de l'association",
            "Café rencontre",
            "Réunion secrète"
        ]
    );
    let page = app
        .ok_json(Method::GET, &calendar(&other), Some(&owner), None)
        .await;
    assert_eq!(titles(&page), ["Ailleurs"]);
    let page = app
        .ok_json(
            Method::GET,
            &calendar(&uuid::Uuid::now_v7().to_string()),
            Some(&owner),
            None,
        )
        .await;
    assert_eq!(titles(&page), Vec::<String>::new());
    let bad = app
        .call(Method::GET, "/api/v1/events?condition_id=sep", None, None)
        .await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    assert!(insider.events.more.is_none());

    // Beyond five, the section shows five, counts all, and links the filtered list.
    for day in 21..25 {
        event(
            app,
            &owner,
            &format!("Atelier {day}"),
            day,
            json!({"group_id": public_group}),
        )
        .await;
    }
    let many = hub(app, &condition, Some(outsider)).await;
    assert_eq!(many.events.items.len(), 5);
    assert_eq!(many.events.count, 6);
    assert_eq!(
        many.events.more.as_deref(),
        Some(format!("/api/v1/events?condition_id={condition}").as_str())
    );
    for n in 0..5 {
        group(
            app,
            &owner,
            &format!("Groupe public {n}"),
            "public",
            &condition,
        )
        .await;
    }
    let many = hub(app, &condition, Some(outsider)).await;
    assert_eq!(many.groups.items.len(), 5);
    assert_eq!(many.groups.count, 6);
    assert_eq!(
        many.groups.more.as_deref(),
        Some(format!("/api/v1/groups?condition_id={condition}").as_str())
    );

    // An unknown condition is a 404, for everyone.
    let unknown = uuid::Uuid::now_v7();
    let response = app
        .call(
            Method::GET,
            &format!("/api/v1/conditions/{unknown}"),
            None,
            None,
        )
        .await;
    assert_problem(response, StatusCode::NOT_FOUND, "not_found").await;
}

async fn feed(app: &TestApp, who: &Member) -> ConditionFeed {
    let value = app
        .ok_json(Method::GET, "/api/v1/feed/conditions", Some(who), None)
        .await;
    serde_json::from_value(value).unwrap()
}

#[actix_web::test]
async fn following_is_idempotent_and_feeds_the_followed_conditions_news() {
    let l = library(1).await;
    let app = &l.app;
    let condition = app.condition(0).await.to_string();
    let other = app.condition(1).await.to_string();
    let reader = &l.reader;
    let follow = format!("/api/v1/conditions/{condition}/follow");

    assert_problem(
        app.call(Method::PUT, &follow, None, None).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    )
    .await;
    for _ in 0..2 {
        let state: ConditionFollowState =
            serde_json::from_value(app.ok_json(Method::PUT, &follow, Some(reader), None).await)
                .unwrap();
        assert_eq!(
            state,
            ConditionFollowState {
                following: true,
                follower_count: 1
            }
        );
    }
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM condition_follows"),
        1,
        "one row however many times"
    );
    let seen = hub(app, &condition, Some(reader)).await;
    assert_eq!(seen.followed, Some(true));
    assert_eq!(seen.follower_count, 1);

    let unknown = format!("/api/v1/conditions/{}/follow", uuid::Uuid::now_v7());
    for method in [Method::PUT, Method::DELETE] {
        let response = app.call(method, &unknown, Some(reader), None).await;
        assert_problem(response, StatusCode::NOT_FOUND, "not_found").await;
    }

    // The feed: a resource about the followed condition once published, none about another.
    assert!(feed(app, reader).await.resources.is_empty());
    let mut body = fact_sheet(&l.committee, "Nouvelle fiche suivie");
    body["condition_ids"] = json!([condition]);
    let followed_resource = l.create(body).await;
    assert!(
        feed(app, reader).await.resources.is_empty(),
        "a draft is not news"
    );
    assert_eq!(
        l.submit(&followed_resource, &l.editor).await.status(),
        StatusCode::OK
    );
    l.review(
        &followed_resource,
        &l.physician,
        json!({"decision": "validate"}),
    )
    .await;
    published(&l, "Fiche d'une autre maladie", &other).await;
    let news = feed(app, reader).await;
    let titles: Vec<_> = news
        .resources
        .iter()
        .map(|r| r.published.as_ref().unwrap().content.title.as_str())
        .collect();
    assert_eq!(titles, ["Nouvelle fiche suivie"]);

    // Events: the followed condition's public group's, not its private group's (for a
    // non-member), not another condition's.
    let owner = app.member("Animatrice", "patient").await;
    let open = group(app, &owner, "Groupe ouvert", "public", &condition).await;
    let closed = group(app, &owner, "Groupe fermé", "private", &condition).await;
    let elsewhere = group(app, &owner, "Groupe ailleurs", "public", &other).await;
    event(app, &owner, "Visible", 10, json!({"group_id": open})).await;
    event(app, &owner, "Fermée", 11, json!({"group_id": closed})).await;
    event(app, &owner, "Ailleurs", 12, json!({"group_id": elsewhere})).await;
    let titles: Vec<_> = feed(app, reader)
        .await
        .events
        .iter()
        .map(|e| e.title.clone())
        .collect();
    assert_eq!(titles, ["Visible"]);
    app.ok_json(Method::PUT, &follow, Some(&owner), None).await;
    let titles: Vec<_> = feed(app, &owner)
        .await
        .events
        .iter()
        .map(|e| e.title.clone())
        .collect();
    assert_eq!(
        titles,
        ["Visible", "Fermée"],
        "a member reads their group's"
    );

    // The export lists the follow; unfollowing twice is 204 twice; the feed is empty again.
    let export = app
        .ok_json(Method::GET, "/api/v1/members/me/export", Some(reader), None)
        .await;
    assert_eq!(export["follows"]["conditions"][0]["id"], json!(condition));
    for _ in 0..2 {
        let response = app.call(Method::DELETE, &follow, Some(reader), None).await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
    }
    let empty = feed(app, reader).await;
    assert!(empty.resources.is_empty() && empty.events.is_empty());
    assert_eq!(
        hub(app, &condition, Some(reader)).await.followed,
        Some(false)
    );

    // Erasure deletes the member's follows.
    let response = app
        .call(
            Method::DELETE,
            "/api/v1/members/me",
            Some(&owner),
            Some(json!({"password": crate::support::PASSWORD, "content": "anonymise"})),
        )
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM condition_follows"), 0);
}

#[actix_web::test]
async fn conditions_carry_their_codes_and_bad_codes_are_refused_by_field() {
    let l = library(1).await;
    let app = &l.app;
    let created = app
        .ok_json(
            Method::POST,
            "/api/v1/conditions",
            Some(&l.admin),
            Some(
                json!({"name": "Maladie de Fabry", "name_fr": "Maladie de Fabry",
                "name_en": "Fabry disease", "orpha_code": "ORPHA:324", "icd10_code": "e75.2",
                "icd11_code": "5c56.01", "snomed_code": "16652001", "mesh_code": "d000795"}),
            ),
        )
        .await;
    assert_eq!(
        created,
        json!({"id": created["id"], "name": "Maladie de Fabry", "name_fr": "Maladie de Fabry",
            "name_en": "Fabry disease", "orpha_code": "324", "icd10_code": "E75.2",
            "icd11_code": "5C56.01", "snomed_code": "16652001", "mesh_code": "D000795"})
    );
    for query in [
        "ORPHA:324",
        "orpha:324",
        "ICD10:E75.2",
        "MESH:D000795",
        "SNOMED:16652001",
    ] {
        let page = app
            .ok_json(
                Method::GET,
                &format!("/api/v1/conditions?code={query}"),
                None,
                None,
            )
            .await;
        assert_eq!(page["items"].as_array().unwrap().len(), 1, "{query}");
        assert_eq!(page["items"][0]["id"], created["id"], "{query}");
    }
    let none = app
        .ok_json(
            Method::GET,
            "/api/v1/conditions?code=ORPHA:9999999",
            None,
            None,
        )
        .await;
    assert!(none["items"].as_array().unwrap().is_empty());
    for bad in ["bogus", "LOINC:1", "ORPHA:abc"] {
        let response = app
            .get(&format!("/api/v1/conditions?code={bad}"), None)
            .await;
        assert_problem(response, StatusCode::BAD_REQUEST, "invalid_query").await;
    }

    let before = app.count("SELECT COUNT(*) AS n FROM conditions");
    for (field, value) in [
        ("orpha_code", "ORPHA:12a"),
        ("icd10_code", "E8"),
        ("icd11_code", "CA2"),
        ("snomed_code", "12345"),
        ("mesh_code", "X003550"),
        ("name_en", "x"),
    ] {
        let mut body = json!({"name": "Maladie à code faux"});
        body[field] = json!(value);
        let response = app
            .call(
                Method::POST,
                "/api/v1/conditions",
                Some(&l.admin),
                Some(body),
            )
            .await;
        let problem = assert_problem(
            response,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(fields(&problem), [field]);
    }
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM conditions"), before);
}

fn fixture(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

#[actix_web::test]
async fn the_csv_import_creates_updates_and_refuses_a_bad_file_whole() {
    let app = crate::support::spawn_app().await;
    let settings = Settings::with_database(app.database.url(), JWT_SECRET);
    let before = app.count("SELECT COUNT(*) AS n FROM conditions");

    // A bad row: reported with its line, nothing written (not even the good row before it).
    let error = import_file(&settings, &fixture("conditions_bad.csv")).unwrap_err();
    match &error {
        ImportError::Rows(rows) => {
            assert_eq!(rows.len(), 1, "{error}");
            assert_eq!(rows[0].0, 3, "{error}");
            assert!(rows[0].1.contains("icd10_code"), "{error}");
        }
        other => panic!("{other}"),
    }
    // A row clashing with another condition's name: rolled back whole.
    let error = import_file(&settings, &fixture("conditions_clash.csv")).unwrap_err();
    assert!(
        matches!(&error, ImportError::Rows(rows) if rows[0].0 == 3),
        "{error}"
    );
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM conditions"), before);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM conditions WHERE orpha_code = '324'"),
        0
    );

    let summary = import_file(&settings, &fixture("conditions.csv")).unwrap();
    assert_eq!((summary.created, summary.updated), (1, 2));
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM conditions"),
        before + 1
    );
    let found = app
        .ok_json(Method::GET, "/api/v1/conditions?code=ORPHA:586", None, None)
        .await;
    assert_eq!(found["items"][0]["name"], "Mucoviscidose");
    assert_eq!(found["items"][0]["name_en"], "Cystic fibrosis");
    assert_eq!(found["items"][0]["icd11_code"], "CA25");
    assert_eq!(found["items"][0]["mesh_code"], "D003550");
    let created = app
        .ok_json(Method::GET, "/api/v1/conditions?q=imaginaire", None, None)
        .await;
    assert_eq!(created["items"][0]["name_en"], "Imaginary test disease");
    assert!(created["items"][0]["orpha_code"].is_null());

    // Importing the same file again updates the three.
    let again = import_file(&settings, &fixture("conditions.csv")).unwrap();
    assert_eq!((again.created, again.updated), (0, 3));
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM conditions"),
        before + 1
    );
}

#[actix_web::test]
async fn a_reserved_group_shows_to_its_audience_only_and_a_ban_takes_it_away() {
    let app = crate::support::spawn_app().await;
    let condition = app.condition(0).await.to_string();
    let owner = app.member("Patiente Fondatrice", "patient").await;
    let patient = app.member("Patient Lecteur", "patient").await;
    let caregiver = app.member("Aidante Lectrice", "caregiver").await;
    let group = app
        .ok_json(
            Method::POST,
            "/api/v1/groups",
            Some(&owner),
            Some(
                json!({"name": "Entre patients", "description": "Entraide et échanges",
                "visibility": "public", "audience": "patients", "condition_id": condition}),
            ),
        )
        .await;
    let group_id = id(&group);

    for (who, shown) in [(None, 0), (Some(&caregiver), 0), (Some(&patient), 1)] {
        let seen = hub(&app, &condition, who).await;
        assert_eq!(seen.groups.items.len(), shown);
        assert_eq!(seen.groups.count, i64::try_from(shown).unwrap());
    }

    app.ok_json(
        Method::POST,
        &format!("/api/v1/groups/{group_id}/join"),
        Some(&patient),
        None,
    )
    .await;
    let ban = app
        .call(
            Method::POST,
            &format!("/api/v1/groups/{group_id}/bans"),
            Some(&owner),
            Some(json!({"member_id": patient.id})),
        )
        .await;
    assert_eq!(ban.status(), StatusCode::NO_CONTENT);
    let seen = hub(&app, &condition, Some(&patient)).await;
    assert!(seen.groups.items.is_empty());
    assert_eq!(seen.groups.count, 0, "a banned member no longer counts it");
    assert!(
        !hub_text(&app, &condition, Some(&patient))
            .await
            .contains(&group_id)
    );
}

/// How many statements the hub's read model runs for `reader`, counted on a connection of the
/// test's own by diesel's instrumentation (the codebase has no query counter of its own).
fn queries(app: &TestApp, condition: &str, reader: Reader) -> (usize, ConditionHub) {
    use diesel::connection::{Connection, InstrumentationEvent};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let db = app.database();
    let mut conn = db.reader().unwrap();
    let count = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&count);
    (**conn).set_instrumentation(move |event: InstrumentationEvent<'_>| {
        if let InstrumentationEvent::StartQuery { .. } = event {
            seen.fetch_add(1, Ordering::SeqCst);
        }
    });
    let id = ConditionId::from_uuid(condition.parse().unwrap());
    let hub = condition_hub(&mut conn, id, reader, chrono::Utc::now()).unwrap();
    (count.load(Ordering::SeqCst), hub)
}

#[actix_web::test]
async fn the_hub_costs_the_same_number_of_queries_whatever_the_data() {
    let l = library(1).await;
    let app = &l.app;
    let condition = app.condition(0).await.to_string();
    let owner = app.member("Fondatrice", "patient").await;
    let as_owner = Reader::Member {
        id: MemberId::from_uuid(owner.id),
        kind: MemberKind::Patient,
    };

    // One of each kind, then many more of each.
    let mut round = 0;
    let mut events_in: Option<String> = None;
    let mut add = async |groups: usize, events: usize| {
        round += 1;
        let first = group(
            app,
            &owner,
            &format!("Groupe {round}"),
            "public",
            &condition,
        )
        .await;
        for n in 1..groups {
            group(
                app,
                &owner,
                &format!("Groupe {round}-{n}"),
                "public",
                &condition,
            )
            .await;
        }
        group(
            app,
            &owner,
            &format!("Groupe privé {round}"),
            "private",
            &condition,
        )
        .await;
        // Every event in the first round's group: the read model checks management rights once
        // per distinct group, which this keeps at one.
        let first = events_in.get_or_insert(first).clone();
        for n in 0..events {
            let day = u32::try_from(n + 1).unwrap();
            event(
                app,
                &owner,
                &format!("Rencontre {round}-{n}"),
                day,
                json!({"group_id": first}),
            )
            .await;
        }
        for n in 0..groups.min(3) {
            let association = app
                .ok_json(
                    Method::POST,
                    "/api/v1/associations",
                    Some(&owner),
                    Some(json!({"name": format!("Association {round}-{n}"),
                        "description": "Entraide", "condition_ids": [condition]})),
                )
                .await;
            app.ok_json(
                Method::POST,
                &format!("/api/v1/associations/{}/verify", id(&association)),
                Some(&l.admin),
                None,
            )
            .await;
            published(&l, &format!("Fiche {round}-{n}"), &condition).await;
            app.ok_json(
                Method::POST,
                "/api/v1/places",
                Some(&l.editor),
                Some(
                    json!({"name": format!("Lieu {round}-{n}"), "kind": "support_group",
                    "address": "1 rue de la Paix", "city": "Rennes", "lat": 48.11, "lon": -1.68,
                    "condition_ids": [condition]}),
                ),
            )
            .await;
        }
    };
    add(1, 1).await;
    let (anonymous_few, few) = queries(app, &condition, Reader::Anonymous);
    let (owner_few, _) = queries(app, &condition, as_owner);
    assert_eq!(few.groups.items.len(), 1);
    add(8, 8).await;
    let (anonymous_many, many) = queries(app, &condition, Reader::Anonymous);
    let (owner_many, owner_hub) = queries(app, &condition, as_owner);
    assert_eq!(many.groups.items.len(), 5);
    assert_eq!(many.groups.count, 1 + 8);
    assert_eq!(
        owner_hub.groups.count,
        1 + 8 + 2,
        "with the owner's private groups"
    );
    assert_eq!(many.events.items.len(), 5);
    assert_eq!(many.resources.items.len(), 4);
    assert_eq!(
        anonymous_few, anonymous_many,
        "anonymous: {anonymous_few} queries with one of each, {anonymous_many} with many"
    );
    assert_eq!(
        owner_few, owner_many,
        "member: {owner_few} queries with one of each, {owner_many} with many"
    );
}
