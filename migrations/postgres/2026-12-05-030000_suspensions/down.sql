ALTER TABLE moderation_actions DROP COLUMN until_at;
ALTER TABLE members DROP COLUMN suspended_until;
