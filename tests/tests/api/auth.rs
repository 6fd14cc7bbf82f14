//! Registration, login, refresh rotation and reuse detection, logout, password change, limits.

use entraide_openapi::auth::TokenResponse;
use entraide_openapi::members::MyProfile;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{PASSWORD, TestApp, assert_problem, fields, spawn_app, spawn_app_with};

#[actix_web::test]
async fn register_creates_a_member_with_a_normalised_email() {
    let app = spawn_app().await;
    let response = app
        .register("  Camille.L@Example.ORG ", "Camille L", "caregiver")
        .await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    assert!(response.headers().get("location").is_none());
    let body: Value = response.json().await.unwrap();
    assert_eq!(body, json!({"status": "verification_sent"}));
    assert_eq!(app.member_count(), 1);
    // The normalised address logs in, whatever its case, before it is verified.
    let login = app.login("CAMILLE.L@example.org", PASSWORD).await;
    assert_eq!(login.status(), StatusCode::OK);
    let tokens: TokenResponse = login.json().await.unwrap();
    let profile: MyProfile = app
        .get(
            "/api/v1/members/me",
            Some(&format!("Bearer {}", tokens.access_token)),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(profile.email, "camille.l@example.org");
    assert!(!profile.email_verified);
    assert_eq!(profile.pseudonym, "Camille L");
    assert_eq!(profile.id.get_version_num(), 7, "ids are UUID v7");
    assert_eq!(
        serde_json::to_value(profile.kind).unwrap(),
        json!("caregiver")
    );
    assert_eq!(serde_json::to_value(profile.role).unwrap(), json!("member"));
    // Health data is private by default.
    assert_eq!(
        serde_json::to_value(&profile.visibility).unwrap()["conditions"],
        "private"
    );
}

#[actix_web::test]
async fn register_answers_a_taken_email_like_a_new_one_and_refuses_a_taken_pseudonym() {
    let app = spawn_app().await;
    app.member("Marie", "patient").await;
    // A taken address is not revealed: the same answer as a new one, nothing stored (the
    // owner is mailed instead: tests/tests/api/recovery.rs).
    let response = app.register("MARIE@example.org", "Other", "patient").await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body, json!({"status": "verification_sent"}));
    // Pseudonyms are public: a taken one is still a 409.
    let response = app.register("other@example.org", "mArIe", "patient").await;
    let problem = assert_problem(response, StatusCode::CONFLICT, "pseudonym_taken").await;
    assert_eq!(fields(&problem), ["pseudonym"]);
    assert_eq!(app.member_count(), 1, "nothing stored");
}

#[actix_web::test]
async fn pseudonyms_are_normalised_single_script_and_unique_by_look() {
    let app = spawn_app().await;
    let paul = app.member("Paul", "patient").await;
    app.member("Pepe", "patient").await;
    // Look-alikes of a taken pseudonym: a capital i for the l, a whole Cyrillic "Рере".
    for (i, lookalike) in ["PauI", "Pau1", "\u{420}\u{435}\u{440}\u{435}"]
        .iter()
        .enumerate()
    {
        let response = app
            .register(&format!("look{i}@example.org"), lookalike, "patient")
            .await;
        let problem = assert_problem(response, StatusCode::CONFLICT, "pseudonym_taken").await;
        assert_eq!(fields(&problem), ["pseudonym"], "{lookalike}");
    }
    // Mixed scripts: a Cyrillic а or a Greek Ρ among Latin letters.
    for (i, mixed) in ["P\u{430}ula", "\u{3A1}aula"].iter().enumerate() {
        let response = app
            .register(&format!("mixed{i}@example.org"), mixed, "patient")
            .await;
        let problem = assert_problem(
            response,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        let errors = problem.errors.unwrap();
        assert_eq!(errors[0].field, "pseudonym");
        assert_eq!(errors[0].code, "mixed_scripts", "{mixed}");
    }
    assert_eq!(app.member_count(), 2, "nothing stored");
    // NFKC: full-width letters are stored as the ordinary ones.
    let response = app
        .register(
            "wide@example.org",
            "\u{FF2D}\u{FF41}\u{FF52}\u{FF49}\u{FF45}",
            "patient",
        )
        .await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let login: TokenResponse = app
        .login("wide@example.org", PASSWORD)
        .await
        .json()
        .await
        .unwrap();
    let profile: Value = app
        .get(
            "/api/v1/members/me",
            Some(&format!("Bearer {}", login.access_token)),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(profile["pseudonym"], "Marie");
    // Renaming follows the same rules.
    let response = app
        .call(
            Method::PATCH,
            "/api/v1/members/me",
            Some(&paul),
            Some(json!({"pseudonym": "\u{420}\u{415}\u{420}\u{415}"})),
        )
        .await;
    assert_problem(response, StatusCode::CONFLICT, "pseudonym_taken").await;
}

#[actix_web::test]
async fn register_reports_every_invalid_field_and_stores_nothing() {
    let app = spawn_app().await;
    let cases = [
        (
            json!({"email": "nope", "password": "short", "pseudonym": "x", "kind": "patient"}),
            vec!["email", "pseudonym", "password"],
        ),
        (
            json!({"email": "a@example.org", "password": "password1234", "pseudonym": "Anna", "kind": "patient"}),
            vec!["password"],
        ),
        (
            json!({"email": "a@example.org", "password": PASSWORD, "pseudonym": "<b>Anna</b>", "kind": "patient"}),
            vec!["pseudonym"],
        ),
        (
            json!({"email": "a@example.org", "password": PASSWORD, "pseudonym": "x".repeat(33), "kind": "patient"}),
            vec!["pseudonym"],
        ),
        (
            json!({"email": format!("{}@example.org", "a".repeat(250)), "password": PASSWORD, "pseudonym": "Anna", "kind": "patient"}),
            vec!["email"],
        ),
    ];
    for (body, expected) in cases {
        let response = app.post_json("/api/v1/auth/register", &body).await;
        let problem = assert_problem(
            response,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(fields(&problem), expected, "{body}");
    }
    // Shape errors name the field at fault: unknown enum value, wrong type, missing or
    // unknown field.
    let shape = [
        (
            json!({"email": "a@example.org", "password": PASSWORD, "pseudonym": "Anna", "kind": "doctor"}),
            "kind",
            "invalid_value",
        ),
        (
            json!({"email": 42, "password": PASSWORD, "pseudonym": "Anna", "kind": "patient"}),
            "email",
            "invalid_value",
        ),
        (
            json!({"email": "a@example.org", "password": PASSWORD, "kind": "patient"}),
            "pseudonym",
            "required",
        ),
        (
            json!({"email": "a@example.org", "password": PASSWORD, "pseudonym": "Anna", "kind": "patient", "role": "admin"}),
            "role",
            "unknown_field",
        ),
        (json!("not an object"), "body", "invalid_value"),
    ];
    for (body, field, code) in shape {
        let response = app.post_json("/api/v1/auth/register", &body).await;
        let problem = assert_problem(
            response,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        let error = &problem.errors.unwrap()[0];
        assert_eq!(
            (error.field.as_str(), error.code.as_str()),
            (field, code),
            "{body}"
        );
    }
    assert_eq!(app.member_count(), 0);
}

#[actix_web::test]
async fn login_answers_the_same_for_unknown_email_and_wrong_password() {
    let app = spawn_app().await;
    let member = app.member("Lucas", "professional").await;
    assert_eq!(member.tokens.token_type, "Bearer");
    assert_eq!(member.tokens.expires_in, 900);
    let me = app.get("/api/v1/members/me", Some(&member.bearer())).await;
    assert_eq!(me.status(), StatusCode::OK);

    let wrong = app.login(&member.email, "not the right password").await;
    let wrong = assert_problem(wrong, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    let unknown = app.login("nobody@example.org", PASSWORD).await;
    let unknown = assert_problem(unknown, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    assert_eq!(wrong.title, unknown.title);
    assert_eq!(wrong.detail, unknown.detail);
}

#[actix_web::test]
async fn refresh_rotates_and_a_reused_token_revokes_the_session() {
    let app = spawn_app().await;
    let member = app.member("Nina", "patient").await;
    let first = member.tokens.refresh_token.clone();

    let response = app
        .post_json("/api/v1/auth/refresh", &json!({"refresh_token": first}))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let second: TokenResponse = response.json().await.unwrap();
    assert_ne!(second.refresh_token, first, "rotated");
    let bearer = format!("Bearer {}", second.access_token);
    assert_eq!(
        app.get("/api/v1/members/me", Some(&bearer)).await.status(),
        StatusCode::OK
    );

    // Replaying the first token: refused, and the whole session ends.
    let replay = app
        .post_json("/api/v1/auth/refresh", &json!({"refresh_token": first}))
        .await;
    assert_problem(replay, StatusCode::UNAUTHORIZED, "invalid_refresh_token").await;
    let after = app
        .post_json(
            "/api/v1/auth/refresh",
            &json!({"refresh_token": second.refresh_token}),
        )
        .await;
    assert_problem(after, StatusCode::UNAUTHORIZED, "invalid_refresh_token").await;
    let me = app.get("/api/v1/members/me", Some(&bearer)).await;
    assert_problem(me, StatusCode::UNAUTHORIZED, "invalid_token").await;

    // Unknown and malformed tokens.
    for token in ["", "nope", &"x".repeat(300)] {
        let response = app
            .post_json("/api/v1/auth/refresh", &json!({"refresh_token": token}))
            .await;
        assert_problem(response, StatusCode::UNAUTHORIZED, "invalid_refresh_token").await;
    }
}

#[actix_web::test]
async fn logout_revokes_access_and_refresh_tokens() {
    let app = spawn_app().await;
    let member = app.member("Hugo", "caregiver").await;
    let response = app
        .client
        .post(app.url("/api/v1/auth/logout"))
        .header("Authorization", member.bearer())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let me = app.get("/api/v1/members/me", Some(&member.bearer())).await;
    assert_problem(me, StatusCode::UNAUTHORIZED, "invalid_token").await;
    let refresh = app
        .post_json(
            "/api/v1/auth/refresh",
            &json!({"refresh_token": member.tokens.refresh_token}),
        )
        .await;
    assert_problem(refresh, StatusCode::UNAUTHORIZED, "invalid_refresh_token").await;
    let anonymous = app
        .client
        .post(app.url("/api/v1/auth/logout"))
        .send()
        .await
        .unwrap();
    assert_problem(anonymous, StatusCode::UNAUTHORIZED, "unauthenticated").await;
}

#[actix_web::test]
async fn members_list_their_sessions_and_revoke_one_at_a_time() {
    let app = spawn_app().await;
    let here = app.member("Rose", "patient").await;
    let other = app.member("Rosalie", "patient").await;
    // A second session, from a phone: its User-Agent is kept cleaned (control characters out).
    let phone: TokenResponse = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .header("User-Agent", "Firefox/133.0   (Android\t15)")
        .json(&json!({"email": here.email, "password": PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let phone_bearer = format!("Bearer {}", phone.access_token);
    let page = app
        .ok_json(
            Method::GET,
            "/api/v1/members/me/sessions",
            Some(&here),
            None,
        )
        .await;
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{page}");
    assert_eq!(
        items[0]["device"],
        json!("Firefox/133.0 (Android 15)"),
        "newest first"
    );
    assert_eq!(items[0]["current"], json!(false));
    assert_eq!(items[1]["current"], json!(true));
    let phone_id = items[0]["id"].as_str().unwrap().to_owned();
    let here_id = items[1]["id"].as_str().unwrap().to_owned();
    // Pages of one.
    let first = app
        .ok_json(
            Method::GET,
            "/api/v1/members/me/sessions?limit=1",
            Some(&here),
            None,
        )
        .await;
    assert_eq!(first["items"][0]["id"], json!(phone_id));
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = app
        .ok_json(
            Method::GET,
            &format!("/api/v1/members/me/sessions?limit=1&cursor={cursor}"),
            Some(&here),
            None,
        )
        .await;
    assert_eq!(second["items"][0]["id"], json!(here_id));
    assert_eq!(second["next_cursor"], Value::Null);

    // Another member cannot revoke it, nor learn that it exists.
    let theirs = app
        .call(
            Method::DELETE,
            &format!("/api/v1/members/me/sessions/{phone_id}"),
            Some(&other),
            None,
        )
        .await;
    assert_problem(theirs, StatusCode::NOT_FOUND, "not_found").await;
    assert_eq!(
        app.get("/api/v1/members/me", Some(&phone_bearer))
            .await
            .status(),
        StatusCode::OK
    );
    // The owner revokes it: refused on its very next request, its refresh token too.
    let revoke = app
        .call(
            Method::DELETE,
            &format!("/api/v1/members/me/sessions/{phone_id}"),
            Some(&here),
            None,
        )
        .await;
    assert_eq!(revoke.status(), StatusCode::NO_CONTENT);
    let me = app.get("/api/v1/members/me", Some(&phone_bearer)).await;
    assert_problem(me, StatusCode::UNAUTHORIZED, "invalid_token").await;
    let refresh = app
        .post_json(
            "/api/v1/auth/refresh",
            &json!({"refresh_token": phone.refresh_token}),
        )
        .await;
    assert_problem(refresh, StatusCode::UNAUTHORIZED, "invalid_refresh_token").await;
    // Idempotent; the list no longer shows it; this session is untouched.
    let again = app
        .call(
            Method::DELETE,
            &format!("/api/v1/members/me/sessions/{phone_id}"),
            Some(&here),
            None,
        )
        .await;
    assert_eq!(again.status(), StatusCode::NO_CONTENT);
    let page = app
        .ok_json(
            Method::GET,
            "/api/v1/members/me/sessions",
            Some(&here),
            None,
        )
        .await;
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    assert_eq!(page["items"][0]["id"], json!(here_id));
    // A malformed id is a 400, not a 404.
    let bad = app
        .call(
            Method::DELETE,
            "/api/v1/members/me/sessions/not-a-uuid",
            Some(&here),
            None,
        )
        .await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    // Revoking the current session is a logout.
    let logout = app
        .call(
            Method::DELETE,
            &format!("/api/v1/members/me/sessions/{here_id}"),
            Some(&here),
            None,
        )
        .await;
    assert_eq!(logout.status(), StatusCode::NO_CONTENT);
    let me = app.get("/api/v1/members/me", Some(&here.bearer())).await;
    assert_problem(me, StatusCode::UNAUTHORIZED, "invalid_token").await;
}

#[actix_web::test]
async fn changing_the_password_logs_out_other_sessions_only() {
    let app = spawn_app().await;
    let here = app.member("Ines", "patient").await;
    let elsewhere: TokenResponse = app.login(&here.email, PASSWORD).await.json().await.unwrap();
    let new_password = "quatre chaises bleues au jardin";
    let calendar = app
        .ok_json(
            Method::POST,
            "/api/v1/members/me/calendar-token",
            Some(&here),
            None,
        )
        .await;
    let https_url = calendar["https_url"].as_str().unwrap();
    let feed_path = https_url[https_url.find("/api/v1/calendar/").unwrap()..].to_owned();
    assert_eq!(
        app.get(&feed_path, None).await.status(),
        StatusCode::OK,
        "the feed works before"
    );
    let change = |current: &str, new: &str| {
        app.client
            .put(app.url("/api/v1/members/me/password"))
            .header("Authorization", here.bearer())
            .json(&json!({"current_password": current, "new_password": new}))
            .send()
    };

    let wrong = change("wrong password!", new_password).await.unwrap();
    let problem =
        assert_problem(wrong, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(fields(&problem), ["current_password"]);
    let weak = change(PASSWORD, "ines12345678").await.unwrap();
    let problem = assert_problem(weak, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(fields(&problem), ["new_password"]);

    let ok = change(PASSWORD, new_password).await.unwrap();
    assert_eq!(ok.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        app.get("/api/v1/members/me", Some(&here.bearer()))
            .await
            .status(),
        StatusCode::OK,
        "this session stays"
    );
    let other = format!("Bearer {}", elsewhere.access_token);
    let me = app.get("/api/v1/members/me", Some(&other)).await;
    assert_problem(me, StatusCode::UNAUTHORIZED, "invalid_token").await;
    // The calendar feed URL is a credential too: it stops working.
    let feed = app.get(&feed_path, None).await;
    assert_problem(feed, StatusCode::NOT_FOUND, "not_found").await;
    let refresh = app
        .post_json(
            "/api/v1/auth/refresh",
            &json!({"refresh_token": elsewhere.refresh_token}),
        )
        .await;
    assert_problem(refresh, StatusCode::UNAUTHORIZED, "invalid_refresh_token").await;
    let old = app.login(&here.email, PASSWORD).await;
    assert_problem(old, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    assert_eq!(
        app.login(&here.email, new_password).await.status(),
        StatusCode::OK
    );
}

#[actix_web::test]
async fn auth_endpoints_are_rate_limited_per_ip() {
    let app = spawn_app_with(|s| s.auth_rate_limit = 3).await;
    for _ in 0..3 {
        let response = app.login("someone@example.org", "whatever-it-is").await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    let limited = app.login("someone@example.org", "whatever-it-is").await;
    let retry_after: u64 = limited.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry_after));
    assert_problem(limited, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    // Registration shares the budget, and stores nothing when limited.
    let register = app.register("new@example.org", "Newcomer", "patient").await;
    assert_problem(register, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    assert_eq!(app.member_count(), 0);
}

#[actix_web::test]
async fn repeated_failed_logins_slow_that_client_down() {
    let app = spawn_app().await;
    let member = app.member("Paul", "patient").await;
    for _ in 0..5 {
        let response = app.login(&member.email, "wrong password here").await;
        assert_problem(response, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    }
    // Even the right password waits now, from this client.
    let locked = app.login(&member.email, PASSWORD).await;
    let retry_after: i64 = locked.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=30).contains(&retry_after), "{retry_after}");
    assert_problem(locked, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    // Other accounts are not affected.
    let other = app.member("Zoe", "patient").await;
    assert_eq!(
        app.login(&other.email, PASSWORD).await.status(),
        StatusCode::OK
    );
}

/// A login as seen behind a proxy that reports the client `ip`.
async fn login_from(app: &TestApp, ip: &str, email: &str, password: &str) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/auth/login"))
        .header("X-Forwarded-For", ip)
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap()
}

#[actix_web::test]
async fn parallel_wrong_passwords_are_counted_before_they_are_checked() {
    let app = spawn_app().await;
    let member = app.member("Cible", "patient").await;
    let guesses: Vec<String> = (0..40).map(|i| format!("wrong password {i}")).collect();
    let attempts = guesses.iter().map(|guess| app.login(&member.email, guess));
    let statuses: Vec<StatusCode> = futures_util::future::join_all(attempts)
        .await
        .iter()
        .map(|r| r.status())
        .collect();
    let checked = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED)
        .count();
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!(checked + refused, 40, "{statuses:?}");
    assert!(checked <= 5, "{checked} passwords checked: {statuses:?}");
    // And the right password waits too, from this client.
    let locked = app.login(&member.email, PASSWORD).await;
    assert_problem(locked, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
}

#[actix_web::test]
async fn an_attackers_failures_do_not_lock_the_owner_out() {
    let app = spawn_app_with(|s| s.trust_forwarded_for = true).await;
    let member = app.member("Proprio", "patient").await;
    let attacker = "203.0.113.66";
    for _ in 0..5 {
        let response = login_from(&app, attacker, &member.email, "guess guess guess").await;
        assert_problem(response, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    }
    let guess = login_from(&app, attacker, &member.email, "another guess!").await;
    assert_problem(guess, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    // The owner, from home, logs in while the attacker waits.
    let owner = login_from(&app, "198.51.100.7", &member.email, PASSWORD).await;
    assert_eq!(owner.status(), StatusCode::OK);
    let tokens: TokenResponse = owner.json().await.unwrap();
    let me = app
        .get(
            "/api/v1/members/me",
            Some(&format!("Bearer {}", tokens.access_token)),
        )
        .await;
    assert_eq!(me.status(), StatusCode::OK);
    // The owner's success does not lift the attacker's wait, even with the right password.
    let still = login_from(&app, attacker, &member.email, PASSWORD).await;
    assert_problem(still, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
}

#[actix_web::test]
async fn known_and_unknown_emails_answer_alike_under_attack() {
    let app = spawn_app_with(|s| s.trust_forwarded_for = true).await;
    let member = app.member("Existe", "patient").await;
    let attacker = "203.0.113.77";
    let mut answers = Vec::new();
    for email in [member.email.as_str(), "personne@example.org"] {
        let mut seen = Vec::new();
        for _ in 0..7 {
            let response = login_from(&app, attacker, email, "guess guess guess").await;
            let status = response.status();
            let retry_after = response
                .headers()
                .get("retry-after")
                .map(|v| v.to_str().unwrap().parse::<u64>().unwrap());
            let problem: entraide_openapi::problem::Problem = response.json().await.unwrap();
            seen.push((
                status,
                problem.code,
                problem.title,
                problem.detail,
                retry_after.map(|s| s > 20),
            ));
        }
        answers.push(seen);
    }
    assert_eq!(answers[0], answers[1]);
    let statuses: Vec<StatusCode> = answers[0].iter().map(|a| a.0).collect();
    assert_eq!(
        statuses,
        [
            [StatusCode::UNAUTHORIZED; 5].as_slice(),
            &[StatusCode::TOO_MANY_REQUESTS; 2]
        ]
        .concat()
    );
}

#[actix_web::test]
async fn behind_a_proxy_the_client_cannot_choose_its_ip_in_x_forwarded_for() {
    let app = spawn_app_with(|s| {
        s.auth_rate_limit = 3;
        s.trust_forwarded_for = true;
    })
    .await;
    // The client writes what it likes first; the proxy appends the address it saw.
    let attempt = |spoofed: usize| {
        app.client
            .post(app.url("/api/v1/auth/login"))
            .header(
                "X-Forwarded-For",
                format!("198.51.100.{spoofed}, 203.0.113.5"),
            )
            .json(&json!({"email": "someone@example.org", "password": "whatever-it-is"}))
            .send()
    };
    for spoofed in 0..3 {
        let response = attempt(spoofed).await.unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    let limited = attempt(3).await.unwrap();
    assert_problem(limited, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    // Another client behind the same proxy has its own budget.
    let other = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .header("X-Forwarded-For", "203.0.113.6")
        .json(&json!({"email": "someone@example.org", "password": "whatever-it-is"}))
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), StatusCode::UNAUTHORIZED);
}
