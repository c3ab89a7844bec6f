-- Retrieval at a million chunks over a thousand sites (scripts/bench-knowledge.sh, README).

-- 1. The language a site's knowledge is written in decides how its text is indexed: a German or
-- Spanish site is not stemmed as English. `language` is the ISO 639-1 code the owner chose (null:
-- not said), `text_search_config` the PostgreSQL configuration it maps to ('simple' when none
-- fits). Sites from before this migration keep English: their chunks were indexed that way.
ALTER TABLE sites
    ADD COLUMN language           varchar(8),
    ADD COLUMN text_search_config regconfig NOT NULL DEFAULT 'simple';
UPDATE sites SET language = 'en', text_search_config = 'english';

-- 2. Chunks: vectors as halfvec (half the bytes to store, cache and compare; the lost precision is
-- far below what separates two passages), a binary quantization of each vector kept beside it for
-- a cheap first pass (Hamming distance over 192 bytes) that is then re-ranked exactly, and the
-- full-text vector built with the chunk's own configuration, which follows its site's.
-- The global HNSW index goes: a per-site scan of the quantized vectors in a covering index is
-- faster for every site size measured, exact after re-ranking for small sites, and keeps
-- ingestion cheap (an HNSW insert of a 1536-dimension vector cost about 10 ms).
DROP INDEX chunks_embedding_hnsw_idx;
ALTER TABLE chunks ALTER COLUMN embedding TYPE halfvec(1536) USING embedding::halfvec(1536);

ALTER TABLE chunks DROP COLUMN search_text;
ALTER TABLE chunks ADD COLUMN text_config regconfig NOT NULL DEFAULT 'english';
ALTER TABLE chunks ALTER COLUMN text_config SET DEFAULT 'simple';
ALTER TABLE chunks
    ADD COLUMN search_text tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector(text_config, coalesce(title, '') || ' ' || coalesce(heading_path, '')), 'A')
        || setweight(to_tsvector(text_config, content), 'B')
    ) STORED,
    ADD COLUMN embedding_bits bit(1536) GENERATED ALWAYS AS (binary_quantize(embedding)::bit(1536)) STORED;

CREATE INDEX chunks_search_text_idx ON chunks USING gin (search_text);
-- Answers the first pass from the index alone (an index-only scan of the site's entries).
CREATE INDEX chunks_site_bits_idx ON chunks (site_id, embedding_model) INCLUDE (id, embedding_bits);

-- A site's new language re-indexes its chunks in the same transaction as the change.
CREATE FUNCTION chunks_follow_site_language() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE chunks SET text_config = NEW.text_search_config
    WHERE site_id = NEW.site_id AND text_config <> NEW.text_search_config;
    RETURN NULL;
END
$$;
CREATE TRIGGER sites_text_search_config_changed
    AFTER UPDATE OF text_search_config ON sites
    FOR EACH ROW WHEN (OLD.text_search_config IS DISTINCT FROM NEW.text_search_config)
    EXECUTE FUNCTION chunks_follow_site_language();
