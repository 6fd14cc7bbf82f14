-- Reports members make of what they read, and what moderators decided (`domain::moderation`).
-- A report goes to its group's moderators when it is about group content, to platform
-- moderators otherwise and whenever it is urgent (self-harm, a minor at risk). Reporter and
-- author are kept as references that an erasure sets to NULL: the report and the decision stay.
CREATE TABLE reports (
    id TEXT PRIMARY KEY NOT NULL,
    reporter_id TEXT REFERENCES members (id) ON DELETE SET NULL,
    target_kind TEXT NOT NULL,
    target_id TEXT NOT NULL,
    -- Who wrote or organised the target (the member themselves for a member report).
    target_author_id TEXT REFERENCES members (id) ON DELETE SET NULL,
    -- The group the target lives in, if any.
    group_id TEXT REFERENCES discussion_groups (id) ON DELETE CASCADE,
    reason TEXT NOT NULL,
    urgent BOOLEAN NOT NULL,
    note TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    decided_at TIMESTAMP,
    decision TEXT
);
-- A member reports a target once while it waits for a decision.
CREATE UNIQUE INDEX reports_open_once ON reports (reporter_id, target_kind, target_id)
    WHERE decided_at IS NULL;
-- The queues: open reports, urgent first, then oldest first (ids are time-ordered).
CREATE INDEX reports_open_queue ON reports (group_id, urgent, id) WHERE decided_at IS NULL;
CREATE INDEX reports_target_idx ON reports (target_kind, target_id);
CREATE INDEX reports_reporter_idx ON reports (reporter_id, id);

-- The moderation log: every decision, by whom, about what, and why. Readable by platform
-- moderators, and by a group's moderators for their group's entries.
CREATE TABLE moderation_actions (
    id TEXT PRIMARY KEY NOT NULL,
    report_id TEXT REFERENCES reports (id) ON DELETE SET NULL,
    moderator_id TEXT REFERENCES members (id) ON DELETE SET NULL,
    target_kind TEXT NOT NULL,
    target_id TEXT NOT NULL,
    target_author_id TEXT REFERENCES members (id) ON DELETE SET NULL,
    group_id TEXT REFERENCES discussion_groups (id) ON DELETE CASCADE,
    action TEXT NOT NULL,
    reason TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX moderation_actions_group_idx ON moderation_actions (group_id, id);
CREATE INDEX moderation_actions_author_idx ON moderation_actions (target_author_id, id);

-- Hidden content stays stored (for an appeal) but only its author and moderators see it.
ALTER TABLE posts ADD COLUMN hidden_at TIMESTAMP;
ALTER TABLE comments ADD COLUMN hidden_at TIMESTAMP;
