//! Verified associations, each with an admin, members, followers and a live announcement; the
//! benchmark members belong to the first two. Counters are counted from the rows.

use std::collections::HashSet;

use chrono::Duration;
use entraide_domain::association::{
    AssociationMembershipStatus, AssociationRole, AssociationStatus,
};
use entraide_domain::post::Body;
use entraide_persistence::PersistenceError;
use entraide_persistence::bulk::{
    AnnouncementRow, AssociationFollowRow, AssociationMembershipRow, AssociationRow,
};
use rand::Rng;
use rand::rngs::StdRng;

use super::text::{CITIES, EVENT_TITLES, body, sentence};
use super::{BENCH_MEMBERS, SeedOptions, Timeline, id_at, naive};

pub(super) struct Associations {
    pub(super) rows: Vec<AssociationRow>,
    pub(super) memberships: Vec<AssociationMembershipRow>,
    pub(super) follows: Vec<AssociationFollowRow>,
    pub(super) announcements: Vec<AnnouncementRow>,
    /// The admin of each association (a member index): it organises the association's events.
    pub(super) admins: Vec<usize>,
}

pub(super) fn generate(
    rng: &mut StdRng,
    time: &Timeline,
    options: &SeedOptions,
    member_ids: &[String],
) -> Result<Associations, PersistenceError> {
    let now = time.now;
    let members = member_ids.len();
    let at = naive(now);
    let mut out = Associations {
        rows: Vec::new(),
        memberships: Vec::new(),
        follows: Vec::new(),
        announcements: Vec::new(),
        admins: Vec::new(),
    };
    for a in 0..options.associations {
        let (city, region) = CITIES[a % CITIES.len()];
        let admin = rng.random_range(BENCH_MEMBERS..members);
        let id = id_at(rng, now - Duration::days(400));
        let name = format!("Association {city} Entraide {}", a + 1);
        let mut joined: HashSet<usize> = HashSet::from([admin]);
        for _ in 0..(members / 20).max(2) {
            joined.insert(rng.random_range(0..members));
        }
        // The benchmark members belong to the first associations.
        if a < 2 {
            joined.extend(0..BENCH_MEMBERS);
        }
        let mut joined: Vec<usize> = joined.into_iter().collect();
        joined.sort_unstable();
        for &m in &joined {
            let role = if m == admin {
                AssociationRole::Admin
            } else {
                AssociationRole::Member
            };
            out.memberships.push(AssociationMembershipRow {
                association_id: id.clone(),
                member_id: member_ids[m].clone(),
                role: role.as_str(),
                status: AssociationMembershipStatus::Active.as_str(),
                created_at: at,
                updated_at: at,
            });
        }
        let mut followers: HashSet<usize> = HashSet::new();
        for _ in 0..(members / 10).max(2) {
            followers.insert(rng.random_range(0..members));
        }
        let mut followers: Vec<usize> = followers.into_iter().collect();
        followers.sort_unstable();
        for &m in &followers {
            out.follows.push(AssociationFollowRow {
                association_id: id.clone(),
                member_id: member_ids[m].clone(),
                created_at: at,
            });
        }
        let text = format!("{} {}", sentence(rng), sentence(rng));
        let announcement = body(&text, Body::POST_MAX_CHARS)?;
        out.announcements.push(AnnouncementRow {
            id: id_at(rng, now - Duration::days(3)),
            association_id: id.clone(),
            author_id: member_ids[admin].clone(),
            title: format!("Prévention : {}", EVENT_TITLES[a % EVENT_TITLES.len()]),
            body: announcement.source().to_owned(),
            body_html: announcement.html().to_owned(),
            link: None,
            for_patients: true,
            for_caregivers: true,
            for_professionals: rng.random_bool(0.5),
            region_key: rng.random_bool(0.5).then(|| region.to_lowercase()),
            publish_at: naive(now - Duration::days(3)),
            expires_at: Some(naive(now + Duration::days(3650))),
            created_at: naive(now - Duration::days(3)),
        });
        let (sponsor_name, sponsor_kind, sponsor_links) = super::sponsors::draw(rng, 10);
        out.rows.push(AssociationRow {
            id,
            name_key: name.to_lowercase(),
            name,
            description: sentence(rng),
            website: Some(format!("https://asso{}.example.org", a + 1)),
            region: Some(region.to_owned()),
            contact_email: None,
            open_membership: true,
            status: AssociationStatus::Verified.as_str(),
            verified_at: Some(at),
            verified_by: None,
            webhook_secret: format!("seed-secret-{a}-{}", rng.random::<u64>()),
            member_count: i64::try_from(joined.len()).unwrap_or_default(),
            follower_count: i64::try_from(followers.len()).unwrap_or_default(),
            created_by: member_ids[admin].clone(),
            created_at: at,
            updated_at: at,
            sponsor_name,
            sponsor_kind,
            sponsor_links,
        });
        out.admins.push(admin);
    }
    Ok(out)
}
