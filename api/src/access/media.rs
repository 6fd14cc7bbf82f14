//! Photos: which photo a reader may fetch, and attaching photos to what a member writes.
//!
//! A photo is served under the rule of what it illustrates (`domain::media::read_rule`),
//! checked with the same loaders as the post or comment itself — a post's read policy in SQL
//! (`posts::find_readable`), a comment's (`comments::find_readable`) — and never once that post
//! or comment is deleted. A hidden post's photos follow the post too: its author and those who
//! moderate where it lives (`hidden_post_for_moderator`, as `GET /posts/{id}`). Whoever may not
//! read it gets 404, as for a photo that does not exist.

use chrono::{DateTime, Utc};
use entraide_domain::group::Reader;
use entraide_domain::ids::{CommentId, MediaId, MemberId, PostId};
use entraide_domain::media::{Media, ReadRule, can_attach, read_rule};
use entraide_persistence::{DbConnection, comments, media, posts};

use crate::access::moderation::hidden_post_for_moderator;
use crate::error::{ApiError, not_attachable};
use crate::extractors::AuthMember;

/// The photo if `reader` may see it, or 404. `member` is the signed-in reader, if any: those
/// who moderate where a hidden post lives read it by id (`GET /posts/{id}`), so they fetch its
/// photos too.
pub(crate) fn readable_media(
    conn: &mut DbConnection,
    reader: Reader,
    member: Option<AuthMember>,
    id: MediaId,
) -> Result<Media, ApiError> {
    let photo = media::find(conn, id)?.ok_or(ApiError::NotFound)?;
    let readable = match read_rule(&photo) {
        ReadRule::Anyone => true,
        ReadRule::Owner(owner) => {
            matches!(reader, Reader::Member { id, .. } if id == owner)
        }
        ReadRule::Post(post) => match posts::find_readable(conn, reader, post)? {
            Some(post) => !post.deleted,
            // The same rule as `GET /posts/{id}`: a hidden post, to its moderators.
            None => match member {
                Some(actor) => hidden_post_for_moderator(conn, &actor, post)?.is_some(),
                None => false,
            },
        },
        ReadRule::Comment(comment) => match comments::find_readable(conn, reader, comment)? {
            Some(comment) if !comment.deleted => {
                posts::find_readable(conn, reader, comment.post_id)?
                    .is_some_and(|post| !post.deleted)
            }
            _ => false,
        },
    };
    if readable {
        Ok(photo)
    } else {
        Err(ApiError::NotFound)
    }
}

/// Loads the photos and checks each may be attached by `actor` (their own, unattached).
fn require_attachable(
    conn: &mut DbConnection,
    actor: MemberId,
    ids: &[MediaId],
    field: &str,
) -> Result<(), ApiError> {
    let found = media::find_many(conn, ids)?;
    if found.len() != ids.len() {
        return Err(not_attachable(field));
    }
    for photo in &found {
        can_attach(photo, actor).map_err(|_| not_attachable(field))?;
    }
    Ok(())
}

/// Attaches `actor`'s photos to their new post, inside the post's transaction.
pub(crate) fn attach_to_post(
    conn: &mut DbConnection,
    actor: MemberId,
    ids: &[MediaId],
    post: PostId,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    require_attachable(conn, actor, ids, "media_ids")?;
    // The conditional update is the guard against a concurrent attach.
    if media::attach_to_post(conn, actor, ids, post, now)? != ids.len() {
        return Err(not_attachable("media_ids"));
    }
    Ok(())
}

/// Makes `listed` the photos of `actor`'s post, inside the edit's transaction: newly listed
/// ones must be their own unattached photos (422 `unknown_media`, and the caller's transaction
/// rolls back); photos of the post left out are deleted — their ids are returned, whose files
/// the caller deletes after commit.
pub(crate) fn replace_photos(
    conn: &mut DbConnection,
    actor: MemberId,
    post: PostId,
    listed: &[MediaId],
) -> Result<Vec<MediaId>, ApiError> {
    let current: Vec<MediaId> = media::of_posts(conn, &[post])?
        .into_iter()
        .map(|photo| photo.id)
        .collect();
    let added: Vec<MediaId> = listed
        .iter()
        .filter(|id| !current.contains(id))
        .copied()
        .collect();
    let dropped: Vec<MediaId> = current
        .iter()
        .filter(|id| !listed.contains(id))
        .copied()
        .collect();
    attach_to_post(conn, actor, &added, post, Utc::now())?;
    Ok(media::delete_from_post(conn, post, &dropped)?)
}

/// Attaches `actor`'s photos to their new comment, inside the comment's transaction.
pub(crate) fn attach_to_comment(
    conn: &mut DbConnection,
    actor: MemberId,
    ids: &[MediaId],
    comment: CommentId,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    require_attachable(conn, actor, ids, "media_ids")?;
    if media::attach_to_comment(conn, actor, ids, comment, now)? != ids.len() {
        return Err(not_attachable("media_ids"));
    }
    Ok(())
}

/// Makes one of `actor`'s unattached photos their avatar; the previous avatar's id (its row is
/// deleted; the caller deletes its files after commit). Setting the current avatar again
/// changes nothing.
pub(crate) fn set_avatar(
    conn: &mut DbConnection,
    actor: MemberId,
    id: MediaId,
    now: DateTime<Utc>,
) -> Result<(Media, Option<MediaId>), ApiError> {
    if let Some(current) = media::avatar_of(conn, actor)?
        && current.id == id
    {
        return Ok((current, None));
    }
    require_attachable(conn, actor, &[id], "media_id")?;
    let old = media::clear_avatar(conn, actor)?;
    if !media::set_avatar(conn, actor, id, now)? {
        return Err(not_attachable("media_id"));
    }
    let photo = media::find(conn, id)?.ok_or_else(|| ApiError::internal("the avatar vanished"))?;
    Ok((photo, old))
}
