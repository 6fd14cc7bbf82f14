//! Direct messages: conversations, their participants (with read receipts) and messages.
//!
//! Message bodies arrive here already sealed by the API (`key_id`, `nonce`, `ciphertext`, the
//! last two base64): this crate never sees a message's text and cannot decrypt one. Every read
//! of a conversation's content is for one of its active participants: the caller passes the
//! reader, and the queries filter by participation and by blocks in SQL.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::dsl::count_star;
use diesel::prelude::*;
use entraide_domain::group::{GroupRole, MembershipStatus};
use entraide_domain::ids::{ConversationId, MemberId, MessageId};
use entraide_domain::member::Pseudonym;
use entraide_domain::message::{MessagesFrom, Recipient};

use crate::connection::DbConnection;
use crate::convert::{from_db_time, parse_enum, parse_id, stored_time, to_db_time};
use crate::error::PersistenceError;
use crate::schema::{conversation_participants, conversations, members, messages};

/// A message body as stored: encrypted under the key `key_id`, with its nonce.
#[derive(Clone, PartialEq, Eq)]
pub struct Sealed {
    pub key_id: String,
    /// Base64 (standard alphabet).
    pub nonce: String,
    /// Base64 (standard alphabet): ciphertext and tag.
    pub ciphertext: String,
}

impl std::fmt::Debug for Sealed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Sealed(key {})", self.key_id)
    }
}

/// A stored message, still sealed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredMessage {
    pub id: MessageId,
    pub conversation_id: ConversationId,
    pub author_id: MemberId,
    pub author_pseudonym: Pseudonym,
    pub sealed: Sealed,
    pub created_at: DateTime<Utc>,
}

/// A conversation's own row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConversationRow {
    pub id: ConversationId,
    pub created_at: DateTime<Utc>,
    pub last_message_at: DateTime<Utc>,
}

/// A participant, with their read receipt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Participant {
    pub conversation_id: ConversationId,
    pub member_id: MemberId,
    pub pseudonym: Pseudonym,
    pub last_read: Option<MessageId>,
    pub left: bool,
}

/// The member's message setting (`None`: no such member).
pub fn messages_from(
    conn: &mut DbConnection,
    member: MemberId,
) -> Result<Option<MessagesFrom>, PersistenceError> {
    members::table
        .find(member.to_string())
        .select(members::messages_from)
        .first::<String>(conn)
        .optional()?
        .map(|raw| parse_enum(&raw, MessagesFrom::parse))
        .transpose()
}

pub fn set_messages_from(
    conn: &mut DbConnection,
    member: MemberId,
    setting: MessagesFrom,
) -> Result<(), PersistenceError> {
    let updated = diesel::update(members::table.find(member.to_string()))
        .set(members::messages_from.eq(setting.as_str()))
        .execute(conn)?;
    if updated == 0 {
        return Err(PersistenceError::NotFound);
    }
    Ok(())
}

/// What `domain::message::can_start_with` needs about `recipient`, seen from `starter`. An
/// unknown member is unreachable (the caller answers as for any refusal).
pub fn recipient(
    conn: &mut DbConnection,
    starter: MemberId,
    recipient: MemberId,
    now: DateTime<Utc>,
) -> Result<Recipient, PersistenceError> {
    let row: Option<(String, Option<NaiveDateTime>)> = members::table
        .find(recipient.to_string())
        .select((members::messages_from, members::suspended_until))
        .first(conn)
        .optional()?;
    let Some((setting, suspended_until)) = row else {
        return Ok(Recipient {
            setting: MessagesFrom::Nobody,
            shares_group: false,
            blocked_either_way: false,
            reachable: false,
        });
    };
    #[derive(QueryableByName)]
    struct Shared {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    // A shared group counts only where the starter can already see the recipient is a member:
    // the recipient is listed in member lists, the starter runs the group (owners and
    // moderators see every member), or the recipient wrote something visible there. Otherwise
    // a 201 against a 403 would tell who belongs to a condition's group though they asked
    // not to be listed.
    // SQLite numbers `$n` parameters in order of first appearance: keep them in order.
    let shared = diesel::sql_query(
        "SELECT COUNT(*) AS n FROM group_memberships mine \
         JOIN group_memberships theirs ON theirs.group_id = mine.group_id \
         JOIN members m ON m.id = theirs.member_id \
         WHERE mine.member_id = $1 AND theirs.member_id = $2 \
         AND mine.status = $3 AND theirs.status = $3 \
         AND (m.listed_in_member_lists = $4 OR mine.role IN ($5, $6) \
           OR EXISTS (SELECT 1 FROM posts p WHERE p.group_id = mine.group_id \
             AND p.author_id = theirs.member_id \
             AND p.deleted_at IS NULL AND p.hidden_at IS NULL) \
           OR EXISTS (SELECT 1 FROM comments c JOIN posts p ON p.id = c.post_id \
             WHERE p.group_id = mine.group_id AND c.author_id = theirs.member_id \
             AND c.deleted_at IS NULL AND c.hidden_at IS NULL \
             AND p.deleted_at IS NULL AND p.hidden_at IS NULL))",
    )
    .bind::<diesel::sql_types::Text, _>(starter.to_string())
    .bind::<diesel::sql_types::Text, _>(recipient.to_string())
    .bind::<diesel::sql_types::Text, _>(MembershipStatus::Active.as_str())
    .bind::<diesel::sql_types::Bool, _>(true)
    .bind::<diesel::sql_types::Text, _>(GroupRole::Owner.as_str())
    .bind::<diesel::sql_types::Text, _>(GroupRole::Moderator.as_str())
    .get_result::<Shared>(conn)?
    .n;
    Ok(Recipient {
        setting: parse_enum(&setting, MessagesFrom::parse)?,
        shares_group: shared > 0,
        blocked_either_way: crate::blocks::blocked_either_way(conn, starter, recipient)?,
        reachable: suspended_until.is_none_or(|until| from_db_time(until) <= now),
    })
}

/// Serialises the conversations one member starts (the hourly limit is read, then written);
/// first in the transaction. See `dialect::lock_key`.
pub fn lock_starter(conn: &mut DbConnection, member: MemberId) -> Result<(), PersistenceError> {
    crate::dialect::lock_key(conn, &format!("conversations-by:{member}"))
}

/// How many conversations `member` started since `since`.
pub fn started_since(
    conn: &mut DbConnection,
    member: MemberId,
    since: DateTime<Utc>,
) -> Result<i64, PersistenceError> {
    Ok(conversations::table
        .filter(conversations::created_by.eq(member.to_string()))
        .filter(conversations::created_at.gt(to_db_time(since)))
        .count()
        .get_result(conn)?)
}

/// Creates a conversation of `starter` and `others` (already checked).
pub fn create(
    conn: &mut DbConnection,
    id: ConversationId,
    starter: MemberId,
    others: &[MemberId],
    now: DateTime<Utc>,
) -> Result<ConversationRow, PersistenceError> {
    let now = stored_time(now);
    let at = to_db_time(now);
    let key = id.to_string();
    diesel::insert_into(conversations::table)
        .values((
            conversations::id.eq(&key),
            conversations::created_by.eq(Some(starter.to_string())),
            conversations::created_at.eq(at),
            conversations::last_message_at.eq(at),
        ))
        .execute(conn)?;
    // The multi-backend connection has no multi-row insert; at most 8 rows.
    for member in std::iter::once(starter).chain(others.iter().copied()) {
        diesel::insert_into(conversation_participants::table)
            .values((
                conversation_participants::conversation_id.eq(&key),
                conversation_participants::member_id.eq(member.to_string()),
                conversation_participants::joined_at.eq(at),
            ))
            .execute(conn)?;
    }
    Ok(ConversationRow {
        id,
        created_at: now,
        last_message_at: now,
    })
}

/// Stores a sealed message and moves its conversation's last activity.
pub fn insert_message(
    conn: &mut DbConnection,
    id: MessageId,
    conversation: ConversationId,
    author: MemberId,
    sealed: &Sealed,
    now: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    let at = to_db_time(now);
    diesel::insert_into(messages::table)
        .values((
            messages::id.eq(id.to_string()),
            messages::conversation_id.eq(conversation.to_string()),
            messages::author_id.eq(author.to_string()),
            messages::key_id.eq(&sealed.key_id),
            messages::nonce.eq(&sealed.nonce),
            messages::ciphertext.eq(&sealed.ciphertext),
            messages::created_at.eq(at),
        ))
        .execute(conn)?;
    diesel::update(conversations::table.find(conversation.to_string()))
        .set(conversations::last_message_at.eq(at))
        .execute(conn)?;
    Ok(())
}

/// The conversation if `member` takes part in it now (has not left).
pub fn find_for(
    conn: &mut DbConnection,
    member: MemberId,
    id: ConversationId,
) -> Result<Option<ConversationRow>, PersistenceError> {
    conversations::table
        .inner_join(conversation_participants::table)
        .filter(conversations::id.eq(id.to_string()))
        .filter(conversation_participants::member_id.eq(member.to_string()))
        .filter(conversation_participants::left_at.is_null())
        .select((
            conversations::id,
            conversations::created_at,
            conversations::last_message_at,
        ))
        .first::<(String, NaiveDateTime, NaiveDateTime)>(conn)
        .optional()?
        .map(conversation_row)
        .transpose()
}

fn conversation_row(
    (id, created_at, last_message_at): (String, NaiveDateTime, NaiveDateTime),
) -> Result<ConversationRow, PersistenceError> {
    Ok(ConversationRow {
        id: parse_id(&id)?,
        created_at: from_db_time(created_at),
        last_message_at: from_db_time(last_message_at),
    })
}

/// The conversations `member` takes part in, by last activity, newest first; keyset on
/// (last activity, id).
pub fn list_for(
    conn: &mut DbConnection,
    member: MemberId,
    before: Option<(DateTime<Utc>, ConversationId)>,
    limit: i64,
) -> Result<Vec<ConversationRow>, PersistenceError> {
    let mut query = conversations::table
        .inner_join(conversation_participants::table)
        .filter(conversation_participants::member_id.eq(member.to_string()))
        .filter(conversation_participants::left_at.is_null())
        .select((
            conversations::id,
            conversations::created_at,
            conversations::last_message_at,
        ))
        .order((
            conversations::last_message_at.desc(),
            conversations::id.desc(),
        ))
        .limit(limit)
        .into_boxed();
    if let Some((at, id)) = before {
        let at = to_db_time(at);
        query = query.filter(
            conversations::last_message_at
                .lt(at)
                .or(conversations::last_message_at
                    .eq(at)
                    .and(conversations::id.lt(id.to_string()))),
        );
    }
    query
        .load::<(String, NaiveDateTime, NaiveDateTime)>(conn)?
        .into_iter()
        .map(conversation_row)
        .collect()
}

/// Every participant of these conversations (those who left included), by conversation then
/// by when they joined and id.
pub fn participants(
    conn: &mut DbConnection,
    ids: &[ConversationId],
) -> Result<Vec<Participant>, PersistenceError> {
    let keys: Vec<String> = ids.iter().map(ToString::to_string).collect();
    conversation_participants::table
        .inner_join(members::table)
        .filter(conversation_participants::conversation_id.eq_any(&keys))
        .select((
            conversation_participants::conversation_id,
            conversation_participants::member_id,
            members::pseudonym,
            conversation_participants::last_read_message_id,
            conversation_participants::left_at,
        ))
        .order((
            conversation_participants::conversation_id,
            conversation_participants::joined_at,
            conversation_participants::member_id,
        ))
        .load::<(
            String,
            String,
            String,
            Option<String>,
            Option<NaiveDateTime>,
        )>(conn)?
        .into_iter()
        .map(|(conversation, member, pseudonym, last_read, left_at)| {
            Ok(Participant {
                conversation_id: parse_id(&conversation)?,
                member_id: parse_id(&member)?,
                pseudonym: Pseudonym::from_stored(pseudonym),
                last_read: last_read.as_deref().map(parse_id).transpose()?,
                left: left_at.is_some(),
            })
        })
        .collect()
}

/// Per conversation, the messages `reader` has not read: written by others, newer than the
/// reader's receipt, and not by a member blocked either way (the same filter as the message
/// list). Conversations with none are absent.
pub fn unread_counts(
    conn: &mut DbConnection,
    reader: MemberId,
    ids: &[ConversationId],
) -> Result<Vec<(ConversationId, i64)>, PersistenceError> {
    let me = reader.to_string();
    let keys: Vec<String> = ids.iter().map(ToString::to_string).collect();
    messages::table
        .inner_join(
            conversation_participants::table
                .on(conversation_participants::conversation_id.eq(messages::conversation_id)),
        )
        .filter(conversation_participants::member_id.eq(&me))
        .filter(messages::conversation_id.eq_any(&keys))
        .filter(messages::author_id.ne(&me))
        .filter(
            conversation_participants::last_read_message_id
                .is_null()
                .or(messages::id
                    .gt(conversation_participants::last_read_message_id.assume_not_null())),
        )
        .filter(not_blocked!(messages::author_id, me))
        .group_by(messages::conversation_id)
        .select((messages::conversation_id, count_star()))
        .load::<(String, i64)>(conn)?
        .into_iter()
        .map(|(id, count)| Ok((parse_id(&id)?, count)))
        .collect()
}

type MessageColumns = (
    messages::id,
    messages::conversation_id,
    messages::author_id,
    members::pseudonym,
    messages::key_id,
    messages::nonce,
    messages::ciphertext,
    messages::created_at,
);

const MESSAGE_COLUMNS: MessageColumns = (
    messages::id,
    messages::conversation_id,
    messages::author_id,
    members::pseudonym,
    messages::key_id,
    messages::nonce,
    messages::ciphertext,
    messages::created_at,
);

type MessageTuple = (
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    NaiveDateTime,
);

fn stored_message(
    (id, conversation, author, pseudonym, key_id, nonce, ciphertext, created_at): MessageTuple,
) -> Result<StoredMessage, PersistenceError> {
    Ok(StoredMessage {
        id: parse_id(&id)?,
        conversation_id: parse_id(&conversation)?,
        author_id: parse_id(&author)?,
        author_pseudonym: Pseudonym::from_stored(pseudonym),
        sealed: Sealed {
            key_id,
            nonce,
            ciphertext,
        },
        created_at: from_db_time(created_at),
    })
}

/// A page of a conversation's messages for `reader` (the caller checked they take part),
/// newest first; keyset on id (time-ordered). Messages by a member the reader blocks or who
/// blocks them are left out.
pub fn page(
    conn: &mut DbConnection,
    conversation: ConversationId,
    reader: MemberId,
    before: Option<MessageId>,
    limit: i64,
) -> Result<Vec<StoredMessage>, PersistenceError> {
    let me = reader.to_string();
    let mut query = messages::table
        .inner_join(members::table)
        .filter(messages::conversation_id.eq(conversation.to_string()))
        .filter(not_blocked!(messages::author_id, me))
        .select(MESSAGE_COLUMNS)
        .order(messages::id.desc())
        .limit(limit)
        .into_boxed();
    if let Some(before) = before {
        query = query.filter(messages::id.lt(before.to_string()));
    }
    query
        .load::<MessageTuple>(conn)?
        .into_iter()
        .map(stored_message)
        .collect()
}

/// One message of a conversation `reader` takes part in, unless its author and the reader
/// block each other (`None` then, as for a message that does not exist).
pub fn find_readable(
    conn: &mut DbConnection,
    reader: MemberId,
    id: MessageId,
) -> Result<Option<StoredMessage>, PersistenceError> {
    let me = reader.to_string();
    let taking_part = conversation_participants::table
        .filter(conversation_participants::member_id.eq(me.clone()))
        .filter(conversation_participants::left_at.is_null())
        .select(conversation_participants::conversation_id);
    messages::table
        .inner_join(members::table)
        .filter(messages::id.eq(id.to_string()))
        .filter(messages::conversation_id.eq_any(taking_part))
        .filter(not_blocked!(messages::author_id, me))
        .select(MESSAGE_COLUMNS)
        .first::<MessageTuple>(conn)
        .optional()?
        .map(stored_message)
        .transpose()
}

/// One message by id, whoever reads it: for the moderators of a report about it (the caller
/// shows that message only), never for a member's own reading (see [`find_readable`]).
pub fn find_any(
    conn: &mut DbConnection,
    id: MessageId,
) -> Result<Option<StoredMessage>, PersistenceError> {
    messages::table
        .inner_join(members::table)
        .filter(messages::id.eq(id.to_string()))
        .select(MESSAGE_COLUMNS)
        .first::<MessageTuple>(conn)
        .optional()?
        .map(stored_message)
        .transpose()
}

/// Deletes a message (a moderator's `remove`): its ciphertext goes; the conversation and the
/// other messages stay. `false` when it was already gone.
pub fn remove(conn: &mut DbConnection, id: MessageId) -> Result<bool, PersistenceError> {
    let deleted = diesel::delete(messages::table.find(id.to_string())).execute(conn)?;
    Ok(deleted > 0)
}

/// Moves `member`'s read receipt forward to `message` (a message of the conversation; an
/// older one than the current receipt changes nothing). `false` when `message` is not in the
/// conversation.
pub fn mark_read(
    conn: &mut DbConnection,
    conversation: ConversationId,
    member: MemberId,
    message: MessageId,
) -> Result<bool, PersistenceError> {
    let key = conversation.to_string();
    let exists: i64 = messages::table
        .filter(messages::id.eq(message.to_string()))
        .filter(messages::conversation_id.eq(&key))
        .count()
        .get_result(conn)?;
    if exists == 0 {
        return Ok(false);
    }
    let target = message.to_string();
    diesel::update(
        conversation_participants::table
            .filter(conversation_participants::conversation_id.eq(&key))
            .filter(conversation_participants::member_id.eq(member.to_string()))
            .filter(conversation_participants::left_at.is_null())
            .filter(
                conversation_participants::last_read_message_id
                    .is_null()
                    .or(conversation_participants::last_read_message_id
                        .assume_not_null()
                        .lt(&target)),
            ),
    )
    .set(conversation_participants::last_read_message_id.eq(Some(&target)))
    .execute(conn)?;
    Ok(true)
}

/// `member` leaves the conversation (they no longer read nor write it). `false` when they were
/// not taking part.
pub fn leave(
    conn: &mut DbConnection,
    conversation: ConversationId,
    member: MemberId,
    now: DateTime<Utc>,
) -> Result<bool, PersistenceError> {
    let updated = diesel::update(
        conversation_participants::table
            .filter(conversation_participants::conversation_id.eq(conversation.to_string()))
            .filter(conversation_participants::member_id.eq(member.to_string()))
            .filter(conversation_participants::left_at.is_null()),
    )
    .set(conversation_participants::left_at.eq(Some(to_db_time(now))))
    .execute(conn)?;
    Ok(updated == 1)
}

/// Messages sealed under another key than `current`, oldest first, after `after` (for the
/// re-encryption command, which walks them in batches).
pub fn sealed_under_other_keys(
    conn: &mut DbConnection,
    current: &str,
    after: Option<MessageId>,
    limit: i64,
) -> Result<Vec<StoredMessage>, PersistenceError> {
    let mut query = messages::table
        .inner_join(members::table)
        .filter(messages::key_id.ne(current))
        .select(MESSAGE_COLUMNS)
        .order(messages::id.asc())
        .limit(limit)
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(messages::id.gt(after.to_string()));
    }
    query
        .load::<MessageTuple>(conn)?
        .into_iter()
        .map(stored_message)
        .collect()
}

/// Replaces a message's sealed body (re-encryption under another key), only if it is still
/// sealed under `previous_key` (a concurrent re-encryption does not get overwritten).
pub fn reseal(
    conn: &mut DbConnection,
    id: MessageId,
    previous_key: &str,
    sealed: &Sealed,
) -> Result<bool, PersistenceError> {
    let updated = diesel::update(
        messages::table
            .filter(messages::id.eq(id.to_string()))
            .filter(messages::key_id.eq(previous_key)),
    )
    .set((
        messages::key_id.eq(&sealed.key_id),
        messages::nonce.eq(&sealed.nonce),
        messages::ciphertext.eq(&sealed.ciphertext),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}

/// A conversation the member takes part in or left (for their export).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Participation {
    pub conversation: ConversationRow,
    pub left: bool,
}

/// Every conversation `member` took part in, left ones included, oldest first.
pub fn participations(
    conn: &mut DbConnection,
    member: MemberId,
) -> Result<Vec<Participation>, PersistenceError> {
    conversations::table
        .inner_join(conversation_participants::table)
        .filter(conversation_participants::member_id.eq(member.to_string()))
        .select((
            conversations::id,
            conversations::created_at,
            conversations::last_message_at,
            conversation_participants::left_at,
        ))
        .order(conversations::id.asc())
        .load::<(String, NaiveDateTime, NaiveDateTime, Option<NaiveDateTime>)>(conn)?
        .into_iter()
        .map(|(id, created_at, last_message_at, left_at)| {
            Ok(Participation {
                conversation: conversation_row((id, created_at, last_message_at))?,
                left: left_at.is_some(),
            })
        })
        .collect()
}

/// The messages `author` wrote in `conversation`, oldest first (for their export).
pub fn written_by(
    conn: &mut DbConnection,
    conversation: ConversationId,
    author: MemberId,
) -> Result<Vec<StoredMessage>, PersistenceError> {
    messages::table
        .inner_join(members::table)
        .filter(messages::conversation_id.eq(conversation.to_string()))
        .filter(messages::author_id.eq(author.to_string()))
        .select(MESSAGE_COLUMNS)
        .order(messages::id.asc())
        .load::<MessageTuple>(conn)?
        .into_iter()
        .map(stored_message)
        .collect()
}
