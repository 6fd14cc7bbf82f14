-- Member kind changes, kept as a log. A change a member asks for is `pending` until its
-- `effective_at` (requested_at + 7 days) or a platform moderator's approval (`approved_by`,
-- effective_at = the approval time); it is then `applied` (applied_at) at the member's next
-- request, or `cancelled` when the member changes their mind. Registration sets the first kind
-- directly and logs nothing.
CREATE TABLE kind_changes (
    id TEXT PRIMARY KEY NOT NULL,
    member_id TEXT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    from_kind TEXT NOT NULL CHECK (from_kind IN ('patient', 'caregiver', 'professional')),
    to_kind TEXT NOT NULL CHECK (to_kind IN ('patient', 'caregiver', 'professional')),
    status TEXT NOT NULL CHECK (status IN ('pending', 'applied', 'cancelled')),
    requested_at TIMESTAMP NOT NULL,
    effective_at TIMESTAMP NOT NULL,
    approved_by TEXT REFERENCES members (id) ON DELETE SET NULL,
    applied_at TIMESTAMP
);
-- At most one waiting change per member; the session check joins on it.
CREATE UNIQUE INDEX kind_changes_pending_key ON kind_changes (member_id) WHERE status = 'pending';
CREATE INDEX kind_changes_member_idx ON kind_changes (member_id, requested_at);
