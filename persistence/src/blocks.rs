//! Blocks between members. A block works both ways for reading: the SQL read filters of posts
//! and comments leave out what either member of a blocked pair wrote, for the other
//! (`not_blocked!` in `visibility.rs`, used by `posts::readable_by` and the comment lists).

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Text, Timestamp};
use entraide_domain::ids::MemberId;
use entraide_domain::member::{MemberKind, Pseudonym};

use crate::connection::DbConnection;
use crate::convert::{from_db_time, parse_enum, parse_id, to_db_time};
use crate::error::PersistenceError;
use crate::schema::{blocks, follows, member_badges, members};
use entraide_domain::verification::Badge;

/// Serialises the writes between two members (a block and a follow racing each other) until
/// the transaction ends; first in the transaction. See `dialect::lock_key`.
pub fn lock_pair(
    conn: &mut DbConnection,
    a: MemberId,
    b: MemberId,
) -> Result<(), PersistenceError> {
    let (low, high) = if a <= b { (a, b) } else { (b, a) };
    crate::dialect::lock_key(conn, &format!("member-pair:{low}:{high}"))
}

/// Blocks `blocked` for `blocker` and ends their follows both ways. `false` when already
/// blocked (nothing changes). Blocking oneself is refused by the database.
pub fn block(
    conn: &mut DbConnection,
    blocker: MemberId,
    blocked: MemberId,
    now: DateTime<Utc>,
) -> Result<bool, PersistenceError> {
    lock_pair(conn, blocker, blocked)?;
    let (a, b) = (blocker.to_string(), blocked.to_string());
    let inserted = diesel::sql_query(
        "INSERT INTO blocks (blocker_id, blocked_id, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT DO NOTHING",
    )
    .bind::<Text, _>(&a)
    .bind::<Text, _>(&b)
    .bind::<Timestamp, _>(to_db_time(now))
    .execute(conn)?;
    diesel::delete(
        follows::table.filter(
            follows::follower_id
                .eq(&a)
                .and(follows::followed_id.eq(&b))
                .or(follows::follower_id.eq(&b).and(follows::followed_id.eq(&a))),
        ),
    )
    .execute(conn)?;
    Ok(inserted == 1)
}

/// Lifts a block; `false` when there was none.
pub fn unblock(
    conn: &mut DbConnection,
    blocker: MemberId,
    blocked: MemberId,
) -> Result<bool, PersistenceError> {
    let deleted = diesel::delete(blocks::table.find((blocker.to_string(), blocked.to_string())))
        .execute(conn)?;
    Ok(deleted == 1)
}

/// Has either member blocked the other?
pub fn blocked_either_way(
    conn: &mut DbConnection,
    a: MemberId,
    b: MemberId,
) -> Result<bool, PersistenceError> {
    let (a, b) = (a.to_string(), b.to_string());
    let count: i64 = blocks::table
        .filter(
            blocks::blocker_id
                .eq(&a)
                .and(blocks::blocked_id.eq(&b))
                .or(blocks::blocker_id.eq(&b).and(blocks::blocked_id.eq(&a))),
        )
        .count()
        .get_result(conn)?;
    Ok(count > 0)
}

/// A line of the list of members one blocks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockEntry {
    pub member_id: MemberId,
    pub pseudonym: Pseudonym,
    pub kind: MemberKind,
    /// The badge granted (shown while it fits `kind`).
    pub badge: Option<Badge>,
    pub since: DateTime<Utc>,
}

/// The members `blocker` blocks, newest first; keyset on (since, member id). Only the blocker
/// reads this list: who blocks a member is never shown to them.
pub fn list(
    conn: &mut DbConnection,
    blocker: MemberId,
    before: Option<(DateTime<Utc>, MemberId)>,
    limit: i64,
) -> Result<Vec<BlockEntry>, PersistenceError> {
    let mut query = blocks::table
        .inner_join(members::table.on(members::id.eq(blocks::blocked_id)))
        .left_join(member_badges::table.on(member_badges::member_id.eq(members::id)))
        .filter(blocks::blocker_id.eq(blocker.to_string()))
        .select((
            members::id,
            members::pseudonym,
            members::kind,
            member_badges::badge.nullable(),
            blocks::created_at,
        ))
        .order((blocks::created_at.desc(), blocks::blocked_id.desc()))
        .limit(limit)
        .into_boxed();
    if let Some((since, member)) = before {
        let since = to_db_time(since);
        query = query.filter(
            blocks::created_at.lt(since).or(blocks::created_at
                .eq(since)
                .and(blocks::blocked_id.lt(member.to_string()))),
        );
    }
    query
        .load::<(String, String, String, Option<String>, NaiveDateTime)>(conn)?
        .into_iter()
        .map(|(id, pseudonym, kind, badge, since)| {
            Ok(BlockEntry {
                member_id: parse_id(&id)?,
                pseudonym: Pseudonym::from_stored(pseudonym),
                kind: parse_enum(&kind, MemberKind::parse)?,
                badge: crate::verification::badge_cell(badge)?,
                since: from_db_time(since),
            })
        })
        .collect()
}
