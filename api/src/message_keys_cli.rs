//! `entraide reencrypt-messages` and `entraide generate-message-key`: key rotation for direct
//! messages.
//!
//! Rotation: generate a key, put it first in `ENTRAIDE_MESSAGE_KEYS` (keep the old ones after
//! it) and restart: new messages use it, old ones still decrypt. Then run
//! `entraide reencrypt-messages`: every message sealed under another key is decrypted and sealed
//! again under the first key, in batches of 500, each batch one transaction; a row that
//! changed meanwhile is left for the next run. Once it reports nothing left, the old keys can
//! be removed. A message no configured key opens stops the run (nothing is lost: it is left as
//! it is) — removing a key too early shows up here rather than as a 500 to members.

use entraide_domain::ids::MessageId;
use entraide_persistence::connection::in_transaction;
use entraide_persistence::messages;

use crate::configuration::Settings;
use crate::security::message_keys::MessageKeys;
use crate::startup::{StartupError, connect_and_migrate};

const BATCH: i64 = 500;

/// What a re-encryption run did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReencryptReport {
    /// The key every message is now sealed under.
    pub key_id: String,
    /// Messages sealed again under it.
    pub resealed: u64,
}

/// Seals every message under the first configured key.
pub fn reencrypt_messages(settings: &Settings) -> Result<ReencryptReport, StartupError> {
    let keys = settings.resolve_message_keys()?;
    let database = connect_and_migrate(settings)?;
    let mut conn = database.writer()?;
    let current = keys.current_id().to_owned();
    let mut resealed: u64 = 0;
    let mut after: Option<MessageId> = None;
    loop {
        let batch = in_transaction(&mut conn, |conn| {
            let stored = messages::sealed_under_other_keys(conn, &current, after, BATCH)?;
            let mut done: u64 = 0;
            for message in &stored {
                let body = keys
                    .open(message.conversation_id, message.id, &message.sealed)
                    .map_err(|e| StartupError::Other(format!("message {}: {e}", message.id)))?;
                let sealed = keys
                    .seal(message.conversation_id, message.id, &body)
                    .map_err(|e| StartupError::Other(e.to_string()))?;
                if messages::reseal(conn, message.id, &message.sealed.key_id, &sealed)? {
                    done = done.saturating_add(1);
                }
            }
            Ok::<_, StartupError>((stored.last().map(|m| m.id), done))
        })?;
        let (last, done) = batch;
        resealed = resealed.saturating_add(done);
        match last {
            Some(last) => after = Some(last),
            None => break,
        }
    }
    Ok(ReencryptReport {
        key_id: current,
        resealed,
    })
}

/// A fresh key entry for `ENTRAIDE_MESSAGE_KEYS`.
pub fn generate_message_key(id: &str) -> Result<String, StartupError> {
    let entry = MessageKeys::generate_entry(id);
    // Checks the id as the server will.
    MessageKeys::parse(&entry).map_err(|e| StartupError::Other(e.to_string()))?;
    Ok(entry)
}
