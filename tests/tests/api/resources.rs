//! The resource library: the review workflow and its forbidden transitions, versions, the
//! re-review flag, the committee queue and bad input.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{Member, TestApp, assert_problem, fields, spawn_app};

pub(crate) struct Library {
    pub(crate) app: TestApp,
    pub(crate) admin: Member,
    pub(crate) editor: Member,
    pub(crate) physician: Member,
    pub(crate) nurse: Member,
    pub(crate) reader: Member,
    pub(crate) committee: String,
}

pub(crate) async fn library(quorum: i32) -> Library {
    let app = spawn_app().await;
    let admin = app.member("Administratrice", "professional").await;
    app.make_admin(&admin);
    let editor = app.member("Redacteur", "professional").await;
    app.ok_json(
        Method::PUT,
        &format!("/api/v1/members/{}/editor", editor.id),
        Some(&admin),
        Some(json!({})),
    )
    .await;
    let committee = app
        .ok_json(
            Method::POST,
            "/api/v1/committees",
            Some(&admin),
            Some(json!({"name": "Comité scientifique SEP", "quorum": quorum})),
        )
        .await;
    let committee = committee["id"].as_str().unwrap().to_owned();
    let physician = app.member("Neurologue", "professional").await;
    let nurse = app.member("Infirmiere", "professional").await;
    for (who, expertise) in [(&physician, "physician"), (&nurse, "nurse")] {
        app.ok_json(
            Method::POST,
            &format!("/api/v1/committees/{committee}/members"),
            Some(&admin),
            Some(json!({"member_id": who.id, "expertise": expertise})),
        )
        .await;
    }
    let reader = app.member("Lectrice", "patient").await;
    Library {
        app,
        admin,
        editor,
        physician,
        nurse,
        reader,
        committee,
    }
}

pub(crate) fn fact_sheet(committee: &str, title: &str) -> Value {
    json!({"kind": "fact_sheet", "language": "fr", "audience": "patients", "committee_id": committee,
        "content": {"title": title, "summary": "Comprendre la fatigue.",
            "body": "La fatigue est **fréquente** dans la SEP.", "tags": ["fatigue"],
            "sources": ["HAS, Guide du parcours de soins SEP, 2024"]}})
}

impl Library {
    pub(crate) async fn create(&self, body: Value) -> Value {
        let response = self
            .app
            .call(
                Method::POST,
                "/api/v1/resources",
                Some(&self.editor),
                Some(body),
            )
            .await;
        let status = response.status();
        let text = response.text().await.unwrap();
        assert_eq!(status, StatusCode::CREATED, "{text}");
        serde_json::from_str(&text).unwrap()
    }

    fn path(resource: &Value) -> String {
        format!("/api/v1/resources/{}", resource["id"].as_str().unwrap())
    }

    pub(crate) async fn review(
        &self,
        resource: &Value,
        who: &Member,
        body: Value,
    ) -> reqwest::Response {
        self.app
            .call(
                Method::POST,
                &format!("{}/reviews", Self::path(resource)),
                Some(who),
                Some(body),
            )
            .await
    }

    pub(crate) async fn submit(&self, resource: &Value, who: &Member) -> reqwest::Response {
        self.app
            .call(
                Method::POST,
                &format!("{}/submit", Self::path(resource)),
                Some(who),
                None,
            )
            .await
    }

    async fn get(&self, resource: &Value, who: Option<&Member>) -> reqwest::Response {
        self.app
            .call(Method::GET, &Self::path(resource), who, None)
            .await
    }
}

#[actix_web::test]
async fn the_whole_review_workflow_with_its_forbidden_transitions() {
    let l = library(1).await;
    let resource = l.create(fact_sheet(&l.committee, "Fatigue et SEP")).await;
    assert_eq!(resource["working"]["status"], "draft");
    assert!(resource["published"].is_null());

    // Drafts are invisible to members, visible to the committee.
    assert_problem(
        l.get(&resource, Some(&l.reader)).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    assert_problem(
        l.get(&resource, None).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    assert_eq!(
        l.get(&resource, Some(&l.physician)).await.status(),
        StatusCode::OK
    );
    let listed = l
        .app
        .ok_json(Method::GET, "/api/v1/resources", Some(&l.editor), None)
        .await;
    assert!(
        listed["items"].as_array().unwrap().is_empty(),
        "only published resources are listed"
    );

    // Not yet submitted: no review.
    let early = l
        .review(&resource, &l.physician, json!({"decision": "validate"}))
        .await;
    assert_problem(early, StatusCode::CONFLICT, "invalid_transition").await;
    assert_problem(
        l.submit(&resource, &l.reader).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let submitted: Value = l.submit(&resource, &l.editor).await.json().await.unwrap();
    assert_eq!(submitted["working"]["status"], "submitted");
    assert_problem(
        l.submit(&resource, &l.editor).await,
        StatusCode::CONFLICT,
        "invalid_transition",
    )
    .await;
    // Under review, the content cannot change.
    let frozen = l
        .app
        .call(
            Method::PATCH,
            &Library::path(&resource),
            Some(&l.editor),
            Some(json!({"content": {"title": "Autre titre", "body": "x"}})),
        )
        .await;
    assert_problem(frozen, StatusCode::CONFLICT, "under_review").await;

    // Sending back needs a reason.
    let silent = l
        .review(&resource, &l.nurse, json!({"decision": "request_changes"}))
        .await;
    let problem = assert_problem(
        silent,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), ["comment"]);
    let back: Value = l
        .review(
            &resource,
            &l.nurse,
            json!({"decision": "request_changes", "comment": "Citer la source 2024."}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(back["working"]["status"], "changes_requested");
    assert_eq!(back["reviews"][0]["reviewer"]["expertise"], "nurse");
    assert_problem(
        l.review(&resource, &l.physician, json!({"decision": "validate"}))
            .await,
        StatusCode::CONFLICT,
        "invalid_transition",
    )
    .await;
    // The author edits (back to draft), resubmits; a committee member validates: published.
    let edited = l.app
        .ok_json(Method::PATCH, &Library::path(&resource), Some(&l.editor),
            Some(json!({"content": {"title": "Fatigue et SEP", "body": "La fatigue est **fréquente** (HAS 2024).",
                "sources": ["HAS 2024"]}})))
        .await;
    assert_eq!(edited["working"]["status"], "draft");
    assert_eq!(edited["working"]["number"], 1, "edited in place");
    l.submit(&resource, &l.editor).await;
    let outsider_editor = l.app.member("Autre", "professional").await;
    l.app
        .ok_json(
            Method::PUT,
            &format!("/api/v1/members/{}/editor", outsider_editor.id),
            Some(&l.admin),
            Some(json!({})),
        )
        .await;
    assert_problem(
        l.review(&resource, &outsider_editor, json!({"decision": "validate"}))
            .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let published: Value = l
        .review(&resource, &l.physician, json!({"decision": "validate"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(published["published"]["status"], "published");
    assert!(published.get("working").is_none());

    // Members see it, with who validated it and when.
    let seen: Value = l
        .get(&resource, Some(&l.reader))
        .await
        .json()
        .await
        .unwrap();
    let validation = &seen["validation"];
    assert_eq!(validation["committee"]["name"], "Comité scientifique SEP");
    assert_eq!(
        validation["reviewers"][0]["member"]["pseudonym"],
        "Neurologue"
    );
    assert_eq!(validation["reviewers"][0]["expertise"], "physician");
    assert_eq!(validation["review_overdue"], false);
    let validated: chrono::DateTime<chrono::Utc> = validation["validated_at"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let due: chrono::DateTime<chrono::Utc> = validation["review_due_at"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((due - validated).num_days() >= 730 && (due - validated).num_days() <= 731);
    assert!(seen.get("working").is_none(), "members see no drafts");
    assert_eq!(
        seen["published"]["content"]["body_html"],
        "<p>La fatigue est <strong>fréquente</strong> (HAS 2024).</p>\n"
    );
    let listed = l
        .app
        .ok_json(
            Method::GET,
            "/api/v1/resources?kind=fact_sheet&language=fr&q=fatigue",
            None,
            None,
        )
        .await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
    let none = l
        .app
        .ok_json(
            Method::GET,
            "/api/v1/resources?audience=caregivers",
            None,
            None,
        )
        .await;
    assert!(none["items"].as_array().unwrap().is_empty());
}

#[actix_web::test]
async fn nobody_validates_their_own_resource() {
    let l = library(1).await;
    // The physician is also an editor and writes a resource.
    l.app
        .ok_json(
            Method::PUT,
            &format!("/api/v1/members/{}/editor", l.physician.id),
            Some(&l.admin),
            Some(json!({})),
        )
        .await;
    let own = l
        .app
        .ok_json(
            Method::POST,
            "/api/v1/resources",
            Some(&l.physician),
            Some(fact_sheet(&l.committee, "Traitements de fond")),
        )
        .await;
    l.submit(&own, &l.physician).await;
    let refused = l
        .review(&own, &l.physician, json!({"decision": "validate"}))
        .await;
    assert_problem(refused, StatusCode::FORBIDDEN, "own_resource").await;
    let rejected: Value = l
        .review(
            &own,
            &l.nurse,
            json!({"decision": "reject", "comment": "Hors du champ du comité."}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(rejected["working"]["status"], "rejected");
    assert_problem(
        l.submit(&own, &l.physician).await,
        StatusCode::CONFLICT,
        "invalid_transition",
    )
    .await;
}

#[actix_web::test]
async fn editing_a_published_resource_makes_a_new_version_under_review() {
    let l = library(2).await;
    let resource = l.create(fact_sheet(&l.committee, "Kinésithérapie")).await;
    l.submit(&resource, &l.editor).await;
    let half: Value = l
        .review(&resource, &l.physician, json!({"decision": "validate"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(half["working"]["status"], "in_review", "quorum of 2");
    let twice = l
        .review(&resource, &l.physician, json!({"decision": "validate"}))
        .await;
    assert_problem(twice, StatusCode::CONFLICT, "already_reviewed").await;
    let done: Value = l
        .review(&resource, &l.nurse, json!({"decision": "validate"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(done["published"]["number"], 1);
    assert_eq!(done["validation"]["reviewers"].as_array().unwrap().len(), 2);

    let edited = l
        .app
        .ok_json(
            Method::PATCH,
            &Library::path(&resource),
            Some(&l.editor),
            Some(
                json!({"content": {"title": "Kinésithérapie et SEP", "body": "Nouvelle version."}}),
            ),
        )
        .await;
    assert_eq!(edited["working"]["number"], 2);
    assert_eq!(edited["working"]["status"], "draft");
    assert_eq!(
        edited["published"]["number"], 1,
        "the validated version stays published"
    );
    let member_view: Value = l
        .get(&resource, Some(&l.reader))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        member_view["published"]["content"]["title"],
        "Kinésithérapie"
    );
    let history = l
        .app
        .ok_json(
            Method::GET,
            &format!("{}/versions", Library::path(&resource)),
            Some(&l.reader),
            None,
        )
        .await;
    assert_eq!(
        history.as_array().unwrap().len(),
        1,
        "members see published versions only"
    );
    let history = l
        .app
        .ok_json(
            Method::GET,
            &format!("{}/versions", Library::path(&resource)),
            Some(&l.editor),
            None,
        )
        .await;
    let statuses: Vec<_> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["status"].clone())
        .collect();
    assert_eq!(statuses, [json!("draft"), json!("published")]);

    l.submit(&resource, &l.editor).await;
    l.review(&resource, &l.nurse, json!({"decision": "validate"}))
        .await;
    l.review(&resource, &l.physician, json!({"decision": "validate"}))
        .await;
    let history = l
        .app
        .ok_json(
            Method::GET,
            &format!("{}/versions", Library::path(&resource)),
            Some(&l.reader),
            None,
        )
        .await;
    let statuses: Vec<_> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["number"].clone(), v["status"].clone()))
        .collect();
    assert_eq!(
        statuses,
        [
            (json!(2), json!("published")),
            (json!(1), json!("archived"))
        ]
    );
}

#[actix_web::test]
async fn overdue_resources_are_flagged_and_queued_for_their_committee() {
    let l = library(1).await;
    let resource = l
        .create(fact_sheet(&l.committee, "Vaccination et SEP"))
        .await;
    let waiting = l.create(fact_sheet(&l.committee, "Grossesse et SEP")).await;
    l.submit(&resource, &l.editor).await;
    l.submit(&waiting, &l.editor).await;
    l.review(
        &resource,
        &l.physician,
        json!({"decision": "validate", "review_in_months": 12}),
    )
    .await;
    let queue_path = format!("/api/v1/committees/{}/queue", l.committee);
    let refused = l
        .app
        .call(Method::GET, &queue_path, Some(&l.reader), None)
        .await;
    assert_problem(refused, StatusCode::FORBIDDEN, "not_a_committee_member").await;
    let queue = l
        .app
        .ok_json(Method::GET, &queue_path, Some(&l.nurse), None)
        .await;
    let titles: Vec<_> = queue
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["working"]["content"]["title"].clone())
        .collect();
    assert_eq!(titles, [json!("Grossesse et SEP")]);

    // Time passes: the re-review date is behind us.
    {
        use diesel::prelude::*;
        let db = l.app.database();
        let mut conn = db.writer().unwrap();
        diesel::sql_query(
            "UPDATE resource_versions SET review_due_at = validated_at WHERE status = 'published'",
        )
        .execute(&mut **conn)
        .unwrap();
    }
    let seen: Value = l
        .get(&resource, Some(&l.reader))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(seen["validation"]["review_overdue"], true);
    let queue = l
        .app
        .ok_json(Method::GET, &queue_path, Some(&l.nurse), None)
        .await;
    assert_eq!(queue.as_array().unwrap().len(), 2);
    // The committee validates it again: a new re-review date.
    let renewed: Value = l
        .review(&resource, &l.nurse, json!({"decision": "validate"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(renewed["validation"]["review_overdue"], false);
    assert_eq!(
        l.app
            .ok_json(Method::GET, &queue_path, Some(&l.nurse), None)
            .await
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // A published resource that is not overdue is not reviewed again.
    assert_problem(
        l.review(&resource, &l.physician, json!({"decision": "validate"}))
            .await,
        StatusCode::CONFLICT,
        "invalid_transition",
    )
    .await;
}

#[actix_web::test]
async fn bad_resource_input_is_refused_and_nothing_is_stored() {
    let l = library(1).await;
    let refused = l
        .app
        .call(
            Method::POST,
            "/api/v1/resources",
            Some(&l.reader),
            Some(fact_sheet(&l.committee, "Sans droit")),
        )
        .await;
    assert_problem(refused, StatusCode::FORBIDDEN, "not_an_editor").await;
    let bad = l
        .app
        .call(
            Method::POST,
            "/api/v1/resources",
            Some(&l.editor),
            Some(
                json!({"kind": "video", "language": "français", "committee_id": l.committee,
                "content": {"title": "Vidéo", "duration_seconds": 0}}),
            ),
        )
        .await;
    let problem = assert_problem(bad, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(
        fields(&problem),
        ["language", "content.duration_seconds", "content.url"]
    );
    let bad = l.app
        .call(Method::POST, "/api/v1/resources", Some(&l.editor),
            Some(json!({"kind": "book", "language": "fr", "committee_id": l.committee,
                "content": {"title": "Livre", "book_authors": "A. Martin", "isbn": "978-2-07-036822-9", "year": 3000}})))
        .await;
    let problem = assert_problem(bad, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(fields(&problem), ["content.year", "content.isbn"]);
    let unknown = l
        .app
        .call(
            Method::POST,
            "/api/v1/resources",
            Some(&l.editor),
            Some(fact_sheet(&uuid::Uuid::now_v7().to_string(), "Orphelin")),
        )
        .await;
    let problem = assert_problem(
        unknown,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), ["committee_id"]);
    let bad_decision = l
        .app
        .call(
            Method::POST,
            &format!("/api/v1/resources/{}/reviews", uuid::Uuid::now_v7()),
            Some(&l.nurse),
            Some(json!({"decision": "approve"})),
        )
        .await;
    assert_problem(
        bad_decision,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let book = l.create(json!({"kind": "book", "language": "fr", "committee_id": l.committee,
        "content": {"title": "Vivre avec la SEP", "book_authors": "A. Martin", "isbn": "978-2-07-036822-8",
            "url": "https://livres.example.org/sep.pdf", "year": 2023}})).await;
    assert_eq!(book["working"]["content"]["isbn"], "9782070368228");
    let versions = l
        .app
        .ok_json(
            Method::GET,
            &format!("{}/versions", Library::path(&book)),
            Some(&l.editor),
            None,
        )
        .await;
    assert_eq!(
        versions.as_array().unwrap().len(),
        1,
        "only the valid resource was stored"
    );
}
