-- Full-text search. Terms are computed in Rust (domain::search: lower-cased, accents folded,
-- French and English stems), so SQLite only matches whole tokens: an FTS5 index over
-- search_documents, kept in step by triggers. The rowid grows with indexing time: newest first
-- is a reverse rowid scan. (PostgreSQL uses a GIN index over the same terms.)
CREATE TABLE search_documents (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_kind TEXT NOT NULL CHECK (doc_kind IN ('group', 'post', 'comment', 'resource', 'event', 'place')),
    doc_id TEXT NOT NULL,
    terms TEXT NOT NULL
);
CREATE UNIQUE INDEX search_documents_doc_key ON search_documents (doc_kind, doc_id);
-- detail='none': only which documents hold a term, no positions (queries are ANDs of ORs of
-- single terms): a smaller index and far less memory per query on common terms.
CREATE VIRTUAL TABLE search_fts USING fts5(
    terms, content='search_documents', content_rowid='id', tokenize='ascii', detail='none'
);
CREATE TRIGGER search_documents_ai AFTER INSERT ON search_documents BEGIN
    INSERT INTO search_fts (rowid, terms) VALUES (new.id, new.terms);
END;
CREATE TRIGGER search_documents_ad AFTER DELETE ON search_documents BEGIN
    INSERT INTO search_fts (search_fts, rowid, terms) VALUES ('delete', old.id, old.terms);
END;
CREATE TRIGGER search_documents_au AFTER UPDATE ON search_documents BEGIN
    INSERT INTO search_fts (search_fts, rowid, terms) VALUES ('delete', old.id, old.terms);
    INSERT INTO search_fts (rowid, terms) VALUES (new.id, new.terms);
END;
