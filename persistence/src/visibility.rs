//! The groups whose content a reader may read, as SQL subqueries shared by every query that
//! lists group content (posts, events). They mirror `domain::group::can_read_content`; the
//! persistence tests check both agree. Macros, because diesel's multi-backend connection cannot
//! render boxed subselects: each use site gets the unboxed query.

/// Ids of the groups anyone (anonymous included) may read: public, for everyone.
macro_rules! open_group_ids {
    () => {
        crate::schema::discussion_groups::table
            .filter(
                crate::schema::discussion_groups::audience
                    .eq(entraide_domain::group::Audience::Everyone.as_str()),
            )
            .filter(
                crate::schema::discussion_groups::visibility
                    .eq(entraide_domain::group::GroupVisibility::Public.as_str()),
            )
            .select(crate::schema::discussion_groups::id)
    };
}

/// Ids of the groups member `$me` (a `String` id) of kind `$kind` may read: the audience
/// admits them, and the group is public and they are not banned, or they are an active member.
macro_rules! readable_group_ids {
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
        dg::table
            .filter(
                dg::audience
                    .eq(Audience::Everyone.as_str())
                    .or(dg::audience.eq(Audience::of_kind($kind).as_str())),
            )
            .filter(
                dg::visibility
                    .eq(GroupVisibility::Public.as_str())
                    .and(dg::id.ne_all(banned))
                    .or(dg::id.eq_any(active)),
            )
            .select(dg::id)
    }};
}
