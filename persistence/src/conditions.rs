//! The catalogue of conditions.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use entraide_domain::condition::{Condition, ConditionName, Icd10Code, NewCondition, OrphaCode};
use entraide_domain::ids::ConditionId;

use crate::connection::DbConnection;
use crate::convert::{parse_id, to_db_time};
use crate::error::PersistenceError;
use crate::schema::conditions;

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
    orpha_code: Option<String>,
    icd10_code: Option<String>,
}

impl ConditionRow {
    fn into_domain(self) -> Result<Condition, PersistenceError> {
        let Self {
            id,
            name,
            orpha_code,
            icd10_code,
        } = self;
        Ok(Condition {
            id: parse_id(&id)?,
            name: ConditionName::from_stored(name),
            orpha_code: orpha_code.map(OrphaCode::from_stored),
            icd10_code: icd10_code.map(Icd10Code::from_stored),
        })
    }
}

/// A page of conditions in name order, optionally those whose name contains `query`
/// (case-insensitive). Keyset pagination: `after` is the last key of the previous page.
pub fn list(
    conn: &mut DbConnection,
    query: Option<&str>,
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

/// Adds a condition. A duplicate name or ORPHA code is a unique violation naming the field.
pub fn insert(
    conn: &mut DbConnection,
    new: &NewCondition,
    now: DateTime<Utc>,
) -> Result<Condition, PersistenceError> {
    let NewCondition {
        name,
        orpha_code,
        icd10_code,
    } = new;
    let id = ConditionId::new();
    diesel::insert_into(conditions::table)
        .values((
            conditions::id.eq(id.to_string()),
            conditions::name.eq(name.as_str()),
            conditions::name_key.eq(name.as_str().to_lowercase()),
            conditions::orpha_code.eq(orpha_code.as_ref().map(OrphaCode::as_str)),
            conditions::icd10_code.eq(icd10_code.as_ref().map(Icd10Code::as_str)),
            conditions::created_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    Ok(Condition {
        id,
        name: name.clone(),
        orpha_code: orpha_code.clone(),
        icd10_code: icd10_code.clone(),
    })
}
