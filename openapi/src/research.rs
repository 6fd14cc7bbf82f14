//! Research: studies, their consent texts, questionnaires (in the HL7 FHIR `Questionnaire`
//! vocabulary, snake-cased: `link_id`, `type`, `answer_option`, `enable_when`), responses,
//! the consent ledger, and what researchers get (pseudonymous exports, suppressed aggregates,
//! the audit log).

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, OneOfBuilder, Schema, Type};
use uuid::Uuid;

use crate::members::MemberKind;

/// Where a study stands: `draft` (its researcher and platform admins see it), `open`
/// (members consent and answer), `closed` (read-only). Draft → open → closed, never back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StudyStatus {
    Draft,
    Open,
    Closed,
}

/// Who a study is for: member kinds, conditions (none: any), and an age band in years (shown
/// to members, not enforced: profiles carry no age).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"kinds": ["patient"], "condition_ids": [], "min_age": 18, "max_age": null}))]
pub struct Eligibility {
    /// One or more distinct kinds.
    #[schema(min_items = 1, max_items = 3)]
    pub kinds: Vec<MemberKind>,
    #[serde(default)]
    pub condition_ids: Vec<Uuid>,
    #[serde(default, deserialize_with = "crate::integer::option")]
    #[schema(minimum = 0, maximum = 120)]
    pub min_age: Option<u8>,
    #[serde(default, deserialize_with = "crate::integer::option")]
    #[schema(minimum = 0, maximum = 120)]
    pub max_age: Option<u8>,
}

/// A consent text as a researcher writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "body": "Vos réponses sont utilisées pour étudier la fatigue. Vous pouvez retirer votre consentement à tout moment.",
    "shares_free_text": false
}))]
pub struct ConsentTextInput {
    /// What the member agrees to (plain text, 1 to 8000 characters).
    #[schema(min_length = 1, max_length = 8000)]
    pub body: String,
    /// Do the researchers receive free-text answers? When `false` (the default), exports
    /// leave free-text items out.
    #[serde(default)]
    pub shares_free_text: bool,
}

/// One version of a consent text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "version": 1,
    "body": "Vos réponses sont utilisées pour étudier la fatigue. Vous pouvez retirer votre consentement à tout moment.",
    "shares_free_text": false,
    "created_at": "2026-12-01T09:00:00Z"
}))]
pub struct ConsentText {
    /// Consent to this version: `POST /api/v1/studies/{id}/consent` with `text_version`.
    #[schema(minimum = 1)]
    pub version: u32,
    pub body: String,
    pub shares_free_text: bool,
    pub created_at: DateTime<Utc>,
}

/// A new study (a draft) with its first consent text. Researchers only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "title": "Fatigue et sommeil dans le lupus",
    "lay_summary": "Un court questionnaire chaque mois pendant un an.",
    "sponsor": "AP-HP",
    "ethics_reference": "CPP 2026-A01234-56",
    "eligibility": {"kinds": ["patient"], "condition_ids": [], "min_age": 18, "max_age": null},
    "consent_text": {"body": "Vos réponses sont utilisées pour étudier la fatigue.", "shares_free_text": false}
}))]
pub struct CreateStudyRequest {
    #[schema(min_length = 3, max_length = 120)]
    pub title: String,
    /// What taking part means, in plain words (up to 8000 characters).
    #[serde(default)]
    #[schema(max_length = 8000)]
    pub lay_summary: String,
    #[schema(min_length = 1, max_length = 200)]
    pub sponsor: String,
    /// The ethics committee's approval reference.
    #[schema(min_length = 1, max_length = 200)]
    pub ethics_reference: String,
    pub eligibility: Eligibility,
    pub consent_text: ConsentTextInput,
}

/// Changes to a study; absent fields stay. Title, summary, sponsor, ethics reference and
/// eligibility change while a draft (409 `study_not_draft` after); a new `consent_text` is a
/// new version (members are asked again) until the study closes; `status` moves it forward.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"status": "open"}))]
pub struct UpdateStudyRequest {
    #[schema(min_length = 3, max_length = 120)]
    pub title: Option<String>,
    #[schema(max_length = 8000)]
    pub lay_summary: Option<String>,
    #[schema(min_length = 1, max_length = 200)]
    pub sponsor: Option<String>,
    #[schema(min_length = 1, max_length = 200)]
    pub ethics_reference: Option<String>,
    pub eligibility: Option<Eligibility>,
    pub consent_text: Option<ConsentTextInput>,
    pub status: Option<StudyStatus>,
}

/// A study, as members read it before consenting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": "01939a4e-8f7a-7cc3-9a51-3c1f0e2b6d11",
    "title": "Fatigue et sommeil dans le lupus",
    "lay_summary": "Un court questionnaire chaque mois pendant un an.",
    "sponsor": "AP-HP",
    "ethics_reference": "CPP 2026-A01234-56",
    "eligibility": {"kinds": ["patient"], "condition_ids": [], "min_age": 18, "max_age": null},
    "status": "open",
    "researcher_id": "01939a4e-8f7a-7cc3-9a51-3c1f0e2b6d12",
    "consent_text": {"version": 1, "body": "Vos réponses sont utilisées pour étudier la fatigue.", "shares_free_text": false, "created_at": "2026-12-01T09:00:00Z"},
    "created_at": "2026-12-01T09:00:00Z",
    "updated_at": "2026-12-01T09:00:00Z"
}))]
pub struct Study {
    pub id: Uuid,
    pub title: String,
    pub lay_summary: String,
    pub sponsor: String,
    pub ethics_reference: String,
    pub eligibility: Eligibility,
    pub status: StudyStatus,
    /// The researcher who runs it (`null` once their account is gone).
    pub researcher_id: Option<Uuid>,
    /// The current consent text.
    pub consent_text: ConsentText,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Consent to a study's current consent text. `text_version` is the version the member read:
/// when a newer one was published meanwhile, 409 `consent_text_changed` (read it, then
/// consent to it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"text_version": 1}))]
pub struct GiveConsentRequest {
    #[serde(deserialize_with = "crate::integer::deserialize")]
    #[schema(minimum = 1)]
    pub text_version: u32,
}

/// What happens to past answers on withdrawal: `delete` (at once) or `keep_pseudonymous`
/// (kept under the study pseudonym, unlinked from the account, left out of every later export
/// and aggregate).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PastAnswers {
    Delete,
    KeepPseudonymous,
}

/// How a consent was recorded: `api` (by the member through a client) or `platform` (by the
/// platform on their behalf).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConsentChannel {
    Api,
    Platform,
}

/// One entry of a member's consent ledger, with the text agreed to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "purpose": "research:01939a4e-8f7a-7cc3-9a51-3c1f0e2b6d11",
    "study_id": "01939a4e-8f7a-7cc3-9a51-3c1f0e2b6d11",
    "study_title": "Fatigue et sommeil dans le lupus",
    "text": {"version": 1, "body": "Vos réponses sont utilisées pour étudier la fatigue.", "shares_free_text": false, "created_at": "2026-12-01T09:00:00Z"},
    "channel": "api",
    "given_at": "2026-12-02T10:00:00Z",
    "withdrawn_at": null,
    "past_answers": null
}))]
pub struct Consent {
    /// `research:<study id>` or `announcements`.
    #[schema(pattern = "^(announcements|research:[0-9a-f-]{36})$")]
    pub purpose: String,
    /// For research consents, the study.
    pub study_id: Option<Uuid>,
    pub study_title: Option<String>,
    pub text: ConsentText,
    pub channel: ConsentChannel,
    pub given_at: DateTime<Utc>,
    pub withdrawn_at: Option<DateTime<Utc>>,
    /// On withdrawal from a study: what the member chose for their past answers.
    pub past_answers: Option<PastAnswers>,
}

/// Everything a member agreed to, newest first, with the texts. History is never rewritten.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"items": [{
    "purpose": "research:01939a4e-8f7a-7cc3-9a51-3c1f0e2b6d11",
    "study_id": "01939a4e-8f7a-7cc3-9a51-3c1f0e2b6d11",
    "study_title": "Fatigue et sommeil dans le lupus",
    "text": {"version": 1, "body": "Vos réponses sont utilisées pour étudier la fatigue.", "shares_free_text": false, "created_at": "2026-12-01T09:00:00Z"},
    "channel": "api",
    "given_at": "2026-12-02T10:00:00Z",
    "withdrawn_at": null,
    "past_answers": null
}]}))]
pub struct ConsentLedger {
    pub items: Vec<Consent>,
}

/// How often a questionnaire is asked: `once`, every `every` `days` (1–366) or `months`
/// (1–24).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum QuestionnaireRecurrence {
    Once,
    Days,
    Months,
}

/// When a questionnaire is asked: from `opens_at`, again by `recurrence`, each time for
/// `window_days` (1–90, not longer than the recurrence).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"opens_at": "2026-12-01T08:00:00Z", "recurrence": "months", "every": 1, "window_days": 7}))]
pub struct Schedule {
    pub opens_at: DateTime<Utc>,
    pub recurrence: QuestionnaireRecurrence,
    /// The period for `days` (1–366) or `months` (1–24); absent for `once`.
    #[serde(default, deserialize_with = "crate::integer::option")]
    #[schema(minimum = 1, maximum = 366)]
    pub every: Option<u32>,
    #[serde(deserialize_with = "crate::integer::deserialize")]
    #[schema(minimum = 1, maximum = 90)]
    pub window_days: u32,
}

/// An item's type (FHIR `Questionnaire.item.type`, made precise): `single_choice` and
/// `multiple_choice` (FHIR `choice`), `scale` (a whole number from `min` to `max`, e.g. pain
/// 0–10), `number` (with `unit`, `min`, `max`), `date`, `boolean` (yes/no), `text` (up to
/// `max_chars`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ItemType {
    SingleChoice,
    MultipleChoice,
    Scale,
    Number,
    Date,
    Boolean,
    Text,
}

/// One option of a choice item (FHIR `answerOption.valueCoding`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerOption {
    /// 1–64 of `A-Z a-z 0-9 . _ -`, unique in the item.
    #[schema(min_length = 1, max_length = 64, pattern = "^[A-Za-z0-9._-]{1,64}$")]
    pub code: String,
    #[schema(min_length = 1, max_length = 200)]
    pub display: String,
}

/// An answer: a choice's option code (string), several codes (array), a scale's whole number,
/// a number, a date (`YYYY-MM-DD` string), yes/no (boolean) or a text (string); which one an
/// item takes depends on its `type`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AnswerValue(pub serde_json::Value);

impl utoipa::PartialSchema for AnswerValue {
    fn schema() -> RefOr<Schema> {
        OneOfBuilder::new()
            .description(Some(
                "An answer: an option code, a date (YYYY-MM-DD) or a text (string); several \
                 option codes (array); a scale value or a number (number); yes/no (boolean). \
                 Which one an item takes depends on its `type`. In an answer set, `null` is no \
                 answer (as if the item were absent).",
            ))
            .item(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .max_length(Some(4000)),
            )
            .item(
                ArrayBuilder::new()
                    .items(
                        ObjectBuilder::new()
                            .schema_type(Type::String)
                            .max_length(Some(64)),
                    )
                    .min_items(Some(1))
                    .max_items(Some(50)),
            )
            .item(ObjectBuilder::new().schema_type(Type::Number))
            .item(ObjectBuilder::new().schema_type(Type::Boolean))
            .item(ObjectBuilder::new().schema_type(Type::Null))
            .into()
    }
}

impl ToSchema for AnswerValue {}

/// Skip logic (FHIR `enableWhen`, operator `=`): the item is shown only when the earlier item
/// `question` was answered `answer` (for a multiple choice: `answer` is one option code, and
/// the item is shown when the answer includes it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnableWhen {
    #[schema(min_length = 1, max_length = 64, pattern = "^[A-Za-z0-9._-]{1,64}$")]
    pub question: String,
    pub answer: AnswerValue,
}

/// One question. Fields by `type`: `answer_option` for choices; `min`, `max` (whole numbers),
/// `min_label`, `max_label` for scales; `unit`, `min`, `max` for numbers; `max_chars` for text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"link_id": "pain", "text": "Votre douleur aujourd'hui", "type": "scale", "required": true, "min": 0, "max": 10, "min_label": "aucune", "max_label": "la pire imaginable"}))]
pub struct QuestionnaireItem {
    /// Stable across versions: answers to the same question are followed over time.
    #[schema(min_length = 1, max_length = 64, pattern = "^[A-Za-z0-9._-]{1,64}$")]
    pub link_id: String,
    #[schema(min_length = 1, max_length = 200)]
    pub text: String,
    #[serde(rename = "type")]
    pub item_type: ItemType,
    #[serde(default)]
    pub required: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(min_items = 1, max_items = 50)]
    pub answer_option: Option<Vec<AnswerOption>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = -1_000_000_000.0, maximum = 1_000_000_000.0)]
    pub min: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = -1_000_000_000.0, maximum = 1_000_000_000.0)]
    pub max: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(min_length = 1, max_length = 200)]
    pub min_label: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(min_length = 1, max_length = 200)]
    pub max_label: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(min_length = 1, max_length = 200)]
    pub unit: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::integer::option"
    )]
    #[schema(minimum = 1, maximum = 4000)]
    pub max_chars: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_when: Option<EnableWhen>,
}

/// A questionnaire as its researcher writes it (`POST` a new one, `PUT` a new version).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "title": "Douleur et fatigue",
    "schedule": {"opens_at": "2026-12-01T08:00:00Z", "recurrence": "months", "every": 1, "window_days": 7},
    "items": [
        {"link_id": "pain", "text": "Votre douleur aujourd'hui", "type": "scale", "required": true, "min": 0, "max": 10},
        {"link_id": "woke", "text": "Réveillé(e) la nuit ?", "type": "boolean", "required": true},
        {"link_id": "nights", "text": "Combien de nuits ?", "type": "number", "unit": "nuits", "min": 0, "max": 31,
         "enable_when": {"question": "woke", "answer": true}}
    ]
}))]
pub struct QuestionnaireInput {
    #[schema(min_length = 3, max_length = 120)]
    pub title: String,
    pub schedule: Schedule,
    #[schema(min_items = 1, max_items = 200)]
    pub items: Vec<QuestionnaireItem>,
}

/// A questionnaire at its current version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": "01939a4e-8f7a-7cc3-9a51-3c1f0e2b6d13",
    "study_id": "01939a4e-8f7a-7cc3-9a51-3c1f0e2b6d11",
    "title": "Douleur et fatigue",
    "schedule": {"opens_at": "2026-12-01T08:00:00Z", "recurrence": "months", "every": 1, "window_days": 7},
    "version": 1,
    "items": [{"link_id": "pain", "text": "Votre douleur aujourd'hui", "type": "scale", "required": true, "min": 0, "max": 10}],
    "created_at": "2026-12-01T09:00:00Z",
    "updated_at": "2026-12-01T09:00:00Z"
}))]
pub struct Questionnaire {
    pub id: Uuid,
    pub study_id: Uuid,
    pub title: String,
    pub schedule: Schedule,
    /// The version answered now; a change once answers exist makes a new one.
    #[schema(minimum = 1)]
    pub version: u32,
    pub items: Vec<QuestionnaireItem>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A questionnaire due for the member now, with its answering window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "questionnaire_id": "01939a4e-8f7a-7cc3-9a51-3c1f0e2b6d13",
    "title": "Douleur et fatigue",
    "study_id": "01939a4e-8f7a-7cc3-9a51-3c1f0e2b6d11",
    "study_title": "Fatigue et sommeil dans le lupus",
    "version": 1,
    "window_opens_at": "2026-12-01T08:00:00Z",
    "window_closes_at": "2026-12-08T08:00:00Z"
}))]
pub struct DueQuestionnaire {
    pub questionnaire_id: Uuid,
    pub title: String,
    pub study_id: Uuid,
    pub study_title: String,
    pub version: u32,
    pub window_opens_at: DateTime<Utc>,
    pub window_closes_at: DateTime<Utc>,
}

/// The questionnaires due for the member: in open studies they consented to (current text),
/// in an answering window they have not answered yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"items": [{
    "questionnaire_id": "01939a4e-8f7a-7cc3-9a51-3c1f0e2b6d13",
    "title": "Douleur et fatigue",
    "study_id": "01939a4e-8f7a-7cc3-9a51-3c1f0e2b6d11",
    "study_title": "Fatigue et sommeil dans le lupus",
    "version": 1,
    "window_opens_at": "2026-12-01T08:00:00Z",
    "window_closes_at": "2026-12-08T08:00:00Z"
}]}))]
pub struct DueList {
    pub items: Vec<DueQuestionnaire>,
}

/// An answer set (FHIR `QuestionnaireResponse`): one answer per `link_id` shown and answered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"answers": {"pain": 4, "woke": true, "nights": 3}}))]
pub struct SubmitResponseRequest {
    /// From `link_id` to the answer. Items skipped by `enable_when` must be absent (or
    /// `null`: no answer).
    pub answers: BTreeMap<String, AnswerValue>,
}

/// A member's own response (an answer set, FHIR `QuestionnaireResponse`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": "01939a4e-8f7a-7cc3-9a51-3c1f0e2b6d14",
    "questionnaire_id": "01939a4e-8f7a-7cc3-9a51-3c1f0e2b6d13",
    "study_id": "01939a4e-8f7a-7cc3-9a51-3c1f0e2b6d11",
    "version": 1,
    "answers": {"pain": 4, "woke": true, "nights": 3},
    "answered_at": "2026-12-02T10:00:00Z"
}))]
pub struct QuestionnaireResponse {
    pub id: Uuid,
    pub questionnaire_id: Uuid,
    pub study_id: Uuid,
    /// The questionnaire version it was given on.
    pub version: u32,
    pub answers: BTreeMap<String, AnswerValue>,
    pub answered_at: DateTime<Utc>,
}

/// An export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    Csv,
    Json,
}

/// One exported response: the participant's study pseudonym (stable in this study, unlinkable
/// across studies), never who they are; the day it was given, not the time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "participant": "p_3f9a0c1e5b7d2a4f6e8c0b1d3f5a7c9e",
    "questionnaire_id": "01939a4e-8f7a-7cc3-9a51-3c1f0e2b6d13",
    "questionnaire_version": 1,
    "consent_version": 1,
    "answered_on": "2026-12-02",
    "answers": {"pain": 4, "woke": true, "nights": 3}
}))]
pub struct ExportedResponse {
    #[schema(pattern = "^p_[0-9a-f]{32}$")]
    pub participant: String,
    pub questionnaire_id: Uuid,
    pub questionnaire_version: u32,
    /// The consent text version the answers were given under.
    pub consent_version: u32,
    pub answered_on: NaiveDate,
    /// Free-text answers only when the consent text says so.
    pub answers: BTreeMap<String, AnswerValue>,
}

/// A study's export as JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "study_id": "01939a4e-8f7a-7cc3-9a51-3c1f0e2b6d11",
    "items": [{
        "participant": "p_3f9a0c1e5b7d2a4f6e8c0b1d3f5a7c9e",
        "questionnaire_id": "01939a4e-8f7a-7cc3-9a51-3c1f0e2b6d13",
        "questionnaire_version": 1,
        "consent_version": 1,
        "answered_on": "2026-12-02",
        "answers": {"pain": 4, "woke": true, "nights": 3}
    }]
}))]
pub struct StudyExport {
    pub study_id: Uuid,
    pub items: Vec<ExportedResponse>,
}

/// Participants per answer (`code`: an option code, or `true`/`false`); `count` is `null` when
/// it would describe fewer than 5 participants or let such a cell be recomputed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AggregateCell {
    pub code: String,
    pub count: Option<u64>,
}

/// Statistics of a scale or number item: from 10 answers (2k), and only when the number who
/// answered is itself shown.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AggregateStatistics {
    pub count: u64,
    pub mean: f64,
    pub median: f64,
    pub q1: f64,
    pub q3: f64,
}

/// What an aggregate shows of one item. Every figure describes at least 5 participants;
/// hidden ones are `null`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ItemAggregate {
    pub link_id: String,
    #[serde(rename = "type")]
    pub item_type: ItemType,
    /// Participants who answered the item.
    pub answered: Option<u64>,
    /// Participants who did not (skipped or optional).
    pub unanswered: Option<u64>,
    /// Choices and yes/no: participants per answer.
    pub cells: Option<Vec<AggregateCell>>,
    /// Scales and numbers.
    pub statistics: Option<AggregateStatistics>,
}

/// Aggregates of one questionnaire at its current version, over each participant's latest
/// response on that version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct QuestionnaireAggregates {
    pub questionnaire_id: Uuid,
    pub version: u32,
    /// `null` below 5.
    pub participants: Option<u64>,
    pub items: Vec<ItemAggregate>,
}

/// A study's aggregates (k = 5 small-cell suppression).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "study_id": "01939a4e-8f7a-7cc3-9a51-3c1f0e2b6d11",
    "k": 5,
    "questionnaires": [{
        "questionnaire_id": "01939a4e-8f7a-7cc3-9a51-3c1f0e2b6d13",
        "version": 1,
        "participants": 12,
        "items": [{"link_id": "woke", "type": "boolean", "answered": 12, "unanswered": 0,
                   "cells": [{"code": "true", "count": 7}, {"code": "false", "count": 5}], "statistics": null}]
    }]
}))]
pub struct StudyAggregates {
    pub study_id: Uuid,
    /// The smallest number of participants a figure describes.
    pub k: u64,
    pub questionnaires: Vec<QuestionnaireAggregates>,
}

/// What a researcher read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    ExportCsv,
    ExportJson,
    Aggregates,
}

/// One access to a study's answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "actor_id": "01939a4e-8f7a-7cc3-9a51-3c1f0e2b6d12",
    "action": "export_csv",
    "at": "2026-12-03T14:00:00Z"
}))]
pub struct AuditEntry {
    pub actor_id: Uuid,
    pub action: AuditAction,
    pub at: DateTime<Utc>,
}

/// An HL7 FHIR R4 resource as JSON (`Questionnaire`, or a `Bundle` of
/// `QuestionnaireResponse`s): see <https://hl7.org/fhir/R4/>.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FhirResource(pub serde_json::Value);

impl utoipa::PartialSchema for FhirResource {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .description(Some(
                "An HL7 FHIR R4 resource (https://hl7.org/fhir/R4/): a `Questionnaire`, or a \
                 `Bundle` of type `collection` holding `QuestionnaireResponse`s.",
            ))
            .property(
                "resourceType",
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .enum_values(Some(["Questionnaire", "Bundle"])),
            )
            .required("resourceType")
            .additional_properties(Some(utoipa::openapi::schema::AdditionalProperties::FreeForm(true)))
            .examples([serde_json::json!({
                "resourceType": "Questionnaire",
                "id": "01939a4e-8f7a-7cc3-9a51-3c1f0e2b6d13",
                "status": "active",
                "item": [{"linkId": "pain", "text": "Votre douleur aujourd'hui", "type": "integer", "required": true}]
            })])
            .into()
    }
}

impl ToSchema for FhirResource {}
