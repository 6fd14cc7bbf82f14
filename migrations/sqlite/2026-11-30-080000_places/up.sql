-- Who may write the knowledge base (resources, places): members granted the editor right by a
-- platform admin, or by an association admin for their association.
CREATE TABLE editors (
    member_id TEXT PRIMARY KEY NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    -- The association that granted it (NULL: a platform admin did).
    association_id TEXT REFERENCES associations (id) ON DELETE CASCADE,
    granted_by TEXT REFERENCES members (id) ON DELETE SET NULL,
    granted_at TIMESTAMP NOT NULL
);

-- Local resources ("ressources de proximité"): places and services near members.
CREATE TABLE places (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    -- Lower-cased name (Unicode, in Rust), for ordering and text search alike on both databases.
    name_key TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('support_group', 'hospital_department',
        'therapeutic_education', 'association_office', 'social_service', 'respite_care')),
    description TEXT NOT NULL,
    address TEXT NOT NULL,
    city TEXT NOT NULL,
    -- Lower-cased city, for text search.
    city_key TEXT NOT NULL,
    postcode TEXT,
    latitude DOUBLE PRECISION NOT NULL CHECK (latitude BETWEEN -90 AND 90),
    longitude DOUBLE PRECISION NOT NULL CHECK (longitude BETWEEN -180 AND 180),
    phone TEXT,
    website TEXT,
    opening_hours TEXT,
    audience TEXT NOT NULL CHECK (audience IN ('everyone', 'patients', 'caregivers', 'professionals')),
    association_id TEXT REFERENCES associations (id) ON DELETE SET NULL,
    created_by TEXT NOT NULL REFERENCES members (id),
    -- Who last vouched for the entry, and when.
    verified_by TEXT REFERENCES members (id) ON DELETE SET NULL,
    verified_at TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
-- The bounding box pre-filter of distance searches uses the latitude range.
CREATE INDEX places_latitude_idx ON places (latitude, longitude);
CREATE INDEX places_city_idx ON places (city_key);
CREATE INDEX places_name_idx ON places (name_key, id);
CREATE INDEX places_postcode_idx ON places (postcode);

CREATE TABLE place_conditions (
    place_id TEXT NOT NULL REFERENCES places (id) ON DELETE CASCADE,
    condition_id TEXT NOT NULL REFERENCES conditions (id) ON DELETE CASCADE,
    PRIMARY KEY (place_id, condition_id)
);
CREATE INDEX place_conditions_condition_idx ON place_conditions (condition_id);
