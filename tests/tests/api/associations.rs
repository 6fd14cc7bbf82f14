//! Associations: verification, membership, followers, announcements and their targeting.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{Member, TestApp, assert_problem, fields, spawn_app};

/// Registers an association owned by `admin` and returns its JSON.
pub async fn create_association(app: &TestApp, admin: &Member, name: &str, open: bool) -> Value {
    let response = app
        .call(
            Method::POST,
            "/api/v1/associations",
            Some(admin),
            Some(
                json!({"name": name, "description": "Entraide et information", "region": "Bretagne",
                "website": "https://asso.example.org", "open_membership": open}),
            ),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json().await.unwrap()
}

/// A verified association: registered by `admin`, verified by a fresh platform admin.
pub async fn verified_association(app: &TestApp, admin: &Member, name: &str) -> Value {
    verified_association_with(app, admin, name, true).await
}

/// A verified association whose membership is open (`open`) or on approval.
pub async fn verified_association_with(
    app: &TestApp,
    admin: &Member,
    name: &str,
    open: bool,
) -> Value {
    let association = create_association(app, admin, name, open).await;
    let platform = app
        .member(&format!("Plateforme{}", name.len()), "professional")
        .await;
    app.make_admin(&platform);
    app.ok_json(
        Method::POST,
        &format!(
            "/api/v1/associations/{}/verify",
            association["id"].as_str().unwrap()
        ),
        Some(&platform),
        None,
    )
    .await
}

fn id(value: &Value) -> &str {
    value["id"].as_str().unwrap()
}

async fn feed_announcements(app: &TestApp, who: &Member) -> Vec<String> {
    let feed = app
        .ok_json(Method::GET, "/api/v1/feed", Some(who), None)
        .await;
    feed["announcements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap().to_owned())
        .collect()
}

#[actix_web::test]
async fn pending_associations_cannot_publish_until_verified() {
    let app = spawn_app().await;
    let founder = app.member("Fondatrice", "caregiver").await;
    let association = create_association(&app, &founder, "Aidants de Bretagne", true).await;
    assert_eq!(association["status"], "pending");
    assert_eq!(association["membership"]["role"], "admin");
    let path = format!("/api/v1/associations/{}", id(&association));

    let announcement = json!({"title": "Dépistage gratuit", "body": "Samedi à Rennes."});
    let refused = app
        .call(
            Method::POST,
            &format!("{path}/announcements"),
            Some(&founder),
            Some(announcement.clone()),
        )
        .await;
    assert_problem(refused, StatusCode::FORBIDDEN, "association_not_verified").await;
    let campaign = json!({"title": "Répit 2027", "goal_cents": 500000, "currency": "EUR",
        "ends_at": "2030-01-01T00:00:00Z", "payment_url": "https://pay.example.org/r"});
    let refused = app
        .call(
            Method::POST,
            &format!("{path}/campaigns"),
            Some(&founder),
            Some(campaign),
        )
        .await;
    assert_problem(refused, StatusCode::FORBIDDEN, "association_not_verified").await;

    // Only a platform admin verifies.
    let refused = app
        .call(
            Method::POST,
            &format!("{path}/verify"),
            Some(&founder),
            None,
        )
        .await;
    assert_problem(refused, StatusCode::FORBIDDEN, "forbidden").await;
    let admin = app.member("Verificatrice", "professional").await;
    app.make_admin(&admin);
    let verified = app
        .ok_json(Method::POST, &format!("{path}/verify"), Some(&admin), None)
        .await;
    assert_eq!(verified["status"], "verified");
    assert!(verified["verified_at"].is_string());

    let created = app
        .call(
            Method::POST,
            &format!("{path}/announcements"),
            Some(&founder),
            Some(announcement.clone()),
        )
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    // A member who is not its admin cannot speak in its name.
    let other = app.member("Intrus", "patient").await;
    let refused = app
        .call(
            Method::POST,
            &format!("{path}/announcements"),
            Some(&other),
            Some(announcement),
        )
        .await;
    assert_problem(refused, StatusCode::FORBIDDEN, "not_association_admin").await;

    // Directory: filter by status, name taken.
    let verified_list = app
        .ok_json(
            Method::GET,
            "/api/v1/associations?status=verified",
            None,
            None,
        )
        .await;
    assert_eq!(verified_list["items"].as_array().unwrap().len(), 1);
    let taken = app
        .call(
            Method::POST,
            "/api/v1/associations",
            Some(&other),
            Some(json!({"name": "AIDANTS DE BRETAGNE"})),
        )
        .await;
    assert_problem(taken, StatusCode::CONFLICT, "name_taken").await;
}

#[actix_web::test]
async fn bad_association_input_is_refused_and_nothing_is_stored() {
    let app = spawn_app().await;
    let founder = app.member("Fondateur", "patient").await;
    let bad = app
        .call(
            Method::POST,
            "/api/v1/associations",
            Some(&founder),
            Some(
                json!({"name": "x", "website": "javascript:alert(1)", "contact_email": "nope",
                "condition_ids": [uuid::Uuid::now_v7()]}),
            ),
        )
        .await;
    let problem = assert_problem(bad, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(fields(&problem), ["name", "website", "contact_email"]);
    let unknown = app
        .call(
            Method::POST,
            "/api/v1/associations",
            Some(&founder),
            Some(json!({"name": "Les Amis du Rein", "condition_ids": [uuid::Uuid::now_v7()]})),
        )
        .await;
    let problem = assert_problem(
        unknown,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), ["condition_ids"]);
    let list = app
        .ok_json(Method::GET, "/api/v1/associations", None, None)
        .await;
    assert!(
        list["items"].as_array().unwrap().is_empty(),
        "nothing stored"
    );
    let anonymous = app
        .call(
            Method::POST,
            "/api/v1/associations",
            None,
            Some(json!({"name": "Anonyme"})),
        )
        .await;
    assert_problem(anonymous, StatusCode::UNAUTHORIZED, "unauthenticated").await;
}

#[actix_web::test]
async fn membership_requests_roles_and_the_last_admin() {
    let app = spawn_app().await;
    let admin = app.member("Presidente", "caregiver").await;
    let association = verified_association_with(&app, &admin, "Vivre avec la SEP", false).await;
    let path = format!("/api/v1/associations/{}", id(&association));
    let camille = app.member("Camille", "patient").await;

    let joined = app
        .ok_json(Method::POST, &format!("{path}/join"), Some(&camille), None)
        .await;
    assert_eq!(joined["status"], "pending");
    let again = app
        .ok_json(Method::POST, &format!("{path}/join"), Some(&camille), None)
        .await;
    assert_eq!(again["status"], "pending");
    // Members lists are for admins and volunteers only.
    let refused = app
        .call(
            Method::GET,
            &format!("{path}/members"),
            Some(&camille),
            None,
        )
        .await;
    assert_problem(refused, StatusCode::FORBIDDEN, "forbidden").await;
    let pending = app
        .ok_json(
            Method::GET,
            &format!("{path}/members?status=pending"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(pending["items"][0]["member"]["id"], camille.id.to_string());

    let member_path = format!("{path}/members/{}", camille.id);
    let bad = app
        .call(
            Method::PATCH,
            &member_path,
            Some(&admin),
            Some(json!({"status": "pending"})),
        )
        .await;
    assert_problem(bad, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let approved = app
        .ok_json(
            Method::PATCH,
            &member_path,
            Some(&admin),
            Some(json!({"status": "active", "role": "volunteer"})),
        )
        .await;
    assert_eq!(approved["status"], "active");
    assert_eq!(approved["role"], "volunteer");
    let page = app.ok_json(Method::GET, &path, Some(&camille), None).await;
    assert_eq!(page["member_count"], 2);
    assert_eq!(page["membership"]["role"], "volunteer");
    // Volunteers see the list — the members who chose to be listed, and themselves; admins see
    // everyone — but do not manage roles.
    let ids = |page: Value| -> Vec<String> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["member"]["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let list = app
        .ok_json(
            Method::GET,
            &format!("{path}/members"),
            Some(&camille),
            None,
        )
        .await;
    assert_eq!(ids(list), [camille.id.to_string()]);
    let list = app
        .ok_json(Method::GET, &format!("{path}/members"), Some(&admin), None)
        .await;
    assert_eq!(ids(list).len(), 2);
    app.ok_json(
        Method::PATCH,
        "/api/v1/members/me/settings",
        Some(&admin),
        Some(json!({"listed_in_member_lists": true})),
    )
    .await;
    let list = app
        .ok_json(
            Method::GET,
            &format!("{path}/members"),
            Some(&camille),
            None,
        )
        .await;
    assert_eq!(ids(list).len(), 2);
    let refused = app
        .call(
            Method::PATCH,
            &format!("{path}/members/{}", admin.id),
            Some(&camille),
            Some(json!({"role": "member"})),
        )
        .await;
    assert_problem(refused, StatusCode::FORBIDDEN, "not_association_admin").await;

    // The last admin can neither leave nor be demoted.
    let refused = app
        .call(Method::DELETE, &format!("{path}/join"), Some(&admin), None)
        .await;
    assert_problem(refused, StatusCode::CONFLICT, "last_admin").await;
    let refused = app
        .call(
            Method::PATCH,
            &format!("{path}/members/{}", admin.id),
            Some(&admin),
            Some(json!({"role": "member"})),
        )
        .await;
    assert_problem(refused, StatusCode::CONFLICT, "last_admin").await;
    // Once Camille is admin too, the founder may step down and leave.
    app.ok_json(
        Method::PATCH,
        &member_path,
        Some(&admin),
        Some(json!({"role": "admin"})),
    )
    .await;
    let left = app
        .call(Method::DELETE, &format!("{path}/join"), Some(&admin), None)
        .await;
    assert_eq!(left.status(), StatusCode::NO_CONTENT);
    let page = app.ok_json(Method::GET, &path, None, None).await;
    assert_eq!(page["member_count"], 1);

    // Following is separate from membership.
    let follower = app.member("Suiveur", "patient").await;
    let state = app
        .ok_json(
            Method::PUT,
            &format!("{path}/follow"),
            Some(&follower),
            None,
        )
        .await;
    assert_eq!(state, json!({"following": true, "follower_count": 1}));
    let state = app
        .ok_json(
            Method::PUT,
            &format!("{path}/follow"),
            Some(&follower),
            None,
        )
        .await;
    assert_eq!(state["follower_count"], 1, "idempotent");
    let page = app.ok_json(Method::GET, &path, Some(&follower), None).await;
    assert_eq!(page["following"], true);
    let state = app
        .ok_json(
            Method::DELETE,
            &format!("{path}/follow"),
            Some(&follower),
            None,
        )
        .await;
    assert_eq!(state, json!({"following": false, "follower_count": 0}));
}

#[actix_web::test]
async fn association_groups_let_its_members_in() {
    let app = spawn_app().await;
    let admin = app.member("Responsable", "patient").await;
    let association = create_association(&app, &admin, "Lupus France Ouest", false).await;
    let platform = app.member("Plateforme", "professional").await;
    app.make_admin(&platform);
    app.ok_json(
        Method::POST,
        &format!("/api/v1/associations/{}/verify", id(&association)),
        Some(&platform),
        None,
    )
    .await;
    let outsider = app.member("Exterieur", "patient").await;
    let adherent = app.member("Adherente", "patient").await;
    let requested = app
        .ok_json(
            Method::POST,
            &format!("/api/v1/associations/{}/join", id(&association)),
            Some(&adherent),
            None,
        )
        .await;
    assert_eq!(requested["status"], "pending");
    app.ok_json(
        Method::PATCH,
        &format!(
            "/api/v1/associations/{}/members/{}",
            id(&association),
            adherent.id
        ),
        Some(&admin),
        Some(json!({"status": "active"})),
    )
    .await;

    // Only its admins create groups in its name.
    let body = json!({"name": "Adhérents Lupus", "visibility": "private", "association_id": id(&association)});
    let refused = app
        .call(
            Method::POST,
            "/api/v1/groups",
            Some(&outsider),
            Some(body.clone()),
        )
        .await;
    assert_problem(refused, StatusCode::FORBIDDEN, "not_association_admin").await;
    let group = app
        .ok_json(Method::POST, "/api/v1/groups", Some(&admin), Some(body))
        .await;
    assert_eq!(group["association_id"], id(&association));
    // A member its admin approved enters at once; anyone else asks.
    let join_path = format!("/api/v1/groups/{}/join", id(&group));
    let joined = app
        .ok_json(Method::POST, &join_path, Some(&adherent), None)
        .await;
    assert_eq!(joined["status"], "active");
    let requested = app
        .ok_json(Method::POST, &join_path, Some(&outsider), None)
        .await;
    assert_eq!(requested["status"], "pending");
    let listed = app
        .ok_json(
            Method::GET,
            &format!("/api/v1/groups?association_id={}", id(&association)),
            None,
            None,
        )
        .await;
    assert_eq!(listed["items"][0]["id"], id(&group));
}

/// The reported defect: membership was open by default, and joining the association joined its
/// private groups with no approval.
#[actix_web::test]
async fn joining_an_association_is_no_way_into_its_private_groups() {
    let app = spawn_app().await;
    let admin = app.member("Fondatrice", "patient").await;
    let platform = app.member("Plateforme", "professional").await;
    app.make_admin(&platform);
    let stranger = app.member("Inconnu", "patient").await;

    // Registered without saying: membership is by approval.
    let response = app
        .call(
            Method::POST,
            "/api/v1/associations",
            Some(&admin),
            Some(json!({"name": "Endométriose Sud", "description": "Entraide"})),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let closed: Value = response.json().await.unwrap();
    assert_eq!(closed["open_membership"], false);
    let open = create_association(&app, &admin, "Endométriose Nord", true).await;
    let mut groups = Vec::new();
    for association in [&closed, &open] {
        app.ok_json(
            Method::POST,
            &format!("/api/v1/associations/{}/verify", id(association)),
            Some(&platform),
            None,
        )
        .await;
        let group = app
            .ok_json(
                Method::POST,
                "/api/v1/groups",
                Some(&admin),
                Some(
                    json!({"name": format!("Espace {}", association["name"].as_str().unwrap()),
                    "visibility": "private", "association_id": id(association)}),
                ),
            )
            .await;
        groups.push(group);
    }
    let join = |path: String| {
        let app = &app;
        let stranger = &stranger;
        async move {
            app.ok_json(Method::POST, &path, Some(stranger), None).await["status"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };

    // The default: the request waits for an admin, and so does the private group.
    assert_eq!(
        join(format!("/api/v1/associations/{}/join", id(&closed))).await,
        "pending"
    );
    assert_eq!(
        join(format!("/api/v1/groups/{}/join", id(&groups[0]))).await,
        "pending"
    );
    // An open association takes anyone at once, but vouches for nobody in its private groups.
    assert_eq!(
        join(format!("/api/v1/associations/{}/join", id(&open))).await,
        "active"
    );
    assert_eq!(
        join(format!("/api/v1/groups/{}/join", id(&groups[1]))).await,
        "pending"
    );
    let members = app
        .ok_json(
            Method::GET,
            &format!("/api/v1/groups/{}/join-requests", id(&groups[1])),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(members["items"][0]["member"]["id"], stranger.id.to_string());
}

#[actix_web::test]
async fn announcements_reach_members_followers_and_matching_profiles_unless_opted_out() {
    let app = spawn_app().await;
    let admin = app.member("Coordinatrice", "professional").await;
    let association = verified_association(&app, &admin, "Mucoviscidose Bretagne").await;
    let path = format!("/api/v1/associations/{}", id(&association));
    let muco = app.condition(0).await;
    let other_condition = app.condition(1).await;

    async fn profile(app: &TestApp, who: &Member, region: &str, condition: uuid::Uuid) {
        app.ok_json(
            Method::PATCH,
            "/api/v1/members/me",
            Some(who),
            Some(
                json!({"location": {"city": "Brest", "region": region, "country": "fr"},
                "condition_ids": [condition], "visibility": {"conditions": "members"}}),
            ),
        )
        .await;
    }
    // Matches: a patient in Bretagne with the condition.
    let matching = app.member("Patiente", "patient").await;
    profile(&app, &matching, "bretagne", muco).await;
    // Same profile, opted out.
    let opted_out = app.member("Discrete", "patient").await;
    profile(&app, &opted_out, "Bretagne", muco).await;
    let settings = app
        .ok_json(
            Method::PATCH,
            "/api/v1/members/me/settings",
            Some(&opted_out),
            Some(json!({"receive_announcements": false})),
        )
        .await;
    assert_eq!(settings["receive_announcements"], false);
    // Wrong kind, wrong region, wrong condition.
    let caregiver = app.member("Aidant", "caregiver").await;
    profile(&app, &caregiver, "Bretagne", muco).await;
    let elsewhere = app.member("Lyonnaise", "patient").await;
    profile(&app, &elsewhere, "Auvergne-Rhône-Alpes", muco).await;
    let other = app.member("Autre", "patient").await;
    profile(&app, &other, "Bretagne", other_condition).await;
    // Follows the association: gets it whatever the targeting, even opted out.
    let follower = app.member("Suiveuse", "professional").await;
    app.ok_json(
        Method::PATCH,
        "/api/v1/members/me/settings",
        Some(&follower),
        Some(json!({"receive_announcements": false})),
    )
    .await;
    app.ok_json(
        Method::PUT,
        &format!("{path}/follow"),
        Some(&follower),
        None,
    )
    .await;

    let targeting = json!({"condition_ids": [muco], "kinds": ["patient"], "region": "Bretagne"});
    let created = app
        .ok_json(
            Method::POST,
            &format!("{path}/announcements"),
            Some(&admin),
            Some(
                json!({"title": "Vaccination grippe", "body": "Pensez-y **avant décembre**.",
                "link": "https://asso.example.org/grippe", "targeting": targeting}),
            ),
        )
        .await;
    assert_eq!(created["live"], true);
    assert_eq!(
        created["body_html"],
        "<p>Pensez-y <strong>avant décembre</strong>.</p>\n"
    );
    assert_eq!(created["association"]["verified"], true);
    // Scheduled for later: nowhere yet, except for its admins.
    app.ok_json(
        Method::POST,
        &format!("{path}/announcements"),
        Some(&admin),
        Some(json!({"title": "Journée mondiale", "body": "Bientôt.", "publish_at": "2099-01-01T00:00:00Z"})),
    )
    .await;

    let wanted = vec!["Vaccination grippe".to_owned()];
    assert_eq!(feed_announcements(&app, &matching).await, wanted);
    assert_eq!(feed_announcements(&app, &follower).await, wanted);
    for excluded in [&opted_out, &caregiver, &elsewhere, &other] {
        assert!(
            feed_announcements(&app, excluded).await.is_empty(),
            "{}",
            excluded.email
        );
    }
    // Opting back in brings it back.
    app.ok_json(
        Method::PATCH,
        "/api/v1/members/me/settings",
        Some(&opted_out),
        Some(json!({"receive_announcements": true})),
    )
    .await;
    assert_eq!(feed_announcements(&app, &opted_out).await, wanted);

    let public = app
        .ok_json(Method::GET, &format!("{path}/announcements"), None, None)
        .await;
    assert_eq!(
        public["items"].as_array().unwrap().len(),
        1,
        "scheduled ones are hidden"
    );
    let admins = app
        .ok_json(
            Method::GET,
            &format!("{path}/announcements"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(admins["items"].as_array().unwrap().len(), 2);
    assert_eq!(admins["items"][0]["live"], false);
}

#[actix_web::test]
async fn announcements_never_reach_members_through_a_private_condition_nor_carry_images() {
    let app = spawn_app().await;
    let admin = app.member("Redactrice", "professional").await;
    let association = verified_association(&app, &admin, "Sclerose Ouest").await;
    let path = format!("/api/v1/associations/{}/announcements", id(&association));
    let condition = app.condition(2).await;
    let private = app.member("Privee", "patient").await;
    let shown = app.member("Visible", "patient").await;
    for (who, visibility) in [(&private, "private"), (&shown, "members")] {
        app.ok_json(
            Method::PATCH,
            "/api/v1/members/me",
            Some(who),
            Some(json!({"condition_ids": [condition], "visibility": {"conditions": visibility}})),
        )
        .await;
    }
    let created = app
        .ok_json(
            Method::POST,
            &path,
            Some(&admin),
            Some(json!({"title": "Nouvel essai clinique",
                "body": "Lisez ceci ![](https://tracker.example.net/pixel.gif)                          <img src=\"https://tracker.example.net/raw.gif\"> [ici](//evil.org/x)",
                "targeting": {"condition_ids": [condition]}})),
        )
        .await;
    let html = created["body_html"].as_str().unwrap();
    assert!(!html.contains("<img"), "{html}");
    assert!(!html.contains("raw.gif"), "{html}");
    assert!(!html.contains("evil.org"), "{html}");
    assert!(
        html.contains("<a href=\"https://tracker.example.net/pixel.gif\""),
        "the image is a link the reader may follow: {html}"
    );
    assert_eq!(
        feed_announcements(&app, &shown).await,
        ["Nouvel essai clinique"]
    );
    assert!(
        feed_announcements(&app, &private).await.is_empty(),
        "a private condition never matches a targeting rule"
    );
    // Unless the member consents to the purpose `announcements`, to its current text.
    let text = app
        .ok_json(
            Method::GET,
            "/api/v1/consent-texts/announcements",
            None,
            None,
        )
        .await;
    assert_eq!(text["version"], 1);
    let consent = |version: u32| {
        app.call(
            Method::POST,
            "/api/v1/members/me/consents/announcements",
            Some(&private),
            Some(json!({ "text_version": version })),
        )
    };
    let stale = consent(2).await;
    crate::support::assert_problem(stale, reqwest::StatusCode::CONFLICT, "consent_text_changed")
        .await;
    assert_eq!(consent(1).await.status(), reqwest::StatusCode::NO_CONTENT);
    assert_eq!(
        feed_announcements(&app, &private).await,
        ["Nouvel essai clinique"],
        "consented: the private condition selects it"
    );
    // A new text asks again: until then, the private condition selects nothing.
    let platform_admin = app.member("Plateforme", "professional").await;
    app.make_admin(&platform_admin);
    let refused = app
        .call(
            Method::PUT,
            "/api/v1/consent-texts/announcements",
            Some(&admin),
            Some(json!({"body": "Texte 2"})),
        )
        .await;
    crate::support::assert_problem(refused, reqwest::StatusCode::FORBIDDEN, "forbidden").await;
    let text = app
        .ok_json(
            Method::PUT,
            "/api/v1/consent-texts/announcements",
            Some(&platform_admin),
            Some(json!({"body": "Texte 2 : vos pathologies privées ciblent les messages."})),
        )
        .await;
    assert_eq!(text["version"], 2);
    assert!(feed_announcements(&app, &private).await.is_empty());
    assert_eq!(consent(2).await.status(), reqwest::StatusCode::NO_CONTENT);
    assert_eq!(
        feed_announcements(&app, &private).await,
        ["Nouvel essai clinique"]
    );
    // Withdrawn: at once.
    let withdraw = || {
        app.call(
            Method::DELETE,
            "/api/v1/members/me/consents/announcements",
            Some(&private),
            None,
        )
    };
    assert_eq!(withdraw().await.status(), reqwest::StatusCode::NO_CONTENT);
    assert!(feed_announcements(&app, &private).await.is_empty());
    crate::support::assert_problem(
        withdraw().await,
        reqwest::StatusCode::CONFLICT,
        "no_consent",
    )
    .await;
    let ledger = app
        .ok_json(
            Method::GET,
            "/api/v1/members/me/consents",
            Some(&private),
            None,
        )
        .await;
    let purposes: Vec<&str> = ledger["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["purpose"].as_str().unwrap())
        .collect();
    assert_eq!(purposes, ["announcements", "announcements"]);
    // The member's choice applies at once: showing the condition brings it in.
    app.ok_json(
        Method::PATCH,
        "/api/v1/members/me",
        Some(&private),
        Some(json!({"visibility": {"conditions": "members"}})),
    )
    .await;
    assert_eq!(
        feed_announcements(&app, &private).await,
        ["Nouvel essai clinique"]
    );
}

#[actix_web::test]
async fn announcements_expire_and_refuse_bad_schedules() {
    let app = spawn_app().await;
    let admin = app.member("Secretaire", "caregiver").await;
    let association = verified_association(&app, &admin, "Parkinson Normandie").await;
    let path = format!("/api/v1/associations/{}/announcements", id(&association));
    let member = app.member("Adherent", "patient").await;
    app.ok_json(
        Method::POST,
        &format!("/api/v1/associations/{}/join", id(&association)),
        Some(&member),
        None,
    )
    .await;
    let soon = chrono::Utc::now() + chrono::TimeDelta::milliseconds(1500);
    app.ok_json(
        Method::POST,
        &path,
        Some(&admin),
        Some(json!({"title": "Permanence ce soir", "body": "De 18 h à 20 h.", "expires_at": soon})),
    )
    .await;
    assert_eq!(
        feed_announcements(&app, &member).await,
        ["Permanence ce soir"]
    );
    tokio::time::sleep(std::time::Duration::from_millis(1600)).await;
    assert!(
        feed_announcements(&app, &member).await.is_empty(),
        "expired"
    );

    let bad = app
        .call(
            Method::POST,
            &path,
            Some(&admin),
            Some(json!({"title": "ok titre", "body": " ", "link": "ftp://x", "publish_at": "2030-01-02T00:00:00Z",
                "expires_at": "2030-01-01T00:00:00Z", "targeting": {"kinds": ["doctor"]}})),
        )
        .await;
    let problem = assert_problem(bad, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(fields(&problem), ["targeting.kinds[0]"]);
    let bad = app
        .call(
            Method::POST,
            &path,
            Some(&admin),
            Some(json!({"title": "ok titre", "body": " ", "link": "ftp://x", "publish_at": "2030-01-02T00:00:00Z",
                "expires_at": "2030-01-01T00:00:00Z"})),
        )
        .await;
    let problem = assert_problem(bad, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(fields(&problem), ["body", "link", "expires_at"]);
    let list = app.ok_json(Method::GET, &path, Some(&admin), None).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1, "nothing stored");
}
