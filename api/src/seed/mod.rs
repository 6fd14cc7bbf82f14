//! `entraide seed`: a realistic, deterministic dataset for demos, frontend work and benchmarks.
//!
//! The same `--seed` gives the same data on SQLite and PostgreSQL. Counters (group member
//! counts, post comment and reaction counts) match the rows. Text is French-looking, drawn from
//! a pool rendered once (rendering Markdown per row would dominate the load time).
//!
//! [`seed`] runs one generator per entity in a fixed order — members, groups with their
//! memberships, follows, posts with comments and reactions, associations, events, resources,
//! places, a research study, photos — each drawing from the one seeded generator, so the order of the calls (and of the
//! draws inside each) is what makes the output deterministic: keep it when changing one. The
//! rows go through `persistence::bulk`, one transaction per table.

mod associations;
mod discovery;
mod events;
mod follows;
mod groups;
mod members;
mod photos;
mod places;
mod posts;
mod progress;
mod research;
mod resources;
mod sponsors;
mod text;

use std::time::Instant;

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use entraide_domain::member::Password;
use entraide_persistence::connection::in_transaction;
use entraide_persistence::{Database, PersistenceError, bulk, conditions};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::security::password;
use progress::Progress;

/// Dataset sizes.
#[derive(Debug, Clone)]
pub struct SeedOptions {
    pub members: usize,
    pub groups: usize,
    pub posts: usize,
    pub comments: usize,
    pub reactions: usize,
    /// Follows per member, on average.
    pub follows_per_member: usize,
    /// Groups joined per member, on average.
    pub groups_per_member: usize,
    /// Verified associations, each with members, followers and a live announcement.
    pub associations: usize,
    /// Events (a tenth of them recurring), in groups, of associations or personal.
    pub events: usize,
    /// Published fact sheets, validated by a seeded committee.
    pub resources: usize,
    /// Places of the local resources directory, around the seeded cities.
    pub places: usize,
    /// Photos attached to evenly spaced posts (one each), files written to the media store.
    pub photos: usize,
    /// Members with an avatar photo.
    pub avatars: usize,
    pub seed: u64,
    /// Run `ANALYZE` at the end (production databases are analysed; a fresh one is not).
    pub analyze: bool,
    pub progress: bool,
}

/// What was loaded, and accounts to log in with.
#[derive(Debug)]
pub struct SeedReport {
    /// (table, rows, seconds spent inserting them).
    pub rows: Vec<(&'static str, usize, f64)>,
    pub seconds: f64,
    /// (e-mail, password) of the benchmark members: each in ~20 groups, following ~50 members.
    pub credentials: Vec<(String, String)>,
}

/// The password of every seeded account (hashed once: hashing per account would take hours).
pub const SEED_PASSWORD: &str = "graine de solidarité 2026";
/// Members in ~20 groups who follow ~50 members: the feed benchmark logs in as one of them.
pub const BENCH_MEMBERS: usize = 10;

/// The moment the seeded history ends (three years of activity before it).
pub fn seed_epoch() -> DateTime<Utc> {
    DateTime::from_timestamp(1_793_491_200, 0).unwrap_or_default() // 2026-11-01T00:00:00Z
}

/// The seeded history: three years up to a fixed anchor, not the clock, so the same seed gives
/// the same ids and times.
struct Timeline {
    now: DateTime<Utc>,
    start: DateTime<Utc>,
    span_ms: i64,
}

impl Timeline {
    fn new(now: DateTime<Utc>) -> Self {
        let start = now - Duration::days(3 * 365);
        Self {
            now,
            start,
            span_ms: (now - start).num_milliseconds().max(1),
        }
    }

    /// The `i`-th of `n` moments spread evenly over the history.
    fn at_fraction(&self, i: usize, n: usize) -> DateTime<Utc> {
        let n = i64::try_from(n.max(1)).unwrap_or(1);
        let i = i64::try_from(i).unwrap_or(0);
        self.start + Duration::milliseconds(self.span_ms * i / n)
    }
}

/// A UUID v7 for a moment, with random bits from the seeded generator (deterministic).
fn id_at(rng: &mut StdRng, at: DateTime<Utc>) -> String {
    let mut random = [0u8; 10];
    rng.fill(&mut random);
    let millis = u64::try_from(at.timestamp_millis()).unwrap_or_default();
    uuid::Builder::from_unix_timestamp_millis(millis, &random)
        .into_uuid()
        .to_string()
}

fn naive(at: DateTime<Utc>) -> NaiveDateTime {
    at.naive_utc()
}

/// A seeded member id (a UUID this module wrote) as the domain's id.
fn parse_member(raw: &str) -> Result<entraide_domain::ids::MemberId, PersistenceError> {
    raw.parse()
        .map_err(|_| PersistenceError::Config(format!("seed member id {raw:?}")))
}

/// Loads a dataset into an empty database, the photos' files into `media`.
pub fn seed(
    database: &Database,
    options: &SeedOptions,
    media: &dyn crate::media::MediaStore,
) -> Result<SeedReport, PersistenceError> {
    let started = Instant::now();
    let mut rng = StdRng::seed_from_u64(options.seed);
    let mut conn = database.writer()?;
    if entraide_persistence::members::count(&mut conn)? > 0 {
        return Err(PersistenceError::Config(
            "the database already has members: seed an empty database".to_owned(),
        ));
    }
    let password_hash = Password::parse_login(SEED_PASSWORD)
        .map_err(|e| PersistenceError::Config(e.to_string()))
        .and_then(|p| password::hash(&p).map_err(|e| PersistenceError::Config(e.to_string())))?;
    let condition_ids: Vec<String> = conditions::list(&mut conn, None, None, None, 1000)?
        .into_iter()
        .map(|c| c.id.to_string())
        .collect();
    let pool = text::Pool::new(&mut rng)?;
    let time = Timeline::new(seed_epoch());

    // Everything posts do not depend on is generated first, then loaded.
    let members_wanted = options.members.max(BENCH_MEMBERS + 2);
    let mut members = members::generate(&mut rng, &time, members_wanted, &password_hash);
    let people = discovery::generate(&mut rng, &mut members, &condition_ids);
    let mut groups = groups::generate(&mut rng, &time, options, &members, &condition_ids);
    let member_ids = &members.ids;
    let follows = follows::generate(&mut rng, &time, options, member_ids);
    let plan = posts::Plan::new(&mut rng, options, member_ids.len());

    let total = members.rows.len()
        + groups.rows.len()
        + groups.memberships.len()
        + follows.len()
        + options.posts
        + options.comments
        + plan.reaction_count()
        + people.conditions.len()
        + people.bands.len()
        + people.discoverable.len()
        + options.photos
        + options.avatars;
    let progress = Progress::new(options.progress, total);
    bulk::prepare_for_loading(&mut conn)?;
    let mut rows: Vec<(&'static str, usize, f64)> = Vec::new();
    let clock = Instant::now();
    let count = progress.load(&mut conn, "members", &members.rows)?;
    rows.push(("members", count, clock.elapsed().as_secs_f64()));
    members.rows = Vec::new();
    let clock = Instant::now();
    progress.load(&mut conn, "member_conditions", &people.conditions)?;
    progress.load(&mut conn, "profile_bands", &people.bands)?;
    let count = progress.load(&mut conn, "discoverable_members", &people.discoverable)?;
    rows.push(("discoverable", count, clock.elapsed().as_secs_f64()));
    drop(people);
    let clock = Instant::now();
    let count = progress.load(&mut conn, "groups", &groups.rows)?;
    rows.push(("groups", count, clock.elapsed().as_secs_f64()));
    let clock = Instant::now();
    let count = progress.load(&mut conn, "memberships", &groups.memberships)?;
    rows.push(("memberships", count, clock.elapsed().as_secs_f64()));
    groups.memberships = Vec::new();
    let clock = Instant::now();
    let count = progress.load(&mut conn, "follows", &follows)?;
    rows.push(("follows", count, clock.elapsed().as_secs_f64()));
    drop(follows);

    let sources = posts::Sources {
        time: &time,
        pool: &pool,
        member_ids,
        groups: &groups,
    };
    let clock = Instant::now();
    let (written, count) = posts::write_posts(&mut conn, &mut rng, &progress, &sources, &plan)?;
    rows.push(("posts", count, clock.elapsed().as_secs_f64()));
    let clock = Instant::now();
    let count = posts::write_comments(&mut conn, &mut rng, &progress, &sources, &plan, &written)?;
    rows.push(("comments", count, clock.elapsed().as_secs_f64()));
    let reactions = posts::reactions(plan, &written, member_ids);
    progress.bar.set_message("photos");
    let clock = Instant::now();
    let photos = photos::generate(
        &mut rng,
        &time,
        options.photos,
        options.avatars,
        &written,
        member_ids,
        media,
    )?;
    drop(written);
    let count = progress.load(&mut conn, "media", &photos)?;
    rows.push(("photos", count, clock.elapsed().as_secs_f64()));
    drop(photos);
    let clock = Instant::now();
    let count = progress.load(&mut conn, "reactions", &reactions)?;
    rows.push(("reactions", count, clock.elapsed().as_secs_f64()));
    drop(reactions);

    let clock = Instant::now();
    let associations = associations::generate(&mut rng, &time, options, member_ids)?;
    let events = events::generate(&mut rng, &time, options, member_ids, &groups, &associations)?;
    progress.load(&mut conn, "associations", &associations.rows)?;
    progress.load(
        &mut conn,
        "association_memberships",
        &associations.memberships,
    )?;
    progress.load(&mut conn, "association_follows", &associations.follows)?;
    progress.load(&mut conn, "announcements", &associations.announcements)?;
    rows.push((
        "associations",
        associations.rows.len(),
        clock.elapsed().as_secs_f64(),
    ));
    let clock = Instant::now();
    progress.load(&mut conn, "events", &events.rows)?;
    progress.load(&mut conn, "event_rsvps", &events.rsvps)?;
    rows.push(("events", events.rows.len(), clock.elapsed().as_secs_f64()));
    rows.push(("event_rsvps", events.rsvps.len(), 0.0));

    // One editor wrote the fact sheets and vouches for the places.
    let clock = Instant::now();
    let editor = &member_ids[rng.random_range(BENCH_MEMBERS..member_ids.len())];
    let library = resources::generate(&mut rng, &time, options, editor)?;
    let places = places::generate(&mut rng, &time, options, editor);
    progress.load(&mut conn, "committees", &[library.committee])?;
    progress.load(&mut conn, "resources", &library.resources)?;
    progress.load(&mut conn, "resource_versions", &library.versions)?;
    progress.load(&mut conn, "places", &places)?;
    rows.push((
        "resources",
        library.resources.len(),
        clock.elapsed().as_secs_f64(),
    ));
    rows.push(("places", places.len(), 0.0));

    // A researcher runs a study that the first patients and caregivers answer.
    progress.bar.set_message("research");
    let clock = Instant::now();
    let researcher = &member_ids[rng.random_range(BENCH_MEMBERS..member_ids.len())];
    let answered = research::write(
        &mut conn,
        &mut rng,
        &time,
        member_ids,
        &members.kinds,
        researcher,
    )?;
    rows.push(("responses", answered, clock.elapsed().as_secs_f64()));

    progress.bar.set_message("search index");
    let clock = Instant::now();
    let indexed = in_transaction(&mut conn, entraide_persistence::search::reindex_all)?;
    rows.push(("search index", indexed, clock.elapsed().as_secs_f64()));
    progress.bar.finish_and_clear();
    bulk::finish_loading(&mut conn)?;
    if options.analyze {
        bulk::analyze(&mut conn)?;
    }
    let credentials = (1..=BENCH_MEMBERS.min(3))
        .map(|i| {
            (
                format!("bench{i}@seed.entraide.test"),
                SEED_PASSWORD.to_owned(),
            )
        })
        .collect();
    Ok(SeedReport {
        rows,
        seconds: started.elapsed().as_secs_f64(),
        credentials,
    })
}
