//! SMTP through `lettre` (tokio transport, rustls). A connection per mail: account mail is rare,
//! and a pooled connection would belong to the worker that opened it.

use std::time::Duration;

use futures_util::future::LocalBoxFuture;
use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::transport::smtp::Error as SmtpError;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::{ExposeSecret, SecretString};

use super::{Mail, MailError, Mailer};
use crate::configuration::SettingsError;

/// How long one delivery may take, connection included.
const TIMEOUT: Duration = Duration::from_secs(15);

pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl SmtpMailer {
    /// Reads `ENTRAIDE_SMTP_URL` (`smtp://`, `smtp://...?tls=required`, `smtps://`) and
    /// `ENTRAIDE_MAIL_FROM`; an unreadable one stops the start-up.
    pub fn new(url: &SecretString, from: &str) -> Result<Self, SettingsError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose_secret())
            .map_err(|_| {
                SettingsError::Invalid(
                    "ENTRAIDE_SMTP_URL must be smtp://host[:port][?tls=required] or \
                     smtps://[user:password@]host[:port]"
                        .to_owned(),
                )
            })?
            .timeout(Some(TIMEOUT))
            .build();
        let from = from.parse::<Mailbox>().map_err(|_| {
            SettingsError::Invalid(
                "ENTRAIDE_MAIL_FROM must be an address, optionally with a name: \
                 \"Entraide <no-reply@entraide.example.org>\""
                    .to_owned(),
            )
        })?;
        Ok(Self { transport, from })
    }
}

/// What is logged of a failure: the server's answers may quote the address, so only their
/// code is kept; connection, TLS and timeout errors are kept whole.
fn describe(error: &SmtpError) -> String {
    if error.is_permanent() || error.is_transient() || error.is_response() {
        let kind = if error.is_permanent() {
            "permanent"
        } else if error.is_transient() {
            "transient"
        } else {
            "unreadable"
        };
        match error.status() {
            Some(code) => format!("{kind} refusal from the server (code {code})"),
            None => format!("{kind} refusal from the server"),
        }
    } else {
        error.to_string()
    }
}

impl Mailer for SmtpMailer {
    fn name(&self) -> &'static str {
        "smtp"
    }

    fn deliver(&self, mail: Mail) -> LocalBoxFuture<'static, Result<(), MailError>> {
        let transport = self.transport.clone();
        let from = self.from.clone();
        Box::pin(async move {
            let Mail {
                kind: _,
                to,
                subject,
                body,
            } = mail;
            let to = to.parse::<Mailbox>().map_err(|_| MailError::Address)?;
            let message = Message::builder()
                .from(from)
                .to(to)
                .subject(subject)
                .header(ContentType::TEXT_PLAIN)
                .body(body)
                .map_err(|error| MailError::Build(error.to_string()))?;
            transport
                .send(message)
                .await
                .map_err(|error| MailError::Smtp(describe(&error)))?;
            Ok(())
        })
    }
}
