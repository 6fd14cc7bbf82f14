-- Events live in a group (visible as its content is), belong to an association, or are a
-- member's own (both public). Times are UTC; time_zone (IANA) says how to show them and how a
-- recurring series repeats (same local time across DST changes).
CREATE TABLE events (
    id TEXT PRIMARY KEY NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    organizer_id TEXT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    group_id TEXT REFERENCES discussion_groups (id) ON DELETE CASCADE,
    association_id TEXT REFERENCES associations (id) ON DELETE CASCADE,
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    time_zone TEXT NOT NULL,
    recurrence TEXT CHECK (recurrence IN ('weekly', 'monthly_by_weekday')),
    -- No occurrence of the series starts after this (UTC); NULL: no end.
    recurrence_until TIMESTAMP,
    -- When the last occurrence ends (far future for an endless series): range queries use it.
    last_ends_at TIMESTAMP NOT NULL,
    online_url TEXT,
    address TEXT,
    city TEXT,
    latitude DOUBLE PRECISION,
    longitude DOUBLE PRECISION,
    capacity INTEGER CHECK (capacity > 0),
    status TEXT NOT NULL CHECK (status IN ('scheduled', 'cancelled')),
    cancelled_at TIMESTAMP,
    -- Set when the time changed after creation; previous_starts_at is where it was.
    rescheduled_at TIMESTAMP,
    previous_starts_at TIMESTAMP,
    -- iCalendar SEQUENCE: bumped by every change attendees should see.
    sequence INTEGER NOT NULL DEFAULT 0,
    going_count BIGINT NOT NULL DEFAULT 0,
    interested_count BIGINT NOT NULL DEFAULT 0,
    waitlist_count BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (ends_at > starts_at)
);
CREATE INDEX events_starts_idx ON events (starts_at, id);
CREATE INDEX events_group_idx ON events (group_id, starts_at);
CREATE INDEX events_association_idx ON events (association_id, starts_at);
CREATE INDEX events_organizer_idx ON events (organizer_id, starts_at);
CREATE INDEX events_latitude_idx ON events (latitude);
-- Calendar queries read every recurring series that may overlap their range (their schedules
-- only, then expand them): a partial index covering those columns keeps that read off the table
-- (measured: 25 -> 10 ms a calendar page with 2,000 series among 20,000 events, SQLite).
CREATE INDEX events_series_idx ON events (starts_at, id, last_ends_at, ends_at, time_zone,
    recurrence, recurrence_until, latitude, longitude, group_id, association_id, organizer_id)
    WHERE recurrence IS NOT NULL;

-- RSVPs. A `going` answer to a full event becomes `waitlisted`; the oldest waitlisted answer
-- (by updated_at) is promoted when a place frees.
CREATE TABLE event_rsvps (
    event_id TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    member_id TEXT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    status TEXT NOT NULL CHECK (status IN ('going', 'interested', 'not_going', 'waitlisted')),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (event_id, member_id)
);
CREATE INDEX event_rsvps_queue_idx ON event_rsvps (event_id, status, updated_at);
CREATE INDEX event_rsvps_member_idx ON event_rsvps (member_id, status);

-- The personal calendar feed: one token per member, stored hashed; a new one revokes the old.
CREATE TABLE calendar_tokens (
    member_id TEXT PRIMARY KEY NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX calendar_tokens_hash_key ON calendar_tokens (token_hash);
