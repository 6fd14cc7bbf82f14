//! Sponsor transparency: a declared sponsor is returned on every read of a group, an
//! association, an event or a resource, lists included, and `sponsored=false` leaves sponsored
//! objects out; bad declarations are refused and store nothing.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::associations::verified_association;
use crate::resources::{fact_sheet, library};
use crate::support::{Member, TestApp, assert_problem, fields, spawn_app};

fn lab() -> Value {
    json!({"name": "Laboratoire Exemple", "kind": "company", "links": ["content", "funding", "funding"]})
}

fn names(page: &Value, key: &str) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item[key].as_str().unwrap().to_owned())
        .collect()
}

/// The names a list shows, with and without sponsored entries.
async fn listed(app: &TestApp, who: &Member, path: &str, key: &str) -> [Vec<String>; 3] {
    let mut out = [vec![], vec![], vec![]];
    for (slot, filter) in out
        .iter_mut()
        .zip(["", "sponsored=false", "sponsored=true"])
    {
        let separator = if path.contains('?') { '&' } else { '?' };
        let page = app
            .ok_json(
                Method::GET,
                &format!("{path}{separator}{filter}"),
                Some(who),
                None,
            )
            .await;
        *slot = names(&page, key);
        slot.sort();
    }
    out
}

#[actix_web::test]
async fn groups_and_associations_show_their_sponsor_and_can_be_filtered_out() {
    let app = spawn_app().await;
    let owner = app.member("Animatrice", "caregiver").await;
    let reader = app.member("Lecteur", "patient").await;

    let sponsored = app
        .ok_json(
            Method::POST,
            "/api/v1/groups",
            Some(&owner),
            Some(json!({"name": "Vivre avec la SEP", "visibility": "public", "sponsor": lab()})),
        )
        .await;
    assert_eq!(
        sponsored["sponsor"],
        json!({"name": "Laboratoire Exemple", "kind": "company", "links": ["funding", "content"]})
    );
    let plain = app
        .ok_json(
            Method::POST,
            "/api/v1/groups",
            Some(&owner),
            Some(json!({"name": "Aidants entre eux", "visibility": "public"})),
        )
        .await;
    assert!(plain["sponsor"].is_null() && plain.as_object().unwrap().contains_key("sponsor"));

    let [all, unsponsored, only] = listed(&app, &reader, "/api/v1/groups", "name").await;
    assert_eq!(all, ["Aidants entre eux", "Vivre avec la SEP"]);
    assert_eq!(unsponsored, ["Aidants entre eux"]);
    assert_eq!(only, ["Vivre avec la SEP"]);
    let page = app
        .ok_json(Method::GET, "/api/v1/groups?q=SEP", Some(&reader), None)
        .await;
    assert_eq!(
        page["items"][0]["sponsor"]["kind"], "company",
        "lists carry it"
    );
    let group_path = format!("/api/v1/groups/{}", sponsored["id"].as_str().unwrap());
    let read = app.ok_json(Method::GET, &group_path, None, None).await;
    assert_eq!(
        read["sponsor"]["name"], "Laboratoire Exemple",
        "anonymous readers see it"
    );

    // Withdrawn, then declared again as a public body's organisation.
    let changed = app
        .ok_json(
            Method::PATCH,
            &group_path,
            Some(&owner),
            Some(json!({"sponsor": null})),
        )
        .await;
    assert!(changed["sponsor"].is_null());
    assert_eq!(
        listed(&app, &reader, "/api/v1/groups", "name").await[2],
        Vec::<String>::new()
    );
    let body = json!({"sponsor": {"name": "ARS Bretagne", "kind": "public_body", "links": ["organisation"]}});
    let changed = app
        .ok_json(Method::PATCH, &group_path, Some(&owner), Some(body.clone()))
        .await;
    assert_eq!(changed["sponsor"], body["sponsor"]);
    // Only those who edit the group declare its sponsor.
    assert_problem(
        app.call(
            Method::PATCH,
            &group_path,
            Some(&reader),
            Some(json!({"sponsor": null})),
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    assert_eq!(
        app.ok_json(Method::GET, &group_path, None, None).await["sponsor"],
        body["sponsor"]
    );

    // Associations.
    let admin = app.member("Presidente", "caregiver").await;
    let association = verified_association(&app, &admin, "Association SEP Ouest").await;
    let association_path = format!(
        "/api/v1/associations/{}",
        association["id"].as_str().unwrap()
    );
    let declared = json!({"name": "Fondation Exemple", "kind": "foundation", "links": ["funding"]});
    let changed = app
        .ok_json(
            Method::PATCH,
            &association_path,
            Some(&admin),
            Some(json!({"sponsor": declared})),
        )
        .await;
    assert_eq!(changed["sponsor"], declared);
    let other = app
        .ok_json(
            Method::POST,
            "/api/v1/associations",
            Some(&reader),
            Some(json!({"name": "Association sans sponsor", "description": "Entraide."})),
        )
        .await;
    assert!(other["sponsor"].is_null());
    let [all, unsponsored, only] = listed(&app, &reader, "/api/v1/associations", "name").await;
    assert_eq!(all, ["Association SEP Ouest", "Association sans sponsor"]);
    assert_eq!(unsponsored, ["Association sans sponsor"]);
    assert_eq!(only, ["Association SEP Ouest"]);
    assert_eq!(
        app.ok_json(Method::GET, &association_path, None, None)
            .await["sponsor"],
        declared
    );
    // A member who is not one of its admins changes nothing, neither removing nor replacing.
    app.ok_json(
        Method::POST,
        &format!("{association_path}/join"),
        Some(&reader),
        None,
    )
    .await;
    for sponsor in [json!(null), lab()] {
        assert_problem(
            app.call(
                Method::PATCH,
                &association_path,
                Some(&reader),
                Some(json!({"sponsor": sponsor})),
            )
            .await,
            StatusCode::FORBIDDEN,
            "not_association_admin",
        )
        .await;
    }
    assert_eq!(
        app.ok_json(Method::GET, &association_path, None, None)
            .await["sponsor"],
        declared
    );
}

#[actix_web::test]
async fn events_and_resources_show_their_sponsor_and_can_be_filtered_out() {
    let l = library(1).await;
    let app = &l.app;
    let organiser = app.member("Organisatrice", "caregiver").await;
    let event = |title: &str, sponsor: Option<Value>| {
        let mut body = json!({"title": title, "starts_at": "2030-03-02T18:00:00+01:00",
            "ends_at": "2030-03-02T20:00:00+01:00", "time_zone": "Europe/Paris"});
        if let Some(sponsor) = sponsor {
            body["sponsor"] = sponsor;
        }
        body
    };
    let sponsored = app
        .ok_json(
            Method::POST,
            "/api/v1/events",
            Some(&organiser),
            Some(event("Atelier fatigue", Some(lab()))),
        )
        .await;
    assert_eq!(sponsored["sponsor"]["links"], json!(["funding", "content"]));
    app.ok_json(
        Method::POST,
        "/api/v1/events",
        Some(&organiser),
        Some(event("Café des aidants", None)),
    )
    .await;
    let calendar = "/api/v1/events?from=2030-03-01T00:00:00Z&to=2030-03-05T00:00:00Z";
    let titles = |page: &Value| {
        let mut titles: Vec<String> = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["event"]["title"].as_str().unwrap().to_owned())
            .collect();
        titles.sort();
        titles
    };
    let all = app
        .ok_json(Method::GET, calendar, Some(&l.reader), None)
        .await;
    assert_eq!(titles(&all), ["Atelier fatigue", "Café des aidants"]);
    let sponsor_of = |page: &Value, title: &str| {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["event"]["title"] == title)
            .unwrap()["event"]["sponsor"]
            .clone()
    };
    assert_eq!(
        sponsor_of(&all, "Atelier fatigue")["name"],
        "Laboratoire Exemple"
    );
    let unsponsored = app
        .ok_json(
            Method::GET,
            &format!("{calendar}&sponsored=false"),
            Some(&l.reader),
            None,
        )
        .await;
    assert_eq!(titles(&unsponsored), ["Café des aidants"]);
    let event_path = format!("/api/v1/events/{}", sponsored["id"].as_str().unwrap());
    // Only its organiser changes its sponsor: a reader who is not gets 403 and nothing changes.
    for sponsor in [
        json!(null),
        json!({"name": "Autre", "kind": "company", "links": ["funding"]}),
    ] {
        assert_problem(
            app.call(
                Method::PATCH,
                &event_path,
                Some(&l.reader),
                Some(json!({"sponsor": sponsor})),
            )
            .await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;
    }
    let unchanged = app
        .ok_json(Method::GET, &event_path, Some(&l.reader), None)
        .await;
    assert_eq!(unchanged["sponsor"], sponsored["sponsor"]);
    let changed = app
        .ok_json(
            Method::PATCH,
            &event_path,
            Some(&organiser),
            Some(json!({"sponsor": null})),
        )
        .await;
    assert!(changed["sponsor"].is_null());
    let unsponsored = app
        .ok_json(
            Method::GET,
            &format!("{calendar}&sponsored=false"),
            Some(&l.reader),
            None,
        )
        .await;
    assert_eq!(
        titles(&unsponsored),
        ["Atelier fatigue", "Café des aidants"]
    );

    // Resources: declared by the editor, shown once published, filtered in the library.
    let mut body = fact_sheet(&l.committee, "Fatigue et SEP");
    body["sponsor"] =
        json!({"name": "Laboratoire Exemple", "kind": "company", "links": ["content"]});
    let resource = l.create(body).await;
    assert_eq!(resource["sponsor"]["links"], json!(["content"]));
    let plain = l
        .create(fact_sheet(&l.committee, "Dormir avec la SEP"))
        .await;
    for published in [&resource, &plain] {
        assert_eq!(
            l.submit(published, &l.editor).await.status(),
            StatusCode::OK
        );
        let reviewed: Value = l
            .review(published, &l.physician, json!({"decision": "validate"}))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(reviewed["published"]["number"], 1, "{reviewed}");
    }
    let titles = |page: &Value| {
        let mut titles: Vec<String> = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                r["published"]["content"]["title"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect();
        titles.sort();
        titles
    };
    let all = app
        .ok_json(Method::GET, "/api/v1/resources", Some(&l.reader), None)
        .await;
    assert_eq!(titles(&all), ["Dormir avec la SEP", "Fatigue et SEP"]);
    let sponsored_entry = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == resource["id"])
        .unwrap();
    assert_eq!(sponsored_entry["sponsor"]["kind"], "company");
    for (filter, expected) in [
        ("false", vec!["Dormir avec la SEP"]),
        ("true", vec!["Fatigue et SEP"]),
    ] {
        let page = app
            .ok_json(
                Method::GET,
                &format!("/api/v1/resources?sponsored={filter}"),
                Some(&l.reader),
                None,
            )
            .await;
        assert_eq!(titles(&page), expected);
    }
    let resource_path = format!("/api/v1/resources/{}", resource["id"].as_str().unwrap());
    let read = app.ok_json(Method::GET, &resource_path, None, None).await;
    assert_eq!(read["sponsor"]["name"], "Laboratoire Exemple");
    // Withdrawing a resource's sponsor is the author's or an editor's, never a reader's.
    assert_eq!(
        app.call(
            Method::PATCH,
            &resource_path,
            Some(&l.reader),
            Some(json!({"sponsor": null}))
        )
        .await
        .status(),
        StatusCode::FORBIDDEN
    );
    let changed = app
        .ok_json(
            Method::PATCH,
            &resource_path,
            Some(&l.editor),
            Some(json!({"sponsor": null})),
        )
        .await;
    assert!(changed["sponsor"].is_null());
}

#[actix_web::test]
async fn bad_sponsor_declarations_are_refused_and_nothing_is_stored() {
    let app = spawn_app().await;
    let owner = app.member("Animatrice", "caregiver").await;
    let before = app.count("SELECT COUNT(*) AS n FROM discussion_groups");
    // Rule errors and shape errors alike: a 422 naming the field and why.
    let invalid = [
        (
            json!({"name": "", "kind": "company", "links": ["funding"]}),
            "sponsor.name",
            "required",
        ),
        (
            json!({"name": "Lab", "kind": "company", "links": []}),
            "sponsor.links",
            "required",
        ),
        (
            json!({"name": "x".repeat(201), "kind": "company", "links": ["funding"]}),
            "sponsor.name",
            "too_long",
        ),
        (
            json!({"name": "La\u{0}b", "kind": "company", "links": ["funding"]}),
            "sponsor.name",
            "control_character",
        ),
        (
            json!({"name": "Lab", "kind": "company", "links": ["funding", "funding", "content", "organisation"]}),
            "sponsor.links",
            "too_many",
        ),
        (
            json!({"name": "Lab", "kind": "drug_maker", "links": ["funding"]}),
            "sponsor.kind",
            "invalid_value",
        ),
        (
            json!({"name": "Lab", "kind": "company", "links": ["bribes"]}),
            "sponsor.links[0]",
            "invalid_value",
        ),
        (
            json!({"name": "Lab", "kind": "company", "links": ["funding"], "secret": true}),
            "sponsor.secret",
            "unknown_field",
        ),
        (
            json!({"name": "Lab", "kind": "company"}),
            "sponsor.links",
            "required",
        ),
        (json!("Laboratoire Exemple"), "sponsor", "invalid_value"),
    ];
    for (sponsor, field, code) in invalid {
        let response = app
            .call(
                Method::POST,
                "/api/v1/groups",
                Some(&owner),
                Some(json!({"name": "Groupe test", "visibility": "public", "sponsor": sponsor})),
            )
            .await;
        let problem = assert_problem(
            response,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(fields(&problem), [field], "{sponsor}");
        assert_eq!(problem.errors.as_ref().unwrap()[0].code, code, "{sponsor}");
    }
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM discussion_groups"),
        before
    );
    for path in [
        "/api/v1/groups?sponsored=maybe",
        "/api/v1/associations?sponsored=1x",
        "/api/v1/resources?sponsored=",
        "/api/v1/events?sponsored=no",
    ] {
        let response = app.call(Method::GET, path, Some(&owner), None).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{path}");
    }
}

#[actix_web::test]
async fn an_undeclared_sponsor_is_a_report_reason() {
    let app = spawn_app().await;
    let author = app.member("Redactrice", "patient").await;
    let reader = app.member("Lecteur", "patient").await;
    let group = app
        .ok_json(
            Method::POST,
            "/api/v1/groups",
            Some(&author),
            Some(json!({"name": "Traitements SEP", "visibility": "public"})),
        )
        .await;
    let group_id = group["id"].as_str().unwrap();
    app.ok_json(
        Method::POST,
        &format!("/api/v1/groups/{group_id}/join"),
        Some(&reader),
        None,
    )
    .await;
    let post = app
        .ok_json(
            Method::POST,
            &format!("/api/v1/groups/{group_id}/posts"),
            Some(&author),
            Some(
                json!({"body": "Ce traitement a changé ma vie, demandez-le à votre neurologue !"}),
            ),
        )
        .await;
    let report = app
        .ok_json(
            Method::POST,
            "/api/v1/reports",
            Some(&reader),
            Some(json!({"target_kind": "post", "target_id": post["id"], "reason": "undeclared_sponsor"})),
        )
        .await;
    assert_eq!(report["reason"], "undeclared_sponsor");
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM reports WHERE reason = 'undeclared_sponsor'"),
        1
    );
}
