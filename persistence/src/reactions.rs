//! Reactions on posts and comments: one per member, target and kind; adding twice or removing
//! what is not there changes nothing. Counters on the target are kept in the same transaction.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Text, Timestamp};
use entraide_domain::ids::{CommentId, MemberId, PostId};
use entraide_domain::post::ReactionKind;

use crate::connection::DbConnection;
use crate::convert::{parse_enum, parse_id, to_db_time};
use crate::error::PersistenceError;
use crate::schema::{comment_reactions, post_reactions};

/// What is reacted to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Post(PostId),
    Comment(CommentId),
}

/// Adds a reaction; `false` when it was already there. `ON CONFLICT DO NOTHING` is the same SQL
/// on SQLite and PostgreSQL, so concurrent duplicates are harmless on both.
pub fn add(
    conn: &mut DbConnection,
    target: Target,
    member: MemberId,
    kind: ReactionKind,
    now: DateTime<Utc>,
) -> Result<bool, PersistenceError> {
    let (sql, id) = match target {
        Target::Post(id) => (
            "INSERT INTO post_reactions (post_id, member_id, kind, created_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
            id.to_string(),
        ),
        Target::Comment(id) => (
            "INSERT INTO comment_reactions (comment_id, member_id, kind, created_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
            id.to_string(),
        ),
    };
    let inserted = diesel::sql_query(sql)
        .bind::<Text, _>(id)
        .bind::<Text, _>(member.to_string())
        .bind::<Text, _>(kind.as_str())
        .bind::<Timestamp, _>(to_db_time(now))
        .execute(conn)?;
    if inserted == 1 {
        count(conn, target, kind, 1)?;
    }
    Ok(inserted == 1)
}

/// Removes a reaction; `false` when there was none.
pub fn remove(
    conn: &mut DbConnection,
    target: Target,
    member: MemberId,
    kind: ReactionKind,
) -> Result<bool, PersistenceError> {
    let deleted = match target {
        Target::Post(id) => diesel::delete(post_reactions::table.find((
            id.to_string(),
            member.to_string(),
            kind.as_str(),
        )))
        .execute(conn)?,
        Target::Comment(id) => diesel::delete(comment_reactions::table.find((
            id.to_string(),
            member.to_string(),
            kind.as_str(),
        )))
        .execute(conn)?,
    };
    if deleted == 1 {
        count(conn, target, kind, -1)?;
    }
    Ok(deleted == 1)
}

fn count(
    conn: &mut DbConnection,
    target: Target,
    kind: ReactionKind,
    delta: i64,
) -> Result<(), PersistenceError> {
    match target {
        Target::Post(id) => crate::posts::add_to_reaction_count(conn, id, kind, delta),
        Target::Comment(id) => crate::comments::add_to_reaction_count(conn, id, kind, delta),
    }
}

/// The member's own reactions on a page of posts (one query).
pub fn mine_on_posts(
    conn: &mut DbConnection,
    member: MemberId,
    posts: &[PostId],
) -> Result<Vec<(PostId, ReactionKind)>, PersistenceError> {
    if posts.is_empty() {
        return Ok(Vec::new());
    }
    // Fixed id slots for a page (prepared once per connection), `IN` beyond.
    let select = (post_reactions::post_id, post_reactions::kind);
    let mine = post_reactions::member_id.eq(member.to_string());
    let rows = match crate::slots::fill(posts) {
        Some(slots) => post_reactions::table
            .filter(mine)
            .filter(one_of_slots!(post_reactions::post_id, slots))
            .select(select)
            .load::<(String, String)>(conn)?,
        None => post_reactions::table
            .filter(mine)
            .filter(post_reactions::post_id.eq_any(posts.iter().map(ToString::to_string)))
            .select(select)
            .load::<(String, String)>(conn)?,
    };
    rows.into_iter()
        .map(|(id, kind)| Ok((parse_id(&id)?, parse_enum(&kind, ReactionKind::parse)?)))
        .collect()
}

/// The member's own reactions on a page of comments (one query).
pub fn mine_on_comments(
    conn: &mut DbConnection,
    member: MemberId,
    comments: &[CommentId],
) -> Result<Vec<(CommentId, ReactionKind)>, PersistenceError> {
    if comments.is_empty() {
        return Ok(Vec::new());
    }
    // Fixed id slots for a page (prepared once per connection), `IN` beyond.
    let select = (comment_reactions::comment_id, comment_reactions::kind);
    let mine = comment_reactions::member_id.eq(member.to_string());
    let rows = match crate::slots::fill(comments) {
        Some(slots) => comment_reactions::table
            .filter(mine)
            .filter(one_of_slots!(comment_reactions::comment_id, slots))
            .select(select)
            .load::<(String, String)>(conn)?,
        None => comment_reactions::table
            .filter(mine)
            .filter(comment_reactions::comment_id.eq_any(comments.iter().map(ToString::to_string)))
            .select(select)
            .load::<(String, String)>(conn)?,
    };
    rows.into_iter()
        .map(|(id, kind)| Ok((parse_id(&id)?, parse_enum(&kind, ReactionKind::parse)?)))
        .collect()
}
