//! The catalogue of conditions (diseases) that communities form around.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// A condition, with its Orphanet number (rare diseases) and ICD-10 code when it has them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": "01939a4e-4444-7cc3-9a51-3c1f0e2b6d11",
    "name": "Multiple sclerosis",
    "orpha_code": "802",
    "icd10_code": "G35"
}))]
pub struct Condition {
    pub id: Uuid,
    #[schema(example = "Multiple sclerosis")]
    pub name: String,
    /// Orphanet number, without the `ORPHA:` prefix.
    #[schema(example = "802")]
    pub orpha_code: Option<String>,
    #[schema(example = "G35")]
    pub icd10_code: Option<String>,
}

/// A condition to add (platform admins).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "name": "Fabry disease",
    "orpha_code": "ORPHA:324",
    "icd10_code": "E75.2"
}))]
pub struct CreateConditionRequest {
    #[schema(example = "Fabry disease", min_length = 2, max_length = 120)]
    pub name: String,
    /// `ORPHA:324` or `324`.
    #[schema(example = "ORPHA:324")]
    pub orpha_code: Option<String>,
    #[schema(example = "E75.2")]
    pub icd10_code: Option<String>,
}

/// Filters of the condition list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ConditionQuery {
    /// Only conditions whose name contains this text (case-insensitive).
    pub q: Option<String>,
}
