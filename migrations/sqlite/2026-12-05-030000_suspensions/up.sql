-- A platform suspension (until a date) or ban (until 9999-12-31) decided by moderators: the
-- member cannot log in and every session ends (`domain::moderation::sanction_end`).
ALTER TABLE members ADD COLUMN suspended_until TIMESTAMP;
-- Until when a logged suspension or ban holds.
ALTER TABLE moderation_actions ADD COLUMN until_at TIMESTAMP;
