//! Account mail: the [`Mailer`] trait, its two implementations (SMTP through `lettre`, or the
//! `outbox_emails` table when no server is configured), the texts, and sending after the answer.
//!
//! Handlers never send inside a transaction nor wait for delivery: [`send_later`] hands the mail
//! to a task on the worker once the request's work is committed, so the answer — its status,
//! body and timing — does not depend on whether a mail went out, failed, or was never due (a
//! password reset for an unknown address). A failure is logged (kind of mail and cause, never
//! the address or the link) and changes nothing for the client.

pub mod messages;
pub mod outbox;
pub mod smtp;

use std::sync::Arc;

use futures_util::future::LocalBoxFuture;
use tracing::Instrument;

use crate::configuration::{MailTransport, Settings, SettingsError};

/// What a mail is about, for the logs (which never hold an address or a link).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailKind {
    VerifyEmail,
    VerifyNewEmail,
    RegistrationAttempt,
    PasswordReset,
    EmailChangeRequested,
    AddressInUse,
    NotificationDigest,
}

impl MailKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::VerifyEmail => "verify_email",
            Self::VerifyNewEmail => "verify_new_email",
            Self::RegistrationAttempt => "registration_attempt",
            Self::PasswordReset => "password_reset",
            Self::EmailChangeRequested => "email_change_requested",
            Self::AddressInUse => "address_in_use",
            Self::NotificationDigest => "notification_digest",
        }
    }
}

/// One plain-text mail, French then English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    pub kind: MailKind,
    pub to: String,
    pub subject: String,
    pub body: String,
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// An address `lettre` refuses (never echoed: it is personal data).
    #[error("an address could not be used")]
    Address,
    #[error("the message could not be built: {0}")]
    Build(String),
    #[error("SMTP: {0}")]
    Smtp(String),
    #[error("outbox: {0}")]
    Outbox(String),
}

/// Delivers mail. Implementations return a future that runs on an actix worker, off any
/// transaction.
pub trait Mailer: Send + Sync {
    /// `smtp` or `outbox`, for the logs.
    fn name(&self) -> &'static str;

    fn deliver(&self, mail: Mail) -> LocalBoxFuture<'static, Result<(), MailError>>;
}

/// The mailer the settings ask for (checked at start-up: production without SMTP refuses to
/// start unless `ENTRAIDE_MAILER=outbox`).
pub fn from_settings(
    settings: &Settings,
    database: &entraide_persistence::Database,
) -> Result<Arc<dyn Mailer>, SettingsError> {
    Ok(match settings.mail_transport()? {
        MailTransport::Smtp { url, from } => {
            tracing::info!("account mail goes through SMTP");
            Arc::new(smtp::SmtpMailer::new(&url, &from)?)
        }
        MailTransport::Outbox { from: _ } => {
            tracing::info!("no SMTP server configured: account mail is kept in outbox_emails");
            Arc::new(outbox::OutboxMailer::new(
                database.clone(),
                settings.env == crate::configuration::Environment::Development,
            ))
        }
    })
}

/// Sends `mail` after the answer, in a task of the current worker, within the request's span.
pub fn send_later(mailer: &Arc<dyn Mailer>, mail: Mail) {
    let mailer = Arc::clone(mailer);
    let kind = mail.kind.as_str();
    actix_web::rt::spawn(
        async move {
            match mailer.deliver(mail).await {
                Ok(()) => tracing::info!(kind, mailer = mailer.name(), "mail handed over"),
                Err(error) => {
                    tracing::error!(kind, mailer = mailer.name(), %error, "mail not sent");
                }
            }
        }
        .instrument(tracing::Span::current()),
    );
}
