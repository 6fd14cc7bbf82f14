//! The member in the community: groups, posts, comments, reactions, follows and blocks.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use entraide_domain::group::{GroupRole, MembershipStatus};
use entraide_domain::ids::{CommentId, GroupId, MemberId, PostId};
use entraide_domain::member::Pseudonym;
use entraide_domain::post::ReactionKind;

use crate::connection::DbConnection;
use crate::convert::{from_db_time, parse_enum, parse_id};
use crate::error::PersistenceError;
use crate::schema::{
    blocks, comment_reactions, comments, discussion_groups, follows, group_memberships, members,
    post_reactions, posts,
};

/// A group the member belongs to, asked to join, was invited to or banned from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupMembershipRecord {
    pub group_id: GroupId,
    pub group_name: String,
    pub role: GroupRole,
    pub status: MembershipStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub fn group_memberships(
    conn: &mut DbConnection,
    member: MemberId,
) -> Result<Vec<GroupMembershipRecord>, PersistenceError> {
    group_memberships::table
        .inner_join(discussion_groups::table)
        .filter(group_memberships::member_id.eq(member.to_string()))
        .select((
            group_memberships::group_id,
            discussion_groups::name,
            group_memberships::role,
            group_memberships::status,
            group_memberships::created_at,
            group_memberships::updated_at,
        ))
        .order((
            group_memberships::created_at.asc(),
            group_memberships::group_id.asc(),
        ))
        .load::<(String, String, String, String, NaiveDateTime, NaiveDateTime)>(conn)?
        .into_iter()
        .map(|(group, name, role, status, created_at, updated_at)| {
            Ok(GroupMembershipRecord {
                group_id: parse_id(&group)?,
                group_name: name,
                role: parse_enum(&role, GroupRole::parse)?,
                status: parse_enum(&status, MembershipStatus::parse)?,
                created_at: from_db_time(created_at),
                updated_at: from_db_time(updated_at),
            })
        })
        .collect()
}

/// Something shared the member created, followed or verified (a group, an association, a
/// committee...): its id, its name and when; its content is the community's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedRecord {
    pub id: uuid::Uuid,
    pub name: String,
    pub at: DateTime<Utc>,
}

pub(crate) fn created(
    rows: Vec<(String, String, NaiveDateTime)>,
) -> Result<Vec<NamedRecord>, PersistenceError> {
    rows.into_iter()
        .map(|(id, name, at)| {
            Ok(NamedRecord {
                id: parse_id(&id)?,
                name,
                at: from_db_time(at),
            })
        })
        .collect()
}

/// The groups the member created.
pub fn groups_created(
    conn: &mut DbConnection,
    member: MemberId,
) -> Result<Vec<NamedRecord>, PersistenceError> {
    let rows = discussion_groups::table
        .filter(discussion_groups::created_by.eq(member.to_string()))
        .select((
            discussion_groups::id,
            discussion_groups::name,
            discussion_groups::created_at,
        ))
        .order(discussion_groups::id.asc())
        .load(conn)?;
    created(rows)
}

/// A post the member wrote, in a group or on their wall. A deleted post keeps no text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostRecord {
    pub id: PostId,
    /// `None`: on the member's wall.
    pub group_id: Option<GroupId>,
    pub group_name: Option<String>,
    /// The Markdown as written; `None` once deleted.
    pub body: Option<String>,
    pub created_at: DateTime<Utc>,
    pub edited_at: Option<DateTime<Utc>>,
    pub deleted_at: Option<DateTime<Utc>>,
    pub pinned_at: Option<DateTime<Utc>>,
}

type PostRow = (
    String,
    Option<String>,
    Option<String>,
    String,
    NaiveDateTime,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
);

/// Every post the member wrote, deleted ones included, oldest first.
pub fn posts(
    conn: &mut DbConnection,
    member: MemberId,
) -> Result<Vec<PostRecord>, PersistenceError> {
    posts::table
        .left_join(discussion_groups::table)
        .filter(posts::author_id.eq(member.to_string()))
        .select((
            posts::id,
            posts::group_id,
            discussion_groups::name.nullable(),
            posts::body,
            posts::created_at,
            posts::edited_at,
            posts::deleted_at,
            posts::pinned_at,
        ))
        .order(posts::id.asc())
        .load::<PostRow>(conn)?
        .into_iter()
        .map(
            |(id, group, group_name, body, created_at, edited_at, deleted_at, pinned_at)| {
                Ok(PostRecord {
                    id: parse_id(&id)?,
                    group_id: group.as_deref().map(parse_id).transpose()?,
                    group_name,
                    body: deleted_at.is_none().then_some(body),
                    created_at: from_db_time(created_at),
                    edited_at: edited_at.map(from_db_time),
                    deleted_at: deleted_at.map(from_db_time),
                    pinned_at: pinned_at.map(from_db_time),
                })
            },
        )
        .collect()
}

/// A comment the member wrote. The post it answers is someone's else content: only its id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentRecord {
    pub id: CommentId,
    pub post_id: PostId,
    pub parent_id: Option<CommentId>,
    /// `None` once deleted.
    pub body: Option<String>,
    pub created_at: DateTime<Utc>,
    pub edited_at: Option<DateTime<Utc>>,
    pub deleted_at: Option<DateTime<Utc>>,
}

type CommentRow = (
    String,
    String,
    Option<String>,
    String,
    NaiveDateTime,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
);

/// Every comment the member wrote, deleted ones included, oldest first.
pub fn comments(
    conn: &mut DbConnection,
    member: MemberId,
) -> Result<Vec<CommentRecord>, PersistenceError> {
    comments::table
        .filter(comments::author_id.eq(member.to_string()))
        .select((
            comments::id,
            comments::post_id,
            comments::parent_id,
            comments::body,
            comments::created_at,
            comments::edited_at,
            comments::deleted_at,
        ))
        .order(comments::id.asc())
        .load::<CommentRow>(conn)?
        .into_iter()
        .map(
            |(id, post, parent, body, created_at, edited_at, deleted_at)| {
                Ok(CommentRecord {
                    id: parse_id(&id)?,
                    post_id: parse_id(&post)?,
                    parent_id: parent.as_deref().map(parse_id).transpose()?,
                    body: deleted_at.is_none().then_some(body),
                    created_at: from_db_time(created_at),
                    edited_at: edited_at.map(from_db_time),
                    deleted_at: deleted_at.map(from_db_time),
                })
            },
        )
        .collect()
}

/// What a reaction was given to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReactionTarget {
    Post(PostId),
    Comment(CommentId),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReactionRecord {
    pub target: ReactionTarget,
    pub kind: ReactionKind,
    pub created_at: DateTime<Utc>,
}

/// The member's reactions to posts, then to comments, each oldest first.
pub fn reactions(
    conn: &mut DbConnection,
    member: MemberId,
) -> Result<Vec<ReactionRecord>, PersistenceError> {
    let on_posts = post_reactions::table
        .filter(post_reactions::member_id.eq(member.to_string()))
        .select((
            post_reactions::post_id,
            post_reactions::kind,
            post_reactions::created_at,
        ))
        .order((
            post_reactions::created_at.asc(),
            post_reactions::post_id.asc(),
        ))
        .load::<(String, String, NaiveDateTime)>(conn)?;
    let on_comments = comment_reactions::table
        .filter(comment_reactions::member_id.eq(member.to_string()))
        .select((
            comment_reactions::comment_id,
            comment_reactions::kind,
            comment_reactions::created_at,
        ))
        .order((
            comment_reactions::created_at.asc(),
            comment_reactions::comment_id.asc(),
        ))
        .load::<(String, String, NaiveDateTime)>(conn)?;
    let mut found = Vec::with_capacity(on_posts.len() + on_comments.len());
    for (post, kind, created_at) in on_posts {
        found.push(ReactionRecord {
            target: ReactionTarget::Post(parse_id(&post)?),
            kind: parse_enum(&kind, ReactionKind::parse)?,
            created_at: from_db_time(created_at),
        });
    }
    for (comment, kind, created_at) in on_comments {
        found.push(ReactionRecord {
            target: ReactionTarget::Comment(parse_id(&comment)?),
            kind: parse_enum(&kind, ReactionKind::parse)?,
            created_at: from_db_time(created_at),
        });
    }
    Ok(found)
}

/// Another member the member chose (follows, blocks), with their public pseudonym.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberChoice {
    pub member_id: MemberId,
    pub pseudonym: Pseudonym,
    pub since: DateTime<Utc>,
}

/// The members the member follows, oldest first.
pub fn following(
    conn: &mut DbConnection,
    member: MemberId,
) -> Result<Vec<MemberChoice>, PersistenceError> {
    follows::table
        .inner_join(members::table.on(members::id.eq(follows::followed_id)))
        .filter(follows::follower_id.eq(member.to_string()))
        .select((members::id, members::pseudonym, follows::created_at))
        .order((follows::created_at.asc(), follows::followed_id.asc()))
        .load::<(String, String, NaiveDateTime)>(conn)?
        .into_iter()
        .map(choice)
        .collect()
}

/// How many members follow the member. Who they are is each follower's own choice: only the
/// number is exported (the app shows the list to whom the wall allows).
pub fn follower_count(conn: &mut DbConnection, member: MemberId) -> Result<i64, PersistenceError> {
    Ok(follows::table
        .filter(follows::followed_id.eq(member.to_string()))
        .count()
        .get_result(conn)?)
}

/// The members the member blocks, oldest first. Never who blocks them.
pub fn blocking(
    conn: &mut DbConnection,
    member: MemberId,
) -> Result<Vec<MemberChoice>, PersistenceError> {
    blocks::table
        .inner_join(members::table.on(members::id.eq(blocks::blocked_id)))
        .filter(blocks::blocker_id.eq(member.to_string()))
        .select((members::id, members::pseudonym, blocks::created_at))
        .order((blocks::created_at.asc(), blocks::blocked_id.asc()))
        .load::<(String, String, NaiveDateTime)>(conn)?
        .into_iter()
        .map(choice)
        .collect()
}

fn choice(row: (String, String, NaiveDateTime)) -> Result<MemberChoice, PersistenceError> {
    let (id, pseudonym, since) = row;
    Ok(MemberChoice {
        member_id: parse_id(&id)?,
        pseudonym: Pseudonym::from_stored(pseudonym),
        since: from_db_time(since),
    })
}
