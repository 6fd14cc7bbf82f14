//! The catalogue of conditions.

pub mod create;
pub mod list;

use entraide_domain::error::Errors;
use entraide_domain::ids::ConditionId;
use entraide_persistence::PersistenceError;
use uuid::Uuid;

use crate::error::ApiError;

/// The most conditions an association, announcement, place or resource may name.
pub const MAX_CONDITIONS: usize = 20;

/// Condition ids from the wire: at most [`MAX_CONDITIONS`].
pub(crate) fn condition_ids(errors: &mut Errors, field: &str, ids: Vec<Uuid>) -> Vec<ConditionId> {
    if ids.len() > MAX_CONDITIONS {
        errors.push(entraide_domain::FieldError::new(
            field,
            "too_many",
            format!("at most {MAX_CONDITIONS} conditions"),
        ));
    }
    ids.into_iter().map(ConditionId::from_uuid).collect()
}

/// Maps a foreign-key violation on a condition id to a field error.
pub(crate) fn unknown_condition(field: &'static str) -> impl Fn(PersistenceError) -> ApiError {
    move |error| match error {
        PersistenceError::ForeignKeyViolation(_) => {
            ApiError::field(field, "unknown_condition", "is not in GET /conditions")
        }
        other => other.into(),
    }
}
