-- A chunk's row keeps its vector, full-text vector and text in the row itself (up to a page),
-- rather than in the TOAST table: with PostgreSQL's default (rows over 2 kB are cut down), the
-- 3 kB vector and the 2 kB full-text vector of every chunk went out of line, and each full-text
-- test, rank and exact re-ranking of a candidate cost an index lookup and page reads in the TOAST
-- table; the 1,000,000-chunk benchmark's profile (perf) had those lookups as the largest share of
-- PostgreSQL's time under eight concurrent searches. Rows written from now on are kept whole;
-- earlier ones move in when the table is rewritten (VACUUM FULL chunks, or pg_repack without the
-- lock), which an operator schedules: a migration must not hold the table for that long.
ALTER TABLE chunks SET (toast_tuple_target = 8160);

-- The backfill looks for vectors of another model than the configured one every few minutes: by
-- this index, not by reading every row (35 s at 1,000,000 chunks).
CREATE INDEX IF NOT EXISTS chunks_embedding_model_idx ON chunks (embedding_model);
