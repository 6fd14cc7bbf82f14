ALTER TABLE reports DROP COLUMN excerpt;
ALTER TABLE reports DROP COLUMN automatic;
ALTER TABLE moderation_actions DROP COLUMN urgent;
