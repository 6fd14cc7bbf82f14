//! Posts and comments as the wire shows them to a reader, in batches.

use std::collections::{BTreeSet, HashMap};

use entraide_domain::ids::{CommentId, MemberId, PostId};
use entraide_domain::media::Attachment;
use entraide_domain::post::{Comment, Post, ReactionKind};
use entraide_openapi::media::MediaItem;
use entraide_openapi::posts::{CommentItem, GroupRef, PostItem};
use entraide_persistence::posts::PagePost;
use entraide_persistence::{DbConnection, media, members, posts, reactions as stored_reactions};

use crate::convert::media::item as media_item;
use crate::convert::posts as convert;
use crate::error::ApiError;
use crate::views::members::{author_of, authors};

/// Feed items for a page of posts: four batched queries (authors, group names, photos, the
/// reader's reactions) whatever the page size — never one per post.
pub(crate) fn post_items(
    conn: &mut DbConnection,
    reader: Option<MemberId>,
    page: Vec<Post>,
) -> Result<Vec<PostItem>, ApiError> {
    page_items(conn, reader, page.into_iter().map(PagePost::from).collect())
}

/// Feed items for a page whose posts may carry what the page statement already read
/// ([`posts::PostExtras`]): the batched queries of [`post_items`] then run only for what is
/// still missing — authors and group names of posts read without extras, photos of posts that
/// have some, reactions on posts the reader reacted to. A home feed page of posts without
/// photos or reactions of the reader needs no query beyond its own.
pub(crate) fn page_items(
    conn: &mut DbConnection,
    reader: Option<MemberId>,
    page: Vec<PagePost>,
) -> Result<Vec<PostItem>, ApiError> {
    let bare = || page.iter().filter(|p| p.extras.is_none()).map(|p| &p.post);
    let mut authors = authors(conn, bare().map(|p| p.author_id))?;
    let group_ids: Vec<_> = bare()
        .filter_map(|p| p.group_id)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let names: HashMap<_, _> = posts::group_names(conn, &group_ids)?.into_iter().collect();
    // A deleted post shows no photo (the page statement reads no deleted post).
    let shown: Vec<PostId> = page
        .iter()
        .filter(|p| !p.post.deleted && p.extras.as_ref().is_none_or(|e| e.has_media))
        .map(|p| p.post.id)
        .collect();
    let mut photos: HashMap<PostId, Vec<MediaItem>> = HashMap::new();
    for photo in media::of_posts(conn, &shown)? {
        if let Attachment::Post(post) = photo.attachment {
            photos.entry(post).or_default().push(media_item(photo));
        }
    }
    let mut mine: HashMap<PostId, Vec<ReactionKind>> = HashMap::new();
    if let Some(reader) = reader {
        let ids: Vec<_> = page
            .iter()
            .filter(|p| p.extras.as_ref().is_none_or(|e| e.reacted))
            .map(|p| p.post.id)
            .collect();
        for (post, kind) in stored_reactions::mine_on_posts(conn, reader, &ids)? {
            mine.entry(post).or_default().push(kind);
        }
    }
    for extras in page.iter().filter_map(|p| p.extras.as_ref()) {
        let (id, pseudonym, kind, badge) = &extras.author;
        authors
            .entry(*id)
            .or_insert_with(|| convert::summary(*id, pseudonym, *kind, *badge));
    }
    page.into_iter()
        .map(|PagePost { post, extras }| {
            let author = author_of(&authors, post.author_id)?;
            let name = match extras {
                Some(extras) => extras.group_name,
                None => post.group_id.and_then(|id| names.get(&id).cloned()),
            };
            let group = post.group_id.map(|id| GroupRef {
                id: id.as_uuid(),
                name: name.unwrap_or_default(),
            });
            let mut kinds = mine.remove(&post.id).unwrap_or_default();
            kinds.sort();
            let photos = photos.remove(&post.id).unwrap_or_default();
            Ok(convert::post(post, author, group, kinds, photos))
        })
        .collect()
}

/// The item of a post made a moment ago, for its author's answer: it carries no reaction of
/// anyone's, the handler knows its group's name (it has just checked the author may post
/// there), and it has photos only if some were attached with it. One query (the author's
/// summary, by key) where [`post_items`] runs three on every post creation.
pub(crate) fn new_post_item(
    conn: &mut DbConnection,
    post: Post,
    group_name: Option<String>,
    with_media: bool,
) -> Result<PostItem, ApiError> {
    let (id, pseudonym, kind, badge) = members::summary(conn, post.author_id)?
        .ok_or_else(|| ApiError::internal(format!("author {} not found", post.author_id)))?;
    let author = convert::summary(id, &pseudonym, kind, badge);
    let photos = if with_media {
        media::of_posts(conn, &[post.id])?
            .into_iter()
            .filter(|photo| matches!(photo.attachment, Attachment::Post(_)))
            .map(media_item)
            .collect()
    } else {
        Vec::new()
    };
    let group = post.group_id.map(|id| GroupRef {
        id: id.as_uuid(),
        name: group_name.unwrap_or_default(),
    });
    Ok(convert::post(post, author, group, Vec::new(), photos))
}

/// Comment items for a page of comments, batched like [`post_items`].
pub(crate) fn comment_items(
    conn: &mut DbConnection,
    reader: Option<MemberId>,
    page: Vec<Comment>,
) -> Result<Vec<CommentItem>, ApiError> {
    let authors = authors(conn, page.iter().map(|c| c.author_id))?;
    let shown: Vec<CommentId> = page.iter().filter(|c| !c.deleted).map(|c| c.id).collect();
    let mut photos: HashMap<CommentId, Vec<MediaItem>> = HashMap::new();
    for photo in media::of_comments(conn, &shown)? {
        if let Attachment::Comment(comment) = photo.attachment {
            photos.entry(comment).or_default().push(media_item(photo));
        }
    }
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
            let photos = photos.remove(&comment.id).unwrap_or_default();
            Ok(convert::comment(comment, author, kinds, photos))
        })
        .collect()
}
