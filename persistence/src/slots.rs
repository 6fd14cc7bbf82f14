//! Fixed id slots: a filter `col = ?1 OR col = ?2 OR … OR col = ?21` whose statement is prepared
//! once per connection.
//!
//! Diesel caches a statement only when its SQL cannot vary from call to call. An `IN` list of
//! binds (`eq_any` over a `Vec`) has one placeholder per element, so every page of a feed was
//! prepared again (and planned again by PostgreSQL). A page of ids — a feed page is 20 items
//! and one more — fits [`PAGE_SLOTS`] slots; the unused ones repeat the first id, which changes
//! nothing to an `OR` of equalities. Longer lists go through `eq_any` as before.

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

/// `$col` equal to one of the [`PAGE_SLOTS`] keys of `$slots` (from [`fill`]), as one unboxed
/// expression: its SQL is the same whatever the keys.
macro_rules! one_of_slots {
    ($col:expr, $slots:expr) => {{
        let col = $col;
        let [
            a,
            b,
            c,
            d,
            e,
            f,
            g,
            h,
            i,
            j,
            k,
            l,
            m,
            n,
            o,
            p,
            q,
            r,
            s,
            t,
            u,
        ]: [String; $crate::slots::PAGE_SLOTS] = $slots;
        col.eq(a)
            .or(col.eq(b))
            .or(col.eq(c))
            .or(col.eq(d))
            .or(col.eq(e))
            .or(col.eq(f))
            .or(col.eq(g))
            .or(col.eq(h))
            .or(col.eq(i))
            .or(col.eq(j))
            .or(col.eq(k))
            .or(col.eq(l))
            .or(col.eq(m))
            .or(col.eq(n))
            .or(col.eq(o))
            .or(col.eq(p))
            .or(col.eq(q))
            .or(col.eq(r))
            .or(col.eq(s))
            .or(col.eq(t))
            .or(col.eq(u))
    }};
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
