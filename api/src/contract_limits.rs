//! The limits the published schemas state are the domain's: the `#[schema]` attributes of the
//! `openapi` crate take literals only (utoipa reads them at compile time) and that crate does not
//! depend on `domain`, so this test, which sees both, keeps each literal equal to its constant.
//! A new limit: add the attribute in `openapi/src`, then a line here.

use entraide_domain::association::DEFAULT_OPEN_MEMBERSHIP;
use entraide_domain::condition::ConditionName;
use entraide_domain::event::{DEFAULT_QUERY_RANGE, MAX_CAPACITY, MAX_QUERY_RANGE};
use entraide_domain::geo::MAX_RADIUS_KM;
use entraide_domain::group::{GroupDescription, GroupName};
use entraide_domain::member::{Email, Password, Pseudonym};
use entraide_domain::post::Body;
use entraide_domain::profile::{Bio, Location};
use entraide_domain::resource::{DEFAULT_QUORUM, DEFAULT_REVIEW_MONTHS, MAX_REVIEW_MONTHS};
use entraide_domain::search::MAX_QUERY_CHARS;
use entraide_domain::text::{Description, Title};
use entraide_openapi::pagination::PageQuery;
use serde_json::Value;

fn document() -> Value {
    serde_json::to_value(crate::routes::openapi()).unwrap()
}

fn property<'a>(doc: &'a Value, schema: &str, field: &str) -> &'a Value {
    let value = &doc["components"]["schemas"][schema]["properties"][field];
    assert!(value.is_object(), "{schema}.{field} is not in the document");
    value
}

fn parameter<'a>(doc: &'a Value, path: &str, name: &str) -> &'a Value {
    let parameters = doc["paths"][path]["get"]["parameters"].as_array().unwrap();
    let parameter = parameters.iter().find(|p| p["name"] == name);
    &parameter.unwrap_or_else(|| panic!("{path} has no {name}"))["schema"]
}

fn number(value: &Value, keyword: &str) -> f64 {
    value[keyword]
        .as_f64()
        .unwrap_or_else(|| panic!("no {keyword} in {value}"))
}

#[test]
fn string_lengths_are_the_domain_limits() {
    let doc = document();
    let cases: &[(&str, &str, &str, usize)] = &[
        ("RegisterRequest", "email", "maxLength", Email::MAX_LEN),
        (
            "RegisterRequest",
            "password",
            "minLength",
            Password::MIN_CHARS,
        ),
        (
            "RegisterRequest",
            "password",
            "maxLength",
            Password::MAX_BYTES,
        ),
        (
            "RegisterRequest",
            "pseudonym",
            "minLength",
            Pseudonym::MIN_CHARS,
        ),
        (
            "RegisterRequest",
            "pseudonym",
            "maxLength",
            Pseudonym::MAX_CHARS,
        ),
        ("NewPostRequest", "body", "maxLength", Body::POST_MAX_CHARS),
        (
            "NewCommentRequest",
            "body",
            "maxLength",
            Body::COMMENT_MAX_CHARS,
        ),
        (
            "CreateGroupRequest",
            "name",
            "maxLength",
            GroupName::MAX_CHARS,
        ),
        (
            "CreateGroupRequest",
            "description",
            "maxLength",
            GroupDescription::MAX_CHARS,
        ),
        (
            "CreateConditionRequest",
            "name",
            "maxLength",
            ConditionName::MAX_CHARS,
        ),
        (
            "CreateAssociationRequest",
            "name",
            "maxLength",
            Title::MAX_CHARS,
        ),
        (
            "CreateAssociationRequest",
            "description",
            "maxLength",
            Description::MAX_CHARS,
        ),
        (
            "CreateAnnouncementRequest",
            "title",
            "maxLength",
            Title::MAX_CHARS,
        ),
        (
            "CreateCampaignRequest",
            "title",
            "maxLength",
            Title::MAX_CHARS,
        ),
        ("CreateEventRequest", "title", "maxLength", Title::MAX_CHARS),
        ("CreatePlaceRequest", "name", "maxLength", Title::MAX_CHARS),
        ("ContentInput", "title", "maxLength", Title::MAX_CHARS),
        ("UpdateProfileRequest", "bio", "maxLength", Bio::MAX_CHARS),
        ("Location", "city", "maxLength", Location::MAX_CHARS),
        ("Location", "region", "maxLength", Location::MAX_CHARS),
    ];
    for (schema, field, keyword, limit) in cases {
        let stated = number(property(&doc, schema, field), keyword);
        assert_eq!(stated, *limit as f64, "{schema}.{field} {keyword}");
    }
}

#[test]
fn numeric_limits_are_the_domain_limits() {
    let doc = document();
    let capacity = property(&doc, "CreateEventRequest", "capacity");
    assert_eq!(number(capacity, "maximum"), f64::from(MAX_CAPACITY));
    let capacity = property(&doc, "UpdateEventRequest", "capacity");
    assert_eq!(number(capacity, "maximum"), f64::from(MAX_CAPACITY));
    for path in ["/api/v1/events", "/api/v1/places"] {
        let radius = parameter(&doc, path, "radius_km");
        assert_eq!(number(radius, "maximum"), MAX_RADIUS_KM, "{path}");
        assert_eq!(number(radius, "exclusiveMinimum"), 0.0, "{path}");
    }
    let q = parameter(&doc, "/api/v1/search", "q");
    assert_eq!(number(q, "maxLength"), MAX_QUERY_CHARS as f64);
    let limit = parameter(&doc, "/api/v1/groups", "limit");
    assert_eq!(number(limit, "maximum"), f64::from(PageQuery::MAX_LIMIT));
    assert_eq!(
        number(limit, "default"),
        f64::from(PageQuery::DEFAULT_LIMIT)
    );
}

/// Defaults the server applies are in the document: as `default` where a value says it, in the
/// descriptions where it depends on the request (the calendar's range starts now and ends
/// [`DEFAULT_QUERY_RANGE`] later), each from the constant the server applies.
#[test]
fn defaults_are_the_servers() {
    let doc = document();
    let defaults: [(&str, &str, Value); 4] = [
        (
            "CreateCommitteeRequest",
            "quorum",
            Value::from(DEFAULT_QUORUM),
        ),
        (
            "ReviewRequest",
            "review_in_months",
            Value::from(DEFAULT_REVIEW_MONTHS),
        ),
        (
            "CreateAssociationRequest",
            "open_membership",
            Value::from(DEFAULT_OPEN_MEMBERSHIP),
        ),
        (
            "CreateGroupRequest",
            "members_can_create_events",
            Value::from(false),
        ),
    ];
    for (schema, field, default) in defaults {
        assert_eq!(
            property(&doc, schema, field)["default"],
            default,
            "{schema}.{field}"
        );
    }
    let months = property(&doc, "ReviewRequest", "review_in_months");
    assert_eq!(number(months, "maximum"), f64::from(MAX_REVIEW_MONTHS));

    let days = |range: chrono::TimeDelta| format!("{} days", range.num_days());
    let description = |name: &str| -> String {
        let parameters = doc["paths"]["/api/v1/events"]["get"]["parameters"]
            .as_array()
            .unwrap();
        let parameter = parameters.iter().find(|p| p["name"] == name).unwrap();
        parameter["description"].as_str().unwrap().to_owned()
    };
    assert!(description("from").contains("Absent: now"));
    let to = description("to");
    assert!(
        to.contains(&format!(
            "Absent: {} after `from`",
            days(DEFAULT_QUERY_RANGE)
        )),
        "{to}"
    );
    assert!(
        to.contains(&format!("at most {} later", days(MAX_QUERY_RANGE))),
        "{to}"
    );
    let operation = doc["paths"]["/api/v1/events"]["get"]["description"]
        .as_str()
        .unwrap();
    assert!(
        operation.contains(&format!(
            "it ends {} after `from`",
            days(DEFAULT_QUERY_RANGE)
        )) && operation.contains(&format!("at most {}", days(MAX_QUERY_RANGE))),
        "{operation}"
    );
}
