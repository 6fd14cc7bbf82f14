//! Local resources: the editor right, distance search (the same SQL on both databases), filters
//! and bad input.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::associations::verified_association;
use crate::support::{Member, TestApp, assert_problem, fields, spawn_app};

fn place(name: &str, city: &str, postcode: &str, lat: f64, lon: f64, kind: &str) -> Value {
    json!({"name": name, "kind": kind, "address": "1 place de l'Hôpital", "city": city,
        "postcode": postcode, "lat": lat, "lon": lon, "phone": "+33 1 23 45 67 89",
        "website": "https://example.org/lieu", "opening_hours": "lun.–ven. 9 h–17 h"})
}

async fn create(app: &TestApp, who: &Member, body: Value) -> reqwest::Response {
    app.call(Method::POST, "/api/v1/places", Some(who), Some(body))
        .await
}

async fn editor(app: &TestApp) -> Member {
    let admin = app.member("Moderation", "professional").await;
    app.make_admin(&admin);
    let editor = app.member("Redactrice", "professional").await;
    let granted = app
        .ok_json(
            Method::PUT,
            &format!("/api/v1/members/{}/editor", editor.id),
            Some(&admin),
            Some(json!({})),
        )
        .await;
    assert_eq!(granted["association_id"], Value::Null);
    editor
}

fn names(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_owned())
        .collect()
}

#[actix_web::test]
async fn only_editors_and_association_admins_write_places() {
    let app = spawn_app().await;
    let stranger = app.member("Inconnu", "patient").await;
    let refused = create(
        &app,
        &stranger,
        place("Lieu", "Paris", "75013", 48.83, 2.36, "support_group"),
    )
    .await;
    assert_problem(refused, StatusCode::FORBIDDEN, "not_an_editor").await;
    let refused = app
        .call(
            Method::PUT,
            &format!("/api/v1/members/{}/editor", stranger.id),
            Some(&stranger),
            Some(json!({})),
        )
        .await;
    assert_problem(refused, StatusCode::FORBIDDEN, "forbidden").await;

    let editor = editor(&app).await;
    let created = create(
        &app,
        &editor,
        place(
            "Hôpital de jour",
            "Paris",
            "75013",
            48.83,
            2.36,
            "hospital_department",
        ),
    )
    .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let created: Value = created.json().await.unwrap();
    assert_eq!(created["verified_by"], editor.id.to_string());

    // A verified association's admin writes its own places and may make its members editors.
    let admin = app.member("Presidente", "caregiver").await;
    let association = verified_association(&app, &admin, "Aidants du Nord").await;
    let association_id = association["id"].as_str().unwrap();
    let mut own = place(
        "Local de l'association",
        "Lille",
        "59000",
        50.63,
        3.06,
        "association_office",
    );
    own["association_id"] = json!(association_id);
    assert_eq!(
        create(&app, &admin, own).await.status(),
        StatusCode::CREATED
    );
    let refused = app
        .call(
            Method::PUT,
            &format!("/api/v1/members/{}/editor", stranger.id),
            Some(&admin),
            Some(json!({"association_id": association_id})),
        )
        .await;
    assert_problem(refused, StatusCode::FORBIDDEN, "not_association_member").await;
    app.ok_json(
        Method::POST,
        &format!("/api/v1/associations/{association_id}/join"),
        Some(&stranger),
        None,
    )
    .await;
    app.ok_json(
        Method::PUT,
        &format!("/api/v1/members/{}/editor", stranger.id),
        Some(&admin),
        Some(json!({"association_id": association_id})),
    )
    .await;
    assert_eq!(
        create(
            &app,
            &stranger,
            place(
                "Café des aidants",
                "Lille",
                "59000",
                50.6,
                3.0,
                "support_group"
            )
        )
        .await
        .status(),
        StatusCode::CREATED
    );
    let revoked = app
        .call(
            Method::DELETE,
            &format!("/api/v1/members/{}/editor", stranger.id),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(revoked.status(), StatusCode::NO_CONTENT);
    let refused = create(
        &app,
        &stranger,
        place("Encore", "Lille", "59000", 50.6, 3.0, "support_group"),
    )
    .await;
    assert_problem(refused, StatusCode::FORBIDDEN, "not_an_editor").await;

    // Editing vouches again; strangers cannot.
    let path = format!("/api/v1/places/{}", created["id"].as_str().unwrap());
    let refused = app
        .call(
            Method::PATCH,
            &path,
            Some(&stranger),
            Some(json!({"phone": null})),
        )
        .await;
    assert_problem(refused, StatusCode::FORBIDDEN, "not_an_editor").await;
    let other_editor = app.member("Verificateur", "professional").await;
    let platform = app.member("Plateforme", "professional").await;
    app.make_admin(&platform);
    app.ok_json(
        Method::PUT,
        &format!("/api/v1/members/{}/editor", other_editor.id),
        Some(&platform),
        Some(json!({})),
    )
    .await;
    let changed = app
        .ok_json(
            Method::PATCH,
            &path,
            Some(&other_editor),
            Some(json!({"phone": null, "name": "Hôpital de jour adultes"})),
        )
        .await;
    assert_eq!(changed["phone"], Value::Null);
    assert_eq!(changed["verified_by"], other_editor.id.to_string());
    assert_eq!(changed["city"], "Paris", "absent fields stay");
}

#[actix_web::test]
async fn places_are_found_by_great_circle_distance() {
    let app = spawn_app().await;
    let editor = editor(&app).await;
    for body in [
        place(
            "Paris Centre",
            "Paris",
            "75004",
            48.8566,
            2.3522,
            "support_group",
        ),
        place(
            "Lyon Part-Dieu",
            "Lyon",
            "69003",
            45.7640,
            4.8357,
            "support_group",
        ),
        place(
            "Marseille Vieux-Port",
            "Marseille",
            "13002",
            43.2965,
            5.3698,
            "respite_care",
        ),
        place(
            "Rennes Pontchaillou",
            "Rennes",
            "35000",
            48.1173,
            -1.6778,
            "hospital_department",
        ),
    ] {
        assert_eq!(
            create(&app, &editor, body).await.status(),
            StatusCode::CREATED
        );
    }
    let near = app
        .ok_json(
            Method::GET,
            "/api/v1/places?lat=48.8566&lon=2.3522&radius_km=450",
            None,
            None,
        )
        .await;
    assert_eq!(
        names(&near),
        ["Paris Centre", "Rennes Pontchaillou", "Lyon Part-Dieu"]
    );
    let distances: Vec<f64> = near["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["distance_km"].as_f64().unwrap())
        .collect();
    assert!(distances[0] < 0.01);
    assert!(
        (distances[1] - 308.0).abs() < 3.0,
        "Paris–Rennes {}",
        distances[1]
    );
    assert!(
        (distances[2] - 392.0).abs() < 3.0,
        "Paris–Lyon {}",
        distances[2]
    );
    // Marseille is ~661 km away.
    let wide = app
        .ok_json(
            Method::GET,
            "/api/v1/places?lat=48.8566&lon=2.3522&radius_km=500",
            None,
            None,
        )
        .await;
    assert!(!names(&wide).contains(&"Marseille Vieux-Port".to_owned()));
    let from_lyon = app
        .ok_json(
            Method::GET,
            "/api/v1/places?lat=45.764&lon=4.8357&radius_km=300",
            None,
            None,
        )
        .await;
    assert_eq!(
        names(&from_lyon),
        ["Lyon Part-Dieu", "Marseille Vieux-Port"]
    );
    let d = from_lyon["items"][1]["distance_km"].as_f64().unwrap();
    assert!((d - 278.0).abs() < 3.0, "Lyon–Marseille {d}");

    // Paging keeps the distance order.
    let first = app
        .ok_json(
            Method::GET,
            "/api/v1/places?lat=48.8566&lon=2.3522&radius_km=450&limit=2",
            None,
            None,
        )
        .await;
    assert_eq!(names(&first), ["Paris Centre", "Rennes Pontchaillou"]);
    let cursor = first["next_cursor"].as_str().unwrap();
    let next = app
        .ok_json(
            Method::GET,
            &format!("/api/v1/places?lat=48.8566&lon=2.3522&radius_km=450&limit=2&cursor={cursor}"),
            None,
            None,
        )
        .await;
    assert_eq!(names(&next), ["Lyon Part-Dieu"]);
    assert!(next["next_cursor"].is_null());

    // Filters: kind, text on city or postcode.
    let respite = app
        .ok_json(Method::GET, "/api/v1/places?kind=respite_care", None, None)
        .await;
    assert_eq!(names(&respite), ["Marseille Vieux-Port"]);
    let by_city = app
        .ok_json(Method::GET, "/api/v1/places?q=RENNES", None, None)
        .await;
    assert_eq!(names(&by_city), ["Rennes Pontchaillou"]);
    let by_postcode = app
        .ok_json(Method::GET, "/api/v1/places?q=6900", None, None)
        .await;
    assert_eq!(names(&by_postcode), ["Lyon Part-Dieu"]);
    let all = app.ok_json(Method::GET, "/api/v1/places", None, None).await;
    assert_eq!(
        names(&all),
        [
            "Lyon Part-Dieu",
            "Marseille Vieux-Port",
            "Paris Centre",
            "Rennes Pontchaillou"
        ]
    );
}

#[actix_web::test]
async fn bad_place_input_is_refused_and_nothing_is_stored() {
    let app = spawn_app().await;
    let editor = editor(&app).await;
    let mut bad = place("x", "Paris", "75<b>", 91.0, 2.0, "support_group");
    bad["phone"] = json!("appelez-nous");
    bad["website"] = json!("javascript:alert(1)");
    let problem = assert_problem(
        create(&app, &editor, bad).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(
        fields(&problem),
        ["name", "postcode", "lat", "phone", "website"]
    );
    let mut wrong_kind = place("Lieu correct", "Paris", "75001", 48.0, 2.0, "support_group");
    wrong_kind["kind"] = json!("pharmacy");
    let problem = assert_problem(
        create(&app, &editor, wrong_kind).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), ["kind"]);
    for (query, field) in [
        ("lat=91&lon=2&radius_km=10", "lat"),
        ("lat=48&lon=181&radius_km=10", "lon"),
        ("lat=48&lon=2&radius_km=0", "radius_km"),
        ("lat=48&lon=2&radius_km=501", "radius_km"),
        ("lat=48&lon=2", "radius_km"),
    ] {
        let response = app
            .call(Method::GET, &format!("/api/v1/places?{query}"), None, None)
            .await;
        let problem = assert_problem(
            response,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(fields(&problem), [field], "{query}");
    }
    let response = app
        .call(Method::GET, "/api/v1/places?radius_km=beaucoup", None, None)
        .await;
    assert_problem(response, StatusCode::BAD_REQUEST, "invalid_query").await;
    let all = app.ok_json(Method::GET, "/api/v1/places", None, None).await;
    assert!(names(&all).is_empty(), "nothing stored");
}
