ALTER TABLE comments DROP COLUMN hidden_at;
ALTER TABLE posts DROP COLUMN hidden_at;
DROP TABLE moderation_actions;
DROP TABLE reports;
