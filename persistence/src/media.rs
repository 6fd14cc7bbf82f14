//! Photos: the rows that say who uploaded a photo and what it illustrates. The bytes live in
//! the media store (`api::media`), under the photo's id.
//!
//! Attaching is one conditional `UPDATE` (the uploader's own, still unattached photos): two
//! requests attaching the same photo at once cannot both succeed.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use entraide_domain::ids::{CommentId, MediaId, MemberId, PostId};
use entraide_domain::media::{Attachment, Media, MediaFormat, Variant, VariantName};

use crate::connection::DbConnection;
use crate::convert::{from_db_time, parse_enum, parse_id, to_db_time};
use crate::error::PersistenceError;
use crate::schema::media;

const POST: &str = "post";
const COMMENT: &str = "comment";
const AVATAR: &str = "avatar";

#[derive(Queryable, Selectable)]
#[diesel(table_name = media)]
struct MediaRow {
    id: String,
    owner_id: String,
    format: String,
    width: i32,
    height: i32,
    blurhash: Option<String>,
    variants: String,
    byte_size: i64,
    attached_to: Option<String>,
    post_id: Option<String>,
    comment_id: Option<String>,
    created_at: NaiveDateTime,
    attached_at: Option<NaiveDateTime>,
    duration_ms: Option<i64>,
}

fn corrupt(what: &str) -> PersistenceError {
    PersistenceError::Corrupt(format!("media: {what}"))
}

fn side(value: i32) -> Result<u32, PersistenceError> {
    u32::try_from(value).map_err(|_| corrupt("negative dimension"))
}

/// How the variants are stored: `name:WxH,name:WxH` (the seed writes rows with it too).
pub fn encode_variants(variants: &[Variant]) -> String {
    variants
        .iter()
        .map(|v| format!("{}:{}x{}", v.name.as_str(), v.width, v.height))
        .collect::<Vec<_>>()
        .join(",")
}

fn decode_variants(raw: &str) -> Result<Vec<Variant>, PersistenceError> {
    raw.split(',')
        .map(|item| {
            let (name, size) = item.split_once(':').ok_or_else(|| corrupt("variant"))?;
            let (width, height) = size.split_once('x').ok_or_else(|| corrupt("variant"))?;
            Ok(Variant {
                name: parse_enum(name, VariantName::parse)?,
                width: width.parse().map_err(|_| corrupt("variant width"))?,
                height: height.parse().map_err(|_| corrupt("variant height"))?,
            })
        })
        .collect()
}

impl MediaRow {
    fn into_domain(self) -> Result<Media, PersistenceError> {
        let Self {
            id,
            owner_id,
            format,
            width,
            height,
            blurhash,
            variants,
            byte_size,
            attached_to,
            post_id,
            comment_id,
            created_at,
            attached_at,
            duration_ms,
        } = self;
        let attachment = match (attached_to.as_deref(), post_id, comment_id) {
            (None, None, None) => Attachment::Unattached,
            (Some(POST), Some(post), None) => Attachment::Post(parse_id(&post)?),
            (Some(COMMENT), None, Some(comment)) => Attachment::Comment(parse_id(&comment)?),
            (Some(AVATAR), None, None) => Attachment::Avatar,
            _ => return Err(corrupt("attachment")),
        };
        Ok(Media {
            id: parse_id(&id)?,
            owner_id: parse_id(&owner_id)?,
            format: parse_enum(&format, MediaFormat::parse)?,
            width: side(width)?,
            height: side(height)?,
            blurhash,
            duration_ms: duration_ms
                .map(|ms| u64::try_from(ms).map_err(|_| corrupt("negative duration")))
                .transpose()?,
            variants: decode_variants(&variants)?,
            byte_size,
            attachment,
            created_at: from_db_time(created_at),
            attached_at: attached_at.map(from_db_time),
        })
    }
}

fn load(rows: Vec<MediaRow>) -> Result<Vec<Media>, PersistenceError> {
    rows.into_iter().map(MediaRow::into_domain).collect()
}

/// Records a freshly stored, unattached photo.
pub fn insert(conn: &mut DbConnection, photo: &Media) -> Result<(), PersistenceError> {
    let Media {
        id,
        owner_id,
        format,
        width,
        height,
        blurhash,
        duration_ms,
        variants,
        byte_size,
        attachment,
        created_at,
        attached_at: _,
    } = photo;
    let duration_ms = duration_ms
        .map(|ms| i64::try_from(ms).map_err(|_| corrupt("duration")))
        .transpose()?;
    if *attachment != Attachment::Unattached {
        return Err(corrupt("a new photo is unattached"));
    }
    let side = |v: u32| i32::try_from(v).map_err(|_| corrupt("dimension"));
    diesel::insert_into(media::table)
        .values((
            media::id.eq(id.to_string()),
            media::owner_id.eq(owner_id.to_string()),
            media::format.eq(format.as_str()),
            media::width.eq(side(*width)?),
            media::height.eq(side(*height)?),
            media::blurhash.eq(blurhash),
            media::duration_ms.eq(duration_ms),
            media::variants.eq(encode_variants(variants)),
            media::byte_size.eq(byte_size),
            media::created_at.eq(to_db_time(*created_at)),
        ))
        .execute(conn)?;
    Ok(())
}

/// A photo by id, whoever may read it: the caller applies `domain::media::read_rule`.
pub fn find(conn: &mut DbConnection, id: MediaId) -> Result<Option<Media>, PersistenceError> {
    media::table
        .find(id.to_string())
        .select(MediaRow::as_select())
        .first(conn)
        .optional()?
        .map(MediaRow::into_domain)
        .transpose()
}

/// Several photos by id (any order).
pub fn find_many(conn: &mut DbConnection, ids: &[MediaId]) -> Result<Vec<Media>, PersistenceError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let keys: Vec<String> = ids.iter().map(ToString::to_string).collect();
    load(
        media::table
            .filter(media::id.eq_any(keys))
            .select(MediaRow::as_select())
            .load(conn)?,
    )
}

/// Attaches photos in one conditional update: only `owner`'s unattached ones change. Returns
/// how many did; the caller refuses (and rolls back) unless all of them.
fn attach(
    conn: &mut DbConnection,
    owner: MemberId,
    ids: &[MediaId],
    kind: &'static str,
    post: Option<PostId>,
    comment: Option<CommentId>,
    now: DateTime<Utc>,
) -> Result<usize, PersistenceError> {
    if ids.is_empty() {
        return Ok(0);
    }
    let keys: Vec<String> = ids.iter().map(ToString::to_string).collect();
    Ok(diesel::update(
        media::table
            .filter(media::id.eq_any(keys))
            .filter(media::owner_id.eq(owner.to_string()))
            .filter(media::attached_to.is_null()),
    )
    .set((
        media::attached_to.eq(Some(kind)),
        media::post_id.eq(post.map(|p| p.to_string())),
        media::comment_id.eq(comment.map(|c| c.to_string())),
        media::attached_at.eq(Some(to_db_time(now))),
    ))
    .execute(conn)?)
}

/// Attaches `owner`'s unattached photos to their post; the number attached.
pub fn attach_to_post(
    conn: &mut DbConnection,
    owner: MemberId,
    ids: &[MediaId],
    post: PostId,
    now: DateTime<Utc>,
) -> Result<usize, PersistenceError> {
    attach(conn, owner, ids, POST, Some(post), None, now)
}

/// Attaches `owner`'s unattached photos to their comment; the number attached.
pub fn attach_to_comment(
    conn: &mut DbConnection,
    owner: MemberId,
    ids: &[MediaId],
    comment: CommentId,
    now: DateTime<Utc>,
) -> Result<usize, PersistenceError> {
    attach(conn, owner, ids, COMMENT, None, Some(comment), now)
}

/// Removes `owner`'s avatar row, if any: its id (the caller deletes the files after commit).
pub fn clear_avatar(
    conn: &mut DbConnection,
    owner: MemberId,
) -> Result<Option<MediaId>, PersistenceError> {
    let old: Option<String> = media::table
        .filter(media::owner_id.eq(owner.to_string()))
        .filter(media::attached_to.eq(AVATAR))
        .select(media::id)
        .first(conn)
        .optional()?;
    if let Some(old) = &old {
        diesel::delete(media::table.find(old)).execute(conn)?;
    }
    old.map(|id| parse_id(&id)).transpose()
}

/// Makes an unattached photo of `owner` their avatar (the previous one must be cleared first);
/// `false` when it is not one of their unattached photos.
pub fn set_avatar(
    conn: &mut DbConnection,
    owner: MemberId,
    id: MediaId,
    now: DateTime<Utc>,
) -> Result<bool, PersistenceError> {
    // An avatar is an image (a video is not attachable as one: the same answer as for a
    // photo that is not the member's).
    let format: Option<String> = media::table
        .find(id.to_string())
        .select(media::format)
        .first(conn)
        .optional()?;
    let is_image = format
        .and_then(|f| MediaFormat::parse(&f).ok())
        .is_some_and(|f| f.kind() == entraide_domain::media::MediaKind::Image);
    if !is_image {
        return Ok(false);
    }
    Ok(attach(conn, owner, &[id], AVATAR, None, None, now)? == 1)
}

/// The member's current avatar.
pub fn avatar_of(
    conn: &mut DbConnection,
    owner: MemberId,
) -> Result<Option<Media>, PersistenceError> {
    media::table
        .filter(media::owner_id.eq(owner.to_string()))
        .filter(media::attached_to.eq(AVATAR))
        .select(MediaRow::as_select())
        .first(conn)
        .optional()?
        .map(MediaRow::into_domain)
        .transpose()
}

/// The photos of a page of posts, oldest upload first (one query).
pub fn of_posts(conn: &mut DbConnection, posts: &[PostId]) -> Result<Vec<Media>, PersistenceError> {
    if posts.is_empty() {
        return Ok(Vec::new());
    }
    // Fixed id slots for a page (prepared once per connection), `IN` beyond.
    let rows = match crate::slots::fill(posts) {
        Some(slots) => media::table
            .filter(one_of_slots!(media::post_id, slots))
            .order(media::id.asc())
            .select(MediaRow::as_select())
            .load(conn)?,
        None => media::table
            .filter(media::post_id.eq_any(posts.iter().map(ToString::to_string)))
            .order(media::id.asc())
            .select(MediaRow::as_select())
            .load(conn)?,
    };
    load(rows)
}

/// The photos of a page of comments, oldest upload first (one query).
pub fn of_comments(
    conn: &mut DbConnection,
    comments: &[CommentId],
) -> Result<Vec<Media>, PersistenceError> {
    if comments.is_empty() {
        return Ok(Vec::new());
    }
    // Fixed id slots for a page (prepared once per connection), `IN` beyond.
    let rows = match crate::slots::fill(comments) {
        Some(slots) => media::table
            .filter(one_of_slots!(media::comment_id, slots))
            .order(media::id.asc())
            .select(MediaRow::as_select())
            .load(conn)?,
        None => media::table
            .filter(media::comment_id.eq_any(comments.iter().map(ToString::to_string)))
            .order(media::id.asc())
            .select(MediaRow::as_select())
            .load(conn)?,
    };
    load(rows)
}

/// Every photo `owner` uploaded, oldest first (the data export, erasure).
pub fn owned_by(conn: &mut DbConnection, owner: MemberId) -> Result<Vec<Media>, PersistenceError> {
    load(
        media::table
            .filter(media::owner_id.eq(owner.to_string()))
            .order(media::id.asc())
            .select(MediaRow::as_select())
            .load(conn)?,
    )
}

/// Deletes the rows of unattached photos uploaded before `cutoff`, at most `limit`: their ids,
/// whose files the caller deletes after commit.
pub fn delete_unattached_before(
    conn: &mut DbConnection,
    cutoff: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<MediaId>, PersistenceError> {
    let ids: Vec<String> = media::table
        .filter(media::attached_to.is_null())
        .filter(media::created_at.lt(to_db_time(cutoff)))
        .order(media::created_at.asc())
        .limit(limit)
        .select(media::id)
        .load(conn)?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    diesel::delete(
        media::table
            .filter(media::id.eq_any(&ids))
            .filter(media::attached_to.is_null()),
    )
    .execute(conn)?;
    ids.iter().map(|id| parse_id(id)).collect()
}

fn delete_rows(
    conn: &mut DbConnection,
    ids: Vec<String>,
) -> Result<Vec<MediaId>, PersistenceError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    diesel::delete(media::table.filter(media::id.eq_any(&ids))).execute(conn)?;
    ids.iter().map(|id| parse_id(id)).collect()
}

/// Deletes the rows of a post's photos and of its comments' photos (the post is being deleted:
/// none of them is served again): their ids, whose files the caller deletes after commit.
pub fn delete_of_post(
    conn: &mut DbConnection,
    post: PostId,
) -> Result<Vec<MediaId>, PersistenceError> {
    use crate::schema::comments;
    let key = post.to_string();
    let of_comments = comments::table
        .filter(comments::post_id.eq(key.clone()))
        .select(comments::id);
    let ids: Vec<String> = media::table
        .filter(
            media::post_id
                .eq(&key)
                .or(media::comment_id.eq_any(of_comments.nullable())),
        )
        .select(media::id)
        .load(conn)?;
    delete_rows(conn, ids)
}

/// Deletes the rows of a comment's photos (the comment is being deleted): their ids, whose
/// files the caller deletes after commit.
pub fn delete_of_comment(
    conn: &mut DbConnection,
    comment: CommentId,
) -> Result<Vec<MediaId>, PersistenceError> {
    let ids: Vec<String> = media::table
        .filter(media::comment_id.eq(comment.to_string()))
        .select(media::id)
        .load(conn)?;
    delete_rows(conn, ids)
}

/// Deletes the rows of the listed photos attached to `post` (dropped on edit): their ids,
/// whose files the caller deletes after commit.
pub fn delete_from_post(
    conn: &mut DbConnection,
    post: PostId,
    ids: &[MediaId],
) -> Result<Vec<MediaId>, PersistenceError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let keys: Vec<String> = ids.iter().map(ToString::to_string).collect();
    let found: Vec<String> = media::table
        .filter(media::id.eq_any(keys))
        .filter(media::post_id.eq(post.to_string()))
        .select(media::id)
        .load(conn)?;
    delete_rows(conn, found)
}
