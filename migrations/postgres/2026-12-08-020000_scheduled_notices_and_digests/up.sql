-- Issue 15, notification producers. Notices that come from the clock rather than from a
-- request (event reminders, questionnaires whose answering window opened) are written once per
-- (member, kind, subject, moment): a row here is claimed in the transaction that writes the
-- notification, and a second worker — on this node or another — finds it taken.
CREATE TABLE scheduled_notices (
    member_id TEXT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('event_reminder', 'questionnaire_due')),
    -- The event or questionnaire (no foreign key: the claim outlives neither in any way that
    -- matters, and questionnaires and events are never read through it).
    subject_id TEXT NOT NULL,
    -- The event's start or the answering window's opening.
    due_at TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (member_id, kind, subject_id, due_at)
);

-- The e-mail digest: how often, and the period the last one was sent for (never twice for
-- the same period). A member without a row gets no digest.
CREATE TABLE notification_digests (
    member_id TEXT PRIMARY KEY NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    frequency TEXT NOT NULL CHECK (frequency IN ('daily', 'weekly', 'never')),
    last_period TIMESTAMP,
    last_sent_at TIMESTAMP
);
CREATE INDEX notification_digests_due ON notification_digests (frequency, last_period);
