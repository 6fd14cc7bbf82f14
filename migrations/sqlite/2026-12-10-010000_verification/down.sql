ALTER TABLE committee_members DROP COLUMN declared_interests;
ALTER TABLE committees DROP COLUMN requires_verified_reviewers;
DROP TABLE member_badges;
DROP TABLE verification_requests;
