//! Research values between the wire (`entraide_openapi::research`) and the domain: studies,
//! questionnaire items (FHIR vocabulary, snake-cased), schedules and answers. Parsing collects
//! every field error (`items[2].max`, `answers.pain`) before refusing.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use entraide_domain::error::{Errors, FieldError, ParseError};
use entraide_domain::questionnaire::{
    AnswerOption, AnswerValue, Code, Definition, EnableWhen, Item, ItemKind, MAX_ABS_NUMBER,
};
use entraide_domain::research::{
    Eligibility, NewQuestionnaire, NewStudy, Questionnaire, Recurrence, Schedule, Study,
    StudyStatus,
};
use entraide_domain::text::{Description, Label, Title};
use entraide_openapi::research as wire;
use entraide_persistence::consents::ConsentText;
use serde_json::Value;

use crate::convert::{kind_from_wire, kind_to_wire};
use crate::error::ApiError;

enum_conversions!(
    status_to_wire,
    status_from_wire,
    StudyStatus,
    wire::StudyStatus,
    [Draft, Open, Closed]
);

enum_conversions!(
    past_answers_to_wire,
    past_answers_from_wire,
    entraide_domain::consent::PastAnswers,
    wire::PastAnswers,
    [Delete, KeepPseudonymous]
);

enum_conversions!(
    channel_to_wire,
    channel_from_wire,
    entraide_domain::consent::Channel,
    wire::ConsentChannel,
    [Api, Platform]
);

enum_conversions!(
    audit_to_wire,
    audit_from_wire,
    entraide_persistence::research_audit::AuditAction,
    wire::AuditAction,
    [ExportCsv, ExportJson, Aggregates]
);

/// A consent text's body: 1 to 8000 characters, not blank.
pub(crate) fn parse_consent_body(raw: &str) -> Result<Description, ParseError> {
    let body = Description::parse(raw)?;
    if body.as_str().trim().is_empty() {
        return Err(ParseError::single("body", "required", "must not be blank"));
    }
    Ok(body)
}

pub(crate) fn parse_eligibility(
    errors: &mut Errors,
    eligibility: wire::Eligibility,
) -> Option<Eligibility> {
    let wire::Eligibility {
        kinds,
        condition_ids,
        min_age,
        max_age,
    } = eligibility;
    let condition_ids =
        crate::parse::condition_ids(errors, "eligibility.condition_ids", condition_ids);
    errors.keep(Eligibility::parse(
        kinds.into_iter().map(kind_from_wire).collect(),
        condition_ids,
        min_age,
        max_age,
    ))
}

/// The fields of a new study (the consent text is parsed by the caller).
pub(crate) struct StudyFields {
    pub title: String,
    pub lay_summary: String,
    pub sponsor: String,
    pub ethics_reference: String,
    pub eligibility: wire::Eligibility,
}

pub(crate) fn parse_study(errors: &mut Errors, fields: StudyFields) -> Option<NewStudy> {
    let StudyFields {
        title,
        lay_summary,
        sponsor,
        ethics_reference,
        eligibility,
    } = fields;
    let title = errors.check("title", Title::parse(&title));
    let lay_summary = errors.check("lay_summary", Description::parse(&lay_summary));
    let sponsor = errors.check("sponsor", Label::parse(&sponsor));
    let ethics_reference = errors.check("ethics_reference", Label::parse(&ethics_reference));
    let eligibility = parse_eligibility(errors, eligibility);
    Some(NewStudy {
        title: title?,
        lay_summary: lay_summary?,
        sponsor: sponsor?,
        ethics_reference: ethics_reference?,
        eligibility: eligibility?,
    })
}

pub(crate) fn eligibility_to_wire(eligibility: &Eligibility) -> wire::Eligibility {
    wire::Eligibility {
        kinds: eligibility
            .kinds
            .iter()
            .copied()
            .map(kind_to_wire)
            .collect(),
        condition_ids: eligibility
            .condition_ids
            .iter()
            .map(|c| c.as_uuid())
            .collect(),
        min_age: eligibility.min_age,
        max_age: eligibility.max_age,
    }
}

pub(crate) fn consent_text_to_wire(text: ConsentText) -> wire::ConsentText {
    wire::ConsentText {
        version: text.version,
        body: text.body,
        shares_free_text: text.shares_free_text,
        created_at: text.created_at,
    }
}

pub(crate) fn study_to_wire(study: Study, text: ConsentText) -> wire::Study {
    wire::Study {
        id: study.id.as_uuid(),
        eligibility: eligibility_to_wire(&study.eligibility),
        title: study.title.as_str().to_owned(),
        lay_summary: study.lay_summary.as_str().to_owned(),
        sponsor: study.sponsor.as_str().to_owned(),
        ethics_reference: study.ethics_reference.as_str().to_owned(),
        status: status_to_wire(study.status),
        researcher_id: study.created_by.map(|m| m.as_uuid()),
        consent_text: consent_text_to_wire(text),
        created_at: study.created_at,
        updated_at: study.updated_at,
    }
}

pub(crate) fn parse_schedule(schedule: wire::Schedule) -> Result<Schedule, ParseError> {
    let wire::Schedule {
        opens_at,
        recurrence,
        every,
        window_days,
    } = schedule;
    let recurrence = match (recurrence, every) {
        (wire::QuestionnaireRecurrence::Once, None) => Recurrence::Once,
        (wire::QuestionnaireRecurrence::Days, Some(n)) => Recurrence::EveryDays(n),
        (wire::QuestionnaireRecurrence::Months, Some(n)) => Recurrence::EveryMonths(n),
        (wire::QuestionnaireRecurrence::Once, Some(_)) => {
            return Err(ParseError::single(
                "every",
                "not_applicable",
                "a questionnaire asked once has no period",
            ));
        }
        (_, None) => {
            return Err(ParseError::single(
                "every",
                "required",
                "the number of days or months between two windows",
            ));
        }
    };
    Schedule::parse(opens_at, recurrence, window_days)
}

pub(crate) fn schedule_to_wire(schedule: &Schedule) -> wire::Schedule {
    let (recurrence, every) = match schedule.recurrence {
        Recurrence::Once => (wire::QuestionnaireRecurrence::Once, None),
        Recurrence::EveryDays(n) => (wire::QuestionnaireRecurrence::Days, Some(n)),
        Recurrence::EveryMonths(n) => (wire::QuestionnaireRecurrence::Months, Some(n)),
    };
    wire::Schedule {
        opens_at: schedule.opens_at,
        recurrence,
        every,
        window_days: schedule.window_days,
    }
}

/// A whole number from a JSON number: `4` and `4.0` both are.
#[allow(
    clippy::cast_possible_truncation,
    reason = "checked integral and within ±1e9 first"
)]
fn whole(value: &Value) -> Option<i64> {
    if let Some(n) = value.as_i64() {
        return Some(n);
    }
    let n = value.as_f64()?;
    (n.fract() == 0.0 && n.abs() <= MAX_ABS_NUMBER).then_some(n as i64)
}

/// Reads a JSON answer as the value an item of `kind` takes; `None` when its JSON type is not
/// one the item takes (the domain then checks options and ranges).
fn answer_for(kind: &ItemKind, value: &Value) -> Result<AnswerValue, ParseError> {
    let wrong = || {
        ParseError::single(
            "",
            "wrong_type",
            format!("expects a {} answer", kind.fhir_type()),
        )
    };
    match kind {
        ItemKind::Choice { .. } => {
            let code = value.as_str().ok_or_else(wrong)?;
            Ok(AnswerValue::Code(Code::parse(code)?))
        }
        ItemKind::MultipleChoice { .. } => {
            let codes = value.as_array().ok_or_else(wrong)?;
            if codes.len() > entraide_domain::questionnaire::MAX_OPTIONS {
                return Err(ParseError::single("", "too_many", "too many options"));
            }
            let codes = codes
                .iter()
                .map(|c| c.as_str().ok_or_else(wrong).and_then(Code::parse))
                .collect::<Result<Vec<Code>, ParseError>>()?;
            Ok(AnswerValue::Codes(codes))
        }
        ItemKind::Scale { .. } => whole(value)
            .map(AnswerValue::Integer)
            .ok_or_else(|| ParseError::single("", "wrong_type", "expects a whole number")),
        ItemKind::Number { .. } => value.as_f64().map(AnswerValue::Number).ok_or_else(wrong),
        ItemKind::Date => {
            let raw = value.as_str().ok_or_else(wrong)?;
            NaiveDate::parse_from_str(raw, "%Y-%m-%d")
                .map(AnswerValue::Date)
                .map_err(|_| ParseError::single("", "invalid_date", "expects YYYY-MM-DD"))
        }
        ItemKind::Boolean => value.as_bool().map(AnswerValue::Boolean).ok_or_else(wrong),
        ItemKind::Text { .. } => {
            let text = value.as_str().ok_or_else(wrong)?;
            Ok(AnswerValue::Text(text.to_owned()))
        }
    }
}

pub(crate) fn answer_to_wire(value: &AnswerValue) -> wire::AnswerValue {
    wire::AnswerValue(match value {
        AnswerValue::Code(code) => Value::from(code.as_str()),
        AnswerValue::Codes(codes) => {
            Value::from(codes.iter().map(Code::as_str).collect::<Vec<_>>())
        }
        AnswerValue::Integer(n) => Value::from(*n),
        AnswerValue::Number(n) => Value::from(*n),
        AnswerValue::Date(date) => Value::from(date.format("%Y-%m-%d").to_string()),
        AnswerValue::Boolean(b) => Value::from(*b),
        AnswerValue::Text(text) => Value::from(text.as_str()),
    })
}

pub(crate) fn answers_to_wire(
    answers: &BTreeMap<Code, AnswerValue>,
) -> BTreeMap<String, wire::AnswerValue> {
    answers
        .iter()
        .map(|(code, value)| (code.as_str().to_owned(), answer_to_wire(value)))
        .collect()
}

/// An answer set against one questionnaire version: each answer read as its item's type, then
/// the domain's checks (options, ranges, required items, skip logic). Refused whole.
pub(crate) fn parse_answers(
    definition: &Definition,
    answers: BTreeMap<String, wire::AnswerValue>,
) -> Result<BTreeMap<Code, AnswerValue>, ApiError> {
    let mut errors = Errors::new();
    let mut parsed = BTreeMap::new();
    // `null` is no answer (as if the key were absent): a form may send every item.
    let given = answers.into_iter().filter(|(_, value)| !value.0.is_null());
    for (link_id, value) in given {
        // The key is named only once it is a valid code: never echo arbitrary input.
        let Ok(code) = Code::parse(&link_id) else {
            errors.push(FieldError::new(
                "answers",
                "unknown_item",
                "a key is not an item of this questionnaire version",
            ));
            continue;
        };
        let field = format!("answers.{}", code.as_str());
        match definition.items().iter().find(|i| i.link_id == code) {
            None => errors.push(FieldError::new(
                field,
                "unknown_item",
                "is not an item of this questionnaire version",
            )),
            Some(item) => {
                if let Some(answer) = errors.check(&field, answer_for(&item.kind, &value.0)) {
                    parsed.insert(code, answer);
                }
            }
        }
    }
    errors.finish()?;
    Ok(definition.validate(parsed)?)
}

fn options_from(
    errors: &mut Errors,
    field: &str,
    options: Option<Vec<wire::AnswerOption>>,
) -> Vec<AnswerOption> {
    let Some(options) = options else {
        errors.push(FieldError::new(
            format!("{field}.answer_option"),
            "required",
            "a choice item lists its options",
        ));
        return Vec::new();
    };
    options
        .into_iter()
        .enumerate()
        .filter_map(|(i, o)| {
            let code = errors.check(
                &format!("{field}.answer_option[{i}].code"),
                Code::parse(&o.code),
            );
            let display = errors.check(
                &format!("{field}.answer_option[{i}].display"),
                Label::parse(&o.display),
            );
            Some(AnswerOption {
                code: code?,
                display: display?,
            })
        })
        .collect()
}

fn label_from(errors: &mut Errors, field: &str, raw: Option<String>) -> Option<Label> {
    raw.and_then(|raw| errors.check(field, Label::parse(&raw)))
}

fn item_from(
    errors: &mut Errors,
    earlier: &[Item],
    index: usize,
    item: wire::QuestionnaireItem,
) -> Option<Item> {
    let field = format!("items[{index}]");
    let wire::QuestionnaireItem {
        link_id,
        text,
        item_type,
        required,
        answer_option,
        min,
        max,
        min_label,
        max_label,
        unit,
        max_chars,
        enable_when,
    } = item;
    let link_id = errors.check(&format!("{field}.link_id"), Code::parse(&link_id));
    let text = errors.check(&format!("{field}.text"), Label::parse(&text));
    let whole_bound = |errors: &mut Errors, name: &str, bound: Option<f64>| -> Option<i64> {
        let value = bound
            .as_ref()
            .map(|b| Value::from(*b))
            .and_then(|b| whole(&b));
        if value.is_none() {
            errors.push(FieldError::new(
                format!("{field}.{name}"),
                "required",
                "a scale has whole-number min and max",
            ));
        }
        value
    };
    let kind = match item_type {
        wire::ItemType::SingleChoice => ItemKind::Choice {
            options: options_from(errors, &field, answer_option),
        },
        wire::ItemType::MultipleChoice => ItemKind::MultipleChoice {
            options: options_from(errors, &field, answer_option),
        },
        wire::ItemType::Scale => {
            let (low, high) = (
                whole_bound(errors, "min", min),
                whole_bound(errors, "max", max),
            );
            ItemKind::Scale {
                min: low.unwrap_or(0),
                max: high.unwrap_or(1),
                min_label: label_from(errors, &format!("{field}.min_label"), min_label),
                max_label: label_from(errors, &format!("{field}.max_label"), max_label),
            }
        }
        wire::ItemType::Number => ItemKind::Number {
            unit: label_from(errors, &format!("{field}.unit"), unit),
            min,
            max,
        },
        wire::ItemType::Date => ItemKind::Date,
        wire::ItemType::Boolean => ItemKind::Boolean,
        wire::ItemType::Text => ItemKind::Text {
            max_chars: max_chars
                .and_then(|n| usize::try_from(n).ok())
                .unwrap_or(entraide_domain::questionnaire::MAX_TEXT_CHARS),
        },
    };
    let enable_when = enable_when.and_then(|condition| {
        let field = format!("{field}.enable_when");
        let question = errors.check(
            &format!("{field}.question"),
            Code::parse(&condition.question),
        )?;
        // The earlier item's type decides how the answer reads.
        let Some(earlier) = earlier.iter().find(|i| i.link_id == question) else {
            errors.push(FieldError::new(
                field,
                "unknown_item",
                "must name an earlier item",
            ));
            return None;
        };
        // A multiple-choice item is tested for one option: a single code.
        let read = match (&earlier.kind, &condition.answer.0) {
            (ItemKind::MultipleChoice { .. }, Value::String(code)) => {
                Code::parse(code).map(AnswerValue::Code)
            }
            (ItemKind::MultipleChoice { .. }, _) => Err(ParseError::single(
                "",
                "wrong_type",
                "a multiple-choice condition names one option code",
            )),
            (kind, value) => answer_for(kind, value),
        };
        let answer = errors.check(&format!("{field}.answer"), read)?;
        Some(EnableWhen { question, answer })
    });
    Some(Item {
        link_id: link_id?,
        text: text?,
        kind,
        required,
        enable_when,
    })
}

/// A questionnaire as written: title, schedule, items (every error, by item position).
pub(crate) fn parse_questionnaire(
    input: wire::QuestionnaireInput,
) -> Result<NewQuestionnaire, ApiError> {
    let wire::QuestionnaireInput {
        title,
        schedule,
        items,
    } = input;
    let mut errors = Errors::new();
    let title = errors.check("title", Title::parse(&title));
    let schedule = errors.keep(parse_schedule(schedule).map_err(|e| e.prefixed("schedule")));
    if items.len() > entraide_domain::questionnaire::MAX_ITEMS {
        errors.push(FieldError::new(
            "items",
            "out_of_range",
            format!(
                "between 1 and {} items",
                entraide_domain::questionnaire::MAX_ITEMS
            ),
        ));
        return Err(errors.finish().err().map_or_else(
            || ApiError::internal("errors without an error"),
            ApiError::from,
        ));
    }
    let mut parsed: Vec<Item> = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        if let Some(item) = item_from(&mut errors, &parsed, i, item) {
            parsed.push(item);
        }
    }
    errors.finish()?;
    let items = parsed;
    let definition = Definition::parse(items)?;
    match (title, schedule) {
        (Some(title), Some(schedule)) => Ok(NewQuestionnaire {
            title,
            schedule,
            definition,
        }),
        _ => Err(ApiError::internal("parsed fields missing without errors")),
    }
}

fn option_to_wire(option: &AnswerOption) -> wire::AnswerOption {
    wire::AnswerOption {
        code: option.code.as_str().to_owned(),
        display: option.display.as_str().to_owned(),
    }
}

#[allow(
    clippy::cast_precision_loss,
    reason = "scale bounds are at most 1000 apart and within ±2^53"
)]
pub(crate) fn item_to_wire(item: &Item) -> wire::QuestionnaireItem {
    let label = |l: &Option<Label>| l.as_ref().map(|l| l.as_str().to_owned());
    let mut wire_item = wire::QuestionnaireItem {
        link_id: item.link_id.as_str().to_owned(),
        text: item.text.as_str().to_owned(),
        item_type: wire::ItemType::Boolean,
        required: item.required,
        answer_option: None,
        min: None,
        max: None,
        min_label: None,
        max_label: None,
        unit: None,
        max_chars: None,
        enable_when: item.enable_when.as_ref().map(|e| wire::EnableWhen {
            question: e.question.as_str().to_owned(),
            answer: answer_to_wire(&e.answer),
        }),
    };
    match &item.kind {
        ItemKind::Choice { options } => {
            wire_item.item_type = wire::ItemType::SingleChoice;
            wire_item.answer_option = Some(options.iter().map(option_to_wire).collect());
        }
        ItemKind::MultipleChoice { options } => {
            wire_item.item_type = wire::ItemType::MultipleChoice;
            wire_item.answer_option = Some(options.iter().map(option_to_wire).collect());
        }
        ItemKind::Scale {
            min,
            max,
            min_label,
            max_label,
        } => {
            wire_item.item_type = wire::ItemType::Scale;
            wire_item.min = Some(*min as f64);
            wire_item.max = Some(*max as f64);
            wire_item.min_label = label(min_label);
            wire_item.max_label = label(max_label);
        }
        ItemKind::Number { unit, min, max } => {
            wire_item.item_type = wire::ItemType::Number;
            wire_item.unit = label(unit);
            wire_item.min = *min;
            wire_item.max = *max;
        }
        ItemKind::Date => wire_item.item_type = wire::ItemType::Date,
        ItemKind::Boolean => wire_item.item_type = wire::ItemType::Boolean,
        ItemKind::Text { max_chars } => {
            wire_item.item_type = wire::ItemType::Text;
            wire_item.max_chars = u32::try_from(*max_chars).ok();
        }
    }
    wire_item
}

pub(crate) fn questionnaire_to_wire(q: &Questionnaire) -> wire::Questionnaire {
    wire::Questionnaire {
        id: q.id.as_uuid(),
        study_id: q.study_id.as_uuid(),
        title: q.title.as_str().to_owned(),
        schedule: schedule_to_wire(&q.schedule),
        version: q.version,
        items: q.definition.items().iter().map(item_to_wire).collect(),
        created_at: q.created_at,
        updated_at: q.updated_at,
    }
}
