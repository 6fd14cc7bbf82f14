//! Full-text search: stems and accents, every type, and never anything the reader may not see.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{Member, TestApp, assert_problem, fields, spawn_app};

async fn search(app: &TestApp, query: &str, who: Option<&Member>) -> Vec<(String, String)> {
    let page = app
        .ok_json(Method::GET, &format!("/api/v1/search?{query}"), who, None)
        .await;
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let text = r["title"]
                .as_str()
                .map_or_else(|| r["excerpt"].as_str().unwrap().to_owned(), str::to_owned);
            (r["type"].as_str().unwrap().to_owned(), text)
        })
        .collect()
}

async fn post(
    app: &TestApp,
    who: &Member,
    group: &entraide_openapi::groups::Group,
    body: &str,
) -> Value {
    app.ok_json(
        Method::POST,
        &format!("/api/v1/groups/{}/posts", group.id),
        Some(who),
        Some(json!({"body": body})),
    )
    .await
}

#[actix_web::test]
async fn stems_and_accents_match_across_forms_and_types() {
    let app = spawn_app().await;
    let owner = app.member("Animatrice", "patient").await;
    let group = app
        .create_group(&owner, "Douleurs chroniques", "public", "everyone")
        .await;
    post(
        &app,
        &owner,
        &group,
        "Mes douleurs articulaires sont plus fortes le matin.",
    )
    .await;
    let tired = post(
        &app,
        &owner,
        &group,
        "Je suis tellement fatiguée ces jours-ci.",
    )
    .await;
    post(&app, &owner, &group, "Managing chronic pain at work").await;
    app.ok_json(
        Method::POST,
        &format!("/api/v1/posts/{}/comments", tired["id"].as_str().unwrap()),
        Some(&owner),
        Some(json!({"body": "La fatigue passe avec du repos."})),
    )
    .await;
    app.ok_json(
        Method::POST,
        "/api/v1/events",
        Some(&owner),
        Some(
            json!({"title": "Atelier douleur et sommeil", "starts_at": "2027-03-10T18:00:00+01:00",
            "ends_at": "2027-03-10T20:00:00+01:00", "time_zone": "Europe/Paris"}),
        ),
    )
    .await;

    let found = search(&app, "q=douleur", None).await;
    let types: Vec<&str> = found.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(types, ["event", "post", "group"], "newest first: {found:?}");
    let fatigue = search(&app, "q=fatigue", None).await;
    assert_eq!(
        fatigue.len(),
        2,
        "the post (fatiguée) and the comment (fatigue): {fatigue:?}"
    );
    assert_eq!(search(&app, "q=FATIGUÉ", None).await.len(), 2);
    assert_eq!(
        search(&app, "q=pains", None).await,
        [(
            "post".to_owned(),
            "Managing chronic pain at work".to_owned()
        )]
    );
    assert_eq!(
        search(&app, "q=douleurs%20matin", None).await.len(),
        1,
        "every word must match"
    );
    assert_eq!(
        search(&app, "q=douleur&type=post,comment", None)
            .await
            .len(),
        1
    );
    assert!(search(&app, "q=insuline", None).await.is_empty());

    // Paging.
    let first = app
        .ok_json(Method::GET, "/api/v1/search?q=douleur&limit=2", None, None)
        .await;
    assert_eq!(first["items"].as_array().unwrap().len(), 2);
    let cursor = first["next_cursor"].as_str().unwrap();
    let rest = app
        .ok_json(
            Method::GET,
            &format!("/api/v1/search?q=douleur&limit=2&cursor={cursor}"),
            None,
            None,
        )
        .await;
    assert_eq!(rest["items"][0]["type"], "group");
    assert!(rest["next_cursor"].is_null());
}

#[actix_web::test]
async fn results_never_hold_what_the_reader_may_not_see() {
    let app = spawn_app().await;
    let owner = app.member("Proprietaire", "patient").await;
    let outsider = app.member("Exterieure", "patient").await;
    let caregiver = app.member("Aidant", "caregiver").await;
    let private = app
        .create_group(&owner, "Cercle fermé", "private", "everyone")
        .await;
    let patients = app
        .create_group(&owner, "Entre patients", "public", "patients")
        .await;
    let open = app
        .create_group(&owner, "Groupe ouvert", "public", "everyone")
        .await;
    post(&app, &owner, &private, "Mes vertiges secrets").await;
    post(&app, &owner, &patients, "Vertiges réservés aux patients").await;
    let public_post = post(&app, &owner, &open, "Vertiges partagés avec tous").await;
    let hidden_comment = post(&app, &owner, &private, "Autre sujet").await;
    app.ok_json(
        Method::POST,
        &format!(
            "/api/v1/posts/{}/comments",
            hidden_comment["id"].as_str().unwrap()
        ),
        Some(&owner),
        Some(json!({"body": "vertiges dans un commentaire privé"})),
    )
    .await;
    app.ok_json(Method::POST, "/api/v1/events", Some(&owner),
        Some(json!({"title": "Réunion vertiges", "group_id": private.id, "starts_at": "2027-03-10T18:00:00+01:00",
            "ends_at": "2027-03-10T20:00:00+01:00", "time_zone": "Europe/Paris"})))
        .await;
    // A wall post on a private wall.
    app.ok_json(
        Method::PATCH,
        "/api/v1/members/me",
        Some(&owner),
        Some(json!({"visibility": {"wall": "private"}})),
    )
    .await;
    app.ok_json(
        Method::POST,
        &format!("/api/v1/members/{}/wall", owner.id),
        Some(&owner),
        Some(json!({"body": "vertiges sur mon mur"})),
    )
    .await;

    let texts =
        |found: Vec<(String, String)>| found.into_iter().map(|(_, t)| t).collect::<Vec<_>>();
    let mine = texts(search(&app, "q=vertige", Some(&owner)).await);
    assert_eq!(mine.len(), 6, "{mine:?}");
    let outsider_sees = texts(search(&app, "q=vertige", Some(&outsider)).await);
    assert_eq!(
        outsider_sees,
        [
            "Vertiges partagés avec tous",
            "Vertiges réservés aux patients"
        ]
    );
    let caregiver_sees = texts(search(&app, "q=vertige", Some(&caregiver)).await);
    assert_eq!(caregiver_sees, ["Vertiges partagés avec tous"]);
    assert_eq!(
        texts(search(&app, "q=vertige", None).await),
        ["Vertiges partagés avec tous"]
    );

    // Deleted content leaves the results.
    let deleted = app
        .call(
            Method::DELETE,
            &format!("/api/v1/posts/{}", public_post["id"].as_str().unwrap()),
            Some(&owner),
            None,
        )
        .await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    assert!(search(&app, "q=vertige", None).await.is_empty());
}

/// A page may stop short when the reader may not see many of the newest matches (a request
/// reads a bounded number of candidate batches): it then carries a cursor, and following it
/// reaches the older result the reader may see. Before, that page ended the list: the result
/// was lost.
#[actix_web::test]
async fn hidden_matches_never_end_the_list_before_a_visible_one() {
    let app = spawn_app().await;
    let owner = app.member("Proprietaire", "patient").await;
    let outsider = app.member("Exterieure", "patient").await;
    let open = app
        .create_group(&owner, "Groupe ouvert", "public", "everyone")
        .await;
    let private = app
        .create_group(&owner, "Cercle fermé", "private", "everyone")
        .await;
    post(&app, &owner, &open, "Acouphènes : ce qui m'aide").await;
    // More hidden matches than one request reads at `limit=1` (10 batches of 2 candidates).
    for i in 0..24 {
        post(&app, &owner, &private, &format!("Acouphènes, jour {i}")).await;
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut requests = 0;
    loop {
        requests += 1;
        assert!(requests <= 10, "the pages must end");
        let url = match &cursor {
            Some(c) => format!("/api/v1/search?q=acouphene&limit=1&cursor={c}"),
            None => "/api/v1/search?q=acouphene&limit=1".to_owned(),
        };
        let page = app.ok_json(Method::GET, &url, Some(&outsider), None).await;
        for item in page["items"].as_array().unwrap() {
            seen.push(item["excerpt"].as_str().unwrap().to_owned());
        }
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert!(seen[0].contains("ce qui m'aide"), "{seen:?}");
    assert!(
        requests > 1,
        "the first page stopped short of the visible post"
    );
    // The owner sees every post, a page at a time.
    let mine = app
        .ok_json(
            Method::GET,
            "/api/v1/search?q=acouphene&limit=30",
            Some(&owner),
            None,
        )
        .await;
    assert_eq!(mine["items"].as_array().unwrap().len(), 25);

    // That first cursor continues after matches the outsider may not see: it is sealed, so it
    // tells nothing of where they lie, and it can be neither forged nor used by someone else or
    // for other words.
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let first = app
        .ok_json(
            Method::GET,
            "/api/v1/search?q=acouphene&limit=1",
            Some(&outsider),
            None,
        )
        .await;
    assert!(first["items"].as_array().unwrap().is_empty());
    let sealed = first["next_cursor"].as_str().unwrap();
    let readable = URL_SAFE_NO_PAD
        .decode(sealed)
        .ok()
        .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok());
    assert_eq!(readable, None, "{sealed}");
    let forged = URL_SAFE_NO_PAD.encode(br#"{"p":1000}"#);
    for (url, who) in [
        (
            format!("/api/v1/search?q=acouphene&limit=1&cursor={forged}"),
            &outsider,
        ),
        (
            format!("/api/v1/search?q=jour&limit=1&cursor={sealed}"),
            &outsider,
        ),
        (
            format!("/api/v1/search?q=acouphene&type=post&limit=1&cursor={sealed}"),
            &outsider,
        ),
        (
            format!("/api/v1/search?q=acouphene&limit=1&cursor={sealed}"),
            &owner,
        ),
    ] {
        let refused = app.call(Method::GET, &url, Some(who), None).await;
        assert_problem(refused, StatusCode::BAD_REQUEST, "invalid_cursor").await;
    }
    let anonymous = app
        .call(
            Method::GET,
            &format!("/api/v1/search?q=acouphene&limit=1&cursor={sealed}"),
            None,
            None,
        )
        .await;
    assert_problem(anonymous, StatusCode::BAD_REQUEST, "invalid_cursor").await;
}

#[actix_web::test]
async fn drafts_stay_out_and_places_and_published_resources_come_in() {
    let app = spawn_app().await;
    let admin = app.member("Admin Recherche", "professional").await;
    app.make_admin(&admin);
    // Nobody grants a right to themselves: a second admin makes the first an editor.
    let second = app.member("Admin Second", "professional").await;
    app.make_admin(&second);
    app.ok_json(
        Method::PUT,
        &format!("/api/v1/members/{}/editor", admin.id),
        Some(&second),
        Some(json!({})),
    )
    .await;
    let committee = app
        .ok_json(
            Method::POST,
            "/api/v1/committees",
            Some(&admin),
            Some(json!({"name": "Comité"})),
        )
        .await;
    let reviewer = app.member("Relectrice", "professional").await;
    app.ok_json(
        Method::POST,
        &format!(
            "/api/v1/committees/{}/members",
            committee["id"].as_str().unwrap()
        ),
        Some(&admin),
        Some(json!({"member_id": reviewer.id, "expertise": "pharmacist"})),
    )
    .await;
    let resource = app
        .ok_json(Method::POST, "/api/v1/resources", Some(&admin),
            Some(json!({"kind": "fact_sheet", "language": "fr", "committee_id": committee["id"],
                "content": {"title": "Bien utiliser les antalgiques", "body": "Les antalgiques soulagent."}})))
        .await;
    let path = format!("/api/v1/resources/{}", resource["id"].as_str().unwrap());
    assert!(
        search(&app, "q=antalgique", Some(&reviewer))
            .await
            .is_empty(),
        "drafts are not searchable"
    );
    app.ok_json(Method::POST, &format!("{path}/submit"), Some(&admin), None)
        .await;
    app.ok_json(
        Method::POST,
        &format!("{path}/reviews"),
        Some(&reviewer),
        Some(json!({"decision": "validate"})),
    )
    .await;
    assert_eq!(
        search(&app, "q=antalgiques&type=resource", None).await,
        [(
            "resource".to_owned(),
            "Bien utiliser les antalgiques".to_owned()
        )]
    );
    app.ok_json(Method::POST, "/api/v1/places", Some(&admin),
        Some(json!({"name": "Centre antidouleur", "kind": "hospital_department", "address": "2 rue Haute",
            "city": "Rennes", "lat": 48.11, "lon": -1.67})))
        .await;
    assert_eq!(search(&app, "q=antidouleur%20rennes", None).await.len(), 1);
}

#[actix_web::test]
async fn bad_search_input_gets_a_clear_error() {
    let app = spawn_app().await;
    for (query, field, code) in [
        ("", "q", "empty_query"),
        ("q=", "q", "empty_query"),
        ("q=le%20la%20de", "q", "empty_query"),
        ("q=douleur&type=article", "type", "invalid_type"),
    ] {
        let response = app
            .call(Method::GET, &format!("/api/v1/search?{query}"), None, None)
            .await;
        let problem = assert_problem(
            response,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(fields(&problem), [field], "{query}");
        assert_eq!(problem.errors.unwrap()[0].code, code);
    }
    let long = "a".repeat(201);
    let response = app
        .call(Method::GET, &format!("/api/v1/search?q={long}"), None, None)
        .await;
    assert_problem(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let response = app
        .call(Method::GET, "/api/v1/search?q=douleur&limit=0", None, None)
        .await;
    assert_problem(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    // Query syntax of either database is just text here.
    assert!(
        search(&app, "q=%22douleur%22%20OR%20*%20%7C%20!", None)
            .await
            .is_empty()
    );
}
