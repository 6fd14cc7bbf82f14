//! Research studies: what a researcher wrote, who it is for, where it stands. The study's
//! pseudonym key (for participant ids) is stored here and never leaves persistence except to
//! the code that derives participant ids.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use entraide_domain::ids::{MemberId, StudyId};
use entraide_domain::member::{MemberKind, PlatformRole};
use entraide_domain::research::{Eligibility, NewStudy, Study, StudyStatus};
use entraide_domain::text::{Description, Label, Title};

use crate::connection::DbConnection;
use crate::convert::{from_db_time, parse_enum, parse_id, to_db_time};
use crate::error::PersistenceError;
use crate::schema::studies;

#[derive(Queryable, Selectable)]
#[diesel(table_name = studies)]
struct StudyRow {
    id: String,
    title: String,
    lay_summary: String,
    sponsor: String,
    ethics_reference: String,
    for_patients: bool,
    for_caregivers: bool,
    for_professionals: bool,
    min_age: Option<i32>,
    max_age: Option<i32>,
    status: String,
    created_by: Option<String>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl StudyRow {
    fn into_domain(
        self,
        condition_ids: Vec<entraide_domain::ids::ConditionId>,
    ) -> Result<Study, PersistenceError> {
        let Self {
            id,
            title,
            lay_summary,
            sponsor,
            ethics_reference,
            for_patients,
            for_caregivers,
            for_professionals,
            min_age,
            max_age,
            status,
            created_by,
            created_at,
            updated_at,
        } = self;
        let kinds = [
            (for_patients, MemberKind::Patient),
            (for_caregivers, MemberKind::Caregiver),
            (for_professionals, MemberKind::Professional),
        ]
        .into_iter()
        .filter_map(|(on, kind)| on.then_some(kind))
        .collect();
        let age = |a: Option<i32>| {
            a.map(|a| u8::try_from(a).map_err(|_| PersistenceError::Corrupt(format!("age {a}"))))
                .transpose()
        };
        Ok(Study {
            id: parse_id(&id)?,
            title: Title::from_stored(title),
            lay_summary: Description::from_stored(lay_summary),
            sponsor: Label::from_stored(sponsor),
            ethics_reference: Label::from_stored(ethics_reference),
            eligibility: Eligibility {
                kinds,
                condition_ids,
                min_age: age(min_age)?,
                max_age: age(max_age)?,
            },
            status: parse_enum(&status, StudyStatus::parse)?,
            created_by: created_by.as_deref().map(parse_id).transpose()?,
            created_at: from_db_time(created_at),
            updated_at: from_db_time(updated_at),
        })
    }
}

condition_links!(study_conditions, study_id);

fn with_conditions(
    conn: &mut DbConnection,
    rows: Vec<StudyRow>,
) -> Result<Vec<Study>, PersistenceError> {
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let mut links = condition_links(conn, &ids)?;
    rows.into_iter()
        .map(|row| {
            let conditions = links.remove(&row.id).unwrap_or_default();
            row.into_domain(conditions)
        })
        .collect()
}

/// Stores a new study as a draft under `id` (the caller's, so a seed is deterministic), with its
/// pseudonym key. Unknown conditions are a
/// foreign-key violation. Call in a transaction.
pub fn insert(
    conn: &mut DbConnection,
    id: StudyId,
    new: &NewStudy,
    pseudonym_key: &str,
    created_by: MemberId,
    now: DateTime<Utc>,
) -> Result<Study, PersistenceError> {
    let NewStudy {
        title,
        lay_summary,
        sponsor,
        ethics_reference,
        eligibility,
    } = new;
    let for_kind = |kind: MemberKind| eligibility.kinds.contains(&kind);
    diesel::insert_into(studies::table)
        .values((
            studies::id.eq(id.to_string()),
            studies::title.eq(title.as_str()),
            studies::lay_summary.eq(lay_summary.as_str()),
            studies::sponsor.eq(sponsor.as_str()),
            studies::ethics_reference.eq(ethics_reference.as_str()),
            studies::for_patients.eq(for_kind(MemberKind::Patient)),
            studies::for_caregivers.eq(for_kind(MemberKind::Caregiver)),
            studies::for_professionals.eq(for_kind(MemberKind::Professional)),
            studies::min_age.eq(eligibility.min_age.map(i32::from)),
            studies::max_age.eq(eligibility.max_age.map(i32::from)),
            studies::status.eq(StudyStatus::Draft.as_str()),
            studies::pseudonym_key.eq(pseudonym_key),
            studies::created_by.eq(created_by.to_string()),
            studies::created_at.eq(to_db_time(now)),
            studies::updated_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    replace_condition_links(conn, &id.to_string(), &eligibility.condition_ids)?;
    find(conn, id)?.ok_or(PersistenceError::NotFound)
}

/// A study by id, whatever its status (the caller applies `research::can_read_study`).
pub fn find(conn: &mut DbConnection, id: StudyId) -> Result<Option<Study>, PersistenceError> {
    let row = studies::table
        .find(id.to_string())
        .select(StudyRow::as_select())
        .first(conn)
        .optional()?;
    Ok(with_conditions(conn, row.into_iter().collect())?.pop())
}

/// Studies `actor` may read (`research::can_read_study` as a filter): open and closed ones,
/// the actor's own drafts, every draft for a platform admin. Newest first, after `before`
/// (the previous page's last id), at most `limit`.
pub fn list(
    conn: &mut DbConnection,
    actor: Option<MemberId>,
    actor_role: PlatformRole,
    before: Option<StudyId>,
    limit: i64,
) -> Result<Vec<Study>, PersistenceError> {
    let mut query = studies::table
        .select(StudyRow::as_select())
        .order(studies::id.desc())
        .limit(limit)
        .into_boxed();
    if actor_role != PlatformRole::Admin {
        let published = studies::status.ne(StudyStatus::Draft.as_str());
        query = match actor {
            Some(actor) => query.filter(published.or(studies::created_by.eq(actor.to_string()))),
            None => query.filter(published),
        };
    }
    if let Some(before) = before {
        query = query.filter(studies::id.lt(before.to_string()));
    }
    let rows = query.load(conn)?;
    with_conditions(conn, rows)
}

/// Moves a study to `status`.
pub fn set_status(
    conn: &mut DbConnection,
    id: StudyId,
    status: StudyStatus,
    now: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    diesel::update(studies::table.find(id.to_string()))
        .set((
            studies::status.eq(status.as_str()),
            studies::updated_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    Ok(())
}

/// The study's pseudonym key (for participant ids).
pub fn pseudonym_key(
    conn: &mut DbConnection,
    id: StudyId,
) -> Result<Option<String>, PersistenceError> {
    Ok(studies::table
        .find(id.to_string())
        .select(studies::pseudonym_key)
        .first::<String>(conn)
        .optional()?)
}

/// Rewrites what a study says and who it is for (while a draft: the caller applies
/// `research::can_edit_details`). Unknown conditions are a foreign-key violation. Call in a
/// transaction.
pub fn update_details(
    conn: &mut DbConnection,
    id: StudyId,
    details: &NewStudy,
    now: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    let NewStudy {
        title,
        lay_summary,
        sponsor,
        ethics_reference,
        eligibility,
    } = details;
    let for_kind = |kind: MemberKind| eligibility.kinds.contains(&kind);
    diesel::update(studies::table.find(id.to_string()))
        .set((
            studies::title.eq(title.as_str()),
            studies::lay_summary.eq(lay_summary.as_str()),
            studies::sponsor.eq(sponsor.as_str()),
            studies::ethics_reference.eq(ethics_reference.as_str()),
            studies::for_patients.eq(for_kind(MemberKind::Patient)),
            studies::for_caregivers.eq(for_kind(MemberKind::Caregiver)),
            studies::for_professionals.eq(for_kind(MemberKind::Professional)),
            studies::min_age.eq(eligibility.min_age.map(i32::from)),
            studies::max_age.eq(eligibility.max_age.map(i32::from)),
            studies::updated_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    replace_condition_links(conn, &id.to_string(), &eligibility.condition_ids)
}
