//! Opaque keyset cursors: base64url of a small JSON key. A cursor that does not decode to the
//! expected key is a 400 `invalid_cursor`; a decodable but edited one can only move the page
//! start, never widen what the reader may see (queries filter by permission). An instant in a
//! cursor passes the same window as any date from a request ([`instant`]): a forged cursor at
//! year 262142 would otherwise reach date arithmetic and the database.
//! A list whose cursor may point past items the reader may not see (search) seals it instead
//! (`security::cursor_seal`, through [`PageRequest::parse_with`] and [`PageRequest::page_with`]).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use entraide_openapi::pagination::{Page, PageQuery};
use entraide_openapi::problem::ProblemCode;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};

use crate::error::ApiError;

mod cursors;
pub(crate) use cursors::{ActivityCursor, IdCursor, MemberCursor};

/// A validated page request; `fetch` is one more than `limit`, to learn whether a next page exists.
pub struct PageRequest<K> {
    pub after: Option<K>,
    pub limit: usize,
}

impl<K: DeserializeOwned> PageRequest<K> {
    pub fn parse(query: &PageQuery) -> Result<Self, ApiError> {
        Self::parse_with(query, decode)
    }

    /// [`PageRequest::parse`] with the list's own cursor decoding (a sealed cursor).
    pub fn parse_with(
        query: &PageQuery,
        decode: impl Fn(&str) -> Result<K, ApiError>,
    ) -> Result<Self, ApiError> {
        let limit = query.limit.unwrap_or(PageQuery::DEFAULT_LIMIT);
        if !(1..=PageQuery::MAX_LIMIT).contains(&limit) {
            return Err(ApiError::field(
                "limit",
                "out_of_range",
                format!("must be between 1 and {}", PageQuery::MAX_LIMIT),
            ));
        }
        let after = query.cursor.as_deref().map(&decode).transpose()?;
        Ok(Self {
            after,
            limit: usize::try_from(limit).map_err(ApiError::internal)?,
        })
    }

    pub fn fetch(&self) -> i64 {
        i64::try_from(self.limit)
            .unwrap_or(i64::MAX)
            .saturating_add(1)
    }

    /// Cuts the extra item and builds the next cursor from the last item kept.
    pub fn page<T, R, C: Serialize>(
        &self,
        items: Vec<T>,
        cursor_of: impl Fn(&T) -> C,
        to_dto: impl Fn(T) -> R,
    ) -> Result<Page<R>, ApiError> {
        self.page_with(items, cursor_of, to_dto, None, encode)
    }

    /// [`PageRequest::page`] for a list read in bounded work, with its own cursor encoding (a
    /// sealed cursor): when it holds no more than a page but the reading stopped before the end,
    /// `resume` (where it stopped) is the next cursor.
    pub fn page_with<T, R, C>(
        &self,
        mut items: Vec<T>,
        cursor_of: impl Fn(&T) -> C,
        to_dto: impl Fn(T) -> R,
        resume: Option<C>,
        encode: impl Fn(&C) -> Result<String, ApiError>,
    ) -> Result<Page<R>, ApiError> {
        let next_cursor = if items.len() > self.limit {
            items.truncate(self.limit);
            items
                .last()
                .map(|last| encode(&cursor_of(last)))
                .transpose()?
        } else {
            resume.map(|key| encode(&key)).transpose()?
        };
        Ok(Page {
            items: items.into_iter().map(to_dto).collect(),
            next_cursor,
        })
    }
}

/// `#[serde(deserialize_with = "crate::pagination::instant")]` for every instant of a cursor:
/// outside `domain::time::check_instant`'s window (years 1900–2199) the cursor is refused
/// (400 `invalid_cursor`), like any other edited cursor.
pub fn instant<'de, D: Deserializer<'de>>(deserializer: D) -> Result<DateTime<Utc>, D::Error> {
    let at = DateTime::<Utc>::deserialize(deserializer)?;
    entraide_domain::time::check_instant("cursor", at)
        .map_err(|_| serde::de::Error::custom("instant out of range"))
}

fn encode<C: Serialize>(key: &C) -> Result<String, ApiError> {
    let json = serde_json::to_vec(key).map_err(ApiError::internal)?;
    Ok(URL_SAFE_NO_PAD.encode(json))
}

fn decode<K: DeserializeOwned>(cursor: &str) -> Result<K, ApiError> {
    let invalid = || ApiError::BadRequest {
        code: ProblemCode::InvalidCursor,
        detail: "the cursor is not one this API issued; start again without it".to_owned(),
    };
    if cursor.len() > 512 {
        return Err(invalid());
    }
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| invalid())?;
    let value: serde_json::Value = serde_json::from_slice(&bytes).map_err(|_| invalid())?;
    if crate::input::holds_control(&value) {
        return Err(invalid());
    }
    serde_json::from_value(value).map_err(|_| invalid())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Serialize, Deserialize, PartialEq)]
    struct Key {
        n: String,
    }

    #[test]
    fn cursors_round_trip_and_refuse_tampering() {
        let cursor = encode(&Key { n: "a".into() }).unwrap();
        let query = PageQuery {
            cursor: Some(cursor.clone()),
            limit: Some(2),
        };
        let request = PageRequest::<Key>::parse(&query).unwrap();
        assert_eq!(request.after, Some(Key { n: "a".into() }));
        for bad in ["!!", "bm90IGpzb24", &format!("{cursor}x"), &"A".repeat(600)] {
            let query = PageQuery {
                cursor: Some(bad.to_owned()),
                limit: None,
            };
            assert!(PageRequest::<Key>::parse(&query).is_err(), "{bad}");
        }
        for limit in [0, 101] {
            let query = PageQuery {
                cursor: None,
                limit: Some(limit),
            };
            assert!(PageRequest::<Key>::parse(&query).is_err());
        }
    }

    #[derive(Debug, Deserialize)]
    struct TimeKey {
        #[serde(deserialize_with = "instant")]
        #[expect(dead_code, reason = "only deserialised")]
        t: DateTime<Utc>,
    }

    #[test]
    fn cursor_instants_stay_in_the_window() {
        let at = |t: &str| URL_SAFE_NO_PAD.encode(format!(r#"{{"t":"{t}"}}"#));
        assert!(decode::<TimeKey>(&at("2026-12-01T10:00:00Z")).is_ok());
        for outside in [
            "+262142-12-31T00:00:00Z",
            "-262143-01-10T00:00:00Z",
            "0000-01-01T00:00:00Z",
            "1899-12-31T23:59:59Z",
            "2200-01-01T00:00:00Z",
        ] {
            assert!(decode::<TimeKey>(&at(outside)).is_err(), "{outside}");
        }
    }

    #[test]
    fn pages_cut_the_extra_item() {
        let request = PageRequest::<Key> {
            after: None,
            limit: 2,
        };
        let page = request
            .page(vec!["a", "b", "c"], |s| Key { n: s.to_string() }, |s| s)
            .unwrap();
        assert_eq!(page.items, ["a", "b"]);
        assert_eq!(decode::<Key>(&page.next_cursor.unwrap()).unwrap().n, "b");
        let last = request
            .page(vec!["a"], |s| Key { n: s.to_string() }, |s| s)
            .unwrap();
        assert!(last.next_cursor.is_none());
    }
}
