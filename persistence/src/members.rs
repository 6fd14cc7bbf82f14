//! Members: accounts, credentials and profiles.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use entraide_domain::ids::{ConditionId, MemberId};
use entraide_domain::member::{Email, MemberKind, PlatformRole, Pseudonym};
use entraide_domain::profile::{
    AvatarUrl, Bio, Field, LanguageTag, Location, Profile, ProfileChanges, Visibility, defaults,
};

use crate::connection::DbConnection;
use crate::convert::{from_db_time, parse_enum, parse_id, to_db_time};
use crate::error::PersistenceError;
use crate::schema::{member_badges, member_conditions, members};
use entraide_domain::verification::Badge;

/// A member as the owner sees their account: the profile plus private account data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub email: Email,
    /// Whether the member proved they receive mail at `email` (a verification link was used,
    /// or a password reset mailed there).
    pub email_verified: bool,
    pub profile: Profile,
}

/// What login needs to know about an account.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub id: MemberId,
    pub password_hash: String,
    pub role: PlatformRole,
    /// Suspended or banned by moderators until then (`None`: never, or lifted).
    pub suspended_until: Option<DateTime<Utc>>,
}

/// A member to create; the password is already hashed.
#[derive(Debug)]
pub struct NewMember<'a> {
    pub id: MemberId,
    pub email: &'a Email,
    pub pseudonym: &'a Pseudonym,
    pub kind: MemberKind,
    pub role: PlatformRole,
    pub password_hash: &'a str,
    pub created_at: DateTime<Utc>,
    /// `None` for a new registration (a verification link is mailed); an account made by an
    /// operator (`entraide create-admin`) is vouched for.
    pub email_verified_at: Option<DateTime<Utc>>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = members)]
struct MemberRow {
    id: String,
    email: String,
    pseudonym: String,
    kind: String,
    role: String,
    bio: Option<String>,
    bio_visibility: String,
    avatar_url: Option<String>,
    avatar_visibility: String,
    city: Option<String>,
    region: Option<String>,
    country: Option<String>,
    location_visibility: String,
    language: Option<String>,
    language_visibility: String,
    conditions_visibility: String,
    wall_visibility: String,
    created_at: chrono::NaiveDateTime,
    email_verified_at: Option<chrono::NaiveDateTime>,
}

impl MemberRow {
    fn into_account(
        self,
        conditions: Vec<ConditionId>,
        bands: crate::discovery::Bands,
    ) -> Result<Account, PersistenceError> {
        let Self {
            id,
            email,
            pseudonym,
            kind,
            role,
            bio,
            bio_visibility,
            avatar_url,
            avatar_visibility,
            city,
            region,
            country,
            location_visibility,
            language,
            language_visibility,
            conditions_visibility,
            wall_visibility,
            created_at,
            email_verified_at,
        } = self;
        let visibility = |raw: &str| parse_enum(raw, Visibility::parse);
        let profile = Profile {
            id: parse_id(&id)?,
            pseudonym: Pseudonym::from_stored(pseudonym),
            kind: parse_enum(&kind, MemberKind::parse)?,
            role: parse_enum(&role, PlatformRole::parse)?,
            bio: Field::new(bio.map(Bio::from_stored), visibility(&bio_visibility)?),
            avatar_url: Field::new(
                avatar_url.map(AvatarUrl::from_stored),
                visibility(&avatar_visibility)?,
            ),
            location: Field::new(
                Location {
                    city,
                    region,
                    country,
                },
                visibility(&location_visibility)?,
            ),
            language: Field::new(
                language.map(LanguageTag::from_stored),
                visibility(&language_visibility)?,
            ),
            conditions: Field::new(conditions, visibility(&conditions_visibility)?),
            age_band: bands.age_band,
            diagnosed_since: bands.diagnosed_since,
            wall_visibility: visibility(&wall_visibility)?,
            created_at: from_db_time(created_at),
        };
        Ok(Account {
            email: Email::from_stored(email),
            email_verified: email_verified_at.is_some(),
            profile,
        })
    }
}

#[derive(Insertable)]
#[diesel(table_name = members)]
struct MemberInsert<'a> {
    id: String,
    email: &'a str,
    pseudonym: &'a str,
    pseudonym_key: String,
    pseudonym_skeleton: String,
    password_hash: &'a str,
    kind: &'static str,
    role: &'static str,
    bio_visibility: &'static str,
    avatar_visibility: &'static str,
    location_visibility: &'static str,
    language_visibility: &'static str,
    conditions_visibility: &'static str,
    wall_visibility: &'static str,
    listed_in_member_lists: bool,
    failed_logins: i32,
    created_at: chrono::NaiveDateTime,
    updated_at: chrono::NaiveDateTime,
    email_verified_at: Option<chrono::NaiveDateTime>,
}

/// Creates a member with default visibilities. A taken e-mail or pseudonym is a
/// [`PersistenceError::UniqueViolation`] naming the field.
pub fn insert(conn: &mut DbConnection, new: &NewMember<'_>) -> Result<Account, PersistenceError> {
    let NewMember {
        id,
        email,
        pseudonym,
        kind,
        role,
        password_hash,
        created_at,
        email_verified_at,
    } = new;
    let now = to_db_time(*created_at);
    diesel::insert_into(members::table)
        .values(MemberInsert {
            id: id.to_string(),
            email: email.as_str(),
            pseudonym: pseudonym.as_str(),
            pseudonym_key: pseudonym.key(),
            pseudonym_skeleton: pseudonym.skeleton(),
            password_hash,
            kind: kind.as_str(),
            role: role.as_str(),
            bio_visibility: defaults::BIO.as_str(),
            avatar_visibility: defaults::AVATAR.as_str(),
            location_visibility: defaults::LOCATION.as_str(),
            language_visibility: defaults::LANGUAGE.as_str(),
            conditions_visibility: defaults::CONDITIONS.as_str(),
            wall_visibility: defaults::WALL.as_str(),
            listed_in_member_lists: defaults::LISTED_IN_MEMBER_LISTS,
            failed_logins: 0,
            created_at: now,
            updated_at: now,
            email_verified_at: email_verified_at.map(to_db_time),
        })
        .execute(conn)?;
    find_account(conn, *id)?.ok_or(PersistenceError::NotFound)
}

/// The account of a member, with their conditions of interest.
pub fn find_account(
    conn: &mut DbConnection,
    id: MemberId,
) -> Result<Option<Account>, PersistenceError> {
    let key = id.to_string();
    let Some(row) = members::table
        .find(&key)
        .select(MemberRow::as_select())
        .first(conn)
        .optional()?
    else {
        return Ok(None);
    };
    let conditions = condition_ids(conn, &key)?;
    let bands = crate::discovery::bands(conn, id)?;
    row.into_account(conditions, bands).map(Some)
}

/// A member's profile (what [`Profile::view_for`] filters for each reader).
pub fn find_profile(
    conn: &mut DbConnection,
    id: MemberId,
) -> Result<Option<Profile>, PersistenceError> {
    Ok(find_account(conn, id)?.map(|account| account.profile))
}

fn condition_ids(
    conn: &mut DbConnection,
    member_id: &str,
) -> Result<Vec<ConditionId>, PersistenceError> {
    member_conditions::table
        .filter(member_conditions::member_id.eq(member_id))
        .select(member_conditions::condition_id)
        .order(member_conditions::condition_id)
        .load::<String>(conn)?
        .iter()
        .map(|raw| parse_id(raw))
        .collect()
}

type CredentialsRow = (String, String, String, Option<NaiveDateTime>);

fn into_credentials(row: CredentialsRow) -> Result<Credentials, PersistenceError> {
    let (id, password_hash, role, suspended_until) = row;
    Ok(Credentials {
        id: parse_id(&id)?,
        password_hash,
        role: parse_enum(&role, PlatformRole::parse)?,
        suspended_until: suspended_until.map(from_db_time),
    })
}

/// Failed logins are counted in `login_throttles` (per e-mail and client), not in the
/// `members.failed_logins` / `login_locked_until` columns, which are no longer used.
const CREDENTIALS_COLUMNS: (
    members::id,
    members::password_hash,
    members::role,
    members::suspended_until,
) = (
    members::id,
    members::password_hash,
    members::role,
    members::suspended_until,
);

/// Suspends (until `until`) or reinstates (`None`) a member. A suspension ends every session
/// at once.
pub fn set_suspension(
    conn: &mut DbConnection,
    id: MemberId,
    until: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    let updated = diesel::update(members::table.find(id.to_string()))
        .set((
            members::suspended_until.eq(until.map(to_db_time)),
            members::updated_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    if updated == 0 {
        return Err(PersistenceError::NotFound);
    }
    if until.is_some() {
        crate::sessions::revoke_other_sessions(conn, id, None, now)?;
    }
    Ok(())
}

pub fn find_credentials_by_email(
    conn: &mut DbConnection,
    email: &Email,
) -> Result<Option<Credentials>, PersistenceError> {
    members::table
        .filter(members::email.eq(email.as_str()))
        .select(CREDENTIALS_COLUMNS)
        .first::<CredentialsRow>(conn)
        .optional()?
        .map(into_credentials)
        .transpose()
}

pub fn find_credentials(
    conn: &mut DbConnection,
    id: MemberId,
) -> Result<Option<Credentials>, PersistenceError> {
    members::table
        .find(id.to_string())
        .select(CREDENTIALS_COLUMNS)
        .first::<CredentialsRow>(conn)
        .optional()?
        .map(into_credentials)
        .transpose()
}

pub fn update_password_hash(
    conn: &mut DbConnection,
    id: MemberId,
    password_hash: &str,
    now: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    let updated = diesel::update(members::table.find(id.to_string()))
        .set((
            members::password_hash.eq(password_hash),
            members::updated_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    if updated == 0 {
        return Err(PersistenceError::NotFound);
    }
    Ok(())
}

/// The member holding this address, if any.
pub fn id_by_email(
    conn: &mut DbConnection,
    email: &Email,
) -> Result<Option<MemberId>, PersistenceError> {
    members::table
        .filter(members::email.eq(email.as_str()))
        .select(members::id)
        .first::<String>(conn)
        .optional()?
        .map(|id| parse_id(&id))
        .transpose()
}

/// Whether a member holds this pseudonym or one that looks the same (the two unique keys
/// `insert` would collide with).
pub fn pseudonym_taken(
    conn: &mut DbConnection,
    pseudonym: &Pseudonym,
) -> Result<bool, PersistenceError> {
    let taken: i64 = members::table
        .filter(
            members::pseudonym_key
                .eq(pseudonym.key())
                .or(members::pseudonym_skeleton.eq(pseudonym.skeleton())),
        )
        .count()
        .get_result(conn)?;
    Ok(taken > 0)
}

/// Records that the member receives mail at their current address; an address verified
/// before keeps its first date.
pub fn mark_email_verified(
    conn: &mut DbConnection,
    id: MemberId,
    now: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    diesel::update(
        members::table
            .find(id.to_string())
            .filter(members::email_verified_at.is_null()),
    )
    .set(members::email_verified_at.eq(to_db_time(now)))
    .execute(conn)?;
    Ok(())
}

/// Moves the member to a new address, verified at `now` (the link mailed there was used). An
/// address another member took meanwhile is a [`PersistenceError::UniqueViolation`] on `email`.
pub fn change_email(
    conn: &mut DbConnection,
    id: MemberId,
    email: &Email,
    now: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    let now = to_db_time(now);
    let updated = diesel::update(members::table.find(id.to_string()))
        .set((
            members::email.eq(email.as_str()),
            members::email_verified_at.eq(now),
            members::updated_at.eq(now),
        ))
        .execute(conn)?;
    if updated == 0 {
        return Err(PersistenceError::NotFound);
    }
    Ok(())
}

/// Gives a platform role to a member.
pub fn set_role(
    conn: &mut DbConnection,
    id: MemberId,
    role: PlatformRole,
    now: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    let updated = diesel::update(members::table.find(id.to_string()))
        .set((
            members::role.eq(role.as_str()),
            members::updated_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    if updated == 0 {
        return Err(PersistenceError::NotFound);
    }
    Ok(())
}

/// Gives a platform role to the member with this e-mail; returns their id.
pub fn set_role_by_email(
    conn: &mut DbConnection,
    email: &Email,
    role: PlatformRole,
    now: DateTime<Utc>,
) -> Result<MemberId, PersistenceError> {
    let id: String = diesel::update(members::table.filter(members::email.eq(email.as_str())))
        .set((
            members::role.eq(role.as_str()),
            members::updated_at.eq(to_db_time(now)),
        ))
        .returning(members::id)
        .get_result(conn)?;
    parse_id(&id)
}

#[derive(AsChangeset)]
#[diesel(table_name = members)]
struct ProfileChangeset<'a> {
    pseudonym: Option<&'a str>,
    pseudonym_key: Option<String>,
    pseudonym_skeleton: Option<String>,
    bio: Option<Option<&'a str>>,
    bio_visibility: Option<&'static str>,
    avatar_url: Option<Option<&'a str>>,
    avatar_visibility: Option<&'static str>,
    city: Option<Option<&'a str>>,
    region: Option<Option<&'a str>>,
    country: Option<Option<&'a str>>,
    location_visibility: Option<&'static str>,
    language: Option<Option<&'a str>>,
    language_visibility: Option<&'static str>,
    conditions_visibility: Option<&'static str>,
    wall_visibility: Option<&'static str>,
    updated_at: chrono::NaiveDateTime,
}

/// Applies profile changes; a changed list of conditions replaces the old one. Unknown
/// conditions are a [`PersistenceError::ForeignKeyViolation`]; call inside a transaction.
pub fn update_profile(
    conn: &mut DbConnection,
    id: MemberId,
    changes: &ProfileChanges,
    now: DateTime<Utc>,
) -> Result<Account, PersistenceError> {
    let ProfileChanges {
        pseudonym,
        bio,
        bio_visibility,
        avatar_url,
        avatar_visibility,
        location,
        location_visibility,
        language,
        language_visibility,
        conditions,
        conditions_visibility,
        age_band,
        age_band_visibility,
        diagnosed_since,
        diagnosed_since_visibility,
        wall_visibility,
    } = changes;
    let key = id.to_string();
    let changeset = ProfileChangeset {
        pseudonym: pseudonym.as_ref().map(Pseudonym::as_str),
        pseudonym_key: pseudonym.as_ref().map(Pseudonym::key),
        pseudonym_skeleton: pseudonym.as_ref().map(Pseudonym::skeleton),
        bio: bio.as_ref().map(|b| b.as_ref().map(Bio::as_str)),
        bio_visibility: bio_visibility.map(Visibility::as_str),
        avatar_url: avatar_url
            .as_ref()
            .map(|a| a.as_ref().map(AvatarUrl::as_str)),
        avatar_visibility: avatar_visibility.map(Visibility::as_str),
        city: location.as_ref().map(|l| l.city.as_deref()),
        region: location.as_ref().map(|l| l.region.as_deref()),
        country: location.as_ref().map(|l| l.country.as_deref()),
        location_visibility: location_visibility.map(Visibility::as_str),
        language: language
            .as_ref()
            .map(|l| l.as_ref().map(LanguageTag::as_str)),
        language_visibility: language_visibility.map(Visibility::as_str),
        conditions_visibility: conditions_visibility.map(Visibility::as_str),
        wall_visibility: wall_visibility.map(Visibility::as_str),
        updated_at: to_db_time(now),
    };
    let updated = diesel::update(members::table.find(&key))
        .set(changeset)
        .execute(conn)?;
    if updated == 0 {
        return Err(PersistenceError::NotFound);
    }
    crate::discovery::update_bands(
        conn,
        id,
        &crate::discovery::BandChanges {
            age_band: *age_band,
            age_band_visibility: *age_band_visibility,
            diagnosed_since: *diagnosed_since,
            diagnosed_since_visibility: *diagnosed_since_visibility,
        },
    )?;
    if let Some(conditions) = conditions {
        diesel::delete(member_conditions::table.filter(member_conditions::member_id.eq(&key)))
            .execute(conn)?;
        for condition in conditions {
            diesel::insert_into(member_conditions::table)
                .values((
                    member_conditions::member_id.eq(&key),
                    member_conditions::condition_id.eq(condition.to_string()),
                ))
                .execute(conn)?;
        }
    }
    find_account(conn, id)?.ok_or(PersistenceError::NotFound)
}

/// How many members there are (tests check that refused requests stored nothing).
pub fn count(conn: &mut DbConnection) -> Result<i64, PersistenceError> {
    Ok(members::table.count().get_result(conn)?)
}

/// A member as lists show them: pseudonym, kind and the badge granted (shown only while it
/// fits the kind: `domain::verification::shown`).
pub type Summary = (MemberId, Pseudonym, MemberKind, Option<Badge>);

/// What a [`Summary`] reads: `members` left-joined to `member_badges`.
fn summary_columns() -> (
    members::id,
    members::pseudonym,
    members::kind,
    diesel::dsl::Nullable<member_badges::badge>,
) {
    (
        members::id,
        members::pseudonym,
        members::kind,
        member_badges::badge.nullable(),
    )
}

/// The stored columns of a [`Summary`]: id, pseudonym, kind, granted badge.
type SummaryRow = (String, String, String, Option<String>);

fn summary_from_row((id, pseudonym, kind, badge): SummaryRow) -> Result<Summary, PersistenceError> {
    Ok((
        parse_id(&id)?,
        Pseudonym::from_stored(pseudonym),
        parse_enum(&kind, MemberKind::parse)?,
        crate::verification::badge_cell(badge)?,
    ))
}

/// Pseudonym, kind and granted badge of one member, by key. Not [`summaries`] with one id:
/// PostgreSQL plans a fixed-slot statement again on every execution (its custom plan of 21
/// `OR`ed equalities on one repeated key is cheaper than the generic plan, so it never
/// switches), where a one-key statement gets a generic plan after five.
pub fn summary(conn: &mut DbConnection, id: MemberId) -> Result<Option<Summary>, PersistenceError> {
    members::table
        .left_join(member_badges::table)
        .filter(members::id.eq(id.to_string()))
        .select(summary_columns())
        .first::<SummaryRow>(conn)
        .optional()?
        .map(summary_from_row)
        .transpose()
}

/// Pseudonym, kind and granted badge of several members at once (one query for a page of
/// authors).
pub fn summaries(
    conn: &mut DbConnection,
    ids: &[MemberId],
) -> Result<Vec<Summary>, PersistenceError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    // Fixed id slots for a page's authors (prepared once per connection), `IN` beyond.
    let rows = match crate::slots::fill(ids) {
        Some(slots) => members::table
            .left_join(member_badges::table)
            .filter(one_of_slots!(members::id, slots))
            .select(summary_columns())
            .load::<SummaryRow>(conn)?,
        None => members::table
            .left_join(member_badges::table)
            .filter(members::id.eq_any(ids.iter().map(ToString::to_string)))
            .select(summary_columns())
            .load::<SummaryRow>(conn)?,
    };
    rows.into_iter().map(summary_from_row).collect()
}

pub fn set_receive_announcements(
    conn: &mut DbConnection,
    id: MemberId,
    receive: bool,
) -> Result<(), PersistenceError> {
    diesel::update(members::table.find(id.to_string()))
        .set(members::receive_announcements.eq(receive))
        .execute(conn)?;
    Ok(())
}

pub fn set_listed_in_member_lists(
    conn: &mut DbConnection,
    id: MemberId,
    listed: bool,
) -> Result<(), PersistenceError> {
    diesel::update(members::table.find(id.to_string()))
        .set(members::listed_in_member_lists.eq(listed))
        .execute(conn)?;
    Ok(())
}

/// Fills the look-alike key of members created before it existed (migration
/// `2026-12-03-030000_pseudonym_skeletons`; SQL cannot compute it), oldest first. A member
/// whose skeleton an older member already holds keeps NULL: their pseudonym stays as it is,
/// and nobody else can take one like it. Runs after every migration pass; once filled, it
/// reads nothing but the rows still NULL. Returns how many rows were filled.
pub fn backfill_skeletons(conn: &mut DbConnection) -> Result<usize, PersistenceError> {
    let pending: Vec<(String, String)> = members::table
        .filter(members::pseudonym_skeleton.is_null())
        .order((members::created_at, members::id))
        .select((members::id, members::pseudonym))
        .load(conn)?;
    let mut filled = 0;
    for (id, pseudonym) in pending {
        let skeleton = Pseudonym::from_stored(pseudonym).skeleton();
        let held: i64 = members::table
            .filter(members::pseudonym_skeleton.eq(&skeleton))
            .count()
            .get_result(conn)?;
        if held > 0 {
            tracing::warn!(member = %id, "pseudonym looks like an older member's; left without a look-alike key");
            continue;
        }
        diesel::update(members::table.filter(members::id.eq(&id)))
            .set(members::pseudonym_skeleton.eq(&skeleton))
            .execute(conn)?;
        filled += 1;
    }
    Ok(filled)
}
