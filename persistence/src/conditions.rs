//! The catalogue of conditions.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Text, Timestamp};
use entraide_domain::condition::{
    Condition, ConditionCode, ConditionName, Icd10Code, Icd11Code, MeshCode, NewCondition,
    OrphaCode, SnomedCode,
};
use entraide_domain::ids::{ConditionId, MemberId};

use crate::connection::DbConnection;
use crate::convert::{parse_id, to_db_time};
use crate::error::PersistenceError;
use crate::schema::{condition_follows, conditions};

/// Where a page of conditions starts: after this (lower-cased name, id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConditionKey {
    pub name_key: String,
    pub id: ConditionId,
}

impl ConditionKey {
    pub fn of(condition: &Condition) -> Self {
        Self {
            name_key: condition.name.as_str().to_lowercase(),
            id: condition.id,
        }
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = conditions)]
struct ConditionRow {
    id: String,
    name: String,
    name_fr: Option<String>,
    name_en: Option<String>,
    orpha_code: Option<String>,
    icd10_code: Option<String>,
    icd11_code: Option<String>,
    snomed_code: Option<String>,
    mesh_code: Option<String>,
}

impl ConditionRow {
    fn into_domain(self) -> Result<Condition, PersistenceError> {
        let Self {
            id,
            name,
            name_fr,
            name_en,
            orpha_code,
            icd10_code,
            icd11_code,
            snomed_code,
            mesh_code,
        } = self;
        Ok(Condition {
            id: parse_id(&id)?,
            name: ConditionName::from_stored(name),
            name_fr: name_fr.map(ConditionName::from_stored),
            name_en: name_en.map(ConditionName::from_stored),
            orpha_code: orpha_code.map(OrphaCode::from_stored),
            icd10_code: icd10_code.map(Icd10Code::from_stored),
            icd11_code: icd11_code.map(Icd11Code::from_stored),
            snomed_code: snomed_code.map(SnomedCode::from_stored),
            mesh_code: mesh_code.map(MeshCode::from_stored),
        })
    }
}

/// A page of conditions in name order, optionally those whose name contains `query`
/// (case-insensitive). Keyset pagination: `after` is the last key of the previous page.
pub fn list(
    conn: &mut DbConnection,
    query: Option<&str>,
    code: Option<&ConditionCode>,
    after: Option<&ConditionKey>,
    limit: i64,
) -> Result<Vec<Condition>, PersistenceError> {
    let mut select = conditions::table
        .select(ConditionRow::as_select())
        .order((conditions::name_key, conditions::id))
        .limit(limit)
        .into_boxed();
    if let Some(query) = query {
        select = select.filter(
            conditions::name_key
                .like(crate::dialect::like_contains(query))
                .escape('\\'),
        );
    }
    if let Some(code) = code {
        select = match code {
            ConditionCode::Orpha(c) => {
                select.filter(conditions::orpha_code.eq(c.as_str().to_owned()))
            }
            ConditionCode::Icd10(c) => {
                select.filter(conditions::icd10_code.eq(c.as_str().to_owned()))
            }
            ConditionCode::Icd11(c) => {
                select.filter(conditions::icd11_code.eq(c.as_str().to_owned()))
            }
            ConditionCode::Snomed(c) => {
                select.filter(conditions::snomed_code.eq(c.as_str().to_owned()))
            }
            ConditionCode::Mesh(c) => {
                select.filter(conditions::mesh_code.eq(c.as_str().to_owned()))
            }
        };
    }
    if let Some(ConditionKey { name_key, id }) = after {
        select = select.filter(
            conditions::name_key
                .gt(name_key.clone())
                .or(conditions::name_key
                    .eq(name_key.clone())
                    .and(conditions::id.gt(id.to_string()))),
        );
    }
    select
        .load::<ConditionRow>(conn)?
        .into_iter()
        .map(ConditionRow::into_domain)
        .collect()
}

/// One condition by id.
pub fn find(
    conn: &mut DbConnection,
    id: ConditionId,
) -> Result<Option<Condition>, PersistenceError> {
    conditions::table
        .find(id.to_string())
        .select(ConditionRow::as_select())
        .first::<ConditionRow>(conn)
        .optional()?
        .map(ConditionRow::into_domain)
        .transpose()
}

/// Adds a condition. A duplicate name or ORPHA code is a unique violation naming the field.
pub fn insert(
    conn: &mut DbConnection,
    new: &NewCondition,
    now: DateTime<Utc>,
) -> Result<Condition, PersistenceError> {
    let id = ConditionId::new();
    diesel::insert_into(conditions::table)
        .values((
            conditions::id.eq(id.to_string()),
            conditions::created_at.eq(to_db_time(now)),
            values(new),
        ))
        .execute(conn)?;
    Ok(stored(id, new))
}

/// The columns a `NewCondition` writes (all but the id and creation time).
#[expect(clippy::type_complexity, reason = "diesel's tuple of assignments")]
fn values(
    new: &NewCondition,
) -> (
    diesel::dsl::Eq<conditions::name, String>,
    diesel::dsl::Eq<conditions::name_key, String>,
    diesel::dsl::Eq<conditions::name_fr, Option<String>>,
    diesel::dsl::Eq<conditions::name_en, Option<String>>,
    diesel::dsl::Eq<conditions::orpha_code, Option<String>>,
    diesel::dsl::Eq<conditions::icd10_code, Option<String>>,
    diesel::dsl::Eq<conditions::icd11_code, Option<String>>,
    diesel::dsl::Eq<conditions::snomed_code, Option<String>>,
    diesel::dsl::Eq<conditions::mesh_code, Option<String>>,
) {
    let NewCondition {
        name,
        name_fr,
        name_en,
        orpha_code,
        icd10_code,
        icd11_code,
        snomed_code,
        mesh_code,
    } = new;
    (
        conditions::name.eq(name.as_str().to_owned()),
        conditions::name_key.eq(name.as_str().to_lowercase()),
        conditions::name_fr.eq(name_fr.as_ref().map(|n| n.as_str().to_owned())),
        conditions::name_en.eq(name_en.as_ref().map(|n| n.as_str().to_owned())),
        conditions::orpha_code.eq(orpha_code.as_ref().map(|c| c.as_str().to_owned())),
        conditions::icd10_code.eq(icd10_code.as_ref().map(|c| c.as_str().to_owned())),
        conditions::icd11_code.eq(icd11_code.as_ref().map(|c| c.as_str().to_owned())),
        conditions::snomed_code.eq(snomed_code.as_ref().map(|c| c.as_str().to_owned())),
        conditions::mesh_code.eq(mesh_code.as_ref().map(|c| c.as_str().to_owned())),
    )
}

fn stored(id: ConditionId, new: &NewCondition) -> Condition {
    let NewCondition {
        name,
        name_fr,
        name_en,
        orpha_code,
        icd10_code,
        icd11_code,
        snomed_code,
        mesh_code,
    } = new.clone();
    Condition {
        id,
        name,
        name_fr,
        name_en,
        orpha_code,
        icd10_code,
        icd11_code,
        snomed_code,
        mesh_code,
    }
}

/// What an import did with a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upserted {
    Created,
    Updated,
}

/// Writes a condition of an import: the one with the same ORPHA code (or, without one, the
/// same name key) is overwritten with every field of `new`; otherwise a condition is added.
/// Call in a transaction. A clash with another condition's name or code is a unique violation.
pub fn upsert(
    conn: &mut DbConnection,
    new: &NewCondition,
    now: DateTime<Utc>,
) -> Result<Upserted, PersistenceError> {
    let existing: Option<String> = match &new.orpha_code {
        Some(orpha) => conditions::table
            .filter(conditions::orpha_code.eq(orpha.as_str().to_owned()))
            .select(conditions::id)
            .first(conn)
            .optional()?,
        None => conditions::table
            .filter(conditions::name_key.eq(new.name.as_str().to_lowercase()))
            .select(conditions::id)
            .first(conn)
            .optional()?,
    };
    match existing {
        Some(id) => {
            diesel::update(conditions::table.find(id))
                .set(values(new))
                .execute(conn)?;
            Ok(Upserted::Updated)
        }
        None => {
            insert(conn, new, now)?;
            Ok(Upserted::Created)
        }
    }
}

/// Follows the condition; `false` when already following. Call in a transaction.
pub fn follow(
    conn: &mut DbConnection,
    condition: ConditionId,
    member: MemberId,
    now: DateTime<Utc>,
) -> Result<bool, PersistenceError> {
    let inserted = diesel::sql_query(
        "INSERT INTO condition_follows (condition_id, member_id, created_at) \
         VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
    )
    .bind::<Text, _>(condition.to_string())
    .bind::<Text, _>(member.to_string())
    .bind::<Timestamp, _>(to_db_time(now))
    .execute(conn)?;
    Ok(inserted == 1)
}

/// Stops following; `false` when not following.
pub fn unfollow(
    conn: &mut DbConnection,
    condition: ConditionId,
    member: MemberId,
) -> Result<bool, PersistenceError> {
    let deleted =
        diesel::delete(condition_follows::table.find((condition.to_string(), member.to_string())))
            .execute(conn)?;
    Ok(deleted == 1)
}

/// Whether `member` follows the condition.
pub fn is_following(
    conn: &mut DbConnection,
    condition: ConditionId,
    member: MemberId,
) -> Result<bool, PersistenceError> {
    Ok(diesel::select(diesel::dsl::exists(
        condition_follows::table.find((condition.to_string(), member.to_string())),
    ))
    .get_result(conn)?)
}

/// How many members follow the condition (served by the primary key's prefix).
pub fn follower_count(
    conn: &mut DbConnection,
    condition: ConditionId,
) -> Result<i64, PersistenceError> {
    Ok(condition_follows::table
        .filter(condition_follows::condition_id.eq(condition.to_string()))
        .count()
        .get_result(conn)?)
}

/// The ids of the conditions `member` follows (the followed conditions' feed).
pub fn followed_ids(
    conn: &mut DbConnection,
    member: MemberId,
) -> Result<Vec<ConditionId>, PersistenceError> {
    condition_follows::table
        .filter(condition_follows::member_id.eq(member.to_string()))
        .select(condition_follows::condition_id)
        .order(condition_follows::condition_id)
        .load::<String>(conn)?
        .iter()
        .map(|id| parse_id(id))
        .collect()
}
