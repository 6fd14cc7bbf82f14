//! The texts of account mail: plain text, French then English, never any health data nor the
//! member's pseudonym (a mail can be read over a shoulder or forwarded). Links are built by
//! `Settings::mail_link` from `ENTRAIDE_PUBLIC_URL` and the configured client paths.

use entraide_domain::notification::NotificationKind;

use super::{Mail, MailKind};

const SEPARATOR: &str = "\n\n----------------------------------------\n\n";

fn mail(kind: MailKind, to: &str, subject: &str, french: &str, english: &str) -> Mail {
    Mail {
        kind,
        to: to.to_owned(),
        subject: subject.to_owned(),
        body: format!(
            "{french}{SEPARATOR}{english}\n\n-- \nEntraide (message automatique / automatic message)\n"
        ),
    }
}

/// After registration, or on request: verify the account's address.
pub fn verify_email(to: &str, link: &str) -> Mail {
    mail(
        MailKind::VerifyEmail,
        to,
        "Confirmez votre adresse e-mail / Confirm your e-mail address",
        &format!(
            "Bonjour,\n\nPour confirmer l'adresse de votre compte Entraide, ouvrez ce lien \
             (valable 48 heures, une seule fois) :\n\n{link}\n\nSi vous n'avez pas créé de \
             compte Entraide, ignorez ce message : rien ne sera fait sans vous."
        ),
        &format!(
            "Hello,\n\nTo confirm the address of your Entraide account, open this link (valid \
             48 hours, once):\n\n{link}\n\nIf you did not create an Entraide account, ignore \
             this message: nothing happens without you."
        ),
    )
}

/// An e-mail change: sent to the new address, which replaces the old one when the link is used.
pub fn verify_new_email(to: &str, link: &str) -> Mail {
    mail(
        MailKind::VerifyNewEmail,
        to,
        "Confirmez votre nouvelle adresse e-mail / Confirm your new e-mail address",
        &format!(
            "Bonjour,\n\nVous avez demandé que votre compte Entraide utilise désormais cette \
             adresse. Pour confirmer, ouvrez ce lien (valable 48 heures, une seule fois) :\n\n\
             {link}\n\nL'ancienne adresse reste celle du compte tant que le lien n'est pas \
             utilisé. Si vous n'êtes pas à l'origine de cette demande, ignorez ce message."
        ),
        &format!(
            "Hello,\n\nYou asked for your Entraide account to use this address from now on. To \
             confirm, open this link (valid 48 hours, once):\n\n{link}\n\nThe old address stays \
             the account's until the link is used. If you did not ask for this, ignore this \
             message."
        ),
    )
}

/// Someone registered with an address that already has an account: its owner is told, and
/// the registration stored nothing.
pub fn registration_attempt(to: &str, reset_page: &str) -> Mail {
    mail(
        MailKind::RegistrationAttempt,
        to,
        "Tentative d'inscription avec votre adresse / Sign-up attempt with your address",
        &format!(
            "Bonjour,\n\nQuelqu'un a essayé de créer un compte Entraide avec cette adresse, qui \
             a déjà un compte. Aucun nouveau compte n'a été créé.\n\nSi c'était vous, connectez-\
             vous avec votre mot de passe, ou choisissez-en un nouveau ici : {reset_page}\n\n\
             Sinon, vous n'avez rien à faire."
        ),
        &format!(
            "Hello,\n\nSomeone tried to create an Entraide account with this address, which \
             already has one. No new account was created.\n\nIf it was you, log in with your \
             password, or choose a new one here: {reset_page}\n\nOtherwise, there is nothing to \
             do."
        ),
    )
}

/// A password reset link, to an address that has an account.
pub fn password_reset(to: &str, link: &str) -> Mail {
    mail(
        MailKind::PasswordReset,
        to,
        "Réinitialisation de votre mot de passe / Reset your password",
        &format!(
            "Bonjour,\n\nPour choisir un nouveau mot de passe pour votre compte Entraide, \
             ouvrez ce lien (valable 1 heure, une seule fois) :\n\n{link}\n\nToutes vos \
             sessions seront alors déconnectées. Si vous n'avez rien demandé, ignorez ce \
             message : votre mot de passe ne change pas."
        ),
        &format!(
            "Hello,\n\nTo choose a new password for your Entraide account, open this link \
             (valid 1 hour, once):\n\n{link}\n\nEvery session will then be logged out. If you \
             did not ask for this, ignore this message: your password does not change."
        ),
    )
}

/// To the current address, when an e-mail change was asked for (whatever the new address).
pub fn email_change_requested(to: &str) -> Mail {
    mail(
        MailKind::EmailChangeRequested,
        to,
        "Changement d'adresse demandé / E-mail change requested",
        "Bonjour,\n\nUn changement d'adresse e-mail a été demandé pour votre compte Entraide. \
         Cette adresse reste celle du compte tant que la nouvelle n'est pas confirmée.\n\nSi vous \
         n'êtes pas à l'origine de cette demande, changez votre mot de passe et déconnectez vos \
         autres sessions depuis les réglages de votre compte.",
        "Hello,\n\nAn e-mail change was requested for your Entraide account. This address stays \
         the account's until the new one is confirmed.\n\nIf you did not ask for this, change \
         your password and log your other sessions out from your account settings.",
    )
}

/// To an address someone asked to move their account to, when it already has an account.
pub fn address_in_use(to: &str) -> Mail {
    mail(
        MailKind::AddressInUse,
        to,
        "Votre adresse a été proposée pour un autre compte / Your address was offered for another account",
        "Bonjour,\n\nQuelqu'un a demandé qu'un autre compte Entraide utilise cette adresse. \
         Elle reste celle de votre compte : rien n'a changé.\n\nSi c'était vous, cette adresse \
         est déjà celle de l'un de vos comptes.",
        "Hello,\n\nSomeone asked for another Entraide account to use this address. It stays \
         your account's: nothing changed.\n\nIf it was you, this address already belongs to one \
         of your accounts.",
    )
}

/// A generic label for a kind of notification, French and English: never a name, a title or
/// anything a notification points at.
fn digest_label(kind: NotificationKind) -> (&'static str, &'static str) {
    match kind {
        NotificationKind::Comment => (
            "commentaire(s) sur vos messages",
            "comment(s) on your posts",
        ),
        NotificationKind::Reply => (
            "réponse(s) à vos commentaires",
            "reply(ies) to your comments",
        ),
        NotificationKind::Reaction => ("réaction(s)", "reaction(s)"),
        NotificationKind::Mention => ("mention(s) de votre pseudonyme", "mention(s) of you"),
        NotificationKind::JoinRequest => ("demande(s) d'adhésion", "request(s) to join"),
        NotificationKind::JoinDecision => (
            "réponse(s) à vos demandes d'adhésion",
            "answer(s) to your requests to join",
        ),
        NotificationKind::EventChanged => ("événement(s) modifié(s)", "event(s) changed"),
        NotificationKind::EventReminder => ("rappel(s) d'événement", "event reminder(s)"),
        NotificationKind::QuestionnaireDue => {
            ("questionnaire(s) à remplir", "questionnaire(s) to answer")
        }
        NotificationKind::ResourceValidated => ("ressource(s) validée(s)", "resource(s) validated"),
        NotificationKind::ContentModerated | NotificationKind::Sanctioned => {
            ("décision(s) de modération", "moderation decision(s)")
        }
        NotificationKind::ReportDecided => ("signalement(s) traité(s)", "report(s) decided"),
    }
}

/// The e-mail digest: how many unread notifications of each kind, and one link to the list.
/// Counts and generic labels only — no pseudonym, title, group, post, event or health text:
/// the member reads the rest once signed in.
pub fn notification_digest(to: &str, counts: &[(NotificationKind, usize)], link: &str) -> Mail {
    let mut merged: Vec<((&str, &str), usize)> = Vec::new();
    for (kind, count) in counts {
        let label = digest_label(*kind);
        match merged.iter_mut().find(|(l, _)| *l == label) {
            Some((_, n)) => *n = n.saturating_add(*count),
            None => merged.push((label, *count)),
        }
    }
    let total: usize = merged.iter().fold(0, |sum, (_, n)| sum.saturating_add(*n));
    let french_lines: String = merged
        .iter()
        .map(|((fr, _), n)| format!("- {n} {fr}\n"))
        .collect();
    let english_lines: String = merged
        .iter()
        .map(|((_, en), n)| format!("- {n} {en}\n"))
        .collect();
    mail(
        MailKind::NotificationDigest,
        to,
        "Vos notifications Entraide / Your Entraide notifications",
        &format!(
            "Bonjour,\n\nVous avez {total} notification(s) non lue(s) :\n\n{french_lines}\n\
             Pour les lire, connectez-vous : {link}\n\nVous recevez ce résumé parce que vous \
             l'avez demandé ; changez sa fréquence dans vos réglages de notifications."
        ),
        &format!(
            "Hello,\n\nYou have {total} unread notification(s):\n\n{english_lines}\n\
             To read them, sign in: {link}\n\nYou receive this digest because you asked for \
             it; change how often in your notification settings."
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_mail_is_bilingual_and_carries_its_link() {
        let link = "https://entraide.example.org/verify-email?token=abc";
        for mail in [
            verify_email("a@example.org", link),
            verify_new_email("a@example.org", link),
            password_reset("a@example.org", link),
            registration_attempt("a@example.org", link),
        ] {
            assert_eq!(mail.body.matches(link).count(), 2, "{:?}", mail.kind);
            assert!(mail.body.contains("Bonjour") && mail.body.contains("Hello"));
            assert!(mail.subject.contains(" / "));
        }
        for mail in [
            email_change_requested("a@example.org"),
            address_in_use("a@example.org"),
        ] {
            assert!(!mail.body.contains("http"), "{:?} holds no link", mail.kind);
            assert!(mail.body.contains("Bonjour") && mail.body.contains("Hello"));
        }
    }

    #[test]
    fn the_digest_holds_counts_labels_and_the_link_only() {
        let mail = notification_digest(
            "ana@example.org",
            &[
                (NotificationKind::ContentModerated, 1),
                (NotificationKind::Sanctioned, 2),
                (NotificationKind::Comment, 4),
            ],
            "https://entraide.example.org/notifications",
        );
        assert_eq!(mail.kind, MailKind::NotificationDigest);
        assert!(mail.body.contains("7 unread notification(s)"));
        assert!(mail.body.contains("- 3 moderation decision(s)"));
        assert!(mail.body.contains("- 4 comment(s) on your posts"));
        assert!(
            mail.body
                .contains("https://entraide.example.org/notifications")
        );
    }
}
