DROP TABLE consents;
DROP TABLE consent_texts;
DROP TABLE study_conditions;
DROP TABLE studies;
DROP TABLE researchers;
