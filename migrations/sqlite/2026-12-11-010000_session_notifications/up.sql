-- Sessions checked in memory (issue 17): on PostgreSQL this version adds the triggers that
-- NOTIFY every server process of a write to a member's sessions, kind, role or suspension.
-- SQLite has no channel between processes: one server process serves the file and forgets
-- sessions after its own writes; what another process writes (the CLI) is seen once the cached
-- entry reaches its maximum age (`ENTRAIDE_SESSION_CACHE_MAX_AGE_MS`). Nothing to change here:
-- the version exists so that both trees stay in step.
SELECT 1;
