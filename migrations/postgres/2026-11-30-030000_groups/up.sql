-- Discussion groups ("spaces"). Metadata is a public directory; content is guarded by
-- visibility, audience and membership.
CREATE TABLE discussion_groups (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    description TEXT NOT NULL,
    condition_id TEXT REFERENCES conditions (id) ON DELETE SET NULL,
    visibility TEXT NOT NULL CHECK (visibility IN ('public', 'private')),
    audience TEXT NOT NULL CHECK (audience IN ('everyone', 'patients', 'caregivers', 'professionals')),
    -- Active members, kept by the membership writes.
    member_count BIGINT NOT NULL DEFAULT 0,
    created_by TEXT NOT NULL REFERENCES members (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX discussion_groups_name_key_key ON discussion_groups (name_key);
CREATE INDEX discussion_groups_condition_id_idx ON discussion_groups (condition_id);

CREATE TABLE group_memberships (
    group_id TEXT NOT NULL REFERENCES discussion_groups (id) ON DELETE CASCADE,
    member_id TEXT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('owner', 'moderator', 'member')),
    status TEXT NOT NULL CHECK (status IN ('active', 'pending', 'invited', 'banned')),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (group_id, member_id)
);
-- "My groups" and the feed's membership check start from the member.
CREATE INDEX group_memberships_member_idx ON group_memberships (member_id, status);
CREATE INDEX group_memberships_group_status_idx ON group_memberships (group_id, status, created_at);
