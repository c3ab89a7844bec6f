-- The full-text index leads with the site (btree_gin lets a GIN index hold a plain column), so a
-- search of one site intersects the site's entries with the question's words inside the index: a
-- word common in other sites costs a small site nothing, and a large site's common words are never
-- read for all sites (README, knowledge benchmark: the full-text half of the largest site from
-- 265 ms to 9 ms at 1,000,000 chunks). btree_gin ships with PostgreSQL and is a trusted extension:
-- the database's owner may create it.
CREATE EXTENSION IF NOT EXISTS btree_gin;
CREATE INDEX IF NOT EXISTS chunks_site_text_idx ON chunks USING gin (site_id, search_text);
DROP INDEX IF EXISTS chunks_search_text_idx;
