-- Scientific committees: platform-wide or of an association; `quorum` validating reviews
-- publish a version.
CREATE TABLE committees (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    description TEXT NOT NULL,
    association_id TEXT REFERENCES associations (id) ON DELETE CASCADE,
    quorum INTEGER NOT NULL DEFAULT 1 CHECK (quorum BETWEEN 1 AND 5),
    created_by TEXT NOT NULL REFERENCES members (id),
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX committees_name_key_key ON committees (name_key);

CREATE TABLE committee_members (
    committee_id TEXT NOT NULL REFERENCES committees (id) ON DELETE CASCADE,
    member_id TEXT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    expertise TEXT NOT NULL CHECK (expertise IN ('physician', 'nurse', 'pharmacist',
        'psychologist', 'patient_expert', 'social_worker', 'researcher', 'other')),
    added_at TIMESTAMP NOT NULL,
    PRIMARY KEY (committee_id, member_id)
);
CREATE INDEX committee_members_member_idx ON committee_members (member_id);

-- A resource: what does not change between versions.
CREATE TABLE resources (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('fact_sheet', 'video', 'book', 'link', 'document')),
    language TEXT NOT NULL,
    audience TEXT NOT NULL CHECK (audience IN ('patients', 'caregivers', 'everyone')),
    committee_id TEXT NOT NULL REFERENCES committees (id),
    author_id TEXT NOT NULL REFERENCES members (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX resources_committee_idx ON resources (committee_id);
CREATE INDEX resources_author_idx ON resources (author_id);

CREATE TABLE resource_conditions (
    resource_id TEXT NOT NULL REFERENCES resources (id) ON DELETE CASCADE,
    condition_id TEXT NOT NULL REFERENCES conditions (id) ON DELETE CASCADE,
    PRIMARY KEY (resource_id, condition_id)
);
CREATE INDEX resource_conditions_condition_idx ON resource_conditions (condition_id);

-- Versions: the content, and where it stands in the review workflow. At most one version of a
-- resource is `published`; older published ones are `archived`.
CREATE TABLE resource_versions (
    id TEXT PRIMARY KEY NOT NULL,
    resource_id TEXT NOT NULL REFERENCES resources (id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'in_review', 'changes_requested',
        'rejected', 'validated', 'published', 'archived')),
    title TEXT NOT NULL,
    title_key TEXT NOT NULL,
    summary TEXT NOT NULL,
    body TEXT NOT NULL,
    body_html TEXT NOT NULL,
    url TEXT,
    provider TEXT,
    duration_seconds INTEGER,
    book_authors TEXT,
    publisher TEXT,
    year INTEGER,
    isbn TEXT,
    format TEXT,
    -- Newline-separated lists.
    tags TEXT NOT NULL,
    sources TEXT NOT NULL,
    created_by TEXT NOT NULL REFERENCES members (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    submitted_at TIMESTAMP,
    validated_at TIMESTAMP,
    review_due_at TIMESTAMP,
    published_at TIMESTAMP,
    UNIQUE (resource_id, number)
);
CREATE INDEX resource_versions_status_idx ON resource_versions (status, title_key, resource_id);

CREATE TABLE resource_reviews (
    id TEXT PRIMARY KEY NOT NULL,
    version_id TEXT NOT NULL REFERENCES resource_versions (id) ON DELETE CASCADE,
    reviewer_id TEXT NOT NULL REFERENCES members (id),
    decision TEXT NOT NULL CHECK (decision IN ('validate', 'request_changes', 'reject')),
    comment TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX resource_reviews_version_idx ON resource_reviews (version_id, created_at);
