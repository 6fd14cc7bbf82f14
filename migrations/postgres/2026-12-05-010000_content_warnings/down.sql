ALTER TABLE posts DROP COLUMN content_warning;
