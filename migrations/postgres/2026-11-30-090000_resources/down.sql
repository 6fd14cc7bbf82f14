DROP TABLE resource_reviews;
DROP TABLE resource_versions;
DROP TABLE resource_conditions;
DROP TABLE resources;
DROP TABLE committee_members;
DROP TABLE committees;
