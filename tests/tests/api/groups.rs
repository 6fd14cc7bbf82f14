//! Groups and spaces: membership, moderation, and who may read what.

use entraide_openapi::groups::{Group, GroupMember, JoinResult};
use entraide_openapi::pagination::Page;
use reqwest::{Method, Response, StatusCode};
use serde_json::json;

use crate::support::{Member, TestApp, assert_problem, fields, spawn_app};

async fn join(app: &TestApp, group: &Group, who: &Member) -> Response {
    app.call(
        Method::POST,
        &format!("/api/v1/groups/{}/join", group.id),
        Some(who),
        None,
    )
    .await
}

async fn join_status(app: &TestApp, group: &Group, who: &Member) -> String {
    let response = join(app, group, who).await;
    assert_eq!(response.status(), StatusCode::OK);
    let result: JoinResult = response.json().await.unwrap();
    serde_json::to_value(result.status)
        .unwrap()
        .as_str()
        .unwrap()
        .to_owned()
}

async fn members(app: &TestApp, group: &Group, who: Option<&Member>) -> Response {
    app.call(
        Method::GET,
        &format!("/api/v1/groups/{}/members", group.id),
        who,
        None,
    )
    .await
}

async fn member_ids(app: &TestApp, group: &Group, who: &Member) -> Vec<uuid::Uuid> {
    let response = members(app, group, Some(who)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let page: Page<GroupMember> = response.json().await.unwrap();
    page.items.into_iter().map(|m| m.member.id).collect()
}

async fn get_group(app: &TestApp, group: &Group, who: Option<&Member>) -> Group {
    let response = app
        .call(
            Method::GET,
            &format!("/api/v1/groups/{}", group.id),
            who,
            None,
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

#[actix_web::test]
async fn public_groups_are_open_to_join_and_read() {
    let app = spawn_app().await;
    let owner = app.member("Owner", "patient").await;
    let reader = app.member("Reader", "caregiver").await;
    let group = app
        .create_group(&owner, "Fatigue chronique", "public", "everyone")
        .await;
    assert_eq!(group.member_count, 1);
    assert_eq!(
        serde_json::to_value(group.membership.unwrap().role).unwrap(),
        "owner"
    );

    let anonymous = get_group(&app, &group, None).await;
    assert_eq!(anonymous.can_read, Some(true));
    assert!(anonymous.membership.is_none());
    // Its posts are public; who belongs to it is not.
    assert_problem(
        members(&app, &group, None).await,
        StatusCode::FORBIDDEN,
        "not_a_member",
    )
    .await;

    assert_eq!(join_status(&app, &group, &reader).await, "active");
    assert_eq!(
        join_status(&app, &group, &reader).await,
        "active",
        "joining twice changes nothing"
    );
    assert_eq!(get_group(&app, &group, None).await.member_count, 2);
    assert_eq!(
        member_ids(&app, &group, &owner).await,
        vec![owner.id, reader.id]
    );
    assert_eq!(
        member_ids(&app, &group, &reader).await,
        vec![reader.id],
        "members are listed to other members only if they choose to be"
    );

    let leave = app
        .call(
            Method::POST,
            &format!("/api/v1/groups/{}/leave", group.id),
            Some(&reader),
            None,
        )
        .await;
    assert_eq!(leave.status(), StatusCode::NO_CONTENT);
    assert_eq!(get_group(&app, &group, None).await.member_count, 1);
}

#[actix_web::test]
async fn private_groups_are_read_by_members_only_and_joined_on_approval() {
    let app = spawn_app().await;
    let owner = app.member("Owner", "patient").await;
    let asker = app.member("Asker", "patient").await;
    let refused = app.member("Refused", "patient").await;
    let group = app
        .create_group(&owner, "Groupe privé SEP", "private", "everyone")
        .await;

    // The directory lists it; its content stays closed.
    let listed: Page<Group> = app
        .get("/api/v1/groups?q=priv", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed.items.len(), 1);
    assert_eq!(
        get_group(&app, &group, Some(&asker)).await.can_read,
        Some(false)
    );
    assert_problem(
        members(&app, &group, None).await,
        StatusCode::FORBIDDEN,
        "not_readable",
    )
    .await;
    assert_problem(
        members(&app, &group, Some(&asker)).await,
        StatusCode::FORBIDDEN,
        "not_readable",
    )
    .await;

    assert_eq!(join_status(&app, &group, &asker).await, "pending");
    assert_eq!(join_status(&app, &group, &refused).await, "pending");
    assert_problem(
        members(&app, &group, Some(&asker)).await,
        StatusCode::FORBIDDEN,
        "not_readable",
    )
    .await;
    assert_eq!(
        get_group(&app, &group, None).await.member_count,
        1,
        "pending members do not count"
    );

    // Only moderators see and decide requests.
    let queue_path = format!("/api/v1/groups/{}/join-requests", group.id);
    let denied = app.call(Method::GET, &queue_path, Some(&asker), None).await;
    assert_problem(denied, StatusCode::FORBIDDEN, "forbidden").await;
    let queue: Page<GroupMember> = app
        .call(Method::GET, &queue_path, Some(&owner), None)
        .await
        .json()
        .await
        .unwrap();
    let queued: Vec<_> = queue.items.iter().map(|m| m.member.id).collect();
    assert_eq!(queued, vec![asker.id, refused.id]);
    let self_approve = app
        .call(
            Method::POST,
            &format!("{queue_path}/{}/approve", asker.id),
            Some(&asker),
            None,
        )
        .await;
    assert_problem(self_approve, StatusCode::FORBIDDEN, "forbidden").await;

    let approve = app
        .call(
            Method::POST,
            &format!("{queue_path}/{}/approve", asker.id),
            Some(&owner),
            None,
        )
        .await;
    assert_eq!(approve.status(), StatusCode::NO_CONTENT);
    let refuse = app
        .call(
            Method::POST,
            &format!("{queue_path}/{}/refuse", refused.id),
            Some(&owner),
            None,
        )
        .await;
    assert_eq!(refuse.status(), StatusCode::NO_CONTENT);
    let again = app
        .call(
            Method::POST,
            &format!("{queue_path}/{}/refuse", refused.id),
            Some(&owner),
            None,
        )
        .await;
    assert_problem(again, StatusCode::NOT_FOUND, "not_found").await;

    assert_eq!(
        member_ids(&app, &group, &owner).await,
        vec![owner.id, asker.id]
    );
    assert_problem(
        members(&app, &group, Some(&refused)).await,
        StatusCode::FORBIDDEN,
        "not_readable",
    )
    .await;
    let me = get_group(&app, &group, Some(&asker)).await;
    assert_eq!(me.can_read, Some(true));
    assert_eq!(me.member_count, 2);
}

/// The reported defect: anonymous visitors read who belongs to a public group (pseudonym and
/// kind: belonging to a disease group is health data).
#[actix_web::test]
async fn member_lists_are_for_members_and_each_member_chooses_to_appear() {
    let app = spawn_app().await;
    let owner = app.member("Animatrice", "patient").await;
    let discreet = app.member("Discret", "patient").await;
    let open = app.member("Ouverte", "patient").await;
    let visitor = app.member("Visiteur", "patient").await;
    let group = app
        .create_group(&owner, "Vivre avec la SEP", "public", "everyone")
        .await;
    for who in [&discreet, &open] {
        assert_eq!(join_status(&app, &group, who).await, "active");
    }
    // Visitors and logged-in non-members read the posts, not the members.
    assert_problem(
        members(&app, &group, None).await,
        StatusCode::FORBIDDEN,
        "not_a_member",
    )
    .await;
    assert_problem(
        members(&app, &group, Some(&visitor)).await,
        StatusCode::FORBIDDEN,
        "not_a_member",
    )
    .await;
    let settings = app
        .ok_json(
            Method::PATCH,
            "/api/v1/members/me/settings",
            Some(&open),
            Some(json!({"listed_in_member_lists": true})),
        )
        .await;
    assert_eq!(settings["listed_in_member_lists"], true);
    let defaults = app
        .ok_json(
            Method::GET,
            "/api/v1/members/me/settings",
            Some(&discreet),
            None,
        )
        .await;
    assert_eq!(
        defaults["listed_in_member_lists"], false,
        "hidden by default"
    );

    // Members see who chose to be listed, and themselves.
    assert_eq!(
        member_ids(&app, &group, &discreet).await,
        vec![discreet.id, open.id]
    );
    assert_eq!(member_ids(&app, &group, &open).await, vec![open.id]);
    // The owner moderates: everyone.
    assert_eq!(
        member_ids(&app, &group, &owner).await,
        vec![owner.id, discreet.id, open.id]
    );
    // The count stays public: it names nobody.
    assert_eq!(get_group(&app, &group, None).await.member_count, 3);
}

#[actix_web::test]
async fn spaces_are_reserved_to_their_kind_even_after_a_kind_change() {
    let app = spawn_app().await;
    let patient = app.member("Patiente", "patient").await;
    let caregiver = app.member("Aidant", "caregiver").await;
    let space = app
        .create_group(&patient, "Espace patients", "public", "patients")
        .await;

    assert_problem(
        join(&app, &space, &caregiver).await,
        StatusCode::FORBIDDEN,
        "audience_restricted",
    )
    .await;
    assert_problem(
        members(&app, &space, Some(&caregiver)).await,
        StatusCode::FORBIDDEN,
        "not_readable",
    )
    .await;
    assert_problem(
        members(&app, &space, None).await,
        StatusCode::FORBIDDEN,
        "not_readable",
    )
    .await;
    assert_eq!(
        get_group(&app, &space, Some(&caregiver)).await.can_read,
        Some(false)
    );

    let other_patient = app.member("Patient Deux", "patient").await;
    assert_eq!(join_status(&app, &space, &other_patient).await, "active");
    assert_eq!(
        members(&app, &space, Some(&other_patient)).await.status(),
        StatusCode::OK
    );

    // Becoming a caregiver ends access to the patients' space once it takes effect (here, at
    // a moderator's approval), membership or not.
    let change = app
        .call(
            Method::PATCH,
            "/api/v1/members/me",
            Some(&other_patient),
            Some(json!({"kind": "caregiver"})),
        )
        .await;
    assert_eq!(change.status(), StatusCode::OK);
    let admin = app.member("Moderatrice", "professional").await;
    app.make_admin(&admin);
    app.ok_json(
        Method::POST,
        &format!("/api/v1/members/{}/kind-change/approve", other_patient.id),
        Some(&admin),
        None,
    )
    .await;
    assert_problem(
        members(&app, &space, Some(&other_patient)).await,
        StatusCode::FORBIDDEN,
        "not_readable",
    )
    .await;
    assert_eq!(
        get_group(&app, &space, Some(&other_patient)).await.can_read,
        Some(false)
    );

    // Nobody creates a space they could not enter: a rule about who asks, so 403.
    let response = app
        .call(
            Method::POST,
            "/api/v1/groups",
            Some(&caregiver),
            Some(json!({"name": "Pour patients", "visibility": "public", "audience": "patients"})),
        )
        .await;
    assert_problem(response, StatusCode::FORBIDDEN, "audience_restricted").await;
    // The fields are read first: an invalid name is still a 422 on the name.
    let response = app
        .call(
            Method::POST,
            "/api/v1/groups",
            Some(&caregiver),
            Some(json!({"name": "P", "visibility": "public", "audience": "patients"})),
        )
        .await;
    let problem = assert_problem(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), ["name"]);
    let listed = app.get("/api/v1/groups?q=Pour%20patients", None).await;
    let listed: serde_json::Value = listed.json().await.unwrap();
    assert_eq!(listed["items"], json!([]), "nothing was created");
}

#[actix_web::test]
async fn banned_and_removed_members_lose_access_at_once() {
    let app = spawn_app().await;
    let owner = app.member("Owner", "patient").await;
    let moderator = app.member("Modo", "patient").await;
    let banned = app.member("Banned", "patient").await;
    let removed = app.member("Removed", "patient").await;
    let group = app
        .create_group(&owner, "Cercle privé", "private", "everyone")
        .await;
    let invite = |who: &Member| json!({"member_id": who.id});
    let invitations = format!("/api/v1/groups/{}/invitations", group.id);
    for who in [&moderator, &banned, &removed] {
        let response = app
            .call(Method::POST, &invitations, Some(&owner), Some(invite(who)))
            .await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
        assert_problem(
            members(&app, &group, Some(who)).await,
            StatusCode::FORBIDDEN,
            "not_readable",
        )
        .await;
        assert_eq!(
            join_status(&app, &group, who).await,
            "active",
            "an invitation opens the door"
        );
    }
    let again = app
        .call(
            Method::POST,
            &invitations,
            Some(&owner),
            Some(invite(&banned)),
        )
        .await;
    assert_problem(again, StatusCode::CONFLICT, "already_member").await;
    let promote = app
        .call(
            Method::PUT,
            &format!("/api/v1/groups/{}/members/{}/role", group.id, moderator.id),
            Some(&owner),
            Some(json!({"role": "moderator"})),
        )
        .await;
    assert_eq!(promote.status(), StatusCode::NO_CONTENT);

    let bans = format!("/api/v1/groups/{}/bans", group.id);
    let ban_owner = app
        .call(Method::POST, &bans, Some(&moderator), Some(invite(&owner)))
        .await;
    assert_problem(ban_owner, StatusCode::FORBIDDEN, "forbidden").await;
    let by_member = app
        .call(Method::POST, &bans, Some(&removed), Some(invite(&banned)))
        .await;
    assert_problem(by_member, StatusCode::FORBIDDEN, "forbidden").await;
    let ban = app
        .call(Method::POST, &bans, Some(&moderator), Some(invite(&banned)))
        .await;
    assert_eq!(ban.status(), StatusCode::NO_CONTENT);
    assert_problem(
        members(&app, &group, Some(&banned)).await,
        StatusCode::FORBIDDEN,
        "not_readable",
    )
    .await;
    assert_problem(
        join(&app, &group, &banned).await,
        StatusCode::FORBIDDEN,
        "banned",
    )
    .await;
    let leave = app
        .call(
            Method::POST,
            &format!("/api/v1/groups/{}/leave", group.id),
            Some(&banned),
            None,
        )
        .await;
    assert_problem(leave, StatusCode::NOT_FOUND, "not_found").await;

    let remove = app
        .call(
            Method::DELETE,
            &format!("/api/v1/groups/{}/members/{}", group.id, removed.id),
            Some(&moderator),
            None,
        )
        .await;
    assert_eq!(remove.status(), StatusCode::NO_CONTENT);
    assert_problem(
        members(&app, &group, Some(&removed)).await,
        StatusCode::FORBIDDEN,
        "not_readable",
    )
    .await;
    assert_eq!(
        member_ids(&app, &group, &owner).await,
        vec![owner.id, moderator.id]
    );
    assert_eq!(get_group(&app, &group, None).await.member_count, 2);

    let unban = app
        .call(
            Method::DELETE,
            &format!("{bans}/{}", banned.id),
            Some(&owner),
            None,
        )
        .await;
    assert_eq!(unban.status(), StatusCode::NO_CONTENT);
    assert_eq!(join_status(&app, &group, &banned).await, "pending");
}

#[actix_web::test]
async fn the_last_owner_hands_over_before_leaving() {
    let app = spawn_app().await;
    let owner = app.member("Owner", "patient").await;
    let heir = app.member("Heir", "patient").await;
    let group = app
        .create_group(&owner, "Transmission", "public", "everyone")
        .await;
    join_status(&app, &group, &heir).await;
    let leave_path = format!("/api/v1/groups/{}/leave", group.id);
    let leave = app
        .call(Method::POST, &leave_path, Some(&owner), None)
        .await;
    assert_problem(leave, StatusCode::CONFLICT, "last_owner").await;
    let step_down = app
        .call(
            Method::PUT,
            &format!("/api/v1/groups/{}/members/{}/role", group.id, owner.id),
            Some(&owner),
            Some(json!({"role": "member"})),
        )
        .await;
    assert_problem(step_down, StatusCode::CONFLICT, "last_owner").await;
    let not_owner = app
        .call(
            Method::PUT,
            &format!("/api/v1/groups/{}/members/{}/role", group.id, owner.id),
            Some(&heir),
            Some(json!({"role": "member"})),
        )
        .await;
    assert_problem(not_owner, StatusCode::FORBIDDEN, "forbidden").await;

    let hand_over = app
        .call(
            Method::PUT,
            &format!("/api/v1/groups/{}/members/{}/role", group.id, heir.id),
            Some(&owner),
            Some(json!({"role": "owner"})),
        )
        .await;
    assert_eq!(hand_over.status(), StatusCode::NO_CONTENT);
    let leave = app
        .call(Method::POST, &leave_path, Some(&owner), None)
        .await;
    assert_eq!(leave.status(), StatusCode::NO_CONTENT);
    let group = get_group(&app, &group, Some(&heir)).await;
    assert_eq!(
        serde_json::to_value(group.membership.unwrap().role).unwrap(),
        "owner"
    );
    assert_eq!(group.member_count, 1);
}

#[actix_web::test]
async fn group_updates_follow_roles() {
    let app = spawn_app().await;
    let owner = app.member("Owner", "patient").await;
    let moderator = app.member("Modo", "patient").await;
    let member = app.member("Member", "patient").await;
    let group = app
        .create_group(&owner, "Avant", "public", "everyone")
        .await;
    join_status(&app, &group, &moderator).await;
    join_status(&app, &group, &member).await;
    app.call(
        Method::PUT,
        &format!("/api/v1/groups/{}/members/{}/role", group.id, moderator.id),
        Some(&owner),
        Some(json!({"role": "moderator"})),
    )
    .await;
    let path = format!("/api/v1/groups/{}", group.id);

    let refused = app
        .call(
            Method::PATCH,
            &path,
            Some(&member),
            Some(json!({"name": "Piraté"})),
        )
        .await;
    assert_problem(refused, StatusCode::FORBIDDEN, "forbidden").await;
    let audience = app
        .call(
            Method::PATCH,
            &path,
            Some(&moderator),
            Some(json!({"audience": "patients"})),
        )
        .await;
    assert_problem(audience, StatusCode::FORBIDDEN, "forbidden").await;
    // Who reads the group is the owner's decision, visibility as well as audience.
    let opened = app
        .call(
            Method::PATCH,
            &path,
            Some(&moderator),
            Some(json!({"visibility": "private"})),
        )
        .await;
    assert_problem(opened, StatusCode::FORBIDDEN, "forbidden").await;
    let renamed = app
        .call(
            Method::PATCH,
            &path,
            Some(&moderator),
            Some(json!({"name": "Après"})),
        )
        .await;
    assert_eq!(renamed.status(), StatusCode::OK);
    let group: Group = renamed.json().await.unwrap();
    assert_eq!(group.name, "Après");
    // Nothing posted yet: the owner may still set its reach either way.
    for (visibility, audience) in [("private", "patients"), ("public", "everyone")] {
        let changed = app
            .call(
                Method::PATCH,
                &path,
                Some(&owner),
                Some(json!({"visibility": visibility, "audience": audience})),
            )
            .await;
        assert_eq!(changed.status(), StatusCode::OK);
    }
    // Once something was written, the reach only narrows: what was posted in a private or a
    // reserved space is never shown to people it was not written for.
    app.ok_json(
        Method::PATCH,
        &path,
        Some(&owner),
        Some(json!({"visibility": "private", "audience": "patients"})),
    )
    .await;
    app.ok_json(
        Method::POST,
        &format!("{path}/posts"),
        Some(&member),
        Some(json!({"body": "Entre nous : mon diagnostic est tombé hier."})),
    )
    .await;
    for widening in [
        json!({"visibility": "public"}),
        json!({"audience": "everyone"}),
        json!({"visibility": "public", "audience": "everyone"}),
    ] {
        let refused = app
            .call(Method::PATCH, &path, Some(&owner), Some(widening))
            .await;
        assert_problem(refused, StatusCode::CONFLICT, "would_expose_history").await;
    }
    let group = get_group(&app, &group, Some(&owner)).await;
    assert_eq!(serde_json::to_value(group.visibility).unwrap(), "private");
    assert_eq!(serde_json::to_value(group.audience).unwrap(), "patients");
    let outsider = app.member("Passante", "patient").await;
    let hidden = app
        .call(Method::GET, &format!("{path}/posts"), Some(&outsider), None)
        .await;
    assert_eq!(hidden.status(), StatusCode::FORBIDDEN);
}

#[actix_web::test]
async fn bad_group_requests_store_nothing() {
    let app = spawn_app().await;
    let owner = app.member("Owner", "patient").await;
    app.create_group(&owner, "Existant", "public", "everyone")
        .await;
    let cases = [
        (json!({"name": "ab", "visibility": "public"}), vec!["name"]),
        (
            json!({"name": "x".repeat(81), "visibility": "public"}),
            vec!["name"],
        ),
        (
            json!({"name": "Valide", "description": "x".repeat(4001), "visibility": "public"}),
            vec!["description"],
        ),
        (
            json!({"name": "Valide", "visibility": "public", "condition_id": uuid::Uuid::now_v7()}),
            vec!["condition_id"],
        ),
        (
            json!({"name": "Valide", "visibility": "secret"}),
            vec!["visibility"],
        ),
        (json!({"name": "Valide"}), vec!["visibility"]),
        (
            json!({"name": "Valide", "visibility": "public", "owner": "me"}),
            vec!["owner"],
        ),
    ];
    for (body, expected) in cases {
        let response = app
            .call(
                Method::POST,
                "/api/v1/groups",
                Some(&owner),
                Some(body.clone()),
            )
            .await;
        let problem = assert_problem(
            response,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(fields(&problem), expected, "{body}");
    }
    let duplicate = app
        .call(
            Method::POST,
            "/api/v1/groups",
            Some(&owner),
            Some(json!({"name": "EXISTANT", "visibility": "public"})),
        )
        .await;
    assert_problem(duplicate, StatusCode::CONFLICT, "name_taken").await;
    let anonymous = app
        .call(
            Method::POST,
            "/api/v1/groups",
            None,
            Some(json!({"name": "Anonyme", "visibility": "public"})),
        )
        .await;
    assert_problem(anonymous, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    let all: Page<Group> = app.get("/api/v1/groups", None).await.json().await.unwrap();
    assert_eq!(all.items.len(), 1, "nothing else was stored");

    let unknown = app
        .call(
            Method::POST,
            &format!("/api/v1/groups/{}/join", uuid::Uuid::now_v7()),
            Some(&owner),
            None,
        )
        .await;
    assert_problem(unknown, StatusCode::NOT_FOUND, "not_found").await;
    let malformed = app.get("/api/v1/groups/not-a-uuid", None).await;
    assert_problem(malformed, StatusCode::BAD_REQUEST, "invalid_path").await;
    let mine = app.get("/api/v1/groups?mine=true", None).await;
    assert_problem(mine, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    let bad_audience = app.get("/api/v1/groups?audience=aliens", None).await;
    assert_problem(bad_audience, StatusCode::BAD_REQUEST, "invalid_query").await;
}

#[actix_web::test]
async fn the_directory_filters_and_pages() {
    let app = spawn_app().await;
    let owner = app.member("Owner", "caregiver").await;
    let other = app.member("Other", "caregiver").await;
    for name in ["Alpha aidants", "Beta aidants", "Gamma", "Delta aidants"] {
        app.create_group(&owner, name, "public", "caregivers").await;
    }
    let everyone = app
        .create_group(&other, "Epsilon", "public", "everyone")
        .await;
    let first: Page<Group> = app
        .get("/api/v1/groups?limit=2", None)
        .await
        .json()
        .await
        .unwrap();
    let names: Vec<_> = first.items.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(names, ["Alpha aidants", "Beta aidants"]);
    let next: Page<Group> = app
        .get(
            &format!(
                "/api/v1/groups?limit=2&cursor={}",
                first.next_cursor.unwrap()
            ),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    let names: Vec<_> = next.items.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(names, ["Delta aidants", "Epsilon"]);
    let filtered: Page<Group> = app
        .get("/api/v1/groups?q=AIDANTS&audience=caregivers", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(filtered.items.len(), 3);
    let mine: Page<Group> = app
        .get("/api/v1/groups?mine=true", Some(&other.bearer()))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        mine.items.iter().map(|g| g.id).collect::<Vec<_>>(),
        vec![everyone.id]
    );
}
