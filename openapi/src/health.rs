//! Liveness and readiness.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The service's status.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "status": "ok"
}))]
pub struct Health {
    /// `ok` (alive) or `ready` (alive and the database answers).
    #[schema(example = "ok")]
    pub status: String,
}
