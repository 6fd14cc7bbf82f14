-- Full-text search. Terms are computed in Rust (domain::search: lower-cased, accents folded,
-- French and English stems), so PostgreSQL only matches whole tokens with the `simple`
-- configuration, through a GIN index over a stored tsvector. The id grows with indexing time: newest first is a
-- reverse id order. (SQLite uses FTS5 over the same terms.)
CREATE TABLE search_documents (
    id BIGSERIAL PRIMARY KEY,
    doc_kind TEXT NOT NULL CHECK (doc_kind IN ('group', 'post', 'comment', 'resource', 'event', 'place')),
    doc_id TEXT NOT NULL,
    terms TEXT NOT NULL,
    -- Stored so that matching rows are not re-parsed on every query (the GIN recheck).
    tsv TSVECTOR GENERATED ALWAYS AS (to_tsvector('simple', terms)) STORED
);
CREATE UNIQUE INDEX search_documents_doc_key ON search_documents (doc_kind, doc_id);
CREATE INDEX search_documents_tsv_idx ON search_documents USING GIN (tsv);
