//! A research study, open to patients and caregivers, with a monthly questionnaire (a pain
//! scale, a fatigue level, sleep with skip logic, free text) answered over six months by the
//! members who consented — so a frontend team sees due questionnaires, trends and the consent
//! ledger, and a researcher's export and aggregates have data. Written through the persistence
//! functions, with ids and keys drawn from the seeded generator (deterministic).

use std::collections::BTreeMap;

use chrono::{Duration, Months};
use entraide_domain::consent::{Channel, Purpose};
use entraide_domain::ids::{MemberId, QuestionnaireId, ResponseId, StudyId};
use entraide_domain::member::MemberKind;
use entraide_domain::questionnaire::{
    AnswerOption, AnswerValue, Code, Definition, EnableWhen, Item, ItemKind,
};
use entraide_domain::research::{
    Eligibility, NewQuestionnaire, NewStudy, Recurrence, Schedule, StudyStatus,
};
use entraide_domain::text::{Description, Label, Title};
use entraide_persistence::connection::in_transaction;
use entraide_persistence::responses::NewResponse;
use entraide_persistence::{
    DbConnection, PersistenceError, consents, questionnaires, researchers, responses, studies,
};
use rand::Rng;
use rand::rngs::StdRng;

use super::{Timeline, id_at};
use crate::security::participants::participant_id;

/// The most members asked to take part.
const PARTICIPANTS: usize = 300;
/// Monthly answering windows seeded.
const WINDOWS: u32 = 6;

fn config<T>(
    what: &str,
    result: Result<T, entraide_domain::ParseError>,
) -> Result<T, PersistenceError> {
    result.map_err(|e| PersistenceError::Config(format!("seed {what}: {e}")))
}

fn uuid_at(
    rng: &mut StdRng,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<uuid::Uuid, PersistenceError> {
    uuid::Uuid::parse_str(&id_at(rng, at)).map_err(|e| PersistenceError::Config(e.to_string()))
}

fn code(raw: &str) -> Result<Code, PersistenceError> {
    config("code", Code::parse(raw))
}

fn label(raw: &str) -> Result<Label, PersistenceError> {
    config("label", Label::parse(raw))
}

fn definition() -> Result<Definition, PersistenceError> {
    let options = |pairs: &[(&str, &str)]| -> Result<Vec<AnswerOption>, PersistenceError> {
        pairs
            .iter()
            .map(|(c, d)| {
                Ok(AnswerOption {
                    code: code(c)?,
                    display: label(d)?,
                })
            })
            .collect()
    };
    let items = vec![
        Item {
            link_id: code("pain")?,
            text: label("Votre douleur cette semaine, de 0 à 10")?,
            kind: ItemKind::Scale {
                min: 0,
                max: 10,
                min_label: Some(label("aucune")?),
                max_label: Some(label("la pire imaginable")?),
            },
            required: true,
            enable_when: None,
        },
        Item {
            link_id: code("fatigue")?,
            text: label("Votre fatigue")?,
            kind: ItemKind::Choice {
                options: options(&[
                    ("none", "Aucune"),
                    ("mild", "Légère"),
                    ("moderate", "Modérée"),
                    ("severe", "Sévère"),
                ])?,
            },
            required: true,
            enable_when: None,
        },
        Item {
            link_id: code("woke")?,
            text: label("Vous êtes-vous réveillé(e) la nuit à cause de la douleur ?")?,
            kind: ItemKind::Boolean,
            required: true,
            enable_when: None,
        },
        Item {
            link_id: code("nights")?,
            text: label("Combien de nuits ce mois-ci ?")?,
            kind: ItemKind::Number {
                unit: Some(label("nuits")?),
                min: Some(0.0),
                max: Some(31.0),
            },
            required: true,
            enable_when: Some(EnableWhen {
                question: code("woke")?,
                answer: AnswerValue::Boolean(true),
            }),
        },
        Item {
            link_id: code("notes")?,
            text: label("Autre chose à signaler ?")?,
            kind: ItemKind::Text { max_chars: 300 },
            required: false,
            enable_when: None,
        },
    ];
    config("items", Definition::parse(items))
}

fn answers(rng: &mut StdRng) -> Result<BTreeMap<Code, AnswerValue>, PersistenceError> {
    let mut answers = BTreeMap::new();
    answers.insert(
        code("pain")?,
        AnswerValue::Integer(rng.random_range(0..=10)),
    );
    let fatigue = ["none", "mild", "moderate", "severe"][rng.random_range(0..4)];
    answers.insert(code("fatigue")?, AnswerValue::Code(code(fatigue)?));
    let woke = rng.random_bool(0.4);
    answers.insert(code("woke")?, AnswerValue::Boolean(woke));
    if woke {
        answers.insert(
            code("nights")?,
            AnswerValue::Number(f64::from(rng.random_range(1..=20_u32))),
        );
    }
    if rng.random_bool(0.2) {
        answers.insert(
            code("notes")?,
            AnswerValue::Text("Plus fatigué(e) après les séances de kiné.".to_owned()),
        );
    }
    Ok(answers)
}

/// Writes the study; returns how many responses it holds.
pub(super) fn write(
    conn: &mut DbConnection,
    rng: &mut StdRng,
    time: &Timeline,
    member_ids: &[String],
    kinds: &[MemberKind],
    researcher: &str,
) -> Result<usize, PersistenceError> {
    let now = time.now;
    let opened = now - Duration::days(190);
    let researcher: MemberId = crate::seed::parse_member(researcher)?;
    let study_id = StudyId::from_uuid(uuid_at(rng, opened)?);
    let questionnaire_id = QuestionnaireId::from_uuid(uuid_at(rng, opened)?);
    let mut key = [0u8; 32];
    rng.fill(&mut key);
    let key = hex::encode(key);
    let definition = definition()?;
    let schedule = config(
        "schedule",
        Schedule::parse(opened + Duration::days(10), Recurrence::EveryMonths(1), 7),
    )?;
    in_transaction(conn, |conn| {
        researchers::grant(conn, researcher, None, opened)?;
        let study = NewStudy {
            title: config("title", Title::parse("Fatigue et sommeil au quotidien"))?,
            lay_summary: config(
                "summary",
                Description::parse(
                    "Chaque mois pendant six mois, cinq questions sur votre douleur, votre \
                     fatigue et votre sommeil. Dix minutes, depuis votre téléphone.",
                ),
            )?,
            sponsor: label("Cohorte Entraide (démonstration)")?,
            ethics_reference: label("CPP démonstration 2026-0001")?,
            eligibility: config(
                "eligibility",
                Eligibility::parse(
                    vec![MemberKind::Patient, MemberKind::Caregiver],
                    vec![],
                    Some(18),
                    None,
                ),
            )?,
        };
        studies::insert(conn, study_id, &study, &key, researcher, opened)?;
        studies::set_status(conn, study_id, StudyStatus::Open, opened)?;
        let purpose = Purpose::Research(study_id);
        let version = consents::add_text(
            conn,
            purpose,
            "J'accepte que mes réponses soient utilisées, sous un identifiant pseudonyme propre à \
             cette étude, pour étudier la fatigue et le sommeil. Mes réponses libres restent sur la \
             plateforme. Je peux retirer mon consentement à tout moment.",
            false,
            opened,
        )?;
        let questionnaire = NewQuestionnaire {
            title: config("questionnaire", Title::parse("Douleur, fatigue et sommeil"))?,
            schedule,
            definition: definition.clone(),
        };
        questionnaires::insert(conn, questionnaire_id, study_id, &questionnaire, opened)?;

        let eligible = member_ids
            .iter()
            .zip(kinds)
            .filter(|(_, kind)| matches!(kind, MemberKind::Patient | MemberKind::Caregiver))
            .take(PARTICIPANTS);
        let mut written = 0;
        for (member, _) in eligible.collect::<Vec<_>>() {
            let member: MemberId = crate::seed::parse_member(member)?;
            let given_at = opened + Duration::hours(rng.random_range(1..240));
            consents::give(
                conn,
                uuid_at(rng, given_at)?,
                member,
                purpose,
                version,
                Channel::Api,
                given_at,
            )?;
            let participant = participant_id(&key, member)
                .map_err(|e| PersistenceError::Config(e.to_string()))?;
            for month in 0..WINDOWS {
                let Some(opens) = schedule.opens_at.checked_add_months(Months::new(month)) else {
                    continue;
                };
                let answered_at = opens + Duration::hours(rng.random_range(1..160));
                if answered_at >= now || answered_at < given_at || !rng.random_bool(0.7) {
                    continue;
                }
                let answers = config("answers", definition.validate(answers(rng)?))?;
                responses::insert(
                    conn,
                    &NewResponse {
                        id: ResponseId::from_uuid(uuid_at(rng, answered_at)?),
                        questionnaire: questionnaire_id,
                        version: 1,
                        study: study_id,
                        member,
                        participant: &participant,
                        consent_version: version,
                        answers: &answers,
                    },
                    answered_at,
                )?;
                written += 1;
            }
        }
        Ok(written)
    })
}
