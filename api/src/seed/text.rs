//! The words the seed writes with: French-looking names, cities and sentences, and the pool of
//! post and comment bodies rendered once (rendering Markdown per row would dominate the load).

use entraide_domain::post::Body;
use entraide_persistence::PersistenceError;
use rand::Rng;
use rand::rngs::StdRng;

pub(super) const FIRST_NAMES: [&str; 40] = [
    "Camille", "Léa", "Manon", "Chloé", "Emma", "Inès", "Jade", "Louise", "Sarah", "Julie",
    "Lucas", "Hugo", "Louis", "Nathan", "Gabriel", "Jules", "Arthur", "Adam", "Raphaël", "Paul",
    "Claire", "Sophie", "Nadia", "Fatou", "Amina", "Yasmine", "Elodie", "Martine", "Sylvie",
    "Isabelle", "Karim", "Mehdi", "Thomas", "Nicolas", "Julien", "Pierre", "Bernard", "Michel",
    "Alain", "Chantal",
];

/// (city, region).
pub(super) const CITIES: [(&str, &str); 12] = [
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

/// Coordinates of [`CITIES`], for event venues and places.
pub(super) const CITY_POINTS: [(f64, f64); 12] = [
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

pub(super) const MIDDLES: [&str; 14] = [
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

pub(super) const EVENT_TITLES: [&str; 8] = [
    "Groupe de parole",
    "Café des aidants",
    "Atelier d'éducation thérapeutique",
    "Réunion d'information",
    "Marche solidaire",
    "Conférence avec un neurologue",
    "Permanence de l'association",
    "Séance de sophrologie",
];

pub(super) fn sentence(rng: &mut StdRng) -> String {
    format!(
        "{} {}. {}",
        OPENINGS[rng.random_range(0..OPENINGS.len())],
        MIDDLES[rng.random_range(0..MIDDLES.len())],
        ENDINGS[rng.random_range(0..ENDINGS.len())]
    )
}

/// A body of at most `max_chars`, parsed and rendered like one a member writes.
pub(super) fn body(text: &str, max_chars: usize) -> Result<Body, PersistenceError> {
    Body::parse(text, max_chars).map_err(|e| PersistenceError::Config(e.to_string()))
}

/// Text pools rendered once.
pub(super) struct Pool {
    pub(super) posts: Vec<Body>,
    pub(super) comments: Vec<Body>,
}

impl Pool {
    pub(super) fn new(rng: &mut StdRng) -> Result<Self, PersistenceError> {
        let mut posts = Vec::with_capacity(512);
        for _ in 0..512 {
            let paragraphs = rng.random_range(1..=3);
            let text = (0..paragraphs)
                .map(|_| sentence(rng))
                .collect::<Vec<_>>()
                .join("\n\n");
            posts.push(body(&text, Body::POST_MAX_CHARS)?);
        }
        let mut comments = Vec::with_capacity(256);
        for _ in 0..256 {
            let text = format!(
                "{} {}",
                ENDINGS[rng.random_range(0..ENDINGS.len())],
                MIDDLES[rng.random_range(0..MIDDLES.len())]
            );
            comments.push(body(&text, Body::COMMENT_MAX_CHARS)?);
        }
        Ok(Self { posts, comments })
    }
}
