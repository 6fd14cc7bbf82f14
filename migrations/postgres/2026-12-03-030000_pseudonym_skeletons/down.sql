DROP INDEX members_pseudonym_skeleton_key;
ALTER TABLE members DROP COLUMN pseudonym_skeleton;
