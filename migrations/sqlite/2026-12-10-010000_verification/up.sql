-- Issue 16, verified statuses. A member's granted badge lives in a side table (members is at
-- diesel's 32-column limit); its requests keep the document reference offered, the association
-- asked to vouch (NULL: platform admins decide) and the decision.
CREATE TABLE verification_requests (
    id TEXT PRIMARY KEY NOT NULL,
    member_id TEXT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    badge TEXT NOT NULL CHECK (badge IN ('professional', 'patient_expert')),
    document_reference TEXT NOT NULL,
    association_id TEXT REFERENCES associations (id) ON DELETE SET NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'refused')),
    decided_by TEXT REFERENCES members (id) ON DELETE SET NULL,
    decided_at TIMESTAMP,
    decision_note TEXT,
    created_at TIMESTAMP NOT NULL
);
-- At most one waiting request per member.
CREATE UNIQUE INDEX verification_requests_pending_key ON verification_requests (member_id)
    WHERE status = 'pending';
-- The decision queues (platform, per association), keyset by (created_at, id).
CREATE INDEX verification_requests_queue_idx ON verification_requests (status, created_at, id);
CREATE INDEX verification_requests_association_idx
    ON verification_requests (association_id, status, created_at, id);
CREATE INDEX verification_requests_member_idx ON verification_requests (member_id, created_at, id);
CREATE TABLE member_badges (
    member_id TEXT PRIMARY KEY NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    badge TEXT NOT NULL CHECK (badge IN ('professional', 'patient_expert')),
    granted_by TEXT REFERENCES members (id) ON DELETE SET NULL,
    granted_at TIMESTAMP NOT NULL,
    request_id TEXT REFERENCES verification_requests (id) ON DELETE SET NULL
);
-- Committees may require verified reviewers; seats carry the member's declared interests.
ALTER TABLE committees ADD COLUMN requires_verified_reviewers BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE committee_members ADD COLUMN declared_interests TEXT NOT NULL DEFAULT '';
