DELETE FROM consents WHERE purpose = 'announcements';
DELETE FROM consent_texts WHERE purpose = 'announcements';
DROP TABLE research_audit;
DROP TABLE responses;
DROP TABLE questionnaire_versions;
DROP TABLE questionnaires;
ALTER TABLE consent_texts DROP COLUMN shares_free_text;
