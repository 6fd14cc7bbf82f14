DROP TABLE condition_follows;
ALTER TABLE conditions DROP COLUMN mesh_code;
ALTER TABLE conditions DROP COLUMN snomed_code;
ALTER TABLE conditions DROP COLUMN icd11_code;
ALTER TABLE conditions DROP COLUMN name_en;
ALTER TABLE conditions DROP COLUMN name_fr;
