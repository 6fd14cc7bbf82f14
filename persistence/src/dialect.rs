//! What differs between SQLite and PostgreSQL, or must be written once for both.

/// A LIKE pattern matching `text` anywhere, lower-cased, with `%`, `_` and `\` escaped (use with
/// `.escape('\\')`), so a search for `50%` means the text `50%`.
pub fn like_contains(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for c in text.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

diesel::define_sql_function! {
    /// `COALESCE(a, b)`. Wrapping a column in it keeps the planner from driving a query by that
    /// column's index (see `posts::readable_by`).
    fn coalesce(value: diesel::sql_types::Nullable<diesel::sql_types::Text>, fallback: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

diesel::define_sql_function! {
    /// Degrees to radians (PostgreSQL; SQLite built with `SQLITE_ENABLE_MATH_FUNCTIONS`).
    fn radians(x: diesel::sql_types::Double) -> diesel::sql_types::Double;
}
diesel::define_sql_function! {
    fn sin(x: diesel::sql_types::Double) -> diesel::sql_types::Double;
}
diesel::define_sql_function! {
    fn cos(x: diesel::sql_types::Double) -> diesel::sql_types::Double;
}
diesel::define_sql_function! {
    fn asin(x: diesel::sql_types::Double) -> diesel::sql_types::Double;
}
diesel::define_sql_function! {
    fn sqrt(x: diesel::sql_types::Double) -> diesel::sql_types::Double;
}

/// The great-circle (haversine) distance in kilometres between the point in columns
/// `$lat`/`$lon` (degrees) and `$point` (a `domain::geo::Point`), as SQL. PostgreSQL and SQLite
/// (with its math functions) run the same expression; `domain::geo::Point::distance_km` is the
/// same formula and the tests check they agree on known city pairs.
#[macro_export]
macro_rules! great_circle_km {
    ($lat:expr, $lon:expr, $point:expr) => {{
        use $crate::dialect::{asin, cos, radians, sin, sqrt};
        let point: entraide_domain::geo::Point = $point;
        let half_dlat = (radians($lat) - point.lat().to_radians()) / 2.0;
        let half_dlon = (radians($lon) - point.lon().to_radians()) / 2.0;
        let a = sin(half_dlat) * sin(half_dlat)
            + cos(radians($lat)) * point.lat().to_radians().cos() * sin(half_dlon) * sin(half_dlon);
        asin(sqrt(a)) * (2.0 * entraide_domain::geo::EARTH_RADIUS_KM)
    }};
}

diesel::define_sql_function! {
    /// `LOWER(text)`.
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text;
}
