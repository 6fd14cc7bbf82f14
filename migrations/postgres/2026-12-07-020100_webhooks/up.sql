-- Outgoing webhooks of associations (issue 15). The secret signs each delivery
-- (HMAC-SHA256, as the incoming donation webhook), so it is stored as is, like the donation
-- webhook key; it is shown once, at creation.
CREATE TABLE webhooks (
    id TEXT PRIMARY KEY NOT NULL,
    association_id TEXT NOT NULL REFERENCES associations (id) ON DELETE CASCADE,
    url TEXT NOT NULL,
    secret TEXT NOT NULL,
    events TEXT NOT NULL,
    created_by TEXT NOT NULL REFERENCES members (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX webhooks_association_idx ON webhooks (association_id, id);

-- Deliveries, queued in the transaction of the write that caused them and sent by the worker:
-- an acknowledged write never loses its webhook. A short excerpt of the answer is kept, never
-- the whole body.
CREATE TABLE webhook_outbox (
    id TEXT PRIMARY KEY NOT NULL,
    webhook_id TEXT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP,
    last_attempt_at TIMESTAMP,
    response_code INTEGER,
    response_excerpt TEXT,
    error TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX webhook_outbox_due_idx ON webhook_outbox (status, next_attempt_at);
CREATE INDEX webhook_outbox_webhook_idx ON webhook_outbox (webhook_id, id);
