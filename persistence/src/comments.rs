//! Comments: threaded replies to posts, readable exactly when their post is.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use entraide_domain::group::Reader;
use entraide_domain::ids::{CommentId, MemberId, PostId};
use entraide_domain::post::{Body, Comment, ReactionCounts, ReactionKind};

use crate::connection::DbConnection;
use crate::convert::{from_db_time, parse_id, stored_time, to_db_time};
use crate::error::PersistenceError;
use crate::posts::readable_by;
use crate::schema::{comments, posts};

#[derive(Queryable, Selectable)]
#[diesel(table_name = comments)]
struct CommentRow {
    id: String,
    post_id: String,
    parent_id: Option<String>,
    depth: i32,
    author_id: String,
    body: String,
    body_html: String,
    created_at: NaiveDateTime,
    edited_at: Option<NaiveDateTime>,
    deleted_at: Option<NaiveDateTime>,
    support_count: i64,
    thanks_count: i64,
    same_here_count: i64,
    hug_count: i64,
    hidden_at: Option<NaiveDateTime>,
}

impl CommentRow {
    fn into_domain(self) -> Result<Comment, PersistenceError> {
        let Self {
            id,
            post_id,
            parent_id,
            depth,
            author_id,
            body,
            body_html,
            created_at,
            edited_at,
            deleted_at,
            support_count,
            thanks_count,
            same_here_count,
            hug_count,
            hidden_at,
        } = self;
        Ok(Comment {
            id: parse_id(&id)?,
            post_id: parse_id(&post_id)?,
            parent_id: parent_id.as_deref().map(parse_id).transpose()?,
            depth,
            author_id: parse_id(&author_id)?,
            body: Body::from_stored(body, body_html),
            created_at: from_db_time(created_at),
            edited_at: edited_at.map(from_db_time),
            deleted: deleted_at.is_some(),
            hidden: hidden_at.is_some(),
            reactions: ReactionCounts {
                support: support_count,
                thanks: thanks_count,
                same_here: same_here_count,
                hug: hug_count,
            },
        })
    }
}

/// Stores a comment and indexes it for search. It does not count it: the caller adds it to
/// the post's `comment_count` ([`crate::posts::add_to_comment_count`]) as the last write of its
/// transaction. That update locks the post's row until the commit, and on PostgreSQL every
/// other comment on the same post waits for the lock: taken first, it was held across the
/// notifications, the attachments and the reply's own reads (`wrk` at 64 connections on one
/// post: 154 comments/s, seven of nine backends waiting on it).
pub fn insert(
    conn: &mut DbConnection,
    post: PostId,
    parent: Option<&Comment>,
    author: MemberId,
    body: &Body,
    now: DateTime<Utc>,
) -> Result<Comment, PersistenceError> {
    // The answer is the comment as stored, to the microsecond.
    let now = stored_time(now);
    let id = CommentId::new();
    let depth = parent.map_or(0, |p| p.depth.saturating_add(1));
    diesel::insert_into(comments::table)
        .values((
            comments::id.eq(id.to_string()),
            comments::post_id.eq(post.to_string()),
            comments::parent_id.eq(parent.map(|p| p.id.to_string())),
            comments::depth.eq(depth),
            comments::author_id.eq(author.to_string()),
            comments::body.eq(body.source()),
            comments::body_html.eq(body.html()),
            comments::created_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    crate::search::index_new(
        conn,
        entraide_domain::search::DocumentKind::Comment,
        &id.to_string(),
        body.source(),
    )?;
    Ok(Comment {
        id,
        post_id: post,
        parent_id: parent.map(|p| p.id),
        depth,
        author_id: author,
        body: body.clone(),
        created_at: now,
        edited_at: None,
        deleted: false,
        hidden: false,
        reactions: ReactionCounts::default(),
    })
}

/// Is the post readable by `reader`? Checked before any comment text is loaded.
fn post_is_readable(
    conn: &mut DbConnection,
    reader: Reader,
    post: &str,
) -> Result<bool, PersistenceError> {
    crate::posts::is_readable(conn, reader, post)
}

/// `$run` with `$filter` bound to which comments of a readable post `$reader` sees: not those
/// by a member they blocked or who blocked them, and not those moderators hid (except by their
/// own author). Unboxed for each kind of reader, so that a prepared statement is found by
/// type, without building its SQL text again (a boxed query is found by its text).
macro_rules! with_visible_comments {
    ($reader:expr, |$filter:ident| $run:expr) => {
        match $reader {
            Reader::Anonymous => {
                let $filter = comments::hidden_at.is_null();
                $run
            }
            Reader::Member { id, .. } => {
                let me = id.to_string();
                let $filter = not_blocked!(comments::author_id, me).and(
                    comments::hidden_at
                        .is_null()
                        .or(comments::author_id.eq(me.clone())),
                );
                $run
            }
        }
    };
}

/// Several comments by id, only those whose post `reader` may read and not deleted: two
/// queries (the comments' post ids, then the readable posts among them) for a page of hits.
pub fn find_readable_many(
    conn: &mut DbConnection,
    reader: Reader,
    ids: &[CommentId],
) -> Result<Vec<Comment>, PersistenceError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let keys: Vec<String> = ids.iter().map(ToString::to_string).collect();
    let post_ids: Vec<String> = comments::table
        .filter(comments::id.eq_any(&keys))
        .select(comments::post_id)
        .distinct()
        .load(conn)?;
    let readable: Vec<String> = posts::table
        .filter(posts::id.eq_any(&post_ids))
        .filter(readable_by(reader))
        .select(posts::id)
        .load(conn)?;
    let found = comments::table
        .filter(comments::id.eq_any(&keys))
        .filter(comments::post_id.eq_any(&readable))
        .filter(comments::deleted_at.is_null())
        .select(CommentRow::as_select());
    let rows = with_visible_comments!(reader, |visible| found
        .filter(visible)
        .load::<CommentRow>(conn)?);
    rows.into_iter().map(CommentRow::into_domain).collect()
}

/// A comment by id whoever may read it: for moderators looking at what was reported (hidden
/// comments included). Never use it to answer a member.
pub fn find_any(
    conn: &mut DbConnection,
    id: CommentId,
) -> Result<Option<Comment>, PersistenceError> {
    comments::table
        .find(id.to_string())
        .select(CommentRow::as_select())
        .first(conn)
        .optional()?
        .map(CommentRow::into_domain)
        .transpose()
}

/// The comment if `author` wrote it, whether or not they may still read its post.
pub fn find_authored(
    conn: &mut DbConnection,
    author: MemberId,
    id: CommentId,
) -> Result<Option<Comment>, PersistenceError> {
    comments::table
        .find(id.to_string())
        .filter(comments::author_id.eq(author.to_string()))
        .select(CommentRow::as_select())
        .first(conn)
        .optional()?
        .map(CommentRow::into_domain)
        .transpose()
}

/// A comment by id, only if `reader` may read its post (deleted ones as placeholders). Only the
/// comment's post id is read before the post's read policy is checked.
pub fn find_readable(
    conn: &mut DbConnection,
    reader: Reader,
    id: CommentId,
) -> Result<Option<Comment>, PersistenceError> {
    let key = id.to_string();
    let Some(post) = comments::table
        .find(&key)
        .select(comments::post_id)
        .first::<String>(conn)
        .optional()?
    else {
        return Ok(None);
    };
    if !post_is_readable(conn, reader, &post)? {
        return Ok(None);
    }
    let found = comments::table.find(&key).select(CommentRow::as_select());
    let row = with_visible_comments!(reader, |visible| found
        .filter(visible)
        .first::<CommentRow>(conn)
        .optional()?);
    row.map(CommentRow::into_domain).transpose()
}

/// A page of a post's comments in thread order (oldest first), if `reader` may read the post
/// (`None` otherwise), without those by a member the reader blocked or who blocked them. Deleted comments stay as placeholders so replies keep their context.
pub fn list_readable(
    conn: &mut DbConnection,
    reader: Reader,
    post: PostId,
    after: Option<CommentId>,
    limit: i64,
) -> Result<Option<Vec<Comment>>, PersistenceError> {
    let key = post.to_string();
    if !post_is_readable(conn, reader, &key)? {
        return Ok(None);
    }
    // One statement shape whether or not there is a cursor (every id is above the empty
    // text), unboxed: each reader's form is prepared once per connection and found by type.
    let after = after.map_or_else(String::new, |id| id.to_string());
    let page = comments::table
        .filter(comments::post_id.eq(key))
        .filter(comments::id.gt(after))
        .select(CommentRow::as_select())
        .order(comments::id.asc())
        .limit(limit);
    // What a blocked member (either way) wrote and hidden comments are left out; replies to
    // them stay, with their parent id.
    let rows = with_visible_comments!(reader, |visible| page
        .filter(visible)
        .load::<CommentRow>(conn)?);
    rows.into_iter()
        .map(CommentRow::into_domain)
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

pub fn update_body(
    conn: &mut DbConnection,
    id: CommentId,
    body: &Body,
    now: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    diesel::update(comments::table.find(id.to_string()))
        .set((
            comments::body.eq(body.source()),
            comments::body_html.eq(body.html()),
            comments::edited_at.eq(Some(to_db_time(now))),
        ))
        .execute(conn)?;
    crate::search::index(
        conn,
        entraide_domain::search::DocumentKind::Comment,
        &id.to_string(),
        body.source(),
    )
}

/// Soft delete: the comment keeps its place in the thread, not its text nor its photos.
/// Returns the ids of the deleted photo rows: the caller deletes their files after commit.
#[must_use = "the deleted photos' files are the caller's to delete after commit"]
pub fn soft_delete(
    conn: &mut DbConnection,
    comment: &Comment,
    now: DateTime<Utc>,
) -> Result<Vec<entraide_domain::ids::MediaId>, PersistenceError> {
    diesel::update(comments::table.find(comment.id.to_string()))
        .set((
            comments::deleted_at.eq(Some(to_db_time(now))),
            comments::body.eq(""),
            comments::body_html.eq(""),
        ))
        .execute(conn)?;
    crate::search::remove(
        conn,
        entraide_domain::search::DocumentKind::Comment,
        &comment.id.to_string(),
    )?;
    let photos = crate::media::delete_of_comment(conn, comment.id)?;
    // A hidden comment already left the count when it was hidden.
    if !comment.hidden {
        crate::posts::add_to_comment_count(conn, comment.post_id, -1)?;
    }
    Ok(photos)
}

/// Moves one reaction counter of a comment.
pub fn add_to_reaction_count(
    conn: &mut DbConnection,
    id: CommentId,
    kind: ReactionKind,
    delta: i64,
) -> Result<(), PersistenceError> {
    crate::posts::move_reaction_counter!(conn, comments, id, kind, delta)
}
