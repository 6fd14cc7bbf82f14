CREATE TABLE members (
    id TEXT PRIMARY KEY NOT NULL,
    email TEXT NOT NULL,
    pseudonym TEXT NOT NULL,
    pseudonym_key TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('patient', 'caregiver', 'professional')),
    role TEXT NOT NULL CHECK (role IN ('member', 'moderator', 'admin')),
    bio TEXT,
    bio_visibility TEXT NOT NULL CHECK (bio_visibility IN ('private', 'members', 'public')),
    avatar_url TEXT,
    avatar_visibility TEXT NOT NULL CHECK (avatar_visibility IN ('private', 'members', 'public')),
    city TEXT,
    region TEXT,
    country TEXT,
    location_visibility TEXT NOT NULL CHECK (location_visibility IN ('private', 'members', 'public')),
    language TEXT,
    language_visibility TEXT NOT NULL CHECK (language_visibility IN ('private', 'members', 'public')),
    conditions_visibility TEXT NOT NULL CHECK (conditions_visibility IN ('private', 'members', 'public')),
    failed_logins INTEGER NOT NULL DEFAULT 0,
    login_locked_until TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX members_email_key ON members (email);
CREATE UNIQUE INDEX members_pseudonym_key_key ON members (pseudonym_key);

-- A session is one login; its refresh tokens rotate. Reusing a rotated token revokes the session.
CREATE TABLE sessions (
    id TEXT PRIMARY KEY NOT NULL,
    member_id TEXT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);
CREATE INDEX sessions_member_id_idx ON sessions (member_id);

CREATE TABLE refresh_tokens (
    token_hash TEXT PRIMARY KEY NOT NULL,
    session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX refresh_tokens_session_id_idx ON refresh_tokens (session_id);
