-- Failed logins are counted per (e-mail, client network), not per account: the owner logging
-- in from elsewhere is never refused because someone else keeps failing, and an unknown
-- e-mail is throttled exactly like a known one. `throttle_key` is the SHA-256 of the pair, so
-- neither the address nor the IP is stored in clear. An attempt is counted *before* its
-- password is checked (one atomic upsert), so parallel guesses cannot outrun the count.
-- The columns members.failed_logins and members.login_locked_until are no longer used.
CREATE TABLE login_throttles (
    throttle_key TEXT PRIMARY KEY NOT NULL,
    failures INTEGER NOT NULL,
    last_attempt_at TIMESTAMP NOT NULL
);
CREATE INDEX login_throttles_last_attempt_at_idx ON login_throttles (last_attempt_at);
