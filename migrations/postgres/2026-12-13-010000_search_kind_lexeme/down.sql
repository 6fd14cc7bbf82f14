DROP INDEX search_documents_tsv_idx;
ALTER TABLE search_documents DROP COLUMN tsv;
ALTER TABLE search_documents ADD COLUMN tsv TSVECTOR GENERATED ALWAYS AS
    (to_tsvector('simple', terms)) STORED;
CREATE INDEX search_documents_tsv_idx ON search_documents USING GIN (tsv)
    WITH (gin_pending_list_limit = 64);
