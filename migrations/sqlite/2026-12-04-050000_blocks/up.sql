-- A member blocks another: neither sees the other's posts, comments or profile, and their
-- follows end both ways (`domain::member::can_block`). The reads filter on both directions:
-- the primary key serves "whom I block", the second index "who blocks me".
CREATE TABLE blocks (
    blocker_id TEXT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    blocked_id TEXT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (blocker_id, blocked_id),
    CHECK (blocker_id <> blocked_id)
);
CREATE INDEX blocks_blocked_idx ON blocks (blocked_id, blocker_id);
