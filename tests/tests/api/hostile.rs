//! The hostile input corpus (issue 11): every operation of the committed spec, every string,
//! number and id of its JSON body (top-level and nested, read from the schema), every query and
//! path parameter, sent hostile values one at a time — control and bidirectional characters,
//! invalid UTF-8, 1 MB strings, deep nesting, huge, negative and fractional numbers, extreme
//! dates, confusable pseudonyms, Markdown and HTML injection, SQL and full-text syntax, ids that
//! are not UUIDs or name nothing — as a signed-in member whose example bodies are otherwise valid
//! (each example is checked to succeed) and as an anonymous visitor.
//!
//! Every answer must be a 2xx (the value was legitimate: then free text round-trips and no
//! rendering holds a script, an image or a `javascript:` link) or a 4xx `application/problem+json`
//! with a `code`; never a 5xx, never a bare 4xx, never a dropped connection. A refused request
//! stores nothing (row counts of every table unchanged, `login_throttles` excepted: refused
//! logins are counted there by design), and the server is healthy afterwards. An operation the
//! corpus does not know fails the test, so the corpus grows with the API.
//!
//! After the corpus, one focused test per defect it found.

use std::collections::BTreeSet;
use std::time::Instant;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sha2::Sha256;

use crate::support::{Member, PASSWORD, TestApp, spawn_app};

const SPEC: &str = include_str!("../../../openapi/openapi.json");
const SCHEMA_RS: &str = include_str!("../../../persistence/src/schema.rs");

/// Tables a refused request may still write, and why.
const MAY_CHANGE_WHEN_REFUSED: [(&str, &str); 2] = [
    (
        "login_throttles",
        "a refused login is counted before its password is checked (issue 11, defect 5)",
    ),
    (
        "outbox_emails",
        "mail is kept after the answer, in the background (issue 14): an accepted request's mail may land while a later one is refused",
    ),
];

/// Problem codes only the extractors and middleware answer (body, path, query, token), before
/// a handler runs: row counts are not read again after them, to keep the corpus fast.
const BOUNDARY_CODES: [&str; 7] = [
    "payload_too_large",
    "unsupported_media_type",
    "malformed_json",
    "invalid_path",
    "invalid_query",
    "unauthenticated",
    "invalid_token",
];

/// Operations the corpus does not send, with the reason. Empty today: every operation is sent.
const SKIPPED: [(&str, &str); 0] = [];

// --- the spec -----------------------------------------------------------------------------

#[derive(Debug, Clone)]
enum Seg {
    Key(String),
    Item,
}

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Str {
        format: Option<String>,
        is_enum: bool,
    },
    Int,
    Num,
    Bool,
}

#[derive(Debug, Clone)]
struct Field {
    path: Vec<Seg>,
    kind: Kind,
}

impl Field {
    fn name(&self) -> String {
        let mut name = String::new();
        for seg in &self.path {
            match seg {
                Seg::Key(key) if name.is_empty() => name.push_str(key),
                Seg::Key(key) => {
                    name.push('.');
                    name.push_str(key);
                }
                Seg::Item => name.push_str("[]"),
            }
        }
        name
    }
}

struct Operation {
    id: String,
    method: Method,
    path: String,
    path_params: Vec<String>,
    query: Vec<(String, Kind)>,
    body: Option<Vec<Field>>,
    /// No security requirement, or an empty one among them: a visitor may call it.
    anonymous: bool,
}

fn resolve<'a>(spec: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let name = reference.rsplit('/').next().unwrap();
            resolve(spec, &spec["components"]["schemas"][name])
        }
        None => schema,
    }
}

fn types(schema: &Value) -> Vec<&str> {
    match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

fn leaf_kind(schema: &Value) -> Option<Kind> {
    let ts = types(schema);
    if ts.contains(&"string") {
        Some(Kind::Str {
            format: schema["format"].as_str().map(str::to_owned),
            is_enum: schema.get("enum").is_some(),
        })
    } else if ts.contains(&"integer") {
        Some(Kind::Int)
    } else if ts.contains(&"number") {
        Some(Kind::Num)
    } else if ts.contains(&"boolean") {
        Some(Kind::Bool)
    } else {
        None
    }
}

/// Every leaf of a request schema, nested objects and arrays included.
fn walk(spec: &Value, schema: &Value, path: &[Seg], out: &mut Vec<Field>) {
    let schema = resolve(spec, schema);
    for combinator in ["allOf", "oneOf", "anyOf"] {
        for branch in schema[combinator].as_array().into_iter().flatten() {
            walk(spec, branch, path, out);
        }
    }
    if let Some(properties) = schema["properties"].as_object() {
        for (name, property) in properties {
            let mut here = path.to_vec();
            here.push(Seg::Key(name.clone()));
            walk(spec, property, &here, out);
        }
    }
    if types(schema).contains(&"array") {
        let mut here = path.to_vec();
        here.push(Seg::Item);
        walk(spec, &schema["items"], &here, out);
    }
    if let Some(kind) = leaf_kind(schema) {
        let field = Field {
            path: path.to_vec(),
            kind,
        };
        if !out.iter().any(|f| f.name() == field.name()) {
            out.push(field);
        }
    }
}

fn operations(spec: &Value) -> Vec<Operation> {
    let mut found = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let method = match method.as_str() {
                "get" => Method::GET,
                "post" => Method::POST,
                "put" => Method::PUT,
                "patch" => Method::PATCH,
                "delete" => Method::DELETE,
                _ => continue,
            };
            let mut path_params = Vec::new();
            let mut query = Vec::new();
            for parameter in op["parameters"].as_array().into_iter().flatten() {
                let name = parameter["name"].as_str().unwrap().to_owned();
                match parameter["in"].as_str() {
                    Some("path") => path_params.push(name),
                    Some("query") => {
                        let kind =
                            leaf_kind(resolve(spec, &parameter["schema"])).unwrap_or(Kind::Str {
                                format: None,
                                is_enum: false,
                            });
                        query.push((name, kind));
                    }
                    _ => {}
                }
            }
            let body = op["requestBody"]["content"]["application/json"]["schema"]
                .as_object()
                .map(|_| {
                    let mut fields = Vec::new();
                    walk(
                        spec,
                        &op["requestBody"]["content"]["application/json"]["schema"],
                        &[],
                        &mut fields,
                    );
                    fields
                });
            let anonymous = op["security"].as_array().is_none_or(|all| {
                all.iter()
                    .any(|s| s.as_object().is_some_and(|o| o.is_empty()))
            });
            found.push(Operation {
                anonymous,
                id: op["operationId"].as_str().unwrap().to_owned(),
                method,
                path: path.clone(),
                path_params,
                query,
                body,
            });
        }
    }
    found
}

/// Sets the value at `path`, creating what is missing (an absent optional field is added).
fn set_at(body: &mut Value, path: &[Seg], value: Value) {
    let Some((first, rest)) = path.split_first() else {
        *body = value;
        return;
    };
    match first {
        Seg::Key(key) => {
            if !body.is_object() {
                *body = json!({});
            }
            let slot = body
                .as_object_mut()
                .unwrap()
                .entry(key.clone())
                .or_insert(Value::Null);
            if slot.is_null() {
                *slot = match rest.first() {
                    Some(Seg::Key(_)) => json!({}),
                    Some(Seg::Item) => json!([]),
                    None => Value::Null,
                };
            }
            set_at(slot, rest, value);
        }
        Seg::Item => {
            if rest.is_empty() {
                *body = json!([value]);
                return;
            }
            if !body.is_array() || body.as_array().unwrap().is_empty() {
                *body = json!([{}]);
            }
            set_at(&mut body.as_array_mut().unwrap()[0], rest, value);
        }
    }
}

// --- hostile values ----------------------------------------------------------------------

/// Free text a member may legitimately write: stored as sent, rendered harmlessly.
fn legitimate_texts() -> Vec<&'static str> {
    vec![
        "' OR 1=1 --",
        "Robert'); DROP TABLE members;--",
        "\"unbalanced",
        "NEAR( douleur * : -fatigue OR \"x",
        "<script>alert(1)</script>",
        "[clic](javascript:alert(1))",
        "![x](http://tracker.example.net/p.gif)",
        "<img src=x onerror=alert(1)>",
    ]
}

fn hostile_strings() -> Vec<String> {
    let mut values: Vec<String> = [
        "a\u{0}b",
        "\u{1b}[31mred",
        "next\u{85}line",
        "del\u{7f}",
        "abc\u{202E}gpj.exe",
        "x\u{2066}y\u{2069}",
        "\u{3A1}aul",
        "P\u{430}ul",
        "",
        "   ",
        "\u{FEFF}\u{200B}",
        "e\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}",
        "%00%27",
        "\\u0000",
        "0000-01-01T00:00:00Z",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    values.extend(legitimate_texts().into_iter().map(str::to_owned));
    // Under the 64 KiB body limit: length rules must answer.
    values.push("é".repeat(30_000));
    values
}

/// Far past the body limit: 413, and the connection must still answer.
fn one_megabyte() -> String {
    "x".repeat(1 << 20)
}

fn extreme_dates() -> Vec<&'static str> {
    vec![
        "+262142-12-31T00:00:00Z",
        "-262143-01-10T00:00:00Z",
        "0000-01-01T00:00:00Z",
        "-000001-01-01T00:00:00Z",
        "1899-12-31T23:59:59Z",
        "2200-01-01T00:00:00Z",
        "2027-02-30T10:00:00Z",
        "2027-03-10T18:00:00+25:00",
        "2027-03-10",
    ]
}

fn extreme_uris() -> Vec<&'static str> {
    vec![
        "javascript:alert(1)",
        "//evil.example.org/x",
        "data:text/html,<script>alert(1)</script>",
        "http://",
        "https://exa mple.org",
    ]
}

/// For ids, enums, dates and addresses: the values that test the boundary (the format parser
/// refuses the rest alike).
fn short_hostile_strings() -> Vec<String> {
    ["a\u{0}b", "abc\u{202E}gpj", "", "' OR 1=1 --", "\u{3A1}aul"]
        .into_iter()
        .map(str::to_owned)
        .chain(["é".repeat(30_000)])
        .collect()
}

fn values_for(kind: &Kind) -> Vec<Value> {
    match kind {
        Kind::Str { format, is_enum } => {
            let strings = if format.is_some() || *is_enum {
                short_hostile_strings()
            } else {
                hostile_strings()
            };
            let mut values: Vec<Value> = strings.into_iter().map(Value::from).collect();
            match format.as_deref() {
                Some("date-time") => values.extend(extreme_dates().into_iter().map(Value::from)),
                Some("uri") => values.extend(extreme_uris().into_iter().map(Value::from)),
                Some("uuid") => values.extend([
                    json!(uuid::Uuid::now_v7().to_string()),
                    json!(uuid::Uuid::nil().to_string()),
                    json!("not-a-uuid"),
                ]),
                _ => {}
            }
            if *is_enum {
                values.extend([json!("PATIENT"), json!("patient\u{0}")]);
            }
            values.extend([json!(5), json!(true), json!([]), json!({})]);
            values
        }
        Kind::Int => vec![
            raw_number("18446744073709551616"),
            raw_number("-9223372036854775809"),
            raw_number("1e400"),
            json!(1.8e19),
            json!(-1),
            json!(0),
            json!(1.5),
            json!(i64::MAX),
            json!(i64::MIN),
            json!(2_147_483_648_i64),
            json!("12"),
        ],
        Kind::Num => vec![
            raw_number("1e400"),
            raw_number("-0"),
            json!(1e308),
            json!(-1e308),
            json!(91.0),
            json!(-181.0),
            json!(1e-320),
            json!(i64::MAX),
            json!("45.0"),
        ],
        Kind::Bool => vec![json!("true"), json!(1), json!("")],
    }
}

/// A number JSON can carry but `serde_json::Value` cannot: written as is into the body.
fn raw_number(text: &str) -> Value {
    json!(format!("{RAW}{text}{RAW}"))
}

const RAW: &str = "@@raw@@";

/// Query and path values: strings only.
fn hostile_query_values(kind: &Kind, name: &str) -> Vec<String> {
    let free_text = matches!(
        kind,
        Kind::Str {
            format: None,
            is_enum: false
        }
    ) && name != "cursor";
    let mut values = if free_text {
        hostile_strings()
    } else {
        short_hostile_strings()
    };
    values.truncate(values.len() - 1);
    values.push("é".repeat(2_000));
    if matches!(kind, Kind::Str { format: Some(f), .. } if f == "date-time") {
        values.extend(extreme_dates().into_iter().map(str::to_owned));
    }
    match kind {
        Kind::Int => values.extend(
            [
                "0",
                "-1",
                "101",
                "18446744073709551616",
                "1.5",
                "1e3",
                "NaN",
            ]
            .map(str::to_owned),
        ),
        Kind::Num => values.extend(
            [
                "1e308", "-1e308", "NaN", "inf", "-inf", "91", "1e-400", "0x10",
            ]
            .map(str::to_owned),
        ),
        Kind::Bool => values.extend(["yes", "2", "TRUE"].map(str::to_owned)),
        Kind::Str { .. } => values.push(uuid::Uuid::now_v7().to_string()),
    }
    if name == "cursor" {
        values.extend(forged_cursors());
    }
    values
}

fn forged_cursors() -> Vec<String> {
    let id = uuid::Uuid::now_v7();
    [
        json!({"t": "+262142-12-31T00:00:00Z", "i": id}),
        json!({"t": "-262143-01-10T00:00:00Z", "i": id}),
        json!({"t": "0000-01-01T00:00:00Z", "i": id}),
        json!({"s": "+262142-12-31T00:00:00Z", "m": id}),
        json!({"s": "1000-01-01T00:00:00Z", "m": id}),
        json!({"n": "' OR 1=1 --", "i": id}),
        json!({"n": "a\u{0}", "i": id}),
        json!({"t": "\u{202E}", "i": id}),
        json!({"p": i64::MAX}),
        json!({"p": i64::MIN}),
        json!({"p": -1}),
        json!({"d": 1e308, "i": id}),
        json!({"d": -1e308, "i": id}),
        json!({"i": id}),
        json!(id),
        json!([]),
    ]
    .iter()
    .map(|key| URL_SAFE_NO_PAD.encode(key.to_string()))
    .chain(["!!", "A".repeat(600).as_str(), "bnVsbA"].map(str::to_owned))
    .collect()
}

fn hostile_path_values() -> Vec<String> {
    vec![
        "1%27%20OR%201%3D1%20--".to_owned(),
        "%00".to_owned(),
        "%E2%80%AE".to_owned(),
        "%FF%FE".to_owned(),
        "a".repeat(4_000),
        uuid::Uuid::now_v7().to_string(),
    ]
}

fn encode_query(value: &str) -> String {
    let mut out = String::new();
    for byte in value.as_bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(byte) {
            out.push(*byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

// --- fixtures ----------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Debug)]
enum Actor {
    Anonymous,
    Admin,
    Other,
    Changer,
    Leaver,
    Eraser,
    Profiler,
    Webhook,
}

struct Fixtures {
    /// The admin's uploaded photo.
    media: String,
    admin: Member,
    other: Member,
    banned: Member,
    changer: Member,
    leaver: Member,
    /// Erases their own account.
    eraser: Member,
    profiler: Member,
    refresher: Member,
    condition: String,
    association: String,
    group: String,
    private_group: String,
    post: String,
    comment: String,
    event: String,
    place: String,
    committee: String,
    /// Submitted, for reviews.
    resource: String,
    /// A draft, for edits.
    draft: String,
    campaign: String,
    secret: String,
    token: String,
    /// Open, the admin consented: for questionnaires and answers.
    study: String,
    questionnaire: String,
    /// Open, no consent yet: for consenting and withdrawing.
    consent_study: String,
    /// A draft: for study edits.
    draft_study: String,
    /// An open report in the platform queue, by `other` about `banned`.
    report: String,
    /// A decision hiding a post of `admin` (for their appeal), and `other`'s appeal of a
    /// decision hiding theirs (for the admin to answer).
    decision: String,
    appeal: String,
    /// The token of a verification link, and of a password reset link (of a member of their
    /// own: the reset logs them out).
    verify_token: String,
    reset_token: String,
    /// A conversation of `admin` and `other` (they share `group`), and its first message.
    conversation: String,
    conversation_message: String,
    /// Pending verification requests of `other` (to approve) and of `banned` (to refuse);
    /// platform admins decide.
    verification: String,
    verification_to_refuse: String,
}

fn id_of(value: &Value) -> String {
    value["id"].as_str().unwrap().to_owned()
}

async fn fixtures(app: &TestApp) -> Fixtures {
    let admin = app.member("Alice Hostile", "professional").await;
    app.make_admin(&admin);
    let staff = app.member("Staff Hostile", "professional").await;
    app.make_admin(&staff);
    let other = app.member("Bruno Hostile", "patient").await;
    let banned = app.member("Banni Hostile", "patient").await;
    let changer = app.member("Changer Hostile", "caregiver").await;
    let leaver = app.member("Leaver Hostile", "caregiver").await;
    let eraser = app.member("Eraser Hostile", "caregiver").await;
    let profiler = app.member("Profil Hostile", "caregiver").await;
    let refresher = app.member("Refresh Hostile", "caregiver").await;
    let condition = app.condition(0).await.to_string();
    async fn call(
        app: &TestApp,
        method: Method,
        path: String,
        who: &Member,
        body: Option<Value>,
    ) -> Value {
        app.ok_json(method, &path, Some(who), body).await
    }
    let call = |method, path, who, body| call(app, method, path, who, body);
    call(
        Method::PUT,
        format!("/api/v1/members/{}/editor", admin.id),
        &staff,
        Some(json!({})),
    )
    .await;
    let association = id_of(
        &call(
            Method::POST,
            "/api/v1/associations".into(),
            &admin,
            Some(
                json!({"name": "Asso Hostile", "description": "Entraide", "open_membership": true}),
            ),
        )
        .await,
    );
    call(
        Method::POST,
        format!("/api/v1/associations/{association}/verify"),
        &staff,
        None,
    )
    .await;
    call(
        Method::POST,
        format!("/api/v1/associations/{association}/join"),
        &other,
        None,
    )
    .await;
    let group = app
        .create_group(&admin, "Groupe Hostile", "public", "everyone")
        .await
        .id
        .to_string();
    let private_group = app
        .create_group(&admin, "Groupe Privé Hostile", "private", "everyone")
        .await
        .id
        .to_string();
    for who in [&other, &banned] {
        call(
            Method::POST,
            format!("/api/v1/groups/{group}/join"),
            who,
            None,
        )
        .await;
    }
    let post = id_of(
        &call(
            Method::POST,
            format!("/api/v1/groups/{group}/posts"),
            &admin,
            Some(json!({"body": "Bonjour à tous"})),
        )
        .await,
    );
    let comment = id_of(
        &call(
            Method::POST,
            format!("/api/v1/posts/{post}/comments"),
            &admin,
            Some(json!({"body": "Un commentaire"})),
        )
        .await,
    );
    let event = id_of(
        &call(
            Method::POST,
            "/api/v1/events".into(),
            &admin,
            Some(json!({"title": "Rencontre", "group_id": group,
                "starts_at": "2027-03-10T18:00:00+01:00", "ends_at": "2027-03-10T20:00:00+01:00",
                "time_zone": "Europe/Paris"})),
        )
        .await,
    );
    let place = id_of(
        &call(
            Method::POST,
            "/api/v1/places".into(),
            &admin,
            Some(json!({"name": "Lieu Hostile", "kind": "support_group", "address": "1 rue", "city": "Lyon",
                "lat": 45.76, "lon": 4.83})),
        )
        .await,
    );
    let committee = id_of(
        &call(
            Method::POST,
            "/api/v1/committees".into(),
            &admin,
            Some(json!({"name": "Comité Hostile", "quorum": 1})),
        )
        .await,
    );
    call(
        Method::POST,
        format!("/api/v1/committees/{committee}/members"),
        &admin,
        Some(json!({"member_id": other.id, "expertise": "physician"})),
    )
    .await;
    let resource = id_of(
        &call(
            Method::POST,
            "/api/v1/resources".into(),
            &admin,
            Some(
                json!({"kind": "fact_sheet", "language": "fr", "committee_id": committee,
                "content": {"title": "Fiche Hostile", "body": "Contenu"}}),
            ),
        )
        .await,
    );
    call(
        Method::POST,
        format!("/api/v1/resources/{resource}/submit"),
        &admin,
        None,
    )
    .await;
    let draft = id_of(
        &call(
            Method::POST,
            "/api/v1/resources".into(),
            &admin,
            Some(
                json!({"kind": "fact_sheet", "language": "fr", "committee_id": committee,
                "content": {"title": "Brouillon Hostile", "body": "Contenu"}}),
            ),
        )
        .await,
    );
    let campaign = id_of(
        &call(
            Method::POST,
            format!("/api/v1/associations/{association}/campaigns"),
            &admin,
            Some(
                json!({"title": "Répit", "description": "Financer", "goal_cents": 300_000,
                "currency": "EUR", "ends_at": "2099-01-01T00:00:00Z",
                "payment_url": "https://pay.example.org/repit"}),
            ),
        )
        .await,
    );
    let secret = call(
        Method::POST,
        format!("/api/v1/associations/{association}/webhook-secret"),
        &admin,
        None,
    )
    .await["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    let token = call(
        Method::POST,
        "/api/v1/members/me/calendar-token".into(),
        &admin,
        None,
    )
    .await["webcal_url"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    // Research: the admin is made a researcher by the other admin (nobody grants themself).
    call(
        Method::PUT,
        format!("/api/v1/members/{}/researcher", admin.id),
        &staff,
        None,
    )
    .await;
    let mut studies = Vec::new();
    for (title, status) in [
        ("Étude Hostile", "open"),
        ("Consentement Hostile", "open"),
        ("Brouillon Hostile", "draft"),
    ] {
        let study = id_of(
            &call(
                Method::POST,
                "/api/v1/studies".into(),
                &admin,
                Some(
                    json!({"title": title, "sponsor": "AP-HP", "ethics_reference": "CPP 1",
                    "eligibility": {"kinds": ["patient", "caregiver", "professional"]},
                    "consent_text": {"body": "J'accepte."}}),
                ),
            )
            .await,
        );
        if status == "open" {
            call(
                Method::PATCH,
                format!("/api/v1/studies/{study}"),
                &admin,
                Some(json!({"status": "open"})),
            )
            .await;
        }
        studies.push(study);
    }
    let [study, consent_study, draft_study] = studies.try_into().unwrap();
    let questionnaire = id_of(
        &call(
            Method::POST,
            format!("/api/v1/studies/{study}/questionnaires"),
            &admin,
            Some(research_questionnaire()),
        )
        .await,
    );
    call(
        Method::POST,
        format!("/api/v1/studies/{study}/consent"),
        &admin,
        Some(json!({"text_version": 1})),
    )
    .await;
    // A report by another member (the admin decides it; nobody decides what they reported).
    let report = id_of(
        &call(
            Method::POST,
            "/api/v1/reports".into(),
            &other,
            Some(json!({"target_kind": "member", "target_id": banned.id, "reason": "spam"})),
        )
        .await,
    );
    // Appeals: `staff` hides a post of the admin's and one of `other`'s; `other` appeals.
    let mut hidden = Vec::new();
    for (author, reporter) in [(&admin, &other), (&other, &admin)] {
        let post = id_of(
            &call(
                Method::POST,
                format!("/api/v1/groups/{group}/posts"),
                author,
                Some(json!({"body": "Un message à revoir"})),
            )
            .await,
        );
        let report = id_of(
            &call(
                Method::POST,
                "/api/v1/reports".into(),
                reporter,
                Some(json!({"target_kind": "post", "target_id": post, "reason": "spam"})),
            )
            .await,
        );
        hidden.push(id_of(
            &call(
                Method::POST,
                format!("/api/v1/moderation/reports/{report}/actions"),
                &staff,
                Some(json!({"action": "hide", "reason": "Hors sujet ici"})),
            )
            .await,
        ));
    }
    let decision = hidden[0].clone();
    let appeal = id_of(
        &call(
            Method::POST,
            format!("/api/v1/members/me/moderation/{}/appeal", hidden[1]),
            &other,
            Some(json!({"statement": "Ce n'était pas hors sujet"})),
        )
        .await,
    );
    let linked = app.member("Lien Hostile", "patient").await;
    let verify_token = app.outbox_token(&linked.email, "/verify-email").await;
    let resetter = app.member("Reset Hostile", "patient").await;
    app.ok_json(
        Method::POST,
        "/api/v1/auth/password-reset",
        None,
        Some(json!({"email": resetter.email})),
    )
    .await;
    let reset_token = app.outbox_token(&resetter.email, "/reset-password").await;
    let started = call(
        Method::POST,
        "/api/v1/conversations".into(),
        &admin,
        Some(json!({"participant_ids": [other.id], "body": "Bonjour Bruno"})),
    )
    .await;
    let conversation = started["conversation"]["id"].as_str().unwrap().to_owned();
    let conversation_message = started["message"]["id"].as_str().unwrap().to_owned();
    // A photo of the admin's, waiting to become their avatar (`set_my_avatar`).
    let media = app.upload_photo(&admin).await;
    let asked = call(
        Method::POST,
        "/api/v1/members/me/verification-requests".into(),
        &other,
        Some(json!({"badge": "patient_expert", "document_reference": "DU ETP 2025"})),
    )
    .await;
    let verification = id_of(&asked);
    let asked = call(
        Method::POST,
        "/api/v1/members/me/verification-requests".into(),
        &banned,
        Some(json!({"badge": "patient_expert", "document_reference": "DU ETP 2025"})),
    )
    .await;
    let verification_to_refuse = id_of(&asked);
    Fixtures {
        verification,
        verification_to_refuse,
        media,
        conversation,
        conversation_message,
        verify_token,
        reset_token,
        report,
        decision,
        appeal,
        study,
        questionnaire,
        consent_study,
        draft_study,
        admin,
        other,
        banned,
        changer,
        leaver,
        eraser,
        profiler,
        refresher,
        condition,
        association,
        group,
        private_group,
        post,
        comment,
        event,
        place,
        committee,
        resource,
        draft,
        campaign,
        secret,
        token,
    }
}

/// The research questionnaire of the fixtures and of the questionnaire examples: every item type,
/// skip logic.
fn research_questionnaire() -> Value {
    // Open since yesterday, whatever day the test runs.
    let opens_at = (chrono::Utc::now() - chrono::TimeDelta::days(1)).to_rfc3339();
    json!({"title": "Suivi {n}", "schedule": {"opens_at": opens_at,
    "recurrence": "once", "window_days": 90},
    "items": [
        {"link_id": "pain", "text": "Douleur", "type": "scale", "required": true,
         "min": 0, "max": 10, "min_label": "aucune", "max_label": "maximale"},
        {"link_id": "sleep", "text": "Sommeil", "type": "single_choice",
         "answer_option": [{"code": "good", "display": "Bon"}, {"code": "bad", "display": "Mauvais"}]},
        {"link_id": "symptoms", "text": "Symptômes", "type": "multiple_choice",
         "answer_option": [{"code": "fatigue", "display": "Fatigue"}, {"code": "fever", "display": "Fièvre"}]},
        {"link_id": "woke", "text": "Réveillé(e) ?", "type": "boolean"},
        {"link_id": "nights", "text": "Nuits", "type": "number", "unit": "nuits", "min": 0,
         "max": 31, "enable_when": {"question": "woke", "answer": true}},
        {"link_id": "since", "text": "Depuis", "type": "date"},
        {"link_id": "notes", "text": "Remarques", "type": "text", "max_chars": 500}
    ]})
}

// --- the plan: who sends each operation, where, and a valid example body --------------------

fn actor_of(op: &str) -> Actor {
    match op {
        "login" | "register" | "refresh" | "get_openapi" | "healthz" | "readyz"
        | "get_calendar_feed" => Actor::Anonymous,
        "verify_email" | "request_password_reset" | "confirm_password_reset" => Actor::Anonymous,
        "change_password" => Actor::Changer,
        "logout" => Actor::Leaver,
        "erase_my_account" => Actor::Eraser,
        "update_my_profile" => Actor::Profiler,
        "review_resource" => Actor::Other,
        "donation_webhook" => Actor::Webhook,
        _ => Actor::Admin,
    }
}

fn path_value(op: &str, path: &str, param: &str, fx: &Fixtures) -> String {
    match param {
        "member_id" if op.contains("ban") => fx.banned.id.to_string(),
        "member_id" => fx.other.id.to_string(),
        "kind" => "support".to_owned(),
        "token" => fx.token.clone(),
        "association_id" => fx.association.clone(),
        _ => {
            let resource = path
                .trim_start_matches("/api/v1/")
                .split('/')
                .next()
                .unwrap();
            match resource {
                "associations" => fx.association.clone(),
                "campaigns" => fx.campaign.clone(),
                "comments" => fx.comment.clone(),
                "committees" => fx.committee.clone(),
                "events" => fx.event.clone(),
                "groups" if op == "invite_to_group" || op.contains("join_request") => {
                    fx.private_group.clone()
                }
                "groups" => fx.group.clone(),
                "members"
                    if matches!(
                        op,
                        "get_wall" | "create_wall_post" | "list_followers" | "list_following"
                    ) =>
                {
                    fx.admin.id.to_string()
                }
                "members" if op == "appeal_decision" => fx.decision.clone(),
                "members" => fx.other.id.to_string(),
                "places" => fx.place.clone(),
                "posts" => fx.post.clone(),
                "resources" if matches!(op, "update_resource" | "submit_resource") => {
                    fx.draft.clone()
                }
                "resources" => fx.resource.clone(),
                "studies" if matches!(op, "give_consent" | "withdraw_consent") => {
                    fx.consent_study.clone()
                }
                "studies" if op == "update_study" => fx.draft_study.clone(),
                "studies" => fx.study.clone(),
                "questionnaires" => fx.questionnaire.clone(),
                "moderation" if op == "decide_appeal" => fx.appeal.clone(),
                "moderation" => fx.report.clone(),
                "conversations" => fx.conversation.clone(),
                "media" => fx.media.clone(),
                "conditions" => fx.condition.clone(),
                "verification-requests" if op == "refuse_verification" => {
                    fx.verification_to_refuse.clone()
                }
                "verification-requests" => fx.verification.clone(),
                other => panic!("no fixture for /{other}/{{{param}}}"),
            }
        }
    }
}

/// Operations without a JSON body (their input is their path and query).
const NO_BODY: [&str; 125] = [
    "discover_members",
    "mention_members",
    // The upload is multipart/form-data, not JSON: `media::` tests send hostile files.
    "upload_media",
    "get_media",
    "delete_my_avatar",
    "stream_notifications",
    "create_stream_ticket",
    "get_my_message_settings",
    "list_conversations",
    "list_messages",
    "leave_conversation",
    "list_notifications",
    "count_unread_notifications",
    "get_my_notification_settings",
    "read_admin_audit",
    "read_appeals",
    "resend_verification",
    "list_my_reports",
    "list_my_notices",
    "read_queue",
    "read_log",
    "export_my_data",
    "block_member",
    "unblock_member",
    "list_my_blocks",
    "list_my_sessions",
    "revoke_my_session",
    "get_announcements_text",
    "withdraw_announcements_consent",
    "list_studies",
    "get_study",
    "withdraw_consent",
    "export_study",
    "study_aggregates",
    "study_audit",
    "list_questionnaires",
    "get_questionnaire",
    "get_questionnaire_fhir",
    "my_consents",
    "my_due_questionnaires",
    "my_responses",
    "my_responses_fhir",
    "get_openapi",
    "healthz",
    "readyz",
    "list_associations",
    "get_association",
    "list_announcements",
    "list_campaigns",
    "follow_association",
    "unfollow_association",
    "join_association",
    "leave_association",
    "list_association_members",
    "remove_association_member",
    "verify_association",
    "rotate_webhook_secret",
    "list_api_keys",
    "revoke_api_key",
    "list_webhooks",
    "delete_webhook",
    "list_webhook_deliveries",
    "redeliver_webhook",
    "logout",
    "get_calendar_feed",
    "get_campaign",
    "list_donations",
    "get_comment",
    "delete_comment",
    "add_comment_reaction",
    "remove_comment_reaction",
    "list_committees",
    "committee_queue",
    "list_conditions",
    "get_condition",
    "follow_condition",
    "unfollow_condition",
    "get_condition_feed",
    "list_events",
    "get_event",
    "cancel_event",
    "list_attendees",
    "get_event_ical",
    "get_feed",
    "list_groups",
    "get_group",
    "unban_from_group",
    "join_group",
    "list_join_requests",
    "approve_join_request",
    "refuse_join_request",
    "leave_group",
    "list_group_members",
    "remove_group_member",
    "list_group_posts",
    "get_my_profile",
    "create_calendar_token",
    "get_my_settings",
    "get_member",
    "revoke_editor",
    "grant_researcher",
    "revoke_researcher",
    "revoke_badge",
    "follow_member",
    "unfollow_member",
    "list_followers",
    "list_following",
    "approve_kind_change",
    "list_my_verification_requests",
    "list_verification_requests",
    "get_wall",
    "list_places",
    "get_place",
    "get_post",
    "delete_post",
    "list_comments",
    "pin_post",
    "unpin_post",
    "add_post_reaction",
    "remove_post_reaction",
    "list_resources",
    "get_resource",
    "submit_resource",
    "list_versions",
    "search",
];

/// A valid body per operation with a body; `{n}` is replaced by a fresh number per request (for
/// values that must be unique). `None` for an operation the corpus does not know.
fn example(op: &str, fx: &Fixtures) -> Option<Value> {
    let c = &fx.condition;
    let venue =
        json!({"address": "1 rue de la République", "city": "Lyon", "lat": 45.76, "lon": 4.83});
    let content = json!({"title": "Fiche {n}", "summary": "Résumé", "body": "Corps **gras**",
        "tags": ["sep"], "sources": ["HAS 2024"]});
    Some(match op {
        "set_my_avatar" => json!({"media_id": fx.media}),
        "create_association" => json!({"name": "Asso {n}", "description": "Entraide",
            "website": "https://example.org/asso", "region": "Bretagne",
            "contact_email": "contact@example.org", "condition_ids": [c], "open_membership": true}),
        "update_association" => json!({"name": "Asso Hostile", "description": "Entraide",
            "website": "https://example.org/asso", "region": "Bretagne",
            "contact_email": "contact@example.org", "condition_ids": [c], "open_membership": true}),
        "create_announcement" => json!({"title": "Dépistage", "body": "Venez **nombreux**",
            "link": "https://example.org/depistage",
            "targeting": {"condition_ids": [c], "kinds": ["patient"], "region": "Bretagne"},
            "publish_at": "2027-01-01T00:00:00Z", "expires_at": "2027-02-01T00:00:00Z"}),
        "create_campaign" => json!({"title": "Répit", "description": "Financer",
            "goal_cents": 300_000, "currency": "EUR", "starts_at": "2027-01-01T00:00:00Z",
            "ends_at": "2027-06-01T00:00:00Z", "payment_url": "https://pay.example.org/x"}),
        "update_association_member" => json!({"role": "volunteer", "status": "active"}),
        "create_webhook" => json!({"url": "https://93.184.216.34/hook",
            "events": ["event.created", "member.joined"]}),
        "create_api_key" => json!({"name": "Agenda", "scopes": ["events:read", "members:read"],
            "expires_at": "2099-01-01T00:00:00Z"}),
        "login" => json!({"email": fx.refresher.email, "password": PASSWORD}),
        "refresh" => json!({"refresh_token": fx.refresher.tokens.refresh_token}),
        "register" => json!({"email": "h{n}@example.org", "password": PASSWORD,
            "pseudonym": "Nouvelle {n}", "kind": "patient"}),
        "verify_email" => json!({"token": fx.verify_token}),
        "request_password_reset" => json!({"email": fx.refresher.email}),
        "confirm_password_reset" => json!({"token": fx.reset_token,
            "new_password": "un ciel de traîne sur Brest"}),
        "change_my_email" => json!({"new_email": "h{n}@example.net", "password": PASSWORD}),
        "record_donation" => json!({"amount_cents": 2500, "currency": "EUR",
            "donor_name": "Famille Martin", "received_at": "2025-01-02T00:00:00Z",
            "payment_id": "chq-{n}"}),
        "update_comment" | "update_post" => json!({"body": "Modifié"}),
        "update_my_message_settings" => json!({"messages_from": "shared_group"}),
        "create_conversation" => json!({"participant_ids": [fx.other.id], "body": "Bonjour {n}"}),
        "send_message" => json!({"body": "Un message {n}"}),
        "mark_conversation_read" => json!({"last_read_message_id": fx.conversation_message}),
        "file_report" => json!({"target_kind": "member", "target_id": fx.other.id,
            "reason": "spam", "note": "Publicité répétée"}),
        "decide_report" => json!({"action": "warn", "reason": "Merci de rester courtois"}),
        "reinstate_member" => json!({"reason": "Recours accepté"}),
        "appeal_decision" => json!({"statement": "Je témoignais de mon parcours"}),
        "decide_appeal" => json!({"outcome": "upheld", "reason": "La décision est maintenue"}),
        "erase_my_account" => json!({"password": PASSWORD, "content": "anonymise",
            "research_answers": "delete"}),
        "create_committee" => json!({"name": "Comité {n}", "description": "Relecture",
            "association_id": fx.association, "quorum": 1}),
        "add_committee_member" => json!({"member_id": fx.profiler.id, "expertise": "nurse",
            "declared_interests": "Aucun lien d'intérêt"}),
        "ask_verification" => json!({"badge": "professional",
            "document_reference": "RPPS 10001234567"}),
        "approve_verification" | "refuse_verification" => json!({"note": "Attestation vérifiée"}),
        "create_condition" => json!({"name": "Maladie {n}", "orpha_code": "ORPHA:{n}",
            "icd10_code": "G35"}),
        "create_event" => json!({"title": "Rencontre", "description": "Autour d'un café",
            "group_id": fx.group, "starts_at": "2027-03-10T18:00:00+01:00",
            "ends_at": "2027-03-10T20:00:00+01:00", "time_zone": "Europe/Paris",
            "recurrence": "weekly", "recurrence_until": "2027-06-10T20:00:00+02:00",
            "online_url": "https://visio.example.org/x", "venue": venue, "capacity": 20}),
        "update_event" => json!({"title": "Rencontre", "description": "Autour d'un café",
            "starts_at": "2027-03-10T18:00:00+01:00", "ends_at": "2027-03-10T20:00:00+01:00",
            "time_zone": "Europe/Paris", "online_url": "https://visio.example.org/x",
            "venue": venue, "capacity": 30}),
        "rsvp_event" => json!({"status": "going"}),
        "create_group" => json!({"name": "Groupe {n}", "description": "Entraide",
            "condition_id": c, "visibility": "public", "audience": "everyone",
            "association_id": fx.association, "members_can_create_events": true}),
        "update_group" => json!({"name": "Groupe Hostile", "description": "Entraide",
            "condition_id": c, "visibility": "public", "audience": "everyone",
            "members_can_create_events": true}),
        "ban_from_group" => json!({"member_id": fx.banned.id}),
        "invite_to_group" => json!({"member_id": fx.other.id}),
        "set_group_member_role" => json!({"role": "moderator"}),
        "create_group_post" | "create_wall_post" => json!({"body": "Bonjour **à tous**"}),
        "update_my_profile" => json!({"pseudonym": "Profil Hostile", "kind": "caregiver",
            "bio": "Aidante", "avatar_url": "https://example.org/a.png",
            "location": {"city": "Lyon", "region": "ARA", "country": "FR"}, "language": "fr",
            "condition_ids": [c], "visibility": {"bio": "members", "avatar_url": "public",
            "location": "private", "language": "members", "conditions": "private",
            "wall": "members"}}),
        "change_password" => json!({"current_password": PASSWORD,
            "new_password": "un autre mot de passe bien solide"}),
        "update_my_settings" => json!({"receive_announcements": true,
            "listed_in_member_lists": true}),
        "mark_notifications_read" => json!({"all": true}),
        "update_my_notification_settings" => {
            json!({"comment": "in_app", "reaction": "off", "digest": "never"})
        }
        "grant_editor" => json!({}),
        "set_member_role" => json!({"role": "member"}),
        "create_place" => json!({"name": "Lieu {n}", "kind": "support_group",
            "description": "Chaque mardi", "address": "1 rue", "city": "Lyon",
            "postcode": "69001", "lat": 45.76, "lon": 4.83, "phone": "+33 1 23 45 67 89",
            "website": "https://example.org/lieu", "opening_hours": "mardi 18 h",
            "audience": "everyone", "condition_ids": [c], "association_id": fx.association}),
        "update_place" => json!({"name": "Lieu Hostile", "kind": "hospital_department",
            "description": "Chaque mardi", "address": "1 rue", "city": "Lyon",
            "postcode": "69001", "lat": 45.76, "lon": 4.83, "phone": "+33 1 23 45 67 89",
            "website": "https://example.org/lieu", "opening_hours": "mardi 18 h",
            "audience": "everyone", "condition_ids": [c]}),
        "create_comment" => json!({"body": "Merci", "parent_id": fx.comment}),
        "create_resource" => json!({"kind": "fact_sheet", "language": "fr",
            "audience": "everyone", "committee_id": fx.committee, "condition_ids": [c],
            "content": content}),
        "update_resource" => json!({"content": content, "audience": "everyone",
            "condition_ids": [c]}),
        "review_resource" => json!({"decision": "request_changes", "comment": "À revoir",
            "review_in_months": 24}),
        "create_study" => json!({"title": "Étude {n}", "lay_summary": "Un questionnaire par mois.",
            "sponsor": "AP-HP", "ethics_reference": "CPP 2026-A01234-56",
            "eligibility": {"kinds": ["patient", "caregiver"], "condition_ids": [c],
                "min_age": 18, "max_age": 99},
            "consent_text": {"body": "J'accepte de répondre.", "shares_free_text": false}}),
        "update_study" => json!({"title": "Brouillon Hostile", "lay_summary": "Chaque mois.",
            "sponsor": "AP-HP", "ethics_reference": "CPP 2",
            "eligibility": {"kinds": ["patient"], "condition_ids": [c], "min_age": 18,
                "max_age": 99},
            "consent_text": {"body": "J'accepte.", "shares_free_text": true},
            "status": "draft"}),
        "give_consent" | "consent_to_announcements" => json!({"text_version": 1}),
        "publish_announcements_text" => json!({"body": "Nouveau texte {n}.",
            "shares_free_text": false}),
        "create_questionnaire" | "replace_questionnaire" => research_questionnaire(),
        "submit_response" => json!({"answers": {"pain": 3, "sleep": "good",
            "symptoms": ["fatigue"], "woke": true, "nights": 4, "since": "2024-05-01",
            "notes": "Plus fatiguée le soir"}}),
        "donation_webhook" => json!({"campaign_id": fx.campaign, "payment_id": "pay-{n}",
            "amount_cents": 1000, "currency": "EUR", "donor_name": "Famille",
            "anonymous": false, "paid_at": "2025-01-02T00:00:00Z"}),
        _ => return None,
    })
}

fn fill_placeholders(value: &mut Value, n: u64) {
    match value {
        Value::String(text) if text.contains("{n}") => *text = text.replace("{n}", &n.to_string()),
        Value::Array(items) => items.iter_mut().for_each(|v| fill_placeholders(v, n)),
        Value::Object(map) => map.values_mut().for_each(|v| fill_placeholders(v, n)),
        _ => {}
    }
}

// --- sending and judging ------------------------------------------------------------------

struct Corpus<'a> {
    app: &'a TestApp,
    fx: &'a Fixtures,
    database: entraide_persistence::Database,
    count_sql: String,
    counts: Vec<(String, i64)>,
    counter: u64,
    requests: usize,
    failures: Vec<String>,
    /// The webhook key, rotated when the corpus calls `rotate_webhook_secret`.
    secret: String,
    /// The last refusal, to explain a refused example.
    last_refusal: String,
}

#[derive(diesel::QueryableByName)]
struct TableCount {
    #[diesel(sql_type = diesel::sql_types::Text)]
    t: String,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

enum Body {
    None,
    Json(Value),
    Raw(Vec<u8>, &'static str),
}

impl<'a> Corpus<'a> {
    fn new(app: &'a TestApp, fx: &'a Fixtures) -> Self {
        let tables: Vec<&str> = SCHEMA_RS
            .lines()
            .collect::<Vec<_>>()
            .windows(2)
            .filter(|pair| pair[0].trim() == "diesel::table! {")
            .map(|pair| pair[1].trim().split(' ').next().unwrap())
            .filter(|table| !MAY_CHANGE_WHEN_REFUSED.iter().any(|(t, _)| t == table))
            .collect();
        assert!(tables.len() > 20, "tables read from schema.rs: {tables:?}");
        let count_sql = tables
            .iter()
            .map(|t| format!("SELECT '{t}' AS t, COUNT(*) AS n FROM {t}"))
            .collect::<Vec<_>>()
            .join(" UNION ALL ");
        let mut corpus = Self {
            app,
            fx,
            database: app.database(),
            count_sql,
            counts: Vec::new(),
            counter: 900_000,
            requests: 0,
            failures: Vec::new(),
            secret: fx.secret.clone(),
            last_refusal: String::new(),
        };
        corpus.counts = corpus.read_counts();
        corpus
    }

    fn read_counts(&self) -> Vec<(String, i64)> {
        use diesel::RunQueryDsl;
        let _timer = Timer::start(&COUNT_NANOS);
        let mut conn = self.database.reader().unwrap();
        let mut counts: Vec<(String, i64)> = diesel::sql_query(&self.count_sql)
            .load::<TableCount>(&mut **conn)
            .unwrap()
            .into_iter()
            .map(|c| (c.t, c.n))
            .collect();
        counts.sort();
        counts
    }

    fn fail(&mut self, label: &str, what: String) {
        if self.failures.len() < 200 {
            self.failures.push(format!("{label}: {what}"));
        }
    }

    fn bearer(&self, actor: Actor) -> Option<String> {
        let fx = self.fx;
        let member = match actor {
            Actor::Anonymous | Actor::Webhook => return None,
            Actor::Admin => &fx.admin,
            Actor::Other => &fx.other,
            Actor::Changer => &fx.changer,
            Actor::Leaver => &fx.leaver,
            Actor::Eraser => &fx.eraser,
            Actor::Profiler => &fx.profiler,
        };
        Some(member.bearer())
    }

    /// Sends one request and judges the answer; returns the JSON of a 2xx.
    async fn send(
        &mut self,
        label: &str,
        actor: Actor,
        method: Method,
        path: &str,
        body: Body,
    ) -> Option<Value> {
        self.send_for_status(label, actor, method, path, body)
            .await
            .1
    }

    /// Like [`Corpus::send`], with the status (`None` when nothing answered).
    async fn send_for_status(
        &mut self,
        label: &str,
        actor: Actor,
        method: Method,
        path: &str,
        body: Body,
    ) -> (Option<StatusCode>, Option<Value>) {
        self.requests += 1;
        self.counter += 1;
        let url = self.app.url(path);
        let mut request = self.app.client.request(method, url);
        if let Some(bearer) = self.bearer(actor) {
            request = request.header("Authorization", bearer);
        }
        let bytes: Option<Vec<u8>> = match body {
            Body::None => None,
            Body::Json(mut value) => {
                fill_placeholders(&mut value, self.counter);
                request = request.header("Content-Type", "application/json");
                let text = serde_json::to_string(&value)
                    .unwrap()
                    .replace(&format!("\"{RAW}"), "")
                    .replace(&format!("{RAW}\""), "");
                Some(text.into_bytes())
            }
            Body::Raw(bytes, content_type) => {
                request = request.header("Content-Type", content_type);
                Some(bytes)
            }
        };
        if let Some(bytes) = bytes {
            if actor == Actor::Webhook {
                let timestamp = chrono::Utc::now().timestamp().to_string();
                let mut mac = Hmac::<Sha256>::new_from_slice(self.secret.as_bytes()).unwrap();
                mac.update(timestamp.as_bytes());
                mac.update(b".");
                mac.update(&bytes);
                request = request.header("X-Entraide-Timestamp", timestamp).header(
                    "X-Entraide-Signature",
                    format!("sha256={}", hex::encode(mac.finalize().into_bytes())),
                );
            }
            request = request.body(bytes);
        }
        let response = match request.send().await {
            Ok(response) => response,
            Err(error) => {
                self.fail(label, format!("no answer: {error}"));
                return (None, None);
            }
        };
        let status = response.status();
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let text = crate::support::body_text(response).await;
        if status.is_success() {
            self.counts = self.read_counts();
            let value: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
            // The donation webhook key (not an outgoing webhook's secret, which has no path).
            if let (Some(secret), Some(_)) =
                (value["secret"].as_str(), value["webhook_path"].as_str())
            {
                secret.clone_into(&mut self.secret);
            }
            self.check_rendering(label, &value);
            return (Some(status), Some(value));
        }
        self.last_refusal = format!("{status} {}", truncate(&text));
        let problem: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        if status.is_server_error() {
            self.fail(label, format!("{status} {}", truncate(&text)));
        } else if !status.is_client_error() {
            self.fail(label, format!("unexpected {status}"));
        } else if content_type != "application/problem+json" {
            self.fail(
                label,
                format!("{status} without problem+json ({content_type:?})"),
            );
        } else if !problem["code"].is_string() {
            self.fail(
                label,
                format!("{status} problem without a code: {}", truncate(&text)),
            );
        }
        // Refused at the boundary, before any handler ran: nothing can have been written.
        if problem["code"]
            .as_str()
            .is_some_and(|code| BOUNDARY_CODES.contains(&code))
        {
            return (Some(status), None);
        }
        let after = self.read_counts();
        if after != self.counts {
            let changed: Vec<String> = after
                .iter()
                .zip(&self.counts)
                .filter(|(a, b)| a.1 != b.1)
                .map(|(a, b)| format!("{}: {} -> {}", a.0, b.1, a.1))
                .collect();
            self.fail(
                label,
                format!("refused with {status} but stored: {changed:?}"),
            );
            self.counts = after;
        }
        (Some(status), None)
    }

    fn check_rendering(&mut self, label: &str, value: &Value) {
        match value {
            Value::Object(map) => {
                for (key, item) in map {
                    if key.ends_with("_html") {
                        let html = item.as_str().unwrap_or_default().to_lowercase();
                        for bad in [
                            "<script",
                            "<img",
                            "javascript:",
                            "onerror",
                            "tracker.example",
                        ] {
                            if html.contains(bad)
                                && !(bad == "tracker.example" && html.contains("<a "))
                            {
                                self.fail(label, format!("{key} holds {bad}: {html}"));
                            }
                        }
                    }
                    self.check_rendering(label, item);
                }
            }
            Value::Array(items) => items
                .iter()
                .for_each(|item| self.check_rendering(label, item)),
            _ => {}
        }
    }
}

static COUNT_NANOS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

struct Timer<'a>(&'a std::sync::atomic::AtomicU64, Instant);

impl<'a> Timer<'a> {
    fn start(total: &'a std::sync::atomic::AtomicU64) -> Self {
        Self(total, Instant::now())
    }
}

impl Drop for Timer<'_> {
    fn drop(&mut self) {
        let nanos = u64::try_from(self.1.elapsed().as_nanos()).unwrap_or(u64::MAX);
        self.0
            .fetch_add(nanos, std::sync::atomic::Ordering::Relaxed);
    }
}

fn truncate(text: &str) -> String {
    text.chars().take(300).collect()
}

fn label_value(value: &Value) -> String {
    let text = value.to_string();
    if text.len() > 60 {
        format!(
            "{}…({} bytes)",
            text.chars().take(40).collect::<String>(),
            text.len()
        )
    } else {
        text
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Part {
    /// The example, whole bodies, then each field of the body.
    Bodies,
    /// Path parameters, query parameters, and a body sent where none is expected.
    PathsAndQueries,
}

async fn run_operation(corpus: &mut Corpus<'_>, op: &Operation, part: Part) {
    let fx = corpus.fx;
    let actor = actor_of(&op.id);
    let values: Vec<(String, String)> = op
        .path_params
        .iter()
        .map(|p| (p.clone(), path_value(&op.id, &op.path, p, fx)))
        .collect();
    let path_with = |replaced: Option<(&str, &str)>| {
        let mut path = op.path.clone();
        for (name, value) in &values {
            let value = match replaced {
                Some((r, v)) if r == name => v.to_owned(),
                _ => value.clone(),
            };
            path = path.replace(&format!("{{{name}}}"), &value);
        }
        path
    };
    let path = path_with(None);
    let mut example = example(&op.id, fx);
    if op.id == "consent_to_announcements"
        && let Some(example) = example.as_mut()
    {
        // `publish_announcements_text` moves the version on: consent to the current one.
        let text = corpus
            .app
            .ok_json(
                Method::GET,
                "/api/v1/consent-texts/announcements",
                None,
                None,
            )
            .await;
        example["text_version"] = text["version"].clone();
    }
    match part {
        Part::PathsAndQueries => {
            paths_and_queries(corpus, op, actor, &values, &path_with, example).await
        }
        Part::Bodies => {
            if let (Some(fields), Some(example)) = (&op.body, example) {
                bodies(corpus, op, actor, &path, fields, example).await;
            }
        }
    }
}

/// Builds the operation's path, one parameter optionally replaced.
type PathWith<'a> = dyn Fn(Option<(&str, &str)>) -> String + 'a;

async fn paths_and_queries(
    corpus: &mut Corpus<'_>,
    op: &Operation,
    actor: Actor,
    values: &[(String, String)],
    path_with: &PathWith<'_>,
    example: Option<Value>,
) {
    let base_body = || example.clone().map_or(Body::None, Body::Json);
    // Path parameters that are not ids, or name nothing.
    for (name, _) in values {
        for hostile in hostile_path_values() {
            let label = format!("{} path {name}={}", op.id, truncate(&hostile));
            let target = path_with(Some((name, &hostile)));
            corpus
                .send(&label, actor, op.method.clone(), &target, base_body())
                .await;
        }
    }
    // Query parameters, as the actor and, where the spec allows it, as a visitor.
    let path = path_with(None);
    for (name, kind) in &op.query {
        for hostile in hostile_query_values(kind, name) {
            let target = format!("{path}?{name}={}", encode_query(&hostile));
            let mut actors = vec![actor];
            if op.anonymous && actor != Actor::Anonymous {
                actors.push(Actor::Anonymous);
            }
            for who in actors {
                let label = format!("{} ?{name}={} as {who:?}", op.id, truncate(&hostile));
                corpus
                    .send(&label, who, op.method.clone(), &target, Body::None)
                    .await;
            }
        }
    }
    if op.body.is_none() {
        // A body where none is expected is ignored or refused, never a crash.
        corpus
            .send(
                &format!("{} unexpected body", op.id),
                actor,
                op.method.clone(),
                &path,
                Body::Raw(b"{\"a\":\x00\xff".to_vec(), "application/json"),
            )
            .await;
    }
}

async fn send_example(
    corpus: &mut Corpus<'_>,
    op: &Operation,
    actor: Actor,
    path: &str,
    example: &Value,
) {
    let label = format!("{} example", op.id);
    if corpus
        .send(
            &label,
            actor,
            op.method.clone(),
            path,
            Body::Json(example.clone()),
        )
        .await
        .is_none()
    {
        let why = corpus.last_refusal.clone();
        corpus.fail(&label, format!("the valid example was refused: {why}"));
    }
}

async fn bodies(
    corpus: &mut Corpus<'_>,
    op: &Operation,
    actor: Actor,
    path: &str,
    fields: &[Field],
    mut example: Value,
) {
    // The example answers 2xx: the hostile values below reach the parsers, not a refusal. An
    // erasure's example ends its caller's account: it is sent last.
    let erases = op.id == "erase_my_account";
    if !erases {
        send_example(corpus, op, actor, path, &example).await;
    }
    // A password change moves the current password on.
    let follow = |example: &mut Value, sent: &Value| {
        if op.id == "change_password" {
            example["current_password"] = sent["new_password"].clone();
        }
    };
    let sent = example.clone();
    follow(&mut example, &sent);

    // Whole bodies: the wrong shape (422 naming the body), broken syntax (400), bad bytes.
    let label = |what: &str| format!("{} body {what}", op.id);
    for shape in [json!([]), json!("x"), json!(5)] {
        let what = label(&shape.to_string());
        let (status, _) = corpus
            .send_for_status(&what, actor, op.method.clone(), path, Body::Json(shape))
            .await;
        if actor != Actor::Anonymous && status != Some(StatusCode::UNPROCESSABLE_ENTITY) {
            corpus.fail(&what, format!("{status:?} instead of 422"));
        }
    }
    let serialized = serde_json::to_vec(&example).unwrap();
    let mut deep_array = "[".repeat(10_000).into_bytes();
    deep_array.extend("]".repeat(10_000).into_bytes());
    let mut deep_field = serialized.clone();
    deep_field.pop();
    deep_field.extend(b",\"deep\":");
    deep_field.extend("{\"a\":".repeat(5_000).into_bytes());
    deep_field.extend(b"1");
    deep_field.extend("}".repeat(5_001).into_bytes());
    let mut trailing = serialized.clone();
    trailing.extend(b" x");
    let mut bad_utf8 = serialized.clone();
    if let Some(quote) = bad_utf8.iter().rposition(|b| *b == b'"') {
        bad_utf8.splice(quote..quote, [0xFF, 0xFE, 0xC3]);
    }
    let mut duplicate = serialized.clone();
    duplicate.pop();
    duplicate.extend(b",\"a\":1,\"a\":2}");
    let raw_bodies: Vec<(&str, Vec<u8>, &'static str)> = vec![
        ("null", b"null".to_vec(), "application/json"),
        ("{}", b"{}".to_vec(), "application/json"),
        ("10,000 nested arrays", deep_array, "application/json"),
        (
            "5,000 nested objects in a field",
            deep_field,
            "application/json",
        ),
        ("trailing garbage", trailing, "application/json"),
        ("invalid UTF-8", bad_utf8, "application/json"),
        ("1 MB", one_megabyte().into_bytes(), "application/json"),
        ("text/plain", serialized.clone(), "text/plain"),
        ("empty", Vec::new(), "application/json"),
        ("duplicate key", duplicate, "application/json"),
    ];
    for (what, bytes, content_type) in raw_bodies {
        corpus
            .send(
                &label(what),
                actor,
                op.method.clone(),
                path,
                Body::Raw(bytes, content_type),
            )
            .await;
    }
    // As a visitor: a body is no way in.
    if actor != Actor::Anonymous && actor != Actor::Webhook {
        corpus
            .send(
                &label("as anonymous"),
                Actor::Anonymous,
                op.method.clone(),
                path,
                Body::Json(example.clone()),
            )
            .await;
    }

    // One field at a time; the first free-text field also gets a 1 MB string (413).
    let mut megabyte_sent = false;
    for field in fields {
        let mut values = values_for(&field.kind);
        if !megabyte_sent
            && matches!(
                field.kind,
                Kind::Str {
                    format: None,
                    is_enum: false
                }
            )
        {
            megabyte_sent = true;
            values.push(json!(one_megabyte()));
        }
        for value in values {
            let mut body = example.clone();
            set_at(&mut body, &field.path, value.clone());
            let what = format!("{} {}={}", op.id, field.name(), label_value(&value));
            let answer = corpus
                .send(
                    &what,
                    actor,
                    op.method.clone(),
                    path,
                    Body::Json(body.clone()),
                )
                .await;
            if let Some(answer) = answer {
                follow(&mut example, &body);
                if let Some(text) = value.as_str() {
                    check_round_trip(corpus, &what, field, text, &answer);
                }
            }
        }
        if matches!(field.path.last(), Some(Seg::Item)) {
            // A huge array of valid-looking items.
            let parent = &field.path[..field.path.len() - 1];
            let mut body = example.clone();
            let item = json!(uuid::Uuid::now_v7().to_string());
            set_at(&mut body, parent, Value::Array(vec![item; 3_000]));
            corpus
                .send(
                    &format!("{} {} × 3,000", op.id, field.name()),
                    actor,
                    op.method.clone(),
                    path,
                    Body::Json(body),
                )
                .await;
        }
    }
    if erases {
        send_example(corpus, op, actor, path, &example).await;
    }
}

/// Legitimate free text is stored as sent (trimmed) and its rendering is harmless.
fn check_round_trip(
    corpus: &mut Corpus<'_>,
    label: &str,
    field: &Field,
    sent: &str,
    answer: &Value,
) {
    if !legitimate_texts().contains(&sent) {
        return;
    }
    let [Seg::Key(key)] = field.path.as_slice() else {
        return;
    };
    if !matches!(
        key.as_str(),
        "body" | "title" | "description" | "bio" | "comment"
    ) {
        return;
    }
    let stored = &answer[key.as_str()];
    if stored.is_string() && stored.as_str() != Some(sent.trim()) {
        corpus.fail(label, format!("stored as {stored}"));
    }
}

/// Runs one part of the corpus over every operation on a fresh app, then checks that nothing
/// went wrong and that the server is healthy.
async fn run_corpus(part: Part) {
    let started = Instant::now();
    let app = spawn_app().await;
    let spec: Value = serde_json::from_str(SPEC).unwrap();
    let fx = fixtures(&app).await;
    let ops = operations(&spec);
    assert!(
        ops.len() > 100,
        "operations read from the spec: {}",
        ops.len()
    );

    // The corpus knows every operation: a body example, no body, or a reason to skip it.
    let unknown: Vec<&str> = ops
        .iter()
        .filter(|op| {
            let known = if op.body.is_some() {
                example(&op.id, &fx).is_some()
            } else {
                NO_BODY.contains(&op.id.as_str())
            };
            !known && !SKIPPED.iter().any(|(s, _)| *s == op.id)
        })
        .map(|op| op.id.as_str())
        .collect();
    assert!(
        unknown.is_empty(),
        "operations the hostile corpus does not know (add an example, NO_BODY or SKIPPED): {unknown:?}"
    );
    let ids: BTreeSet<&str> = ops.iter().map(|op| op.id.as_str()).collect();
    let stale: Vec<&&str> = NO_BODY.iter().filter(|id| !ids.contains(**id)).collect();
    assert!(
        stale.is_empty(),
        "NO_BODY names operations gone from the spec: {stale:?}"
    );

    let mut corpus = Corpus::new(&app, &fx);
    // Operations that end something (a session, a membership, a post) run last.
    let ends_something = |op: &Operation| {
        op.method == Method::DELETE
            || matches!(
                op.id.as_str(),
                "logout" | "leave_group" | "change_password" | "leave_conversation"
            )
    };
    let (last, first): (Vec<&Operation>, Vec<&Operation>) =
        ops.iter().partition(|op| ends_something(op));
    let mut timings: Vec<(u128, String)> = Vec::new();
    for op in first.into_iter().chain(last) {
        if SKIPPED.iter().any(|(s, _)| *s == op.id) {
            continue;
        }
        let at = Instant::now();
        run_operation(&mut corpus, op, part).await;
        timings.push((at.elapsed().as_millis(), op.id.clone()));
    }
    timings.sort();
    timings.reverse();
    eprintln!(
        "hostile corpus: {} requests over {} operations in {:.1}s ({:.1}s counting rows); slowest: {:?}",
        corpus.requests,
        ops.len(),
        started.elapsed().as_secs_f64(),
        COUNT_NANOS.load(std::sync::atomic::Ordering::Relaxed) as f64 / 1e9,
        &timings[..5.min(timings.len())]
    );
    let failures = std::mem::take(&mut corpus.failures);
    assert!(
        failures.is_empty(),
        "{} hostile requests went wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );

    // Healthy after it all: ready, and a normal write is stored and readable.
    let ready = app.get("/readyz", None).await;
    assert_eq!(ready.status(), StatusCode::OK);
    let created = app
        .ok_json(
            Method::POST,
            "/api/v1/associations",
            Some(&fx.other),
            Some(json!({"name": "Toujours là", "description": "Après le corpus"})),
        )
        .await;
    let read = app
        .ok_json(
            Method::GET,
            &format!("/api/v1/associations/{}", id_of(&created)),
            None,
            None,
        )
        .await;
    assert_eq!(read["name"], "Toujours là");
}

#[actix_web::test]
async fn hostile_bodies_get_4xx_problems_or_success_never_a_crash() {
    run_corpus(Part::Bodies).await;
}

#[actix_web::test]
async fn hostile_paths_and_queries_get_4xx_problems_or_success_never_a_crash() {
    run_corpus(Part::PathsAndQueries).await;
}
