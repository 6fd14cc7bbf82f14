//! The local resources directory, searched by distance.
//!
//! The editor right that lets a member vouch for places lives in [`crate::editors`]; its
//! functions are re-exported here so `places::is_editor` and the others keep working.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use entraide_domain::geo::Point;
use entraide_domain::group::Audience;
use entraide_domain::ids::{ConditionId, MemberId, PlaceId};
use entraide_domain::place::{Phone, Place, PlaceFields, PlaceKind, Postcode};
use entraide_domain::text::{Description, Label, Title, WebUrl};

use crate::connection::DbConnection;
use crate::convert::{from_db_time, parse_enum, parse_id, to_db_time};
use crate::error::PersistenceError;
use crate::schema::{place_conditions, places};

pub use crate::editors::{editor_grant, grant_editor, is_editor, revoke_editor};

#[derive(Queryable, Selectable)]
#[diesel(table_name = places)]
struct PlaceRow {
    id: String,
    name: String,
    kind: String,
    description: String,
    address: String,
    city: String,
    postcode: Option<String>,
    latitude: f64,
    longitude: f64,
    phone: Option<String>,
    website: Option<String>,
    opening_hours: Option<String>,
    audience: String,
    association_id: Option<String>,
    created_by: String,
    verified_by: Option<String>,
    verified_at: NaiveDateTime,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl PlaceRow {
    fn into_domain(self, condition_ids: Vec<ConditionId>) -> Result<Place, PersistenceError> {
        let Self {
            id,
            name,
            kind,
            description,
            address,
            city,
            postcode,
            latitude,
            longitude,
            phone,
            website,
            opening_hours,
            audience,
            association_id,
            created_by,
            verified_by,
            verified_at,
            created_at,
            updated_at,
        } = self;
        Ok(Place {
            id: parse_id(&id)?,
            name: Title::from_stored(name),
            kind: parse_enum(&kind, PlaceKind::parse)?,
            description: Description::from_stored(description),
            address: Label::from_stored(address),
            city: Label::from_stored(city),
            postcode: postcode.map(Postcode::from_stored),
            point: Point::parse(latitude, longitude)
                .map_err(|e| PersistenceError::Corrupt(e.to_string()))?,
            phone: phone.map(Phone::from_stored),
            website: website.map(WebUrl::from_stored),
            opening_hours: opening_hours.map(Label::from_stored),
            audience: parse_enum(&audience, Audience::parse)?,
            condition_ids,
            association_id: association_id.as_deref().map(parse_id).transpose()?,
            created_by: parse_id(&created_by)?,
            verified_by: verified_by.as_deref().map(parse_id).transpose()?,
            verified_at: from_db_time(verified_at),
            created_at: from_db_time(created_at),
            updated_at: from_db_time(updated_at),
        })
    }
}

condition_links!(place_conditions, place_id);

fn with_conditions(
    conn: &mut DbConnection,
    rows: Vec<PlaceRow>,
) -> Result<Vec<Place>, PersistenceError> {
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let mut links = condition_links(conn, &ids)?;
    rows.into_iter()
        .map(|row| {
            let conditions = links.remove(&row.id).unwrap_or_default();
            row.into_domain(conditions)
        })
        .collect()
}

#[derive(AsChangeset, Insertable)]
#[diesel(table_name = places, treat_none_as_null = true)]
struct PlaceValues<'a> {
    name: &'a str,
    name_key: String,
    kind: &'static str,
    description: &'a str,
    address: &'a str,
    city: &'a str,
    city_key: String,
    postcode: Option<&'a str>,
    latitude: f64,
    longitude: f64,
    phone: Option<&'a str>,
    website: Option<&'a str>,
    opening_hours: Option<&'a str>,
    audience: &'static str,
    association_id: Option<String>,
    verified_by: Option<String>,
    verified_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

fn values<'a>(fields: &'a PlaceFields, actor: MemberId, now: DateTime<Utc>) -> PlaceValues<'a> {
    let PlaceFields {
        name,
        kind,
        description,
        address,
        city,
        postcode,
        point,
        phone,
        website,
        opening_hours,
        audience,
        condition_ids: _,
        association_id,
    } = fields;
    PlaceValues {
        name: name.as_str(),
        name_key: name.key(),
        kind: kind.as_str(),
        description: description.as_str(),
        address: address.as_str(),
        city: city.as_str(),
        city_key: city.key(),
        postcode: postcode.as_ref().map(Postcode::as_str),
        latitude: point.lat(),
        longitude: point.lon(),
        phone: phone.as_ref().map(Phone::as_str),
        website: website.as_ref().map(WebUrl::as_str),
        opening_hours: opening_hours.as_ref().map(Label::as_str),
        audience: audience.as_str(),
        association_id: association_id.map(|a| a.to_string()),
        verified_by: Some(actor.to_string()),
        verified_at: to_db_time(now),
        updated_at: to_db_time(now),
    }
}

/// Adds a place, vouched for by its creator now. Call in a transaction.
pub fn insert(
    conn: &mut DbConnection,
    fields: &PlaceFields,
    creator: MemberId,
    now: DateTime<Utc>,
) -> Result<Place, PersistenceError> {
    let id = PlaceId::new();
    diesel::insert_into(places::table)
        .values((
            places::id.eq(id.to_string()),
            values(fields, creator, now),
            places::created_by.eq(creator.to_string()),
            places::created_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    replace_condition_links(conn, &id.to_string(), &fields.condition_ids)?;
    let place = find(conn, id)?.ok_or(PersistenceError::NotFound)?;
    index_place(conn, &place)?;
    Ok(place)
}

/// Replaces a place's fields; the editor vouches for it again now. Call in a transaction.
pub fn update(
    conn: &mut DbConnection,
    id: PlaceId,
    fields: &PlaceFields,
    actor: MemberId,
    now: DateTime<Utc>,
) -> Result<Place, PersistenceError> {
    let updated = diesel::update(places::table.find(id.to_string()))
        .set(values(fields, actor, now))
        .execute(conn)?;
    if updated == 0 {
        return Err(PersistenceError::NotFound);
    }
    replace_condition_links(conn, &id.to_string(), &fields.condition_ids)?;
    let place = find(conn, id)?.ok_or(PersistenceError::NotFound)?;
    index_place(conn, &place)?;
    Ok(place)
}

pub fn find(conn: &mut DbConnection, id: PlaceId) -> Result<Option<Place>, PersistenceError> {
    let row = places::table
        .find(id.to_string())
        .select(PlaceRow::as_select())
        .first::<PlaceRow>(conn)
        .optional()?;
    Ok(match row {
        Some(row) => with_conditions(conn, vec![row])?.pop(),
        None => None,
    })
}

/// Places by id, in two queries (unknown ids are left out).
pub fn find_many(conn: &mut DbConnection, ids: &[PlaceId]) -> Result<Vec<Place>, PersistenceError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let keys: Vec<String> = ids.iter().map(ToString::to_string).collect();
    let rows = places::table
        .filter(places::id.eq_any(&keys))
        .select(PlaceRow::as_select())
        .load::<PlaceRow>(conn)?;
    with_conditions(conn, rows)
}

/// Filters of a directory search.
#[derive(Debug, Clone, Default)]
pub struct PlaceFilter {
    /// Within this distance (km) of the point, nearest first.
    pub near: Option<(Point, f64)>,
    pub kind: Option<PlaceKind>,
    pub condition_id: Option<ConditionId>,
    /// Places for this audience (and those for everyone).
    pub audience: Option<Audience>,
    /// Name, city or postcode contains (case-insensitive).
    pub text: Option<String>,
}

/// Where a page continues: after this (distance, id) when searching near a point, else
/// after this (lower-cased name, id).
#[derive(Debug, Clone, PartialEq)]
pub enum PlaceKey {
    Distance(f64, PlaceId),
    Name(String, PlaceId),
}

/// How many places are for the condition (the hub's count; places are public).
pub fn count_for_condition(
    conn: &mut DbConnection,
    condition: ConditionId,
) -> Result<i64, PersistenceError> {
    Ok(place_conditions::table
        .filter(place_conditions::condition_id.eq(condition.to_string()))
        .count()
        .get_result(conn)?)
}

/// A page of the directory: nearest first with the distance when `near` is set (a bounding box
/// the index serves, then the exact great-circle distance in SQL), else in name order.
pub fn search(
    conn: &mut DbConnection,
    filter: &PlaceFilter,
    after: Option<&PlaceKey>,
    limit: i64,
) -> Result<Vec<(Place, Option<f64>)>, PersistenceError> {
    let mut select = places::table.into_boxed();
    if let Some(kind) = filter.kind {
        select = select.filter(places::kind.eq(kind.as_str()));
    }
    if let Some(condition) = filter.condition_id {
        select = select.filter(
            places::id.eq_any(
                place_conditions::table
                    .filter(place_conditions::condition_id.eq(condition.to_string()))
                    .select(place_conditions::place_id),
            ),
        );
    }
    if let Some(audience) = filter.audience {
        select = select.filter(
            places::audience
                .eq(audience.as_str())
                .or(places::audience.eq(Audience::Everyone.as_str())),
        );
    }
    if let Some(text) = &filter.text {
        let pattern = crate::dialect::like_contains(text);
        select = select.filter(
            places::city_key
                .like(pattern.clone())
                .escape('\\')
                .or(places::name_key.like(pattern.clone()).escape('\\'))
                .or(
                    crate::dialect::lower(crate::dialect::coalesce(places::postcode, ""))
                        .like(pattern)
                        .escape('\\'),
                ),
        );
    }
    let rows: Vec<(PlaceRow, Option<f64>)> = match filter.near {
        Some((point, radius)) => {
            let b = point.bounding_box(radius);
            let distance = crate::great_circle_km!(places::latitude, places::longitude, point);
            select = select
                .filter(places::latitude.between(b.min_lat, b.max_lat))
                .filter(places::longitude.between(b.min_lon, b.max_lon))
                .filter(
                    crate::great_circle_km!(places::latitude, places::longitude, point).le(radius),
                );
            if let Some(PlaceKey::Distance(d, id)) = after {
                select = select.filter(
                    crate::great_circle_km!(places::latitude, places::longitude, point)
                        .gt(*d)
                        .or(
                            crate::great_circle_km!(places::latitude, places::longitude, point)
                                .eq(*d)
                                .and(places::id.gt(id.to_string())),
                        ),
                );
            }
            let nearest = select
                .select((PlaceRow::as_select(), distance))
                .order((
                    crate::great_circle_km!(places::latitude, places::longitude, point),
                    places::id,
                ))
                .limit(limit);
            // The box's size decides between the latitude index and a scan: PostgreSQL must
            // see it (see `dialect::with_custom_plans`).
            crate::dialect::with_custom_plans(conn, move |conn| {
                Ok(nearest.load::<(PlaceRow, f64)>(conn)?)
            })?
            .into_iter()
            .map(|(row, d)| (row, Some(d)))
            .collect()
        }
        None => {
            if let Some(PlaceKey::Name(name, id)) = after {
                select = select.filter(
                    places::name_key.gt(name.clone()).or(places::name_key
                        .eq(name.clone())
                        .and(places::id.gt(id.to_string()))),
                );
            }
            select
                .select(PlaceRow::as_select())
                .order((places::name_key, places::id))
                .limit(limit)
                .load::<PlaceRow>(conn)?
                .into_iter()
                .map(|row| (row, None))
                .collect()
        }
    };
    let (rows, distances): (Vec<PlaceRow>, Vec<Option<f64>>) = rows.into_iter().unzip();
    Ok(with_conditions(conn, rows)?
        .into_iter()
        .zip(distances)
        .collect())
}

/// Keeps a place's name, description and address in the search index.
fn index_place(conn: &mut DbConnection, place: &Place) -> Result<(), PersistenceError> {
    let text = format!(
        "{}\n{}\n{} {} {}",
        place.name.as_str(),
        place.description.as_str(),
        place.address.as_str(),
        place.city.as_str(),
        place.postcode.as_ref().map_or("", Postcode::as_str),
    );
    crate::search::index(
        conn,
        entraide_domain::search::DocumentKind::Place,
        &place.id.to_string(),
        &text,
    )
}
