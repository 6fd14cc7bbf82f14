CREATE TABLE conditions (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    orpha_code TEXT,
    icd10_code TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX conditions_name_key_key ON conditions (name_key);
CREATE UNIQUE INDEX conditions_orpha_code_key ON conditions (orpha_code);

CREATE TABLE member_conditions (
    member_id TEXT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    condition_id TEXT NOT NULL REFERENCES conditions (id) ON DELETE RESTRICT,
    PRIMARY KEY (member_id, condition_id)
);
CREATE INDEX member_conditions_condition_id_idx ON member_conditions (condition_id);

-- A starter catalogue; platform admins add more through the API.
INSERT INTO conditions (id, name, name_key, orpha_code, icd10_code, created_at) VALUES
    ('01a22a2e-3100-752e-89a7-834df2a74de4', 'Breast cancer', 'breast cancer', NULL, 'C50', '2026-11-30 00:00:00'),
    ('01a22a2e-3101-7651-8317-1ff4a6a3a450', 'Lung cancer', 'lung cancer', NULL, 'C34', '2026-11-30 00:00:00'),
    ('01a22a2e-3102-7128-a24b-e40ad23f0824', 'Colorectal cancer', 'colorectal cancer', NULL, 'C18', '2026-11-30 00:00:00'),
    ('01a22a2e-3103-7181-a54c-66175d9dc9f8', 'Prostate cancer', 'prostate cancer', NULL, 'C61', '2026-11-30 00:00:00'),
    ('01a22a2e-3104-70ed-a079-d3bde8e25d94', 'Type 1 diabetes', 'type 1 diabetes', NULL, 'E10', '2026-11-30 00:00:00'),
    ('01a22a2e-3105-736f-8580-28d6099950d8', 'Type 2 diabetes', 'type 2 diabetes', NULL, 'E11', '2026-11-30 00:00:00'),
    ('01a22a2e-3106-76f0-8478-82e36b0d549b', 'Multiple sclerosis', 'multiple sclerosis', '802', 'G35', '2026-11-30 00:00:00'),
    ('01a22a2e-3107-73d9-a344-5bb31738f7d9', 'Crohn''s disease', 'crohn''s disease', '206', 'K50', '2026-11-30 00:00:00'),
    ('01a22a2e-3108-76ca-b4eb-252b0f21ddb6', 'Ulcerative colitis', 'ulcerative colitis', '771', 'K51', '2026-11-30 00:00:00'),
    ('01a22a2e-3109-790c-bca3-04171fb17c23', 'Parkinson''s disease', 'parkinson''s disease', NULL, 'G20', '2026-11-30 00:00:00'),
    ('01a22a2e-310a-7392-a827-ddada170b338', 'Alzheimer''s disease', 'alzheimer''s disease', NULL, 'G30', '2026-11-30 00:00:00'),
    ('01a22a2e-310b-7953-83f5-8c3cf29d0da9', 'Epilepsy', 'epilepsy', NULL, 'G40', '2026-11-30 00:00:00'),
    ('01a22a2e-310c-793b-9963-368595e60af5', 'Rheumatoid arthritis', 'rheumatoid arthritis', NULL, 'M06', '2026-11-30 00:00:00'),
    ('01a22a2e-310d-70cb-8e26-3464f9ebdacc', 'Systemic lupus erythematosus', 'systemic lupus erythematosus', '536', 'M32', '2026-11-30 00:00:00'),
    ('01a22a2e-310e-70be-b6f1-25b28e81973e', 'Fibromyalgia', 'fibromyalgia', NULL, 'M79.7', '2026-11-30 00:00:00'),
    ('01a22a2e-310f-7221-9ad3-2c904a23d596', 'Endometriosis', 'endometriosis', NULL, 'N80', '2026-11-30 00:00:00'),
    ('01a22a2e-3110-724e-8789-e8708a6a63ec', 'Chronic kidney disease', 'chronic kidney disease', NULL, 'N18', '2026-11-30 00:00:00'),
    ('01a22a2e-3111-7922-a3db-41564ef8aa38', 'Asthma', 'asthma', NULL, 'J45', '2026-11-30 00:00:00'),
    ('01a22a2e-3112-7d0e-8b91-0562ae97ba94', 'Chronic obstructive pulmonary disease', 'chronic obstructive pulmonary disease', NULL, 'J44', '2026-11-30 00:00:00'),
    ('01a22a2e-3113-71a6-a48e-9cda94e3bf91', 'Heart failure', 'heart failure', NULL, 'I50', '2026-11-30 00:00:00'),
    ('01a22a2e-3114-7a38-97d5-5c80301850c5', 'HIV infection', 'hiv infection', NULL, 'B20', '2026-11-30 00:00:00'),
    ('01a22a2e-3115-718f-ad93-39088c38fb29', 'Depression', 'depression', NULL, 'F32', '2026-11-30 00:00:00'),
    ('01a22a2e-3116-7101-83d0-816d907a70c3', 'Bipolar disorder', 'bipolar disorder', NULL, 'F31', '2026-11-30 00:00:00'),
    ('01a22a2e-3117-79e7-9fc5-414934b9b5df', 'Schizophrenia', 'schizophrenia', NULL, 'F20', '2026-11-30 00:00:00'),
    ('01a22a2e-3118-7ae2-9b5d-ac1f881ed162', 'Autism spectrum disorder', 'autism spectrum disorder', NULL, 'F84', '2026-11-30 00:00:00'),
    ('01a22a2e-3119-7c6f-9dcc-6bc4506bf2ef', 'Cystic fibrosis', 'cystic fibrosis', '586', 'E84', '2026-11-30 00:00:00'),
    ('01a22a2e-311a-795e-9d00-f90cec66a787', 'Sickle cell disease', 'sickle cell disease', '232', 'D57', '2026-11-30 00:00:00'),
    ('01a22a2e-311b-75c9-8fe6-389d4cbd87ad', 'Amyotrophic lateral sclerosis', 'amyotrophic lateral sclerosis', '803', 'G12.2', '2026-11-30 00:00:00'),
    ('01a22a2e-311c-7cb5-acbc-53252e05319a', 'Duchenne muscular dystrophy', 'duchenne muscular dystrophy', '98896', 'G71.0', '2026-11-30 00:00:00'),
    ('01a22a2e-311d-7c7a-853d-1ccf3e7d1bfb', 'Huntington''s disease', 'huntington''s disease', '399', 'G10', '2026-11-30 00:00:00'),
    ('01a22a2e-311e-7930-a19c-d1c84cdd2055', 'Spinal muscular atrophy', 'spinal muscular atrophy', '70', 'G12.1', '2026-11-30 00:00:00'),
    ('01a22a2e-311f-77eb-95fb-8173e00902c7', 'Myasthenia gravis', 'myasthenia gravis', '589', 'G70.0', '2026-11-30 00:00:00'),
    ('01a22a2e-3120-7bab-926d-928272e6cc3a', 'Haemophilia', 'haemophilia', '448', 'D66', '2026-11-30 00:00:00'),
    ('01a22a2e-3121-79be-84af-52b3faecbd38', 'Ehlers-Danlos syndromes', 'ehlers-danlos syndromes', '98249', 'Q79.6', '2026-11-30 00:00:00'),
    ('01a22a2e-3122-71e3-9ac2-863a830e07bc', 'Psoriasis', 'psoriasis', NULL, 'L40', '2026-11-30 00:00:00'),
    ('01a22a2e-3123-72a3-95e4-3e0bc1d3fcff', 'Migraine', 'migraine', NULL, 'G43', '2026-11-30 00:00:00'),
    ('01a22a2e-3124-726e-9f4b-2be0eeeacbe2', 'Long COVID', 'long covid', NULL, 'U09.9', '2026-11-30 00:00:00'),
    ('01a22a2e-3125-76bf-bd91-b87d0a097c97', 'Rare disease without a determined diagnosis', 'rare disease without a determined diagnosis', '616874', NULL, '2026-11-30 00:00:00');
