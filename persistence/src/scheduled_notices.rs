//! Notices that come from the clock: event reminders and questionnaires whose answering window
//! opened. What is due is read here; each (member, kind, subject, moment) is then claimed
//! ([`claim`]) in the transaction that writes its notification, so two passes — on one node or
//! on two sharing the database — write it once.

use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Text, Timestamp};
use entraide_domain::event::{EventStatus, RsvpStatus};
use entraide_domain::ids::{EventId, MemberId, QuestionnaireId, StudyId};
use entraide_domain::notification::NotificationKind;
use entraide_domain::research::StudyStatus;

use crate::connection::DbConnection;
use crate::convert::{from_db_time, parse_id, to_db_time};
use crate::error::PersistenceError;
use crate::schema::{consents, event_rsvps, events, responses, scheduled_notices, studies};

/// Claims a scheduled notice: `true` the first time for this (member, kind, subject, moment),
/// `false` ever after (an insert-or-ignore both databases accept; on PostgreSQL a concurrent
/// claim waits for the first one's transaction and then finds the row).
pub fn claim(
    conn: &mut DbConnection,
    member: MemberId,
    kind: NotificationKind,
    subject: uuid::Uuid,
    due_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<bool, PersistenceError> {
    let inserted = diesel::sql_query(
        "INSERT INTO scheduled_notices (member_id, kind, subject_id, due_at, created_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
    )
    .bind::<Text, _>(member.to_string())
    .bind::<Text, _>(kind.as_str())
    .bind::<Text, _>(subject.to_string())
    .bind::<Timestamp, _>(to_db_time(due_at))
    .bind::<Timestamp, _>(to_db_time(now))
    .execute(conn)?;
    Ok(inserted == 1)
}

/// One member going to an event that starts soon.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Upcoming {
    pub event: EventId,
    pub member: MemberId,
    pub starts_at: DateTime<Utc>,
}

/// Members `going` to a scheduled event starting after `now` and at most `ahead` later (a
/// series: its first occurrence), at most `limit`, soonest first.
pub fn upcoming_attendances(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    ahead: TimeDelta,
    limit: i64,
) -> Result<Vec<Upcoming>, PersistenceError> {
    let until = now
        .checked_add_signed(ahead)
        .ok_or_else(|| PersistenceError::Corrupt("reminder window".into()))?;
    event_rsvps::table
        .inner_join(events::table)
        .filter(events::status.eq(EventStatus::Scheduled.as_str()))
        .filter(events::starts_at.gt(to_db_time(now)))
        .filter(events::starts_at.le(to_db_time(until)))
        .filter(event_rsvps::status.eq(RsvpStatus::Going.as_str()))
        // Not those already reminded, so a batch never stalls on claimed rows.
        .filter(diesel::dsl::not(diesel::dsl::exists(
            scheduled_notices::table
                .filter(scheduled_notices::member_id.eq(event_rsvps::member_id))
                .filter(scheduled_notices::kind.eq(NotificationKind::EventReminder.as_str()))
                .filter(scheduled_notices::subject_id.eq(events::id))
                .filter(scheduled_notices::due_at.eq(events::starts_at)),
        )))
        .select((events::id, event_rsvps::member_id, events::starts_at))
        .order((
            events::starts_at.asc(),
            events::id.asc(),
            event_rsvps::member_id.asc(),
        ))
        .limit(limit)
        .load::<(String, String, NaiveDateTime)>(conn)?
        .into_iter()
        .map(|(event, member, starts_at)| {
            Ok(Upcoming {
                event: parse_id(&event)?,
                member: parse_id(&member)?,
                starts_at: from_db_time(starts_at),
            })
        })
        .collect()
}

/// The studies open now.
pub fn open_studies(conn: &mut DbConnection) -> Result<Vec<StudyId>, PersistenceError> {
    studies::table
        .filter(studies::status.eq(StudyStatus::Open.as_str()))
        .select(studies::id)
        .order(studies::id.asc())
        .load::<String>(conn)?
        .iter()
        .map(|id| parse_id(id))
        .collect()
}

/// Members with a consent in force to the study who have not answered the questionnaire since
/// `window_opens_at`.
pub fn participants_without_answer(
    conn: &mut DbConnection,
    study: StudyId,
    questionnaire: QuestionnaireId,
    window_opens_at: DateTime<Utc>,
) -> Result<Vec<MemberId>, PersistenceError> {
    let purpose = entraide_domain::consent::Purpose::Research(study).to_string();
    let mut consenting: Vec<String> = consents::table
        .filter(consents::purpose.eq(&purpose))
        .filter(consents::withdrawn_at.is_null())
        .select(consents::member_id)
        .distinct()
        .load(conn)?;
    let answered: Vec<Option<String>> = responses::table
        .filter(responses::questionnaire_id.eq(questionnaire.to_string()))
        .filter(responses::answered_at.ge(to_db_time(window_opens_at)))
        .filter(responses::member_id.is_not_null())
        .select(responses::member_id)
        .load(conn)?;
    consenting.retain(|m| !answered.iter().flatten().any(|a| a == m));
    consenting.iter().map(|id| parse_id(id)).collect()
}

/// Of `questionnaires`, those of a study still open that `member` consents to now.
pub fn consented_questionnaires(
    conn: &mut DbConnection,
    member: MemberId,
    questionnaires: &[uuid::Uuid],
) -> Result<Vec<uuid::Uuid>, PersistenceError> {
    use crate::schema::questionnaires as q;
    if questionnaires.is_empty() {
        return Ok(Vec::new());
    }
    let keys: Vec<String> = questionnaires.iter().map(ToString::to_string).collect();
    let found: Vec<(String, String)> = q::table
        .inner_join(studies::table)
        .filter(q::id.eq_any(&keys))
        .filter(studies::status.eq(StudyStatus::Open.as_str()))
        .select((q::id, q::study_id))
        .load(conn)?;
    let purposes: Vec<String> = found
        .iter()
        .map(|(_, study)| format!("research:{study}"))
        .collect();
    let consented: Vec<String> = consents::table
        .filter(consents::member_id.eq(member.to_string()))
        .filter(consents::withdrawn_at.is_null())
        .filter(consents::purpose.eq_any(&purposes))
        .select(consents::purpose)
        .load(conn)?;
    found
        .into_iter()
        .filter(|(_, study)| consented.contains(&format!("research:{study}")))
        .map(|(id, _)| parse_id(&id))
        .collect()
}
