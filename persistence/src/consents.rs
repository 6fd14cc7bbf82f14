//! The consent ledger and the versioned consent texts. Rows are only added; a withdrawal sets
//! `withdrawn_at` (and the member's choice for past answers) on the consent in force, once.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use entraide_domain::consent::{Channel, ConsentRecord, PastAnswers, Purpose};
use entraide_domain::ids::MemberId;

use crate::connection::DbConnection;
use crate::convert::{from_db_time, parse_enum, to_db_time};
use crate::error::PersistenceError;
use crate::schema::{consent_texts, consents};

/// One version of a consent text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentText {
    pub purpose: Purpose,
    pub version: u32,
    pub body: String,
    /// Does this text tell participants that their free-text answers reach the researchers?
    pub shares_free_text: bool,
    pub created_at: DateTime<Utc>,
}

fn version_to_db(version: u32) -> Result<i32, PersistenceError> {
    i32::try_from(version).map_err(|_| PersistenceError::Corrupt(format!("version {version}")))
}

fn version_from_db(version: i32) -> Result<u32, PersistenceError> {
    u32::try_from(version).map_err(|_| PersistenceError::Corrupt(format!("version {version}")))
}

/// Adds the next version of a purpose's consent text and returns its number (1 for the first).
pub fn add_text(
    conn: &mut DbConnection,
    purpose: Purpose,
    body: &str,
    shares_free_text: bool,
    now: DateTime<Utc>,
) -> Result<u32, PersistenceError> {
    let next = current_version(conn, purpose)?.map_or(Some(1), |v| v.checked_add(1));
    let next = next.ok_or_else(|| PersistenceError::Corrupt("consent text versions".into()))?;
    diesel::insert_into(consent_texts::table)
        .values((
            consent_texts::purpose.eq(purpose.to_string()),
            consent_texts::version.eq(version_to_db(next)?),
            consent_texts::body.eq(body),
            consent_texts::shares_free_text.eq(shares_free_text),
            consent_texts::created_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    Ok(next)
}

/// The latest version of a purpose's consent text, if it has one.
pub fn current_version(
    conn: &mut DbConnection,
    purpose: Purpose,
) -> Result<Option<u32>, PersistenceError> {
    consent_texts::table
        .filter(consent_texts::purpose.eq(purpose.to_string()))
        .select(diesel::dsl::max(consent_texts::version))
        .first::<Option<i32>>(conn)?
        .map(version_from_db)
        .transpose()
}

/// The latest consent text of a purpose.
pub fn current_text(
    conn: &mut DbConnection,
    purpose: Purpose,
) -> Result<Option<ConsentText>, PersistenceError> {
    let Some(version) = current_version(conn, purpose)? else {
        return Ok(None);
    };
    texts(conn, &[(purpose, version)]).map(|mut found| found.pop())
}

/// The given texts (purpose, version), those that exist.
pub fn texts(
    conn: &mut DbConnection,
    wanted: &[(Purpose, u32)],
) -> Result<Vec<ConsentText>, PersistenceError> {
    let mut found = Vec::with_capacity(wanted.len());
    // A member's ledger names few texts: one indexed lookup each.
    for (purpose, version) in wanted {
        let row = consent_texts::table
            .find((purpose.to_string(), version_to_db(*version)?))
            .select((
                consent_texts::body,
                consent_texts::shares_free_text,
                consent_texts::created_at,
            ))
            .first::<(String, bool, NaiveDateTime)>(conn)
            .optional()?;
        if let Some((body, shares_free_text, created_at)) = row {
            found.push(ConsentText {
                purpose: *purpose,
                version: *version,
                body,
                shares_free_text,
                created_at: from_db_time(created_at),
            });
        }
    }
    Ok(found)
}

type Row = (
    String,
    i32,
    String,
    NaiveDateTime,
    Option<NaiveDateTime>,
    Option<String>,
);

fn record(row: Row) -> Result<ConsentRecord, PersistenceError> {
    let (purpose, version, channel, given_at, withdrawn_at, past_answers) = row;
    Ok(ConsentRecord {
        purpose: parse_enum(&purpose, Purpose::parse)?,
        text_version: version_from_db(version)?,
        given_at: from_db_time(given_at),
        channel: parse_enum(&channel, Channel::parse)?,
        withdrawn_at: withdrawn_at.map(from_db_time),
        past_answers: past_answers
            .map(|p| parse_enum(&p, PastAnswers::parse))
            .transpose()?,
    })
}

/// A member's whole ledger, newest first; `purpose` narrows it to one purpose.
pub fn ledger(
    conn: &mut DbConnection,
    member: MemberId,
    purpose: Option<Purpose>,
) -> Result<Vec<ConsentRecord>, PersistenceError> {
    let mut query = consents::table
        .filter(consents::member_id.eq(member.to_string()))
        .select((
            consents::purpose,
            consents::text_version,
            consents::channel,
            consents::given_at,
            consents::withdrawn_at,
            consents::past_answers,
        ))
        .order((consents::given_at.desc(), consents::id.desc()))
        .into_boxed();
    if let Some(purpose) = purpose {
        query = query.filter(consents::purpose.eq(purpose.to_string()));
    }
    query.load::<Row>(conn)?.into_iter().map(record).collect()
}

/// Records a consent to a text version, under `id` (ledger order among equal times). The text must exist (a foreign key refuses others).
pub fn give(
    conn: &mut DbConnection,
    id: uuid::Uuid,
    member: MemberId,
    purpose: Purpose,
    text_version: u32,
    channel: Channel,
    now: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    diesel::insert_into(consents::table)
        .values((
            consents::id.eq(id.to_string()),
            consents::member_id.eq(member.to_string()),
            consents::purpose.eq(purpose.to_string()),
            consents::text_version.eq(version_to_db(text_version)?),
            consents::channel.eq(channel.as_str()),
            consents::given_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Withdraws the consents in force for a purpose, recording the choice for past answers;
/// `false` when none was in force.
pub fn withdraw(
    conn: &mut DbConnection,
    member: MemberId,
    purpose: Purpose,
    past_answers: Option<PastAnswers>,
    now: DateTime<Utc>,
) -> Result<bool, PersistenceError> {
    let changed = diesel::update(
        consents::table
            .filter(consents::member_id.eq(member.to_string()))
            .filter(consents::purpose.eq(purpose.to_string()))
            .filter(consents::withdrawn_at.is_null()),
    )
    .set((
        consents::withdrawn_at.eq(to_db_time(now)),
        consents::past_answers.eq(past_answers.map(PastAnswers::as_str)),
    ))
    .execute(conn)?;
    Ok(changed > 0)
}
