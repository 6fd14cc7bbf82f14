ALTER TABLE association_memberships DROP COLUMN vouched;
