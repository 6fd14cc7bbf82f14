-- Search latency must not depend on when the index was last cleaned (issue 17). A GIN index with
-- fast update keeps new entries in an unsorted pending list that every search scans in full,
-- until the list passes `gin_pending_list_limit` (4 MB by default), or VACUUM/ANALYZE empties it.
-- Measured on 10k posts right after seeding: 370 pending pages, 7.4 ms per search; after
-- `gin_clean_pending_list`, 0.58 ms. The smallest limit (64 kB, a few pages) keeps the cheap
-- batched insert of fast update while a search scans at most a few pending pages; the insert that
-- passes the limit moves those few entries into the tree (a bounded cost, not a 4 MB flush).
ALTER INDEX search_documents_tsv_idx SET (gin_pending_list_limit = 64);
SELECT gin_clean_pending_list('search_documents_tsv_idx'::regclass);
