//! Posts and their visibility, written once as SQL.
//!
//! [`readable_by`] is the read policy of `domain::post::can_read_post` as a filter: every query
//! that returns posts applies it, so a post the reader may not see is never loaded — not in a
//! feed, not on a wall, not by id. The end-to-end tests check both agree.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::Bool;
use entraide_domain::group::{MembershipStatus, Reader};
use entraide_domain::ids::{GroupId, MemberId, PostId};
use entraide_domain::post::{Body, ContentWarning, Draft, Post, ReactionCounts, ReactionKind};
use entraide_domain::profile::Visibility;

use crate::connection::{DbConnection, MultiBackend};
use crate::convert::{from_db_time, parse_id, stored_time, to_db_time};
use crate::dialect::coalesce;
use crate::error::PersistenceError;
use crate::schema::{discussion_groups, follows, group_memberships, members, posts};

type PostFilter = Box<dyn BoxableExpression<posts::table, MultiBackend, SqlType = Bool>>;

/// The read policy for member `$me` (a `String` id) of kind `$kind`, unboxed: the member branch
/// of [`readable_by`] and the filter of the hot lists, whose statements are then prepared once
/// per connection. The group test is the set of readable groups (`COALESCE(group_id, '') IN
/// (…)`), which no index can serve, so a list is always driven by its scope's index.
macro_rules! readable_by_member {
    ($me:expr, $kind:expr) => {{
        let me: String = $me;
        let readable_group = coalesce(posts::group_id, "").eq_any(readable_group_ids!(me, $kind));
        readable_by_member!(@with me, readable_group)
    }};
    // The same policy with the group tested row by row (a key probe on the post's own group):
    // for a handful of posts already chosen by id, and for the lists that walk one group's or
    // one author's index (`member_lane`), where the set form would read every group of the
    // platform on each call (its cost grew with the number of groups: on PostgreSQL at 1,000
    // groups, 3-7 ms of a 3-7 ms group page went to that scan). Written as a
    // scalar `(SELECT id … LIMIT 1) IS NOT NULL` rather than `EXISTS`, which PostgreSQL turns
    // back into the set form (a hashed subplan over a scan of every group).
    (by_row $me:expr, $kind:expr) => {{
        let me: String = $me;
        let readable_group = discussion_groups::table
            .filter(discussion_groups::id.nullable().eq(posts::group_id))
            .filter(readable_group!(me, $kind))
            .select(discussion_groups::id)
            .single_value()
            .is_not_null();
        readable_by_member!(@with me, readable_group)
    }};
    (@with $me:ident, $readable_group:expr) => {{
        let unblocked = not_blocked!(posts::author_id, $me);
        let closed_wall = diesel::dsl::exists(
            members::table
                .filter(members::id.eq(posts::author_id))
                .filter(members::wall_visibility.eq(Visibility::Private.as_str()))
                .filter(members::id.ne($me.clone())),
        );
        let not_hidden = posts::hidden_at
            .is_null()
            .or(posts::author_id.eq($me.clone()));
        $readable_group
            .or(posts::group_id.is_null().and(diesel::dsl::not(closed_wall)))
            .and(unblocked)
            .and(not_hidden)
    }};
}

/// The read policy for an anonymous reader, tested on each post's own group (a key probe), as
/// `readable_by_member!(by_row …)` is for a member: for a post chosen by id.
macro_rules! readable_by_anonymous_row {
    () => {{
        let open_group = discussion_groups::table
            .filter(discussion_groups::id.nullable().eq(posts::group_id))
            .filter(open_group!())
            .select(discussion_groups::id)
            .single_value()
            .is_not_null();
        let closed_wall = diesel::dsl::exists(
            members::table
                .filter(members::id.eq(posts::author_id))
                .filter(members::wall_visibility.ne(Visibility::Public.as_str())),
        );
        open_group
            .or(posts::group_id.is_null().and(diesel::dsl::not(closed_wall)))
            .and(posts::hidden_at.is_null())
    }};
}

/// `$run` with `$policy` bound to the read policy of `$reader` for one post chosen by id: the
/// group tested row by row (a key probe on the post's own group) rather than as the set of
/// every readable group, which both databases built by reading all the platform's groups for
/// the one post; and unboxed for each kind of reader, so that its prepared statement is found
/// by type, without building its SQL text again (a boxed query is found by its text, built on
/// every call).
macro_rules! with_row_policy {
    ($reader:expr, |$policy:ident| $run:expr) => {
        match $reader {
            Reader::Member { id, kind } => {
                let $policy = readable_by_member!(by_row id.to_string(), kind);
                $run
            }
            Reader::Anonymous => {
                let $policy = readable_by_anonymous_row!();
                $run
            }
        }
    };
}

/// The read policy as SQL: group posts of groups the reader may read (audience first, then
/// public-and-not-banned or active membership); wall posts of members whose wall the reader may
/// read (their own always); for a member, never a post by someone they blocked or who blocked
/// them; never a post moderators hid, except to its author. Deleted posts are not excluded here.
///
/// Plan shape: the filter is written so that no index can serve it (`COALESCE(group_id, '')`,
/// correlated `EXISTS` on the author), so it never drives a query. Lists are then driven by
/// their scope's index — `(group_id, id)`, `(author_id, id)` or the primary key in id order —
/// and stop after one page, whatever the table statistics say. Without this, SQLite answered
/// the home feed at 1M posts by gathering every readable post and sorting them (5 s).
/// Subqueries stay unboxed: diesel's multi-backend connection cannot render boxed subselects.
pub(crate) fn readable_by(reader: Reader) -> PostFilter {
    let group_key = coalesce(posts::group_id, "");
    // Wall posts: readable unless the author's wall is closed to this reader. Written as NOT
    // EXISTS over the closed walls (every post has an author: NOT NULL, cascading foreign
    // key) because PostgreSQL may run a correlated subquery once, hashed: the hash then holds
    // the few closed walls, where an EXISTS over open walls hashed every member (a seq scan of
    // `members` on each feed page: ~1 ms at 2,000 members).
    match reader {
        Reader::Anonymous => {
            let closed_wall = diesel::dsl::exists(
                members::table
                    .filter(members::id.eq(posts::author_id))
                    .filter(members::wall_visibility.ne(Visibility::Public.as_str())),
            );
            Box::new(
                group_key
                    .eq_any(open_group_ids!())
                    .or(posts::group_id.is_null().and(diesel::dsl::not(closed_wall)))
                    .and(posts::hidden_at.is_null()),
            )
        }
        Reader::Member { id, kind } => Box::new(readable_by_member!(id.to_string(), kind)),
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = posts)]
struct PostRow {
    id: String,
    author_id: String,
    group_id: Option<String>,
    body: String,
    body_html: String,
    created_at: NaiveDateTime,
    edited_at: Option<NaiveDateTime>,
    deleted_at: Option<NaiveDateTime>,
    pinned_at: Option<NaiveDateTime>,
    comment_count: i64,
    support_count: i64,
    thanks_count: i64,
    same_here_count: i64,
    hug_count: i64,
    content_warning: Option<String>,
    hidden_at: Option<NaiveDateTime>,
}

impl PostRow {
    fn into_domain(self) -> Result<Post, PersistenceError> {
        let Self {
            id,
            author_id,
            group_id,
            body,
            body_html,
            created_at,
            edited_at,
            deleted_at,
            pinned_at,
            comment_count,
            support_count,
            thanks_count,
            same_here_count,
            hug_count,
            content_warning,
            hidden_at,
        } = self;
        Ok(Post {
            id: parse_id(&id)?,
            author_id: parse_id(&author_id)?,
            group_id: group_id.as_deref().map(parse_id).transpose()?,
            body: Body::from_stored(body, body_html),
            content_warning: content_warning.map(ContentWarning::from_stored),
            created_at: from_db_time(created_at),
            edited_at: edited_at.map(from_db_time),
            deleted: deleted_at.is_some(),
            hidden: hidden_at.is_some(),
            pinned: pinned_at.is_some(),
            comment_count,
            reactions: ReactionCounts {
                support: support_count,
                thanks: thanks_count,
                same_here: same_here_count,
                hug: hug_count,
            },
        })
    }
}

pub fn insert(
    conn: &mut DbConnection,
    author: MemberId,
    group: Option<GroupId>,
    draft: &Draft,
    now: DateTime<Utc>,
) -> Result<Post, PersistenceError> {
    let Draft {
        body,
        content_warning,
    } = draft;
    // The answer is the post as stored, to the microsecond.
    let now = stored_time(now);
    let id = PostId::new();
    diesel::insert_into(posts::table)
        .values((
            posts::id.eq(id.to_string()),
            posts::author_id.eq(author.to_string()),
            posts::group_id.eq(group.map(|g| g.to_string())),
            posts::body.eq(body.source()),
            posts::body_html.eq(body.html()),
            posts::content_warning.eq(content_warning.as_ref().map(ContentWarning::as_str)),
            posts::created_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    crate::search::index_new(
        conn,
        entraide_domain::search::DocumentKind::Post,
        &id.to_string(),
        body.source(),
    )?;
    Ok(Post {
        id,
        author_id: author,
        group_id: group,
        body: body.clone(),
        content_warning: content_warning.clone(),
        created_at: now,
        edited_at: None,
        deleted: false,
        hidden: false,
        pinned: false,
        comment_count: 0,
        reactions: ReactionCounts::default(),
    })
}

/// A post by id, only if `reader` may read it (deleted ones included, as placeholders).
pub fn find_readable(
    conn: &mut DbConnection,
    reader: Reader,
    id: PostId,
) -> Result<Option<Post>, PersistenceError> {
    let key = id.to_string();
    let row = with_row_policy!(reader, |policy| posts::table
        .filter(posts::id.eq(&key))
        .filter(policy)
        .select(PostRow::as_select())
        .first::<PostRow>(conn)
        .optional()?);
    row.map(PostRow::into_domain).transpose()
}

/// Whether `reader` may read the post `key` (deleted or not), as [`find_readable`] decides it.
pub(crate) fn is_readable(
    conn: &mut DbConnection,
    reader: Reader,
    key: &str,
) -> Result<bool, PersistenceError> {
    let found = with_row_policy!(reader, |policy| posts::table
        .filter(posts::id.eq(key))
        .filter(policy)
        .select(posts::id)
        .first::<String>(conn)
        .optional()?);
    Ok(found.is_some())
}

/// A post by id whoever may read it: for moderators looking at what was reported (hidden
/// posts included). Never use it to answer a member.
pub fn find_any(conn: &mut DbConnection, id: PostId) -> Result<Option<Post>, PersistenceError> {
    posts::table
        .find(id.to_string())
        .select(PostRow::as_select())
        .first(conn)
        .optional()?
        .map(PostRow::into_domain)
        .transpose()
}

/// The post if `author` wrote it, whether or not they may still read where it is (an author
/// may always withdraw what they wrote).
pub fn find_authored(
    conn: &mut DbConnection,
    author: MemberId,
    id: PostId,
) -> Result<Option<Post>, PersistenceError> {
    posts::table
        .filter(posts::id.eq(id.to_string()))
        .filter(posts::author_id.eq(author.to_string()))
        .select(PostRow::as_select())
        .first(conn)
        .optional()?
        .map(PostRow::into_domain)
        .transpose()
}

/// Several posts by id (in no particular order), only those `reader` may read and not deleted:
/// one query for a page of search hits.
pub fn find_readable_many(
    conn: &mut DbConnection,
    reader: Reader,
    ids: &[PostId],
) -> Result<Vec<Post>, PersistenceError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let keys: Vec<String> = ids.iter().map(ToString::to_string).collect();
    posts::table
        .filter(posts::id.eq_any(keys))
        .filter(posts::deleted_at.is_null())
        .filter(readable_by(reader))
        .select(PostRow::as_select())
        .load::<PostRow>(conn)?
        .into_iter()
        .map(PostRow::into_domain)
        .collect()
}

pub use crate::slots::PAGE_SLOTS;

/// A post of a feed page, with what its item shows besides the post when the page statement
/// read it too ([`find_readable_page`]); `None` for posts read otherwise.
pub struct PagePost {
    pub post: Post,
    pub extras: Option<PostExtras>,
}

impl From<Post> for PagePost {
    fn from(post: Post) -> Self {
        Self { post, extras: None }
    }
}

/// What a feed item shows besides the post: the author's summary, the group's name, and
/// whether there are photos or reactions of the reader to read (most posts have neither, and
/// their queries are then skipped).
pub struct PostExtras {
    pub author: crate::members::Summary,
    pub group_name: Option<String>,
    /// Photos or videos are attached: `media::of_posts` reads them.
    pub has_media: bool,
    /// The reader reacted to it: `reactions::mine_on_posts` reads which reactions.
    pub reacted: bool,
}

type PagePostRow = (
    PostRow,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

fn page_post(row: PagePostRow) -> Result<PagePost, PersistenceError> {
    let (post, pseudonym, kind, badge, group_name, a_photo, a_reaction) = row;
    let post = post.into_domain()?;
    let extras = PostExtras {
        author: (
            post.author_id,
            entraide_domain::member::Pseudonym::from_stored(pseudonym),
            crate::convert::parse_enum(&kind, entraide_domain::member::MemberKind::parse)?,
            crate::verification::badge_cell(badge)?,
        ),
        group_name,
        has_media: a_photo.is_some(),
        reacted: a_reaction.is_some(),
    };
    Ok(PagePost {
        post,
        extras: Some(extras),
    })
}

/// The page statement of [`find_readable_page`] over the posts that `$ids` selects: the post
/// joined to its author (through an alias of `members`, so that the read policy's own
/// subqueries on `members` keep their meaning), then its author's badge, its group's name and
/// the two flags, each a key probe per post on the row already chosen (scalar subqueries).
/// Deleted posts are not filtered out here: a list adds `posts::deleted_at.is_null()` to `$ids`
/// ([`find_readable_page`]); a post read by id shows its placeholder ([`find_readable_item`]).
macro_rules! page_posts {
    ($conn:expr, $me:expr, $kind:expr, $ids:expr) => {{
        use crate::schema::{media, member_badges, post_reactions};
        let me: String = $me;
        let authors = diesel::alias!(members as authors);
        posts::table
            .inner_join(authors.on(authors.field(members::id).eq(posts::author_id)))
            .filter($ids)
            .filter(readable_by_member!(by_row me.clone(), $kind))
            .select((
                PostRow::as_select(),
                authors.field(members::pseudonym),
                authors.field(members::kind),
                member_badges::table
                    .filter(member_badges::member_id.eq(posts::author_id))
                    .select(member_badges::badge)
                    .single_value(),
                discussion_groups::table
                    .filter(discussion_groups::id.nullable().eq(posts::group_id))
                    .select(discussion_groups::name)
                    .single_value(),
                // The flags as `(SELECT … LIMIT 1)`, not `EXISTS`: PostgreSQL may run an
                // `EXISTS` once, hashed over every row of `media` (or of the reader's
                // reactions) whatever the page; a scalar subquery is always a key probe per post
                // (measured on 10k posts: 1.0 -> 0.6 ms per page statement).
                media::table
                    .filter(media::post_id.eq(posts::id.nullable()))
                    .select(media::id)
                    .single_value(),
                post_reactions::table
                    .filter(post_reactions::post_id.eq(posts::id))
                    .filter(post_reactions::member_id.eq(me))
                    .select(post_reactions::kind)
                    .single_value(),
            ))
            .load::<PagePostRow>($conn)?
    }};
}

/// Up to [`PAGE_SLOTS`] posts by id that member `me` of kind `kind` may read, not deleted (in
/// no particular order), each with what its feed item shows ([`PostExtras`]): one statement for
/// a feed page, written with fixed id slots (`crate::slots`) and the read policy unboxed, so
/// that it is prepared once per connection — an `IN` list of binds or a boxed filter is
/// prepared again on every call (and planned again by PostgreSQL). More ids use an `IN` list.
pub fn find_readable_page(
    conn: &mut DbConnection,
    me: MemberId,
    kind: entraide_domain::member::MemberKind,
    ids: &[PostId],
) -> Result<Vec<PagePost>, PersistenceError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let live = posts::deleted_at.is_null();
    let rows = match crate::slots::fill(ids) {
        Some(slots) => page_posts!(
            conn,
            me.to_string(),
            kind,
            one_of_slots!(posts::id, slots).and(live)
        ),
        None => {
            let keys: Vec<String> = ids.iter().map(ToString::to_string).collect();
            page_posts!(conn, me.to_string(), kind, posts::id.eq_any(keys).and(live))
        }
    };
    rows.into_iter().map(page_post).collect()
}

/// One post by id that member `me` of kind `kind` may read, deleted or not (as
/// [`find_readable`]), with what its item shows ([`PostExtras`]), in one statement: the page
/// statement of [`find_readable_page`] for a single post.
pub fn find_readable_item(
    conn: &mut DbConnection,
    me: MemberId,
    kind: entraide_domain::member::MemberKind,
    id: PostId,
) -> Result<Option<PagePost>, PersistenceError> {
    let rows = page_posts!(conn, me.to_string(), kind, posts::id.eq(id.to_string()));
    rows.into_iter().next().map(page_post).transpose()
}

/// Which posts a list shows.
#[derive(Debug, Clone, Copy)]
pub enum Scope {
    /// A group's posts.
    Group(GroupId),
    /// A group's pinned posts.
    GroupPinned(GroupId),
    /// Everything a member wrote (wall posts and group posts), as far as the reader may see.
    Author(MemberId),
    /// A member's home feed: their groups, the walls of members they follow, their own posts.
    Home(MemberId),
}

/// A page of posts, newest first, that `reader` may read; deleted posts are left out.
/// Keyset pagination on the time-ordered id: `before` is the last id of the previous page.
pub fn list_readable(
    conn: &mut DbConnection,
    reader: Reader,
    scope: Scope,
    before: Option<PostId>,
    limit: i64,
) -> Result<Vec<Post>, PersistenceError> {
    // A member reading a group or a wall: the hot lists, unboxed (prepared once).
    if let Reader::Member { id: me, kind } = reader {
        match scope {
            Scope::Group(group) => {
                return member_lane(conn, me, kind, Lane::Group(group), before, limit);
            }
            Scope::Author(author) => {
                return member_lane(conn, me, kind, Lane::Author(author), before, limit);
            }
            Scope::GroupPinned(_) | Scope::Home(_) => {}
        }
    }
    let mut query = posts::table
        .filter(posts::deleted_at.is_null())
        .filter(readable_by(reader))
        .order(posts::id.desc())
        .limit(limit)
        .into_boxed();
    query = match scope {
        Scope::Group(group) => query.filter(posts::group_id.eq(group.to_string())),
        Scope::GroupPinned(group) => query
            .filter(posts::group_id.eq(group.to_string()))
            .filter(posts::pinned_at.is_not_null()),
        Scope::Author(author) => query.filter(posts::author_id.eq(author.to_string())),
        Scope::Home(me) => {
            let my_groups = group_memberships::table
                .filter(group_memberships::member_id.eq(me.to_string()))
                .filter(group_memberships::status.eq(MembershipStatus::Active.as_str()))
                .select(group_memberships::group_id);
            let followed = follows::table
                .filter(follows::follower_id.eq(me.to_string()))
                .select(follows::followed_id);
            // Written so no index serves it: the feed is driven by the primary key in id order
            // and stops after one page (see `readable_by`).
            let author_key = coalesce(posts::author_id.nullable(), "");
            query.filter(
                coalesce(posts::group_id, "")
                    .eq_any(my_groups)
                    .or(posts::group_id.is_null().and(author_key.eq_any(followed)))
                    .or(coalesce(posts::author_id.nullable(), "").eq(me.to_string())),
            )
        }
    };
    if let Some(before) = before {
        query = query.filter(posts::id.lt(before.to_string()));
    }
    if let Scope::Home(_) = scope {
        // The feed walks posts newest first and tests each against its sources and the read
        // policy: selecting ids only lets SQLite do that walk inside `posts_scan_idx`, which
        // holds every column the tests read (chosen whatever the statistics say, as a
        // covering index), and read the rows of the page alone — again through the policy.
        let ids = query
            .select(posts::id)
            .load::<String>(conn)?
            .iter()
            .map(|id| parse_id(id))
            .collect::<Result<Vec<PostId>, _>>()?;
        let mut page = find_readable_many(conn, reader, &ids)?;
        page.sort_unstable_by_key(|post| std::cmp::Reverse(post.id));
        return Ok(page);
    }
    query
        .select(PostRow::as_select())
        .load::<PostRow>(conn)?
        .into_iter()
        .map(PostRow::into_domain)
        .collect()
}

/// The two lists a member reads most, each served by its own index.
enum Lane {
    Group(GroupId),
    Author(MemberId),
}

/// [`list_readable`] of a group or a wall for a member, written unboxed with one statement
/// shape whether or not there is a cursor (the highest id there can be stands for none), so it
/// is prepared once per connection. The lane's index — `(group_id, id)` or `(author_id, id)` —
/// drives it; the policy (`readable_by_member!`) cannot serve as an index (see [`readable_by`]).
/// The policy tests each walked post's own group (`by_row`: a key probe), not the set of every
/// readable group, so a page costs the same whatever the number of groups on the platform.
fn member_lane(
    conn: &mut DbConnection,
    me: MemberId,
    kind: entraide_domain::member::MemberKind,
    lane: Lane,
    before: Option<PostId>,
    limit: i64,
) -> Result<Vec<Post>, PersistenceError> {
    let below = before.map_or_else(|| MAX_ID.to_owned(), |id| id.to_string());
    let page = posts::table
        .filter(posts::deleted_at.is_null())
        .filter(readable_by_member!(by_row me.to_string(), kind))
        .filter(posts::id.lt(below))
        .order(posts::id.desc())
        .limit(limit)
        .select(PostRow::as_select());
    let rows = match lane {
        Lane::Group(group) => page
            .filter(posts::group_id.eq(group.to_string()))
            .load::<PostRow>(conn)?,
        Lane::Author(author) => page
            .filter(posts::author_id.eq(author.to_string()))
            .load::<PostRow>(conn)?,
    };
    rows.into_iter().map(PostRow::into_domain).collect()
}

/// New text for a post; its content warning is replaced too when `content_warning` is given
/// (`Some(None)` removes it), kept otherwise.
pub fn update_body(
    conn: &mut DbConnection,
    id: PostId,
    body: &Body,
    content_warning: Option<Option<&ContentWarning>>,
    now: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    let target = posts::table.find(id.to_string());
    let text = (
        posts::body.eq(body.source()),
        posts::body_html.eq(body.html()),
        posts::edited_at.eq(Some(to_db_time(now))),
    );
    match content_warning {
        Some(warning) => diesel::update(target)
            .set((
                text,
                posts::content_warning.eq(warning.map(ContentWarning::as_str)),
            ))
            .execute(conn)?,
        None => diesel::update(target).set(text).execute(conn)?,
    };
    crate::search::index(
        conn,
        entraide_domain::search::DocumentKind::Post,
        &id.to_string(),
        body.source(),
    )
}

/// Soft delete: the post keeps its place (its comments stay readable) but loses its text and
/// its photos, and its comments' photos (no longer served). Returns the ids of the deleted
/// photo rows: the caller deletes their files after commit.
#[must_use = "the deleted photos' files are the caller's to delete after commit"]
pub fn soft_delete(
    conn: &mut DbConnection,
    id: PostId,
    now: DateTime<Utc>,
) -> Result<Vec<entraide_domain::ids::MediaId>, PersistenceError> {
    diesel::update(posts::table.find(id.to_string()))
        .set((
            posts::deleted_at.eq(Some(to_db_time(now))),
            posts::body.eq(""),
            posts::body_html.eq(""),
            posts::content_warning.eq(None::<String>),
            posts::pinned_at.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    crate::search::remove(
        conn,
        entraide_domain::search::DocumentKind::Post,
        &id.to_string(),
    )?;
    crate::media::delete_of_post(conn, id)
}

pub fn set_pinned(
    conn: &mut DbConnection,
    id: PostId,
    pinned: bool,
    now: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    diesel::update(posts::table.find(id.to_string()))
        .set(posts::pinned_at.eq(pinned.then(|| to_db_time(now))))
        .execute(conn)?;
    Ok(())
}

pub fn add_to_comment_count(
    conn: &mut DbConnection,
    id: PostId,
    delta: i64,
) -> Result<(), PersistenceError> {
    diesel::update(posts::table.find(id.to_string()))
        .set(posts::comment_count.eq(posts::comment_count + delta))
        .execute(conn)?;
    Ok(())
}

/// Moves one reaction counter of a post or comment table by `delta`, atomically.
macro_rules! move_reaction_counter {
    ($conn:expr, $table:ident, $id:expr, $kind:expr, $delta:expr) => {{
        let target = $table::table.find($id.to_string());
        match $kind {
            ReactionKind::Support => diesel::update(target)
                .set($table::support_count.eq($table::support_count + $delta))
                .execute($conn),
            ReactionKind::Thanks => diesel::update(target)
                .set($table::thanks_count.eq($table::thanks_count + $delta))
                .execute($conn),
            ReactionKind::SameHere => diesel::update(target)
                .set($table::same_here_count.eq($table::same_here_count + $delta))
                .execute($conn),
            ReactionKind::Hug => diesel::update(target)
                .set($table::hug_count.eq($table::hug_count + $delta))
                .execute($conn),
        }
        .map(drop)
        .map_err(PersistenceError::from)
    }};
}
pub(crate) use move_reaction_counter;

/// Moves one reaction counter of a post.
pub fn add_to_reaction_count(
    conn: &mut DbConnection,
    id: PostId,
    kind: ReactionKind,
    delta: i64,
) -> Result<(), PersistenceError> {
    move_reaction_counter!(conn, posts, id, kind, delta)
}

/// Names of several groups at once (one query for a page of posts).
pub fn group_names(
    conn: &mut DbConnection,
    ids: &[GroupId],
) -> Result<Vec<(GroupId, String)>, PersistenceError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let select = (discussion_groups::id, discussion_groups::name);
    let rows = match crate::slots::fill(ids) {
        Some(slots) => discussion_groups::table
            .filter(one_of_slots!(discussion_groups::id, slots))
            .select(select)
            .load::<(String, String)>(conn)?,
        None => discussion_groups::table
            .filter(discussion_groups::id.eq_any(ids.iter().map(ToString::to_string)))
            .select(select)
            .load::<(String, String)>(conn)?,
    };
    rows.into_iter()
        .map(|(id, name)| Ok((parse_id(&id)?, name)))
        .collect()
}

/// Where a home feed's posts come from (see `api::feed_index`): a group's posts, a followed
/// member's wall posts, or everything a member wrote (the reader's own posts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FeedSource {
    Group(GroupId),
    Wall(MemberId),
    Author(MemberId),
}

/// The sources of `me`'s home feed as they are now: the groups they are an active member of
/// and the members they follow (their own posts are the caller's to add). One statement of a
/// fixed text (a `UNION ALL` of the two), prepared once per connection.
pub fn home_sources(
    conn: &mut DbConnection,
    me: MemberId,
) -> Result<(Vec<GroupId>, Vec<MemberId>), PersistenceError> {
    let rows = HomeSources { me: me.to_string() }.load::<(bool, String)>(conn)?;
    let mut groups = Vec::new();
    let mut followed = Vec::new();
    for (is_group, id) in rows {
        if is_group {
            groups.push(parse_id(&id)?);
        } else {
            followed.push(parse_id(&id)?);
        }
    }
    Ok((groups, followed))
}

/// The statement of [`home_sources`]: a member's active groups and the members they follow,
/// in one `UNION ALL` (one round trip). Written as a query fragment of fixed SQL with a static
/// [`QueryId`](diesel::query_builder::QueryId), so that it is prepared once per connection:
/// diesel never caches a `sql_query`, which SQLite prepared and PostgreSQL parsed and planned
/// again on every feed page; and diesel's multi-backend connection has no `union_all`
/// (`persistence/tests/database.rs` checks the hot reads' statements are kept).
#[derive(diesel::query_builder::QueryId)]
struct HomeSources {
    me: String,
}

impl diesel::query_builder::Query for HomeSources {
    type SqlType = (Bool, diesel::sql_types::Text);
}

impl diesel::query_builder::QueryFragment<MultiBackend> for HomeSources {
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, MultiBackend>,
    ) -> QueryResult<()> {
        use diesel::sql_types::Text;
        out.push_sql(
            "SELECT TRUE AS is_group, group_id AS id FROM group_memberships WHERE member_id = ",
        );
        out.push_bind_param::<Text, _>(&self.me)?;
        out.push_sql(" AND status = ");
        out.push_bind_param::<Text, _>(MembershipStatus::Active.as_str())?;
        out.push_sql(
            " UNION ALL SELECT FALSE AS is_group, followed_id AS id FROM follows \
             WHERE follower_id = ",
        );
        out.push_bind_param::<Text, _>(&self.me)?;
        Ok(())
    }
}

impl RunQueryDsl<DbConnection> for HomeSources {}

/// Above every post id (ids are stored as lowercase hyphenated UUIDs).
const MAX_ID: &str = "ffffffff-ffff-ffff-ffff-ffffffffffff";

/// The newest `limit` post ids of one source below `below` (if given), newest first — deleted, hidden or unreadable
/// ones included: this is an index of where posts are, not of what anyone may read (every page
/// built from it goes through [`find_readable_many`]). Each read stays inside its scope's
/// index (`(group_id, id)` or `(author_id, id)`) and stops after `limit` entries.
pub fn source_head(
    conn: &mut DbConnection,
    source: FeedSource,
    below: Option<PostId>,
    limit: i64,
) -> Result<Vec<PostId>, PersistenceError> {
    // One statement shape whether or not there is a bound: the highest id there can be.
    let below = below.map_or_else(|| MAX_ID.to_owned(), |id| id.to_string());
    let ids = match source {
        FeedSource::Group(group) => posts::table
            .filter(posts::group_id.eq(group.to_string()))
            .filter(posts::id.lt(&below))
            .order(posts::id.desc())
            .limit(limit)
            .select(posts::id)
            .load::<String>(conn)?,
        FeedSource::Wall(author) => posts::table
            .filter(posts::author_id.eq(author.to_string()))
            .filter(posts::group_id.is_null())
            .filter(posts::id.lt(&below))
            .order(posts::id.desc())
            .limit(limit)
            .select(posts::id)
            .load::<String>(conn)?,
        FeedSource::Author(author) => posts::table
            .filter(posts::author_id.eq(author.to_string()))
            .filter(posts::id.lt(&below))
            .order(posts::id.desc())
            .limit(limit)
            .select(posts::id)
            .load::<String>(conn)?,
    };
    ids.iter().map(|id| parse_id(id)).collect()
}
