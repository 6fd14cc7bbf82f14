-- Direct messages (issue 15): conversations between 2 and 8 members, their participants with
-- read receipts, and messages whose bodies are encrypted at rest by the application
-- (XChaCha20-Poly1305; `key_id` names the key of ENTRAIDE_MESSAGE_KEYS, `nonce` and
-- `ciphertext` are base64). The database never holds a message's text.

-- Who may start a conversation with the member: everyone, members sharing an active group
-- membership with them, or nobody.
ALTER TABLE members ADD COLUMN messages_from TEXT NOT NULL DEFAULT 'shared_group'
    CHECK (messages_from IN ('everyone', 'shared_group', 'nobody'));

CREATE TABLE conversations (
    id TEXT PRIMARY KEY NOT NULL,
    -- Who started it (the hourly limit counts these); NULL once they erased their account.
    created_by TEXT REFERENCES members (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    -- The last message's time: conversation lists are ordered by it.
    last_message_at TIMESTAMP NOT NULL
);
CREATE INDEX conversations_created_by_idx ON conversations (created_by, created_at);

CREATE TABLE conversation_participants (
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    member_id TEXT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    joined_at TIMESTAMP NOT NULL,
    -- Set when the member left: they no longer read or write it.
    left_at TIMESTAMP,
    -- The newest message the member has read (a read receipt shown to the others).
    last_read_message_id TEXT,
    PRIMARY KEY (conversation_id, member_id)
);
CREATE INDEX conversation_participants_member_idx
    ON conversation_participants (member_id, conversation_id);

CREATE TABLE messages (
    id TEXT PRIMARY KEY NOT NULL,
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    -- No ON DELETE: an erasure deletes or moves the member's messages first.
    author_id TEXT NOT NULL REFERENCES members (id),
    key_id TEXT NOT NULL,
    nonce TEXT NOT NULL,
    ciphertext TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX messages_conversation_idx ON messages (conversation_id, id);
CREATE INDEX messages_author_idx ON messages (author_id);
CREATE INDEX messages_key_idx ON messages (key_id);
