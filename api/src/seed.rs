//! `entraide seed`: a realistic, deterministic dataset for demos, frontend work and benchmarks.
//!
//! The same `--seed` gives the same data on SQLite and PostgreSQL. Counters (group member
//! counts, post comment and reaction counts) match the rows. Text is French-looking, drawn from
//! a pool rendered once (rendering Markdown per row would dominate the load time).

use std::collections::HashSet;
use std::time::Instant;

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use entraide_domain::group::{Audience, GroupRole, GroupVisibility, MembershipStatus};
use entraide_domain::member::{MemberKind, Password, PlatformRole};
use entraide_domain::post::{Body, ReactionKind};
use entraide_domain::profile::{Visibility, defaults};
use entraide_persistence::bulk::{
    self, AnnouncementRow, AssociationFollowRow, AssociationMembershipRow, AssociationRow, BulkRow,
    CommentRow, CommitteeRow, EventRow, FollowRow, GroupRow, MemberRow, MembershipRow, PlaceRow,
    PostRow, ReactionRow, ResourceRow, ResourceVersionRow, RsvpRow,
};
use entraide_persistence::connection::in_transaction;
use entraide_persistence::{Database, DbConnection, PersistenceError, conditions, members};
use indicatif::{ProgressBar, ProgressStyle};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::security::password;

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

const FIRST_NAMES: [&str; 40] = [
    "Camille", "Léa", "Manon", "Chloé", "Emma", "Inès", "Jade", "Louise", "Sarah", "Julie",
    "Lucas", "Hugo", "Louis", "Nathan", "Gabriel", "Jules", "Arthur", "Adam", "Raphaël", "Paul",
    "Claire", "Sophie", "Nadia", "Fatou", "Amina", "Yasmine", "Elodie", "Martine", "Sylvie",
    "Isabelle", "Karim", "Mehdi", "Thomas", "Nicolas", "Julien", "Pierre", "Bernard", "Michel",
    "Alain", "Chantal",
];
const CITIES: [(&str, &str); 12] = [
    ("Paris", "Île-de-France"),
    ("Lyon", "Auvergne-Rhône-Alpes"),
    ("Marseille", "Provence-Alpes-Côte d'Azur"),
    ("Toulouse", "Occitanie"),
    ("Nantes", "Pays de la Loire"),
    ("Lille", "Hauts-de-France"),
    ("Rennes", "Bretagne"),
    ("Strasbourg", "Grand Est"),
    ("Bordeaux", "Nouvelle-Aquitaine"),
    ("Dijon", "Bourgogne-Franche-Comté"),
    ("Rouen", "Normandie"),
    ("Orléans", "Centre-Val de Loire"),
];
const OPENINGS: [&str; 12] = [
    "Bonjour à toutes et à tous,",
    "Petit message du jour :",
    "Je voulais partager avec vous",
    "Besoin de vos conseils :",
    "Une bonne nouvelle aujourd'hui,",
    "Journée difficile,",
    "Merci pour vos messages,",
    "Question pour les aidants :",
    "Retour de consultation :",
    "Pour celles et ceux qui débutent,",
    "Un peu de courage pour la semaine,",
    "Info pratique :",
];
const MIDDLES: [&str; 14] = [
    "la fatigue est revenue depuis le changement de traitement",
    "le rendez-vous avec le neurologue s'est bien passé",
    "les douleurs articulaires sont plus fortes le matin",
    "j'ai enfin obtenu la reconnaissance de mon handicap",
    "l'éducation thérapeutique m'a beaucoup aidée",
    "mon père accepte maintenant l'aide à domicile",
    "les séances de kiné font une vraie différence",
    "le sommeil reste compliqué malgré les conseils",
    "nous cherchons un groupe de parole près de chez nous",
    "la reprise du travail à mi-temps se passe mieux que prévu",
    "j'ai testé la méditation pour gérer le stress",
    "l'association organise une réunion d'information",
    "les examens sont rassurants pour le moment",
    "le répit de quelques jours m'a fait du bien",
];
const ENDINGS: [&str; 8] = [
    "Avez-vous vécu la même chose ?",
    "Merci d'avance pour vos retours.",
    "Prenez soin de vous.",
    "Courage à chacun.",
    "Je vous tiens au courant.",
    "N'hésitez pas si vous avez des questions.",
    "**Important** : parlez-en à votre médecin.",
    "Belle journée à tous.",
];

/// The moment the seeded history ends (three years of activity before it).
pub fn seed_epoch() -> DateTime<Utc> {
    DateTime::from_timestamp(1_793_491_200, 0).unwrap_or_default() // 2026-11-01T00:00:00Z
}

/// Text pools rendered once.
struct Pool {
    posts: Vec<Body>,
    comments: Vec<Body>,
}

fn sentence(rng: &mut StdRng) -> String {
    format!(
        "{} {}. {}",
        OPENINGS[rng.random_range(0..OPENINGS.len())],
        MIDDLES[rng.random_range(0..MIDDLES.len())],
        ENDINGS[rng.random_range(0..ENDINGS.len())]
    )
}

impl Pool {
    fn new(rng: &mut StdRng) -> Result<Self, PersistenceError> {
        let invalid = |e: entraide_domain::ParseError| PersistenceError::Config(e.to_string());
        let mut posts = Vec::with_capacity(512);
        for _ in 0..512 {
            let paragraphs = rng.random_range(1..=3);
            let text = (0..paragraphs)
                .map(|_| sentence(rng))
                .collect::<Vec<_>>()
                .join("\n\n");
            posts.push(Body::parse(&text, Body::POST_MAX_CHARS).map_err(invalid)?);
        }
        let mut comments = Vec::with_capacity(256);
        for _ in 0..256 {
            let text = format!(
                "{} {}",
                ENDINGS[rng.random_range(0..ENDINGS.len())],
                MIDDLES[rng.random_range(0..MIDDLES.len())]
            );
            comments.push(Body::parse(&text, Body::COMMENT_MAX_CHARS).map_err(invalid)?);
        }
        Ok(Self { posts, comments })
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

struct Progress {
    bar: ProgressBar,
}

impl Progress {
    fn new(enabled: bool, total: usize) -> Self {
        let bar = if enabled {
            ProgressBar::new(u64::try_from(total).unwrap_or(u64::MAX))
        } else {
            ProgressBar::hidden()
        };
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {bar:40} {pos}/{len} rows {msg} ({per_sec})",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        Self { bar }
    }

    fn load<T: BulkRow>(
        &self,
        conn: &mut DbConnection,
        table: &'static str,
        rows: &[T],
    ) -> Result<usize, PersistenceError> {
        self.bar.set_message(table);
        in_transaction(conn, |conn| {
            for chunk in rows.chunks(bulk::batch_size::<T>() * 4) {
                bulk::insert_all(conn, chunk)?;
                self.bar.inc(u64::try_from(chunk.len()).unwrap_or_default());
            }
            Ok::<_, PersistenceError>(rows.len())
        })
    }
}

fn kind_for(rng: &mut StdRng) -> MemberKind {
    match rng.random_range(0..10) {
        0..=5 => MemberKind::Patient,
        6..=8 => MemberKind::Caregiver,
        _ => MemberKind::Professional,
    }
}

fn visibility(rng: &mut StdRng, public: u32, members: u32) -> Visibility {
    let roll = rng.random_range(0..100);
    if roll < public {
        Visibility::Public
    } else if roll < public + members {
        Visibility::Members
    } else {
        Visibility::Private
    }
}

/// Loads a dataset into an empty database.
pub fn seed(database: &Database, options: &SeedOptions) -> Result<SeedReport, PersistenceError> {
    let started = Instant::now();
    let mut rng = StdRng::seed_from_u64(options.seed);
    let mut conn = database.writer()?;
    if members::count(&mut conn)? > 0 {
        return Err(PersistenceError::Config(
            "the database already has members: seed an empty database".to_owned(),
        ));
    }
    let members_wanted = options.members.max(BENCH_MEMBERS + 2);
    let password_hash = Password::parse_login(SEED_PASSWORD)
        .map_err(|e| PersistenceError::Config(e.to_string()))
        .and_then(|p| password::hash(&p).map_err(|e| PersistenceError::Config(e.to_string())))?;
    let condition_ids: Vec<String> = conditions::list(&mut conn, None, None, 1000)?
        .into_iter()
        .map(|c| c.id.to_string())
        .collect();
    let pool = Pool::new(&mut rng)?;
    // A fixed anchor, not the clock: the same seed must give the same ids and times.
    let now = seed_epoch();
    let start = now - Duration::days(3 * 365);
    let span_ms = (now - start).num_milliseconds().max(1);
    let at_fraction = |i: usize, n: usize| {
        let n = i64::try_from(n.max(1)).unwrap_or(1);
        let i = i64::try_from(i).unwrap_or(0);
        start + Duration::milliseconds(span_ms * i / n)
    };

    // Members, oldest first; the first BENCH_MEMBERS are patients set up for the feed benchmark.
    let mut kinds = Vec::with_capacity(members_wanted);
    let mut member_ids = Vec::with_capacity(members_wanted);
    let mut member_rows = Vec::with_capacity(members_wanted);
    for i in 0..members_wanted {
        let joined = at_fraction(i, members_wanted * 3);
        let kind = if i < BENCH_MEMBERS {
            MemberKind::Patient
        } else {
            kind_for(&mut rng)
        };
        let id = id_at(&mut rng, joined);
        let (email, pseudonym) = if i < BENCH_MEMBERS {
            (
                format!("bench{}@seed.entraide.test", i + 1),
                format!("Bench {}", i + 1),
            )
        } else {
            (
                format!("member{i}@seed.entraide.test"),
                format!(
                    "{} {i}",
                    FIRST_NAMES[rng.random_range(0..FIRST_NAMES.len())]
                ),
            )
        };
        let (city, region) = CITIES[rng.random_range(0..CITIES.len())];
        let has_bio = rng.random_bool(0.6);
        member_rows.push(MemberRow {
            id: id.clone(),
            email,
            pseudonym_key: pseudonym.to_lowercase(),
            pseudonym_skeleton: Some(
                entraide_domain::member::Pseudonym::from_stored(pseudonym.clone()).skeleton(),
            ),
            pseudonym,
            password_hash: password_hash.clone(),
            kind: kind.as_str(),
            role: PlatformRole::Member.as_str(),
            bio: has_bio.then(|| sentence(&mut rng)),
            bio_visibility: visibility(&mut rng, 30, 60).as_str(),
            avatar_url: None,
            avatar_visibility: defaults::AVATAR.as_str(),
            city: Some(city.to_owned()),
            region: Some(region.to_owned()),
            country: Some("FR".to_owned()),
            location_visibility: visibility(&mut rng, 10, 40).as_str(),
            language: Some("fr".to_owned()),
            language_visibility: defaults::LANGUAGE.as_str(),
            conditions_visibility: defaults::CONDITIONS.as_str(),
            failed_logins: 0,
            login_locked_until: None,
            created_at: naive(joined),
            updated_at: naive(joined),
            wall_visibility: visibility(&mut rng, 20, 70).as_str(),
        });
        kinds.push(kind);
        member_ids.push(id);
    }

    // Groups: mostly public and open to everyone, some private, some reserved spaces.
    let groups_wanted = options.groups.max(1);
    let mut group_rows = Vec::with_capacity(groups_wanted);
    let mut group_meta = Vec::with_capacity(groups_wanted);
    for g in 0..groups_wanted {
        let (visibility, audience) = match rng.random_range(0..10) {
            0..=5 => (GroupVisibility::Public, Audience::Everyone),
            6 | 7 => (GroupVisibility::Private, Audience::Everyone),
            8 => (GroupVisibility::Public, Audience::Caregivers),
            _ => (GroupVisibility::Private, Audience::Patients),
        };
        let created = at_fraction(g, groups_wanted * 4);
        let (city, _) = CITIES[rng.random_range(0..CITIES.len())];
        let condition = (!condition_ids.is_empty())
            .then(|| condition_ids[rng.random_range(0..condition_ids.len())].clone());
        let name = format!("Entraide {city} {}", g + 1);
        group_rows.push(GroupRow {
            id: id_at(&mut rng, created),
            name_key: name.to_lowercase(),
            name,
            description: sentence(&mut rng),
            condition_id: condition,
            visibility: visibility.as_str(),
            audience: audience.as_str(),
            member_count: 0,
            created_by: String::new(),
            created_at: naive(created),
            updated_at: naive(created),
        });
        group_meta.push(audience);
    }

    // Memberships: an owner per group, then members joining groups that admit them.
    let mut memberships: Vec<MembershipRow> = Vec::new();
    let mut joined: HashSet<(usize, usize)> = HashSet::new();
    // Active members of each group, for choosing post authors.
    let mut active_by_group: Vec<Vec<usize>> = vec![Vec::new(); groups_wanted];
    let owners: Vec<usize> = (0..groups_wanted)
        .map(|g| {
            loop {
                let m = rng.random_range(BENCH_MEMBERS..members_wanted);
                if group_meta[g].admits(kinds[m]) {
                    break m;
                }
            }
        })
        .collect();
    for (row, owner) in group_rows.iter_mut().zip(&owners) {
        row.created_by = member_ids[*owner].clone();
    }
    let mut add_membership = |rows: &mut Vec<MembershipRow>,
                              rng: &mut StdRng,
                              g: usize,
                              m: usize,
                              role: GroupRole,
                              status: MembershipStatus| {
        if !joined.insert((g, m)) {
            return false;
        }
        let at = naive(at_fraction(rng.random_range(0..1000), 1000));
        rows.push(MembershipRow {
            group_id: group_rows[g].id.clone(),
            member_id: member_ids[m].clone(),
            role: role.as_str(),
            status: status.as_str(),
            created_at: at,
            updated_at: at,
        });
        if status == MembershipStatus::Active {
            active_by_group[g].push(m);
            group_rows[g].member_count += 1;
        }
        true
    };
    for (g, owner) in owners.iter().enumerate() {
        add_membership(
            &mut memberships,
            &mut rng,
            g,
            *owner,
            GroupRole::Owner,
            MembershipStatus::Active,
        );
    }
    let bench_groups = 20.min(groups_wanted);
    for (m, kind) in kinds.iter().enumerate() {
        let wanted = if m < BENCH_MEMBERS {
            bench_groups
        } else {
            rng.random_range(0..=options.groups_per_member * 2)
        };
        let mut tries = 0;
        let mut count = 0;
        while count < wanted && tries < wanted * 10 {
            tries += 1;
            let g = rng.random_range(0..groups_wanted);
            if !group_meta[g].admits(*kind) {
                continue;
            }
            let status = if m >= BENCH_MEMBERS && rng.random_bool(0.03) {
                MembershipStatus::Pending
            } else {
                MembershipStatus::Active
            };
            if add_membership(&mut memberships, &mut rng, g, m, GroupRole::Member, status) {
                count += 1;
            }
        }
    }

    // Follows.
    let mut follows: Vec<FollowRow> = Vec::new();
    let mut followed: HashSet<(usize, usize)> = HashSet::new();
    for m in 0..members_wanted {
        let wanted = if m < BENCH_MEMBERS {
            50.min(members_wanted - 1)
        } else {
            rng.random_range(0..=options.follows_per_member * 2)
        };
        let mut count = 0;
        let mut tries = 0;
        while count < wanted && tries < wanted * 10 {
            tries += 1;
            let other = rng.random_range(0..members_wanted);
            if other == m || !followed.insert((m, other)) {
                continue;
            }
            follows.push(FollowRow {
                follower_id: member_ids[m].clone(),
                followed_id: member_ids[other].clone(),
                created_at: naive(at_fraction(rng.random_range(0..1000), 1000)),
            });
            count += 1;
        }
    }

    // Decide where comments and reactions go first, so post counters are right at insert time.
    let posts_wanted = options.posts;
    let mut comment_counts = vec![0_i64; posts_wanted];
    let comment_targets: Vec<u32> = if posts_wanted == 0 {
        Vec::new()
    } else {
        (0..options.comments)
            .map(|_| {
                let p = rng.random_range(0..posts_wanted);
                comment_counts[p] += 1;
                u32::try_from(p).unwrap_or(u32::MAX)
            })
            .collect()
    };
    let mut reaction_counts = vec![[0_i64; 4]; posts_wanted];
    let mut reaction_set: HashSet<(u32, u32, u8)> = HashSet::new();
    if posts_wanted > 0 {
        for _ in 0..options.reactions {
            let p = rng.random_range(0..posts_wanted);
            let m = rng.random_range(0..members_wanted);
            let k = rng.random_range(0..4_u8);
            if reaction_set.insert((
                u32::try_from(p).unwrap_or(u32::MAX),
                u32::try_from(m).unwrap_or(u32::MAX),
                k,
            )) {
                reaction_counts[p][usize::from(k)] += 1;
            }
        }
    }

    let total = member_rows.len()
        + group_rows.len()
        + memberships.len()
        + follows.len()
        + posts_wanted
        + options.comments
        + reaction_set.len();
    let progress = Progress::new(options.progress, total);
    bulk::prepare_for_loading(&mut conn)?;
    let mut rows: Vec<(&'static str, usize, f64)> = Vec::new();
    let clock = Instant::now();
    let count = progress.load(&mut conn, "members", &member_rows)?;
    rows.push(("members", count, clock.elapsed().as_secs_f64()));
    drop(member_rows);
    let clock = Instant::now();
    let count = progress.load(&mut conn, "groups", &group_rows)?;
    rows.push(("groups", count, clock.elapsed().as_secs_f64()));
    let clock = Instant::now();
    let count = progress.load(&mut conn, "memberships", &memberships)?;
    rows.push(("memberships", count, clock.elapsed().as_secs_f64()));
    drop(memberships);
    let clock = Instant::now();
    let count = progress.load(&mut conn, "follows", &follows)?;
    rows.push(("follows", count, clock.elapsed().as_secs_f64()));
    drop(follows);

    // Posts in time order (ids are time-ordered), in chunks to bound memory.
    let mut post_ids: Vec<String> = Vec::with_capacity(posts_wanted);
    let mut post_times: Vec<DateTime<Utc>> = Vec::with_capacity(posts_wanted);
    let mut post_groups: Vec<Option<u32>> = Vec::with_capacity(posts_wanted);
    let groups_with_members: Vec<usize> = (0..groups_wanted)
        .filter(|g| !active_by_group[*g].is_empty())
        .collect();
    let chunk = 20_000;
    let mut inserted_posts = 0;
    let posts_clock = Instant::now();
    for first in (0..posts_wanted).step_by(chunk) {
        let mut batch = Vec::with_capacity(chunk);
        for p in first..(first + chunk).min(posts_wanted) {
            let at =
                at_fraction(p, posts_wanted) + Duration::milliseconds(rng.random_range(0..500));
            let in_group = !groups_with_members.is_empty() && rng.random_bool(0.7);
            let (author, group) = if in_group {
                let g = groups_with_members[rng.random_range(0..groups_with_members.len())];
                let members_of = &active_by_group[g];
                (members_of[rng.random_range(0..members_of.len())], Some(g))
            } else {
                (rng.random_range(0..members_wanted), None)
            };
            let body = &pool.posts[rng.random_range(0..pool.posts.len())];
            let id = id_at(&mut rng, at);
            let [support, thanks, same_here, hug] = reaction_counts[p];
            batch.push(PostRow {
                id: id.clone(),
                author_id: member_ids[author].clone(),
                group_id: group.map(|g| group_rows[g].id.clone()),
                body: body.source().to_owned(),
                body_html: body.html().to_owned(),
                created_at: naive(at),
                edited_at: None,
                deleted_at: None,
                pinned_at: None,
                comment_count: comment_counts[p],
                support_count: support,
                thanks_count: thanks,
                same_here_count: same_here,
                hug_count: hug,
            });
            post_ids.push(id);
            post_times.push(at);
            post_groups.push(group.and_then(|g| u32::try_from(g).ok()));
        }
        inserted_posts += progress.load(&mut conn, "posts", &batch)?;
    }
    rows.push(("posts", inserted_posts, posts_clock.elapsed().as_secs_f64()));

    // Comments: a reply to the previous comment of the same post now and then (bounded depth).
    let mut last_comment: Vec<Option<(String, i32, DateTime<Utc>)>> = vec![None; posts_wanted];
    let mut inserted_comments = 0;
    let comments_clock = Instant::now();
    for targets in comment_targets.chunks(chunk) {
        let mut batch = Vec::with_capacity(targets.len());
        for &p in targets {
            let p = usize::try_from(p).unwrap_or_default();
            let previous = last_comment[p].clone();
            let base = previous.as_ref().map_or(post_times[p], |(_, _, t)| *t);
            let at = base + Duration::minutes(rng.random_range(1..600));
            let reply = previous
                .as_ref()
                .filter(|(_, depth, _)| *depth < entraide_domain::post::MAX_COMMENT_DEPTH)
                .filter(|_| rng.random_bool(0.3));
            let (parent_id, depth) = match reply {
                Some((id, depth, _)) => (Some(id.clone()), depth + 1),
                None => (None, 0),
            };
            let author = match post_groups[p] {
                Some(g) => {
                    let members_of = &active_by_group[usize::try_from(g).unwrap_or_default()];
                    members_of[rng.random_range(0..members_of.len())]
                }
                None => rng.random_range(0..members_wanted),
            };
            let body = &pool.comments[rng.random_range(0..pool.comments.len())];
            let id = id_at(&mut rng, at);
            last_comment[p] = Some((id.clone(), depth, at));
            batch.push(CommentRow {
                id,
                post_id: post_ids[p].clone(),
                parent_id,
                depth,
                author_id: member_ids[author].clone(),
                body: body.source().to_owned(),
                body_html: body.html().to_owned(),
                created_at: naive(at),
                edited_at: None,
                deleted_at: None,
                support_count: 0,
                thanks_count: 0,
                same_here_count: 0,
                hug_count: 0,
            });
        }
        inserted_comments += progress.load(&mut conn, "comments", &batch)?;
    }
    rows.push((
        "comments",
        inserted_comments,
        comments_clock.elapsed().as_secs_f64(),
    ));
    drop(last_comment);

    let reactions: Vec<ReactionRow> = reaction_set
        .into_iter()
        .map(|(p, m, k)| {
            let p = usize::try_from(p).unwrap_or_default();
            ReactionRow {
                post_id: post_ids[p].clone(),
                member_id: member_ids[usize::try_from(m).unwrap_or_default()].clone(),
                kind: ReactionKind::ALL[usize::from(k)].as_str(),
                created_at: naive(post_times[p]),
            }
        })
        .collect();
    let clock = Instant::now();
    let count = progress.load(&mut conn, "reactions", &reactions)?;
    rows.push(("reactions", count, clock.elapsed().as_secs_f64()));
    let calendar = Calendar {
        member_ids: &member_ids,
        group_ids: group_rows.iter().map(|g| g.id.clone()).collect(),
        group_owners: &owners,
        active_by_group: &active_by_group,
        now,
    };
    rows.extend(calendar.load(&mut conn, &mut rng, &progress, options)?);
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

/// Coordinates of [`CITIES`], for event venues.
const CITY_POINTS: [(f64, f64); 12] = [
    (48.8566, 2.3522),
    (45.7640, 4.8357),
    (43.2965, 5.3698),
    (43.6047, 1.4442),
    (47.2184, -1.5536),
    (50.6292, 3.0573),
    (48.1173, -1.6778),
    (48.5734, 7.7521),
    (44.8378, -0.5792),
    (47.3220, 5.0415),
    (49.4432, 1.0999),
    (47.9030, 1.9093),
];

const EVENT_TITLES: [&str; 8] = [
    "Groupe de parole",
    "Café des aidants",
    "Atelier d'éducation thérapeutique",
    "Réunion d'information",
    "Marche solidaire",
    "Conférence avec un neurologue",
    "Permanence de l'association",
    "Séance de sophrologie",
];

/// What the associations and the calendar are built on.
struct Calendar<'a> {
    member_ids: &'a [String],
    group_ids: Vec<String>,
    group_owners: &'a [usize],
    active_by_group: &'a [Vec<usize>],
    now: DateTime<Utc>,
}

impl Calendar<'_> {
    /// Associations (verified, each with members, followers and a live announcement; the
    /// benchmark members join or follow some) and events around the seed epoch with RSVPs.
    fn load(
        &self,
        conn: &mut DbConnection,
        rng: &mut StdRng,
        progress: &Progress,
        options: &SeedOptions,
    ) -> Result<Vec<(&'static str, usize, f64)>, PersistenceError> {
        let clock = Instant::now();
        let members = self.member_ids.len();
        let at = naive(self.now);
        let mut associations = Vec::new();
        let mut memberships = Vec::new();
        let mut follows = Vec::new();
        let mut announcements = Vec::new();
        for a in 0..options.associations {
            let (city, region) = CITIES[a % CITIES.len()];
            let admin = rng.random_range(BENCH_MEMBERS..members);
            let id = id_at(rng, self.now - Duration::days(400));
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
                memberships.push(AssociationMembershipRow {
                    association_id: id.clone(),
                    member_id: self.member_ids[m].clone(),
                    role: if m == admin { "admin" } else { "member" },
                    status: "active",
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
                follows.push(AssociationFollowRow {
                    association_id: id.clone(),
                    member_id: self.member_ids[m].clone(),
                    created_at: at,
                });
            }
            let body = Body::parse(
                &format!("{} {}", sentence(rng), sentence(rng)),
                Body::POST_MAX_CHARS,
            )
            .map_err(|e| PersistenceError::Config(e.to_string()))?;
            announcements.push(AnnouncementRow {
                id: id_at(rng, self.now - Duration::days(3)),
                association_id: id.clone(),
                author_id: self.member_ids[admin].clone(),
                title: format!("Prévention : {}", EVENT_TITLES[a % EVENT_TITLES.len()]),
                body: body.source().to_owned(),
                body_html: body.html().to_owned(),
                link: None,
                for_patients: true,
                for_caregivers: true,
                for_professionals: rng.random_bool(0.5),
                region_key: rng.random_bool(0.5).then(|| region.to_lowercase()),
                publish_at: naive(self.now - Duration::days(3)),
                expires_at: Some(naive(self.now + Duration::days(3650))),
                created_at: naive(self.now - Duration::days(3)),
            });
            associations.push(AssociationRow {
                id,
                name_key: name.to_lowercase(),
                name,
                description: sentence(rng),
                website: Some(format!("https://asso{}.example.org", a + 1)),
                region: Some(region.to_owned()),
                contact_email: None,
                open_membership: true,
                status: "verified",
                verified_at: Some(at),
                verified_by: None,
                webhook_secret: format!("seed-secret-{a}-{}", rng.random::<u64>()),
                member_count: i64::try_from(joined.len()).unwrap_or_default(),
                follower_count: i64::try_from(followers.len()).unwrap_or_default(),
                created_by: self.member_ids[admin].clone(),
                created_at: at,
                updated_at: at,
            });
        }

        let zone = entraide_domain::event::TimeZoneName::parse("Europe/Paris")
            .map_err(|e| PersistenceError::Config(e.to_string()))?;
        let mut events = Vec::new();
        let mut rsvps = Vec::new();
        for e in 0..options.events {
            let starts = self.now + Duration::hours(rng.random_range(-24 * 90..24 * 180));
            let duration = Duration::minutes(30 * rng.random_range(2..6));
            let recurrence = match rng.random_range(0..20) {
                0 => Some(entraide_domain::event::Recurrence::Weekly),
                1 => Some(entraide_domain::event::Recurrence::MonthlyByWeekday),
                _ => None,
            };
            let schedule = entraide_domain::event::Schedule::parse(
                starts,
                starts + duration,
                zone,
                recurrence,
                None,
            )
            .map_err(|e| PersistenceError::Config(e.to_string()))?;
            let (group, association, organizer, audience): (
                Option<usize>,
                Option<usize>,
                usize,
                Vec<usize>,
            ) = match rng.random_range(0..3) {
                0 if !self.group_ids.is_empty() => {
                    let g = rng.random_range(0..self.group_ids.len());
                    (
                        Some(g),
                        None,
                        self.group_owners[g],
                        self.active_by_group[g].clone(),
                    )
                }
                1 if !associations.is_empty() => {
                    let a = rng.random_range(0..associations.len());
                    let admin = memberships
                        .iter()
                        .find(|m| m.association_id == associations[a].id && m.role == "admin")
                        .and_then(|m| self.member_ids.iter().position(|id| *id == m.member_id))
                        .unwrap_or_default();
                    (None, Some(a), admin, Vec::new())
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
                    "going"
                } else {
                    interested += 1;
                    "interested"
                };
                rsvps.push(RsvpRow {
                    event_id: id.clone(),
                    member_id: self.member_ids[m].clone(),
                    status,
                    created_at: at,
                    updated_at: at,
                });
            }
            events.push(EventRow {
                id,
                title: EVENT_TITLES[e % EVENT_TITLES.len()].to_owned(),
                description: sentence(rng),
                organizer_id: self.member_ids[organizer].clone(),
                group_id: group.map(|g| self.group_ids[g].clone()),
                association_id: association.map(|a| associations[a].id.clone()),
                starts_at: naive(schedule.starts_at),
                ends_at: naive(schedule.ends_at),
                time_zone: zone.as_str().to_owned(),
                recurrence: recurrence.map(entraide_domain::event::Recurrence::as_str),
                recurrence_until: None,
                last_ends_at: naive(schedule.last_ends_at()),
                online_url: online.then(|| format!("https://visio.example.org/{e}")),
                address: (!online)
                    .then(|| format!("{} rue de la République", rng.random_range(1..200))),
                city: (!online).then(|| CITIES[c].0.to_owned()),
                latitude: (!online).then_some(CITY_POINTS[c].0),
                longitude: (!online).then_some(CITY_POINTS[c].1),
                capacity,
                status: "scheduled",
                cancelled_at: None,
                rescheduled_at: None,
                previous_starts_at: None,
                sequence: 0,
                going_count: going,
                interested_count: interested,
                waitlist_count: 0,
                created_at: naive(starts - Duration::days(30)),
                updated_at: naive(starts - Duration::days(30)),
            });
        }
        progress.load(conn, "associations", &associations)?;
        progress.load(conn, "association_memberships", &memberships)?;
        progress.load(conn, "association_follows", &follows)?;
        progress.load(conn, "announcements", &announcements)?;
        let association_seconds = clock.elapsed().as_secs_f64();
        let clock = Instant::now();
        progress.load(conn, "events", &events)?;
        progress.load(conn, "event_rsvps", &rsvps)?;
        let event_seconds = clock.elapsed().as_secs_f64();
        let clock = Instant::now();
        let (resources, places) = self.knowledge(conn, rng, progress, options)?;
        Ok(vec![
            ("associations", associations.len(), association_seconds),
            ("events", events.len(), event_seconds),
            ("event_rsvps", rsvps.len(), 0.0),
            ("resources", resources, clock.elapsed().as_secs_f64()),
            ("places", places, 0.0),
        ])
    }

    /// A platform committee with published fact sheets, and places around the seeded cities.
    fn knowledge(
        &self,
        conn: &mut DbConnection,
        rng: &mut StdRng,
        progress: &Progress,
        options: &SeedOptions,
    ) -> Result<(usize, usize), PersistenceError> {
        let members = self.member_ids.len();
        let at = naive(self.now - Duration::days(60));
        let editor = self.member_ids[rng.random_range(BENCH_MEMBERS..members)].clone();
        let committee = CommitteeRow {
            id: id_at(rng, self.now - Duration::days(500)),
            name: "Comité scientifique Entraide".to_owned(),
            name_key: "comité scientifique entraide".to_owned(),
            description: "Médecins, soignants et patients experts.".to_owned(),
            association_id: None,
            quorum: 1,
            created_by: editor.clone(),
            created_at: at,
        };
        let mut resources = Vec::with_capacity(options.resources);
        let mut versions = Vec::with_capacity(options.resources);
        for r in 0..options.resources {
            let created = self.now - Duration::days(rng.random_range(30..700));
            let id = id_at(rng, created);
            let title = format!("Fiche {} : {}", r + 1, MIDDLES[r % MIDDLES.len()]);
            let body = Body::parse(
                &format!("{}\n\n{}", sentence(rng), sentence(rng)),
                Body::POST_MAX_CHARS,
            )
            .map_err(|e| PersistenceError::Config(e.to_string()))?;
            let validated = created + Duration::days(10);
            resources.push(ResourceRow {
                id: id.clone(),
                kind: "fact_sheet",
                language: "fr".to_owned(),
                audience: ["patients", "caregivers", "everyone"][r % 3],
                committee_id: committee.id.clone(),
                author_id: editor.clone(),
                created_at: naive(created),
                updated_at: naive(validated),
            });
            versions.push(ResourceVersionRow {
                id: id_at(rng, created),
                resource_id: id,
                number: 1,
                status: "published",
                title_key: title.to_lowercase(),
                title,
                summary: sentence(rng),
                body: body.source().to_owned(),
                body_html: body.html().to_owned(),
                tags: "seed".to_owned(),
                sources: "Haute Autorité de santé".to_owned(),
                created_by: editor.clone(),
                created_at: naive(created),
                updated_at: naive(validated),
                submitted_at: Some(naive(created + Duration::days(1))),
                validated_at: Some(naive(validated)),
                review_due_at: Some(naive(validated + Duration::days(730))),
                published_at: Some(naive(validated)),
            });
        }
        const KINDS: [&str; 6] = [
            "support_group",
            "hospital_department",
            "therapeutic_education",
            "association_office",
            "social_service",
            "respite_care",
        ];
        let mut places = Vec::with_capacity(options.places);
        for p in 0..options.places {
            let c = p % CITIES.len();
            let (lat, lon) = CITY_POINTS[c];
            let kind = KINDS[p % KINDS.len()];
            let name = format!("{} {} {}", kind.replace('_', " "), CITIES[c].0, p + 1);
            places.push(PlaceRow {
                id: id_at(rng, self.now - Duration::days(100)),
                name_key: name.to_lowercase(),
                name,
                kind,
                description: sentence(rng),
                address: format!("{} avenue de la Santé", rng.random_range(1..300)),
                city: CITIES[c].0.to_owned(),
                city_key: CITIES[c].0.to_lowercase(),
                postcode: None,
                latitude: lat + rng.random_range(-0.2..0.2),
                longitude: lon + rng.random_range(-0.2..0.2),
                audience: "everyone",
                created_by: editor.clone(),
                verified_by: Some(editor.clone()),
                verified_at: at,
                created_at: at,
                updated_at: at,
            });
        }
        progress.load(conn, "committees", &[committee])?;
        progress.load(conn, "resources", &resources)?;
        progress.load(conn, "resource_versions", &versions)?;
        progress.load(conn, "places", &places)?;
        Ok((resources.len(), places.len()))
    }
}
