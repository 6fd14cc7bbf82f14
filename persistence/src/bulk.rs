//! Bulk loading for `entraide seed`: multi-row inserts in large batches, one transaction per
//! table. Multi-row inserts do not compile on diesel's multi-backend connection, so these run the
//! same diesel code on the inner connection of either backend (`on_inner!`).

use chrono::NaiveDateTime;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;

use crate::connection::DbConnection;
use crate::error::PersistenceError;
use crate::schema::{
    announcements, association_follows, association_memberships, associations, comments,
    committees, discoverable_members, discussion_groups, event_rsvps, events, follows,
    group_memberships, media, member_conditions, members, places, post_reactions, posts,
    profile_bands, resource_versions, resources, search_documents,
};

/// Runs the same diesel code on the inner connection of either backend.
macro_rules! on_inner {
    ($conn:expr, |$inner:ident| $body:expr) => {
        match $conn {
            DbConnection::Pg($inner) => $body,
            DbConnection::Sqlite($inner) => $body,
        }
    };
}

/// SQLite allows 32,766 bound parameters per statement; PostgreSQL 65,535.
const MAX_PARAMETERS: usize = 32_000;

#[derive(Insertable, Clone)]
#[cfg_attr(test, derive(Default))]
#[diesel(table_name = members)]
pub struct MemberRow {
    pub id: String,
    pub email: String,
    pub pseudonym: String,
    pub pseudonym_key: String,
    pub pseudonym_skeleton: Option<String>,
    pub password_hash: String,
    pub kind: &'static str,
    pub role: &'static str,
    pub bio: Option<String>,
    pub bio_visibility: &'static str,
    pub avatar_url: Option<String>,
    pub avatar_visibility: &'static str,
    pub city: Option<String>,
    pub region: Option<String>,
    pub country: Option<String>,
    pub location_visibility: &'static str,
    pub language: Option<String>,
    pub language_visibility: &'static str,
    pub conditions_visibility: &'static str,
    pub failed_logins: i32,
    pub login_locked_until: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub wall_visibility: &'static str,
    pub email_verified_at: Option<NaiveDateTime>,
}

#[derive(Insertable, Clone)]
#[cfg_attr(test, derive(Default))]
#[diesel(table_name = discussion_groups)]
pub struct GroupRow {
    pub id: String,
    pub name: String,
    pub name_key: String,
    pub description: String,
    pub condition_id: Option<String>,
    pub visibility: &'static str,
    pub audience: &'static str,
    pub member_count: i64,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub sponsor_name: Option<String>,
    pub sponsor_kind: Option<&'static str>,
    pub sponsor_links: Option<String>,
}

#[derive(Insertable, Clone)]
#[cfg_attr(test, derive(Default))]
#[diesel(table_name = group_memberships)]
pub struct MembershipRow {
    pub group_id: String,
    pub member_id: String,
    pub role: &'static str,
    pub status: &'static str,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Insertable, Clone)]
#[cfg_attr(test, derive(Default))]
#[diesel(table_name = posts)]
pub struct PostRow {
    pub id: String,
    pub author_id: String,
    pub group_id: Option<String>,
    pub body: String,
    pub body_html: String,
    pub created_at: NaiveDateTime,
    pub edited_at: Option<NaiveDateTime>,
    pub deleted_at: Option<NaiveDateTime>,
    pub pinned_at: Option<NaiveDateTime>,
    pub comment_count: i64,
    pub support_count: i64,
    pub thanks_count: i64,
    pub same_here_count: i64,
    pub hug_count: i64,
}

#[derive(Insertable, Clone)]
#[cfg_attr(test, derive(Default))]
#[diesel(table_name = comments)]
pub struct CommentRow {
    pub id: String,
    pub post_id: String,
    pub parent_id: Option<String>,
    pub depth: i32,
    pub author_id: String,
    pub body: String,
    pub body_html: String,
    pub created_at: NaiveDateTime,
    pub edited_at: Option<NaiveDateTime>,
    pub deleted_at: Option<NaiveDateTime>,
    pub support_count: i64,
    pub thanks_count: i64,
    pub same_here_count: i64,
    pub hug_count: i64,
}

#[derive(Insertable, Clone)]
#[cfg_attr(test, derive(Default))]
#[diesel(table_name = follows)]
pub struct FollowRow {
    pub follower_id: String,
    pub followed_id: String,
    pub created_at: NaiveDateTime,
}

#[derive(Insertable, Clone)]
#[cfg_attr(test, derive(Default))]
#[diesel(table_name = post_reactions)]
pub struct ReactionRow {
    pub post_id: String,
    pub member_id: String,
    pub kind: &'static str,
    pub created_at: NaiveDateTime,
}

#[derive(Insertable, Clone)]
#[cfg_attr(test, derive(Default))]
#[diesel(table_name = associations)]
pub struct AssociationRow {
    pub id: String,
    pub name: String,
    pub name_key: String,
    pub description: String,
    pub website: Option<String>,
    pub region: Option<String>,
    pub contact_email: Option<String>,
    pub open_membership: bool,
    pub status: &'static str,
    pub verified_at: Option<NaiveDateTime>,
    pub verified_by: Option<String>,
    pub webhook_secret: String,
    pub member_count: i64,
    pub follower_count: i64,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub sponsor_name: Option<String>,
    pub sponsor_kind: Option<&'static str>,
    pub sponsor_links: Option<String>,
}

#[derive(Insertable, Clone)]
#[cfg_attr(test, derive(Default))]
#[diesel(table_name = association_memberships)]
pub struct AssociationMembershipRow {
    pub association_id: String,
    pub member_id: String,
    pub role: &'static str,
    pub status: &'static str,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Insertable, Clone)]
#[cfg_attr(test, derive(Default))]
#[diesel(table_name = association_follows)]
pub struct AssociationFollowRow {
    pub association_id: String,
    pub member_id: String,
    pub created_at: NaiveDateTime,
}

#[derive(Insertable, Clone)]
#[cfg_attr(test, derive(Default))]
#[diesel(table_name = announcements)]
pub struct AnnouncementRow {
    pub id: String,
    pub association_id: String,
    pub author_id: String,
    pub title: String,
    pub body: String,
    pub body_html: String,
    pub link: Option<String>,
    pub for_patients: bool,
    pub for_caregivers: bool,
    pub for_professionals: bool,
    pub region_key: Option<String>,
    pub publish_at: NaiveDateTime,
    pub expires_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

#[derive(Insertable, Clone)]
#[cfg_attr(test, derive(Default))]
#[diesel(table_name = events)]
pub struct EventRow {
    pub id: String,
    pub title: String,
    pub description: String,
    pub organizer_id: String,
    pub group_id: Option<String>,
    pub association_id: Option<String>,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub time_zone: String,
    pub recurrence: Option<&'static str>,
    pub recurrence_until: Option<NaiveDateTime>,
    pub last_ends_at: NaiveDateTime,
    pub online_url: Option<String>,
    pub address: Option<String>,
    pub city: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub capacity: Option<i32>,
    pub status: &'static str,
    pub cancelled_at: Option<NaiveDateTime>,
    pub rescheduled_at: Option<NaiveDateTime>,
    pub previous_starts_at: Option<NaiveDateTime>,
    pub sequence: i32,
    pub going_count: i64,
    pub interested_count: i64,
    pub waitlist_count: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub sponsor_name: Option<String>,
    pub sponsor_kind: Option<&'static str>,
    pub sponsor_links: Option<String>,
}

#[derive(Insertable, Clone)]
#[cfg_attr(test, derive(Default))]
#[diesel(table_name = event_rsvps)]
pub struct RsvpRow {
    pub event_id: String,
    pub member_id: String,
    pub status: &'static str,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Insertable, Clone)]
#[cfg_attr(test, derive(Default))]
#[diesel(table_name = search_documents)]
pub struct SearchDocumentRow {
    pub doc_kind: &'static str,
    pub doc_id: String,
    pub terms: String,
}

#[derive(Insertable, Clone)]
#[cfg_attr(test, derive(Default))]
#[diesel(table_name = committees)]
pub struct CommitteeRow {
    pub id: String,
    pub name: String,
    pub name_key: String,
    pub description: String,
    pub association_id: Option<String>,
    pub quorum: i32,
    pub created_by: String,
    pub created_at: NaiveDateTime,
}

#[derive(Insertable, Clone)]
#[cfg_attr(test, derive(Default))]
#[diesel(table_name = resources)]
pub struct ResourceRow {
    pub id: String,
    pub kind: &'static str,
    pub language: String,
    pub audience: &'static str,
    pub committee_id: String,
    pub author_id: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub sponsor_name: Option<String>,
    pub sponsor_kind: Option<&'static str>,
    pub sponsor_links: Option<String>,
}

#[derive(Insertable, Clone)]
#[cfg_attr(test, derive(Default))]
#[diesel(table_name = resource_versions)]
pub struct ResourceVersionRow {
    pub id: String,
    pub resource_id: String,
    pub number: i32,
    pub status: &'static str,
    pub title: String,
    pub title_key: String,
    pub summary: String,
    pub body: String,
    pub body_html: String,
    pub tags: String,
    pub sources: String,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub submitted_at: Option<NaiveDateTime>,
    pub validated_at: Option<NaiveDateTime>,
    pub review_due_at: Option<NaiveDateTime>,
    pub published_at: Option<NaiveDateTime>,
}

#[derive(Insertable, Clone)]
#[cfg_attr(test, derive(Default))]
#[diesel(table_name = places)]
pub struct PlaceRow {
    pub id: String,
    pub name: String,
    pub name_key: String,
    pub kind: &'static str,
    pub description: String,
    pub address: String,
    pub city: String,
    pub city_key: String,
    pub postcode: Option<String>,
    pub latitude: f64,
    pub longitude: f64,
    pub audience: &'static str,
    pub created_by: String,
    pub verified_by: Option<String>,
    pub verified_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Insertable, Clone)]
#[cfg_attr(test, derive(Default))]
#[diesel(table_name = member_conditions)]
pub struct MemberConditionRow {
    pub member_id: String,
    pub condition_id: String,
}

#[derive(Insertable, Clone)]
#[cfg_attr(test, derive(Default))]
#[diesel(table_name = profile_bands)]
pub struct ProfileBandsRow {
    pub member_id: String,
    pub age_band: Option<&'static str>,
    pub age_band_visibility: &'static str,
    pub diagnosed_since: Option<&'static str>,
    pub diagnosed_since_visibility: &'static str,
}

#[derive(Insertable, Clone)]
#[cfg_attr(test, derive(Default))]
#[diesel(table_name = discoverable_members)]
pub struct DiscoverableRow {
    pub member_id: String,
    pub match_conditions: bool,
    pub match_kind: bool,
    pub match_age_band: bool,
    pub match_region: bool,
    pub match_language: bool,
    pub match_diagnosed_since: bool,
    pub since: NaiveDateTime,
}

#[derive(Insertable, Clone)]
#[cfg_attr(test, derive(Default))]
#[diesel(table_name = media)]
pub struct MediaRow {
    pub id: String,
    pub owner_id: String,
    pub format: &'static str,
    pub width: i32,
    pub height: i32,
    pub blurhash: String,
    pub variants: String,
    pub byte_size: i64,
    pub attached_to: Option<&'static str>,
    pub post_id: Option<String>,
    pub comment_id: Option<String>,
    pub created_at: NaiveDateTime,
    pub attached_at: Option<NaiveDateTime>,
}

/// A table the loader can fill, with the number of columns one row binds (to size batches under
/// the parameter limit).
pub trait BulkRow: Sized {
    const COLUMNS: usize;
    fn insert(conn: &mut DbConnection, rows: &[Self]) -> Result<usize, PersistenceError>;
}

/// Implements [`BulkRow`] (only ever through this macro) for each `Row => table, columns;`, where `columns` is the number of
/// fields of the row (the columns each row binds; a row may leave some of the table's columns to
/// their defaults). The unit test `every_bulk_row_declares_the_columns_it_binds` renders an
/// insert of each row and compares, so a wrong number fails it.
macro_rules! bulk_rows {
    ($($row:ty => $table:path, $columns:expr;)+) => {
        $(
            impl BulkRow for $row {
                const COLUMNS: usize = $columns;
                fn insert(
                    conn: &mut DbConnection,
                    rows: &[Self],
                ) -> Result<usize, PersistenceError> {
                    Ok(on_inner!(conn, |inner| diesel::insert_into($table)
                        .values(rows)
                        .execute(inner))?)
                }
            }
        )+

        /// Each row type with its declared column count and the SQL diesel writes to insert one
        /// (PostgreSQL's, which names every field, `DEFAULT` ones included).
        #[cfg(test)]
        fn declared_and_rendered() -> Vec<(&'static str, usize, String)> {
            vec![$((
                stringify!($row),
                <$row as BulkRow>::COLUMNS,
                diesel::debug_query::<diesel::pg::Pg, _>(
                    &diesel::insert_into($table).values(&<$row>::default()),
                )
                .to_string(),
            )),+]
        }
    };
}

bulk_rows! {
    MemberRow => members::table, 25;
    GroupRow => discussion_groups::table, 14;
    MembershipRow => group_memberships::table, 6;
    PostRow => posts::table, 14;
    CommentRow => comments::table, 14;
    FollowRow => follows::table, 3;
    ReactionRow => post_reactions::table, 4;
    AssociationRow => associations::table, 20;
    AssociationMembershipRow => association_memberships::table, 6;
    AssociationFollowRow => association_follows::table, 3;
    AnnouncementRow => announcements::table, 14;
    EventRow => events::table, 31;
    RsvpRow => event_rsvps::table, 5;
    SearchDocumentRow => search_documents::table, 3;
    CommitteeRow => committees::table, 8;
    ResourceRow => resources::table, 11;
    ResourceVersionRow => resource_versions::table, 18;
    PlaceRow => places::table, 17;
    MemberConditionRow => member_conditions::table, 2;
    ProfileBandsRow => profile_bands::table, 5;
    DiscoverableRow => discoverable_members::table, 8;
    MediaRow => media::table, 13;
}

/// Rows per statement for a table.
pub fn batch_size<T: BulkRow>() -> usize {
    (MAX_PARAMETERS / T::COLUMNS).max(1)
}

/// Inserts rows in batches under the parameter limit; call inside a transaction.
pub fn insert_all<T: BulkRow>(
    conn: &mut DbConnection,
    rows: &[T],
) -> Result<usize, PersistenceError> {
    let mut inserted = 0;
    for chunk in rows.chunks(batch_size::<T>()) {
        inserted += T::insert(conn, chunk)?;
    }
    Ok(inserted)
}

/// Loading settings: on SQLite, skip fsync while loading (a crash means loading again).
pub fn prepare_for_loading(conn: &mut DbConnection) -> Result<(), PersistenceError> {
    if let DbConnection::Sqlite(inner) = conn {
        inner.batch_execute("PRAGMA synchronous = OFF; PRAGMA cache_size = -200000;")?;
    }
    Ok(())
}

/// Back to normal settings. On PostgreSQL the search index's pending list is emptied, so that
/// the first searches of a freshly loaded database (with or without `ANALYZE`) do not scan it.
pub fn finish_loading(conn: &mut DbConnection) -> Result<(), PersistenceError> {
    match conn {
        DbConnection::Sqlite(inner) => inner.batch_execute("PRAGMA synchronous = NORMAL;")?,
        DbConnection::Pg(inner) => inner.batch_execute(
            "SELECT gin_clean_pending_list('search_documents_tsv_idx'::regclass);",
        )?,
    }
    Ok(())
}

/// Refreshes the planner's statistics (`ANALYZE` on both backends).
pub fn analyze(conn: &mut DbConnection) -> Result<(), PersistenceError> {
    conn.batch_execute("ANALYZE")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::declared_and_rendered;

    /// The columns named by `INSERT INTO "t" ("a", "b") VALUES ...`.
    fn column_list(sql: &str) -> Vec<&str> {
        let Some((_, rest)) = sql.split_once('(') else {
            return Vec::new();
        };
        let Some((columns, _)) = rest.split_once(") VALUES") else {
            return Vec::new();
        };
        columns
            .split(',')
            .map(|c| c.trim().trim_matches('"'))
            .collect()
    }

    #[test]
    fn every_bulk_row_declares_the_columns_it_binds() {
        let rows = declared_and_rendered();
        assert!(!rows.is_empty());
        let wrong: Vec<String> = rows
            .iter()
            .filter_map(|(row, declared, sql)| {
                let columns = column_list(sql);
                (columns.len() != *declared).then(|| {
                    format!(
                        "{row}: declared {declared}, binds {} {columns:?}",
                        columns.len()
                    )
                })
            })
            .collect();
        assert!(wrong.is_empty(), "bulk_rows! column counts: {wrong:#?}");
    }

    #[test]
    fn the_column_list_is_read_from_the_insert() {
        assert_eq!(
            column_list(r#"INSERT INTO "follows" ("a", "b") VALUES ($1, DEFAULT) -- binds: []"#),
            ["a", "b"]
        );
    }
}
