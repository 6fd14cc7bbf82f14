//! "People like me": the profile bands (age, diagnosed since), the discoverability setting and
//! the parts a member allows to be matched, the discover list and @mention completion.
//!
//! `discoverable_members` holds a row only while a member opts in: the discover and mention
//! queries drive from it (one primary-key look-up per discoverable member into `members`,
//! `profile_bands`, `member_conditions` and `blocks`), so their cost follows the number of
//! discoverable members, never the number of members. The SQL applies
//! `domain::discovery::DiscoveryParts::matchable` (allowed and not private) to filters and
//! ranking; what is shown is decided again in Rust by the same policy.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Nullable, Text, Timestamp};
use entraide_domain::discovery::{
    AgeBand, DiagnosedSince, DiscoveryParts, MAX_RANKED_CONDITIONS, MentionPrefix, RANK_WEIGHTS,
};
use entraide_domain::ids::{ConditionId, MemberId};
use entraide_domain::member::{MemberKind, Pseudonym};
use entraide_domain::profile::{Field, LanguageTag, Visibility, defaults};

use crate::connection::{Backend, DbConnection};
use crate::convert::{from_db_time, parse_enum, parse_id, to_db_time};
use crate::error::PersistenceError;
use crate::schema::{discoverable_members, member_conditions, profile_bands};

/// A member's bands as stored (defaults when they never set one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bands {
    pub age_band: Field<Option<AgeBand>>,
    pub diagnosed_since: Field<Option<DiagnosedSince>>,
}

/// The member's bands; absent means none, at the default visibilities.
pub fn bands(conn: &mut DbConnection, member: MemberId) -> Result<Bands, PersistenceError> {
    let row = profile_bands::table
        .find(member.to_string())
        .select((
            profile_bands::age_band,
            profile_bands::age_band_visibility,
            profile_bands::diagnosed_since,
            profile_bands::diagnosed_since_visibility,
        ))
        .first::<(Option<String>, String, Option<String>, String)>(conn)
        .optional()?;
    let Some((age_band, age_visibility, diagnosed_since, diagnosed_visibility)) = row else {
        return Ok(Bands {
            age_band: Field::new(None, defaults::AGE_BAND),
            diagnosed_since: Field::new(None, defaults::DIAGNOSED_SINCE),
        });
    };
    Ok(Bands {
        age_band: Field::new(
            age_band
                .map(|raw| parse_enum(&raw, AgeBand::parse))
                .transpose()?,
            parse_enum(&age_visibility, Visibility::parse)?,
        ),
        diagnosed_since: Field::new(
            diagnosed_since
                .map(|raw| parse_enum(&raw, DiagnosedSince::parse))
                .transpose()?,
            parse_enum(&diagnosed_visibility, Visibility::parse)?,
        ),
    })
}

/// Changes to the bands: `None` leaves a value as it is, `Some(None)` clears it.
#[derive(Debug, Clone, Copy, Default)]
pub struct BandChanges {
    pub age_band: Option<Option<AgeBand>>,
    pub age_band_visibility: Option<Visibility>,
    pub diagnosed_since: Option<Option<DiagnosedSince>>,
    pub diagnosed_since_visibility: Option<Visibility>,
}

#[derive(AsChangeset)]
#[diesel(table_name = profile_bands)]
struct BandChangeset {
    age_band: Option<Option<&'static str>>,
    age_band_visibility: Option<&'static str>,
    diagnosed_since: Option<Option<&'static str>>,
    diagnosed_since_visibility: Option<&'static str>,
}

/// Applies band changes (inside the profile update's transaction).
pub fn update_bands(
    conn: &mut DbConnection,
    member: MemberId,
    changes: &BandChanges,
) -> Result<(), PersistenceError> {
    let BandChanges {
        age_band,
        age_band_visibility,
        diagnosed_since,
        diagnosed_since_visibility,
    } = *changes;
    if age_band.is_none()
        && age_band_visibility.is_none()
        && diagnosed_since.is_none()
        && diagnosed_since_visibility.is_none()
    {
        return Ok(());
    }
    let key = member.to_string();
    diesel::sql_query(
        "INSERT INTO profile_bands (member_id, age_band_visibility, diagnosed_since_visibility) \
         VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
    )
    .bind::<Text, _>(&key)
    .bind::<Text, _>(defaults::AGE_BAND.as_str())
    .bind::<Text, _>(defaults::DIAGNOSED_SINCE.as_str())
    .execute(conn)?;
    diesel::update(profile_bands::table.find(&key))
        .set(BandChangeset {
            age_band: age_band.map(|band| band.map(AgeBand::as_str)),
            age_band_visibility: age_band_visibility.map(Visibility::as_str),
            diagnosed_since: diagnosed_since.map(|band| band.map(DiagnosedSince::as_str)),
            diagnosed_since_visibility: diagnosed_since_visibility.map(Visibility::as_str),
        })
        .execute(conn)?;
    Ok(())
}

/// A member's discoverability: the parts they allow, since when they are discoverable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Discoverable {
    pub parts: DiscoveryParts,
    pub since: DateTime<Utc>,
}

type DiscoverableRow = (bool, bool, bool, bool, bool, bool, NaiveDateTime);

/// The columns read into a [`DiscoverableRow`].
macro_rules! discoverable_columns {
    () => {
        (
            discoverable_members::match_conditions,
            discoverable_members::match_kind,
            discoverable_members::match_age_band,
            discoverable_members::match_region,
            discoverable_members::match_language,
            discoverable_members::match_diagnosed_since,
            discoverable_members::since,
        )
    };
}

fn parts_of(row: DiscoverableRow) -> Discoverable {
    let (conditions, kind, age_band, region, language, diagnosed_since, since) = row;
    Discoverable {
        parts: DiscoveryParts {
            conditions,
            kind,
            age_band,
            region,
            language,
            diagnosed_since,
        },
        since: from_db_time(since),
    }
}

/// A member's settings as stored: their two switches on the `members` row and their
/// discoverability (`None`: not discoverable).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoredSettings {
    pub receive_announcements: bool,
    pub listed_in_member_lists: bool,
    pub discoverable: Option<Discoverable>,
}

/// A member's settings in one statement (`members` joined to `discoverable_members`), `None`
/// when there is no such member. Fixed shape, so prepared once per connection.
pub fn settings(
    conn: &mut DbConnection,
    member: MemberId,
) -> Result<Option<StoredSettings>, PersistenceError> {
    use crate::schema::members;
    let row = members::table
        .left_join(discoverable_members::table)
        .filter(members::id.eq(member.to_string()))
        .select((
            members::receive_announcements,
            members::listed_in_member_lists,
            discoverable_columns!().nullable(),
        ))
        .first::<(bool, bool, Option<DiscoverableRow>)>(conn)
        .optional()?;
    Ok(row.map(
        |(receive_announcements, listed_in_member_lists, discoverable)| StoredSettings {
            receive_announcements,
            listed_in_member_lists,
            discoverable: discoverable.map(parts_of),
        },
    ))
}

/// `None` when the member is not discoverable (the default).
pub fn discoverable(
    conn: &mut DbConnection,
    member: MemberId,
) -> Result<Option<Discoverable>, PersistenceError> {
    Ok(discoverable_members::table
        .find(member.to_string())
        .select(discoverable_columns!())
        .first::<DiscoverableRow>(conn)
        .optional()?
        .map(parts_of))
}

/// Makes the member discoverable with these parts (`since` kept when they already were), or
/// not discoverable (`None`: the row and the parts chosen go).
pub fn set_discoverable(
    conn: &mut DbConnection,
    member: MemberId,
    parts: Option<DiscoveryParts>,
    now: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    let key = member.to_string();
    let Some(parts) = parts else {
        diesel::delete(discoverable_members::table.find(&key)).execute(conn)?;
        return Ok(());
    };
    let DiscoveryParts {
        conditions,
        kind,
        age_band,
        region,
        language,
        diagnosed_since,
    } = parts;
    let flags = (
        discoverable_members::match_conditions.eq(conditions),
        discoverable_members::match_kind.eq(kind),
        discoverable_members::match_age_band.eq(age_band),
        discoverable_members::match_region.eq(region),
        discoverable_members::match_language.eq(language),
        discoverable_members::match_diagnosed_since.eq(diagnosed_since),
    );
    let updated = diesel::update(discoverable_members::table.find(&key))
        .set(flags)
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(discoverable_members::table)
            .values((
                discoverable_members::member_id.eq(&key),
                flags.0,
                flags.1,
                flags.2,
                flags.3,
                flags.4,
                flags.5,
                discoverable_members::since.eq(to_db_time(now)),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// What the reader brings to the ranking: their own kind, region, age band (their conditions
/// are read by the query). Their own visibilities do not matter: only they see the ranking.
#[derive(Debug, Clone)]
pub struct Reader {
    pub id: MemberId,
    pub kind: MemberKind,
    pub region: Option<String>,
    pub age_band: Option<AgeBand>,
}

/// The discover filters; each matches only members for whom that part is matchable.
#[derive(Debug, Clone, Default)]
pub struct DiscoverFilters {
    pub condition: Option<ConditionId>,
    pub kind: Option<MemberKind>,
    pub region: Option<String>,
    pub age_band: Option<AgeBand>,
    pub language: Option<LanguageTag>,
}

/// A discoverable member as stored, with their allowed parts and the visibilities of those
/// parts: the caller shows what `DiscoveryParts::matchable` admits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscoveredMember {
    pub member_id: MemberId,
    pub pseudonym: Pseudonym,
    pub parts: DiscoveryParts,
    pub kind: MemberKind,
    pub region: Field<Option<String>>,
    pub language: Field<Option<LanguageTag>>,
    pub age_band: Field<Option<AgeBand>>,
    pub diagnosed_since: Field<Option<DiagnosedSince>>,
    /// Filled only when conditions are matchable (empty otherwise).
    pub conditions: Field<Vec<ConditionId>>,
    pub score: i64,
}

#[derive(QueryableByName)]
struct DiscoverRow {
    #[diesel(sql_type = Text)]
    member_id: String,
    #[diesel(sql_type = Text)]
    pseudonym: String,
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = Nullable<Text>)]
    region: Option<String>,
    #[diesel(sql_type = Text)]
    location_visibility: String,
    #[diesel(sql_type = Nullable<Text>)]
    language: Option<String>,
    #[diesel(sql_type = Text)]
    language_visibility: String,
    #[diesel(sql_type = Text)]
    conditions_visibility: String,
    #[diesel(sql_type = Nullable<Text>)]
    age_band: Option<String>,
    #[diesel(sql_type = Text)]
    age_band_visibility: String,
    #[diesel(sql_type = Nullable<Text>)]
    diagnosed_since: Option<String>,
    #[diesel(sql_type = Text)]
    diagnosed_since_visibility: String,
    #[diesel(sql_type = Bool)]
    match_conditions: bool,
    #[diesel(sql_type = Bool)]
    match_kind: bool,
    #[diesel(sql_type = Bool)]
    match_age_band: bool,
    #[diesel(sql_type = Bool)]
    match_region: bool,
    #[diesel(sql_type = Bool)]
    match_language: bool,
    #[diesel(sql_type = Bool)]
    match_diagnosed_since: bool,
    #[diesel(sql_type = BigInt)]
    score: i64,
}

/// The discover query's text: one scan of `discoverable_members` with primary-key look-ups
/// (`dialect::discoverable_joins`). SQLite numbers `$n` parameters in order of first
/// appearance: keep them in order. A part counts (filter, rank) only when allowed
/// (`d.match_*`) and not private.
pub fn discover_sql(backend: Backend) -> String {
    let joins = crate::dialect::discoverable_joins(backend, true);
    let [w_conditions, w_kind, w_region, w_age] = RANK_WEIGHTS;
    let private = Visibility::Private.as_str();
    format!(
        "SELECT * FROM (\
         SELECT d.member_id AS member_id, m.pseudonym AS pseudonym, m.kind AS kind, \
           m.region AS region, m.location_visibility AS location_visibility, \
           m.language AS language, m.language_visibility AS language_visibility, \
           m.conditions_visibility AS conditions_visibility, \
           b.age_band AS age_band, \
           COALESCE(b.age_band_visibility, '{private}') AS age_band_visibility, \
           b.diagnosed_since AS diagnosed_since, \
           COALESCE(b.diagnosed_since_visibility, '{private}') AS diagnosed_since_visibility, \
           d.match_conditions AS match_conditions, d.match_kind AS match_kind, \
           d.match_age_band AS match_age_band, d.match_region AS match_region, \
           d.match_language AS match_language, \
           d.match_diagnosed_since AS match_diagnosed_since, \
           (CASE WHEN d.match_conditions AND m.conditions_visibility <> '{private}' THEN \
              (SELECT COUNT(*) FROM member_conditions theirs \
               JOIN member_conditions mine ON mine.condition_id = theirs.condition_id \
                 AND mine.member_id = $1 \
               WHERE theirs.member_id = d.member_id) \
            ELSE 0 END) * {w_conditions} \
           + (CASE WHEN d.match_kind AND m.kind = $2 THEN {w_kind} ELSE 0 END) \
           + (CASE WHEN d.match_region AND m.location_visibility <> '{private}' \
                AND m.region = $3 THEN {w_region} ELSE 0 END) \
           + (CASE WHEN d.match_age_band AND b.age_band_visibility <> '{private}' \
                AND b.age_band = $4 THEN {w_age} ELSE 0 END) AS score \
         FROM discoverable_members d {joins} \
         WHERE m.id = d.member_id AND d.member_id <> $1 \
           AND (m.suspended_until IS NULL OR m.suspended_until <= $5) \
           AND NOT EXISTS (SELECT 1 FROM blocks k1 \
             WHERE k1.blocker_id = $1 AND k1.blocked_id = d.member_id) \
           AND NOT EXISTS (SELECT 1 FROM blocks k2 \
             WHERE k2.blocker_id = d.member_id AND k2.blocked_id = $1) \
           AND ($6 IS NULL OR (d.match_conditions AND m.conditions_visibility <> '{private}' \
             AND EXISTS (SELECT 1 FROM member_conditions f \
               WHERE f.member_id = d.member_id AND f.condition_id = $6))) \
           AND ($7 IS NULL OR (d.match_kind AND m.kind = $7)) \
           AND ($8 IS NULL OR (d.match_region AND m.location_visibility <> '{private}' \
             AND m.region = $8)) \
           AND ($9 IS NULL OR (d.match_age_band AND b.age_band_visibility <> '{private}' \
             AND b.age_band = $9)) \
           AND ($10 IS NULL OR (d.match_language AND m.language_visibility <> '{private}' \
             AND m.language = $10)) \
         ) ranked \
         WHERE ($11 IS NULL OR ranked.score < $11 \
           OR (ranked.score = $11 AND ranked.member_id > $12)) \
         ORDER BY ranked.score DESC, ranked.member_id ASC \
         LIMIT $13"
    )
}

/// Discoverable members for `reader`, best match first; keyset on (score, member id).
pub fn discover(
    conn: &mut DbConnection,
    reader: &Reader,
    filters: &DiscoverFilters,
    after: Option<(i64, MemberId)>,
    limit: i64,
    now: DateTime<Utc>,
) -> Result<Vec<DiscoveredMember>, PersistenceError> {
    let DiscoverFilters {
        condition,
        kind,
        region,
        age_band,
        language,
    } = filters;
    let backend = crate::dialect::backend_of(conn);
    let query = diesel::sql_query(discover_sql(backend))
        .bind::<Text, _>(reader.id.to_string())
        .bind::<Text, _>(reader.kind.as_str())
        .bind::<Nullable<Text>, _>(reader.region.as_deref())
        .bind::<Nullable<Text>, _>(reader.age_band.map(AgeBand::as_str))
        .bind::<Timestamp, _>(to_db_time(now))
        .bind::<Nullable<Text>, _>(condition.map(|c| c.to_string()))
        .bind::<Nullable<Text>, _>(kind.map(MemberKind::as_str))
        .bind::<Nullable<Text>, _>(region.as_deref())
        .bind::<Nullable<Text>, _>(age_band.map(AgeBand::as_str))
        .bind::<Nullable<Text>, _>(language.as_ref().map(LanguageTag::as_str))
        .bind::<Nullable<BigInt>, _>(after.map(|(score, _)| score))
        .bind::<Nullable<Text>, _>(after.map(|(_, id)| id.to_string()))
        .bind::<BigInt, _>(limit);
    let rows: Vec<DiscoverRow> =
        crate::dialect::with_custom_plans(conn, |conn| Ok(query.load(conn)?))?;
    let mut found = rows
        .into_iter()
        .map(into_discovered)
        .collect::<Result<Vec<_>, _>>()?;
    // One batched read of the conditions of those who show them.
    let showing: Vec<String> = found
        .iter()
        .filter(|m| m.parts.conditions && m.conditions.visibility != Visibility::Private)
        .map(|m| m.member_id.to_string())
        .collect();
    if !showing.is_empty() {
        let pairs: Vec<(String, String)> = member_conditions::table
            .filter(member_conditions::member_id.eq_any(&showing))
            .select((
                member_conditions::member_id,
                member_conditions::condition_id,
            ))
            .order((
                member_conditions::member_id,
                member_conditions::condition_id,
            ))
            .load(conn)?;
        for (member, condition) in pairs {
            let member: MemberId = parse_id(&member)?;
            if let Some(entry) = found.iter_mut().find(|m| m.member_id == member) {
                entry.conditions.value.push(parse_id(&condition)?);
            }
        }
    }
    Ok(found)
}

fn into_discovered(row: DiscoverRow) -> Result<DiscoveredMember, PersistenceError> {
    let DiscoverRow {
        member_id,
        pseudonym,
        kind,
        region,
        location_visibility,
        language,
        language_visibility,
        conditions_visibility,
        age_band,
        age_band_visibility,
        diagnosed_since,
        diagnosed_since_visibility,
        match_conditions,
        match_kind,
        match_age_band,
        match_region,
        match_language,
        match_diagnosed_since,
        score,
    } = row;
    let visibility = |raw: &str| parse_enum(raw, Visibility::parse);
    Ok(DiscoveredMember {
        member_id: parse_id(&member_id)?,
        pseudonym: Pseudonym::from_stored(pseudonym),
        parts: DiscoveryParts {
            conditions: match_conditions,
            kind: match_kind,
            age_band: match_age_band,
            region: match_region,
            language: match_language,
            diagnosed_since: match_diagnosed_since,
        },
        kind: parse_enum(&kind, MemberKind::parse)?,
        region: Field::new(region, visibility(&location_visibility)?),
        language: Field::new(
            language.map(LanguageTag::from_stored),
            visibility(&language_visibility)?,
        ),
        age_band: Field::new(
            age_band
                .map(|raw| parse_enum(&raw, AgeBand::parse))
                .transpose()?,
            visibility(&age_band_visibility)?,
        ),
        diagnosed_since: Field::new(
            diagnosed_since
                .map(|raw| parse_enum(&raw, DiagnosedSince::parse))
                .transpose()?,
            visibility(&diagnosed_since_visibility)?,
        ),
        conditions: Field::new(Vec::new(), visibility(&conditions_visibility)?),
        score,
    })
}

/// The cap of shared conditions in the SQL score is implicit: a profile holds at most
/// `ProfileChanges::MAX_CONDITIONS` (20) conditions, the domain's `MAX_RANKED_CONDITIONS`.
const _: () = assert!(MAX_RANKED_CONDITIONS == 20);

#[derive(QueryableByName)]
struct MentionRow {
    #[diesel(sql_type = Text)]
    id: String,
    #[diesel(sql_type = Text)]
    pseudonym: String,
    #[diesel(sql_type = Text)]
    kind: String,
}

/// The mention query's text (see [`discover_sql`] for the shape).
pub fn mention_sql(backend: Backend) -> String {
    let joins = crate::dialect::discoverable_joins(backend, false);
    format!(
        "SELECT m.id AS id, m.pseudonym AS pseudonym, m.kind AS kind \
     FROM discoverable_members d {joins} \
     WHERE m.id = d.member_id AND m.pseudonym_key LIKE $1 ESCAPE '\\' \
       AND d.member_id <> $2 \
       AND (m.suspended_until IS NULL OR m.suspended_until <= $3) \
       AND NOT EXISTS (SELECT 1 FROM blocks k1 \
         WHERE k1.blocker_id = $2 AND k1.blocked_id = d.member_id) \
       AND NOT EXISTS (SELECT 1 FROM blocks k2 \
         WHERE k2.blocker_id = d.member_id AND k2.blocked_id = $2) \
     ORDER BY m.pseudonym_key ASC, m.id ASC \
     LIMIT $4"
    )
}

/// Discoverable members whose pseudonym starts with `prefix` (case-insensitive, wildcards
/// taken literally), for an @mention; alphabetical.
pub fn mentions(
    conn: &mut DbConnection,
    reader: MemberId,
    prefix: &MentionPrefix,
    limit: i64,
    now: DateTime<Utc>,
) -> Result<Vec<(MemberId, Pseudonym, MemberKind)>, PersistenceError> {
    let backend = crate::dialect::backend_of(conn);
    let query = diesel::sql_query(mention_sql(backend))
        .bind::<Text, _>(crate::dialect::like_prefix(prefix.as_key()))
        .bind::<Text, _>(reader.to_string())
        .bind::<Timestamp, _>(to_db_time(now))
        .bind::<BigInt, _>(limit);
    // A `LIKE` prefix serves as an index range only when the planner sees its value.
    let rows: Vec<MentionRow> =
        crate::dialect::with_custom_plans(conn, |conn| Ok(query.load(conn)?))?;
    rows.into_iter()
        .map(
            |MentionRow {
                 id,
                 pseudonym,
                 kind,
             }| {
                Ok((
                    parse_id(&id)?,
                    Pseudonym::from_stored(pseudonym),
                    parse_enum(&kind, MemberKind::parse)?,
                ))
            },
        )
        .collect()
}
