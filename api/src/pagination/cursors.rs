//! Keyset cursors shared by several lists.

use chrono::{DateTime, Utc};
use entraide_domain::ids::{CommentId, MemberId, PostId};
use entraide_persistence::groups::{self, MemberKey};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The keyset cursor of post and comment lists: the last id of the page.
#[derive(Serialize, Deserialize)]
pub(crate) struct IdCursor {
    i: Uuid,
}

impl IdCursor {
    pub(crate) fn post(&self) -> PostId {
        PostId::from_uuid(self.i)
    }

    pub(crate) fn comment(&self) -> CommentId {
        CommentId::from_uuid(self.i)
    }

    pub(crate) fn of(id: Uuid) -> Self {
        Self { i: id }
    }

    /// The id, for lists keyed by an id of another type.
    pub(crate) fn id(&self) -> Uuid {
        self.i
    }
}

/// The keyset cursor of group member lists and join requests: since when, then who.
#[derive(Serialize, Deserialize)]
pub(crate) struct MemberCursor {
    #[serde(deserialize_with = "crate::pagination::instant")]
    s: DateTime<Utc>,
    m: Uuid,
}

impl MemberCursor {
    pub(crate) fn key(&self) -> MemberKey {
        MemberKey {
            since: self.s,
            member_id: MemberId::from_uuid(self.m),
        }
    }

    pub(crate) fn of(entry: &groups::MemberEntry) -> Self {
        Self {
            s: entry.since,
            m: entry.member_id.as_uuid(),
        }
    }
}

/// The keyset cursor of conversation lists: last activity, then id.
#[derive(Serialize, Deserialize)]
pub(crate) struct ActivityCursor {
    #[serde(deserialize_with = "crate::pagination::instant")]
    a: DateTime<Utc>,
    i: Uuid,
}

impl ActivityCursor {
    pub(crate) fn key(&self) -> (DateTime<Utc>, entraide_domain::ids::ConversationId) {
        (
            self.a,
            entraide_domain::ids::ConversationId::from_uuid(self.i),
        )
    }

    pub(crate) fn of(at: DateTime<Utc>, id: Uuid) -> Self {
        Self { a: at, i: id }
    }
}
