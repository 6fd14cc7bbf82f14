DROP TABLE calendar_tokens;
DROP TABLE event_rsvps;
DROP TABLE events;
