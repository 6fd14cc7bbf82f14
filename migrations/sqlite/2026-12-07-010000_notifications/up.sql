-- In-app notifications (issue 15). A row holds references only — kind, actor, subject ids —
-- never copied text: what it shows is re-read, through the read policy, when it is listed.
-- Deleting the recipient, the actor or the subject deletes the notification (an erased actor's
-- notifications go with them: they pointed at what the actor did, which the erasure removes or
-- signs with the placeholder).
CREATE TABLE notifications (
    id TEXT PRIMARY KEY NOT NULL,
    member_id TEXT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('comment', 'reply', 'reaction', 'mention',
        'join_request', 'join_decision', 'event_changed', 'event_reminder',
        'questionnaire_due', 'resource_validated', 'content_moderated', 'sanctioned',
        'report_decided')),
    actor_id TEXT REFERENCES members (id) ON DELETE CASCADE,
    post_id TEXT REFERENCES posts (id) ON DELETE CASCADE,
    comment_id TEXT REFERENCES comments (id) ON DELETE CASCADE,
    group_id TEXT REFERENCES discussion_groups (id) ON DELETE CASCADE,
    event_id TEXT REFERENCES events (id) ON DELETE CASCADE,
    subject_id TEXT,
    outcome TEXT CHECK (outcome IN ('approved', 'refused', 'changed', 'cancelled')),
    occurrences BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    read_at TIMESTAMP
);
-- The list, newest first, and the unread ones.
CREATE INDEX notifications_member ON notifications (member_id, id);
CREATE INDEX notifications_actor ON notifications (actor_id);
CREATE INDEX notifications_post ON notifications (post_id);
CREATE INDEX notifications_comment ON notifications (comment_id);
CREATE INDEX notifications_event ON notifications (event_id);
CREATE INDEX notifications_group ON notifications (group_id);

-- Per-kind choices; a kind without a row is delivered in the app.
CREATE TABLE notification_settings (
    member_id TEXT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('comment', 'reply', 'reaction', 'mention',
        'join_request', 'join_decision', 'event_changed', 'event_reminder',
        'questionnaire_due', 'resource_validated', 'content_moderated', 'sanctioned',
        'report_decided')),
    channel TEXT NOT NULL CHECK (channel IN ('in_app', 'email_digest', 'off')),
    PRIMARY KEY (member_id, kind)
);
