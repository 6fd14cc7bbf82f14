//! Research questionnaires (patient-reported outcomes): items in the HL7 FHIR `Questionnaire`
//! vocabulary (`linkId`, `type`, `answerOption`, `enableWhen`), and the validation of an answer
//! set against one questionnaire version — types, ranges, required items and skip logic. An
//! invalid answer set is refused whole, with one error per item (`answers.<linkId>`).

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use crate::error::{Errors, FieldError, ParseError};
use crate::text::Label;
use crate::time::{EARLIEST_YEAR, LATEST_YEAR};

/// The most items a questionnaire holds.
pub const MAX_ITEMS: usize = 200;
/// The most options a choice item offers.
pub const MAX_OPTIONS: usize = 50;
/// The longest a free-text answer may be, whatever the item allows.
pub const MAX_TEXT_CHARS: usize = 4000;
/// The longest an item's `linkId` or an option's `code` may be.
pub const MAX_CODE_CHARS: usize = 64;
/// Numbers in answers and ranges stay within ±this (no overflow in later statistics).
pub const MAX_ABS_NUMBER: f64 = 1.0e9;

/// An item's `linkId` or an option's `code`: 1–64 of `A-Z a-z 0-9 . _ -`, stable across
/// versions so that answers to "the same question" can be followed over time.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Code(String);

impl Code {
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let fits = !raw.is_empty()
            && raw.chars().count() <= MAX_CODE_CHARS
            && raw
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
        if fits {
            Ok(Self(raw.to_owned()))
        } else {
            Err(ParseError::single(
                "code",
                "invalid_code",
                format!("1 to {MAX_CODE_CHARS} of A-Z, a-z, 0-9, '.', '_', '-'"),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// One choice offered by a choice item (FHIR `answerOption.valueCoding`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerOption {
    pub code: Code,
    pub display: Label,
}

/// What an item asks for (FHIR `type`, with its constraints).
#[derive(Debug, Clone, PartialEq)]
pub enum ItemKind {
    /// One option (FHIR `choice`).
    Choice { options: Vec<AnswerOption> },
    /// Several options (FHIR `choice` with `repeats`).
    MultipleChoice { options: Vec<AnswerOption> },
    /// A whole number on a scale, e.g. pain from 0 to 10, with labels for its ends.
    Scale {
        min: i64,
        max: i64,
        min_label: Option<Label>,
        max_label: Option<Label>,
    },
    /// A number with a unit and a range (FHIR `decimal` / `quantity`).
    Number {
        unit: Option<Label>,
        min: Option<f64>,
        max: Option<f64>,
    },
    /// A calendar date (FHIR `date`).
    Date,
    /// Yes or no (FHIR `boolean`).
    Boolean,
    /// Free text of at most `max_chars` characters (FHIR `text` with `maxLength`).
    Text { max_chars: usize },
}

impl ItemKind {
    /// The FHIR R4 `Questionnaire.item.type` of the item.
    pub fn fhir_type(&self) -> &'static str {
        match self {
            Self::Choice { .. } | Self::MultipleChoice { .. } => "choice",
            Self::Scale { .. } => "integer",
            Self::Number { unit: Some(_), .. } => "quantity",
            Self::Number { unit: None, .. } => "decimal",
            Self::Date => "date",
            Self::Boolean => "boolean",
            Self::Text { .. } => "text",
        }
    }

    fn options(&self) -> Option<&[AnswerOption]> {
        match self {
            Self::Choice { options } | Self::MultipleChoice { options } => Some(options),
            _ => None,
        }
    }
}

/// An answer given to one item.
#[derive(Debug, Clone, PartialEq)]
pub enum AnswerValue {
    /// The code of one option.
    Code(Code),
    /// The codes of several options.
    Codes(Vec<Code>),
    /// A whole number (scales).
    Integer(i64),
    /// A number (number items; a whole number fits too).
    Number(f64),
    Date(NaiveDate),
    Boolean(bool),
    Text(String),
}

/// Skip logic (FHIR `enableWhen` with operator `=`): the item is shown only when an earlier
/// item was answered with this value (for a multiple choice: one code, and the item is shown
/// when the answer includes it).
#[derive(Debug, Clone, PartialEq)]
pub struct EnableWhen {
    pub question: Code,
    pub answer: AnswerValue,
}

/// One question.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub link_id: Code,
    pub text: Label,
    pub kind: ItemKind,
    pub required: bool,
    pub enable_when: Option<EnableWhen>,
}

/// A questionnaire's items, checked as a whole: unique `linkId`s, options that make sense,
/// ranges in order, skip logic that points back to an earlier item with an answer it can take.
#[derive(Debug, Clone, PartialEq)]
pub struct Definition {
    items: Vec<Item>,
}

impl Definition {
    /// Errors name the item by position: `items[3].options`, `items[5].enable_when`...
    pub fn parse(items: Vec<Item>) -> Result<Self, ParseError> {
        let mut errors = Errors::new();
        if items.is_empty() || items.len() > MAX_ITEMS {
            errors.push(FieldError::new(
                "items",
                "out_of_range",
                format!("between 1 and {MAX_ITEMS} items"),
            ));
        }
        let mut seen: BTreeMap<&Code, &Item> = BTreeMap::new();
        for (index, item) in items.iter().enumerate() {
            let field = |name: &str| format!("items[{index}].{name}");
            if seen.contains_key(&item.link_id) {
                errors.push(FieldError::new(
                    field("link_id"),
                    "duplicate",
                    "each item needs its own linkId",
                ));
            }
            check_kind(&mut errors, &field("kind"), &item.kind);
            if let Some(condition) = &item.enable_when {
                match seen.get(&condition.question) {
                    None => errors.push(FieldError::new(
                        field("enable_when"),
                        "unknown_item",
                        "must name an earlier item",
                    )),
                    Some(earlier) => {
                        if !condition_fits(&earlier.kind, &condition.answer) {
                            errors.push(FieldError::new(
                                field("enable_when"),
                                "invalid_answer",
                                "is not an answer the earlier item can take",
                            ));
                        }
                    }
                }
            }
            seen.insert(&item.link_id, item);
        }
        errors.finish()?;
        Ok(Self { items })
    }

    pub fn items(&self) -> &[Item] {
        &self.items
    }

    /// Checks an answer set against this version: every answered item exists, is shown (skip
    /// logic) and gets a value of its type within its constraints; every shown required item
    /// is answered. Refused whole, one error per item, under `answers.<linkId>`.
    pub fn validate(
        &self,
        answers: BTreeMap<Code, AnswerValue>,
    ) -> Result<BTreeMap<Code, AnswerValue>, ParseError> {
        let mut errors = Errors::new();
        let known: BTreeSet<&Code> = self.items.iter().map(|i| &i.link_id).collect();
        for code in answers.keys() {
            if !known.contains(code) {
                errors.push(FieldError::new(
                    format!("answers.{}", code.as_str()),
                    "unknown_item",
                    "is not an item of this questionnaire version",
                ));
            }
        }
        for item in &self.items {
            let field = format!("answers.{}", item.link_id.as_str());
            let shown = item
                .enable_when
                .as_ref()
                .is_none_or(|condition| enabled(condition, &answers));
            match (answers.get(&item.link_id), shown) {
                (Some(_), false) => errors.push(FieldError::new(
                    field,
                    "not_enabled",
                    "this item is skipped by an earlier answer",
                )),
                (Some(value), true) => {
                    errors.check(&field, check_value(&item.kind, value));
                }
                (None, true) if item.required => {
                    errors.push(FieldError::new(
                        field,
                        "required",
                        "this item needs an answer",
                    ));
                }
                (None, _) => {}
            }
        }
        errors.finish()?;
        Ok(answers)
    }
}

/// Can an earlier item's answer meet this condition? A multiple-choice item is tested for one
/// option (the item is shown when the answer includes it); any other item for a value it can
/// take.
fn condition_fits(kind: &ItemKind, answer: &AnswerValue) -> bool {
    match (kind, answer) {
        (ItemKind::MultipleChoice { options }, AnswerValue::Code(code)) => {
            options.iter().any(|o| &o.code == code)
        }
        (ItemKind::MultipleChoice { .. }, _) => false,
        (kind, answer) => check_value(kind, answer).is_ok(),
    }
}

/// Does the earlier answer enable the item?
fn enabled(condition: &EnableWhen, answers: &BTreeMap<Code, AnswerValue>) -> bool {
    match (answers.get(&condition.question), &condition.answer) {
        (Some(AnswerValue::Codes(given)), AnswerValue::Code(wanted)) => given.contains(wanted),
        (Some(given), wanted) => given == wanted,
        (None, _) => false,
    }
}

fn check_kind(errors: &mut Errors, field: &str, kind: &ItemKind) {
    let invalid = |code: &'static str, message: &str| FieldError::new(field, code, message);
    if let Some(options) = kind.options() {
        if options.is_empty() || options.len() > MAX_OPTIONS {
            errors.push(invalid(
                "out_of_range",
                &format!("between 1 and {MAX_OPTIONS} options"),
            ));
        }
        let codes: BTreeSet<&Code> = options.iter().map(|o| &o.code).collect();
        if codes.len() != options.len() {
            errors.push(invalid("duplicate", "each option needs its own code"));
        }
    }
    match kind {
        ItemKind::Scale { min, max, .. } => {
            let span = max.checked_sub(*min);
            if !span.is_some_and(|span| (1..=1000).contains(&span)) {
                errors.push(invalid(
                    "invalid_range",
                    "min must be below max, at most 1000 steps apart",
                ));
            }
        }
        ItemKind::Number { min, max, .. } => {
            let bounded = |value: &Option<f64>| {
                value.is_none_or(|v| v.is_finite() && v.abs() <= MAX_ABS_NUMBER)
            };
            let ordered = match (min, max) {
                (Some(min), Some(max)) => min < max,
                _ => true,
            };
            if !(bounded(min) && bounded(max) && ordered) {
                errors.push(invalid(
                    "invalid_range",
                    "min must be below max, both finite and within ±1e9",
                ));
            }
        }
        ItemKind::Text { max_chars } if !(1..=MAX_TEXT_CHARS).contains(max_chars) => {
            errors.push(invalid(
                "out_of_range",
                &format!("max_chars between 1 and {MAX_TEXT_CHARS}"),
            ));
        }
        _ => {}
    }
}

/// Is `value` an answer the item can take? The error names no field (the caller does).
pub fn check_value(kind: &ItemKind, value: &AnswerValue) -> Result<(), ParseError> {
    let refuse = |code: &'static str, message: String| Err(ParseError::single("", code, message));
    let offered = |options: &[AnswerOption], code: &Code| options.iter().any(|o| &o.code == code);
    match (kind, value) {
        (ItemKind::Choice { options }, AnswerValue::Code(code)) => {
            if offered(options, code) {
                Ok(())
            } else {
                refuse(
                    "unknown_option",
                    format!("{} is not an option", code.as_str()),
                )
            }
        }
        (ItemKind::MultipleChoice { options }, AnswerValue::Codes(codes)) => {
            let distinct: BTreeSet<&Code> = codes.iter().collect();
            if codes.is_empty() || distinct.len() != codes.len() {
                refuse(
                    "invalid_answer",
                    "give one or more distinct options".to_owned(),
                )
            } else if let Some(code) = codes.iter().find(|c| !offered(options, c)) {
                refuse(
                    "unknown_option",
                    format!("{} is not an option", code.as_str()),
                )
            } else {
                Ok(())
            }
        }
        (ItemKind::Scale { min, max, .. }, AnswerValue::Integer(value)) => {
            if (*min..=*max).contains(value) {
                Ok(())
            } else {
                refuse("out_of_range", format!("must be between {min} and {max}"))
            }
        }
        (ItemKind::Number { min, max, .. }, AnswerValue::Number(_) | AnswerValue::Integer(_)) => {
            let number = match value {
                AnswerValue::Number(n) => *n,
                // Whole numbers given to a number item: exact up to 2^53, and larger ones are
                // refused below anyway.
                #[allow(clippy::cast_precision_loss)]
                AnswerValue::Integer(n) => *n as f64,
                _ => f64::NAN,
            };
            let within = number.is_finite()
                && number.abs() <= MAX_ABS_NUMBER
                && min.is_none_or(|min| number >= min)
                && max.is_none_or(|max| number <= max);
            if within {
                Ok(())
            } else {
                refuse("out_of_range", "is outside the item's range".to_owned())
            }
        }
        (ItemKind::Date, AnswerValue::Date(date)) => {
            let year = chrono::Datelike::year(date);
            if (EARLIEST_YEAR..=LATEST_YEAR).contains(&year) {
                Ok(())
            } else {
                refuse(
                    "out_of_range",
                    format!("must be between {EARLIEST_YEAR} and {LATEST_YEAR}"),
                )
            }
        }
        (ItemKind::Boolean, AnswerValue::Boolean(_)) => Ok(()),
        (ItemKind::Text { max_chars }, AnswerValue::Text(text)) => {
            let limit = (*max_chars).min(MAX_TEXT_CHARS);
            let count = text.chars().count();
            if count == 0 || text.trim().is_empty() {
                refuse("required", "must not be blank".to_owned())
            } else if count > limit {
                refuse("too_long", format!("must be at most {limit} characters"))
            } else if text
                .chars()
                .any(|c| c.is_control() && !matches!(c, '\n' | '\t'))
            {
                refuse(
                    "control_character",
                    "must not hold control characters".to_owned(),
                )
            } else {
                Ok(())
            }
        }
        (kind, _) => refuse(
            "wrong_type",
            format!("expects a {} answer", kind.fhir_type()),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(raw: &str) -> Code {
        Code::parse(raw).unwrap()
    }

    fn label(raw: &str) -> Label {
        Label::parse(raw).unwrap()
    }

    fn options(codes: &[&str]) -> Vec<AnswerOption> {
        codes
            .iter()
            .map(|c| AnswerOption {
                code: code(c),
                display: label(c),
            })
            .collect()
    }

    fn item(link_id: &str, kind: ItemKind, required: bool) -> Item {
        Item {
            link_id: code(link_id),
            text: label("Question"),
            kind,
            required,
            enable_when: None,
        }
    }

    /// Pain today (0-10, required); "took painkillers?" (yes/no); if yes, which ones (multiple
    /// choice, required when shown); a comment.
    fn pain_questionnaire() -> Definition {
        let mut which = item(
            "painkillers.which",
            ItemKind::MultipleChoice {
                options: options(&["paracetamol", "ibuprofen", "other"]),
            },
            true,
        );
        which.enable_when = Some(EnableWhen {
            question: code("painkillers"),
            answer: AnswerValue::Boolean(true),
        });
        Definition::parse(vec![
            item(
                "pain",
                ItemKind::Scale {
                    min: 0,
                    max: 10,
                    min_label: Some(label("Aucune douleur")),
                    max_label: Some(label("Douleur maximale")),
                },
                true,
            ),
            item("painkillers", ItemKind::Boolean, false),
            which,
            item("comment", ItemKind::Text { max_chars: 500 }, false),
        ])
        .unwrap()
    }

    fn answers(pairs: Vec<(&str, AnswerValue)>) -> BTreeMap<Code, AnswerValue> {
        pairs.into_iter().map(|(k, v)| (code(k), v)).collect()
    }

    fn refusals(
        result: Result<BTreeMap<Code, AnswerValue>, ParseError>,
    ) -> Vec<(String, &'static str)> {
        result
            .unwrap_err()
            .into_errors()
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect()
    }

    #[test]
    fn a_valid_answer_set_follows_the_skip_logic() {
        let definition = pain_questionnaire();
        assert!(
            definition
                .validate(answers(vec![
                    ("pain", AnswerValue::Integer(6)),
                    ("painkillers", AnswerValue::Boolean(true)),
                    (
                        "painkillers.which",
                        AnswerValue::Codes(vec![code("ibuprofen")])
                    ),
                ]))
                .is_ok()
        );
        // Skipped: no painkillers, so "which" is neither asked nor required.
        assert!(
            definition
                .validate(answers(vec![
                    ("pain", AnswerValue::Integer(0)),
                    ("painkillers", AnswerValue::Boolean(false)),
                ]))
                .is_ok()
        );
    }

    #[test]
    fn an_invalid_answer_set_is_refused_whole_with_one_error_per_item() {
        let definition = pain_questionnaire();
        let found = refusals(definition.validate(answers(vec![
            ("pain", AnswerValue::Integer(11)),
            ("painkillers", AnswerValue::Boolean(false)),
            (
                "painkillers.which",
                AnswerValue::Codes(vec![code("ibuprofen")]),
            ),
            ("comment", AnswerValue::Text("x".repeat(501))),
            ("mood", AnswerValue::Integer(3)),
        ])));
        assert_eq!(
            found,
            vec![
                ("answers.mood".to_owned(), "unknown_item"),
                ("answers.pain".to_owned(), "out_of_range"),
                ("answers.painkillers.which".to_owned(), "not_enabled"),
                ("answers.comment".to_owned(), "too_long"),
            ]
        );
        // Shown and required but missing; wrong types; unknown and repeated options.
        let found = refusals(definition.validate(answers(vec![(
            "painkillers",
            AnswerValue::Text("oui".to_owned()),
        )])));
        assert_eq!(
            found,
            vec![
                ("answers.pain".to_owned(), "required"),
                ("answers.painkillers".to_owned(), "wrong_type"),
            ]
        );
        let found = refusals(definition.validate(answers(vec![
            ("pain", AnswerValue::Integer(3)),
            ("painkillers", AnswerValue::Boolean(true)),
            (
                "painkillers.which",
                AnswerValue::Codes(vec![code("morphine"), code("ibuprofen")]),
            ),
        ])));
        assert_eq!(
            found,
            vec![("answers.painkillers.which".to_owned(), "unknown_option")]
        );
        let found = refusals(definition.validate(answers(vec![
            ("pain", AnswerValue::Integer(3)),
            ("painkillers", AnswerValue::Boolean(true)),
        ])));
        assert_eq!(
            found,
            vec![("answers.painkillers.which".to_owned(), "required")]
        );
    }

    #[test]
    fn numbers_dates_and_texts_have_their_limits() {
        let weight = ItemKind::Number {
            unit: Some(label("kg")),
            min: Some(2.0),
            max: Some(400.0),
        };
        assert!(check_value(&weight, &AnswerValue::Number(72.5)).is_ok());
        assert!(check_value(&weight, &AnswerValue::Integer(72)).is_ok());
        for bad in [f64::NAN, f64::INFINITY, 1.0, 401.0] {
            assert!(
                check_value(&weight, &AnswerValue::Number(bad)).is_err(),
                "{bad}"
            );
        }
        assert!(check_value(&weight, &AnswerValue::Integer(i64::MAX)).is_err());
        let date = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        assert!(check_value(&ItemKind::Date, &AnswerValue::Date(date)).is_ok());
        let far = NaiveDate::from_ymd_opt(262_142, 12, 31).unwrap();
        assert!(check_value(&ItemKind::Date, &AnswerValue::Date(far)).is_err());
        let text = ItemKind::Text { max_chars: 10 };
        for bad in ["", "   ", "a\u{0}b", "abcdefghijk"] {
            assert!(
                check_value(&text, &AnswerValue::Text(bad.to_owned())).is_err(),
                "{bad:?}"
            );
        }
        assert!(check_value(&text, &AnswerValue::Text("mieux\nça".to_owned())).is_ok());
    }

    #[test]
    fn a_definition_is_checked_as_a_whole() {
        let error = |items: Vec<Item>| {
            Definition::parse(items)
                .unwrap_err()
                .into_errors()
                .into_iter()
                .map(|e| (e.field, e.code))
                .collect::<Vec<_>>()
        };
        assert_eq!(error(vec![]), vec![("items".to_owned(), "out_of_range")]);
        let mut later = item("b", ItemKind::Boolean, false);
        later.enable_when = Some(EnableWhen {
            question: code("c"),
            answer: AnswerValue::Boolean(true),
        });
        let mut wrong = item("d", ItemKind::Boolean, false);
        wrong.enable_when = Some(EnableWhen {
            question: code("a"),
            answer: AnswerValue::Integer(99),
        });
        assert_eq!(
            error(vec![
                item(
                    "a",
                    ItemKind::Scale {
                        min: 5,
                        max: 5,
                        min_label: None,
                        max_label: None
                    },
                    true
                ),
                later,
                item(
                    "c",
                    ItemKind::Choice {
                        options: options(&["x", "x"])
                    },
                    false
                ),
                wrong,
                item("a", ItemKind::Text { max_chars: 0 }, false),
            ]),
            vec![
                ("items[0].kind".to_owned(), "invalid_range"),
                ("items[1].enable_when".to_owned(), "unknown_item"),
                ("items[2].kind".to_owned(), "duplicate"),
                ("items[3].enable_when".to_owned(), "invalid_answer"),
                ("items[4].link_id".to_owned(), "duplicate"),
                ("items[4].kind".to_owned(), "out_of_range"),
            ]
        );
        assert!(Code::parse("pain.today_0-10").is_ok());
        for bad in ["", "a b", "é", &"x".repeat(65)] {
            assert!(Code::parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            ItemKind::Number {
                unit: Some(label("kg")),
                min: None,
                max: None
            }
            .fhir_type(),
            "quantity"
        );
    }

    #[test]
    fn a_multiple_choice_condition_names_one_option() {
        let items = vec![
            Item {
                link_id: code("s"),
                text: label("Symptômes"),
                kind: ItemKind::MultipleChoice {
                    options: options(&["fatigue", "fever"]),
                },
                required: true,
                enable_when: None,
            },
            Item {
                link_id: code("d"),
                text: label("Depuis longtemps ?"),
                kind: ItemKind::Boolean,
                required: true,
                enable_when: Some(EnableWhen {
                    question: code("s"),
                    answer: AnswerValue::Code(code("fatigue")),
                }),
            },
        ];
        let definition = Definition::parse(items.clone()).unwrap();
        let given = |symptoms: &[&str], d: bool| {
            let mut answers = BTreeMap::from([(
                code("s"),
                AnswerValue::Codes(symptoms.iter().map(|c| code(c)).collect()),
            )]);
            if d {
                answers.insert(code("d"), AnswerValue::Boolean(true));
            }
            answers
        };
        // Shown when the answer includes the option, in any order; required then.
        assert!(
            definition
                .validate(given(&["fever", "fatigue"], true))
                .is_ok()
        );
        assert!(
            definition
                .validate(given(&["fever", "fatigue"], false))
                .is_err()
        );
        assert!(definition.validate(given(&["fever"], false)).is_ok());
        assert!(definition.validate(given(&["fever"], true)).is_err());
        // A set of codes, or an option the item does not offer: refused.
        for answer in [
            AnswerValue::Codes(vec![code("fatigue")]),
            AnswerValue::Code(code("cough")),
        ] {
            let mut bad = items.clone();
            bad[1].enable_when = Some(EnableWhen {
                question: code("s"),
                answer,
            });
            assert!(Definition::parse(bad).is_err());
        }
    }
}
