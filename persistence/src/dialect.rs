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
