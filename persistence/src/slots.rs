//! Fixed id slots: a filter `col IN (?1, ?2, …, ?21)` whose statement is prepared once per
//! connection.
//!
//! Diesel caches a statement only when its SQL cannot vary from call to call. An `IN` list of
//! binds (`eq_any` over a `Vec`) has one placeholder per element, so every page of a feed was
//! prepared again (and planned again by PostgreSQL). A page of ids — a feed page is 20 items
//! and one more — fits [`PAGE_SLOTS`] slots; the unused ones repeat the first id, which changes
//! nothing to an `IN` list. Longer lists go through `eq_any` as before.

/// How many ids a fixed-slot statement takes (a feed page and one more).
pub const PAGE_SLOTS: usize = 21;

/// `ids` as [`PAGE_SLOTS`] keys, unused slots repeating the first; `None` when there are none or
/// more than [`PAGE_SLOTS`] (the caller then uses `eq_any`).
pub(crate) fn fill<T: ToString>(ids: &[T]) -> Option<[String; PAGE_SLOTS]> {
    let first = ids.first()?;
    if ids.len() > PAGE_SLOTS {
        return None;
    }
    let first = first.to_string();
    let mut slots: [String; PAGE_SLOTS] = std::array::from_fn(|_| first.clone());
    for (slot, id) in slots.iter_mut().zip(ids).skip(1) {
        *slot = id.to_string();
    }
    Some(slots)
}

/// `$col IN (?1, …, ?21)` over the [`PAGE_SLOTS`] keys of `$slots` (from [`fill`]), as one
/// unboxed expression: its SQL is the same whatever the keys.
macro_rules! one_of_slots {
    ($col:expr, $slots:expr) => {
        $crate::slots::OneOfSlots::new($col, $slots)
    };
}

/// The expression of [`one_of_slots!`]: a column `IN` a list of [`PAGE_SLOTS`] text binds, with
/// a static [`QueryId`](diesel::query_builder::QueryId) so that the statement is kept.
///
/// An `IN` list, not `col = ?1 OR … OR col = ?21`: PostgreSQL plans the pools' statements once,
/// without their values (`connection::PG_SESSION_SETTINGS`), and such a generic plan of 21
/// `OR`ed equalities on a small table is a sequential scan testing each of them on every row
/// (a page's group names: 0.47 ms at 1,000 groups, growing with the groups), where the `IN`
/// list is one index probe per key (`id = ANY (ARRAY[$1, …])`: 0.015 ms). SQLite turns both
/// into the same `IN` probes.
#[derive(Debug, Clone, diesel::query_builder::QueryId)]
pub struct OneOfSlots<C> {
    column: C,
    keys: [String; PAGE_SLOTS],
}

impl<C> OneOfSlots<C> {
    pub fn new(column: C, keys: [String; PAGE_SLOTS]) -> Self {
        Self { column, keys }
    }
}

/// The columns [`OneOfSlots`] compares with its text keys.
pub trait TextKey {}
impl TextKey for diesel::sql_types::Text {}
impl TextKey for diesel::sql_types::Nullable<diesel::sql_types::Text> {}

/// A filter only (a nullable column's `NULL` rows fail it, as with `=`).
impl<C> diesel::Expression for OneOfSlots<C>
where
    C: diesel::Expression,
    C::SqlType: TextKey,
{
    type SqlType = diesel::sql_types::Bool;
}

impl<C, QS> diesel::AppearsOnTable<QS> for OneOfSlots<C>
where
    C: diesel::AppearsOnTable<QS>,
    C::SqlType: TextKey,
{
}

impl<C, QS> diesel::SelectableExpression<QS> for OneOfSlots<C>
where
    C: diesel::SelectableExpression<QS>,
    C::SqlType: TextKey,
{
}

impl<C, G> diesel::expression::ValidGrouping<G> for OneOfSlots<C>
where
    C: diesel::expression::ValidGrouping<G>,
{
    type IsAggregate = C::IsAggregate;
}

impl<C> diesel::query_builder::QueryFragment<crate::connection::MultiBackend> for OneOfSlots<C>
where
    C: diesel::query_builder::QueryFragment<crate::connection::MultiBackend>,
{
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, crate::connection::MultiBackend>,
    ) -> diesel::QueryResult<()> {
        self.column.walk_ast(out.reborrow())?;
        out.push_sql(" IN (");
        for (index, key) in self.keys.iter().enumerate() {
            if index > 0 {
                out.push_sql(", ");
            }
            out.push_bind_param::<diesel::sql_types::Text, _>(key)?;
        }
        out.push_sql(")");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_repeat_the_first_id_and_refuse_empty_or_long_lists() {
        let slots = fill(&[3, 1, 2]).unwrap();
        assert_eq!(&slots[..3], &["3", "1", "2"]);
        assert!(slots[3..].iter().all(|s| s == "3"));
        assert!(fill::<u8>(&[]).is_none());
        let long: Vec<usize> = (0..=PAGE_SLOTS).collect();
        assert!(fill(&long).is_none());
        let full: Vec<usize> = (0..PAGE_SLOTS).collect();
        assert_eq!(
            fill(&full).unwrap()[PAGE_SLOTS - 1],
            (PAGE_SLOTS - 1).to_string()
        );
    }
}
