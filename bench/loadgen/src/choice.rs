//! A weighted choice among a fixed list (the mixed run's 90% reads, 10% writes).

use anyhow::{Result, anyhow};
use rand::Rng;

pub struct Weighted<T> {
    items: Vec<T>,
    /// Running totals of the weights: item `i` is chosen for a draw below `cumulative[i]`.
    cumulative: Vec<u32>,
}

impl<T: Copy> Weighted<T> {
    pub fn new(weights: &[(T, u32)]) -> Result<Self> {
        let mut total = 0u32;
        let mut items = Vec::with_capacity(weights.len());
        let mut cumulative = Vec::with_capacity(weights.len());
        for (item, weight) in weights {
            total = total
                .checked_add(*weight)
                .ok_or_else(|| anyhow!("weights overflow"))?;
            items.push(*item);
            cumulative.push(total);
        }
        if total == 0 {
            return Err(anyhow!("weights add up to zero"));
        }
        Ok(Self { items, cumulative })
    }

    pub fn total(&self) -> u32 {
        self.cumulative.last().copied().unwrap_or(0)
    }

    /// The item a draw in `0..total` falls on.
    pub fn at(&self, draw: u32) -> T {
        let index = self.cumulative.partition_point(|&upto| upto <= draw);
        self.items[index.min(self.items.len() - 1)]
    }

    pub fn pick(&self, rng: &mut impl Rng) -> T {
        self.at(rng.random_range(0..self.total()))
    }
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    use super::*;

    #[test]
    fn draws_fall_on_their_items_by_weight() {
        let choice = Weighted::new(&[('a', 3), ('b', 0), ('c', 1)]).unwrap();
        assert_eq!(choice.total(), 4);
        let picks: Vec<char> = (0..4).map(|d| choice.at(d)).collect();
        assert_eq!(picks, vec!['a', 'a', 'a', 'c']);
    }

    #[test]
    fn random_picks_follow_the_weights() {
        let choice = Weighted::new(&[("read", 90), ("write", 10), ("never", 0)]).unwrap();
        let mut rng = StdRng::seed_from_u64(7);
        let mut writes = 0;
        for _ in 0..100_000 {
            match choice.pick(&mut rng) {
                "write" => writes += 1,
                "read" => {}
                other => panic!("picked {other}"),
            }
        }
        assert!((9_500..10_500).contains(&writes), "{writes} writes");
    }

    #[test]
    fn zero_total_is_refused() {
        assert!(Weighted::new(&[('a', 0)]).is_err());
        assert!(Weighted::<char>::new(&[]).is_err());
    }
}
