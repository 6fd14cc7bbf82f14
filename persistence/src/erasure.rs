//! Erasing a member (GDPR art. 17), in one transaction.
//!
//! Everything personal goes with the `members` row (sessions, memberships, follows, blocks,
//! reactions, RSVPs, consents, grants... cascade). Before that, the counters those rows feed
//! are brought down, research answers follow the member's choice, their posts and comments are
//! deleted or kept as they chose, and what the community shares (their kept posts and
//! comments, groups, events, associations, resources, places, reviews) moves to one placeholder
//! account, "Ancien membre", so threads and spaces stay whole. Ids the schema holds as plain
//! text (reports and the moderation log about the member, research audit entries) are
//! rewritten to the placeholder's id.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use entraide_domain::association::{
    AssociationMembership, AssociationMembershipStatus, AssociationRole,
};
use entraide_domain::consent::PastAnswers;
use entraide_domain::erasure::{
    ContentChoice, FORMER_MEMBER_PSEUDONYM, former_member_id, successor,
};
use entraide_domain::event::RsvpStatus;
use entraide_domain::group::{GroupRole, Membership, MembershipStatus};
use entraide_domain::ids::{AssociationId, CommentId, EventId, GroupId, MediaId, MemberId, PostId};
use entraide_domain::moderation::{TargetKind, banned_until};
use entraide_domain::post::ReactionKind;

use crate::connection::DbConnection;
use crate::convert::{parse_enum, parse_id, to_db_time};
use crate::error::PersistenceError;
use crate::reactions::Target;
use crate::schema::{
    announcements, api_keys, association_follows, association_memberships, associations, campaigns,
    comment_reactions, comments, committees, discussion_groups, event_rsvps, events,
    group_memberships, members, messages, moderation_actions, outbox_emails, places,
    post_reactions, posts, reports, research_audit, resource_reviews, resource_versions, resources,
    responses, webhooks,
};

/// Creates the placeholder account once: no e-mail that can receive mail, a password hash
/// nothing verifies against, banned (no session can ever start), not listed anywhere.
fn ensure_former_member(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    // Two first erasures at once must not both insert it (the second would fail on the
    // primary key and refuse a member their erasure).
    crate::dialect::lock_key(conn, "former-member")?;
    let id = former_member_id().to_string();
    let exists: i64 = members::table
        .filter(members::id.eq(&id))
        .count()
        .get_result(conn)?;
    if exists > 0 {
        return Ok(());
    }
    let at = to_db_time(now);
    diesel::insert_into(members::table)
        .values((
            members::id.eq(&id),
            members::email.eq("former-member@entraide.invalid"),
            members::pseudonym.eq(FORMER_MEMBER_PSEUDONYM),
            members::pseudonym_key.eq(FORMER_MEMBER_PSEUDONYM.to_lowercase()),
            members::password_hash.eq("!"),
            members::kind.eq("patient"),
            members::role.eq("member"),
            members::bio_visibility.eq("private"),
            members::avatar_visibility.eq("private"),
            members::location_visibility.eq("private"),
            members::language_visibility.eq("private"),
            members::conditions_visibility.eq("private"),
            members::failed_logins.eq(0),
            members::created_at.eq(at),
            members::updated_at.eq(at),
            members::wall_visibility.eq("members"),
            members::receive_announcements.eq(false),
            members::listed_in_member_lists.eq(false),
            members::suspended_until.eq(Some(to_db_time(banned_until()))),
        ))
        .execute(conn)?;
    Ok(())
}

/// When `leaving` is the last active owner of `group`, the next in line becomes its owner
/// (`domain::erasure::successor`). With nobody left the group keeps its history, ownerless.
fn hand_over_group(
    conn: &mut DbConnection,
    group: GroupId,
    leaving: MemberId,
    now: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    let owns = crate::groups::membership(conn, group, leaving)?
        .is_some_and(|m| m.is_active() && m.role == GroupRole::Owner);
    if !owns || crate::groups::owner_count(conn, group)? > 1 {
        return Ok(());
    }
    let rows: Vec<(String, String, NaiveDateTime)> = group_memberships::table
        .filter(group_memberships::group_id.eq(group.to_string()))
        .filter(group_memberships::member_id.ne(leaving.to_string()))
        .filter(group_memberships::status.eq(MembershipStatus::Active.as_str()))
        .select((
            group_memberships::member_id,
            group_memberships::role,
            group_memberships::created_at,
        ))
        .load(conn)?;
    let candidates = rows
        .iter()
        .map(|(id, role, since)| Ok((parse_id(id)?, parse_enum(role, GroupRole::parse)?, *since)))
        .collect::<Result<Vec<(MemberId, GroupRole, NaiveDateTime)>, PersistenceError>>()?;
    if let Some(next) = successor(&candidates) {
        let owner = Membership {
            role: GroupRole::Owner,
            status: MembershipStatus::Active,
        };
        crate::groups::set_membership(conn, group, next, owner, now)?;
    }
    Ok(())
}

/// When `leaving` is the last active admin of `association`, the next in line becomes admin.
fn hand_over_association(
    conn: &mut DbConnection,
    association: AssociationId,
    leaving: MemberId,
    now: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    let admin = crate::associations::membership(conn, association, leaving)?
        .is_some_and(|m| m.is_active() && m.role == AssociationRole::Admin);
    if !admin {
        return Ok(());
    }
    let rows: Vec<(String, String, NaiveDateTime)> = association_memberships::table
        .filter(association_memberships::association_id.eq(association.to_string()))
        .filter(association_memberships::member_id.ne(leaving.to_string()))
        .filter(association_memberships::status.eq(AssociationMembershipStatus::Active.as_str()))
        .select((
            association_memberships::member_id,
            association_memberships::role,
            association_memberships::created_at,
        ))
        .load(conn)?;
    let candidates = rows
        .iter()
        .map(|(id, role, since)| {
            Ok((
                parse_id(id)?,
                parse_enum(role, AssociationRole::parse)?,
                *since,
            ))
        })
        .collect::<Result<Vec<(MemberId, AssociationRole, NaiveDateTime)>, PersistenceError>>()?;
    if candidates
        .iter()
        .any(|(_, role, _)| *role == AssociationRole::Admin)
    {
        return Ok(());
    }
    if let Some(next) = successor(&candidates) {
        let admin = AssociationMembership {
            role: AssociationRole::Admin,
            status: AssociationMembershipStatus::Active,
        };
        crate::associations::set_membership(conn, association, next, admin, now)?;
        crate::associations::vouch(conn, association, next)?;
    }
    Ok(())
}

/// Erases `member`. The caller re-authenticated them. Returns the ids of photo rows deleted
/// with their deleted posts and comments (others' photos on their posts' comments among them):
/// the caller deletes those files after commit.
pub fn erase(
    conn: &mut DbConnection,
    member: MemberId,
    content: ContentChoice,
    research: PastAnswers,
    now: DateTime<Utc>,
) -> Result<Vec<MediaId>, PersistenceError> {
    let mut photos = Vec::new();
    let me = member.to_string();
    let former = former_member_id().to_string();
    ensure_former_member(conn, now)?;
    // Mail waiting in the development outbox for their address goes too.
    let email: Option<String> = members::table
        .find(&me)
        .select(members::email)
        .first(conn)
        .optional()?;
    if let Some(email) = email {
        diesel::delete(outbox_emails::table.filter(outbox_emails::recipient.eq(email)))
            .execute(conn)?;
    }

    // Counters fed by the member's rows, brought down as leaving would.
    let reacted_posts: Vec<(String, String)> = post_reactions::table
        .filter(post_reactions::member_id.eq(&me))
        .select((post_reactions::post_id, post_reactions::kind))
        .load(conn)?;
    for (post, kind) in reacted_posts {
        let target = Target::Post(parse_id::<PostId>(&post)?);
        crate::reactions::remove(
            conn,
            target,
            member,
            parse_enum(&kind, ReactionKind::parse)?,
        )?;
    }
    let reacted_comments: Vec<(String, String)> = comment_reactions::table
        .filter(comment_reactions::member_id.eq(&me))
        .select((comment_reactions::comment_id, comment_reactions::kind))
        .load(conn)?;
    for (comment, kind) in reacted_comments {
        let target = Target::Comment(parse_id::<CommentId>(&comment)?);
        crate::reactions::remove(
            conn,
            target,
            member,
            parse_enum(&kind, ReactionKind::parse)?,
        )?;
    }
    let groups: Vec<String> = group_memberships::table
        .filter(group_memberships::member_id.eq(&me))
        .select(group_memberships::group_id)
        .load(conn)?;
    for group in groups {
        let group = parse_id::<GroupId>(&group)?;
        hand_over_group(conn, group, member, now)?;
        crate::groups::delete_membership(conn, group, member)?;
    }
    let joined: Vec<String> = association_memberships::table
        .filter(association_memberships::member_id.eq(&me))
        .select(association_memberships::association_id)
        .load(conn)?;
    for association in joined {
        hand_over_association(conn, parse_id::<AssociationId>(&association)?, member, now)?;
        crate::associations::delete_membership(
            conn,
            parse_id::<AssociationId>(&association)?,
            member,
        )?;
    }
    let followed: Vec<String> = association_follows::table
        .filter(association_follows::member_id.eq(&me))
        .select(association_follows::association_id)
        .load(conn)?;
    for association in followed {
        crate::associations::unfollow(conn, parse_id::<AssociationId>(&association)?, member)?;
    }
    // Leaving events frees their seats for the waiting list.
    let rsvps: Vec<String> = event_rsvps::table
        .filter(event_rsvps::member_id.eq(&me))
        .select(event_rsvps::event_id)
        .load(conn)?;
    for event in rsvps {
        crate::events::set_rsvp(
            conn,
            parse_id::<EventId>(&event)?,
            member,
            RsvpStatus::NotGoing,
            now,
        )?;
    }

    // Research answers follow the member's choice, as a withdrawal would.
    let linked = responses::table.filter(responses::member_id.eq(&me));
    match research {
        PastAnswers::Delete => {
            diesel::delete(linked).execute(conn)?;
        }
        PastAnswers::KeepPseudonymous => {
            diesel::update(linked)
                .set((
                    responses::member_id.eq(None::<String>),
                    responses::excluded_at.eq(Some(to_db_time(now))),
                ))
                .execute(conn)?;
        }
    }

    // Their posts and comments: deleted (placeholders keep threads whole) or kept, signed by
    // the placeholder account.
    if content == ContentChoice::Delete {
        let live_posts: Vec<String> = posts::table
            .filter(posts::author_id.eq(&me))
            .filter(posts::deleted_at.is_null())
            .select(posts::id)
            .load(conn)?;
        for post in live_posts {
            photos.extend(crate::posts::soft_delete(conn, parse_id(&post)?, now)?);
        }
        let live_comments: Vec<String> = comments::table
            .filter(comments::author_id.eq(&me))
            .filter(comments::deleted_at.is_null())
            .select(comments::id)
            .load(conn)?;
        for comment in live_comments {
            if let Some(comment) = crate::comments::find_any(conn, parse_id(&comment)?)? {
                photos.extend(crate::comments::soft_delete(conn, &comment, now)?);
            }
        }
    }
    diesel::update(posts::table.filter(posts::author_id.eq(&me)))
        .set(posts::author_id.eq(&former))
        .execute(conn)?;
    // Their direct messages follow the same choice: deleted, or kept for the other
    // participants, signed by the placeholder. Their participations go with the account
    // (cascade); conversations they started lose their starter (`ON DELETE SET NULL`).
    let written = messages::table.filter(messages::author_id.eq(&me));
    match content {
        ContentChoice::Delete => {
            diesel::delete(written).execute(conn)?;
        }
        ContentChoice::Anonymise => {
            diesel::update(written)
                .set(messages::author_id.eq(&former))
                .execute(conn)?;
        }
    }
    diesel::update(comments::table.filter(comments::author_id.eq(&me)))
        .set(comments::author_id.eq(&former))
        .execute(conn)?;

    // What the community shares stays, under the placeholder.
    diesel::update(discussion_groups::table.filter(discussion_groups::created_by.eq(&me)))
        .set(discussion_groups::created_by.eq(&former))
        .execute(conn)?;
    diesel::update(events::table.filter(events::organizer_id.eq(&me)))
        .set(events::organizer_id.eq(&former))
        .execute(conn)?;
    diesel::update(associations::table.filter(associations::created_by.eq(&me)))
        .set(associations::created_by.eq(&former))
        .execute(conn)?;
    diesel::update(announcements::table.filter(announcements::author_id.eq(&me)))
        .set(announcements::author_id.eq(&former))
        .execute(conn)?;
    diesel::update(campaigns::table.filter(campaigns::created_by.eq(&me)))
        .set(campaigns::created_by.eq(&former))
        .execute(conn)?;
    // The association's API keys point to the placeholder, which is no admin: they stop working
    // (a key lives while its creator is an active admin; see the API-key extractor).
    diesel::update(api_keys::table.filter(api_keys::created_by.eq(&me)))
        .set(api_keys::created_by.eq(&former))
        .execute(conn)?;
    diesel::update(webhooks::table.filter(webhooks::created_by.eq(&me)))
        .set(webhooks::created_by.eq(&former))
        .execute(conn)?;
    diesel::update(places::table.filter(places::created_by.eq(&me)))
        .set(places::created_by.eq(&former))
        .execute(conn)?;
    diesel::update(committees::table.filter(committees::created_by.eq(&me)))
        .set(committees::created_by.eq(&former))
        .execute(conn)?;
    diesel::update(resources::table.filter(resources::author_id.eq(&me)))
        .set(resources::author_id.eq(&former))
        .execute(conn)?;
    diesel::update(resource_versions::table.filter(resource_versions::created_by.eq(&me)))
        .set(resource_versions::created_by.eq(&former))
        .execute(conn)?;
    diesel::update(resource_reviews::table.filter(resource_reviews::reviewer_id.eq(&me)))
        .set(resource_reviews::reviewer_id.eq(&former))
        .execute(conn)?;

    // Reports about the member themselves have nothing left to decide; reports of what they
    // wrote keep no copy of it.
    diesel::delete(
        reports::table
            .filter(reports::target_kind.eq(TargetKind::Member.as_str()))
            .filter(reports::target_id.eq(&me)),
    )
    .execute(conn)?;
    diesel::update(reports::table.filter(reports::target_author_id.eq(&me)))
        .set(reports::excerpt.eq(None::<String>))
        .execute(conn)?;
    // Ids held as plain text.
    diesel::update(
        moderation_actions::table
            .filter(moderation_actions::target_kind.eq(TargetKind::Member.as_str()))
            .filter(moderation_actions::target_id.eq(&me)),
    )
    .set(moderation_actions::target_id.eq(&former))
    .execute(conn)?;
    diesel::update(research_audit::table.filter(research_audit::actor_id.eq(&me)))
        .set(research_audit::actor_id.eq(&former))
        .execute(conn)?;

    // Notes they wrote in reports stay with the moderators no more (the reports do, unsigned).
    diesel::update(reports::table.filter(reports::reporter_id.eq(&me)))
        .set(reports::note.eq(""))
        .execute(conn)?;

    // The account and everything that cascades from it.
    let deleted = diesel::delete(members::table.find(&me)).execute(conn)?;
    if deleted == 0 {
        return Err(PersistenceError::NotFound);
    }
    Ok(photos)
}
