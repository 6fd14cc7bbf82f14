-- Appeals: the author of hidden content, or a suspended or banned member, asks the moderators
-- of the queue that decided to look again (`domain::moderation::can_appeal`). One per decision.
-- The statement is the appellant's and goes with their account; who decided is kept as a
-- reference an erasure sets to NULL.
CREATE TABLE appeals (
    id TEXT PRIMARY KEY NOT NULL,
    action_id TEXT NOT NULL UNIQUE REFERENCES moderation_actions (id) ON DELETE CASCADE,
    member_id TEXT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    statement TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    decided_at TIMESTAMP,
    outcome TEXT,
    decided_by TEXT REFERENCES members (id) ON DELETE SET NULL,
    decision_reason TEXT
);
-- The appeals queues: open appeals, oldest first.
CREATE INDEX appeals_open_idx ON appeals (id) WHERE decided_at IS NULL;
CREATE INDEX appeals_member_idx ON appeals (member_id);
CREATE INDEX appeals_decided_by_idx ON appeals (decided_by);
