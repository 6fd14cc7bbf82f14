-- Research (issue 13): the researcher right, studies, versioned consent texts and the consent
-- ledger. Ledger rows are only added, and closed by a withdrawal: history is never rewritten.
CREATE TABLE researchers (
    member_id TEXT PRIMARY KEY NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    granted_by TEXT REFERENCES members (id) ON DELETE SET NULL,
    granted_at TIMESTAMP NOT NULL
);

CREATE TABLE studies (
    id TEXT PRIMARY KEY NOT NULL,
    title TEXT NOT NULL,
    lay_summary TEXT NOT NULL,
    sponsor TEXT NOT NULL,
    ethics_reference TEXT NOT NULL,
    for_patients BOOLEAN NOT NULL,
    for_caregivers BOOLEAN NOT NULL,
    for_professionals BOOLEAN NOT NULL,
    min_age INTEGER CHECK (min_age BETWEEN 0 AND 120),
    max_age INTEGER CHECK (max_age BETWEEN 0 AND 120),
    status TEXT NOT NULL CHECK (status IN ('draft', 'open', 'closed')),
    -- The key of the study's pseudonymous participant ids (HMAC): never shown, never exported.
    pseudonym_key TEXT NOT NULL,
    created_by TEXT REFERENCES members (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE study_conditions (
    study_id TEXT NOT NULL REFERENCES studies (id) ON DELETE CASCADE,
    condition_id TEXT NOT NULL REFERENCES conditions (id) ON DELETE CASCADE,
    PRIMARY KEY (study_id, condition_id)
);

-- Consent texts per purpose (`research:<study id>`, `announcements`), one row per version.
CREATE TABLE consent_texts (
    purpose TEXT NOT NULL,
    version INTEGER NOT NULL CHECK (version >= 1),
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (purpose, version)
);

CREATE TABLE consents (
    id TEXT PRIMARY KEY NOT NULL,
    member_id TEXT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL,
    text_version INTEGER NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('api', 'platform')),
    given_at TIMESTAMP NOT NULL,
    withdrawn_at TIMESTAMP,
    past_answers TEXT CHECK (past_answers IN ('delete', 'keep_pseudonymous')),
    FOREIGN KEY (purpose, text_version) REFERENCES consent_texts (purpose, version)
);
CREATE INDEX consents_member_purpose_idx ON consents (member_id, purpose, given_at);
