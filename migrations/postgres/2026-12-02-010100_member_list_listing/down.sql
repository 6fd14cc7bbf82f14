ALTER TABLE members DROP COLUMN listed_in_member_lists;
