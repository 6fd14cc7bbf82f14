//! Prevention announcements and who they reach.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::IntoSql;
use diesel::prelude::*;
use diesel::sql_types::Bool;
use entraide_domain::association::{
    Announcement, NewAnnouncement, Targeting, conditions_targetable,
};
use entraide_domain::ids::{AnnouncementId, AssociationId, ConditionId, MemberId};
use entraide_domain::member::MemberKind;
use entraide_domain::post::Body;
use entraide_domain::profile::Visibility;
use entraide_domain::text::{Label, Title, WebUrl};

use crate::connection::DbConnection;
use crate::convert::{from_db_time, parse_enum, parse_id, to_db_time};
use crate::error::PersistenceError;
use crate::schema::{
    announcement_conditions, announcements, association_follows, association_memberships,
    member_conditions, members,
};

#[derive(Queryable, Selectable)]
#[diesel(table_name = announcements)]
struct AnnouncementRow {
    id: String,
    association_id: String,
    author_id: String,
    title: String,
    body: String,
    body_html: String,
    link: Option<String>,
    for_patients: bool,
    for_caregivers: bool,
    for_professionals: bool,
    region_key: Option<String>,
    publish_at: NaiveDateTime,
    expires_at: Option<NaiveDateTime>,
    created_at: NaiveDateTime,
}

impl AnnouncementRow {
    fn into_domain(
        self,
        condition_ids: Vec<ConditionId>,
    ) -> Result<Announcement, PersistenceError> {
        let Self {
            id,
            association_id,
            author_id,
            title,
            body,
            body_html,
            link,
            for_patients,
            for_caregivers,
            for_professionals,
            region_key,
            publish_at,
            expires_at,
            created_at,
        } = self;
        let flags = [for_patients, for_caregivers, for_professionals];
        let kinds = if flags.iter().all(|f| *f) {
            Vec::new()
        } else {
            MemberKind::ALL
                .into_iter()
                .zip(flags)
                .filter_map(|(kind, on)| on.then_some(kind))
                .collect()
        };
        Ok(Announcement {
            id: parse_id(&id)?,
            association_id: parse_id(&association_id)?,
            author_id: parse_id(&author_id)?,
            title: Title::from_stored(title),
            body: Body::from_stored(body, body_html),
            link: link.map(WebUrl::from_stored),
            targeting: Targeting {
                condition_ids,
                kinds,
                region: region_key.map(Label::from_stored),
            },
            publish_at: from_db_time(publish_at),
            expires_at: expires_at.map(from_db_time),
            created_at: from_db_time(created_at),
        })
    }
}

condition_links!(announcement_conditions, announcement_id);

fn with_conditions(
    conn: &mut DbConnection,
    rows: Vec<AnnouncementRow>,
) -> Result<Vec<Announcement>, PersistenceError> {
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let mut links = condition_links(conn, &ids)?;
    rows.into_iter()
        .map(|row| {
            let conditions = links.remove(&row.id).unwrap_or_default();
            row.into_domain(conditions)
        })
        .collect()
}

/// Stores an announcement. Unknown conditions are a foreign-key violation. Call in a
/// transaction.
pub fn insert(
    conn: &mut DbConnection,
    association: AssociationId,
    author: MemberId,
    new: &NewAnnouncement,
    now: DateTime<Utc>,
) -> Result<Announcement, PersistenceError> {
    let NewAnnouncement {
        title,
        body,
        link,
        targeting,
        publish_at,
        expires_at,
    } = new;
    let Targeting {
        condition_ids,
        kinds,
        region,
    } = targeting;
    let id = AnnouncementId::new();
    let for_kind = |kind: MemberKind| kinds.is_empty() || kinds.contains(&kind);
    diesel::insert_into(announcements::table)
        .values((
            announcements::id.eq(id.to_string()),
            announcements::association_id.eq(association.to_string()),
            announcements::author_id.eq(author.to_string()),
            announcements::title.eq(title.as_str()),
            announcements::body.eq(body.source()),
            announcements::body_html.eq(body.html()),
            announcements::link.eq(link.as_ref().map(WebUrl::as_str)),
            announcements::for_patients.eq(for_kind(MemberKind::Patient)),
            announcements::for_caregivers.eq(for_kind(MemberKind::Caregiver)),
            announcements::for_professionals.eq(for_kind(MemberKind::Professional)),
            announcements::region_key.eq(region.as_ref().map(Label::key)),
            announcements::publish_at.eq(to_db_time(*publish_at)),
            announcements::expires_at.eq(expires_at.map(to_db_time)),
            announcements::created_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    replace_condition_links(conn, &id.to_string(), condition_ids)?;
    let row = announcements::table
        .find(id.to_string())
        .select(AnnouncementRow::as_select())
        .first(conn)?;
    with_conditions(conn, vec![row])?
        .pop()
        .ok_or(PersistenceError::NotFound)
}

/// Where a page of announcements continues: after this (publish_at, id), newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnnouncementKey {
    pub publish_at: DateTime<Utc>,
    pub id: AnnouncementId,
}

/// An association's announcements, newest first: the published ones (expired included), and
/// the scheduled ones too when `with_scheduled` (for its admins).
pub fn list_for_association(
    conn: &mut DbConnection,
    association: AssociationId,
    with_scheduled: bool,
    now: DateTime<Utc>,
    after: Option<&AnnouncementKey>,
    limit: i64,
) -> Result<Vec<Announcement>, PersistenceError> {
    let mut select = announcements::table
        .filter(announcements::association_id.eq(association.to_string()))
        .select(AnnouncementRow::as_select())
        .order((announcements::publish_at.desc(), announcements::id.desc()))
        .limit(limit)
        .into_boxed();
    if !with_scheduled {
        select = select.filter(announcements::publish_at.le(to_db_time(now)));
    }
    if let Some(AnnouncementKey { publish_at, id }) = after {
        let at = to_db_time(*publish_at);
        select = select.filter(
            announcements::publish_at
                .lt(at)
                .or(announcements::publish_at
                    .eq(at)
                    .and(announcements::id.lt(id.to_string()))),
        );
    }
    let rows = select.load(conn)?;
    with_conditions(conn, rows)
}

/// The live announcements that reach this member's home feed, newest first — the SQL form of
/// `domain::association::reaches`: from associations they joined or follow, or targeted at
/// their profile (kind, region, any of their conditions — only when they show their conditions
/// to other members or consented to the purpose `announcements`,
/// `domain::association::conditions_targetable`) unless they opted out.
pub fn for_member(
    conn: &mut DbConnection,
    member: MemberId,
    kind: MemberKind,
    now: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<Announcement>, PersistenceError> {
    let me = member.to_string();
    let Some((region, receives, conditions_visibility)) = members::table
        .find(&me)
        .select((
            members::region,
            members::receive_announcements,
            members::conditions_visibility,
        ))
        .first::<(Option<String>, bool, String)>(conn)
        .optional()?
    else {
        return Ok(Vec::new());
    };
    let purpose = entraide_domain::consent::Purpose::Announcements;
    let consented = match crate::consents::current_version(conn, purpose)? {
        Some(current) => {
            let ledger = crate::consents::ledger(conn, member, Some(purpose))?;
            entraide_domain::consent::standing(&ledger, purpose, current)
                == entraide_domain::consent::Standing::Current
        }
        None => false,
    };
    let conditions_targetable = conditions_targetable(
        parse_enum(&conditions_visibility, Visibility::parse)?,
        consented,
    );
    let at = to_db_time(now);
    let joined = association_memberships::table
        .filter(association_memberships::member_id.eq(me.clone()))
        .filter(association_memberships::status.eq("active"))
        .select(association_memberships::association_id);
    let followed = association_follows::table
        .filter(association_follows::member_id.eq(me.clone()))
        .select(association_follows::association_id);
    let tied = announcements::association_id
        .eq_any(joined)
        .or(announcements::association_id.eq_any(followed));
    let live = announcements::table
        .filter(announcements::publish_at.le(at))
        .filter(
            announcements::expires_at
                .is_null()
                .or(announcements::expires_at.gt(at)),
        );
    let rows = if receives {
        // The reader's kind is bound as parameters so the statement is the same for all.
        let is = |k: MemberKind| (kind == k).into_sql::<Bool>();
        let kind_matches = announcements::for_patients
            .and(is(MemberKind::Patient))
            .or(announcements::for_caregivers.and(is(MemberKind::Caregiver)))
            .or(announcements::for_professionals.and(is(MemberKind::Professional)));
        let region_matches = announcements::region_key
            .is_null()
            .or(announcements::region_key
                .eq(region.map(|r| r.to_lowercase()).unwrap_or_default())
                .and(announcements::region_key.ne("")));
        let untargeted = diesel::dsl::not(diesel::dsl::exists(
            announcement_conditions::table
                .filter(announcement_conditions::announcement_id.eq(announcements::id)),
        ));
        let my_conditions = member_conditions::table
            .filter(member_conditions::member_id.eq(me.clone()))
            .select(member_conditions::condition_id);
        // Bound as a parameter too: a private condition never matches a targeting rule.
        let condition_matches = conditions_targetable
            .into_sql::<Bool>()
            .and(diesel::dsl::exists(
                announcement_conditions::table
                    .filter(announcement_conditions::announcement_id.eq(announcements::id))
                    .filter(announcement_conditions::condition_id.eq_any(my_conditions)),
            ));
        live.filter(
            tied.or(kind_matches
                .and(region_matches)
                .and(untargeted.or(condition_matches))),
        )
        .select(AnnouncementRow::as_select())
        .order((announcements::publish_at.desc(), announcements::id.desc()))
        .limit(limit)
        .load(conn)?
    } else {
        live.filter(tied)
            .select(AnnouncementRow::as_select())
            .order((announcements::publish_at.desc(), announcements::id.desc()))
            .limit(limit)
            .load(conn)?
    };
    with_conditions(conn, rows)
}
