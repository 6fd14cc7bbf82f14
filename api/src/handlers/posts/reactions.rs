use actix_web::{delete, put, web};
use chrono::Utc;
use entraide_domain::ids::{CommentId, PostId};
use entraide_domain::post::ReactionCounts;
use entraide_openapi::posts::{ReactionPath, ReactionState};
use entraide_openapi::problem as p;
use entraide_persistence::reactions::{self, Target};
use entraide_persistence::{DbConnection, comments};

use crate::access::posts::{readable_post, require_participation};
use crate::convert::posts as convert;
use crate::db;
use crate::error::ApiError;
use crate::extractors::AuthMember;
use crate::notices;
use crate::state::AppState;

/// Adds or removes a reaction after the same checks as commenting, and answers the target's
/// counts and the member's reactions on it.
async fn react(
    state: &AppState,
    member: AuthMember,
    target: Target,
    path: ReactionPath,
    add: bool,
) -> Result<web::Json<ReactionState>, ApiError> {
    let kind = convert::kind_from_wire(path.kind);
    let reader = member.reader();
    let (answer, woken) = db::write(state, move |conn| {
        let (post_id, comment_author) = match target {
            Target::Post(id) => (id, None),
            Target::Comment(id) => {
                let comment = comments::find_readable(conn, reader, id)?
                    .filter(|c| !c.deleted)
                    .ok_or(ApiError::NotFound)?;
                (comment.post_id, Some(comment.author_id))
            }
        };
        let post = readable_post(conn, reader, post_id)?;
        if post.deleted {
            return Err(ApiError::NotFound);
        }
        require_participation(conn, reader, &post)?;
        let mut woken = Vec::new();
        if add {
            // Only a new reaction notifies (adding it again changes nothing).
            if reactions::add(conn, target, member.id, kind, Utc::now())? {
                let author = comment_author.unwrap_or(post.author_id);
                woken =
                    notices::reaction_added(conn, &post, target, author, member.id, Utc::now())?;
            }
        } else {
            reactions::remove(conn, target, member.id, kind)?;
        }
        Ok((reaction_state(conn, reader, member, target)?, woken))
    })
    .await?;
    state.hub.wake(&woken);
    Ok(web::Json(answer))
}

fn reaction_state(
    conn: &mut DbConnection,
    reader: entraide_domain::group::Reader,
    member: AuthMember,
    target: Target,
) -> Result<ReactionState, ApiError> {
    let (counts, mut mine): (ReactionCounts, Vec<_>) = match target {
        Target::Post(id) => (
            readable_post(conn, reader, id)?.reactions,
            reactions::mine_on_posts(conn, member.id, &[id])?
                .into_iter()
                .map(|(_, kind)| kind)
                .collect(),
        ),
        Target::Comment(id) => (
            comments::find_readable(conn, reader, id)?
                .ok_or(ApiError::NotFound)?
                .reactions,
            reactions::mine_on_comments(conn, member.id, &[id])?
                .into_iter()
                .map(|(_, kind)| kind)
                .collect(),
        ),
    };
    mine.sort();
    Ok(ReactionState {
        reactions: convert::counts(counts),
        my_reactions: mine.into_iter().map(convert::kind_to_wire).collect(),
    })
}

/// React to a post
///
/// React to a post. Idempotent: reacting twice with a kind counts once.
#[utoipa::path(
    tag = "reactions",
    security(("bearer" = [])),
    params(ReactionPath),
    responses(
        (status = 200, description = "The post's reactions now", body = ReactionState),
        p::ActionErrors,
    )
)]
#[put("/posts/{id}/reactions/{kind}")]
pub async fn add_post_reaction(
    state: web::Data<AppState>,
    member: AuthMember,
    path: web::Path<ReactionPath>,
) -> Result<web::Json<ReactionState>, ApiError> {
    let path = path.into_inner();
    let target = Target::Post(PostId::from_uuid(path.id));
    react(&state, member, target, path, true).await
}

/// Remove a reaction to a post
///
/// Take back a reaction to a post. Idempotent.
#[utoipa::path(
    tag = "reactions",
    security(("bearer" = [])),
    params(ReactionPath),
    responses(
        (status = 200, description = "The post's reactions now", body = ReactionState),
        p::ActionErrors,
    )
)]
#[delete("/posts/{id}/reactions/{kind}")]
pub async fn remove_post_reaction(
    state: web::Data<AppState>,
    member: AuthMember,
    path: web::Path<ReactionPath>,
) -> Result<web::Json<ReactionState>, ApiError> {
    let path = path.into_inner();
    let target = Target::Post(PostId::from_uuid(path.id));
    react(&state, member, target, path, false).await
}

/// React to a comment
///
/// React to a comment. Idempotent.
#[utoipa::path(
    tag = "reactions",
    security(("bearer" = [])),
    params(ReactionPath),
    responses(
        (status = 200, description = "The comment's reactions now", body = ReactionState),
        p::ActionErrors,
    )
)]
#[put("/comments/{id}/reactions/{kind}")]
pub async fn add_comment_reaction(
    state: web::Data<AppState>,
    member: AuthMember,
    path: web::Path<ReactionPath>,
) -> Result<web::Json<ReactionState>, ApiError> {
    let path = path.into_inner();
    let target = Target::Comment(CommentId::from_uuid(path.id));
    react(&state, member, target, path, true).await
}

/// Remove a reaction to a comment
///
/// Take back a reaction to a comment. Idempotent.
#[utoipa::path(
    tag = "reactions",
    security(("bearer" = [])),
    params(ReactionPath),
    responses(
        (status = 200, description = "The comment's reactions now", body = ReactionState),
        p::ActionErrors,
    )
)]
#[delete("/comments/{id}/reactions/{kind}")]
pub async fn remove_comment_reaction(
    state: web::Data<AppState>,
    member: AuthMember,
    path: web::Path<ReactionPath>,
) -> Result<web::Json<ReactionState>, ApiError> {
    let path = path.into_inner();
    let target = Target::Comment(CommentId::from_uuid(path.id));
    react(&state, member, target, path, false).await
}
