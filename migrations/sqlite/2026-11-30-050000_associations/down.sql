ALTER TABLE discussion_groups DROP COLUMN members_can_create_events;
ALTER TABLE members DROP COLUMN receive_announcements;
DROP TABLE announcement_conditions;
DROP TABLE announcements;
DROP TABLE association_groups;
DROP TABLE association_follows;
DROP TABLE association_memberships;
DROP TABLE association_conditions;
DROP TABLE associations;
