//! Posts and comments as the wire shows them to a reader, in batches.

use std::collections::{BTreeSet, HashMap};

use entraide_domain::ids::{CommentId, MemberId, PostId};
use entraide_domain::post::{Comment, Post, ReactionKind};
use entraide_openapi::posts::{CommentItem, GroupRef, PostItem};
use entraide_persistence::{DbConnection, posts, reactions as stored_reactions};

use crate::convert::posts as convert;
use crate::error::ApiError;
use crate::views::members::{author_of, authors};

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
