ALTER TABLE associations ALTER COLUMN open_membership SET DEFAULT TRUE;
ALTER TABLE association_memberships DROP COLUMN vouched;
