//! "People like me" (issue 16): discoverability settings, profile bands, the discover list
//! (opt-in x allowed parts x visibility, as a table), its ranking, filters, blocks, pagination,
//! @mention completion, bad input, and the query plan (driven by `discoverable_members`).

use std::collections::BTreeSet;

use chrono::{Duration, Utc};
use diesel::RunQueryDsl;
use entraide_domain::discovery::{AgeBand, DiagnosedSince, DiscoveryPart, DiscoveryParts};
use entraide_domain::ids::{ConditionId, MemberId};
use entraide_domain::member::{Email, MemberKind, PlatformRole, Pseudonym};
use entraide_domain::profile::{LanguageTag, Location, ProfileChanges, Visibility};
use entraide_persistence::members::{self, NewMember};
use entraide_persistence::{Backend, DbConnection, discovery};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::support::{Member, PASSWORD, TestApp, assert_problem, fields, spawn_app};

/// Every item of the discover list for `who`, following cursors `page` at a time; checks no
/// member comes twice.
async fn discover_all(app: &TestApp, who: &Member, filters: &str, page: u32) -> Vec<Value> {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = format!("/api/v1/members/discover?limit={page}{filters}");
        if let Some(cursor) = &cursor {
            path.push_str(&format!("&cursor={cursor}"));
        }
        let body = app.ok_json(Method::GET, &path, Some(who), None).await;
        items.extend(body["items"].as_array().unwrap().iter().cloned());
        match body["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    let ids: BTreeSet<&str> = items.iter().map(|i| i["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), items.len(), "a member came twice: {items:?}");
    items
}

fn pseudonyms(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|i| i["pseudonym"].as_str().unwrap().to_owned())
        .collect()
}

/// A member written straight to the database (registration hashes a password: too slow for a
/// table of 70 members), with a full profile.
struct Fixture {
    pseudonym: String,
    kind: MemberKind,
    conditions: Vec<ConditionId>,
    region: &'static str,
    language: &'static str,
    age_band: AgeBand,
    diagnosed_since: DiagnosedSince,
    /// One visibility for every part, unless `part` overrides.
    visibility: Visibility,
    part: Option<(DiscoveryPart, Visibility)>,
    discoverable: Option<DiscoveryParts>,
}

fn insert(conn: &mut DbConnection, fixture: &Fixture) -> MemberId {
    let id = MemberId::new();
    let Fixture {
        pseudonym,
        kind,
        conditions,
        region,
        language,
        age_band,
        diagnosed_since,
        visibility,
        part,
        discoverable,
    } = fixture;
    members::insert(
        conn,
        &NewMember {
            id,
            email: &Email::parse(&format!("{}@example.org", pseudonym.to_lowercase())).unwrap(),
            pseudonym: &Pseudonym::parse(pseudonym).unwrap(),
            kind: *kind,
            role: PlatformRole::Member,
            password_hash: "$argon2id$stub",
            created_at: Utc::now(),
            email_verified_at: None,
        },
    )
    .unwrap();
    let of = |p: DiscoveryPart| match part {
        Some((q, v)) if *q == p => *v,
        _ => *visibility,
    };
    let changes = ProfileChanges {
        location: Some(Location::parse(None, Some(region), Some("FR")).unwrap()),
        location_visibility: Some(of(DiscoveryPart::Region)),
        language: Some(Some(LanguageTag::parse(language).unwrap())),
        language_visibility: Some(of(DiscoveryPart::Language)),
        conditions: Some(conditions.clone()),
        conditions_visibility: Some(of(DiscoveryPart::Conditions)),
        age_band: Some(Some(*age_band)),
        age_band_visibility: Some(of(DiscoveryPart::AgeBand)),
        diagnosed_since: Some(Some(*diagnosed_since)),
        diagnosed_since_visibility: Some(of(DiscoveryPart::DiagnosedSince)),
        ..ProfileChanges::default()
    };
    members::update_profile(conn, id, &changes, Utc::now()).unwrap();
    discovery::set_discoverable(conn, id, *discoverable, Utc::now()).unwrap();
    id
}

fn like_reader(pseudonym: String, conditions: Vec<ConditionId>) -> Fixture {
    Fixture {
        pseudonym,
        kind: MemberKind::Patient,
        conditions,
        region: "Bretagne",
        language: "fr",
        age_band: AgeBand::From30To44,
        diagnosed_since: DiagnosedSince::OneToFiveYears,
        visibility: Visibility::Members,
        part: None,
        discoverable: None,
    }
}

async fn patch_me(app: &TestApp, who: &Member, body: Value) {
    app.ok_json(Method::PATCH, "/api/v1/members/me", Some(who), Some(body))
        .await;
}

async fn settings(app: &TestApp, who: &Member, body: Value) -> reqwest::Response {
    app.call(
        Method::PATCH,
        "/api/v1/members/me/settings",
        Some(who),
        Some(body),
    )
    .await
}

/// The reader as the fixtures' twin: patient, Bretagne, fr, 30-44, with condition `c`.
async fn reader(app: &TestApp, name: &str, c: Uuid) -> Member {
    let reader = app.member(name, "patient").await;
    patch_me(
        app,
        &reader,
        json!({"location": {"region": "Bretagne", "country": "FR"}, "language": "fr",
               "condition_ids": [c], "age_band": "30_44", "diagnosed_since": "1_to_5_years"}),
    )
    .await;
    reader
}

/// The table: opt-in x part x allowed x visibility. Each fixture has every part filled like
/// the reader's; only the part under test is allowed (or nothing is), at the visibility under
/// test, every other part public but not allowed. Expected: listed iff opted in; the part
/// shown iff allowed and not private (the kind: iff allowed); no other part ever shown; a
/// filter on the part finds the member iff the part is shown.
#[actix_web::test]
async fn every_combination_of_opt_in_allowed_part_and_visibility_is_respected() {
    let app = spawn_app().await;
    let c = app.condition(0).await;
    let reader = reader(&app, "Lectrice", c).await;
    let db = app.database();
    let mut conn = db.writer().unwrap();
    let mut cases = Vec::new();
    for (p, part) in DiscoveryPart::ALL.iter().copied().enumerate() {
        for opt_in in [false, true] {
            for allowed in [false, true] {
                for (v, visibility) in Visibility::ALL.into_iter().enumerate() {
                    let pseudonym = format!("Cas{p}{}{}{v}", u8::from(opt_in), u8::from(allowed));
                    let discoverable = opt_in.then(|| {
                        if allowed {
                            DiscoveryParts::from_parts(&[part])
                        } else {
                            DiscoveryParts::default()
                        }
                    });
                    let mut fixture =
                        like_reader(pseudonym.clone(), vec![ConditionId::from_uuid(c)]);
                    fixture.visibility = Visibility::Public;
                    fixture.part = Some((part, visibility));
                    fixture.discoverable = discoverable;
                    insert(&mut conn, &fixture);
                    let shown = opt_in
                        && allowed
                        && (part == DiscoveryPart::Kind || visibility != Visibility::Private);
                    cases.push((pseudonym, part, opt_in, shown));
                }
            }
        }
    }
    drop(conn);

    let listed = discover_all(&app, &reader, "", 7).await;
    let names = pseudonyms(&listed);
    let field = |part: DiscoveryPart| match part {
        DiscoveryPart::Conditions => "condition_ids",
        DiscoveryPart::Kind => "kind",
        DiscoveryPart::AgeBand => "age_band",
        DiscoveryPart::Region => "region",
        DiscoveryPart::Language => "language",
        DiscoveryPart::DiagnosedSince => "diagnosed_since",
    };
    for (pseudonym, part, opt_in, shown) in &cases {
        let item = listed.iter().find(|i| i["pseudonym"] == pseudonym.as_str());
        assert_eq!(item.is_some(), *opt_in, "{pseudonym} listed");
        let Some(item) = item else { continue };
        for other in DiscoveryPart::ALL.iter().copied() {
            let expected = other == *part && *shown;
            assert_eq!(
                !item[field(other)].is_null(),
                expected,
                "{pseudonym}: {} shown ({part:?})",
                field(other)
            );
        }
        if *shown {
            let expected = match part {
                DiscoveryPart::Conditions => json!([c]),
                DiscoveryPart::Kind => json!("patient"),
                DiscoveryPart::AgeBand => json!("30_44"),
                DiscoveryPart::Region => json!("Bretagne"),
                DiscoveryPart::Language => json!("fr"),
                DiscoveryPart::DiagnosedSince => json!("1_to_5_years"),
            };
            assert_eq!(item[field(*part)], expected, "{pseudonym}");
        }
    }
    assert_eq!(names.len(), cases.iter().filter(|c| c.2).count());

    // Filters find a member only on a part that is shown.
    let filters = [
        (DiscoveryPart::Conditions, format!("&condition_id={c}")),
        (DiscoveryPart::Kind, "&kind=patient".to_owned()),
        (DiscoveryPart::Region, "&region=Bretagne".to_owned()),
        (DiscoveryPart::AgeBand, "&age_band=30_44".to_owned()),
        (DiscoveryPart::Language, "&language=FR".to_owned()),
    ];
    for (part, filter) in filters {
        let found: BTreeSet<String> = pseudonyms(&discover_all(&app, &reader, &filter, 50).await)
            .into_iter()
            .collect();
        let expected: BTreeSet<String> = cases
            .iter()
            .filter(|(_, p, _, shown)| *p == part && *shown)
            .map(|(name, ..)| name.clone())
            .collect();
        assert_eq!(found, expected, "filter {filter}");
    }
    // Two filters together: both must match.
    let both = discover_all(&app, &reader, "&kind=patient&region=Bretagne", 50).await;
    assert!(both.is_empty(), "no fixture allows both: {both:?}");
}

/// Shared conditions first, then kind, region, age band; a part not allowed, or private,
/// ranks for nothing.
#[actix_web::test]
async fn ranking_uses_only_allowed_and_visible_parts() {
    let app = spawn_app().await;
    let (c0, c1, c2) = (
        app.condition(0).await,
        app.condition(1).await,
        app.condition(2).await,
    );
    let reader = app.member("Lectrice", "patient").await;
    patch_me(
        &app,
        &reader,
        json!({"location": {"region": "Bretagne"}, "condition_ids": [c0, c1], "age_band": "30_44"}),
    )
    .await;
    let all = DiscoveryParts::from_parts(DiscoveryPart::ALL);
    let ids = |list: &[Uuid]| list.iter().copied().map(ConditionId::from_uuid).collect();
    let db = app.database();
    let mut conn = db.writer().unwrap();
    let make = |name: &str, conditions: Vec<ConditionId>| {
        let mut f = like_reader(name.to_owned(), conditions);
        f.discoverable = Some(all);
        f
    };
    // Two shared conditions, nothing else in common: first.
    let mut a = make("Alpha", ids(&[c0, c1, c2]));
    a.kind = MemberKind::Caregiver;
    a.region = "Alsace";
    a.age_band = AgeBand::From60To74;
    // One shared condition, and kind, region, age band: second.
    let b = make("Bravo", ids(&[c0]));
    // Same kind only: third.
    let mut c = make("Charlie", vec![]);
    c.region = "Alsace";
    c.age_band = AgeBand::From60To74;
    // Same region and age band: fourth.
    let mut d = make("Delta", vec![]);
    d.kind = MemberKind::Caregiver;
    // Everything in common, but conditions private and nothing else allowed: last (rank 0).
    let mut e = make("Echo", ids(&[c0, c1]));
    e.part = Some((DiscoveryPart::Conditions, Visibility::Private));
    e.discoverable = Some(DiscoveryParts::from_parts(&[DiscoveryPart::Conditions]));
    // Everything in common, conditions public but not allowed: rank 0 too.
    let mut f = make("Foxtrot", ids(&[c0, c1]));
    f.visibility = Visibility::Public;
    f.discoverable = Some(DiscoveryParts::default());
    for fixture in [&e, &d, &c, &b, &a, &f] {
        insert(&mut conn, fixture);
    }
    drop(conn);
    let listed = discover_all(&app, &reader, "", 2).await;
    let names = pseudonyms(&listed);
    assert_eq!(&names[..4], ["Alpha", "Bravo", "Charlie", "Delta"]);
    let tail: BTreeSet<&str> = names[4..].iter().map(String::as_str).collect();
    assert_eq!(tail, BTreeSet::from(["Echo", "Foxtrot"]));
    // The shared conditions of Alpha: the reader's two.
    let alpha = &listed[0];
    assert_eq!(
        alpha["shared_condition_ids"],
        json!([c0, c1].iter().copied().collect::<BTreeSet<_>>())
    );
    assert_eq!(alpha["condition_ids"].as_array().unwrap().len(), 3);
    // Echo's and Foxtrot's conditions are not shown.
    for item in &listed[4..] {
        assert!(item["condition_ids"].is_null(), "{item}");
        assert!(item["kind"].is_null(), "{item}");
    }
}

/// Settings: off by default; parts are chosen while discoverable only; off forgets them;
/// refused changes store nothing. Bands sit on the profile with their own visibility.
#[actix_web::test]
async fn discoverability_is_an_opt_in_setting_and_bands_have_visibility() {
    let app = spawn_app().await;
    let camille = app.member("Camille", "caregiver").await;
    let other = app.member("Karim", "patient").await;
    let read = app
        .ok_json(
            Method::GET,
            "/api/v1/members/me/settings",
            Some(&camille),
            None,
        )
        .await;
    assert_eq!(read["discoverable"], json!(false));
    assert_eq!(read["discovery_parts"], json!([]));
    // Parts while not discoverable: 422, nothing stored.
    let refused = settings(&app, &camille, json!({"discovery_parts": ["region"]})).await;
    let problem = assert_problem(
        refused,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), ["discovery_parts"]);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM discoverable_members"),
        0
    );
    // Too many parts, an unknown part: refused.
    let seven = json!({"discoverable": true, "discovery_parts":
        ["region", "kind", "language", "age_band", "conditions", "diagnosed_since", "region"]});
    let refused = settings(&app, &camille, seven).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let refused = settings(
        &app,
        &camille,
        json!({"discoverable": true, "discovery_parts": ["email"]}),
    )
    .await;
    assert!(refused.status().is_client_error());
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM discoverable_members"),
        0
    );

    let response = settings(
        &app,
        &camille,
        json!({"discoverable": true, "discovery_parts": ["kind", "region", "kind"]}),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["discoverable"], json!(true));
    assert_eq!(body["discovery_parts"], json!(["kind", "region"]));
    // Another setting leaves the parts alone.
    let body: Value = settings(&app, &camille, json!({"listed_in_member_lists": true}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(body["discovery_parts"], json!(["kind", "region"]));
    let listed = discover_all(&app, &other, "", 20).await;
    assert_eq!(pseudonyms(&listed), ["Camille"]);
    assert_eq!(listed[0]["kind"], json!("caregiver"));
    // Off: gone from the list, parts forgotten.
    let body: Value = settings(&app, &camille, json!({"discoverable": false}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(body["discovery_parts"], json!([]));
    assert!(discover_all(&app, &other, "", 20).await.is_empty());
    let body: Value = settings(&app, &camille, json!({"discoverable": true}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(body["discovery_parts"], json!([]));

    // Bands: private by default, shown on the profile as their visibility says.
    let me = app
        .ok_json(Method::GET, "/api/v1/members/me", Some(&camille), None)
        .await;
    assert_eq!(me["visibility"]["age_band"], json!("private"));
    assert_eq!(me["visibility"]["diagnosed_since"], json!("private"));
    patch_me(
        &app,
        &camille,
        json!({"age_band": "45_59", "diagnosed_since": "more_than_10_years"}),
    )
    .await;
    let path = format!("/api/v1/members/{}", camille.id);
    let seen = app.ok_json(Method::GET, &path, Some(&other), None).await;
    assert!(
        seen["age_band"].is_null() && seen["diagnosed_since"].is_null(),
        "{seen}"
    );
    patch_me(
        &app,
        &camille,
        json!({"visibility": {"age_band": "members", "diagnosed_since": "public"}}),
    )
    .await;
    let seen = app.ok_json(Method::GET, &path, Some(&other), None).await;
    assert_eq!(seen["age_band"], json!("45_59"));
    assert_eq!(seen["diagnosed_since"], json!("more_than_10_years"));
    let anonymous = app.ok_json(Method::GET, &path, None, None).await;
    assert!(anonymous["age_band"].is_null());
    assert_eq!(anonymous["diagnosed_since"], json!("more_than_10_years"));
    let me = app
        .ok_json(Method::GET, "/api/v1/members/me", Some(&camille), None)
        .await;
    assert_eq!(me["age_band"], json!("45_59"));
    // A bad band: refused, nothing changed.
    let refused = app
        .call(
            Method::PATCH,
            "/api/v1/members/me",
            Some(&camille),
            Some(json!({"age_band": "42"})),
        )
        .await;
    assert!(refused.status().is_client_error());
    patch_me(&app, &camille, json!({"age_band": null})).await;
    let me = app
        .ok_json(Method::GET, "/api/v1/members/me", Some(&camille), None)
        .await;
    assert!(me["age_band"].is_null());
    assert_eq!(me["diagnosed_since"], json!("more_than_10_years"));

    // The export carries the setting and the bands.
    let export = app
        .ok_json(
            Method::GET,
            "/api/v1/members/me/export",
            Some(&camille),
            None,
        )
        .await;
    assert_eq!(export["member"]["settings"]["discoverable"], json!(true));
    assert_eq!(
        export["member"]["profile"]["diagnosed_since"],
        json!("more_than_10_years")
    );

    // Erasure takes the rows with the account.
    let erased = app
        .call(
            Method::DELETE,
            "/api/v1/members/me",
            Some(&camille),
            Some(json!({"password": PASSWORD, "content": "delete"})),
        )
        .await;
    assert!(erased.status().is_success(), "{}", erased.status());
    let me = camille.id;
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) AS n FROM discoverable_members WHERE member_id = '{me}'"
        )),
        0
    );
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) AS n FROM profile_bands WHERE member_id = '{me}'"
        )),
        0
    );
}

/// Never oneself, never across a block (either way), never a suspended or banned account;
/// the same for mentions.
#[actix_web::test]
async fn self_blocks_and_suspensions_are_left_out() {
    let app = spawn_app().await;
    let reader = app.member("Lectrice", "patient").await;
    let blocked = app.member("Bloquee", "patient").await;
    let blocker = app.member("Bloqueuse", "patient").await;
    let plain = app.member("Ordinaire", "patient").await;
    for who in [&reader, &blocked, &blocker, &plain] {
        let response = settings(
            &app,
            who,
            json!({"discoverable": true, "discovery_parts": ["kind"]}),
        )
        .await;
        assert_eq!(response.status(), StatusCode::OK);
    }
    let names = |items: Vec<Value>| pseudonyms(&items);
    assert_eq!(
        names(discover_all(&app, &reader, "", 20).await)
            .into_iter()
            .collect::<BTreeSet<_>>(),
        BTreeSet::from([
            "Bloquee".to_owned(),
            "Bloqueuse".to_owned(),
            "Ordinaire".to_owned()
        ])
    );
    for (who, whom) in [(&reader, &blocked), (&blocker, &reader)] {
        let path = format!("/api/v1/members/{}/block", whom.id);
        let response = app.call(Method::PUT, &path, Some(who), None).await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
    }
    assert_eq!(
        names(discover_all(&app, &reader, "", 20).await),
        ["Ordinaire"]
    );
    assert!(!names(discover_all(&app, &blocked, "", 20).await).contains(&"Lectrice".to_owned()));
    assert!(!names(discover_all(&app, &blocker, "", 20).await).contains(&"Lectrice".to_owned()));
    let mentions = app
        .ok_json(
            Method::GET,
            "/api/v1/members/mentions?prefix=bl",
            Some(&reader),
            None,
        )
        .await;
    assert_eq!(mentions, json!([]));
    let mentions = app
        .ok_json(
            Method::GET,
            "/api/v1/members/mentions?prefix=bl",
            Some(&plain),
            None,
        )
        .await;
    assert_eq!(mentions.as_array().unwrap().len(), 2);

    // A suspension (and a ban, a suspension without end) takes the member out.
    let db = app.database();
    let mut conn = db.writer().unwrap();
    members::set_suspension(
        &mut conn,
        MemberId::from_uuid(plain.id),
        Some(Utc::now() + Duration::days(3)),
        Utc::now(),
    )
    .unwrap();
    drop(conn);
    app.forget_sessions(&plain);
    assert!(discover_all(&app, &reader, "", 20).await.is_empty());
    let mentions = app
        .ok_json(
            Method::GET,
            "/api/v1/members/mentions?prefix=ord",
            Some(&reader),
            None,
        )
        .await;
    assert_eq!(mentions, json!([]));
}

/// Mentions: discoverable members only, by case-insensitive prefix, wildcards literal,
/// alphabetical, bounded.
#[actix_web::test]
async fn mentions_complete_discoverable_pseudonyms() {
    let app = spawn_app().await;
    let reader = app.member("Lectrice", "patient").await;
    let db = app.database();
    let mut conn = db.writer().unwrap();
    for (name, on) in [
        ("Camille", true),
        ("camelia", true),
        ("Cam_ille", true),
        ("Camomille", false),
        ("Karim", true),
    ] {
        let mut f = like_reader(name.to_owned(), vec![]);
        f.discoverable = on.then(DiscoveryParts::default);
        insert(&mut conn, &f);
    }
    drop(conn);
    let get = |path: String| {
        let app = &app;
        let reader = &reader;
        async move { app.ok_json(Method::GET, &path, Some(reader), None).await }
    };
    let names = |v: Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|m| m["pseudonym"].as_str().unwrap().to_owned())
            .collect()
    };
    let set = |v: Vec<String>| v.into_iter().collect::<BTreeSet<_>>();
    assert_eq!(
        set(names(
            get("/api/v1/members/mentions?prefix=CAM".into()).await
        )),
        set(vec!["Cam_ille".into(), "camelia".into(), "Camille".into()])
    );
    // `_` is a letter, not a wildcard: only Cam_ille.
    assert_eq!(
        names(get("/api/v1/members/mentions?prefix=cam_".into()).await),
        ["Cam_ille"]
    );
    assert_eq!(
        names(get("/api/v1/members/mentions?prefix=c%25".into()).await),
        Vec::<String>::new()
    );
    assert_eq!(
        names(get("/api/v1/members/mentions?prefix=cam&limit=1".into()).await).len(),
        1
    );
    assert_eq!(
        names(get("/api/v1/members/mentions?prefix=came".into()).await),
        ["camelia"]
    );
    // Not discoverable: never completed.
    assert_eq!(
        names(get("/api/v1/members/mentions?prefix=camo".into()).await),
        Vec::<String>::new()
    );
    // The reader is not offered to themself.
    assert_eq!(
        names(get("/api/v1/members/mentions?prefix=lec".into()).await),
        Vec::<String>::new()
    );
}

/// Bad input: clear 4xx problems, before any read; anonymous: 401.
#[actix_web::test]
async fn bad_discover_and_mention_requests_are_refused() {
    let app = spawn_app().await;
    let reader = app.member("Lectrice", "patient").await;
    for (path, status) in [
        (
            "/api/v1/members/discover?kind=alien",
            StatusCode::BAD_REQUEST,
        ),
        (
            "/api/v1/members/discover?age_band=42",
            StatusCode::BAD_REQUEST,
        ),
        (
            "/api/v1/members/discover?condition_id=nope",
            StatusCode::BAD_REQUEST,
        ),
        (
            "/api/v1/members/discover?language=french",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "/api/v1/members/discover?limit=0",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "/api/v1/members/discover?limit=101",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "/api/v1/members/discover?cursor=abc",
            StatusCode::BAD_REQUEST,
        ),
        ("/api/v1/members/mentions", StatusCode::BAD_REQUEST),
        (
            "/api/v1/members/mentions?prefix=c",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "/api/v1/members/mentions?prefix=ca&limit=0",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "/api/v1/members/mentions?prefix=ca&limit=21",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    ] {
        let response = app.call(Method::GET, path, Some(&reader), None).await;
        assert_eq!(response.status(), status, "{path}");
        let content_type = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_owned();
        assert_eq!(content_type, "application/problem+json", "{path}");
    }
    let long = "x".repeat(101);
    let response = app
        .call(
            Method::GET,
            &format!("/api/v1/members/discover?region={long}"),
            Some(&reader),
            None,
        )
        .await;
    let problem = assert_problem(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), ["region"]);
    for path in [
        "/api/v1/members/discover",
        "/api/v1/members/mentions?prefix=ca",
    ] {
        let response = app.call(Method::GET, path, None, None).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{path}");
    }
}

#[derive(diesel::QueryableByName)]
struct SqlitePlanRow {
    #[diesel(sql_type = diesel::sql_types::Text)]
    detail: String,
}

#[derive(diesel::QueryableByName)]
struct PgPlanRow {
    #[diesel(sql_type = diesel::sql_types::Text, column_name = "QUERY PLAN")]
    line: String,
}

/// The discover query's plan, with the binds of a real request.
fn plan(conn: &mut DbConnection, backend: Backend, reader: MemberId) -> Vec<String> {
    use diesel::sql_types::{BigInt, Nullable, Text, Timestamp};
    let prefix = match backend {
        Backend::Sqlite => "EXPLAIN QUERY PLAN ",
        Backend::Postgres => "EXPLAIN ",
    };
    let query = diesel::sql_query(format!("{prefix}{}", discovery::discover_sql(backend)))
        .bind::<Text, _>(reader.to_string())
        .bind::<Text, _>("patient")
        .bind::<Nullable<Text>, _>(Some("Bretagne"))
        .bind::<Nullable<Text>, _>(Some("30_44"))
        .bind::<Timestamp, _>(Utc::now().naive_utc())
        .bind::<Nullable<Text>, _>(None::<String>)
        .bind::<Nullable<Text>, _>(None::<String>)
        .bind::<Nullable<Text>, _>(None::<String>)
        .bind::<Nullable<Text>, _>(None::<String>)
        .bind::<Nullable<Text>, _>(None::<String>)
        .bind::<Nullable<BigInt>, _>(None::<i64>)
        .bind::<Nullable<Text>, _>(None::<String>)
        .bind::<BigInt, _>(21_i64);
    match backend {
        Backend::Sqlite => query
            .load::<SqlitePlanRow>(conn)
            .unwrap()
            .into_iter()
            .map(|r| r.detail)
            .collect(),
        Backend::Postgres => query
            .load::<PgPlanRow>(conn)
            .unwrap()
            .into_iter()
            .map(|r| r.line)
            .collect(),
    }
}

/// The discover query is driven by `discoverable_members`: members, their bands, conditions and
/// blocks are reached by primary key from it, so 1,000 more members who are not discoverable
/// (with conditions, bands and a region like the reader's) are never scanned. On SQLite the
/// plan is the same before and after them; PostgreSQL costs plans by table size (a 300-row
/// `profile_bands` is cheaper to read whole than by key), so it is checked at the larger size.
#[actix_web::test]
async fn the_discover_query_is_driven_by_discoverable_members() {
    let app = spawn_app().await;
    let c = app.condition(0).await;
    let db = app.database();
    let backend = db.backend();
    let mut conn = db.writer().unwrap();
    let reader = insert(
        &mut conn,
        &like_reader("Lectrice".into(), vec![ConditionId::from_uuid(c)]),
    );
    for i in 0..5 {
        let mut f = like_reader(format!("Visible{i}"), vec![ConditionId::from_uuid(c)]);
        f.discoverable = Some(DiscoveryParts::from_parts(DiscoveryPart::ALL));
        insert(&mut conn, &f);
    }
    let analyse = |conn: &mut DbConnection| {
        diesel::sql_query("ANALYZE").execute(conn).unwrap();
    };
    analyse(&mut conn);
    let before = plan(&mut conn, backend, reader);
    for i in 0..1000 {
        insert(
            &mut conn,
            &like_reader(format!("Discret{i}"), vec![ConditionId::from_uuid(c)]),
        );
    }
    analyse(&mut conn);
    let after = plan(&mut conn, backend, reader);
    let text = after.join("\n");
    eprintln!("discover plan ({}):\n{text}", backend.as_str());
    match backend {
        Backend::Sqlite => {
            assert_eq!(before, after, "the plan changed with the number of members");
            assert!(after.iter().any(|l| l == "SCAN d"), "{text}");
            // Every other table is searched by key, never scanned.
            for line in &after {
                if let Some(table) = line.strip_prefix("SCAN ") {
                    assert!(
                        table == "d" || table.starts_with("ranked"),
                        "{line} in\n{text}"
                    );
                }
            }
        }
        Backend::Postgres => {
            assert!(text.contains("on discoverable_members d"), "{text}");
            // Every read of another table is an index look-up by key (an `Index Cond` right
            // under it): no full scan, no full index walk.
            for table in ["members", "profile_bands", "member_conditions"] {
                let reads: Vec<usize> = after
                    .iter()
                    .enumerate()
                    .filter(|(_, l)| l.contains(&format!(" on {table} ")))
                    .map(|(i, _)| i)
                    .collect();
                assert!(!reads.is_empty(), "{table} unread:\n{text}");
                for i in reads {
                    assert!(!after[i].contains("Seq Scan"), "{table} scanned:\n{text}");
                    assert!(
                        after.get(i + 1).is_some_and(|l| l.contains("Index Cond")),
                        "{table} read without a key:\n{text}"
                    );
                }
            }
        }
    }
    drop(conn);
    // The 1,000 are not listed; the 5 are.
    let list_reader_id = reader;
    let mut conn = db.reader().unwrap();
    let found = discovery::discover(
        &mut conn,
        &discovery::Reader {
            id: list_reader_id,
            kind: MemberKind::Patient,
            region: None,
            age_band: None,
        },
        &discovery::DiscoverFilters::default(),
        None,
        100,
        Utc::now(),
    )
    .unwrap();
    assert_eq!(found.len(), 5);
}
