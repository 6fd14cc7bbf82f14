//! Questionnaires and their versions. A version's items are stored as JSON in the shape of
//! [`StoredItem`] (this module's own, so that the API's wire shape can change without a data
//! migration); they are parsed back through `Definition::parse`, so a stored version is as
//! checked as a new one.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use entraide_domain::ids::{QuestionnaireId, StudyId};
use entraide_domain::questionnaire::{
    AnswerOption, AnswerValue, Code, Definition, EnableWhen, Item, ItemKind,
};
use entraide_domain::research::{NewQuestionnaire, Questionnaire, Recurrence, Schedule};
use entraide_domain::text::{Label, Title};
use serde::{Deserialize, Serialize};

use crate::connection::DbConnection;
use crate::convert::{from_db_time, parse_id, to_db_time};
use crate::error::PersistenceError;
use crate::schema::{questionnaire_versions, questionnaires, responses};

fn corrupt(what: impl std::fmt::Display) -> PersistenceError {
    PersistenceError::Corrupt(format!("questionnaire: {what}"))
}

#[derive(Serialize, Deserialize)]
struct StoredOption {
    code: String,
    display: String,
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum StoredKind {
    Choice {
        options: Vec<StoredOption>,
    },
    MultipleChoice {
        options: Vec<StoredOption>,
    },
    Scale {
        min: i64,
        max: i64,
        min_label: Option<String>,
        max_label: Option<String>,
    },
    Number {
        unit: Option<String>,
        min: Option<f64>,
        max: Option<f64>,
    },
    Date,
    Boolean,
    Text {
        max_chars: usize,
    },
}

/// An answer as stored (in items' skip logic and in responses): tagged, so that a code, a
/// text and a date never read as one another.
#[derive(Serialize, Deserialize)]
#[serde(tag = "t", content = "v", rename_all = "snake_case")]
pub(crate) enum StoredAnswer {
    Code(String),
    Codes(Vec<String>),
    Integer(i64),
    Number(f64),
    Date(String),
    Boolean(bool),
    Text(String),
}

#[derive(Serialize, Deserialize)]
struct StoredEnableWhen {
    question: String,
    answer: StoredAnswer,
}

#[derive(Serialize, Deserialize)]
struct StoredItem {
    link_id: String,
    text: String,
    required: bool,
    kind: StoredKind,
    enable_when: Option<StoredEnableWhen>,
}

pub(crate) fn store_answer(value: &AnswerValue) -> StoredAnswer {
    match value {
        AnswerValue::Code(code) => StoredAnswer::Code(code.as_str().to_owned()),
        AnswerValue::Codes(codes) => {
            StoredAnswer::Codes(codes.iter().map(|c| c.as_str().to_owned()).collect())
        }
        AnswerValue::Integer(n) => StoredAnswer::Integer(*n),
        AnswerValue::Number(n) => StoredAnswer::Number(*n),
        AnswerValue::Date(date) => StoredAnswer::Date(date.format("%Y-%m-%d").to_string()),
        AnswerValue::Boolean(b) => StoredAnswer::Boolean(*b),
        AnswerValue::Text(text) => StoredAnswer::Text(text.clone()),
    }
}

fn code(raw: &str) -> Result<Code, PersistenceError> {
    Code::parse(raw).map_err(|_| corrupt(format!("code {raw:?}")))
}

pub(crate) fn load_answer(stored: StoredAnswer) -> Result<AnswerValue, PersistenceError> {
    Ok(match stored {
        StoredAnswer::Code(c) => AnswerValue::Code(code(&c)?),
        StoredAnswer::Codes(cs) => {
            AnswerValue::Codes(cs.iter().map(|c| code(c)).collect::<Result<_, _>>()?)
        }
        StoredAnswer::Integer(n) => AnswerValue::Integer(n),
        StoredAnswer::Number(n) => AnswerValue::Number(n),
        StoredAnswer::Date(d) => AnswerValue::Date(
            NaiveDate::parse_from_str(&d, "%Y-%m-%d")
                .map_err(|_| corrupt(format!("date {d:?}")))?,
        ),
        StoredAnswer::Boolean(b) => AnswerValue::Boolean(b),
        StoredAnswer::Text(t) => AnswerValue::Text(t),
    })
}

/// Answers as stored in `responses.answers`: a JSON object from `linkId` to a tagged answer.
pub(crate) fn store_answers(
    answers: &BTreeMap<Code, AnswerValue>,
) -> Result<String, PersistenceError> {
    let stored: BTreeMap<&str, StoredAnswer> = answers
        .iter()
        .map(|(code, value)| (code.as_str(), store_answer(value)))
        .collect();
    serde_json::to_string(&stored).map_err(corrupt)
}

pub(crate) fn load_answers(raw: &str) -> Result<BTreeMap<Code, AnswerValue>, PersistenceError> {
    let stored: BTreeMap<String, StoredAnswer> = serde_json::from_str(raw).map_err(corrupt)?;
    stored
        .into_iter()
        .map(|(c, value)| Ok((code(&c)?, load_answer(value)?)))
        .collect()
}

fn store_options(options: &[AnswerOption]) -> Vec<StoredOption> {
    options
        .iter()
        .map(|o| StoredOption {
            code: o.code.as_str().to_owned(),
            display: o.display.as_str().to_owned(),
        })
        .collect()
}

fn load_options(options: Vec<StoredOption>) -> Result<Vec<AnswerOption>, PersistenceError> {
    options
        .into_iter()
        .map(|o| {
            Ok(AnswerOption {
                code: code(&o.code)?,
                display: Label::from_stored(o.display),
            })
        })
        .collect()
}

fn store_items(definition: &Definition) -> Result<String, PersistenceError> {
    let label = |l: &Option<Label>| l.as_ref().map(|l| l.as_str().to_owned());
    let items: Vec<StoredItem> = definition
        .items()
        .iter()
        .map(|item| StoredItem {
            link_id: item.link_id.as_str().to_owned(),
            text: item.text.as_str().to_owned(),
            required: item.required,
            kind: match &item.kind {
                ItemKind::Choice { options } => StoredKind::Choice {
                    options: store_options(options),
                },
                ItemKind::MultipleChoice { options } => StoredKind::MultipleChoice {
                    options: store_options(options),
                },
                ItemKind::Scale {
                    min,
                    max,
                    min_label,
                    max_label,
                } => StoredKind::Scale {
                    min: *min,
                    max: *max,
                    min_label: label(min_label),
                    max_label: label(max_label),
                },
                ItemKind::Number { unit, min, max } => StoredKind::Number {
                    unit: label(unit),
                    min: *min,
                    max: *max,
                },
                ItemKind::Date => StoredKind::Date,
                ItemKind::Boolean => StoredKind::Boolean,
                ItemKind::Text { max_chars } => StoredKind::Text {
                    max_chars: *max_chars,
                },
            },
            enable_when: item.enable_when.as_ref().map(|e| StoredEnableWhen {
                question: e.question.as_str().to_owned(),
                answer: store_answer(&e.answer),
            }),
        })
        .collect();
    serde_json::to_string(&items).map_err(corrupt)
}

fn load_items(raw: &str) -> Result<Definition, PersistenceError> {
    let stored: Vec<StoredItem> = serde_json::from_str(raw).map_err(corrupt)?;
    let label = |l: Option<String>| l.map(Label::from_stored);
    let items = stored
        .into_iter()
        .map(|item| {
            Ok(Item {
                link_id: code(&item.link_id)?,
                text: Label::from_stored(item.text),
                required: item.required,
                kind: match item.kind {
                    StoredKind::Choice { options } => ItemKind::Choice {
                        options: load_options(options)?,
                    },
                    StoredKind::MultipleChoice { options } => ItemKind::MultipleChoice {
                        options: load_options(options)?,
                    },
                    StoredKind::Scale {
                        min,
                        max,
                        min_label,
                        max_label,
                    } => ItemKind::Scale {
                        min,
                        max,
                        min_label: label(min_label),
                        max_label: label(max_label),
                    },
                    StoredKind::Number { unit, min, max } => ItemKind::Number {
                        unit: label(unit),
                        min,
                        max,
                    },
                    StoredKind::Date => ItemKind::Date,
                    StoredKind::Boolean => ItemKind::Boolean,
                    StoredKind::Text { max_chars } => ItemKind::Text { max_chars },
                },
                enable_when: item
                    .enable_when
                    .map(|e| {
                        Ok::<_, PersistenceError>(EnableWhen {
                            question: code(&e.question)?,
                            answer: load_answer(e.answer)?,
                        })
                    })
                    .transpose()?,
            })
        })
        .collect::<Result<Vec<Item>, PersistenceError>>()?;
    Definition::parse(items).map_err(|e| corrupt(e.to_string()))
}

pub(crate) fn version_to_db(version: u32) -> Result<i32, PersistenceError> {
    i32::try_from(version).map_err(|_| corrupt(format!("version {version}")))
}

pub(crate) fn version_from_db(version: i32) -> Result<u32, PersistenceError> {
    u32::try_from(version).map_err(|_| corrupt(format!("version {version}")))
}

fn recurrence_to_db(recurrence: Recurrence) -> (&'static str, Option<i32>) {
    let n = |n: u32| i32::try_from(n).ok();
    match recurrence {
        Recurrence::Once => ("once", None),
        Recurrence::EveryDays(days) => ("days", n(days)),
        Recurrence::EveryMonths(months) => ("months", n(months)),
    }
}

fn recurrence_from_db(kind: &str, every: Option<i32>) -> Result<Recurrence, PersistenceError> {
    let every = || {
        every
            .and_then(|n| u32::try_from(n).ok())
            .ok_or_else(|| corrupt("recurrence without a period"))
    };
    match kind {
        "once" => Ok(Recurrence::Once),
        "days" => Ok(Recurrence::EveryDays(every()?)),
        "months" => Ok(Recurrence::EveryMonths(every()?)),
        other => Err(corrupt(format!("recurrence {other:?}"))),
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = questionnaires)]
struct QuestionnaireRow {
    id: String,
    study_id: String,
    title: String,
    opens_at: NaiveDateTime,
    recurrence: String,
    every_n: Option<i32>,
    window_days: i32,
    version: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl QuestionnaireRow {
    fn into_domain(self, items: &str) -> Result<Questionnaire, PersistenceError> {
        Ok(Questionnaire {
            id: parse_id(&self.id)?,
            study_id: parse_id(&self.study_id)?,
            title: Title::from_stored(self.title),
            schedule: Schedule {
                opens_at: from_db_time(self.opens_at),
                recurrence: recurrence_from_db(&self.recurrence, self.every_n)?,
                window_days: u32::try_from(self.window_days).map_err(|_| corrupt("window_days"))?,
            },
            version: version_from_db(self.version)?,
            definition: load_items(items)?,
            created_at: from_db_time(self.created_at),
            updated_at: from_db_time(self.updated_at),
        })
    }
}

fn with_items(
    conn: &mut DbConnection,
    rows: Vec<QuestionnaireRow>,
) -> Result<Vec<Questionnaire>, PersistenceError> {
    rows.into_iter()
        .map(|row| {
            let items = questionnaire_versions::table
                .find((row.id.clone(), row.version))
                .select(questionnaire_versions::items)
                .first::<String>(conn)?;
            row.into_domain(&items)
        })
        .collect()
}

/// Stores a new questionnaire of `study` at version 1, under `id`. Call in a transaction.
pub fn insert(
    conn: &mut DbConnection,
    id: QuestionnaireId,
    study: StudyId,
    new: &NewQuestionnaire,
    now: DateTime<Utc>,
) -> Result<Questionnaire, PersistenceError> {
    let (recurrence, every) = recurrence_to_db(new.schedule.recurrence);
    let window_days =
        i32::try_from(new.schedule.window_days).map_err(|_| corrupt("window_days"))?;
    diesel::insert_into(questionnaires::table)
        .values((
            questionnaires::id.eq(id.to_string()),
            questionnaires::study_id.eq(study.to_string()),
            questionnaires::title.eq(new.title.as_str()),
            questionnaires::opens_at.eq(to_db_time(new.schedule.opens_at)),
            questionnaires::recurrence.eq(recurrence),
            questionnaires::every_n.eq(every),
            questionnaires::window_days.eq(window_days),
            questionnaires::version.eq(1),
            questionnaires::created_at.eq(to_db_time(now)),
            questionnaires::updated_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    diesel::insert_into(questionnaire_versions::table)
        .values((
            questionnaire_versions::questionnaire_id.eq(id.to_string()),
            questionnaire_versions::version.eq(1),
            questionnaire_versions::items.eq(store_items(&new.definition)?),
            questionnaire_versions::created_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    find(conn, id)?.ok_or(PersistenceError::NotFound)
}

/// Rewrites a questionnaire. When answers exist on its current version, the items become a
/// new version (answers keep the version they were given on); otherwise the current version
/// is corrected in place. Title and schedule are the questionnaire's, not a version's. Call
/// in a transaction.
pub fn replace(
    conn: &mut DbConnection,
    id: QuestionnaireId,
    new: &NewQuestionnaire,
    now: DateTime<Utc>,
) -> Result<Questionnaire, PersistenceError> {
    let current = find(conn, id)?.ok_or(PersistenceError::NotFound)?;
    let current_version = version_to_db(current.version)?;
    let answered = diesel::select(diesel::dsl::exists(
        responses::table
            .filter(responses::questionnaire_id.eq(id.to_string()))
            .filter(responses::version.eq(current_version)),
    ))
    .get_result::<bool>(conn)?;
    let items = store_items(&new.definition)?;
    let version = if answered {
        let next = current_version
            .checked_add(1)
            .ok_or_else(|| corrupt("versions"))?;
        diesel::insert_into(questionnaire_versions::table)
            .values((
                questionnaire_versions::questionnaire_id.eq(id.to_string()),
                questionnaire_versions::version.eq(next),
                questionnaire_versions::items.eq(items),
                questionnaire_versions::created_at.eq(to_db_time(now)),
            ))
            .execute(conn)?;
        next
    } else {
        diesel::update(questionnaire_versions::table.find((id.to_string(), current_version)))
            .set(questionnaire_versions::items.eq(items))
            .execute(conn)?;
        current_version
    };
    let (recurrence, every) = recurrence_to_db(new.schedule.recurrence);
    let window_days =
        i32::try_from(new.schedule.window_days).map_err(|_| corrupt("window_days"))?;
    diesel::update(questionnaires::table.find(id.to_string()))
        .set((
            questionnaires::title.eq(new.title.as_str()),
            questionnaires::opens_at.eq(to_db_time(new.schedule.opens_at)),
            questionnaires::recurrence.eq(recurrence),
            questionnaires::every_n.eq(every),
            questionnaires::window_days.eq(window_days),
            questionnaires::version.eq(version),
            questionnaires::updated_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    find(conn, id)?.ok_or(PersistenceError::NotFound)
}

/// A questionnaire at its current version.
pub fn find(
    conn: &mut DbConnection,
    id: QuestionnaireId,
) -> Result<Option<Questionnaire>, PersistenceError> {
    let row = questionnaires::table
        .find(id.to_string())
        .select(QuestionnaireRow::as_select())
        .first(conn)
        .optional()?;
    Ok(with_items(conn, row.into_iter().collect())?.pop())
}

/// The questionnaires of these studies, oldest first.
pub fn of_studies(
    conn: &mut DbConnection,
    studies: &[StudyId],
) -> Result<Vec<Questionnaire>, PersistenceError> {
    if studies.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<String> = studies.iter().map(ToString::to_string).collect();
    let rows = questionnaires::table
        .filter(questionnaires::study_id.eq_any(ids))
        .select(QuestionnaireRow::as_select())
        .order(questionnaires::id.asc())
        .load(conn)?;
    with_items(conn, rows)
}

/// How many questionnaires a study holds.
pub fn count_of_study(conn: &mut DbConnection, study: StudyId) -> Result<usize, PersistenceError> {
    let n: i64 = questionnaires::table
        .filter(questionnaires::study_id.eq(study.to_string()))
        .count()
        .get_result(conn)?;
    usize::try_from(n).map_err(|_| corrupt("count"))
}

/// The items of one version of a questionnaire, if it exists.
pub fn version(
    conn: &mut DbConnection,
    id: QuestionnaireId,
    version: u32,
) -> Result<Option<Definition>, PersistenceError> {
    questionnaire_versions::table
        .find((id.to_string(), version_to_db(version)?))
        .select(questionnaire_versions::items)
        .first::<String>(conn)
        .optional()?
        .map(|items| load_items(&items))
        .transpose()
}
