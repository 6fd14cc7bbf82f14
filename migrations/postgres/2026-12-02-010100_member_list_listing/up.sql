-- Whether a member appears in the member lists of their groups and associations (to other
-- members; moderators and association admins always see everyone). Belonging to a disease group
-- is health data: hidden unless the member opts in, existing members included.
ALTER TABLE members ADD COLUMN listed_in_member_lists BOOLEAN NOT NULL DEFAULT FALSE;
