-- Donation campaigns of an association. Entraide never handles card data: the campaign points
-- to the association's own payment page and records what the provider (or an admin) reports.
CREATE TABLE campaigns (
    id TEXT PRIMARY KEY NOT NULL,
    association_id TEXT NOT NULL REFERENCES associations (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    goal_cents BIGINT NOT NULL CHECK (goal_cents > 0),
    -- ISO 4217, upper case.
    currency TEXT NOT NULL,
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    payment_url TEXT NOT NULL,
    -- Kept by the donation writes.
    raised_cents BIGINT NOT NULL DEFAULT 0,
    donation_count BIGINT NOT NULL DEFAULT 0,
    created_by TEXT NOT NULL REFERENCES members (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX campaigns_association_idx ON campaigns (association_id, id);

CREATE TABLE donations (
    id TEXT PRIMARY KEY NOT NULL,
    campaign_id TEXT NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    association_id TEXT NOT NULL REFERENCES associations (id) ON DELETE CASCADE,
    amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
    -- NULL: the donor chose to stay anonymous.
    donor_name TEXT,
    source TEXT NOT NULL CHECK (source IN ('manual', 'webhook')),
    -- The payment provider's id; one donation per id and association (idempotency).
    provider_payment_id TEXT,
    recorded_by TEXT REFERENCES members (id) ON DELETE SET NULL,
    received_at TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX donations_provider_payment_key ON donations (association_id, provider_payment_id);
CREATE INDEX donations_campaign_idx ON donations (campaign_id, id);

-- Signatures of accepted webhook deliveries: the same signed request twice is a replay.
CREATE TABLE webhook_deliveries (
    signature TEXT PRIMARY KEY NOT NULL,
    association_id TEXT NOT NULL REFERENCES associations (id) ON DELETE CASCADE,
    received_at TIMESTAMP NOT NULL
);
CREATE INDEX webhook_deliveries_received_idx ON webhook_deliveries (received_at);
