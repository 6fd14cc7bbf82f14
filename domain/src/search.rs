//! Full-text search terms, computed the same way for both databases.
//!
//! Text is cut into words, lower-cased, stripped of accents ("fatigué" → "fatigue"), and each
//! word is reduced to its French and English stems (Snowball): "douleurs" and "douleur" both
//! give "douleur". A document is indexed by the set of its stems; a query word matches a
//! document holding either of its stems, and every query word must match. PostgreSQL and
//! SQLite then only match whole tokens, so both find exactly the same documents.

use std::collections::BTreeSet;

use rust_stemmers::{Algorithm, Stemmer};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::error::ParseError;

/// What can be searched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DocumentKind {
    Group,
    Post,
    Comment,
    Resource,
    Event,
    Place,
}

wire_enum!(DocumentKind, "type", "invalid_type",
    Group => "group", Post => "post", Comment => "comment", Resource => "resource",
    Event => "event", Place => "place");

/// Frequent words that would match nearly everything.
const STOP_WORDS: [&str; 72] = [
    "a", "au", "aux", "avec", "ce", "ces", "dans", "de", "des", "du", "elle", "en", "et", "eux",
    "il", "je", "la", "le", "les", "leur", "lui", "ma", "mais", "me", "mes", "moi", "mon", "ne",
    "nos", "notre", "nous", "on", "ou", "par", "pas", "pour", "qu", "que", "qui", "sa", "se",
    "ses", "son", "sur", "ta", "te", "tes", "toi", "ton", "tu", "un", "une", "vos", "votre",
    "vous", "an", "and", "are", "as", "at", "be", "by", "for", "in", "is", "it", "of", "on", "or",
    "the", "to", "with",
];

/// The most words a query may hold.
pub const MAX_QUERY_WORDS: usize = 10;
/// The longest query, in characters.
pub const MAX_QUERY_CHARS: usize = 200;

fn fold(word: &str) -> String {
    word.nfd().filter(|c| !is_combining_mark(*c)).collect()
}

/// Lower-cased words (with their accents), stop words dropped.
fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .filter(|w| {
            let folded = fold(w);
            folded.chars().all(|c| c.is_ascii_alphanumeric())
                && folded.len() >= 2
                && !STOP_WORDS.contains(&folded.as_str())
        })
}

/// The stems a word can take: French (stemmed with its accents, which the French rules use,
/// then folded) and English (of the folded word).
fn stems(word: &str, french: &Stemmer, english: &Stemmer) -> BTreeSet<String> {
    let folded = fold(word);
    [fold(&french.stem(word)), english.stem(&folded).into_owned()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect()
}

/// The indexed terms of a text: its distinct stems, space-separated.
pub fn terms(text: &str) -> String {
    let (french, english) = (
        Stemmer::create(Algorithm::French),
        Stemmer::create(Algorithm::English),
    );
    let mut all = BTreeSet::new();
    for word in words(text) {
        all.extend(stems(&word, &french, &english));
    }
    all.into_iter().collect::<Vec<_>>().join(" ")
}

/// A parsed query: for each word, the stems any of which matches it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    words: Vec<Vec<String>>,
}

impl Query {
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        if raw.chars().count() > MAX_QUERY_CHARS {
            return Err(ParseError::single(
                "q",
                "too_long",
                format!("must be at most {MAX_QUERY_CHARS} characters"),
            ));
        }
        let (french, english) = (
            Stemmer::create(Algorithm::French),
            Stemmer::create(Algorithm::English),
        );
        let mut seen = BTreeSet::new();
        let words: Vec<Vec<String>> = words(raw)
            .filter(|w| seen.insert(w.clone()))
            .map(|w| stems(&w, &french, &english).into_iter().collect())
            .collect();
        if words.is_empty() {
            return Err(ParseError::single(
                "q",
                "empty_query",
                "give at least one meaningful word",
            ));
        }
        if words.len() > MAX_QUERY_WORDS {
            return Err(ParseError::single(
                "q",
                "too_many_words",
                format!("at most {MAX_QUERY_WORDS} words"),
            ));
        }
        Ok(Self { words })
    }

    /// For each query word, its alternative stems (only `[a-z0-9]`, safe to quote).
    pub fn words(&self) -> &[Vec<String>] {
        &self.words
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(document: &str, query: &str) -> bool {
        let terms: BTreeSet<String> = terms(document).split(' ').map(str::to_owned).collect();
        Query::parse(query)
            .unwrap()
            .words()
            .iter()
            .all(|alternatives| alternatives.iter().any(|stem| terms.contains(stem)))
    }

    #[test]
    fn stems_and_accents() {
        assert!(matches("Mes douleurs articulaires le matin", "douleur"));
        assert!(matches("Je suis tellement fatiguée", "fatigue"));
        assert!(matches("La fatigue chronique", "fatigué"));
        assert!(matches("Managing chronic pain at work", "pains"));
        assert!(matches("Les médicaments du soir", "médicament"));
        assert!(!matches("Les médicaments du soir", "douleur"));
        assert!(
            !matches("douleur", "douleur fatigue"),
            "every word must match"
        );
        assert!(matches("ÉDUCATION thérapeutique", "education"));
    }

    #[test]
    fn queries_refuse_empty_and_huge_input() {
        for bad in ["", "   ", "le la de", "!!!"] {
            assert_eq!(
                Query::parse(bad).unwrap_err().errors()[0].code,
                "empty_query",
                "{bad:?}"
            );
        }
        assert_eq!(
            Query::parse(&"mot ".repeat(11))
                .map(|q| q.words().len())
                .unwrap(),
            1
        );
        let many = (0..11)
            .map(|i| format!("mot{i}"))
            .collect::<Vec<_>>()
            .join(" ");
        assert_eq!(
            Query::parse(&many).unwrap_err().errors()[0].code,
            "too_many_words"
        );
        assert_eq!(
            Query::parse(&"a".repeat(201)).unwrap_err().errors()[0].code,
            "too_long"
        );
        // Only safe characters reach the databases.
        let q = Query::parse("\"fatigue\" OR *; DROP TABLE").unwrap();
        assert!(
            q.words()
                .iter()
                .flatten()
                .all(|s| s.chars().all(|c| c.is_ascii_alphanumeric()))
        );
    }
}
