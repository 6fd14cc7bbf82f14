-- PostgreSQL only (see the PostgreSQL tree: the GIN index's pending list is kept small so that
-- search latency does not depend on when the index was last cleaned). SQLite's FTS5 index merges
-- its segments incrementally on insert (automerge) and has no list that every query scans.
-- The version exists here too so that both trees stay in step.
SELECT 1;
