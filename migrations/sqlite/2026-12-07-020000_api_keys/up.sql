-- API keys of associations (issue 15): a key acts in the association's name, within its scopes.
-- Only the SHA-256 of the key is stored (256 random bits: a fast hash suffices, nothing to
-- stretch), with its first characters (`hint`) to recognise it in lists. Revoked keys stay, so
-- their audit rows keep their key.
CREATE TABLE api_keys (
    id TEXT PRIMARY KEY NOT NULL,
    association_id TEXT NOT NULL REFERENCES associations (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    hint TEXT NOT NULL,
    key_hash TEXT NOT NULL,
    scopes TEXT NOT NULL,
    created_by TEXT NOT NULL REFERENCES members (id),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP,
    revoked_at TIMESTAMP,
    last_used_at TIMESTAMP
);
CREATE UNIQUE INDEX api_keys_key_hash_key ON api_keys (key_hash);
CREATE INDEX api_keys_association_idx ON api_keys (association_id, id);

-- Every request made with a key: which key, which operation (method and route pattern, never
-- the concrete path's query nor any body), the status answered, when.
CREATE TABLE api_key_requests (
    id TEXT PRIMARY KEY NOT NULL,
    key_id TEXT NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
    method TEXT NOT NULL,
    route TEXT NOT NULL,
    status INTEGER NOT NULL,
    at TIMESTAMP NOT NULL
);
CREATE INDEX api_key_requests_key_idx ON api_key_requests (key_id, id);
