//! Post and comment conversions.

use entraide_domain::member::{MemberKind, Pseudonym};
use entraide_domain::post::{Comment, Post, ReactionCounts, ReactionKind};
use entraide_openapi::groups::MemberSummary;
use entraide_openapi::posts as wire;

enum_conversions!(
    kind_to_wire,
    kind_from_wire,
    ReactionKind,
    wire::ReactionKind,
    [Support, Thanks, SameHere, Hug]
);

pub fn counts(counts: ReactionCounts) -> wire::ReactionCounts {
    let ReactionCounts {
        support,
        thanks,
        same_here,
        hug,
    } = counts;
    wire::ReactionCounts {
        support,
        thanks,
        same_here,
        hug,
    }
}

/// A member as lists show them; `badge` is the one granted, shown only while it fits `kind`.
pub fn summary(
    id: entraide_domain::ids::MemberId,
    pseudonym: &Pseudonym,
    kind: MemberKind,
    badge: Option<entraide_domain::verification::Badge>,
) -> MemberSummary {
    MemberSummary {
        id: id.as_uuid(),
        pseudonym: pseudonym.as_str().to_owned(),
        kind: crate::convert::kind_to_wire(kind),
        verified: crate::convert::verification::verified(badge, kind),
    }
}

pub fn post(
    post: Post,
    author: MemberSummary,
    group: Option<wire::GroupRef>,
    mine: Vec<ReactionKind>,
    media: Vec<entraide_openapi::media::MediaItem>,
) -> wire::PostItem {
    let Post {
        id,
        author_id: _,
        group_id: _,
        body,
        content_warning,
        created_at,
        edited_at,
        deleted,
        hidden,
        pinned,
        comment_count,
        reactions,
    } = post;
    let video_previews = super::media::video_previews(body.source());
    wire::PostItem {
        id: id.as_uuid(),
        author,
        group,
        body: body.source().to_owned(),
        body_html: body.html().to_owned(),
        sensitive: content_warning.is_some(),
        content_warning: content_warning.map(|w| w.as_str().to_owned()),
        hidden,
        created_at,
        edited_at,
        deleted,
        pinned,
        comment_count,
        reactions: counts(reactions),
        my_reactions: mine.into_iter().map(kind_to_wire).collect(),
        media,
        video_previews,
        safety: None,
    }
}

pub fn comment(
    comment: Comment,
    author: MemberSummary,
    mine: Vec<ReactionKind>,
    media: Vec<entraide_openapi::media::MediaItem>,
) -> wire::CommentItem {
    let Comment {
        id,
        post_id,
        parent_id,
        depth,
        author_id: _,
        body,
        created_at,
        edited_at,
        deleted,
        hidden,
        reactions,
    } = comment;
    let video_previews = super::media::video_previews(body.source());
    wire::CommentItem {
        id: id.as_uuid(),
        post_id: post_id.as_uuid(),
        parent_id: parent_id.map(|p| p.as_uuid()),
        depth,
        author,
        body: body.source().to_owned(),
        body_html: body.html().to_owned(),
        created_at,
        edited_at,
        deleted,
        hidden,
        reactions: counts(reactions),
        my_reactions: mine.into_iter().map(kind_to_wire).collect(),
        media,
        video_previews,
        safety: None,
    }
}
