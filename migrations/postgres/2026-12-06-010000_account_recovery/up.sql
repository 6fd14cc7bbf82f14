-- Account recovery and verification (issue 14).
--
-- When the member last proved they receive mail at their address; NULL: never (accounts made
-- before this migration included). Logging in does not need it.
ALTER TABLE members ADD COLUMN email_verified_at TIMESTAMP;

-- Single-use links mailed to members: e-mail verification (`new_email` set for an e-mail change,
-- which takes effect when the link is used) and password reset. Only the SHA-256 of the random
-- token is stored. Using a token is one UPDATE ... WHERE used_at IS NULL AND expires_at > now,
-- so two concurrent uses cannot both succeed; a new token of a purpose deletes the member's
-- unused ones of that purpose.
CREATE TABLE account_tokens (
    id TEXT PRIMARY KEY NOT NULL,
    member_id TEXT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL CHECK (purpose IN ('verify_email', 'reset_password')),
    token_hash TEXT NOT NULL,
    new_email TEXT,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE UNIQUE INDEX account_tokens_token_hash_key ON account_tokens (token_hash);
CREATE INDEX account_tokens_member_purpose_idx ON account_tokens (member_id, purpose);

-- Mails kept in the database when no SMTP server is configured (development, or
-- ENTRAIDE_MAILER=outbox): what would have been sent, for a developer to read.
CREATE TABLE outbox_emails (
    id TEXT PRIMARY KEY NOT NULL,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX outbox_emails_created_at_idx ON outbox_emails (created_at);
