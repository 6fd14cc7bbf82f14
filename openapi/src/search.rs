//! Full-text search across groups, posts, comments, resources, events and places.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// What a result is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ResultType {
    Group,
    Post,
    Comment,
    Resource,
    Event,
    Place,
}

/// A search: every word must match (French and English stems, accents ignored).
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// The words to find (at most 10 words, 200 characters), at least one meaningful word:
    /// absent, blank or only stop words is a 422 `empty_query`.
    #[param(
        required = true,
        example = "douleurs fatigue",
        min_length = 1,
        max_length = 200
    )]
    pub q: Option<String>,
    /// Only these types, comma-separated (`post,comment`).
    #[serde(rename = "type")]
    #[param(rename = "type", example = "post,resource")]
    pub types: Option<String>,
}

/// A result: enough to show it in a list and link to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "type": "post",
    "id": "01939a4e-8f7a-7cc3-9a51-3c1f0e2b6d11",
    "post_id": null,
    "title": null,
    "excerpt": "… première réunion jeudi …",
    "created_at": "2026-11-30T09:12:00Z"
}))]
pub struct SearchResult {
    #[serde(rename = "type")]
    pub result_type: ResultType,
    pub id: Uuid,
    /// Name or title (`null` for posts and comments).
    pub title: Option<String>,
    /// The beginning of the text (at most 240 characters).
    pub excerpt: String,
    /// The post a comment answers.
    pub post_id: Option<Uuid>,
    pub created_at: Option<DateTime<Utc>>,
}
