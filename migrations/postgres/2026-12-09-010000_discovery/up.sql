-- Profile bands (issue 16): an age band and a "diagnosed since" band, each with its own
-- visibility like every optional profile part (private by default: both are health data).
-- A side table keyed by member: `members` is at diesel's column limit.
CREATE TABLE profile_bands (
    member_id TEXT PRIMARY KEY NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    age_band TEXT,
    age_band_visibility TEXT NOT NULL DEFAULT 'private',
    diagnosed_since TEXT,
    diagnosed_since_visibility TEXT NOT NULL DEFAULT 'private'
);

-- Discoverable members (issue 16, "people like me"): a row exists only while the member opts
-- in, with the profile parts they allow to be matched and shown. The discover query drives
-- from this table, so its cost follows the number of discoverable members, never the number
-- of members. Opting out deletes the row (and forgets the parts chosen).
CREATE TABLE discoverable_members (
    member_id TEXT PRIMARY KEY NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    match_conditions BOOLEAN NOT NULL,
    match_kind BOOLEAN NOT NULL,
    match_age_band BOOLEAN NOT NULL,
    match_region BOOLEAN NOT NULL,
    match_language BOOLEAN NOT NULL,
    match_diagnosed_since BOOLEAN NOT NULL,
    since TIMESTAMP NOT NULL
);
