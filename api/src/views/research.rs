//! Research read models: studies with their consent text, a member's consent ledger and due
//! questionnaires, and what researchers get — pseudonymous exports (free text only when the
//! consent text says so) and suppressed aggregates — plus FHIR R4 renderings.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use entraide_domain::consent::{Purpose, Standing, standing};
use entraide_domain::ids::{MemberId, QuestionnaireId, StudyId};
use entraide_domain::questionnaire::{AnswerValue, Code, Definition, Item, ItemKind};
use entraide_domain::research::{
    ItemAggregate, K_ANONYMITY, Questionnaire, Response, Study, StudyStatus, aggregate,
    exports_free_text,
};
use entraide_openapi::research as wire;
use entraide_persistence::consents::ConsentText;
use entraide_persistence::responses::ExportRow;
use entraide_persistence::{DbConnection, consents, questionnaires, responses, studies};
use serde_json::{Value, json};

use crate::convert::research::{
    answer_to_wire, answers_to_wire, channel_to_wire, consent_text_to_wire, past_answers_to_wire,
    study_to_wire,
};
use crate::error::ApiError;

fn current_text(conn: &mut DbConnection, study: StudyId) -> Result<ConsentText, ApiError> {
    consents::current_text(conn, Purpose::Research(study))?
        .ok_or_else(|| ApiError::internal("a study without a consent text"))
}

/// Studies as the wire shows them, each with its current consent text.
pub(crate) fn study_views(
    conn: &mut DbConnection,
    studies: Vec<Study>,
) -> Result<Vec<wire::Study>, ApiError> {
    studies
        .into_iter()
        .map(|study| {
            let text = current_text(conn, study.id)?;
            Ok(study_to_wire(study, text))
        })
        .collect()
}

pub(crate) fn study_view(conn: &mut DbConnection, study: Study) -> Result<wire::Study, ApiError> {
    study_views(conn, vec![study])?
        .pop()
        .ok_or_else(|| ApiError::internal("a study went missing"))
}

/// Everything a member agreed to, newest first, with the texts and the studies' titles.
pub(crate) fn ledger_view(
    conn: &mut DbConnection,
    member: MemberId,
) -> Result<wire::ConsentLedger, ApiError> {
    let ledger = consents::ledger(conn, member, None)?;
    let wanted: BTreeSet<(Purpose, u32)> =
        ledger.iter().map(|r| (r.purpose, r.text_version)).collect();
    let wanted: Vec<(Purpose, u32)> = wanted.into_iter().collect();
    let texts: HashMap<(Purpose, u32), ConsentText> = consents::texts(conn, &wanted)?
        .into_iter()
        .map(|t| ((t.purpose, t.version), t))
        .collect();
    let mut titles: HashMap<StudyId, String> = HashMap::new();
    let mut items = Vec::with_capacity(ledger.len());
    for record in ledger {
        let study_id = match record.purpose {
            Purpose::Research(study) => Some(study),
            Purpose::Announcements => None,
        };
        let study_title = match study_id {
            Some(study) => {
                if let std::collections::hash_map::Entry::Vacant(slot) = titles.entry(study) {
                    let title = studies::find(conn, study)?
                        .map(|s| s.title.as_str().to_owned())
                        .unwrap_or_default();
                    slot.insert(title);
                }
                titles.get(&study).cloned()
            }
            None => None,
        };
        let text = texts
            .get(&(record.purpose, record.text_version))
            .cloned()
            .ok_or_else(|| ApiError::internal("a consent to a missing text"))?;
        items.push(wire::Consent {
            purpose: record.purpose.to_string(),
            study_id: study_id.map(|s| s.as_uuid()),
            study_title,
            text: consent_text_to_wire(text),
            channel: channel_to_wire(record.channel),
            given_at: record.given_at,
            withdrawn_at: record.withdrawn_at,
            past_answers: record.past_answers.map(past_answers_to_wire),
        });
    }
    Ok(wire::ConsentLedger { items })
}

/// The open studies the member consents to now (current text), by id.
fn consented_open_studies(
    conn: &mut DbConnection,
    member: MemberId,
) -> Result<Vec<Study>, ApiError> {
    let ledger = consents::ledger(conn, member, None)?;
    let candidates: BTreeSet<StudyId> = ledger
        .iter()
        .filter_map(|r| match r.purpose {
            Purpose::Research(study) => Some(study),
            Purpose::Announcements => None,
        })
        .collect();
    let mut found = Vec::new();
    for study_id in candidates {
        let purpose = Purpose::Research(study_id);
        let Some(current) = consents::current_version(conn, purpose)? else {
            continue;
        };
        if standing(&ledger, purpose, current) != Standing::Current {
            continue;
        }
        if let Some(study) = studies::find(conn, study_id)?
            && study.status == StudyStatus::Open
        {
            found.push(study);
        }
    }
    Ok(found)
}

/// The questionnaires due for the member at `now`.
pub(crate) fn due_list(
    conn: &mut DbConnection,
    member: MemberId,
    now: DateTime<Utc>,
) -> Result<wire::DueList, ApiError> {
    let studies = consented_open_studies(conn, member)?;
    let titles: HashMap<StudyId, String> = studies
        .iter()
        .map(|s| (s.id, s.title.as_str().to_owned()))
        .collect();
    let ids: Vec<StudyId> = studies.iter().map(|s| s.id).collect();
    let questionnaires = questionnaires::of_studies(conn, &ids)?;
    let q_ids: Vec<QuestionnaireId> = questionnaires.iter().map(|q| q.id).collect();
    let last = responses::last_answers(conn, member, &q_ids)?;
    let items = questionnaires
        .into_iter()
        .filter_map(|q| {
            let window = q.schedule.due(last.get(&q.id).copied(), now)?;
            Some(wire::DueQuestionnaire {
                questionnaire_id: q.id.as_uuid(),
                title: q.title.as_str().to_owned(),
                study_id: q.study_id.as_uuid(),
                study_title: titles.get(&q.study_id).cloned().unwrap_or_default(),
                version: q.version,
                window_opens_at: window.opens_at,
                window_closes_at: window.closes_at,
            })
        })
        .collect();
    Ok(wire::DueList { items })
}

/// Definitions of questionnaire versions, loaded once each.
#[derive(Default)]
pub(crate) struct Versions(HashMap<(QuestionnaireId, u32), Definition>);

impl Versions {
    pub(crate) fn get(
        &mut self,
        conn: &mut DbConnection,
        questionnaire: QuestionnaireId,
        version: u32,
    ) -> Result<&Definition, ApiError> {
        use std::collections::hash_map::Entry;
        match self.0.entry((questionnaire, version)) {
            Entry::Occupied(found) => Ok(found.into_mut()),
            Entry::Vacant(slot) => {
                let definition = questionnaires::version(conn, questionnaire, version)?
                    .ok_or_else(|| ApiError::internal("a response to a missing version"))?;
                Ok(slot.insert(definition))
            }
        }
    }
}

/// The exportable rows of a study: every response under a consent still in force, with the
/// participant's study pseudonym and the day (not the time), free-text answers only under a
/// consent text that says they are shared.
pub(crate) fn export_rows(
    conn: &mut DbConnection,
    study: &Study,
) -> Result<Vec<wire::ExportedResponse>, ApiError> {
    let rows = responses::for_export(conn, study.id)?;
    let purpose = Purpose::Research(study.id);
    let consent_versions: BTreeSet<u32> = rows.iter().map(|r| r.consent_version).collect();
    let wanted: Vec<(Purpose, u32)> = consent_versions.iter().map(|v| (purpose, *v)).collect();
    let shares: HashMap<u32, bool> = consents::texts(conn, &wanted)?
        .into_iter()
        .map(|t| (t.version, t.shares_free_text))
        .collect();
    let mut versions = Versions::default();
    let mut exported = Vec::with_capacity(rows.len());
    for row in rows {
        let ExportRow {
            participant,
            questionnaire_id,
            version,
            consent_version,
            answers,
            answered_at,
        } = row;
        let definition = versions.get(conn, questionnaire_id, version)?;
        let shares_free_text = shares.get(&consent_version).copied().unwrap_or(false);
        let answers = answers
            .iter()
            .filter(|(code, _)| {
                definition
                    .items()
                    .iter()
                    .find(|i| &&i.link_id == code)
                    .is_some_and(|item| exports_free_text(&item.kind, shares_free_text))
            })
            .map(|(code, value)| (code.as_str().to_owned(), answer_to_wire(value)))
            .collect();
        exported.push(wire::ExportedResponse {
            participant,
            questionnaire_id: questionnaire_id.as_uuid(),
            questionnaire_version: version,
            consent_version,
            answered_on: answered_at.date_naive(),
            answers,
        });
    }
    // By day, then pseudonym: the order of answers within a day would tell more than the day.
    exported.sort_by(|a, b| {
        (a.answered_on, &a.participant, a.questionnaire_id).cmp(&(
            b.answered_on,
            &b.participant,
            b.questionnaire_id,
        ))
    });
    Ok(exported)
}

/// A cell a spreadsheet would read as a formula (`=`, `+`, `-`, `@`, tab, carriage return
/// first) is prefixed with `'` (OWASP's CSV injection advice); numbers are written as numbers.
fn csv_cell(value: &Value) -> String {
    let text = match value {
        Value::String(s) => s.clone(),
        Value::Array(items) => items
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(";"),
        Value::Null => String::new(),
        other => return other.to_string(),
    };
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text
    }
}

/// The CSV export: one row per response; columns `participant`, `questionnaire_id`,
/// `questionnaire_version`, `consent_version`, `answered_on`, then one per item `link_id` met
/// in the rows (sorted), multiple choices joined with `;`.
pub(crate) fn export_csv(rows: &[wire::ExportedResponse]) -> Result<String, ApiError> {
    let columns: BTreeSet<&str> = rows
        .iter()
        .flat_map(|r| r.answers.keys().map(String::as_str))
        .collect();
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut header = vec![
        "participant",
        "questionnaire_id",
        "questionnaire_version",
        "consent_version",
        "answered_on",
    ];
    header.extend(columns.iter().copied());
    writer.write_record(&header).map_err(ApiError::internal)?;
    for row in rows {
        let mut record = vec![
            row.participant.clone(),
            row.questionnaire_id.to_string(),
            row.questionnaire_version.to_string(),
            row.consent_version.to_string(),
            row.answered_on.to_string(),
        ];
        record.extend(columns.iter().map(|c| {
            row.answers
                .get(*c)
                .map(|v| csv_cell(&v.0))
                .unwrap_or_default()
        }));
        writer.write_record(&record).map_err(ApiError::internal)?;
    }
    let bytes = writer.into_inner().map_err(ApiError::internal)?;
    String::from_utf8(bytes).map_err(ApiError::internal)
}

fn item_type(kind: &ItemKind) -> wire::ItemType {
    match kind {
        ItemKind::Choice { .. } => wire::ItemType::SingleChoice,
        ItemKind::MultipleChoice { .. } => wire::ItemType::MultipleChoice,
        ItemKind::Scale { .. } => wire::ItemType::Scale,
        ItemKind::Number { .. } => wire::ItemType::Number,
        ItemKind::Date => wire::ItemType::Date,
        ItemKind::Boolean => wire::ItemType::Boolean,
        ItemKind::Text { .. } => wire::ItemType::Text,
    }
}

/// Aggregates of every questionnaire of the study at its current version, over each
/// participant's latest exportable response on that version, k = 5.
pub(crate) fn aggregates(
    conn: &mut DbConnection,
    study: &Study,
) -> Result<wire::StudyAggregates, ApiError> {
    let rows = responses::for_export(conn, study.id)?;
    let questionnaires = questionnaires::of_studies(conn, &[study.id])?;
    let mut result = Vec::with_capacity(questionnaires.len());
    for q in questionnaires {
        // Rows come oldest first: the last one per participant wins.
        let mut latest: BTreeMap<&str, &BTreeMap<Code, AnswerValue>> = BTreeMap::new();
        for row in rows
            .iter()
            .filter(|r| r.questionnaire_id == q.id && r.version == q.version)
        {
            latest.insert(row.participant.as_str(), &row.answers);
        }
        let sets: Vec<&BTreeMap<Code, AnswerValue>> = latest.into_values().collect();
        let participants = u64::try_from(sets.len()).unwrap_or(u64::MAX);
        let kinds: HashMap<&Code, &Item> = q
            .definition
            .items()
            .iter()
            .map(|i| (&i.link_id, i))
            .collect();
        let items = aggregate(&q.definition, &sets, K_ANONYMITY)
            .into_iter()
            .map(|(code, figures)| {
                let item_type = kinds
                    .get(&code)
                    .map_or(wire::ItemType::Text, |i| item_type(&i.kind));
                let (answered, unanswered, cells, statistics) = match figures {
                    ItemAggregate::Counts { cells, unanswered } => {
                        let answered = None;
                        let cells = cells
                            .into_iter()
                            .map(|(code, count)| wire::AggregateCell { code, count })
                            .collect();
                        (answered, unanswered, Some(cells), None)
                    }
                    ItemAggregate::Statistics {
                        answered,
                        unanswered,
                        summary,
                    } => (
                        answered,
                        unanswered,
                        None,
                        summary.map(|s| wire::AggregateStatistics {
                            count: s.count,
                            mean: s.mean,
                            median: s.median,
                            q1: s.q1,
                            q3: s.q3,
                        }),
                    ),
                    ItemAggregate::Answered {
                        answered,
                        unanswered,
                    } => (answered, unanswered, None, None),
                };
                wire::ItemAggregate {
                    link_id: code.as_str().to_owned(),
                    item_type,
                    answered,
                    unanswered,
                    cells,
                    statistics,
                }
            })
            .collect();
        result.push(wire::QuestionnaireAggregates {
            questionnaire_id: q.id.as_uuid(),
            version: q.version,
            participants: (participants >= K_ANONYMITY).then_some(participants),
            items,
        });
    }
    Ok(wire::StudyAggregates {
        study_id: study.id.as_uuid(),
        k: K_ANONYMITY,
        questionnaires: result,
    })
}

/// A member's own response as the wire shows it.
pub(crate) fn response_to_wire(response: &Response) -> wire::QuestionnaireResponse {
    wire::QuestionnaireResponse {
        id: response.id.as_uuid(),
        questionnaire_id: response.questionnaire_id.as_uuid(),
        study_id: response.study_id.as_uuid(),
        version: response.version,
        answers: answers_to_wire(&response.answers),
        answered_at: response.answered_at,
    }
}

fn fhir_answer(kind: &ItemKind, value: &AnswerValue) -> Vec<Value> {
    match value {
        AnswerValue::Code(code) => vec![json!({"valueCoding": {"code": code.as_str()}})],
        AnswerValue::Codes(codes) => codes
            .iter()
            .map(|c| json!({"valueCoding": {"code": c.as_str()}}))
            .collect(),
        AnswerValue::Integer(n) => vec![json!({ "valueInteger": n })],
        AnswerValue::Number(n) => match kind {
            ItemKind::Number {
                unit: Some(unit), ..
            } => vec![json!({"valueQuantity": {"value": n, "unit": unit.as_str()}})],
            _ => vec![json!({ "valueDecimal": n })],
        },
        AnswerValue::Date(date) => {
            vec![json!({"valueDate": date.format("%Y-%m-%d").to_string()})]
        }
        AnswerValue::Boolean(b) => vec![json!({ "valueBoolean": b })],
        AnswerValue::Text(text) => vec![json!({ "valueString": text })],
    }
}

fn fhir_enable_when_answer(value: &AnswerValue) -> (&'static str, Value) {
    match value {
        AnswerValue::Code(code) => ("answerCoding", json!({"code": code.as_str()})),
        AnswerValue::Codes(codes) => (
            "answerCoding",
            json!({"code": codes.first().map(Code::as_str)}),
        ),
        AnswerValue::Integer(n) => ("answerInteger", json!(n)),
        AnswerValue::Number(n) => ("answerDecimal", json!(n)),
        AnswerValue::Date(d) => ("answerDate", json!(d.format("%Y-%m-%d").to_string())),
        AnswerValue::Boolean(b) => ("answerBoolean", json!(b)),
        AnswerValue::Text(t) => ("answerString", json!(t)),
    }
}

fn fhir_item(item: &Item) -> Value {
    let mut out = json!({
        "linkId": item.link_id.as_str(),
        "text": item.text.as_str(),
        "type": item.kind.fhir_type(),
        "required": item.required,
    });
    let mut extensions = Vec::new();
    match &item.kind {
        ItemKind::Choice { options } | ItemKind::MultipleChoice { options } => {
            out["answerOption"] = options
                .iter()
                .map(|o| json!({"valueCoding": {"code": o.code.as_str(), "display": o.display.as_str()}}))
                .collect();
            if matches!(item.kind, ItemKind::MultipleChoice { .. }) {
                out["repeats"] = json!(true);
            }
        }
        ItemKind::Scale { min, max, .. } => {
            extensions.push(json!({"url": "http://hl7.org/fhir/StructureDefinition/minValue", "valueInteger": min}));
            extensions.push(json!({"url": "http://hl7.org/fhir/StructureDefinition/maxValue", "valueInteger": max}));
        }
        ItemKind::Number { unit, min, max } => {
            if let Some(min) = min {
                extensions.push(json!({"url": "http://hl7.org/fhir/StructureDefinition/minValue", "valueDecimal": min}));
            }
            if let Some(max) = max {
                extensions.push(json!({"url": "http://hl7.org/fhir/StructureDefinition/maxValue", "valueDecimal": max}));
            }
            if let Some(unit) = unit {
                extensions.push(json!({"url": "http://hl7.org/fhir/StructureDefinition/questionnaire-unit", "valueCoding": {"display": unit.as_str()}}));
            }
        }
        ItemKind::Text { max_chars } => out["maxLength"] = json!(max_chars),
        ItemKind::Date | ItemKind::Boolean => {}
    }
    if !extensions.is_empty() {
        out["extension"] = Value::Array(extensions);
    }
    if let Some(condition) = &item.enable_when {
        let (key, answer) = fhir_enable_when_answer(&condition.answer);
        let mut when = json!({"question": condition.question.as_str(), "operator": "="});
        when[key] = answer;
        out["enableWhen"] = json!([when]);
    }
    out
}

/// A questionnaire as a FHIR R4 `Questionnaire` resource.
pub(crate) fn fhir_questionnaire(q: &Questionnaire, study: &Study) -> Value {
    let status = match study.status {
        StudyStatus::Draft => "draft",
        StudyStatus::Open => "active",
        StudyStatus::Closed => "retired",
    };
    json!({
        "resourceType": "Questionnaire",
        "id": q.id.to_string(),
        "url": format!("urn:uuid:{}", q.id),
        "version": q.version.to_string(),
        "title": q.title.as_str(),
        "status": status,
        "date": q.updated_at.to_rfc3339(),
        "publisher": study.sponsor.as_str(),
        "item": q.definition.items().iter().map(fhir_item).collect::<Vec<_>>(),
    })
}

/// A member's own responses as a FHIR R4 `Bundle` (type `collection`) of
/// `QuestionnaireResponse`s. Their own data, free text included.
pub(crate) fn fhir_responses(
    conn: &mut DbConnection,
    responses: &[Response],
) -> Result<Value, ApiError> {
    let mut versions = Versions::default();
    let mut entries = Vec::with_capacity(responses.len());
    for response in responses {
        let definition = versions.get(conn, response.questionnaire_id, response.version)?;
        let items: Vec<Value> = definition
            .items()
            .iter()
            .filter_map(|item| {
                let value = response.answers.get(&item.link_id)?;
                Some(json!({
                    "linkId": item.link_id.as_str(),
                    "text": item.text.as_str(),
                    "answer": fhir_answer(&item.kind, value),
                }))
            })
            .collect();
        entries.push(json!({
            "fullUrl": format!("urn:uuid:{}", response.id),
            "resource": {
                "resourceType": "QuestionnaireResponse",
                "id": response.id.to_string(),
                "questionnaire": format!("urn:uuid:{}|{}", response.questionnaire_id, response.version),
                "status": "completed",
                "authored": response.answered_at.to_rfc3339(),
                "item": items,
            }
        }));
    }
    Ok(json!({
        "resourceType": "Bundle",
        "type": "collection",
        "total": entries.len(),
        "entry": entries,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spreadsheet_formulas_are_defused() {
        assert_eq!(csv_cell(&json!("=HYPERLINK(\"x\")")), "'=HYPERLINK(\"x\")");
        assert_eq!(csv_cell(&json!("-2+3")), "'-2+3");
        assert_eq!(csv_cell(&json!("fatigue")), "fatigue");
        assert_eq!(csv_cell(&json!(-2)), "-2");
        assert_eq!(csv_cell(&json!(["a", "b"])), "a;b");
    }
}
