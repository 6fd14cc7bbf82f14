//! The outbox: mails kept in the database when no SMTP server is configured.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::connection::DbConnection;
use crate::convert::{from_db_time, to_db_time};
use crate::error::PersistenceError;
use crate::schema::outbox_emails;

/// One mail as it would have been sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxEmail {
    pub id: String,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

/// Keeps a mail; returns its id.
pub fn insert(
    conn: &mut DbConnection,
    recipient: &str,
    subject: &str,
    body: &str,
    now: DateTime<Utc>,
) -> Result<String, PersistenceError> {
    let id = uuid::Uuid::now_v7().to_string();
    diesel::insert_into(outbox_emails::table)
        .values((
            outbox_emails::id.eq(&id),
            outbox_emails::recipient.eq(recipient),
            outbox_emails::subject.eq(subject),
            outbox_emails::body.eq(body),
            outbox_emails::created_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    Ok(id)
}

/// Deletes the mails kept before `before` (their links have expired); returns how many.
pub fn prune(conn: &mut DbConnection, before: DateTime<Utc>) -> Result<usize, PersistenceError> {
    Ok(diesel::delete(
        outbox_emails::table.filter(outbox_emails::created_at.lt(to_db_time(before))),
    )
    .execute(conn)?)
}

/// The mails kept for an address, oldest first.
pub fn for_recipient(
    conn: &mut DbConnection,
    recipient: &str,
) -> Result<Vec<OutboxEmail>, PersistenceError> {
    outbox_emails::table
        .filter(outbox_emails::recipient.eq(recipient))
        .order((outbox_emails::created_at, outbox_emails::id))
        .select((
            outbox_emails::id,
            outbox_emails::recipient,
            outbox_emails::subject,
            outbox_emails::body,
            outbox_emails::created_at,
        ))
        .load::<(String, String, String, String, chrono::NaiveDateTime)>(conn)?
        .into_iter()
        .map(|(id, recipient, subject, body, created_at)| {
            Ok(OutboxEmail {
                id,
                recipient,
                subject,
                body,
                created_at: from_db_time(created_at),
            })
        })
        .collect()
}
