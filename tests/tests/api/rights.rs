//! Who confers rights (`domain::rights`): never oneself, never a pending association, and rights
//! from an association apply only while it is verified.

use entraide_domain::ids::{AssociationId, CommitteeId, MemberId};
use entraide_domain::resource::Expertise;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::associations::create_association;
use crate::support::{Member, TestApp, assert_problem, spawn_app};

fn id(value: &Value) -> &str {
    value["id"].as_str().unwrap()
}

fn place(name: &str, association: Option<&str>) -> Value {
    json!({"name": name, "kind": "support_group", "address": "1 rue de la Paix", "city": "Rennes",
        "lat": 48.11, "lon": -1.68, "association_id": association})
}

async fn create_place(app: &TestApp, who: &Member, body: Value) -> reqwest::Response {
    app.call(Method::POST, "/api/v1/places", Some(who), Some(body))
        .await
}

async fn grant_editor(
    app: &TestApp,
    actor: &Member,
    target: &Member,
    association: &str,
) -> reqwest::Response {
    app.call(
        Method::PUT,
        &format!("/api/v1/members/{}/editor", target.id),
        Some(actor),
        Some(json!({"association_id": association})),
    )
    .await
}

async fn committee_count(app: &TestApp) -> usize {
    let page = app
        .ok_json(Method::GET, "/api/v1/committees", None, None)
        .await;
    page["items"].as_array().unwrap().len()
}

#[actix_web::test]
async fn a_pending_association_confers_nothing_and_nobody_grants_themselves() {
    let app = spawn_app().await;
    let schemer = app.member("Intrigant", "patient").await;
    let accomplice = app.member("Complice", "patient").await;
    let association = create_association(&app, &schemer, "Association Ecran", true).await;
    let association_id = id(&association).to_owned();
    let join = format!("/api/v1/associations/{association_id}/join");
    // A pending association takes no members: it must not collect who lives with a disease.
    assert_problem(
        app.call(Method::POST, &join, Some(&accomplice), None).await,
        StatusCode::FORBIDDEN,
        "association_not_verified",
    )
    .await;

    // The reported attack: the admin of a pending association makes themselves an editor.
    assert_problem(
        grant_editor(&app, &schemer, &schemer, &association_id).await,
        StatusCode::FORBIDDEN,
        "self_grant",
    )
    .await;
    // Nor an accomplice: a pending association confers nothing.
    assert_problem(
        grant_editor(&app, &schemer, &accomplice, &association_id).await,
        StatusCode::FORBIDDEN,
        "association_not_verified",
    )
    .await;
    for who in [&schemer, &accomplice] {
        assert_problem(
            create_place(&app, who, place("Faux lieu", None)).await,
            StatusCode::FORBIDDEN,
            "not_an_editor",
        )
        .await;
    }
    // Not even its own places: the directory would vouch for an unchecked organisation.
    assert_problem(
        create_place(&app, &schemer, place("Local", Some(&association_id))).await,
        StatusCode::FORBIDDEN,
        "not_an_editor",
    )
    .await;
    // No committee for a pending association.
    let refused = app
        .call(
            Method::POST,
            "/api/v1/committees",
            Some(&schemer),
            Some(json!({"name": "Comité écran", "association_id": association_id})),
        )
        .await;
    assert_problem(refused, StatusCode::FORBIDDEN, "association_not_verified").await;
    assert_eq!(committee_count(&app).await, 0, "nothing was stored");
    let db = app.database();
    let mut conn = db.reader().unwrap();
    for who in [&schemer, &accomplice] {
        assert_eq!(
            entraide_persistence::places::editor_grant(&mut conn, MemberId::from_uuid(who.id))
                .unwrap(),
            None,
            "no grant was stored"
        );
    }
    drop(conn);

    // Once verified, its admin grants its members, still never themselves.
    let platform = app.member("Plateforme", "professional").await;
    app.make_admin(&platform);
    app.ok_json(
        Method::POST,
        &format!("/api/v1/associations/{association_id}/verify"),
        Some(&platform),
        None,
    )
    .await;
    assert_problem(
        grant_editor(&app, &schemer, &schemer, &association_id).await,
        StatusCode::FORBIDDEN,
        "self_grant",
    )
    .await;
    app.ok_json(Method::POST, &join, Some(&accomplice), None)
        .await;
    assert_eq!(
        grant_editor(&app, &schemer, &accomplice, &association_id)
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        create_place(&app, &accomplice, place("Vrai lieu", None))
            .await
            .status(),
        StatusCode::CREATED
    );
    // The right ends with the membership it was given on.
    let leave = app
        .call(Method::DELETE, &join, Some(&accomplice), None)
        .await;
    assert_eq!(leave.status(), StatusCode::NO_CONTENT);
    assert_problem(
        create_place(&app, &accomplice, place("Après départ", None)).await,
        StatusCode::FORBIDDEN,
        "not_an_editor",
    )
    .await;
    app.ok_json(Method::POST, &join, Some(&accomplice), None)
        .await;
    assert_eq!(
        grant_editor(&app, &schemer, &accomplice, &association_id)
            .await
            .status(),
        StatusCode::OK
    );
    // Platform admins neither.
    let refused = app
        .call(
            Method::PUT,
            &format!("/api/v1/members/{}/editor", platform.id),
            Some(&platform),
            Some(json!({})),
        )
        .await;
    assert_problem(refused, StatusCode::FORBIDDEN, "self_grant").await;

    // Its committee seats others, never its admin by themselves.
    let committee = app
        .ok_json(
            Method::POST,
            "/api/v1/committees",
            Some(&schemer),
            Some(json!({"name": "Comité vérifié", "association_id": association_id})),
        )
        .await;
    let seats = format!("/api/v1/committees/{}/members", id(&committee));
    let refused = app
        .call(
            Method::POST,
            &seats,
            Some(&schemer),
            Some(json!({"member_id": schemer.id, "expertise": "patient_expert"})),
        )
        .await;
    assert_problem(refused, StatusCode::FORBIDDEN, "self_grant").await;
    let seated = app
        .ok_json(
            Method::POST,
            &seats,
            Some(&schemer),
            Some(json!({"member_id": accomplice.id, "expertise": "patient_expert"})),
        )
        .await;
    assert_eq!(seated["member_count"], 1);
    // A plain member of the association seats nobody.
    let refused = app
        .call(
            Method::POST,
            &seats,
            Some(&accomplice),
            Some(json!({"member_id": platform.id, "expertise": "physician"})),
        )
        .await;
    assert_problem(refused, StatusCode::FORBIDDEN, "forbidden").await;
}

/// Rights granted by a pending association before this fix (the stored grants of the attack)
/// are inert: an editor right or a committee seat from an association applies only while it
/// is verified.
#[actix_web::test]
async fn rights_from_an_unverified_association_do_not_apply() {
    let app = spawn_app().await;
    let schemer = app.member("Intrigante", "patient").await;
    let association = create_association(&app, &schemer, "Association Ecran", true).await;
    let association = AssociationId::from_uuid(id(&association).parse().unwrap());
    let platform = app.member("Plateforme", "professional").await;
    app.make_admin(&platform);
    let editor = app.member("Redactrice", "professional").await;
    app.ok_json(
        Method::PUT,
        &format!("/api/v1/members/{}/editor", editor.id),
        Some(&platform),
        Some(json!({})),
    )
    .await;
    let committee = app
        .ok_json(
            Method::POST,
            "/api/v1/committees",
            Some(&platform),
            Some(json!({"name": "Comité plateforme"})),
        )
        .await;
    let draft = app
        .ok_json(
            Method::POST,
            "/api/v1/resources",
            Some(&editor),
            Some(
                json!({"kind": "fact_sheet", "language": "fr", "committee_id": id(&committee),
                "content": {"title": "Brouillon", "body": "Pas encore relu."}}),
            ),
        )
        .await;
    let draft_path = format!("/api/v1/resources/{}", id(&draft));

    // What the attack left in the database: a grant and a committee of the pending association.
    let db = app.database();
    let mut conn = db.writer().unwrap();
    let schemer_id = MemberId::from_uuid(schemer.id);
    entraide_persistence::places::grant_editor(
        &mut conn,
        schemer_id,
        Some(association),
        schemer_id,
        chrono::Utc::now(),
    )
    .unwrap();
    let screen = entraide_persistence::resources::insert_committee(
        &mut conn,
        &entraide_persistence::resources::NewCommittee {
            name: &entraide_domain::text::Title::parse("Comité écran").unwrap(),
            description: &entraide_domain::text::Description::parse("").unwrap(),
            association: Some(association),
            quorum: 1,
            requires_verified_reviewers: false,
        },
        schemer_id,
        chrono::Utc::now(),
    )
    .unwrap();
    entraide_persistence::resources::set_committee_member(
        &mut conn,
        screen.id,
        schemer_id,
        Expertise::PatientExpert,
        &entraide_domain::resource::DeclaredInterests::default(),
        chrono::Utc::now(),
    )
    .unwrap();
    drop(conn);

    // The stored editor grant does nothing: no place, no draft.
    assert_problem(
        create_place(&app, &schemer, place("Faux lieu", None)).await,
        StatusCode::FORBIDDEN,
        "not_an_editor",
    )
    .await;
    assert_problem(
        app.call(Method::GET, &draft_path, Some(&schemer), None)
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    // The seat on the pending association's committee does nothing either.
    let screen_id: CommitteeId = screen.id;
    let queue = app
        .call(
            Method::GET,
            &format!("/api/v1/committees/{screen_id}/queue"),
            Some(&schemer),
            None,
        )
        .await;
    assert_problem(queue, StatusCode::FORBIDDEN, "not_a_committee_member").await;
    // Its admins may still withdraw what it granted.
    let withdrawn = app
        .call(
            Method::DELETE,
            &format!("/api/v1/members/{}/editor", schemer.id),
            Some(&platform),
            None,
        )
        .await;
    assert_eq!(withdrawn.status(), StatusCode::NO_CONTENT);
}
