//! Posts, comments, reactions, walls and feeds.

pub mod comments;
pub mod create;
pub mod feeds;
pub mod manage;
pub mod reactions;

use std::collections::{BTreeSet, HashMap};

use entraide_domain::group::Reader;
use entraide_domain::ids::{CommentId, MemberId, PostId};
use entraide_domain::post::{Comment, Post, ReactionKind};
use entraide_openapi::groups::MemberSummary;
use entraide_openapi::posts::{CommentItem, GroupRef, PostItem};
use entraide_persistence::reactions as stored_reactions;
use entraide_persistence::{DbConnection, members, posts};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::convert::posts as convert;
use crate::error::ApiError;

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
}

pub(crate) fn authors(
    conn: &mut DbConnection,
    ids: impl Iterator<Item = MemberId>,
) -> Result<HashMap<MemberId, MemberSummary>, ApiError> {
    let ids: Vec<_> = ids.collect::<BTreeSet<_>>().into_iter().collect();
    Ok(members::summaries(conn, &ids)?
        .into_iter()
        .map(|(id, pseudonym, kind)| (id, convert::summary(id, &pseudonym, kind)))
        .collect())
}

pub(crate) fn author_of(
    authors: &HashMap<MemberId, MemberSummary>,
    id: MemberId,
) -> Result<MemberSummary, ApiError> {
    authors
        .get(&id)
        .cloned()
        .ok_or_else(|| ApiError::internal(format!("author {id} not found")))
}

/// Feed items for a page of posts: three batched queries (authors, group names, the reader's
/// reactions) whatever the page size — never one per post.
pub(crate) fn post_items(
    conn: &mut DbConnection,
    reader: Option<MemberId>,
    page: Vec<Post>,
) -> Result<Vec<PostItem>, ApiError> {
    let authors = authors(conn, page.iter().map(|p| p.author_id))?;
    let group_ids: Vec<_> = page
        .iter()
        .filter_map(|p| p.group_id)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let names: HashMap<_, _> = posts::group_names(conn, &group_ids)?.into_iter().collect();
    let mut mine: HashMap<PostId, Vec<ReactionKind>> = HashMap::new();
    if let Some(reader) = reader {
        let ids: Vec<_> = page.iter().map(|p| p.id).collect();
        for (post, kind) in stored_reactions::mine_on_posts(conn, reader, &ids)? {
            mine.entry(post).or_default().push(kind);
        }
    }
    page.into_iter()
        .map(|post| {
            let author = author_of(&authors, post.author_id)?;
            let group = post.group_id.map(|id| GroupRef {
                id: id.as_uuid(),
                name: names.get(&id).cloned().unwrap_or_default(),
            });
            let mut kinds = mine.remove(&post.id).unwrap_or_default();
            kinds.sort();
            Ok(convert::post(post, author, group, kinds))
        })
        .collect()
}

/// Comment items for a page of comments, batched like [`post_items`].
pub(crate) fn comment_items(
    conn: &mut DbConnection,
    reader: Option<MemberId>,
    page: Vec<Comment>,
) -> Result<Vec<CommentItem>, ApiError> {
    let authors = authors(conn, page.iter().map(|c| c.author_id))?;
    let mut mine: HashMap<CommentId, Vec<ReactionKind>> = HashMap::new();
    if let Some(reader) = reader {
        let ids: Vec<_> = page.iter().map(|c| c.id).collect();
        for (comment, kind) in stored_reactions::mine_on_comments(conn, reader, &ids)? {
            mine.entry(comment).or_default().push(kind);
        }
    }
    page.into_iter()
        .map(|comment| {
            let author = author_of(&authors, comment.author_id)?;
            let mut kinds = mine.remove(&comment.id).unwrap_or_default();
            kinds.sort();
            Ok(convert::comment(comment, author, kinds))
        })
        .collect()
}

/// A post the reader may read, or 404 (a post one may not read does not exist for them).
pub(crate) fn readable_post(
    conn: &mut DbConnection,
    reader: Reader,
    id: PostId,
) -> Result<Post, ApiError> {
    posts::find_readable(conn, reader, id)?.ok_or(ApiError::NotFound)
}

/// Policy check for commenting and reacting on a readable post: in a group, active members who
/// fit the audience; on a wall, any member who may read it.
pub(crate) fn require_participation(
    conn: &mut DbConnection,
    reader: Reader,
    post: &Post,
) -> Result<(), ApiError> {
    match post.group_id {
        Some(group) => crate::handlers::groups::require_participation(conn, group, reader),
        None => Ok(()),
    }
}
