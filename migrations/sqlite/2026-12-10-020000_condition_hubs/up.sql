-- Condition hubs. A condition keeps `name`, its display name and unique key (the name a
-- platform admin chose, French by default); `name_fr` and `name_en` are the names in each
-- language when known (an Orphanet import fills them). More codes: ICD-11, SNOMED CT, MeSH.
ALTER TABLE conditions ADD COLUMN name_fr TEXT;
ALTER TABLE conditions ADD COLUMN name_en TEXT;
ALTER TABLE conditions ADD COLUMN icd11_code TEXT;
ALTER TABLE conditions ADD COLUMN snomed_code TEXT;
ALTER TABLE conditions ADD COLUMN mesh_code TEXT;

-- Members following a condition: its new validated resources and upcoming events reach their
-- feed (GET /feed/conditions). Counted per condition, listed per member.
CREATE TABLE condition_follows (
    condition_id TEXT NOT NULL REFERENCES conditions (id) ON DELETE CASCADE,
    member_id TEXT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (condition_id, member_id)
);
CREATE INDEX condition_follows_member_idx ON condition_follows (member_id);
