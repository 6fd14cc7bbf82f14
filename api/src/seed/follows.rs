//! Members following members: the benchmark members follow ~50, the others a few.

use std::collections::HashSet;

use entraide_persistence::bulk::FollowRow;
use rand::Rng;
use rand::rngs::StdRng;

use super::{BENCH_MEMBERS, SeedOptions, Timeline, naive};

pub(super) fn generate(
    rng: &mut StdRng,
    time: &Timeline,
    options: &SeedOptions,
    member_ids: &[String],
) -> Vec<FollowRow> {
    let members = member_ids.len();
    let mut follows: Vec<FollowRow> = Vec::new();
    let mut followed: HashSet<(usize, usize)> = HashSet::new();
    for m in 0..members {
        let wanted = if m < BENCH_MEMBERS {
            50.min(members - 1)
        } else {
            rng.random_range(0..=options.follows_per_member * 2)
        };
        let mut count = 0;
        let mut tries = 0;
        while count < wanted && tries < wanted * 10 {
            tries += 1;
            let other = rng.random_range(0..members);
            if other == m || !followed.insert((m, other)) {
                continue;
            }
            follows.push(FollowRow {
                follower_id: member_ids[m].clone(),
                followed_id: member_ids[other].clone(),
                created_at: naive(time.at_fraction(rng.random_range(0..1000), 1000)),
            });
            count += 1;
        }
    }
    follows
}
