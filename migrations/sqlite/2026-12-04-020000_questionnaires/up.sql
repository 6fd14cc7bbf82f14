-- Research (issue 13, part 2): questionnaires and their versions, answers, and the audit log of
-- researcher access. A consent text says whether free-text answers reach the researchers.
ALTER TABLE consent_texts ADD COLUMN shares_free_text BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE questionnaires (
    id TEXT PRIMARY KEY NOT NULL,
    study_id TEXT NOT NULL REFERENCES studies (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    opens_at TIMESTAMP NOT NULL,
    recurrence TEXT NOT NULL CHECK (recurrence IN ('once', 'days', 'months')),
    every_n INTEGER CHECK (every_n BETWEEN 1 AND 366),
    window_days INTEGER NOT NULL CHECK (window_days BETWEEN 1 AND 90),
    -- The version members answer now.
    version INTEGER NOT NULL CHECK (version >= 1),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX questionnaires_study_idx ON questionnaires (study_id, id);

-- The items of each version, as JSON (the storage shape of persistence/src/questionnaires.rs).
CREATE TABLE questionnaire_versions (
    questionnaire_id TEXT NOT NULL REFERENCES questionnaires (id) ON DELETE CASCADE,
    version INTEGER NOT NULL CHECK (version >= 1),
    items TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (questionnaire_id, version)
);

-- One answer set. `member_id` is cleared when a member withdraws and keeps their answers
-- pseudonymous; `excluded_at` then keeps them out of every later export and aggregate.
CREATE TABLE responses (
    id TEXT PRIMARY KEY NOT NULL,
    questionnaire_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    study_id TEXT NOT NULL REFERENCES studies (id) ON DELETE CASCADE,
    member_id TEXT REFERENCES members (id) ON DELETE CASCADE,
    participant TEXT NOT NULL,
    consent_version INTEGER NOT NULL,
    answers TEXT NOT NULL,
    answered_at TIMESTAMP NOT NULL,
    excluded_at TIMESTAMP,
    FOREIGN KEY (questionnaire_id, version)
        REFERENCES questionnaire_versions (questionnaire_id, version) ON DELETE CASCADE
);
CREATE INDEX responses_member_idx ON responses (member_id, questionnaire_id, answered_at);
CREATE INDEX responses_study_idx ON responses (study_id, questionnaire_id, id);

-- Who read a study's answers, when, and how. No foreign key on the actor: the log outlives
-- the account.
CREATE TABLE research_audit (
    id TEXT PRIMARY KEY NOT NULL,
    study_id TEXT NOT NULL REFERENCES studies (id) ON DELETE CASCADE,
    actor_id TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('export_csv', 'export_json', 'aggregates')),
    at TIMESTAMP NOT NULL
);
CREATE INDEX research_audit_study_idx ON research_audit (study_id, at);

-- The platform's first text for the purpose `announcements` (platform admins publish the next
-- versions): a member who agrees lets their conditions, even private, select the targeted
-- prevention announcements they receive.
INSERT INTO consent_texts (purpose, version, body, shares_free_text, created_at) VALUES (
    'announcements', 1,
    'J''accepte que mes pathologies, même si je les garde privées sur mon profil, servent à m''adresser les messages de prévention ciblés des associations. Aucune association ne voit à qui un message est adressé ni qui l''a lu. Je peux retirer ce consentement à tout moment.

I agree that my conditions, even those I keep private on my profile, are used to send me the associations'' targeted prevention messages. No association sees whom a message is sent to or who read it. I can withdraw this consent at any time.',
    FALSE, '2026-12-04 00:00:00'
);
