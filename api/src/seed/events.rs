//! Events around the seed epoch (a tenth of them recurring), in groups, of associations or
//! personal, with RSVPs: members of the group answer, or anyone; the benchmark members now and
//! then. Capacity is respected and the counters are counted from the answers.

use std::collections::HashSet;

use chrono::Duration;
use entraide_domain::event::{EventStatus, Recurrence, RsvpStatus, Schedule, TimeZoneName};
use entraide_persistence::PersistenceError;
use entraide_persistence::bulk::{EventRow, RsvpRow};
use rand::Rng;
use rand::rngs::StdRng;

use super::associations::Associations;
use super::groups::Groups;
use super::text::{CITIES, CITY_POINTS, EVENT_TITLES, sentence};
use super::{BENCH_MEMBERS, SeedOptions, Timeline, id_at, naive};

pub(super) struct Events {
    pub(super) rows: Vec<EventRow>,
    pub(super) rsvps: Vec<RsvpRow>,
}

fn invalid(error: entraide_domain::ParseError) -> PersistenceError {
    PersistenceError::Config(error.to_string())
}

pub(super) fn generate(
    rng: &mut StdRng,
    time: &Timeline,
    options: &SeedOptions,
    member_ids: &[String],
    groups: &Groups,
    associations: &Associations,
) -> Result<Events, PersistenceError> {
    let now = time.now;
    let members = member_ids.len();
    let at = naive(now);
    let zone = TimeZoneName::parse("Europe/Paris").map_err(invalid)?;
    let mut events = Vec::new();
    let mut rsvps = Vec::new();
    for e in 0..options.events {
        let starts = now + Duration::hours(rng.random_range(-24 * 90..24 * 180));
        let duration = Duration::minutes(30 * rng.random_range(2..6));
        let recurrence = match rng.random_range(0..20) {
            0 => Some(Recurrence::Weekly),
            1 => Some(Recurrence::MonthlyByWeekday),
            _ => None,
        };
        let schedule =
            Schedule::parse(starts, starts + duration, zone, recurrence, None).map_err(invalid)?;
        let (group, association, organizer, audience): (
            Option<usize>,
            Option<usize>,
            usize,
            Vec<usize>,
        ) = match rng.random_range(0..3) {
            0 if !groups.rows.is_empty() => {
                let g = rng.random_range(0..groups.rows.len());
                (Some(g), None, groups.owners[g], groups.active[g].clone())
            }
            1 if !associations.rows.is_empty() => {
                let a = rng.random_range(0..associations.rows.len());
                (None, Some(a), associations.admins[a], Vec::new())
            }
            _ => (None, None, rng.random_range(0..members), Vec::new()),
        };
        let c = rng.random_range(0..CITIES.len());
        let online = rng.random_bool(0.3);
        let capacity = rng.random_bool(0.2).then_some(20_i32);
        let id = id_at(rng, starts - Duration::days(30));
        // Who answers: members of the group, or anyone; the benchmark members now and then.
        let mut answered: HashSet<usize> = HashSet::new();
        for _ in 0..rng.random_range(0..12) {
            let m = if audience.is_empty() {
                rng.random_range(0..members)
            } else {
                audience[rng.random_range(0..audience.len())]
            };
            answered.insert(m);
        }
        if audience.is_empty() && e % 10 == 0 {
            answered.insert(e / 10 % BENCH_MEMBERS);
        }
        let mut answered: Vec<usize> = answered.into_iter().collect();
        answered.sort_unstable();
        let (mut going, mut interested) = (0_i64, 0_i64);
        for m in answered {
            let wants_going = rng.random_bool(0.6);
            let status = if wants_going && capacity.is_none_or(|c| going < i64::from(c)) {
                going += 1;
                RsvpStatus::Going
            } else {
                interested += 1;
                RsvpStatus::Interested
            };
            rsvps.push(RsvpRow {
                event_id: id.clone(),
                member_id: member_ids[m].clone(),
                status: status.as_str(),
                created_at: at,
                updated_at: at,
            });
        }
        let (sponsor_name, sponsor_kind, sponsor_links) = super::sponsors::draw(rng, 10);
        events.push(EventRow {
            id,
            title: EVENT_TITLES[e % EVENT_TITLES.len()].to_owned(),
            description: sentence(rng),
            organizer_id: member_ids[organizer].clone(),
            group_id: group.map(|g| groups.rows[g].id.clone()),
            association_id: association.map(|a| associations.rows[a].id.clone()),
            starts_at: naive(schedule.starts_at),
            ends_at: naive(schedule.ends_at),
            time_zone: zone.as_str().to_owned(),
            recurrence: recurrence.map(Recurrence::as_str),
            recurrence_until: None,
            last_ends_at: naive(schedule.last_ends_at()),
            online_url: online.then(|| format!("https://visio.example.org/{e}")),
            address: (!online)
                .then(|| format!("{} rue de la République", rng.random_range(1..200))),
            city: (!online).then(|| CITIES[c].0.to_owned()),
            latitude: (!online).then_some(CITY_POINTS[c].0),
            longitude: (!online).then_some(CITY_POINTS[c].1),
            capacity,
            status: EventStatus::Scheduled.as_str(),
            cancelled_at: None,
            rescheduled_at: None,
            previous_starts_at: None,
            sequence: 0,
            going_count: going,
            interested_count: interested,
            waitlist_count: 0,
            created_at: naive(starts - Duration::days(30)),
            updated_at: naive(starts - Duration::days(30)),
            sponsor_name,
            sponsor_kind,
            sponsor_links,
        });
    }
    Ok(Events {
        rows: events,
        rsvps,
    })
}
