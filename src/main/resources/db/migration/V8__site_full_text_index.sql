-- The full-text index leads with the site (btree_gin lets a GIN index hold a plain column), so a
-- search of one site intersects the site's entries with the question's words inside the index: a
-- word common in other sites costs a small site nothing, and a large site's common words are never
-- read for all sites (README, knowledge benchmark). btree_gin ships with PostgreSQL and is a
-- trusted extension: the database's owner may create it.
--
-- New entries wait in the index's pending list until it is merged into the index, and every search
-- reads the whole list: at the default 4 MB that was 1.3 ms added to each search of any site after
-- a thousand chunks were ingested. A 256 kB list keeps that under 0.1 ms; the insert that fills it
-- merges it (ingestion pays a little more, a search never waits for autovacuum).
CREATE EXTENSION IF NOT EXISTS btree_gin;
CREATE INDEX IF NOT EXISTS chunks_site_text_idx ON chunks USING gin (site_id, search_text)
    WITH (gin_pending_list_limit = 256);
ALTER INDEX chunks_site_text_idx SET (gin_pending_list_limit = 256);
DROP INDEX IF EXISTS chunks_search_text_idx;
