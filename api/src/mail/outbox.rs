//! The outbox: without an SMTP server, mail is kept in `outbox_emails` (and announced in the
//! log) so that a development set-up works with nothing installed. Nothing leaves the machine.

use chrono::{TimeDelta, Utc};
use entraide_persistence::{Database, outbox};
use futures_util::future::LocalBoxFuture;

use super::{Mail, MailError, Mailer};
use crate::db;

/// Kept mails older than this are deleted (their links expired long before).
const KEEP: TimeDelta = TimeDelta::days(7);

pub struct OutboxMailer {
    db: Database,
    /// Development only: the log line carries the body (the link), so a developer can click it.
    /// In production (`ENTRAIDE_MAILER=outbox`) links stay out of the logs.
    log_bodies: bool,
}

impl OutboxMailer {
    pub fn new(db: Database, log_bodies: bool) -> Self {
        Self { db, log_bodies }
    }
}

impl Mailer for OutboxMailer {
    fn name(&self) -> &'static str {
        "outbox"
    }

    fn deliver(&self, mail: Mail) -> LocalBoxFuture<'static, Result<(), MailError>> {
        let db = self.db.clone();
        let log_bodies = self.log_bodies;
        Box::pin(async move {
            let Mail {
                kind,
                to,
                subject,
                body,
            } = mail;
            let logged = log_bodies.then(|| body.clone());
            let now = Utc::now();
            let id = db::write_outside_request(db, move |conn| {
                if let Some(before) = now.checked_sub_signed(KEEP) {
                    outbox::prune(conn, before)?;
                }
                Ok(outbox::insert(conn, &to, &subject, &body, now)?)
            })
            .await
            .map_err(|error| MailError::Outbox(error.to_string()))?;
            match logged {
                Some(body) => tracing::info!(
                    outbox_id = %id,
                    kind = kind.as_str(),
                    body = %body,
                    "mail kept in outbox_emails (no SMTP server configured)"
                ),
                None => tracing::info!(
                    outbox_id = %id,
                    kind = kind.as_str(),
                    "mail kept in outbox_emails (no SMTP server configured)"
                ),
            }
            Ok(())
        })
    }
}
