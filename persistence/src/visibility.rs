//! The groups whose content a reader may read, as SQL subqueries shared by every query that
//! lists group content (posts, events). They mirror `domain::group::can_read_content`; the
//! persistence tests check both agree. Macros, because diesel's multi-backend connection cannot
//! render boxed subselects: each use site gets the unboxed query.

/// The condition on `discussion_groups` rows anyone (anonymous included) may read: public, for
/// everyone. Used as is where the query reads `discussion_groups` itself (a condition's hub),
/// and through [`open_group_ids!`] elsewhere.
macro_rules! open_group {
    () => {
        crate::schema::discussion_groups::audience
            .eq(entraide_domain::group::Audience::Everyone.as_str())
            .and(
                crate::schema::discussion_groups::visibility
                    .eq(entraide_domain::group::GroupVisibility::Public.as_str()),
            )
    };
}

/// Ids of the groups anyone (anonymous included) may read: public, for everyone.
macro_rules! open_group_ids {
    () => {
        crate::schema::discussion_groups::table
            .filter(open_group!())
            .select(crate::schema::discussion_groups::id)
    };
}

/// The condition on `discussion_groups` rows member `$me` (a `String` id) of kind `$kind` may
/// read: the audience admits them, and the group is public and they are not banned, or they
/// are an active member. Used as is where the query reads `discussion_groups` itself, and
/// through [`readable_group_ids!`] elsewhere.
macro_rules! readable_group {
    ($me:expr, $kind:expr) => {{
        use crate::schema::{discussion_groups as dg, group_memberships as gm};
        use entraide_domain::group::{Audience, GroupVisibility, MembershipStatus};
        let active = gm::table
            .filter(gm::member_id.eq($me.clone()))
            .filter(gm::status.eq(MembershipStatus::Active.as_str()))
            .select(gm::group_id);
        let banned = gm::table
            .filter(gm::member_id.eq($me.clone()))
            .filter(gm::status.eq(MembershipStatus::Banned.as_str()))
            .select(gm::group_id);
        dg::audience
            .eq(Audience::Everyone.as_str())
            .or(dg::audience.eq(Audience::of_kind($kind).as_str()))
            .and(
                dg::visibility
                    .eq(GroupVisibility::Public.as_str())
                    .and(dg::id.ne_all(banned))
                    .or(dg::id.eq_any(active)),
            )
    }};
}

/// Ids of the groups member `$me` (a `String` id) of kind `$kind` may read: the audience
/// admits them, and the group is public and they are not banned, or they are an active member.
macro_rules! readable_group_ids {
    ($me:expr, $kind:expr) => {{
        crate::schema::discussion_groups::table
            .filter(readable_group!($me, $kind))
            .select(crate::schema::discussion_groups::id)
    }};
}

/// Content by `$author` (a text column) that member `$me` (a `String` id) may see as far as
/// blocks go: neither of them blocked the other (`domain::member::can_block`). Two uncorrelated
/// `NOT IN` subqueries, each served by an index of `blocks` and computed once per query; they
/// cannot drive a plan.
macro_rules! not_blocked {
    ($author:expr, $me:expr) => {{
        use crate::schema::blocks;
        let blocked_by_me = blocks::table
            .filter(blocks::blocker_id.eq($me.clone()))
            .select(blocks::blocked_id);
        let blocking_me = blocks::table
            .filter(blocks::blocked_id.eq($me.clone()))
            .select(blocks::blocker_id);
        $author
            .ne_all(blocked_by_me)
            .and($author.ne_all(blocking_me))
    }};
}

/// Ids of the verified associations, as nullable text to compare with a nullable
/// `association_id`: rights that came from an association apply only while it is verified
/// (`domain::rights::grant_applies`).
macro_rules! verified_association_ids {
    () => {
        crate::schema::associations::table
            .filter(
                crate::schema::associations::status
                    .eq(entraide_domain::association::AssociationStatus::Verified.as_str()),
            )
            .select(crate::schema::associations::id.nullable())
    };
}

/// Writes the two functions of a `(owner, condition_id)` link table (associations, announcements,
/// places and resources name conditions the same way): `replace_condition_links` and
/// `condition_links` (the conditions of several owners, in one query).
macro_rules! condition_links {
    ($table:ident, $owner:ident) => {
        /// Replaces the conditions linked to `owner` (duplicates dropped).
        fn replace_condition_links(
            conn: &mut DbConnection,
            owner: &str,
            conditions: &[entraide_domain::ids::ConditionId],
        ) -> Result<(), PersistenceError> {
            use crate::schema::$table as links;
            diesel::delete(links::table.filter(links::$owner.eq(owner))).execute(conn)?;
            let mut unique = conditions.to_vec();
            unique.sort();
            unique.dedup();
            for condition in unique {
                diesel::insert_into(links::table)
                    .values((
                        links::$owner.eq(owner),
                        links::condition_id.eq(condition.to_string()),
                    ))
                    .execute(conn)?;
            }
            Ok(())
        }

        /// The conditions of each owner, in condition order, in one query.
        fn condition_links(
            conn: &mut DbConnection,
            owners: &[&str],
        ) -> Result<
            std::collections::HashMap<String, Vec<entraide_domain::ids::ConditionId>>,
            PersistenceError,
        > {
            use crate::schema::$table as links;
            let mut found: std::collections::HashMap<String, Vec<_>> =
                std::collections::HashMap::new();
            if owners.is_empty() {
                return Ok(found);
            }
            let pairs = links::table
                .filter(links::$owner.eq_any(owners))
                .select((links::$owner, links::condition_id))
                .order((links::$owner, links::condition_id))
                .load::<(String, String)>(conn)?;
            for (owner, condition) in pairs {
                found
                    .entry(owner)
                    .or_default()
                    .push(crate::convert::parse_id(&condition)?);
            }
            Ok(found)
        }
    };
}
