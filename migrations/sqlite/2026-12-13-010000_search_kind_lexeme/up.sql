-- PostgreSQL only (see the PostgreSQL tree: the document's kind becomes a lexeme of its tsvector,
-- for the GIN probe of `persistence::search::Scan`). SQLite's FTS5 reads its doclists newest
-- first and stops at the page; it has no probe. The version exists here too so that both trees
-- stay in step.
SELECT 1;
