-- Stream tickets: browsers cannot set headers on an EventSource, so a signed-in member asks
-- for a short-lived, single-use ticket and opens the notification stream with `?ticket=`.
-- Only the ticket's SHA-256 is stored; it belongs to the session (gone with it) and is deleted
-- when used or expired.
CREATE TABLE stream_tickets (
    ticket_hash TEXT PRIMARY KEY NOT NULL,
    session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX stream_tickets_session_idx ON stream_tickets (session_id);
CREATE INDEX stream_tickets_expires_idx ON stream_tickets (expires_at);
