//! The events calendar: visibility inherited from the place, the waiting list, recurrence
//! across a DST change, iCalendar output read back with an independent parser (`ical`).

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::associations::verified_association;
use crate::support::{Member, TestApp, assert_problem, fields, spawn_app, spawn_app_with};

async fn create_event(app: &TestApp, who: &Member, body: Value) -> Value {
    let response = app
        .call(Method::POST, "/api/v1/events", Some(who), Some(body))
        .await;
    let status = response.status();
    let text = response.text().await.unwrap();
    assert_eq!(status, StatusCode::CREATED, "{text}");
    serde_json::from_str(&text).unwrap()
}

fn event(title: &str, extra: Value) -> Value {
    let mut body = json!({"title": title, "starts_at": "2027-03-10T18:00:00+01:00",
        "ends_at": "2027-03-10T20:00:00+01:00", "time_zone": "Europe/Paris"});
    for (key, value) in extra.as_object().unwrap() {
        body[key] = value.clone();
    }
    body
}

fn id(value: &Value) -> &str {
    value["id"].as_str().unwrap()
}

async fn titles(app: &TestApp, query: &str, who: Option<&Member>) -> Vec<String> {
    let path = format!("/api/v1/events?from=2027-01-01T00:00:00Z&to=2027-12-31T00:00:00Z{query}");
    titles_at(app, &path, who).await
}

/// The titles of a calendar page, in order.
async fn titles_at(app: &TestApp, path: &str, who: Option<&Member>) -> Vec<String> {
    let page = app.ok_json(Method::GET, path, who, None).await;
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["event"]["title"].as_str().unwrap().to_owned())
        .collect()
}

async fn rsvp(app: &TestApp, event: &Value, who: &Member, status: &str) -> reqwest::Response {
    app.call(
        Method::PUT,
        &format!("/api/v1/events/{}/rsvp", id(event)),
        Some(who),
        Some(json!({"status": status})),
    )
    .await
}

async fn rsvp_status(app: &TestApp, event: &Value, who: &Member, status: &str) -> Value {
    let response = rsvp(app, event, who, status).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

#[actix_web::test]
async fn event_visibility_follows_its_place() {
    let app = spawn_app().await;
    let owner = app.member("Animatrice", "patient").await;
    let outsider = app.member("Curieux", "patient").await;
    let caregiver = app.member("Aidante", "caregiver").await;
    let private = app
        .create_group(&owner, "Cercle privé SEP", "private", "everyone")
        .await;
    let patients = app
        .create_group(&owner, "Entre patients", "public", "patients")
        .await;
    let public = app
        .create_group(&owner, "Groupe ouvert", "public", "everyone")
        .await;
    let group_id = |g: &entraide_openapi::groups::Group| g.id.to_string();

    let secret = create_event(
        &app,
        &owner,
        event("Réunion privée", json!({"group_id": group_id(&private)})),
    )
    .await;
    let reserved = create_event(
        &app,
        &owner,
        event("Café patients", json!({"group_id": group_id(&patients)})),
    )
    .await;
    let open = create_event(
        &app,
        &owner,
        event("Conférence ouverte", json!({"group_id": group_id(&public)})),
    )
    .await;
    let personal = create_event(&app, &outsider, event("Marche solidaire", json!({}))).await;
    assert_eq!(secret["group"]["name"], "Cercle privé SEP");
    assert_eq!(secret["can_manage"], true);

    let mut all = titles(&app, "", Some(&owner)).await;
    all.sort();
    assert_eq!(
        all,
        [
            "Café patients",
            "Conférence ouverte",
            "Marche solidaire",
            "Réunion privée"
        ]
    );
    let mut seen = titles(&app, "", Some(&outsider)).await;
    seen.sort();
    assert_eq!(
        seen,
        ["Café patients", "Conférence ouverte", "Marche solidaire"]
    );
    let mut seen = titles(&app, "", Some(&caregiver)).await;
    seen.sort();
    assert_eq!(seen, ["Conférence ouverte", "Marche solidaire"]);
    let mut seen = titles(&app, "", None).await;
    seen.sort();
    assert_eq!(seen, ["Conférence ouverte", "Marche solidaire"]);
    assert!(
        titles(
            &app,
            &format!("&group_id={}", group_id(&private)),
            Some(&outsider)
        )
        .await
        .is_empty()
    );

    // By id, as iCalendar, by answering: the private event does not exist for outsiders.
    for path in [
        format!("/api/v1/events/{}", id(&secret)),
        format!("/api/v1/events/{}/ical", id(&secret)),
    ] {
        let hidden = app.call(Method::GET, &path, Some(&outsider), None).await;
        assert_problem(hidden, StatusCode::NOT_FOUND, "not_found").await;
    }
    assert_problem(
        rsvp(&app, &secret, &outsider, "going").await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let hidden = app
        .call(
            Method::GET,
            &format!("/api/v1/events/{}", id(&reserved)),
            Some(&caregiver),
            None,
        )
        .await;
    assert_problem(hidden, StatusCode::NOT_FOUND, "not_found").await;
    // Reading a public group's event is open; answering it needs membership.
    assert_problem(
        rsvp(&app, &open, &outsider, "going").await,
        StatusCode::FORBIDDEN,
        "not_a_member",
    )
    .await;
    assert_eq!(
        rsvp_status(&app, &personal, &owner, "interested").await["status"],
        "interested"
    );
    // Creating in a group needs its moderators (or members when allowed).
    app.ok_json(
        Method::POST,
        &format!("/api/v1/groups/{}/join", public.id),
        Some(&outsider),
        None,
    )
    .await;
    let refused = app
        .call(
            Method::POST,
            "/api/v1/events",
            Some(&outsider),
            Some(event("Sortie", json!({"group_id": group_id(&public)}))),
        )
        .await;
    assert_problem(refused, StatusCode::FORBIDDEN, "cannot_create_events").await;
    app.ok_json(
        Method::PATCH,
        &format!("/api/v1/groups/{}", public.id),
        Some(&owner),
        Some(json!({"members_can_create_events": true})),
    )
    .await;
    create_event(
        &app,
        &outsider,
        event("Sortie", json!({"group_id": group_id(&public)})),
    )
    .await;
    // Removal from the private group hides its events at once.
    let member = app.member("Membre", "patient").await;
    app.ok_json(
        Method::POST,
        &format!("/api/v1/groups/{}/invitations", private.id),
        Some(&owner),
        Some(json!({"member_id": member.id})),
    )
    .await;
    app.ok_json(
        Method::POST,
        &format!("/api/v1/groups/{}/join", private.id),
        Some(&member),
        None,
    )
    .await;
    assert!(
        titles(&app, "", Some(&member))
            .await
            .contains(&"Réunion privée".to_owned())
    );
    let removed = app
        .call(
            Method::DELETE,
            &format!("/api/v1/groups/{}/members/{}", private.id, member.id),
            Some(&owner),
            None,
        )
        .await;
    assert_eq!(removed.status(), StatusCode::NO_CONTENT);
    assert!(
        !titles(&app, "", Some(&member))
            .await
            .contains(&"Réunion privée".to_owned())
    );
}

#[actix_web::test]
async fn a_full_event_keeps_a_waiting_list_promoted_in_order() {
    let app = spawn_app().await;
    let organizer = app.member("Organisatrice", "caregiver").await;
    let ev = create_event(
        &app,
        &organizer,
        event("Atelier sophrologie", json!({"capacity": 2})),
    )
    .await;
    let a = app.member("Alice", "patient").await;
    let b = app.member("Bruno", "patient").await;
    let c = app.member("Chloe", "patient").await;
    let d = app.member("David", "patient").await;
    assert_eq!(rsvp_status(&app, &ev, &a, "going").await["status"], "going");
    assert_eq!(rsvp_status(&app, &ev, &b, "going").await["status"], "going");
    let waiting = rsvp_status(&app, &ev, &c, "going").await;
    assert_eq!(waiting["status"], "waitlisted");
    assert_eq!(waiting["waitlist_count"], 1);
    assert_eq!(
        rsvp_status(&app, &ev, &d, "going").await["status"],
        "waitlisted"
    );
    // Asking again keeps the rank.
    assert_eq!(
        rsvp_status(&app, &ev, &c, "going").await["status"],
        "waitlisted"
    );

    // Alice withdraws: Chloe (first on the list) takes her place, not David.
    let freed = rsvp_status(&app, &ev, &a, "not_going").await;
    assert_eq!(freed["going_count"], 2);
    assert_eq!(freed["waitlist_count"], 1);
    let event_path = format!("/api/v1/events/{}", id(&ev));
    let mine = |who| app.ok_json(Method::GET, &event_path, Some(who), None);
    assert_eq!(mine(&c).await["my_rsvp"], "going");
    assert_eq!(mine(&d).await["my_rsvp"], "waitlisted");
    assert_eq!(mine(&d).await["places_left"], 0);
    // Raising the capacity promotes the rest.
    let raised = app
        .ok_json(
            Method::PATCH,
            &format!("/api/v1/events/{}", id(&ev)),
            Some(&organizer),
            Some(json!({"capacity": 3})),
        )
        .await;
    assert_eq!(raised["going_count"], 3);
    assert_eq!(raised["waitlist_count"], 0);
    assert_eq!(mine(&d).await["my_rsvp"], "going");

    // Attendees: the organiser sees them, members only counts.
    let refused = app
        .call(
            Method::GET,
            &format!("/api/v1/events/{}/attendees", id(&ev)),
            Some(&b),
            None,
        )
        .await;
    assert_problem(refused, StatusCode::FORBIDDEN, "forbidden").await;
    let attendees = app
        .ok_json(
            Method::GET,
            &format!("/api/v1/events/{}/attendees", id(&ev)),
            Some(&organizer),
            None,
        )
        .await;
    let going: Vec<_> = attendees["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["status"].clone())
        .collect();
    assert_eq!(going, [json!("going"), json!("going"), json!("going")]);
    let bad = rsvp(&app, &ev, &a, "waitlisted").await;
    assert_problem(bad, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
}

#[actix_web::test]
async fn weekly_series_expand_across_the_dst_change_and_export_as_rrule() {
    let app = spawn_app().await;
    let organizer = app.member("Coordinateur", "professional").await;
    // Tuesdays 18:00-19:30 in Paris; summer time ends on Sunday 31 October 2027.
    let series = create_event(
        &app,
        &organizer,
        json!({"title": "Groupe de parole", "starts_at": "2027-10-19T18:00:00+02:00",
            "ends_at": "2027-10-19T19:30:00+02:00", "time_zone": "Europe/Paris",
            "recurrence": "weekly", "venue": {"address": "3 place de la Mairie", "city": "Rennes"}}),
    )
    .await;
    assert_eq!(series["starts_at"], "2027-10-19T18:00:00+02:00");
    let page = app
        .ok_json(
            Method::GET,
            "/api/v1/events?from=2027-10-20T00:00:00Z&to=2027-11-10T00:00:00Z",
            None,
            None,
        )
        .await;
    let starts: Vec<_> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["starts_at"].clone())
        .collect();
    assert_eq!(
        starts,
        [
            json!("2027-10-26T18:00:00+02:00"),
            json!("2027-11-02T18:00:00+01:00"),
            json!("2027-11-09T18:00:00+01:00")
        ]
    );
    // Paging through occurrences.
    let first = app
        .ok_json(
            Method::GET,
            "/api/v1/events?from=2027-10-20T00:00:00Z&to=2027-11-10T00:00:00Z&limit=2",
            None,
            None,
        )
        .await;
    assert_eq!(first["items"].as_array().unwrap().len(), 2);
    let cursor = first["next_cursor"].as_str().unwrap();
    let rest = app
        .ok_json(Method::GET, &format!("/api/v1/events?from=2027-10-20T00:00:00Z&to=2027-11-10T00:00:00Z&limit=2&cursor={cursor}"), None, None)
        .await;
    assert_eq!(rest["items"][0]["starts_at"], "2027-11-09T18:00:00+01:00");
    assert!(rest["next_cursor"].is_null());

    // The .ics, read back with the `ical` crate.
    let response = app
        .call(
            Method::GET,
            &format!("/api/v1/events/{}/ical", id(&series)),
            None,
            None,
        )
        .await;
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/calendar")
    );
    let text = response.text().await.unwrap();
    let vevent = parse_single_event(&text);
    assert_eq!(property(&vevent, "SUMMARY").0, "Groupe de parole");
    assert_eq!(property(&vevent, "RRULE").0, "FREQ=WEEKLY;BYDAY=TU");
    assert_eq!(
        property(&vevent, "UID").0,
        format!("{}@entraide", id(&series))
    );
    let (start, params) = property(&vevent, "DTSTART");
    assert_eq!(start, "20271019T180000");
    assert_eq!(
        params,
        [("TZID".to_owned(), vec!["Europe/Paris".to_owned()])]
    );
    assert_eq!(
        property(&vevent, "LOCATION").0,
        "3 place de la Mairie\\, Rennes"
    );
}

fn parse_single_event(text: &str) -> ical::parser::ical::component::IcalEvent {
    let mut calendars = ical::IcalParser::new(std::io::BufReader::new(text.as_bytes()));
    let calendar = calendars.next().expect("one calendar").expect("it parses");
    assert!(calendars.next().is_none());
    assert_eq!(calendar.events.len(), 1);
    calendar.events.into_iter().next().unwrap()
}

fn property(
    event: &ical::parser::ical::component::IcalEvent,
    name: &str,
) -> (String, Vec<(String, Vec<String>)>) {
    let found = event
        .properties
        .iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("{name} is present"));
    (
        found.value.clone().unwrap_or_default(),
        found.params.clone().unwrap_or_default(),
    )
}

#[actix_web::test]
async fn personal_calendar_feed_is_revocable_and_holds_my_events() {
    let app = spawn_app().await;
    let organizer = app.member("Organisateur", "caregiver").await;
    let me = app.member("Abonnee", "patient").await;
    let going = create_event(&app, &organizer, event("Je viens", json!({}))).await;
    let maybe = create_event(&app, &organizer, event("Peut-être", json!({}))).await;
    let no = create_event(&app, &organizer, event("Sans moi", json!({}))).await;
    rsvp_status(&app, &going, &me, "going").await;
    rsvp_status(&app, &maybe, &me, "interested").await;
    rsvp_status(&app, &no, &me, "not_going").await;

    let feed = app
        .ok_json(
            Method::POST,
            "/api/v1/members/me/calendar-token",
            Some(&me),
            None,
        )
        .await;
    let webcal = feed["webcal_url"].as_str().unwrap();
    assert!(webcal.starts_with("webcal://"));
    let path = &webcal[webcal.find("/api/v1/calendar/").unwrap()..];
    let response = app.call(Method::GET, path, None, None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let text = response.text().await.unwrap();
    let mut calendars = ical::IcalParser::new(std::io::BufReader::new(text.as_bytes()));
    let calendar = calendars.next().unwrap().unwrap();
    let mut summaries: Vec<_> = calendar
        .events
        .iter()
        .map(|e| property(e, "SUMMARY").0)
        .collect();
    summaries.sort();
    assert_eq!(summaries, ["Je viens", "Peut-être"]);

    // A new token revokes the old one.
    app.ok_json(
        Method::POST,
        "/api/v1/members/me/calendar-token",
        Some(&me),
        None,
    )
    .await;
    let revoked = app.call(Method::GET, path, None, None).await;
    assert_problem(revoked, StatusCode::NOT_FOUND, "not_found").await;
    let unknown = app
        .call(Method::GET, "/api/v1/calendar/not-a-token", None, None)
        .await;
    assert_problem(unknown, StatusCode::NOT_FOUND, "not_found").await;
}

#[actix_web::test]
async fn moved_and_cancelled_events_stay_readable_and_marked() {
    let app = spawn_app().await;
    let organizer = app.member("Responsable", "professional").await;
    let other = app.member("Participant", "patient").await;
    let ev = create_event(&app, &organizer, event("Permanence", json!({}))).await;
    rsvp_status(&app, &ev, &other, "going").await;
    let path = format!("/api/v1/events/{}", id(&ev));
    let refused = app
        .call(
            Method::PATCH,
            &path,
            Some(&other),
            Some(json!({"title": "Détourné"})),
        )
        .await;
    assert_problem(refused, StatusCode::FORBIDDEN, "forbidden").await;

    let moved = app
        .ok_json(
            Method::PATCH,
            &path,
            Some(&organizer),
            Some(json!({"starts_at": "2027-03-17T18:00:00+01:00",
            "ends_at": "2027-03-17T20:00:00+01:00"})),
        )
        .await;
    assert_eq!(moved["starts_at"], "2027-03-17T18:00:00+01:00");
    assert_eq!(moved["previous_starts_at"], "2027-03-10T17:00:00Z");
    assert!(moved["rescheduled_at"].is_string());
    let cancelled = app
        .ok_json(Method::DELETE, &path, Some(&organizer), None)
        .await;
    assert_eq!(cancelled["status"], "cancelled");
    let seen = app.ok_json(Method::GET, &path, Some(&other), None).await;
    assert_eq!(seen["status"], "cancelled");
    assert_eq!(seen["my_rsvp"], "going");
    assert_problem(
        rsvp(&app, &ev, &other, "interested").await,
        StatusCode::CONFLICT,
        "event_cancelled",
    )
    .await;
    let text = app
        .call(Method::GET, &format!("{path}/ical"), None, None)
        .await
        .text()
        .await
        .unwrap();
    let vevent = parse_single_event(&text);
    assert_eq!(property(&vevent, "STATUS").0, "CANCELLED");
    assert_eq!(property(&vevent, "SEQUENCE").0, "2");
    let refused = app
        .call(
            Method::PATCH,
            &path,
            Some(&organizer),
            Some(json!({"title": "Encore"})),
        )
        .await;
    assert_problem(refused, StatusCode::CONFLICT, "event_cancelled").await;
}

#[actix_web::test]
async fn events_near_a_point_and_by_association() {
    let app = spawn_app().await;
    let admin = app.member("Benevole", "caregiver").await;
    let association = verified_association(&app, &admin, "France Rein Centre").await;
    let paris = create_event(
        &app,
        &admin,
        event(
            "Dépistage Paris",
            json!({"association_id": association["id"],
            "venue": {"city": "Paris", "lat": 48.8566, "lon": 2.3522}}),
        ),
    )
    .await;
    assert_eq!(paris["association"]["name"], "France Rein Centre");
    create_event(
        &app,
        &admin,
        event(
            "Dépistage Lyon",
            json!({"venue": {"city": "Lyon", "lat": 45.764, "lon": 4.8357}}),
        ),
    )
    .await;
    create_event(
        &app,
        &admin,
        event(
            "En ligne",
            json!({"online_url": "https://visio.example.org/x"}),
        ),
    )
    .await;

    let near = app
        .ok_json(Method::GET, "/api/v1/events?from=2027-01-01T00:00:00Z&to=2027-12-01T00:00:00Z&lat=48.85&lon=2.35&radius_km=50", None, None)
        .await;
    assert_eq!(near["items"].as_array().unwrap().len(), 1);
    assert_eq!(near["items"][0]["event"]["title"], "Dépistage Paris");
    assert!(near["items"][0]["distance_km"].as_f64().unwrap() < 1.0);
    let wide = titles(&app, "&lat=48.85&lon=2.35&radius_km=400", None).await;
    assert_eq!(wide.len(), 2, "Lyon is ~392 km from Paris: {wide:?}");
    let by_association = titles(&app, &format!("&association_id={}", id(&association)), None).await;
    assert_eq!(by_association, ["Dépistage Paris"]);
    let outsider = app.member("Passante", "patient").await;
    let refused = app
        .call(
            Method::POST,
            "/api/v1/events",
            Some(&outsider),
            Some(event("Faux", json!({"association_id": association["id"]}))),
        )
        .await;
    assert_problem(refused, StatusCode::FORBIDDEN, "not_association_staff").await;
    rsvp_status(&app, &paris, &outsider, "interested").await;
    assert_eq!(
        titles(&app, "&mine=true", Some(&outsider)).await,
        ["Dépistage Paris"]
    );
    let anonymous = app
        .call(Method::GET, "/api/v1/events?mine=true", None, None)
        .await;
    assert_problem(anonymous, StatusCode::UNAUTHORIZED, "unauthenticated").await;
}

#[actix_web::test]
async fn bad_event_input_is_refused_and_nothing_is_stored() {
    let app = spawn_app().await;
    let who = app.member("Essai", "patient").await;
    let bad = app
        .call(
            Method::POST,
            "/api/v1/events",
            Some(&who),
            Some(
                json!({"title": "ok titre", "starts_at": "2027-03-10T18:00:00+01:00",
                "ends_at": "2027-03-10T17:00:00+01:00", "time_zone": "Europe/Lutece",
                "venue": {"lat": 48.0}, "capacity": 0, "online_url": "javascript:x"}),
            ),
        )
        .await;
    let problem = assert_problem(bad, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(
        fields(&problem),
        ["time_zone", "online_url", "venue.lat", "capacity"]
    );
    let bad = app
        .call(
            Method::POST,
            "/api/v1/events",
            Some(&who),
            Some(json!({"title": "ok titre",
            "starts_at": "2027-03-10T18:00:00+01:00", "ends_at": "2027-03-10T17:00:00+01:00",
            "time_zone": "Europe/Paris", "recurrence_until": "2027-01-01T00:00:00Z"})),
        )
        .await;
    let problem = assert_problem(bad, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(fields(&problem), ["ends_at"]);
    let shape = app
        .call(
            Method::POST,
            "/api/v1/events",
            Some(&who),
            Some(json!({"title": "ok", "starts_at": "demain"})),
        )
        .await;
    assert_problem(shape, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;

    for (query, field) in [
        ("from=2027-01-01T00:00:00Z&to=2026-01-01T00:00:00Z", "to"),
        ("from=2027-01-01T00:00:00Z&to=2029-01-01T00:00:00Z", "to"),
        ("lat=91&lon=2&radius_km=10", "lat"),
        ("lat=48&lon=2&radius_km=0", "radius_km"),
        ("lat=48&lon=2&radius_km=5000", "radius_km"),
        ("lat=48&lon=2", "radius_km"),
    ] {
        let response = app
            .call(Method::GET, &format!("/api/v1/events?{query}"), None, None)
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
        .call(Method::GET, "/api/v1/events?lat=north", None, None)
        .await;
    assert_problem(response, StatusCode::BAD_REQUEST, "invalid_query").await;
    assert!(
        titles(&app, "", Some(&who)).await.is_empty(),
        "nothing stored"
    );
}

/// The calendar walks single events by start from `from` minus the longest an event may last:
/// an event as long as allowed, seen from a range that opens just before it ends, is still
/// listed; one that ended at `from` is not.
#[actix_web::test]
async fn a_range_lists_every_event_still_running_in_it() {
    let app = spawn_app().await;
    let organizer = app.member("Organisatrice", "caregiver").await;
    create_event(
        &app,
        &organizer,
        json!({"title": "Exposition d'un mois", "starts_at": "2027-01-01T00:00:00Z",
            "ends_at": "2027-02-01T00:00:00Z", "time_zone": "Europe/Paris"}),
    )
    .await;
    create_event(
        &app,
        &organizer,
        json!({"title": "Finie à l'ouverture", "starts_at": "2027-01-20T10:00:00Z",
            "ends_at": "2027-01-31T23:00:00Z", "time_zone": "Europe/Paris"}),
    )
    .await;
    let range = |from: &str| format!("/api/v1/events?from={from}&to=2027-03-01T00:00:00Z");
    assert_eq!(
        titles_at(&app, &range("2027-01-31T23:00:00Z"), None).await,
        ["Exposition d'un mois"],
        "an event ending at `from` is over; one ending an hour later is not"
    );
    assert_eq!(
        titles_at(&app, &range("2027-01-31T22:00:00Z"), None).await,
        ["Exposition d'un mois", "Finie à l'ouverture"]
    );
    assert!(
        titles_at(&app, &range("2027-02-01T00:00:00Z"), None)
            .await
            .is_empty()
    );
}

#[actix_web::test]
async fn calendar_feed_urls_come_from_configuration_not_from_request_headers() {
    let app =
        spawn_app_with(|s| s.public_url = Some("https://entraide.example.org/app/".into())).await;
    let me = app.member("Abonnee", "patient").await;
    let response = app
        .client
        .post(app.url("/api/v1/members/me/calendar-token"))
        .header("Authorization", me.bearer())
        .header("X-Forwarded-Host", "evil.example")
        .header("X-Forwarded-Proto", "javascript")
        .header("Forwarded", "host=evil.example;proto=javascript")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let feed: Value = response.json().await.unwrap();
    let https_url = feed["https_url"].as_str().unwrap();
    let webcal_url = feed["webcal_url"].as_str().unwrap();
    assert!(
        https_url.starts_with("https://entraide.example.org/app/api/v1/calendar/"),
        "{https_url}"
    );
    assert!(
        webcal_url.starts_with("webcal://entraide.example.org/app/api/v1/calendar/"),
        "{webcal_url}"
    );
    assert!(!https_url.contains("evil") && !webcal_url.contains("javascript"));
    // The token in the URL is the one that works.
    let path = &https_url["https://entraide.example.org/app".len()..];
    assert_eq!(
        app.call(Method::GET, path, None, None).await.status(),
        StatusCode::OK
    );
}

#[actix_web::test]
async fn carriage_returns_are_stored_as_line_feeds_and_never_reach_icalendar() {
    let app = spawn_app().await;
    let organizer = app.member("Organise", "professional").await;
    let ev = create_event(
        &app,
        &organizer,
        event(
            "Atelier",
            json!({"description": "ligne 1\rATTENDEE:mailto:x@evil.example\r\nligne 3"}),
        ),
    )
    .await;
    assert_eq!(
        ev["description"], "ligne 1\nATTENDEE:mailto:x@evil.example\nligne 3",
        "stored with line feeds only"
    );
    let response = app
        .call(
            Method::GET,
            &format!("/api/v1/events/{}/ical", id(&ev)),
            None,
            None,
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let text = response.text().await.unwrap();
    // iCalendar lines end with CRLF; no other carriage return may appear.
    assert!(
        !text.replace("\r\n", "").contains('\r'),
        "a bare CR in {text:?}"
    );
    let mut calendars = ical::IcalParser::new(std::io::BufReader::new(text.as_bytes()));
    let calendar = calendars.next().unwrap().unwrap();
    let vevent = &calendar.events[0];
    assert!(
        !vevent.properties.iter().any(|p| p.name == "ATTENDEE"),
        "{text}"
    );
    assert_eq!(
        property(vevent, "DESCRIPTION").0,
        "ligne 1\\nATTENDEE:mailto:x@evil.example\\nligne 3"
    );
}

/// `type: integer` in the spec admits `2.0` (JSON Schema counts any number with a zero fraction
/// as an integer, and JavaScript clients write them so); `2.5` stays refused.
#[actix_web::test]
async fn integer_fields_take_integral_floats() {
    let app = spawn_app().await;
    let organizer = app.member("Organisatrice", "caregiver").await;
    let ev = create_event(
        &app,
        &organizer,
        event("Groupe de parole", json!({"capacity": 2.0})),
    )
    .await;
    assert_eq!(ev["capacity"], 2);
    let path = format!("/api/v1/events/{}", id(&ev));
    let raised = app
        .ok_json(
            Method::PATCH,
            &path,
            Some(&organizer),
            Some(json!({"capacity": 3e0})),
        )
        .await;
    assert_eq!(raised["capacity"], 3);
    let refused = app
        .call(
            Method::PATCH,
            &path,
            Some(&organizer),
            Some(json!({"capacity": 2.5})),
        )
        .await;
    let problem = assert_problem(
        refused,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), ["capacity"]);
    let cleared = app
        .ok_json(
            Method::PATCH,
            &path,
            Some(&organizer),
            Some(json!({"capacity": null})),
        )
        .await;
    assert_eq!(cleared["capacity"], Value::Null);
}

#[actix_web::test]
async fn a_block_hides_the_events_each_member_organises_from_the_other() {
    let app = spawn_app().await;
    let ana = app.member("Ana", "patient").await;
    let bruno = app.member("Bruno", "patient").await;
    let chloe = app.member("Chloe", "patient").await;
    let by_bruno = create_event(&app, &bruno, event("Marche douce", json!({}))).await;
    let by_ana = create_event(&app, &ana, event("Atelier fatigue", json!({}))).await;
    assert_eq!(
        titles(&app, "", Some(&ana)).await,
        ["Marche douce", "Atelier fatigue"]
    );
    let response = app
        .call(
            Method::PUT,
            &format!("/api/v1/members/{}/block", bruno.id),
            Some(&ana),
            None,
        )
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    // Neither sees the other's events, in the calendar or by id; others see both.
    assert_eq!(titles(&app, "", Some(&ana)).await, ["Atelier fatigue"]);
    assert_eq!(titles(&app, "", Some(&bruno)).await, ["Marche douce"]);
    assert_eq!(
        titles(&app, "", Some(&chloe)).await,
        ["Marche douce", "Atelier fatigue"]
    );
    for (who, event) in [(&ana, &by_bruno), (&bruno, &by_ana)] {
        let path = format!("/api/v1/events/{}", id(event));
        assert_problem(
            app.call(Method::GET, &path, Some(who), None).await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
    }
    // Unblocking gives both back.
    let response = app
        .call(
            Method::DELETE,
            &format!("/api/v1/members/{}/block", bruno.id),
            Some(&ana),
            None,
        )
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(titles(&app, "", Some(&ana)).await.len(), 2);
}
