//! Encryption of direct message bodies at rest: XChaCha20-Poly1305 (RustCrypto) under keys
//! named by an id.
//!
//! Keys come from `ENTRAIDE_MESSAGE_KEYS` as `id:base64key,id2:base64key` (32-byte keys): the
//! first encrypts, all decrypt, so a new key is added in front and the old ones stay until
//! `entraide reencrypt-messages` has moved every message to the new one. Each message gets a
//! fresh random 24-byte nonce. The associated data binds the ciphertext to its row: the
//! conversation id, the message id and the key id, so a ciphertext copied onto another message
//! (or another conversation) fails to decrypt instead of showing there.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use entraide_domain::ids::{ConversationId, MessageId};
use entraide_domain::message::MessageBody;
use entraide_persistence::messages::Sealed;
use rand::RngCore;

/// The length of a key, in bytes.
pub const KEY_BYTES: usize = 32;
const NONCE_BYTES: usize = 24;

/// Why a key list cannot be used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum KeyError {
    #[error("ENTRAIDE_MESSAGE_KEYS is empty")]
    Empty,
    #[error(
        "ENTRAIDE_MESSAGE_KEYS entry {0}: expected id:base64key (id of letters, digits, - or _)"
    )]
    Malformed(usize),
    #[error("ENTRAIDE_MESSAGE_KEYS entry {0}: the key must be {KEY_BYTES} bytes in base64")]
    BadKey(usize),
    #[error("ENTRAIDE_MESSAGE_KEYS names key {0:?} twice")]
    Duplicate(String),
}

/// Why a stored message cannot be read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum OpenError {
    #[error("message sealed under unknown key {0:?}")]
    UnknownKey(String),
    #[error("message does not decrypt (altered, moved, or under another key)")]
    Invalid,
}

/// The configured keys; the first encrypts.
pub struct MessageKeys {
    keys: Vec<(String, XChaCha20Poly1305)>,
}

impl std::fmt::Debug for MessageKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ids: Vec<&str> = self.keys.iter().map(|(id, _)| id.as_str()).collect();
        write!(f, "MessageKeys({ids:?})")
    }
}

impl MessageKeys {
    /// Reads `id:base64key,id2:base64key`.
    pub fn parse(list: &str) -> Result<Self, KeyError> {
        let mut keys: Vec<(String, XChaCha20Poly1305)> = Vec::new();
        for (index, entry) in list.split(',').map(str::trim).enumerate() {
            let position = index.saturating_add(1);
            if entry.is_empty() {
                continue;
            }
            let Some((id, key)) = entry.split_once(':') else {
                return Err(KeyError::Malformed(position));
            };
            let id = id.trim();
            let valid_id = !id.is_empty()
                && id.len() <= 32
                && id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'));
            if !valid_id {
                return Err(KeyError::Malformed(position));
            }
            let bytes = STANDARD
                .decode(key.trim())
                .map_err(|_| KeyError::BadKey(position))?;
            if bytes.len() != KEY_BYTES {
                return Err(KeyError::BadKey(position));
            }
            let cipher = XChaCha20Poly1305::new_from_slice(&bytes)
                .map_err(|_| KeyError::BadKey(position))?;
            if keys.iter().any(|(known, _)| known == id) {
                return Err(KeyError::Duplicate(id.to_owned()));
            }
            keys.push((id.to_owned(), cipher));
        }
        if keys.is_empty() {
            return Err(KeyError::Empty);
        }
        Ok(Self { keys })
    }

    /// A fresh random key as `ENTRAIDE_MESSAGE_KEYS` takes it, under `id`.
    pub fn generate_entry(id: &str) -> String {
        let mut key = [0u8; KEY_BYTES];
        rand::rng().fill_bytes(&mut key);
        format!("{id}:{}", STANDARD.encode(key))
    }

    /// The id of the key that encrypts.
    pub fn current_id(&self) -> &str {
        self.keys.first().map(|(id, _)| id.as_str()).unwrap_or("")
    }

    fn associated_data(conversation: ConversationId, message: MessageId, key_id: &str) -> String {
        format!("entraide/message/v1/{conversation}/{message}/{key_id}")
    }

    /// Encrypts `body` for message `message` of `conversation` under the current key.
    pub fn seal(
        &self,
        conversation: ConversationId,
        message: MessageId,
        body: &MessageBody,
    ) -> Result<Sealed, OpenError> {
        let Some((key_id, cipher)) = self.keys.first() else {
            return Err(OpenError::UnknownKey(String::new()));
        };
        let mut nonce = [0u8; NONCE_BYTES];
        rand::rng().fill_bytes(&mut nonce);
        let aad = Self::associated_data(conversation, message, key_id);
        let ciphertext = cipher
            .encrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: body.as_str().as_bytes(),
                    aad: aad.as_bytes(),
                },
            )
            .map_err(|_| OpenError::Invalid)?;
        Ok(Sealed {
            key_id: key_id.clone(),
            nonce: STANDARD.encode(nonce),
            ciphertext: STANDARD.encode(ciphertext),
        })
    }

    /// Decrypts the body of message `message` of `conversation`.
    pub fn open(
        &self,
        conversation: ConversationId,
        message: MessageId,
        sealed: &Sealed,
    ) -> Result<MessageBody, OpenError> {
        let Some((_, cipher)) = self.keys.iter().find(|(id, _)| *id == sealed.key_id) else {
            return Err(OpenError::UnknownKey(sealed.key_id.clone()));
        };
        let nonce = STANDARD
            .decode(&sealed.nonce)
            .map_err(|_| OpenError::Invalid)?;
        let nonce: [u8; NONCE_BYTES] = nonce.try_into().map_err(|_| OpenError::Invalid)?;
        let ciphertext = STANDARD
            .decode(&sealed.ciphertext)
            .map_err(|_| OpenError::Invalid)?;
        let aad = Self::associated_data(conversation, message, &sealed.key_id);
        let plain = cipher
            .decrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: &ciphertext,
                    aad: aad.as_bytes(),
                },
            )
            .map_err(|_| OpenError::Invalid)?;
        let text = String::from_utf8(plain).map_err(|_| OpenError::Invalid)?;
        Ok(MessageBody::from_stored(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(text: &str) -> MessageBody {
        MessageBody::parse(text).unwrap()
    }

    #[test]
    fn seals_and_opens_without_the_plaintext_in_storage() {
        let keys = MessageKeys::parse(&MessageKeys::generate_entry("k1")).unwrap();
        let (c, m) = (ConversationId::new(), MessageId::new());
        let sealed = keys.seal(c, m, &body("Mon traitement me fatigue")).unwrap();
        assert_eq!(sealed.key_id, "k1");
        let raw = STANDARD.decode(&sealed.ciphertext).unwrap();
        assert!(!String::from_utf8_lossy(&raw).contains("traitement"));
        assert!(!sealed.ciphertext.contains("traitement"));
        assert_eq!(
            keys.open(c, m, &sealed).unwrap().as_str(),
            "Mon traitement me fatigue"
        );
        // Two seals of one text differ (fresh nonces).
        let again = keys.seal(c, m, &body("Mon traitement me fatigue")).unwrap();
        assert_ne!(again.nonce, sealed.nonce);
        assert_ne!(again.ciphertext, sealed.ciphertext);
    }

    #[test]
    fn a_ciphertext_moved_to_another_row_does_not_open() {
        let keys = MessageKeys::parse(&MessageKeys::generate_entry("k1")).unwrap();
        let (c, m) = (ConversationId::new(), MessageId::new());
        let sealed = keys.seal(c, m, &body("secret")).unwrap();
        assert_eq!(
            keys.open(c, MessageId::new(), &sealed),
            Err(OpenError::Invalid)
        );
        assert_eq!(
            keys.open(ConversationId::new(), m, &sealed),
            Err(OpenError::Invalid)
        );
        let mut tampered = sealed.clone();
        let mut bytes = STANDARD.decode(&tampered.ciphertext).unwrap();
        bytes[0] ^= 1;
        tampered.ciphertext = STANDARD.encode(bytes);
        assert_eq!(keys.open(c, m, &tampered), Err(OpenError::Invalid));
    }

    #[test]
    fn rotation_keeps_old_messages_readable_and_seals_under_the_first_key() {
        let old_entry = MessageKeys::generate_entry("2026a");
        let old = MessageKeys::parse(&old_entry).unwrap();
        let (c, m) = (ConversationId::new(), MessageId::new());
        let sealed = old.seal(c, m, &body("avant la rotation")).unwrap();
        let rotated = MessageKeys::parse(&format!(
            "{},{old_entry}",
            MessageKeys::generate_entry("2026b")
        ))
        .unwrap();
        assert_eq!(rotated.current_id(), "2026b");
        assert_eq!(
            rotated.open(c, m, &sealed).unwrap().as_str(),
            "avant la rotation"
        );
        assert_eq!(rotated.seal(c, m, &body("après")).unwrap().key_id, "2026b");
        // Without the old key, old messages cannot be read: they say so.
        let only_new = MessageKeys::parse(&MessageKeys::generate_entry("2026b")).unwrap();
        assert_eq!(
            only_new.open(c, m, &sealed),
            Err(OpenError::UnknownKey("2026a".to_owned()))
        );
    }

    #[test]
    fn key_lists_are_checked() {
        let good = STANDARD.encode([7u8; KEY_BYTES]);
        assert!(MessageKeys::parse(&format!("a:{good}")).is_ok());
        assert!(MessageKeys::parse(&format!(" a:{good} , b:{good} ")).is_ok());
        assert_eq!(MessageKeys::parse("").unwrap_err(), KeyError::Empty);
        assert_eq!(
            MessageKeys::parse(&good).unwrap_err(),
            KeyError::Malformed(1)
        );
        assert_eq!(
            MessageKeys::parse(&format!("a:{good},b:c2hvcnQ=")).unwrap_err(),
            KeyError::BadKey(2)
        );
        assert_eq!(
            MessageKeys::parse(&format!("a b:{good}")).unwrap_err(),
            KeyError::Malformed(1)
        );
        assert_eq!(
            MessageKeys::parse(&format!("a:{good},a:{good}")).unwrap_err(),
            KeyError::Duplicate("a".to_owned())
        );
        let keys = MessageKeys::parse(&format!("a:{good}")).unwrap();
        assert!(!format!("{keys:?}").contains(&good));
    }
}
