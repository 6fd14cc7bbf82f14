//! Follows between members.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Text, Timestamp};
use entraide_domain::ids::MemberId;
use entraide_domain::member::{MemberKind, Pseudonym};

use crate::connection::DbConnection;
use crate::convert::{from_db_time, parse_enum, parse_id, to_db_time};
use crate::error::PersistenceError;
use crate::schema::{follows, member_badges, members};
use entraide_domain::verification::Badge;

/// Follows; `false` when already following. Following oneself is refused by the database.
pub fn follow(
    conn: &mut DbConnection,
    follower: MemberId,
    followed: MemberId,
    now: DateTime<Utc>,
) -> Result<bool, PersistenceError> {
    let inserted = diesel::sql_query(
        "INSERT INTO follows (follower_id, followed_id, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT DO NOTHING",
    )
    .bind::<Text, _>(follower.to_string())
    .bind::<Text, _>(followed.to_string())
    .bind::<Timestamp, _>(to_db_time(now))
    .execute(conn)?;
    Ok(inserted == 1)
}

/// Unfollows; `false` when not following.
pub fn unfollow(
    conn: &mut DbConnection,
    follower: MemberId,
    followed: MemberId,
) -> Result<bool, PersistenceError> {
    let deleted = diesel::delete(follows::table.find((follower.to_string(), followed.to_string())))
        .execute(conn)?;
    Ok(deleted == 1)
}

/// A line of a follower or following list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowEntry {
    pub member_id: MemberId,
    pub pseudonym: Pseudonym,
    pub kind: MemberKind,
    /// The badge granted (shown while it fits `kind`).
    pub badge: Option<Badge>,
    pub since: DateTime<Utc>,
}

/// Which side of the follow graph to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Who follows the member.
    Followers,
    /// Whom the member follows.
    Following,
}

/// A page of followers or followed members, newest first; keyset on (since, member id).
/// A page of `member`'s followers or followed members, as `reader` sees it: `member` sees every
/// entry; anyone else only the members who chose to appear in member lists
/// (`listed_in_member_lists`), and themselves.
pub fn list(
    conn: &mut DbConnection,
    member: MemberId,
    reader: MemberId,
    direction: Direction,
    before: Option<(DateTime<Utc>, MemberId)>,
    limit: i64,
) -> Result<Vec<FollowEntry>, PersistenceError> {
    let key = member.to_string();
    let everyone = member == reader;
    let reader = reader.to_string();
    let rows: Vec<(String, String, String, Option<String>, NaiveDateTime)> = match direction {
        Direction::Followers => {
            let mut query = follows::table
                .inner_join(members::table.on(members::id.eq(follows::follower_id)))
                .left_join(member_badges::table.on(member_badges::member_id.eq(members::id)))
                .filter(follows::followed_id.eq(key))
                .select((
                    members::id,
                    members::pseudonym,
                    members::kind,
                    member_badges::badge.nullable(),
                    follows::created_at,
                ))
                .order((follows::created_at.desc(), follows::follower_id.desc()))
                .limit(limit)
                .into_boxed();
            if !everyone {
                query = query.filter(
                    members::listed_in_member_lists
                        .eq(true)
                        .or(members::id.eq(reader.clone())),
                );
            }
            if let Some((since, id)) = before {
                let since = to_db_time(since);
                query = query.filter(
                    follows::created_at.lt(since).or(follows::created_at
                        .eq(since)
                        .and(follows::follower_id.lt(id.to_string()))),
                );
            }
            query.load(conn)?
        }
        Direction::Following => {
            let mut query = follows::table
                .inner_join(members::table.on(members::id.eq(follows::followed_id)))
                .left_join(member_badges::table.on(member_badges::member_id.eq(members::id)))
                .filter(follows::follower_id.eq(key))
                .select((
                    members::id,
                    members::pseudonym,
                    members::kind,
                    member_badges::badge.nullable(),
                    follows::created_at,
                ))
                .order((follows::created_at.desc(), follows::followed_id.desc()))
                .limit(limit)
                .into_boxed();
            if !everyone {
                query = query.filter(
                    members::listed_in_member_lists
                        .eq(true)
                        .or(members::id.eq(reader.clone())),
                );
            }
            if let Some((since, id)) = before {
                let since = to_db_time(since);
                query = query.filter(
                    follows::created_at.lt(since).or(follows::created_at
                        .eq(since)
                        .and(follows::followed_id.lt(id.to_string()))),
                );
            }
            query.load(conn)?
        }
    };
    rows.into_iter()
        .map(|(id, pseudonym, kind, badge, since)| {
            Ok(FollowEntry {
                member_id: parse_id(&id)?,
                pseudonym: Pseudonym::from_stored(pseudonym),
                kind: parse_enum(&kind, MemberKind::parse)?,
                badge: crate::verification::badge_cell(badge)?,
                since: from_db_time(since),
            })
        })
        .collect()
}
