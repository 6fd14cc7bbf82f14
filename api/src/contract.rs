//! Rules every request string follows, written into the published schemas from the code that
//! enforces them, so data valid per the spec is data the server accepts.
//!
//! - No query parameter or path segment holds a control character or a bidirectional control
//!   (`input::forbidden_anywhere`); no body string either, except newlines and tabs
//!   (`input::forbidden_in_body`): each string without a format, an enum or its own pattern gets
//!   the matching `pattern`.
//! - Single-line names and titles are trimmed, then hold `min..=max` characters (the domain's
//!   constants): their pattern says so, as the `minLength` / `maxLength` attributes cannot.
//!
//! The patterns are ECMA-262 regular expressions (JSON Schema's dialect) that Python's `re`, used
//! by schemathesis, reads the same way.

use entraide_domain::group::GroupName;
use entraide_domain::post::ContentWarning;
use entraide_domain::text::{Label, Title};
use serde_json::{Map, Value};
use utoipa::openapi::OpenApi;

/// The characters `input::forbidden_anywhere` refuses, as the inside of a character class.
const FORBIDDEN_ANYWHERE: &str = r"\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069";
/// The characters `input::forbidden_in_body` refuses: the same, but tabs and line breaks.
const FORBIDDEN_IN_BODY: &str =
    r"\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069";

/// A query parameter or path segment.
pub fn query_pattern() -> String {
    format!("^[^{FORBIDDEN_ANYWHERE}]*$")
}

/// A string of a request body.
pub fn body_pattern() -> String {
    format!("^[^{FORBIDDEN_IN_BODY}]*$")
}

/// A single-line text that, once trimmed, holds `min..=max` characters (`min` ≥ 1).
pub fn single_line_pattern(min: usize, max: usize) -> String {
    let edge = format!(r"[^\s{FORBIDDEN_ANYWHERE}]");
    let inner = format!("[^{FORBIDDEN_ANYWHERE}]");
    let middle = if min <= 1 {
        format!("(?:{inner}{{0,{}}}{edge})?", max.saturating_sub(2))
    } else {
        format!("{inner}{{{},{}}}{edge}", min - 2, max.saturating_sub(2))
    };
    format!(r"^[ \t]*{edge}{middle}[ \t]*$")
}

/// A text of several lines that, once trimmed, holds `min..=max` characters (`min` ≥ 2): a
/// moderator's reason. Counted before line breaks are normalised, so it is as narrow as the
/// parser or narrower.
pub fn trimmed_text_pattern(min: usize, max: usize) -> String {
    let edge = format!(r"[^\s{FORBIDDEN_ANYWHERE}]");
    let inner = format!("[^{FORBIDDEN_IN_BODY}]");
    format!(
        r"^[ \t\r\n]*{edge}{inner}{{{},{}}}{edge}[ \t\r\n]*$",
        min.saturating_sub(2),
        max.saturating_sub(2)
    )
}

/// A long text (tabs and line breaks allowed) that is not blank.
pub fn long_text_pattern() -> String {
    format!(r"^[^{FORBIDDEN_IN_BODY}]*[^\s{FORBIDDEN_ANYWHERE}][^{FORBIDDEN_IN_BODY}]*$")
}

/// The request-body fields with a rule of their own, and its pattern: single-line names and
/// titles with their trimmed bounds, long texts that must not be blank, and the codes the
/// domain parses (`condition::OrphaCode`, `condition::Icd10Code`, `place::Postcode`,
/// `place::Phone`), stated as narrowly as or more narrowly than their parsers.
fn field_rules() -> Vec<(&'static str, &'static str, String)> {
    let title = single_line_pattern(3, Title::MAX_CHARS);
    let group_name = single_line_pattern(3, GroupName::MAX_CHARS);
    let label = single_line_pattern(1, Label::MAX_CHARS);
    let warning = single_line_pattern(1, ContentWarning::MAX_CHARS);
    let long_text = long_text_pattern();
    let reason = trimmed_text_pattern(3, 1000);
    let mut rules: Vec<(&'static str, &'static str, String)> = Vec::new();
    let mut add = |fields: &[(&'static str, &'static str)], pattern: &str| {
        for (schema, field) in fields {
            rules.push((schema, field, pattern.to_owned()));
        }
    };
    add(
        &[
            ("CreateEventRequest", "title"),
            ("UpdateEventRequest", "title"),
            ("CreatePlaceRequest", "name"),
            ("UpdatePlaceRequest", "name"),
            ("CreateCommitteeRequest", "name"),
            ("CreateAnnouncementRequest", "title"),
            ("CreateCampaignRequest", "title"),
            ("CreateAssociationRequest", "name"),
            ("UpdateAssociationRequest", "name"),
            ("ContentInput", "title"),
        ],
        &title,
    );
    add(
        &[
            ("CreateGroupRequest", "name"),
            ("UpdateGroupRequest", "name"),
        ],
        &group_name,
    );
    add(
        &[
            ("CreateAssociationRequest", "region"),
            ("UpdateAssociationRequest", "region"),
            ("CreatePlaceRequest", "address"),
            ("CreatePlaceRequest", "city"),
            ("UpdatePlaceRequest", "address"),
            ("UpdatePlaceRequest", "city"),
            ("Venue", "address"),
            ("Venue", "city"),
            ("RecordDonationRequest", "donor_name"),
            ("Targeting", "region"),
        ],
        &label,
    );
    add(
        &[
            ("DecisionRequest", "reason"),
            ("ReinstateRequest", "reason"),
            ("AppealRequest", "statement"),
            ("AppealDecisionRequest", "reason"),
        ],
        &reason,
    );
    add(
        &[
            ("NewPostRequest", "content_warning"),
            ("EditRequest", "content_warning"),
        ],
        &warning,
    );
    add(
        &[
            ("NewPostRequest", "body"),
            ("NewCommentRequest", "body"),
            ("EditRequest", "body"),
            ("EditCommentRequest", "body"),
            ("CreateAnnouncementRequest", "body"),
        ],
        &long_text,
    );
    add(
        &[("CreateConditionRequest", "orpha_code")],
        "^(?:ORPHA:|orpha:)?[0-9]{1,7}$",
    );
    add(
        &[("CreateConditionRequest", "icd10_code")],
        r"^[A-Za-z][0-9][A-Za-z0-9](?:\.[A-Za-z0-9]{1,2})?$",
    );
    add(
        &[
            ("CreatePlaceRequest", "postcode"),
            ("UpdatePlaceRequest", "postcode"),
        ],
        "^[A-Za-z0-9-][A-Za-z0-9 -]{0,8}[A-Za-z0-9-]$",
    );
    add(
        &[
            ("CreatePlaceRequest", "phone"),
            ("UpdatePlaceRequest", "phone"),
        ],
        r"^\+?(?:[ .()-]*[0-9]){6,20}[ .()-]*$",
    );
    rules
}

/// Whether a schema is a string with nothing that already constrains its characters.
fn is_free_string(schema: &Map<String, Value>) -> bool {
    let is_string = match schema.get("type") {
        Some(Value::String(kind)) => kind == "string",
        Some(Value::Array(kinds)) => kinds.iter().any(|kind| kind == "string"),
        _ => false,
    };
    is_string
        && !["format", "enum", "pattern", "const"]
            .iter()
            .any(|keyword| schema.contains_key(*keyword))
}

/// Adds `pattern` to every free string of `schema`, and collects the components it refers to.
fn constrain(schema: &mut Value, pattern: &str, refs: &mut Vec<String>) {
    let Value::Object(object) = schema else {
        return;
    };
    if let Some(Value::String(reference)) = object.get("$ref") {
        if let Some(name) = reference.strip_prefix("#/components/schemas/") {
            refs.push(name.to_owned());
        }
        return;
    }
    if is_free_string(object) {
        object.insert("pattern".to_owned(), Value::from(pattern));
    }
    for key in ["items", "additionalProperties", "not"] {
        if let Some(child) = object.get_mut(key) {
            constrain(child, pattern, refs);
        }
    }
    for key in ["oneOf", "anyOf", "allOf", "prefixItems"] {
        if let Some(Value::Array(children)) = object.get_mut(key) {
            for child in children {
                constrain(child, pattern, refs);
            }
        }
    }
    if let Some(Value::Object(properties)) = object.get_mut("properties") {
        for child in properties.values_mut() {
            constrain(child, pattern, refs);
        }
    }
}

fn apply(document: &mut Value) {
    let query = query_pattern();
    let body = body_pattern();
    let mut refs = Vec::new();
    if let Some(Value::Object(paths)) = document.get_mut("paths") {
        for item in paths.values_mut() {
            let Value::Object(operations) = item else {
                continue;
            };
            for operation in operations.values_mut() {
                if let Some(Value::Array(parameters)) = operation.get_mut("parameters") {
                    for parameter in parameters {
                        if let Some(schema) = parameter.get_mut("schema") {
                            // Parameters refer to no component that holds free strings.
                            constrain(schema, &query, &mut Vec::new());
                        }
                    }
                }
                if let Some(Value::Object(content)) = operation
                    .get_mut("requestBody")
                    .and_then(|body| body.get_mut("content"))
                {
                    for media in content.values_mut() {
                        if let Some(schema) = media.get_mut("schema") {
                            constrain(schema, &body, &mut refs);
                        }
                    }
                }
            }
        }
    }
    let Some(Value::Object(schemas)) = document.pointer_mut("/components/schemas") else {
        return;
    };
    let mut done = std::collections::BTreeSet::new();
    while let Some(name) = refs.pop() {
        if !done.insert(name.clone()) {
            continue;
        }
        if let Some(schema) = schemas.get_mut(&name) {
            constrain(schema, &body, &mut refs);
        }
    }
    for (schema, field, pattern) in field_rules() {
        if let Some(Value::Object(property)) = schemas
            .get_mut(schema)
            .and_then(|schema| schema.pointer_mut(&format!("/properties/{field}")))
        {
            property.insert("pattern".to_owned(), Value::from(pattern));
        }
    }
}

/// The document with the text rules written in. The rules are added on the JSON form; should
/// the round trip ever fail, the document is served without them rather than not at all.
pub fn with_text_rules(document: OpenApi) -> OpenApi {
    let Ok(mut value) = serde_json::to_value(&document) else {
        return document;
    };
    apply(&mut value);
    serde_json::from_value(value).unwrap_or(document)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_rule_names_a_field() {
        let document = serde_json::to_value(crate::routes::openapi()).unwrap();
        for (schema, field, pattern) in field_rules() {
            let property = &document["components"]["schemas"][schema]["properties"][field];
            assert_eq!(property["pattern"], pattern.as_str(), "{schema}.{field}");
        }
    }

    #[test]
    fn the_round_trip_keeps_the_document() {
        use utoipa_actix_web::AppExt;
        let (_, document) = actix_web::App::new()
            .into_utoipa_app()
            .configure(crate::routes::configure)
            .split_for_parts();
        let before = serde_json::to_value(&document).unwrap();
        let after: OpenApi = serde_json::from_value(before.clone()).unwrap();
        assert_eq!(serde_json::to_value(after).unwrap(), before);
    }

    #[test]
    fn the_patterns_name_the_characters_the_input_filter_refuses() {
        // Every forbidden character is in a range of the class, and no allowed one is.
        let ranges = |class: &str| -> Vec<(u32, u32)> {
            let mut out = Vec::new();
            let mut rest = class;
            while let Some(tail) = rest.strip_prefix(r"\u") {
                let start = u32::from_str_radix(&tail[..4], 16).unwrap();
                rest = &tail[4..];
                let end = match rest.strip_prefix(r"-\u") {
                    Some(tail) => {
                        rest = &tail[4..];
                        u32::from_str_radix(&tail[..4], 16).unwrap()
                    }
                    None => start,
                };
                out.push((start, end));
            }
            assert!(rest.is_empty(), "unread: {rest}");
            out
        };
        let anywhere = ranges(FORBIDDEN_ANYWHERE);
        let in_body = ranges(FORBIDDEN_IN_BODY);
        for code in 0..0x3000u32 {
            let Some(c) = char::from_u32(code) else {
                continue;
            };
            let listed =
                |ranges: &[(u32, u32)]| ranges.iter().any(|(a, b)| (*a..=*b).contains(&code));
            assert_eq!(
                listed(&anywhere),
                crate::input::forbidden_anywhere(c),
                "{code:#x}"
            );
            assert_eq!(
                listed(&in_body),
                crate::input::forbidden_in_body(c),
                "{code:#x}"
            );
        }
    }
}
