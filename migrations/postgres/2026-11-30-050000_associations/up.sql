-- Patient associations: registered by a member, `pending` until a platform admin verifies them.
CREATE TABLE associations (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    description TEXT NOT NULL,
    website TEXT,
    region TEXT,
    contact_email TEXT,
    -- `open`: members join at once; otherwise an admin approves each request.
    open_membership BOOLEAN NOT NULL DEFAULT TRUE,
    status TEXT NOT NULL CHECK (status IN ('pending', 'verified')),
    verified_at TIMESTAMP,
    verified_by TEXT REFERENCES members (id) ON DELETE SET NULL,
    -- The key donation webhooks are signed with (HMAC-SHA256); shown to admins only.
    webhook_secret TEXT NOT NULL,
    member_count BIGINT NOT NULL DEFAULT 0,
    follower_count BIGINT NOT NULL DEFAULT 0,
    created_by TEXT NOT NULL REFERENCES members (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX associations_name_key_key ON associations (name_key);

CREATE TABLE association_conditions (
    association_id TEXT NOT NULL REFERENCES associations (id) ON DELETE CASCADE,
    condition_id TEXT NOT NULL REFERENCES conditions (id) ON DELETE CASCADE,
    PRIMARY KEY (association_id, condition_id)
);

CREATE TABLE association_memberships (
    association_id TEXT NOT NULL REFERENCES associations (id) ON DELETE CASCADE,
    member_id TEXT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('admin', 'volunteer', 'member')),
    status TEXT NOT NULL CHECK (status IN ('active', 'pending')),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (association_id, member_id)
);
CREATE INDEX association_memberships_member_idx ON association_memberships (member_id, status);
CREATE INDEX association_memberships_list_idx ON association_memberships (association_id, status, member_id);

CREATE TABLE association_follows (
    association_id TEXT NOT NULL REFERENCES associations (id) ON DELETE CASCADE,
    member_id TEXT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (association_id, member_id)
);
CREATE INDEX association_follows_member_idx ON association_follows (member_id);

-- Groups an association owns (its members' spaces). A separate table so that
-- discussion_groups keeps no foreign key to associations.
CREATE TABLE association_groups (
    group_id TEXT PRIMARY KEY NOT NULL REFERENCES discussion_groups (id) ON DELETE CASCADE,
    association_id TEXT NOT NULL REFERENCES associations (id) ON DELETE CASCADE
);
CREATE INDEX association_groups_association_idx ON association_groups (association_id);

-- Prevention announcements, targeted by condition (any of), member kind and region.
-- publish_at schedules them; expires_at ends them.
CREATE TABLE announcements (
    id TEXT PRIMARY KEY NOT NULL,
    association_id TEXT NOT NULL REFERENCES associations (id) ON DELETE CASCADE,
    author_id TEXT NOT NULL REFERENCES members (id),
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    body_html TEXT NOT NULL,
    link TEXT,
    for_patients BOOLEAN NOT NULL,
    for_caregivers BOOLEAN NOT NULL,
    for_professionals BOOLEAN NOT NULL,
    -- Lower-cased region, NULL for every region.
    region_key TEXT,
    publish_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX announcements_association_idx ON announcements (association_id, publish_at);
CREATE INDEX announcements_publish_idx ON announcements (publish_at);

CREATE TABLE announcement_conditions (
    announcement_id TEXT NOT NULL REFERENCES announcements (id) ON DELETE CASCADE,
    condition_id TEXT NOT NULL REFERENCES conditions (id) ON DELETE CASCADE,
    PRIMARY KEY (announcement_id, condition_id)
);
CREATE INDEX announcement_conditions_condition_idx ON announcement_conditions (condition_id);

-- A member's setting: receive announcements targeted at their profile from associations they
-- neither joined nor follow.
ALTER TABLE members ADD COLUMN receive_announcements BOOLEAN NOT NULL DEFAULT TRUE;

-- May plain members (not only moderators) create events in this group?
ALTER TABLE discussion_groups ADD COLUMN members_can_create_events BOOLEAN NOT NULL DEFAULT FALSE;
