//! Groups (mostly public and open to everyone, some private, some reserved spaces) and their
//! memberships: an owner per group, then members joining groups that admit them. Member counts
//! are counted as memberships are made, so they match the rows.

use std::collections::HashSet;

use entraide_domain::group::{Audience, GroupRole, GroupVisibility, MembershipStatus};
use entraide_persistence::bulk::{GroupRow, MembershipRow};
use rand::Rng;
use rand::rngs::StdRng;

use super::members::Members;
use super::text::{CITIES, sentence};
use super::{BENCH_MEMBERS, SeedOptions, Timeline, id_at, naive};

/// The seeded groups. Members are indexes into [`Members`].
pub(super) struct Groups {
    pub(super) rows: Vec<GroupRow>,
    pub(super) memberships: Vec<MembershipRow>,
    /// The owner of each group.
    pub(super) owners: Vec<usize>,
    /// The active members of each group (post and comment authors are drawn from them).
    pub(super) active: Vec<Vec<usize>>,
}

/// Memberships being made, each (group, member) pair once.
struct Joining<'a> {
    time: &'a Timeline,
    members: &'a Members,
    groups: Groups,
    joined: HashSet<(usize, usize)>,
}

impl Joining<'_> {
    /// Adds a membership unless the member is already in the group; `true` when added.
    fn add(
        &mut self,
        rng: &mut StdRng,
        g: usize,
        m: usize,
        role: GroupRole,
        status: MembershipStatus,
    ) -> bool {
        if !self.joined.insert((g, m)) {
            return false;
        }
        let at = naive(self.time.at_fraction(rng.random_range(0..1000), 1000));
        let groups = &mut self.groups;
        groups.memberships.push(MembershipRow {
            group_id: groups.rows[g].id.clone(),
            member_id: self.members.ids[m].clone(),
            role: role.as_str(),
            status: status.as_str(),
            created_at: at,
            updated_at: at,
        });
        if status == MembershipStatus::Active {
            groups.active[g].push(m);
            groups.rows[g].member_count += 1;
        }
        true
    }
}

/// At least one group, with its owner and members.
pub(super) fn generate(
    rng: &mut StdRng,
    time: &Timeline,
    options: &SeedOptions,
    members: &Members,
    condition_ids: &[String],
) -> Groups {
    let wanted = options.groups.max(1);
    let mut rows = Vec::with_capacity(wanted);
    let mut audiences = Vec::with_capacity(wanted);
    for g in 0..wanted {
        let (visibility, audience) = match rng.random_range(0..10) {
            0..=5 => (GroupVisibility::Public, Audience::Everyone),
            6 | 7 => (GroupVisibility::Private, Audience::Everyone),
            8 => (GroupVisibility::Public, Audience::Caregivers),
            _ => (GroupVisibility::Private, Audience::Patients),
        };
        let created = time.at_fraction(g, wanted * 4);
        let (city, _) = CITIES[rng.random_range(0..CITIES.len())];
        let condition = (!condition_ids.is_empty())
            .then(|| condition_ids[rng.random_range(0..condition_ids.len())].clone());
        let name = format!("Entraide {city} {}", g + 1);
        let (sponsor_name, sponsor_kind, sponsor_links) = super::sponsors::draw(rng, 10);
        rows.push(GroupRow {
            id: id_at(rng, created),
            name_key: name.to_lowercase(),
            name,
            description: sentence(rng),
            condition_id: condition,
            visibility: visibility.as_str(),
            audience: audience.as_str(),
            member_count: 0,
            created_by: String::new(),
            created_at: naive(created),
            updated_at: naive(created),
            sponsor_name,
            sponsor_kind,
            sponsor_links,
        });
        audiences.push(audience);
    }

    let owners: Vec<usize> = audiences
        .iter()
        .map(|audience| {
            loop {
                let m = rng.random_range(BENCH_MEMBERS..members.ids.len());
                if audience.admits(members.kinds[m]) {
                    break m;
                }
            }
        })
        .collect();
    for (row, owner) in rows.iter_mut().zip(&owners) {
        row.created_by = members.ids[*owner].clone();
    }
    let mut joining = Joining {
        time,
        members,
        groups: Groups {
            rows,
            memberships: Vec::new(),
            owners: owners.clone(),
            active: vec![Vec::new(); wanted],
        },
        joined: HashSet::new(),
    };
    for (g, owner) in owners.iter().enumerate() {
        joining.add(rng, g, *owner, GroupRole::Owner, MembershipStatus::Active);
    }
    let bench_groups = 20.min(wanted);
    for (m, kind) in members.kinds.iter().enumerate() {
        let wanted_here = if m < BENCH_MEMBERS {
            bench_groups
        } else {
            rng.random_range(0..=options.groups_per_member * 2)
        };
        let mut tries = 0;
        let mut count = 0;
        while count < wanted_here && tries < wanted_here * 10 {
            tries += 1;
            let g = rng.random_range(0..wanted);
            if !audiences[g].admits(*kind) {
                continue;
            }
            let status = if m >= BENCH_MEMBERS && rng.random_bool(0.03) {
                MembershipStatus::Pending
            } else {
                MembershipStatus::Active
            };
            if joining.add(rng, g, m, GroupRole::Member, status) {
                count += 1;
            }
        }
    }
    joining.groups
}
