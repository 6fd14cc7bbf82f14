-- What platform admins and moderators did to members' rights and standing: role changes,
-- editor and researcher rights, kind changes approved. (Moderation decisions and sanctions
-- are in `moderation_actions`.) Readable by platform admins; an erasure keeps the entry and
-- forgets who it was about.
CREATE TABLE admin_audit (
    id TEXT PRIMARY KEY NOT NULL,
    actor_id TEXT REFERENCES members (id) ON DELETE SET NULL,
    action TEXT NOT NULL,
    member_id TEXT REFERENCES members (id) ON DELETE SET NULL,
    detail TEXT NOT NULL,
    at TIMESTAMP NOT NULL
);
