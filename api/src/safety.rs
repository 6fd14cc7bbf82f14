//! The crisis safety net: a post or comment that expresses distress ("envie d'en finir") is
//! not blocked; its author gets helplines in the response, and the content is queued as an
//! urgent report for platform moderators. Expressions and helplines are configuration
//! (`[safety]` in `entraide.toml`); the defaults are French and English, with France's
//! national suicide prevention line, 3114.

use entraide_domain::moderation::{expresses_crisis, fold};
use entraide_openapi::moderation::{HelplineItem, SafetyNotice};
use serde::Deserialize;

/// A helpline shown to a member in distress.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Helpline {
    /// ISO 3166-1 alpha-2 country code (`FR`).
    pub country: String,
    pub name: String,
    pub phone: Option<String>,
    pub url: Option<String>,
    /// When it answers ("24 h/24, 7 j/7").
    pub hours: Option<String>,
}

/// `[safety]` settings.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct SafetySettings {
    /// Expressions of distress, matched whatever the case, accents and apostrophes, on word
    /// boundaries. Empty: the safety net is off.
    pub crisis_expressions: Vec<String>,
    /// The country whose helplines are shown.
    pub country: String,
    pub helplines: Vec<Helpline>,
    /// The words shown above the helplines.
    pub message: String,
}

impl Default for SafetySettings {
    fn default() -> Self {
        let expressions = [
            // French.
            "envie d'en finir",
            "en finir avec la vie",
            "en finir une bonne fois",
            "me suicider",
            "suicidaire",
            "je veux mourir",
            "j'ai envie de mourir",
            "plus envie de vivre",
            "mettre fin a mes jours",
            "me foutre en l'air",
            "disparaitre pour toujours",
            // English.
            "kill myself",
            "end my life",
            "want to die",
            "suicidal",
            "no reason to live",
            "better off dead",
        ];
        Self {
            crisis_expressions: expressions.iter().map(|e| (*e).to_owned()).collect(),
            country: "FR".to_owned(),
            helplines: vec![
                Helpline {
                    country: "FR".to_owned(),
                    name: "3114 — numéro national de prévention du suicide".to_owned(),
                    phone: Some("3114".to_owned()),
                    url: Some("https://3114.fr".to_owned()),
                    hours: Some("24 h/24, 7 j/7, gratuit".to_owned()),
                },
                Helpline {
                    country: "FR".to_owned(),
                    name: "SOS Amitié".to_owned(),
                    phone: Some("09 72 39 40 50".to_owned()),
                    url: Some("https://www.sos-amitie.com".to_owned()),
                    hours: Some("24 h/24, 7 j/7".to_owned()),
                },
                Helpline {
                    country: "FR".to_owned(),
                    name: "Urgences".to_owned(),
                    phone: Some("112".to_owned()),
                    url: None,
                    hours: None,
                },
            ],
            message: "Vous n'êtes pas seul·e. Si vous pensez au suicide ou traversez une crise, \
                      des personnes formées peuvent vous écouter dès maintenant. / You are not \
                      alone: trained people can listen to you right now."
                .to_owned(),
        }
    }
}

/// The safety net as configured, its expressions folded once.
#[derive(Debug, Clone)]
pub struct SafetyNet {
    expressions: Vec<String>,
    notice: SafetyNotice,
}

impl SafetyNet {
    pub fn new(settings: &SafetySettings) -> Self {
        let expressions = settings
            .crisis_expressions
            .iter()
            .map(|e| fold(e.trim()))
            .filter(|e| !e.is_empty())
            .collect();
        let helplines = settings
            .helplines
            .iter()
            .filter(|h| h.country.eq_ignore_ascii_case(&settings.country))
            .map(|h| HelplineItem {
                name: h.name.clone(),
                phone: h.phone.clone(),
                url: h.url.clone(),
                hours: h.hours.clone(),
            })
            .collect();
        Self {
            expressions,
            notice: SafetyNotice {
                message: settings.message.clone(),
                helplines,
            },
        }
    }

    /// The notice for the author when `text` expresses distress.
    pub fn check(&self, text: &str) -> Option<SafetyNotice> {
        expresses_crisis(text, &self.expressions).then(|| self.notice.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_net_catches_distress_and_shows_the_3114() {
        let net = SafetyNet::new(&SafetySettings::default());
        let notice = net
            .check("Franchement j'ai ENVIE D’EN FINIR, je n'en peux plus")
            .unwrap();
        assert!(
            notice
                .helplines
                .iter()
                .any(|h| h.phone.as_deref() == Some("3114"))
        );
        assert!(net.check("I just want to die tonight").is_some());
        assert!(net.check("Je voudrais mettre fin à mes jours").is_some());
        assert!(
            net.check("Enfin un bon rendez-vous avec la neurologue !")
                .is_none()
        );
        assert!(net.check("").is_none());
    }

    #[test]
    fn an_empty_list_turns_the_net_off_and_helplines_follow_the_country() {
        let mut settings = SafetySettings {
            crisis_expressions: vec!["  ".to_owned()],
            ..SafetySettings::default()
        };
        assert!(
            SafetyNet::new(&settings)
                .check("envie d'en finir")
                .is_none()
        );
        settings.crisis_expressions = vec!["au bout du rouleau".to_owned()];
        settings.country = "BE".to_owned();
        settings.helplines.push(Helpline {
            country: "BE".to_owned(),
            name: "Centre de Prévention du Suicide".to_owned(),
            phone: Some("0800 32 123".to_owned()),
            url: None,
            hours: None,
        });
        let notice = SafetyNet::new(&settings)
            .check("Je suis au bout du rouleau")
            .unwrap();
        let phones: Vec<_> = notice
            .helplines
            .iter()
            .filter_map(|h| h.phone.as_deref())
            .collect();
        assert_eq!(phones, ["0800 32 123"]);
    }
}
