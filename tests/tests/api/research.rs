//! Research: studies, consent, questionnaires, answers, and what researchers get.

use std::collections::BTreeSet;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{Member, TestApp, assert_problem, fields, spawn_app};

/// Open since yesterday, whatever day the test runs.
fn opens_at() -> String {
    (chrono::Utc::now() - chrono::TimeDelta::days(1)).to_rfc3339()
}

pub(crate) fn questionnaire_body() -> Value {
    json!({"title": "Suivi", "schedule": {"opens_at": opens_at(), "recurrence": "once",
    "window_days": 30},
    "items": [
        {"link_id": "pain", "text": "Douleur", "type": "scale", "required": true,
         "min": 0, "max": 10},
        {"link_id": "sleep", "text": "Sommeil", "type": "single_choice",
         "answer_option": [{"code": "good", "display": "Bon"}, {"code": "bad", "display": "Mauvais"}]},
        {"link_id": "symptoms", "text": "Symptômes", "type": "multiple_choice",
         "answer_option": [{"code": "fatigue", "display": "Fatigue"}, {"code": "fever", "display": "Fièvre"}]},
        {"link_id": "woke", "text": "Réveillé(e) ?", "type": "boolean", "required": true},
        {"link_id": "nights", "text": "Nuits", "type": "number", "unit": "nuits",
         "min": 0, "max": 31, "required": true,
         "enable_when": {"question": "woke", "answer": true}},
        {"link_id": "since", "text": "Depuis", "type": "date"},
        {"link_id": "notes", "text": "Remarques", "type": "text", "max_chars": 50}
    ]})
}

pub(crate) struct Lab {
    pub(crate) app: TestApp,
    pub(crate) admin: Member,
    pub(crate) researcher: Member,
}

impl Lab {
    pub(crate) async fn new() -> Self {
        let app = spawn_app().await;
        let admin = app.member("Admina Recherche", "professional").await;
        app.make_admin(&admin);
        let researcher = app.member("Chercheuse", "professional").await;
        app.ok_json(
            Method::PUT,
            &format!("/api/v1/members/{}/researcher", researcher.id),
            Some(&admin),
            None,
        )
        .await;
        Self {
            app,
            admin,
            researcher,
        }
    }

    /// An open study for patients with one questionnaire; returns (study, questionnaire).
    pub(crate) async fn study(&self, title: &str, shares_free_text: bool) -> (String, String) {
        let study = self
            .app
            .ok_json(
                Method::POST,
                "/api/v1/studies",
                Some(&self.researcher),
                Some(
                    json!({"title": title, "sponsor": "AP-HP", "ethics_reference": "CPP 1",
                    "eligibility": {"kinds": ["patient"]},
                    "consent_text": {"body": "J'accepte.", "shares_free_text": shares_free_text}}),
                ),
            )
            .await;
        assert_eq!(study["status"], "draft");
        let study = study["id"].as_str().unwrap().to_owned();
        let questionnaire = self
            .app
            .ok_json(
                Method::POST,
                &format!("/api/v1/studies/{study}/questionnaires"),
                Some(&self.researcher),
                Some(questionnaire_body()),
            )
            .await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        self.app
            .ok_json(
                Method::PATCH,
                &format!("/api/v1/studies/{study}"),
                Some(&self.researcher),
                Some(json!({"status": "open"})),
            )
            .await;
        (study, questionnaire)
    }

    pub(crate) async fn consent(
        &self,
        member: &Member,
        study: &str,
        version: u32,
    ) -> reqwest::Response {
        self.app
            .call(
                Method::POST,
                &format!("/api/v1/studies/{study}/consent"),
                Some(member),
                Some(json!({ "text_version": version })),
            )
            .await
    }

    pub(crate) async fn answer(
        &self,
        member: &Member,
        questionnaire: &str,
        answers: Value,
    ) -> reqwest::Response {
        self.app
            .call(
                Method::POST,
                &format!("/api/v1/questionnaires/{questionnaire}/responses"),
                Some(member),
                Some(json!({ "answers": answers })),
            )
            .await
    }

    fn responses(&self) -> i64 {
        self.app.count("SELECT COUNT(*) AS n FROM responses")
    }
}

#[actix_web::test]
async fn answers_are_checked_whole_against_the_version_with_skip_logic() {
    let lab = Lab::new().await;
    let (study, questionnaire) = lab.study("Douleur et sommeil", false).await;
    let member = lab.app.member("Camille", "patient").await;
    assert_eq!(
        lab.consent(&member, &study, 1).await.status(),
        StatusCode::NO_CONTENT
    );

    // Every wrong answer at once: one error per item, nothing stored.
    let refused = lab
        .answer(
            &member,
            &questionnaire,
            json!({"pain": 11, "sleep": "maybe", "symptoms": ["fatigue", "fatigue"],
                "woke": false, "nights": 3, "since": "03/05/2024",
                "notes": "x".repeat(51), "unknown": 1}),
        )
        .await;
    let problem = assert_problem(
        refused,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let mut found = fields(&problem);
    found.sort();
    // Answers that cannot be read as their item's type (or name no item) are reported first;
    // `notes` (too long) is checked once every answer reads.
    assert_eq!(found, ["answers.since", "answers.unknown"], "{problem:?}");
    let refused = lab
        .answer(
            &member,
            &questionnaire,
            json!({"pain": 11, "sleep": "maybe", "symptoms": ["fatigue", "fatigue"],
                "woke": false, "nights": 3}),
        )
        .await;
    let problem = assert_problem(
        refused,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let mut found = fields(&problem);
    found.sort();
    assert_eq!(
        found,
        [
            "answers.nights",
            "answers.pain",
            "answers.sleep",
            "answers.symptoms"
        ]
    );
    let codes: BTreeSet<String> = problem
        .errors
        .unwrap()
        .into_iter()
        .map(|e| format!("{}:{}", e.field, e.code))
        .collect();
    assert!(codes.contains("answers.nights:not_enabled"), "{codes:?}");
    assert!(codes.contains("answers.pain:out_of_range"), "{codes:?}");
    assert!(codes.contains("answers.sleep:unknown_option"), "{codes:?}");
    // Shown and required: `nights` once `woke` is true; `pain` always.
    let refused = lab
        .answer(&member, &questionnaire, json!({"woke": true}))
        .await;
    let problem = assert_problem(
        refused,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let mut found = fields(&problem);
    found.sort();
    assert_eq!(found, ["answers.nights", "answers.pain"]);
    // Wrong JSON types.
    let refused = lab
        .answer(&member, &questionnaire, json!({"pain": "4", "woke": "yes"}))
        .await;
    let problem = assert_problem(
        refused,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert!(
        problem
            .errors
            .unwrap()
            .iter()
            .all(|e| e.code == "wrong_type")
    );
    assert_eq!(lab.responses(), 0);

    // Skipped by `woke: false`: `nights` absent is right. 4.0 is a whole number.
    let stored = lab
        .app
        .ok_json(
            Method::POST,
            &format!("/api/v1/questionnaires/{questionnaire}/responses"),
            Some(&member),
            Some(
                json!({"answers": {"pain": 4.0, "woke": false, "symptoms": ["fever", "fatigue"],
                "since": "2024-05-03", "notes": "Fatiguée"}}),
            ),
        )
        .await;
    assert_eq!(stored["version"], 1);
    assert_eq!(stored["answers"]["pain"], 4);
    assert_eq!(stored["answers"]["since"], "2024-05-03");
    // Answered in this window: no more until the next one.
    let again = lab
        .answer(&member, &questionnaire, json!({"pain": 2, "woke": false}))
        .await;
    assert_problem(again, StatusCode::CONFLICT, "not_due").await;
    assert_eq!(lab.responses(), 1);
    let due = lab
        .app
        .ok_json(
            Method::GET,
            "/api/v1/members/me/questionnaires/due",
            Some(&member),
            None,
        )
        .await;
    assert_eq!(due["items"], json!([]));
}

#[actix_web::test]
async fn questionnaires_are_checked_and_versioned_once_answered() {
    let lab = Lab::new().await;
    let (study, questionnaire) = lab.study("Versions", false).await;
    let path = format!("/api/v1/questionnaires/{questionnaire}");
    let post = format!("/api/v1/studies/{study}/questionnaires");

    let mut bad = questionnaire_body();
    bad["items"][0]["min"] = json!(10);
    bad["items"][0]["max"] = json!(0);
    bad["items"][1]["link_id"] = json!("pain");
    bad["items"][4]["enable_when"]["question"] = json!("notes");
    bad["schedule"]["recurrence"] = json!("days");
    let refused = lab
        .app
        .call(Method::POST, &post, Some(&lab.researcher), Some(bad))
        .await;
    let problem = assert_problem(
        refused,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let mut found = fields(&problem);
    found.sort();
    assert_eq!(found, ["items[4].enable_when", "schedule.every"]);
    let mut bad = questionnaire_body();
    bad["items"][0]["min"] = json!(10);
    bad["items"][0]["max"] = json!(0);
    bad["items"][1]["link_id"] = json!("pain");
    let refused = lab
        .app
        .call(Method::POST, &post, Some(&lab.researcher), Some(bad))
        .await;
    let problem = assert_problem(
        refused,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let mut found = fields(&problem);
    found.sort();
    assert_eq!(found, ["items[0].kind", "items[1].link_id"]);
    let count = "SELECT COUNT(*) AS n FROM questionnaires";
    assert_eq!(lab.app.count(count), 1);

    // No answer yet: corrected in place.
    let mut changed = questionnaire_body();
    changed["items"][0]["max"] = json!(5);
    let replaced = lab
        .app
        .ok_json(
            Method::PUT,
            &path,
            Some(&lab.researcher),
            Some(changed.clone()),
        )
        .await;
    assert_eq!(replaced["version"], 1);
    assert_eq!(replaced["items"][0]["max"], 5.0);

    let member = lab.app.member("Dominique", "patient").await;
    assert_eq!(
        lab.consent(&member, &study, 1).await.status(),
        StatusCode::NO_CONTENT
    );
    let answered = lab
        .answer(&member, &questionnaire, json!({"pain": 5, "woke": false}))
        .await;
    assert_eq!(answered.status(), StatusCode::CREATED);

    // Answered: a change makes version 2; the answer keeps version 1.
    changed["items"][0]["max"] = json!(10);
    let replaced = lab
        .app
        .ok_json(Method::PUT, &path, Some(&lab.researcher), Some(changed))
        .await;
    assert_eq!(replaced["version"], 2);
    assert_eq!(replaced["items"][0]["max"], 10.0);
    let mine = lab
        .app
        .ok_json(
            Method::GET,
            "/api/v1/members/me/responses",
            Some(&member),
            None,
        )
        .await;
    assert_eq!(mine["items"][0]["version"], 1);
    assert_eq!(mine["items"][0]["answers"]["pain"], 5);
    // Others may not change it; anonymous visitors read it.
    let refused = lab
        .app
        .call(
            Method::PUT,
            &path,
            Some(&member),
            Some(questionnaire_body()),
        )
        .await;
    assert_problem(refused, StatusCode::FORBIDDEN, "forbidden").await;
    let read = lab.app.ok_json(Method::GET, &path, None, None).await;
    assert_eq!(read["version"], 2);

    // FHIR: the questionnaire, and the member's own responses.
    let fhir = lab
        .app
        .call(Method::GET, &format!("{path}/fhir"), None, None)
        .await;
    assert_eq!(
        fhir.headers()["content-type"].to_str().unwrap(),
        "application/fhir+json"
    );
    let fhir: Value = fhir.json().await.unwrap();
    assert_eq!(fhir["resourceType"], "Questionnaire");
    assert_eq!(fhir["version"], "2");
    assert_eq!(fhir["item"][0]["linkId"], "pain");
    assert_eq!(fhir["item"][0]["type"], "integer");
    assert_eq!(
        fhir["item"][1]["answerOption"][0]["valueCoding"]["code"],
        "good"
    );
    assert_eq!(fhir["item"][2]["repeats"], true);
    assert_eq!(fhir["item"][4]["enableWhen"][0]["answerBoolean"], true);
    let bundle = lab
        .app
        .ok_json(
            Method::GET,
            "/api/v1/members/me/responses/fhir",
            Some(&member),
            None,
        )
        .await;
    assert_eq!(bundle["resourceType"], "Bundle");
    let response = &bundle["entry"][0]["resource"];
    assert_eq!(response["resourceType"], "QuestionnaireResponse");
    assert_eq!(
        response["questionnaire"],
        format!("urn:uuid:{questionnaire}|1")
    );
    assert_eq!(response["item"][0]["answer"][0]["valueInteger"], 5);
    assert_eq!(response["item"][1]["answer"][0]["valueBoolean"], false);

    // At most 20 questionnaires a study.
    for _ in 1..20 {
        let created = lab
            .app
            .call(
                Method::POST,
                &post,
                Some(&lab.researcher),
                Some(questionnaire_body()),
            )
            .await;
        assert_eq!(created.status(), StatusCode::CREATED);
    }
    let refused = lab
        .app
        .call(
            Method::POST,
            &post,
            Some(&lab.researcher),
            Some(questionnaire_body()),
        )
        .await;
    assert_problem(refused, StatusCode::CONFLICT, "too_many_questionnaires").await;
    assert_eq!(lab.app.count(count), 20);
}

#[actix_web::test]
async fn consent_is_required_asked_again_and_withdrawn_at_once() {
    let lab = Lab::new().await;
    let (study, questionnaire) = lab.study("Consentement", false).await;
    let member = lab.app.member("Eden", "patient").await;
    let answers = json!({"pain": 3, "woke": false});

    let refused = lab.answer(&member, &questionnaire, answers.clone()).await;
    assert_problem(refused, StatusCode::FORBIDDEN, "consent_required").await;
    let caregiver = lab.app.member("Aidant", "caregiver").await;
    assert_problem(
        lab.consent(&caregiver, &study, 1).await,
        StatusCode::FORBIDDEN,
        "not_eligible",
    )
    .await;
    assert_problem(
        lab.consent(&member, &study, 2).await,
        StatusCode::CONFLICT,
        "consent_text_changed",
    )
    .await;
    assert_eq!(
        lab.consent(&member, &study, 1).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_problem(
        lab.consent(&member, &study, 1).await,
        StatusCode::CONFLICT,
        "already_consented",
    )
    .await;

    // A new consent text asks again: nothing due, answers refused until then.
    lab.app
        .ok_json(
            Method::PATCH,
            &format!("/api/v1/studies/{study}"),
            Some(&lab.researcher),
            Some(
                json!({"consent_text": {"body": "Version 2 : vos réponses libres sont partagées.",
                "shares_free_text": true}}),
            ),
        )
        .await;
    let due = "/api/v1/members/me/questionnaires/due";
    assert_eq!(
        lab.app.ok_json(Method::GET, due, Some(&member), None).await["items"],
        json!([])
    );
    let refused = lab.answer(&member, &questionnaire, answers.clone()).await;
    assert_problem(refused, StatusCode::FORBIDDEN, "consent_required").await;
    assert_eq!(
        lab.consent(&member, &study, 2).await.status(),
        StatusCode::NO_CONTENT
    );
    let listed = lab.app.ok_json(Method::GET, due, Some(&member), None).await;
    assert_eq!(
        listed["items"][0]["questionnaire_id"],
        questionnaire.as_str()
    );
    assert_eq!(
        lab.answer(&member, &questionnaire, answers.clone())
            .await
            .status(),
        StatusCode::CREATED
    );

    // Withdrawal, keeping past answers pseudonymous: out of the export, off the account.
    let withdraw = |choice: &str| format!("/api/v1/studies/{study}/consent?past_answers={choice}");
    let gone = lab
        .app
        .call(
            Method::DELETE,
            &withdraw("keep_pseudonymous"),
            Some(&member),
            None,
        )
        .await;
    assert_eq!(gone.status(), StatusCode::NO_CONTENT);
    let again = lab
        .app
        .call(Method::DELETE, &withdraw("delete"), Some(&member), None)
        .await;
    assert_problem(again, StatusCode::CONFLICT, "no_consent").await;
    let refused = lab.answer(&member, &questionnaire, answers.clone()).await;
    assert_problem(refused, StatusCode::FORBIDDEN, "consent_required").await;
    let export = lab
        .app
        .ok_json(
            Method::GET,
            &format!("/api/v1/studies/{study}/export"),
            Some(&lab.researcher),
            None,
        )
        .await;
    assert_eq!(export["items"], json!([]));
    let mine = lab
        .app
        .ok_json(
            Method::GET,
            "/api/v1/members/me/responses",
            Some(&member),
            None,
        )
        .await;
    assert_eq!(mine["items"], json!([]));
    assert_eq!(lab.responses(), 1, "kept, pseudonymous");
    assert_eq!(
        lab.app.count("SELECT COUNT(*) AS n FROM responses WHERE member_id IS NULL AND excluded_at IS NOT NULL"),
        1
    );

    // The ledger: every consent and the withdrawal, with the texts; history not rewritten.
    let ledger = lab
        .app
        .ok_json(
            Method::GET,
            "/api/v1/members/me/consents",
            Some(&member),
            None,
        )
        .await;
    let items = ledger["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["text"]["version"], 2);
    assert_eq!(items[0]["text"]["shares_free_text"], true);
    assert_eq!(items[0]["past_answers"], "keep_pseudonymous");
    assert_eq!(items[0]["study_title"], "Consentement");
    assert!(items[0]["withdrawn_at"].is_string());
    assert_eq!(items[1]["text"]["version"], 1);
    assert_eq!(items[1]["text"]["body"], "J'accepte.");
    assert_eq!(items[1]["purpose"], format!("research:{study}"));

    // Withdrawal deleting past answers.
    let other = lab.app.member("Farah", "patient").await;
    assert_eq!(
        lab.consent(&other, &study, 2).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        lab.answer(&other, &questionnaire, answers).await.status(),
        StatusCode::CREATED
    );
    assert_eq!(lab.responses(), 2);
    let gone = lab
        .app
        .call(Method::DELETE, &withdraw("delete"), Some(&other), None)
        .await;
    assert_eq!(gone.status(), StatusCode::NO_CONTENT);
    assert_eq!(lab.responses(), 1);

    // A draft is nobody's business; a closed study takes no consent.
    let bad_choice = lab
        .app
        .call(Method::DELETE, &withdraw("forget"), Some(&other), None)
        .await;
    assert_eq!(bad_choice.status(), StatusCode::BAD_REQUEST);
    lab.app
        .ok_json(
            Method::PATCH,
            &format!("/api/v1/studies/{study}"),
            Some(&lab.researcher),
            Some(json!({"status": "closed"})),
        )
        .await;
    assert_problem(
        lab.consent(&other, &study, 2).await,
        StatusCode::CONFLICT,
        "study_not_open",
    )
    .await;
    let reopen = lab
        .app
        .call(
            Method::PATCH,
            &format!("/api/v1/studies/{study}"),
            Some(&lab.researcher),
            Some(json!({"status": "open"})),
        )
        .await;
    assert_problem(reopen, StatusCode::CONFLICT, "invalid_study_status").await;
}

#[actix_web::test]
async fn exports_are_pseudonymous_and_aggregates_hide_small_cells() {
    let lab = Lab::new().await;
    let (study, questionnaire) = lab.study("Fatigue", false).await;
    let (other_study, other_questionnaire) = lab.study("Sommeil", true).await;
    let mut members = Vec::new();
    // Ten participants: nine sleep well, one badly; pain 0 to 9; five woke; notes from all.
    for i in 0..10 {
        let member = lab.app.member(&format!("Participant {i}"), "patient").await;
        assert_eq!(
            lab.consent(&member, &study, 1).await.status(),
            StatusCode::NO_CONTENT
        );
        let sleep = if i == 0 { "bad" } else { "good" };
        // `null` is no answer: `nights` is skipped when `woke` is false.
        let nights = if i < 5 { json!(2) } else { Value::Null };
        let answered = lab
            .answer(
                &member,
                &questionnaire,
                json!({"pain": i, "sleep": sleep, "woke": i < 5, "nights": nights,
                    "notes": format!("Note de {i}")}),
            )
            .await;
        assert_eq!(answered.status(), StatusCode::CREATED);
        members.push(member);
    }
    // Two of them also take part in the other study.
    for member in &members[..2] {
        assert_eq!(
            lab.consent(member, &other_study, 1).await.status(),
            StatusCode::NO_CONTENT
        );
        let answered = lab
            .answer(
                member,
                &other_questionnaire,
                json!({"pain": 1, "woke": false, "notes": "Libre"}),
            )
            .await;
        assert_eq!(answered.status(), StatusCode::CREATED);
    }

    let export_path = format!("/api/v1/studies/{study}/export");
    let export = lab
        .app
        .ok_json(Method::GET, &export_path, Some(&lab.researcher), None)
        .await;
    let rows = export["items"].as_array().unwrap();
    assert_eq!(rows.len(), 10);
    let participants: BTreeSet<&str> = rows
        .iter()
        .map(|r| r["participant"].as_str().unwrap())
        .collect();
    assert_eq!(participants.len(), 10, "one pseudonym per participant");
    for row in rows {
        let id = row["participant"].as_str().unwrap();
        assert!(id.starts_with("p_") && id.len() == 34, "{id}");
        assert!(
            row["answered_on"].as_str().unwrap().len() == 10,
            "the day, not the time"
        );
        // The consent text does not share free text.
        assert!(row["answers"].get("notes").is_none(), "{row}");
        assert!(row["answers"].get("pain").is_some());
    }
    let csv = lab
        .app
        .call(
            Method::GET,
            &format!("{export_path}?format=csv"),
            Some(&lab.researcher),
            None,
        )
        .await;
    assert!(
        csv.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = csv.text().await.unwrap();
    assert!(csv.starts_with(
        "participant,questionnaire_id,questionnaire_version,consent_version,answered_on,"
    ));
    assert_eq!(csv.lines().count(), 11);
    assert!(!csv.contains("notes") && !csv.contains("Note de"));

    // No identity anywhere: e-mails, pseudonyms, member ids.
    let other_export = lab
        .app
        .ok_json(
            Method::GET,
            &format!("/api/v1/studies/{other_study}/export"),
            Some(&lab.researcher),
            None,
        )
        .await;
    let json_text = export.to_string();
    let other_text = other_export.to_string();
    for (i, member) in members.iter().enumerate() {
        let pseudonym = format!("Participant {i}");
        for text in [&json_text, &csv, &other_text] {
            assert!(!text.contains(&member.email), "an e-mail leaked");
            assert!(!text.contains(&pseudonym), "a pseudonym leaked");
            assert!(!text.contains(&member.id.to_string()), "a member id leaked");
        }
    }
    // Free text shared where the consent text says so; pseudonyms unlinkable across studies.
    let other_rows = other_export["items"].as_array().unwrap();
    assert_eq!(other_rows.len(), 2);
    assert_eq!(other_rows[0]["answers"]["notes"], "Libre");
    for row in other_rows {
        assert!(!participants.contains(row["participant"].as_str().unwrap()));
    }
    // Stable within a study: a second questionnaire, the same pseudonym.
    let second = lab
        .app
        .ok_json(
            Method::POST,
            &format!("/api/v1/studies/{study}/questionnaires"),
            Some(&lab.researcher),
            Some(questionnaire_body()),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        lab.answer(&members[3], &second, json!({"pain": 2, "woke": false}))
            .await
            .status(),
        StatusCode::CREATED
    );
    let export = lab
        .app
        .ok_json(Method::GET, &export_path, Some(&lab.researcher), None)
        .await;
    let rows = export["items"].as_array().unwrap();
    let first = rows
        .iter()
        .find(|r| r["questionnaire_id"] == questionnaire.as_str() && r["answers"]["pain"] == 3)
        .unwrap();
    let later = rows
        .iter()
        .find(|r| r["questionnaire_id"] == second.as_str())
        .unwrap();
    assert_eq!(first["participant"], later["participant"]);

    // Aggregates, k = 5: "bad" (1) is hidden, the zero "unanswered" too, and "good" (9), which
    // would give it back.
    let aggregates = lab
        .app
        .ok_json(
            Method::GET,
            &format!("/api/v1/studies/{study}/aggregates"),
            Some(&lab.researcher),
            None,
        )
        .await;
    assert_eq!(aggregates["k"], 5);
    let first_q = aggregates["questionnaires"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["questionnaire_id"] == questionnaire.as_str())
        .unwrap();
    assert_eq!(first_q["participants"], 10);
    let item = |id: &str| {
        first_q["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["link_id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(
        item("sleep")["cells"],
        json!([{"code": "good", "count": null}, {"code": "bad", "count": null}])
    );
    assert!(item("sleep")["unanswered"].is_null());
    // Ten answers: statistics (from 2k).
    let pain = item("pain");
    assert_eq!(pain["answered"], 10);
    assert_eq!(pain["statistics"]["count"], 10);
    assert_eq!(pain["statistics"]["median"], 4.5);
    // woke: 5 yes, 5 no: both shown. nights: 5 answered, 5 skipped: counts, no statistics.
    assert_eq!(
        item("woke")["cells"],
        json!([{"code": "true", "count": 5}, {"code": "false", "count": 5}])
    );
    assert_eq!(
        (
            item("nights")["answered"].clone(),
            item("nights")["unanswered"].clone()
        ),
        (json!(5), json!(5))
    );
    assert!(item("nights")["statistics"].is_null());
    // Free text: counted, never shown.
    assert_eq!(item("notes")["answered"], 10);
    assert!(item("notes")["cells"].is_null());
    // The second questionnaire: one participant, nothing shown.
    let second_q = aggregates["questionnaires"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["questionnaire_id"] == second.as_str())
        .unwrap();
    assert!(second_q["participants"].is_null());
    assert!(
        second_q["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["statistics"].is_null() && i["answered"].is_null())
    );

    // Every access is audited: who, what, when.
    let audit = lab
        .app
        .ok_json(
            Method::GET,
            &format!("/api/v1/studies/{study}/audit"),
            Some(&lab.researcher),
            None,
        )
        .await;
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        ["aggregates", "export_json", "export_csv", "export_json"]
    );
    assert!(
        audit["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["actor_id"] == lab.researcher.id.to_string())
    );

    // Nobody else: participants, anonymous visitors, a researcher who lost the right.
    for path in [
        export_path.clone(),
        format!("/api/v1/studies/{study}/aggregates"),
        format!("/api/v1/studies/{study}/audit"),
    ] {
        let refused = lab
            .app
            .call(Method::GET, &path, Some(&members[0]), None)
            .await;
        assert_problem(refused, StatusCode::FORBIDDEN, "forbidden").await;
        let refused = lab.app.call(Method::GET, &path, None, None).await;
        assert_problem(refused, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    }
    let before = lab.app.count("SELECT COUNT(*) AS n FROM research_audit");
    lab.app
        .call(
            Method::DELETE,
            &format!("/api/v1/members/{}/researcher", lab.researcher.id),
            Some(&lab.admin),
            None,
        )
        .await;
    let refused = lab
        .app
        .call(Method::GET, &export_path, Some(&lab.researcher), None)
        .await;
    assert_problem(refused, StatusCode::FORBIDDEN, "forbidden").await;
    assert_eq!(
        lab.app.count("SELECT COUNT(*) AS n FROM research_audit"),
        before,
        "refusals read nothing"
    );
    // A platform admin may, and is audited too.
    lab.app
        .ok_json(Method::GET, &export_path, Some(&lab.admin), None)
        .await;
    assert_eq!(
        lab.app.count("SELECT COUNT(*) AS n FROM research_audit"),
        before + 1
    );
}

#[actix_web::test]
async fn only_researchers_draft_studies_and_drafts_stay_theirs() {
    let lab = Lab::new().await;
    let member = lab.app.member("Gaspard", "patient").await;
    let body = json!({"title": "Étude", "sponsor": "AP-HP", "ethics_reference": "CPP 1",
        "eligibility": {"kinds": ["patient"]}, "consent_text": {"body": "J'accepte."}});
    for who in [&member, &lab.admin] {
        let refused = lab
            .app
            .call(
                Method::POST,
                "/api/v1/studies",
                Some(who),
                Some(body.clone()),
            )
            .await;
        assert_problem(refused, StatusCode::FORBIDDEN, "not_a_researcher").await;
    }
    assert_eq!(lab.app.count("SELECT COUNT(*) AS n FROM studies"), 0);
    let mut blank = body.clone();
    blank["consent_text"]["body"] = json!("   ");
    blank["eligibility"]["kinds"] = json!([]);
    blank["eligibility"]["condition_ids"] = json!([uuid::Uuid::now_v7()]);
    let refused = lab
        .app
        .call(
            Method::POST,
            "/api/v1/studies",
            Some(&lab.researcher),
            Some(blank),
        )
        .await;
    let problem = assert_problem(
        refused,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let mut found = fields(&problem);
    found.sort();
    assert_eq!(found, ["consent_text.body", "eligibility.kinds"]);
    let mut unknown = body.clone();
    unknown["eligibility"]["condition_ids"] = json!([uuid::Uuid::now_v7()]);
    let refused = lab
        .app
        .call(
            Method::POST,
            "/api/v1/studies",
            Some(&lab.researcher),
            Some(unknown),
        )
        .await;
    let problem = assert_problem(
        refused,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), ["eligibility.condition_ids"]);
    assert_eq!(lab.app.count("SELECT COUNT(*) AS n FROM studies"), 0);
    assert_eq!(
        lab.app
            .count("SELECT COUNT(*) AS n FROM consent_texts WHERE purpose <> 'announcements'"),
        0
    );

    let created = lab
        .app
        .call(
            Method::POST,
            "/api/v1/studies",
            Some(&lab.researcher),
            Some(body),
        )
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let location = created.headers()["location"].to_str().unwrap().to_owned();
    let study: Value = created.json().await.unwrap();
    assert_eq!(
        location,
        format!("/api/v1/studies/{}", study["id"].as_str().unwrap())
    );
    assert_eq!(study["consent_text"]["version"], 1);
    assert_eq!(study["researcher_id"], lab.researcher.id.to_string());
    // The right shows on the researcher's profile, to anyone.
    let profile = lab
        .app
        .ok_json(
            Method::GET,
            &format!("/api/v1/members/{}", lab.researcher.id),
            None,
            None,
        )
        .await;
    assert_eq!(profile["researcher"], true);
    let profile = lab
        .app
        .ok_json(
            Method::GET,
            &format!("/api/v1/members/{}", member.id),
            None,
            None,
        )
        .await;
    assert_eq!(profile["researcher"], false);
    // A draft: 404 to others, listed to its researcher only.
    let hidden = lab
        .app
        .call(Method::GET, &location, Some(&member), None)
        .await;
    assert_problem(hidden, StatusCode::NOT_FOUND, "not_found").await;
    let listed = lab
        .app
        .ok_json(Method::GET, "/api/v1/studies", Some(&member), None)
        .await;
    assert_eq!(listed["items"], json!([]));
    let listed = lab
        .app
        .ok_json(Method::GET, "/api/v1/studies", Some(&lab.researcher), None)
        .await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
    // Once open, what it says and whom it is for are settled.
    lab.app
        .ok_json(
            Method::PATCH,
            &location,
            Some(&lab.researcher),
            Some(json!({"status": "open"})),
        )
        .await;
    let settled = lab
        .app
        .call(
            Method::PATCH,
            &location,
            Some(&lab.researcher),
            Some(json!({"eligibility": {"kinds": ["caregiver"]}})),
        )
        .await;
    assert_problem(settled, StatusCode::CONFLICT, "study_not_draft").await;
    let public = lab.app.ok_json(Method::GET, &location, None, None).await;
    assert_eq!(public["eligibility"]["kinds"], json!(["patient"]));
}

/// On PostgreSQL (READ COMMITTED, a connection pool), steps on one member's consent and one
/// questionnaire run concurrently; each reads what it depends on under an advisory lock, so the
/// outcomes are those of some serial order. (SQLite's single writer serialises them anyway.)
#[actix_web::test]
async fn concurrent_steps_on_one_consent_or_questionnaire_are_serialised() {
    use futures_util::future::join_all;

    let lab = Lab::new().await;
    let (study, questionnaire) = lab.study("Concurrence", false).await;
    let answer = json!({"pain": 2, "woke": false});

    // Consents sent at once: one is recorded, the others are 409.
    let member = lab.app.member("Simultanee", "patient").await;
    let consents = join_all((0..4).map(|_| lab.consent(&member, &study, 1))).await;
    let given = consents
        .iter()
        .filter(|r| r.status() == StatusCode::NO_CONTENT)
        .count();
    assert_eq!(
        given,
        1,
        "{:?}",
        consents
            .iter()
            .map(reqwest::Response::status)
            .collect::<Vec<_>>()
    );
    assert_eq!(
        lab.app.count(&format!(
            "SELECT COUNT(*) AS n FROM consents WHERE withdrawn_at IS NULL AND member_id = '{}'",
            member.id
        )),
        1
    );
    // Answers sent at once, in one window: one is stored.
    let answers =
        join_all((0..3).map(|_| lab.answer(&member, &questionnaire, answer.clone()))).await;
    let stored = answers
        .iter()
        .filter(|r| r.status() == StatusCode::CREATED)
        .count();
    assert_eq!(stored, 1);
    assert_eq!(lab.responses(), 1);

    // An answer racing a withdrawal: never exported after it.
    for round in 0..4 {
        let (study, questionnaire) = lab.study(&format!("Retrait {round}"), false).await;
        let racer = lab.app.member(&format!("Course {round}"), "patient").await;
        assert_eq!(
            lab.consent(&racer, &study, 1).await.status(),
            StatusCode::NO_CONTENT
        );
        let withdraw = format!("/api/v1/studies/{study}/consent?past_answers=keep_pseudonymous");
        let (withdrawn, _) = tokio::join!(
            lab.app.call(Method::DELETE, &withdraw, Some(&racer), None),
            lab.answer(&racer, &questionnaire, answer.clone())
        );
        assert_eq!(withdrawn.status(), StatusCode::NO_CONTENT);
        let export = lab
            .app
            .ok_json(
                Method::GET,
                &format!("/api/v1/studies/{study}/export"),
                Some(&lab.researcher),
                None,
            )
            .await;
        assert_eq!(export["items"], json!([]), "round {round}");
    }

    // A correction in place racing the first answer: the answer is on the version it was
    // checked against (a correction after it makes a new version).
    for round in 0..4 {
        let (study, questionnaire) = lab.study(&format!("Version {round}"), false).await;
        let racer = lab
            .app
            .member(&format!("Versionne {round}"), "patient")
            .await;
        assert_eq!(
            lab.consent(&racer, &study, 1).await.status(),
            StatusCode::NO_CONTENT
        );
        let mut changed = questionnaire_body();
        changed["items"][0]["max"] = json!(1);
        let path = format!("/api/v1/questionnaires/{questionnaire}");
        let (replaced, answered) = tokio::join!(
            lab.app
                .call(Method::PUT, &path, Some(&lab.researcher), Some(changed)),
            lab.answer(&racer, &questionnaire, json!({"pain": 7, "woke": false}))
        );
        assert_eq!(replaced.status(), StatusCode::OK);
        let current = lab.app.ok_json(Method::GET, &path, None, None).await;
        if answered.status() == StatusCode::CREATED {
            // Answered first (pain 7 fits 0–10): the correction made version 2.
            assert_eq!(current["version"], 2, "round {round}");
        } else {
            // Corrected first: 7 no longer fits 0–1.
            assert_eq!(answered.status(), StatusCode::UNPROCESSABLE_ENTITY);
            assert_eq!(current["version"], 1);
        }
    }
}
