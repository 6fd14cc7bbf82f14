//! Entraide's wire contract: the JSON the API reads and writes, as Rust types.
//!
//! Every request and response body is defined here (serde + `utoipa::ToSchema`), with the error
//! envelope and pagination. This crate depends on no web framework and no database, so a Rust
//! client or another team can depend on it alone. `openapi.json` beside this crate is the
//! published document; a test checks the server serves exactly it.

// The member export's example is one large `json!`.
#![recursion_limit = "256"]

pub mod associations;
pub mod auth;
pub mod conditions;
pub mod events;
pub mod export;
pub mod groups;
pub mod health;
pub mod integrations;
pub mod media;
pub mod members;
pub mod messages;
pub mod moderation;
pub mod notifications;
pub mod pagination;
pub mod places;
pub mod posts;
pub mod problem;
pub mod research;
pub mod resources;
pub mod search;
pub mod sponsors;
pub mod verification;

/// The committed OpenAPI document (regenerate with `cargo run -- openapi > openapi/openapi.json`).
pub const OPENAPI_JSON: &str = include_str!("../openapi.json");

/// Deserialises a field that distinguishes *absent* (`None`: leave unchanged) from `null`
/// (`Some(None)`: clear), as JSON merge-patch does. Use with `#[serde(default)]`.
pub mod double_option {
    use serde::{Deserialize, Deserializer};

    pub fn deserialize<'de, T, D>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
    where
        T: Deserialize<'de>,
        D: Deserializer<'de>,
    {
        Option::<T>::deserialize(deserializer).map(Some)
    }
}

/// Integer fields of request bodies, read as JSON Schema reads `type: integer`: any number
/// with a zero fractional part, so `1.0` is `1` (JavaScript and many JSON encoders write
/// integral floats that way). `1.5`, and a value out of the field's range, stay invalid.
///
/// `#[serde(deserialize_with = "crate::integer::deserialize")]` on an integer field,
/// `#[serde(default, deserialize_with = "crate::integer::option")]` on an optional one and
/// `#[serde(default, deserialize_with = "crate::integer::double_option")]` on one that `null`
/// clears (see [`double_option`]).
pub mod integer {
    use std::fmt;
    use std::marker::PhantomData;

    use serde::de::{self, Deserialize, Deserializer, Unexpected, Visitor};

    /// An integer type a field may hold.
    pub trait Integer: Sized + TryFrom<i64> + TryFrom<u64> {}
    impl Integer for u8 {}
    impl Integer for i16 {}
    impl Integer for i32 {}
    impl Integer for i64 {}
    impl Integer for u16 {}
    impl Integer for u32 {}
    impl Integer for u64 {}

    struct Integral<T>(T);

    struct IntegralVisitor<T>(PhantomData<T>);

    impl<T: Integer> IntegralVisitor<T> {
        fn signed<E: de::Error>(&self, value: i64) -> Result<T, E> {
            T::try_from(value).map_err(|_| E::invalid_value(Unexpected::Signed(value), self))
        }
    }

    impl<T: Integer> Visitor<'_> for IntegralVisitor<T> {
        type Value = T;

        fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
            // The primitive's own name, as serde's messages say (`expected i32`).
            formatter.write_str(std::any::type_name::<T>())
        }

        fn visit_i64<E: de::Error>(self, value: i64) -> Result<T, E> {
            self.signed(value)
        }

        fn visit_u64<E: de::Error>(self, value: u64) -> Result<T, E> {
            T::try_from(value).map_err(|_| E::invalid_value(Unexpected::Unsigned(value), &self))
        }

        fn visit_f64<E: de::Error>(self, value: f64) -> Result<T, E> {
            // Every integral f64 in i64's range converts exactly (2^63 itself does not fit).
            const LIMIT: f64 = 9_223_372_036_854_775_808.0;
            if value.fract() == 0.0 && (-LIMIT..LIMIT).contains(&value) {
                #[expect(
                    clippy::cast_possible_truncation,
                    reason = "integral and within i64's range: exact"
                )]
                let integral = value as i64;
                self.signed(integral)
                    .map_err(|_: E| E::invalid_value(Unexpected::Float(value), &self))
            } else {
                Err(E::invalid_type(Unexpected::Float(value), &self))
            }
        }
    }

    impl<'de, T: Integer> Deserialize<'de> for Integral<T> {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserializer
                .deserialize_i64(IntegralVisitor(PhantomData))
                .map(Integral)
        }
    }

    /// A required integer field.
    pub fn deserialize<'de, T: Integer, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<T, D::Error> {
        Integral::deserialize(deserializer).map(|Integral(value)| value)
    }

    /// An optional integer field (`null` or absent: `None`); use with `#[serde(default)]`.
    pub fn option<'de, T: Integer, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<T>, D::Error> {
        Option::<Integral<T>>::deserialize(deserializer).map(|value| value.map(|Integral(v)| v))
    }

    /// An integer field that `null` clears (see [`crate::double_option`]); use with
    /// `#[serde(default)]`.
    pub fn double_option<'de, T: Integer, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Option<T>>, D::Error> {
        option(deserializer).map(Some)
    }

    #[cfg(test)]
    mod tests {
        use serde::Deserialize;

        #[derive(Debug, Deserialize, PartialEq)]
        struct Body {
            #[serde(deserialize_with = "super::deserialize")]
            count: i32,
            #[serde(default, deserialize_with = "super::option")]
            limit: Option<u32>,
            #[serde(default, deserialize_with = "super::double_option")]
            capacity: Option<Option<i64>>,
        }

        fn read(json: &str) -> Result<Body, String> {
            serde_json::from_str(json).map_err(|error| error.to_string())
        }

        #[test]
        fn integral_floats_are_integers() {
            let body = read(r#"{"count": 1.0, "limit": 20.0, "capacity": -3e2}"#).unwrap();
            assert_eq!(body.count, 1);
            assert_eq!(body.limit, Some(20));
            assert_eq!(body.capacity, Some(Some(-300)));
            let body = read(r#"{"count": -0.0, "capacity": null}"#).unwrap();
            assert_eq!(
                (body.count, body.limit, body.capacity),
                (0, None, Some(None))
            );
            assert_eq!(read(r#"{"count": 7}"#).unwrap().capacity, None);
        }

        #[test]
        fn fractions_and_out_of_range_values_are_refused_as_serde_does() {
            for (json, refusal, expected) in [
                (
                    r#"{"count": 1.5}"#,
                    "invalid type: floating point",
                    "expected i32",
                ),
                (r#"{"count": "1"}"#, "invalid type: string", "expected i32"),
                (
                    r#"{"count": 3000000000}"#,
                    "invalid value: integer",
                    "expected i32",
                ),
                (
                    r#"{"count": 3e9}"#,
                    "invalid value: floating point",
                    "expected i32",
                ),
                (
                    r#"{"count": 1e300}"#,
                    "invalid type: floating point",
                    "expected i32",
                ),
                (
                    r#"{"count": 0, "limit": -1}"#,
                    "invalid value: integer",
                    "expected u32",
                ),
                (
                    r#"{"count": 0, "limit": -1.0}"#,
                    "invalid value: floating point",
                    "expected u32",
                ),
                (r#"{"count": null}"#, "invalid type: null", "expected i32"),
            ] {
                let error = read(json).unwrap_err();
                assert!(
                    error.starts_with(refusal) && error.contains(&format!(", {expected} at")),
                    "{json}: {error}"
                );
            }
        }
    }
}

#[cfg(test)]
mod schema_names {
    /// utoipa names a component after its Rust type: two types of one name in two modules
    /// would silently become one schema (a questionnaire's `Recurrence` once replaced the
    /// events' one in the document). Every public type here has its own name.
    #[test]
    fn every_wire_type_has_its_own_name() {
        let sources = [
            include_str!("associations.rs"),
            include_str!("auth.rs"),
            include_str!("conditions.rs"),
            include_str!("events.rs"),
            include_str!("export.rs"),
            include_str!("groups.rs"),
            include_str!("health.rs"),
            include_str!("members.rs"),
            include_str!("pagination.rs"),
            include_str!("places.rs"),
            include_str!("posts.rs"),
            include_str!("problem.rs"),
            include_str!("research.rs"),
            include_str!("resources.rs"),
            include_str!("search.rs"),
        ];
        let mut seen = std::collections::BTreeMap::new();
        for (index, source) in sources.iter().enumerate() {
            for line in source.lines() {
                let name = line
                    .strip_prefix("pub struct ")
                    .or_else(|| line.strip_prefix("pub enum "))
                    .and_then(|rest| {
                        rest.split(|c: char| !c.is_alphanumeric() && c != '_')
                            .next()
                    });
                if let Some(name) = name
                    && let Some(other) = seen.insert(name.to_owned(), index)
                {
                    panic!("{name} is defined in two wire modules ({other} and {index})");
                }
            }
        }
        assert!(seen.len() > 100, "{}", seen.len());
    }
}
