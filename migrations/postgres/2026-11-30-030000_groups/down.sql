DROP TABLE group_memberships;
DROP TABLE discussion_groups;
