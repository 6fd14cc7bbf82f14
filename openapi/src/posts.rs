//! Posts, comments, reactions and the feeds.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::groups::MemberSummary;

/// Supportive reactions: `support`, `thanks`, `same_here` ("moi aussi"), `hug`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReactionKind {
    Support,
    Thanks,
    SameHere,
    Hug,
}

/// How many members reacted, per kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
pub struct ReactionCounts {
    pub support: i64,
    pub thanks: i64,
    pub same_here: i64,
    pub hug: i64,
}

/// The group a post lives in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct GroupRef {
    pub id: Uuid,
    pub name: String,
}

/// A feed item: one post, as the home feed, a group feed and a member wall all show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": "01939a4e-8f7a-7cc3-9a51-3c1f0e2b6d11",
    "author": {"id": "01939a4e-1111-7cc3-9a51-3c1f0e2b6d11", "pseudonym": "Camille", "kind": "caregiver", "verified": null},
    "group": {"id": "01939a4e-2222-7cc3-9a51-3c1f0e2b6d11", "name": "Aidants Alzheimer Lyon"},
    "body": "Merci pour vos conseils **hier** !",
    "body_html": "<p>Merci pour vos conseils <strong>hier</strong> !</p>",
    "content_warning": null,
    "sensitive": false,
    "created_at": "2026-11-30T09:12:00Z",
    "edited_at": null,
    "deleted": false,
    "hidden": false,
    "pinned": false,
    "comment_count": 3,
    "reactions": {"support": 4, "thanks": 1, "same_here": 2, "hug": 0},
    "my_reactions": ["support"]
}))]
pub struct PostItem {
    pub id: Uuid,
    pub author: MemberSummary,
    /// The group, or `null` for a post on its author's wall.
    pub group: Option<GroupRef>,
    /// Markdown source (empty once deleted).
    pub body: String,
    /// Sanitised HTML rendering of `body`: safe to insert as is.
    pub body_html: String,
    /// The author's content warning ("annonce d'un décès"), or `null`. Show it in place of the
    /// post and let the reader choose to open it.
    #[schema(max_length = 80)]
    pub content_warning: Option<String>,
    /// `true` when the post carries a content warning: blur it until the reader opens it.
    pub sensitive: bool,
    pub created_at: DateTime<Utc>,
    pub edited_at: Option<DateTime<Utc>>,
    /// Deleted posts are only ever seen by id (threads stay readable); feeds leave them out.
    pub deleted: bool,
    /// Hidden by moderators: only you, its author, still see it (`GET
    /// /members/me/moderation` says why).
    pub hidden: bool,
    /// Pinned by the group's moderators.
    pub pinned: bool,
    pub comment_count: i64,
    pub reactions: ReactionCounts,
    /// Your own reactions (empty when not logged in).
    pub my_reactions: Vec<ReactionKind>,
    /// Its photos and videos (none once deleted); fetch their bytes with
    /// `GET /api/v1/media/{id}`.
    #[serde(default)]
    pub media: Vec<crate::media::MediaItem>,
    /// Previews of the YouTube, Vimeo and PeerTube links in its body (at most 4).
    #[serde(default)]
    pub video_previews: Vec<crate::media::VideoPreview>,
    /// Only in the answer to its author's create or edit, when the text expresses distress:
    /// helplines to show them at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub safety: Option<crate::moderation::SafetyNotice>,
}

/// A comment. `parent_id` is the comment answered (`null`: answers the post); `depth` counts
/// from 0. Lists give comments oldest first: build the tree from `parent_id`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": "01939a4e-aaaa-7cc3-9a51-3c1f0e2b6d11",
    "post_id": "01939a4e-8f7a-7cc3-9a51-3c1f0e2b6d11",
    "parent_id": null,
    "depth": 0,
    "author": {
        "id": "01939a4e-1112-7cc3-9a51-3c1f0e2b6d11",
        "pseudonym": "Lou",
        "kind": "patient",
        "verified": null
    },
    "body": "Merci, je viendrai avec ma fille.",
    "body_html": "<p>Merci, je viendrai avec ma fille.</p>",
    "created_at": "2026-11-30T10:02:00Z",
    "edited_at": null,
    "deleted": false,
    "hidden": false,
    "reactions": {
        "support": 1,
        "thanks": 0,
        "same_here": 0,
        "hug": 2
    },
    "my_reactions": []
}))]
pub struct CommentItem {
    pub id: Uuid,
    pub post_id: Uuid,
    pub parent_id: Option<Uuid>,
    pub depth: i32,
    pub author: MemberSummary,
    pub body: String,
    pub body_html: String,
    pub created_at: DateTime<Utc>,
    pub edited_at: Option<DateTime<Utc>>,
    pub deleted: bool,
    /// Hidden by moderators: only you, its author, still see it (`GET
    /// /members/me/moderation` says why).
    pub hidden: bool,
    pub reactions: ReactionCounts,
    pub my_reactions: Vec<ReactionKind>,
    /// Its photos and videos (none once deleted).
    #[serde(default)]
    pub media: Vec<crate::media::MediaItem>,
    /// Previews of the YouTube, Vimeo and PeerTube links in its body (at most 4).
    #[serde(default)]
    pub video_previews: Vec<crate::media::VideoPreview>,
    /// Only in the answer to its author's create or edit, when the text expresses distress:
    /// helplines to show them at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub safety: Option<crate::moderation::SafetyNotice>,
}

/// A new post, in Markdown (at most 20,000 characters).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "body": "Bonjour à tous, **première** réunion jeudi ?",
    "content_warning": null
}))]
pub struct NewPostRequest {
    #[schema(
        example = "Bonjour à tous, **première** réunion jeudi ?",
        max_length = 20000
    )]
    pub body: String,
    /// A content warning readers see before the post ("annonce d'un décès"), 1 to 80
    /// characters on one line; the post is then returned with `sensitive: true`.
    #[serde(default)]
    #[schema(example = "annonce d'un décès", min_length = 1, max_length = 80)]
    pub content_warning: Option<String>,
    /// Up to 4 of your own photos, uploaded with `POST /api/v1/media` and not attached yet
    /// (422 `unknown_media` otherwise). They then share the post's readers.
    #[serde(default)]
    #[schema(max_items = 4)]
    pub media_ids: Vec<Uuid>,
}

/// New text for a post (at most 20,000 characters).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "body": "Bonjour à tous, **première** réunion jeudi à 18 h ?",
    "content_warning": "annonce d'un décès"
}))]
pub struct EditRequest {
    #[schema(max_length = 20000)]
    pub body: String,
    /// Replaces the content warning; `null` removes it; left out, it stays as it is.
    #[serde(default, deserialize_with = "crate::double_option::deserialize")]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 80)]
    pub content_warning: Option<Option<String>>,
    /// The post's photos from now on (at most 4); left out (or `null`), they stay as they are.
    /// Newly listed ones must be your own unattached uploads (422 `unknown_media` otherwise,
    /// nothing changed); photos of the post left out of the list are deleted.
    #[serde(default)]
    #[schema(max_items = 4)]
    pub media_ids: Option<Vec<Uuid>>,
}

/// New text for a comment (at most 5,000 characters). Comments carry no content warning.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "body": "Merci, je viendrai avec ma fille et mon fils."
}))]
pub struct EditCommentRequest {
    #[schema(max_length = 5000)]
    pub body: String,
}

/// A new comment (at most 5,000 characters), answering the post or another comment. Threads
/// are at most 5 levels deep.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "body": "Merci, je viendrai avec ma fille.",
    "parent_id": null
}))]
pub struct NewCommentRequest {
    #[schema(example = "Merci, je viendrai avec ma fille.", max_length = 5000)]
    pub body: String,
    pub parent_id: Option<Uuid>,
    /// Up to 2 of your own unattached photos (see `NewPostRequest.media_ids`).
    #[serde(default)]
    #[schema(max_items = 2)]
    pub media_ids: Vec<Uuid>,
}

/// A target's reactions after a change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "reactions": {
        "support": 4,
        "thanks": 1,
        "same_here": 2,
        "hug": 0
    },
    "my_reactions": [
        "support",
        "same_here"
    ]
}))]
pub struct ReactionState {
    pub reactions: ReactionCounts,
    pub my_reactions: Vec<ReactionKind>,
}

/// Filters of a group's post list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GroupPostQuery {
    /// `true`: only the posts pinned by the group's moderators (show them above the others).
    pub pinned: Option<bool>,
}

/// The path parameter naming a reaction kind.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ReactionPath {
    /// The post or comment.
    pub id: Uuid,
    pub kind: ReactionKind,
}

/// A follower or followed member.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "member": {
        "id": "01939a4e-1112-7cc3-9a51-3c1f0e2b6d11",
        "pseudonym": "Lou",
        "kind": "patient",
        "verified": null
    },
    "since": "2026-06-14T20:11:00Z"
}))]
pub struct FollowItem {
    pub member: MemberSummary,
    pub since: DateTime<Utc>,
}

/// A member you block, and since when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "member": {
        "id": "01939a4e-1112-7cc3-9a51-3c1f0e2b6d11",
        "pseudonym": "Lou",
        "kind": "patient",
        "verified": null
    },
    "since": "2026-11-02T09:40:00Z"
}))]
pub struct BlockItem {
    pub member: MemberSummary,
    pub since: DateTime<Utc>,
}

/// A page of the home feed. The first page (no cursor) also carries the live prevention
/// announcements that reach you (at most 5, newest first); later pages carry none.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "items": [
        {
            "id": "01939a4e-8f7a-7cc3-9a51-3c1f0e2b6d11",
            "author": {
                "id": "01939a4e-1111-7cc3-9a51-3c1f0e2b6d11",
                "pseudonym": "Camille",
                "kind": "caregiver",
                "verified": null
            },
            "group": {
                "id": "01939a4e-2222-7cc3-9a51-3c1f0e2b6d11",
                "name": "Aidants Alzheimer Lyon"
            },
            "body": "Merci pour vos conseils **hier** !",
            "body_html": "<p>Merci pour vos conseils <strong>hier</strong> !</p>",
            "content_warning": null,
            "sensitive": false,
            "hidden": false,
            "created_at": "2026-11-30T09:12:00Z",
            "edited_at": null,
            "deleted": false,
            "pinned": false,
            "comment_count": 3,
            "reactions": {
                "support": 4,
                "thanks": 1,
                "same_here": 2,
                "hug": 0
            },
            "my_reactions": [
                "support"
            ]
        }
    ],
    "announcements": [
        {
            "id": "01939a4e-cccc-7cc3-9a51-3c1f0e2b6d11",
            "association": {
                "id": "01939a4e-3333-7cc3-9a51-3c1f0e2b6d11",
                "name": "Association Bretonne contre la Mucoviscidose",
                "verified": true
            },
            "title": "Journée de dépistage le 12 mars",
            "body": "Dépistage **gratuit** au CHU de Rennes, sans rendez-vous.",
            "body_html": "<p>Dépistage <strong>gratuit</strong> au CHU de Rennes, sans rendez-vous.</p>",
            "link": "https://abcm.example.org/depistage",
            "targeting": {
                "condition_ids": [
                    "01939a4e-4444-7cc3-9a51-3c1f0e2b6d11"
                ],
                "kinds": [
                    "patient",
                    "caregiver"
                ],
                "region": "Bretagne"
            },
            "publish_at": "2027-02-20T08:00:00Z",
            "expires_at": "2027-03-13T00:00:00Z",
            "live": false,
            "created_at": "2027-02-10T16:30:00Z"
        }
    ],
    "next_cursor": "eyJrIjoiMjAyNi0xMS0zMFQwOToxMjowMFoifQ"
}))]
pub struct FeedPage {
    pub items: Vec<PostItem>,
    pub next_cursor: Option<String>,
    pub announcements: Vec<crate::associations::Announcement>,
}
