DROP TABLE follows;
DROP TABLE comment_reactions;
DROP TABLE post_reactions;
DROP TABLE comments;
DROP TABLE posts;
ALTER TABLE members DROP COLUMN wall_visibility;
