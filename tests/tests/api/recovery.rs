//! Account recovery and verification (issue 14): verification links, password reset, e-mail
//! change — through a real SMTP server when `ENTRAIDE_TEST_SMTP_PYTHON` is set (`.ci/run`), else
//! through the outbox; and the outbox path on its own. No answer may tell whether an address is
//! registered.

use entraide_api::configuration::{Environment, Settings};
use entraide_api::startup::Application;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::mailbox::{Mail, Mailbox, spawn_app_with_mailbox};
use crate::support::{JWT_SECRET, PASSWORD, TestApp, assert_problem, fields, spawn_app};

const VERIFY: &str = "/verify-email";
const RESET: &str = "/reset-password";
const NEW_PASSWORD: &str = "un ciel de traîne sur Brest";

async fn me(app: &TestApp, bearer: &str) -> Value {
    let response = app.get("/api/v1/members/me", Some(bearer)).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

async fn bearer_of(app: &TestApp, email: &str, password: &str) -> (String, String) {
    let response = app.login(email, password).await;
    assert_eq!(response.status(), StatusCode::OK, "login of {email}");
    let tokens: Value = response.json().await.unwrap();
    (
        format!("Bearer {}", tokens["access_token"].as_str().unwrap()),
        tokens["refresh_token"].as_str().unwrap().to_owned(),
    )
}

async fn verify(app: &TestApp, token: &str) -> reqwest::Response {
    app.post_json("/api/v1/auth/verify-email", &json!({"token": token}))
        .await
}

async fn answer(response: reqwest::Response, status: StatusCode) -> (String, Value) {
    assert_eq!(response.status(), status, "{}", response.url());
    let bytes = response.text().await.unwrap();
    let value = serde_json::from_str(&bytes).unwrap_or(Value::Null);
    (bytes, value)
}

async fn reset(app: &TestApp, email: &str) -> (String, Value) {
    answer(
        app.post_json("/api/v1/auth/password-reset", &json!({"email": email}))
            .await,
        StatusCode::ACCEPTED,
    )
    .await
}

async fn confirm(app: &TestApp, token: String, password: &str) -> reqwest::Response {
    app.post_json(
        "/api/v1/auth/password-reset/confirm",
        &json!({"token": token, "new_password": password}),
    )
    .await
}

/// Runs a statement on the test's database (to age a token).
fn execute(app: &TestApp, sql: &str) {
    use diesel::RunQueryDsl;
    let db = app.database();
    let mut conn = db.writer().unwrap();
    diesel::sql_query(sql).execute(&mut **conn).unwrap();
}

fn tokens_of(app: &TestApp, email: &str) -> i64 {
    app.count(&format!(
        "SELECT COUNT(*) AS n FROM account_tokens t JOIN members m ON m.id = t.member_id \
         WHERE m.email = '{email}'"
    ))
}

/// Waits for `to`'s `n`-th mail and checks its subject starts as expected.
async fn expect_mail(app: &TestApp, mailbox: &Mailbox, to: &str, n: usize, subject: &str) -> Mail {
    let mail = mailbox.nth(app, to, n).await;
    assert!(
        mail.subject.starts_with(subject),
        "mail {n} to {to}: {:?}",
        mail.subject
    );
    assert!(
        mail.body.contains("Bonjour") && mail.body.contains("Hello"),
        "French and English: {:?}",
        mail.body
    );
    mail
}

#[actix_web::test]
async fn verification_reset_and_email_change_by_mail() {
    let (app, mailbox) = spawn_app_with_mailbox(|settings| {
        settings.public_url = Some("https://entraide.example.org".to_owned());
    })
    .await;

    // --- Registration mails a verification link; logging in does not wait for it.
    let camille = "camille@example.org";
    let (new_bytes, new_body) = answer(
        app.register(camille, "Camille", "caregiver").await,
        StatusCode::ACCEPTED,
    )
    .await;
    assert_eq!(new_body, json!({"status": "verification_sent"}));
    let mail = expect_mail(&app, &mailbox, camille, 1, "Confirmez votre adresse").await;
    assert!(
        mail.body
            .contains("https://entraide.example.org/verify-email?token="),
        "the link is built from the public URL: {}",
        mail.body
    );
    let token = mail.token(VERIFY);
    assert_eq!(token.len(), 43, "32 random bytes");
    let (bearer, _) = bearer_of(&app, camille, PASSWORD).await;
    assert_eq!(me(&app, &bearer).await["email_verified"], false);
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) AS n FROM account_tokens WHERE token_hash = '{token}'"
        )),
        0,
        "only the hash of a token is stored"
    );
    let verified = verify(&app, &token).await;
    assert_eq!(verified.status(), StatusCode::NO_CONTENT);
    assert_eq!(me(&app, &bearer).await["email_verified"], true);
    // A link works once.
    assert_problem(
        verify(&app, &token).await,
        StatusCode::BAD_REQUEST,
        "expired_or_used_token",
    )
    .await;
    // A verified address gets no new link.
    let resend = app
        .call(Method::POST, "/api/v1/auth/verify-email/resend", None, None)
        .await;
    assert_problem(resend, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    let resend = app
        .client
        .post(app.url("/api/v1/auth/verify-email/resend"))
        .header("Authorization", &bearer)
        .send()
        .await
        .unwrap();
    assert_eq!(resend.status(), StatusCode::NO_CONTENT);

    // --- An expired link is refused; resending waits a minute, then mails a new link.
    let late = "late@example.org";
    answer(
        app.register(late, "En retard", "patient").await,
        StatusCode::ACCEPTED,
    )
    .await;
    let expired = expect_mail(&app, &mailbox, late, 1, "Confirmez")
        .await
        .token(VERIFY);
    execute(
        &app,
        &format!(
            "UPDATE account_tokens SET expires_at = created_at WHERE member_id = \
         (SELECT id FROM members WHERE email = '{late}')"
        ),
    );
    assert_problem(
        verify(&app, &expired).await,
        StatusCode::BAD_REQUEST,
        "expired_or_used_token",
    )
    .await;
    let (late_bearer, _) = bearer_of(&app, late, PASSWORD).await;
    let resend = || async {
        app.client
            .post(app.url("/api/v1/auth/verify-email/resend"))
            .header("Authorization", &late_bearer)
            .send()
            .await
            .unwrap()
            .status()
    };
    assert_eq!(resend().await, StatusCode::NO_CONTENT);
    execute(
        &app,
        &format!(
            "UPDATE account_tokens SET created_at = '2020-01-01 00:00:00' WHERE member_id = \
         (SELECT id FROM members WHERE email = '{late}')"
        ),
    );
    assert_eq!(resend().await, StatusCode::NO_CONTENT);
    let fresh = expect_mail(&app, &mailbox, late, 2, "Confirmez")
        .await
        .token(VERIFY);
    assert_ne!(fresh, expired);
    assert_eq!(
        mailbox.mails_to(&app, late).len(),
        2,
        "the resend within the cooldown mailed nothing"
    );
    assert_eq!(verify(&app, &fresh).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(me(&app, &late_bearer).await["email_verified"], true);

    // --- A taken address answers like a new one, stores nothing, and its owner is told.
    let members_before = app.member_count();
    let tokens_before = tokens_of(&app, camille);
    let (taken_bytes, _) = answer(
        app.register("  CAMILLE@example.org ", "Quelqu une", "patient")
            .await,
        StatusCode::ACCEPTED,
    )
    .await;
    assert_eq!(taken_bytes, new_bytes, "the same body, byte for byte");
    assert_eq!(app.member_count(), members_before, "nothing stored");
    assert_eq!(tokens_of(&app, camille), tokens_before, "no token issued");
    let notice = expect_mail(&app, &mailbox, camille, 2, "Tentative d'inscription").await;
    assert!(!notice.has_link(), "the notice carries no token");
    assert!(
        notice
            .body
            .contains("https://entraide.example.org/reset-password")
    );
    // A taken pseudonym is a 409 whether the address is free or taken.
    for email in [camille, "someone.else@example.org"] {
        let response = app.register(email, "camille", "patient").await;
        let problem = assert_problem(response, StatusCode::CONFLICT, "pseudonym_taken").await;
        assert_eq!(fields(&problem), ["pseudonym"]);
    }

    // --- Password reset: an unknown address is answered the same and mailed nothing.
    let (unknown_bytes, unknown_body) = reset(&app, "nobody@example.org").await;
    assert_eq!(unknown_body, json!({"status": "reset_requested"}));
    let (old_bearer, old_refresh) = bearer_of(&app, camille, PASSWORD).await;
    let (known_bytes, _) = reset(&app, camille).await;
    assert_eq!(known_bytes, unknown_bytes);
    let reset_mail = expect_mail(&app, &mailbox, camille, 3, "Réinitialisation").await;
    let reset_token = reset_mail.token(RESET);
    assert!(
        reset_mail
            .body
            .contains("https://entraide.example.org/reset-password?token=")
    );
    // Asking again within the minute mails nothing new (the link stays the same).
    reset(&app, camille).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(mailbox.mails_to(&app, "nobody@example.org").is_empty());
    assert_eq!(mailbox.mails_to(&app, camille).len(), 3);

    // The same strength rules as registration; a refused password uses nothing up.
    let weak = confirm(&app, reset_token.clone(), "password1234").await;
    let problem = assert_problem(weak, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(fields(&problem), ["new_password"]);
    let built_from_address = confirm(&app, reset_token.clone(), "camille camille camille").await;
    assert_problem(
        built_from_address,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_problem(
        confirm(&app, "not-a-token".to_owned(), NEW_PASSWORD).await,
        StatusCode::BAD_REQUEST,
        "expired_or_used_token",
    )
    .await;
    assert_eq!(
        confirm(&app, reset_token.clone(), NEW_PASSWORD)
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    // Every session is logged out, the old password refused, the new one works.
    assert_problem(
        app.get("/api/v1/members/me", Some(&old_bearer)).await,
        StatusCode::UNAUTHORIZED,
        "invalid_token",
    )
    .await;
    assert_problem(
        app.get("/api/v1/members/me", Some(&bearer)).await,
        StatusCode::UNAUTHORIZED,
        "invalid_token",
    )
    .await;
    assert_problem(
        app.post_json(
            "/api/v1/auth/refresh",
            &json!({"refresh_token": old_refresh}),
        )
        .await,
        StatusCode::UNAUTHORIZED,
        "invalid_refresh_token",
    )
    .await;
    assert_problem(
        app.login(camille, PASSWORD).await,
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    )
    .await;
    let (bearer, _) = bearer_of(&app, camille, NEW_PASSWORD).await;
    assert_problem(
        confirm(&app, reset_token, "encore un autre mot de passe solide").await,
        StatusCode::BAD_REQUEST,
        "expired_or_used_token",
    )
    .await;

    // --- E-mail change: re-authenticated, verified at the new address before it applies.
    let new_address = "camille.l@example.net";
    let change = |body: Value| {
        let bearer = bearer.clone();
        let app = &app;
        async move {
            app.client
                .put(app.url("/api/v1/members/me/email"))
                .header("Authorization", bearer)
                .json(&body)
                .send()
                .await
                .unwrap()
        }
    };
    let wrong = change(json!({"new_email": new_address, "password": PASSWORD})).await;
    let problem =
        assert_problem(wrong, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(fields(&problem), ["password"]);
    let same = change(json!({"new_email": "Camille@Example.org", "password": NEW_PASSWORD})).await;
    let problem = assert_problem(same, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(fields(&problem), ["new_email"]);
    let (change_bytes, change_body) = answer(
        change(json!({"new_email": new_address, "password": NEW_PASSWORD})).await,
        StatusCode::ACCEPTED,
    )
    .await;
    assert_eq!(change_body, json!({"status": "verification_sent"}));
    expect_mail(&app, &mailbox, camille, 4, "Changement d'adresse").await;
    let link = expect_mail(&app, &mailbox, new_address, 1, "Confirmez votre nouvelle").await;
    // Nothing changes until the link is used.
    assert_eq!(me(&app, &bearer).await["email"], camille);
    bearer_of(&app, camille, NEW_PASSWORD).await;
    assert_problem(
        app.login(new_address, NEW_PASSWORD).await,
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    )
    .await;
    assert_eq!(
        verify(&app, &link.token(VERIFY)).await.status(),
        StatusCode::NO_CONTENT
    );
    let profile = me(&app, &bearer).await;
    assert_eq!(profile["email"], new_address);
    assert_eq!(profile["email_verified"], true);
    bearer_of(&app, new_address, NEW_PASSWORD).await;
    assert_problem(
        app.login(camille, NEW_PASSWORD).await,
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    )
    .await;

    // Moving to a taken address: the same answer, no link to it, a notice to its owner.
    let (taken_change, _) = answer(
        change(json!({"new_email": late, "password": NEW_PASSWORD})).await,
        StatusCode::ACCEPTED,
    )
    .await;
    assert_eq!(taken_change, change_bytes);
    let notice = expect_mail(&app, &mailbox, late, 3, "Votre adresse a été proposée").await;
    assert!(!notice.has_link());
    expect_mail(&app, &mailbox, new_address, 2, "Changement d'adresse").await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(mailbox.mails_to(&app, late).len(), 3);
    assert_eq!(me(&app, &bearer).await["email"], new_address);
}

#[actix_web::test]
async fn without_smtp_mail_is_kept_in_the_outbox() {
    let app = spawn_app().await;
    let email = "outbox@example.org";
    answer(
        app.register(email, "Boite", "patient").await,
        StatusCode::ACCEPTED,
    )
    .await;
    let mail = Mailbox::Outbox.nth(&app, email, 1).await;
    assert!(mail.subject.starts_with("Confirmez votre adresse"));
    let bearer = bearer_of(&app, email, PASSWORD).await.0;
    assert_eq!(
        verify(&app, &mail.token(VERIFY)).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(me(&app, &bearer).await["email_verified"], true);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM outbox_emails"),
        1,
        "one mail, kept"
    );
}

#[actix_web::test]
async fn production_refuses_to_start_without_smtp_unless_the_outbox_is_asked_for() {
    let database = entraide_persistence::testing::TestDatabase::new();
    let mut settings = Settings::with_database(database.url(), JWT_SECRET);
    settings.env = Environment::Production;
    let error = Application::build(settings.clone())
        .err()
        .expect("no silent outbox in production")
        .to_string();
    assert!(error.contains("ENTRAIDE_SMTP_URL"), "{error}");
    settings.mailer = Some(entraide_api::configuration::MailerKind::Outbox);
    assert!(Application::build(settings).is_ok());
}

#[actix_web::test]
async fn two_concurrent_uses_of_a_link_let_one_through() {
    let app = spawn_app().await;
    let email = "twice@example.org";
    answer(
        app.register(email, "Deux fois", "patient").await,
        StatusCode::ACCEPTED,
    )
    .await;
    let token = app.outbox_token(email, VERIFY).await;
    let (first, second) = tokio::join!(verify(&app, &token), verify(&app, &token));
    let mut statuses = [first.status(), second.status()];
    statuses.sort();
    assert_eq!(
        statuses,
        [StatusCode::NO_CONTENT, StatusCode::BAD_REQUEST],
        "exactly one use succeeds"
    );
}

#[actix_web::test]
async fn reset_and_resend_are_rate_limited_per_ip() {
    let app = crate::support::spawn_app_with(|s| s.auth_rate_limit = 2).await;
    for _ in 0..2 {
        let response = app
            .post_json(
                "/api/v1/auth/password-reset",
                &json!({"email": "someone@example.org"}),
            )
            .await;
        assert_eq!(response.status(), StatusCode::ACCEPTED);
    }
    let limited = app
        .post_json(
            "/api/v1/auth/password-reset",
            &json!({"email": "someone@example.org"}),
        )
        .await;
    assert_problem(limited, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
}
