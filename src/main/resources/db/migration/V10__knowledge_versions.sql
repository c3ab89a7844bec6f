-- Each site's knowledge has a version that changes with every statement that adds, changes or
-- removes its chunks, and a count of its chunks. The service keeps large sites' binary-quantized
-- vectors in memory for the search's first pass (knowledge/QuantizedVectors) and checks this
-- version on every search, so that no instance ever ranks chunks it has not seen or misses new
-- ones. A trigger rather than the application's writes: every path that touches chunks (ingest,
-- deletes, the embedding backfill, a site's language change, a cascade, an operator's SQL) moves
-- the version.
--
-- A table of its own rather than columns of `sites`: an ingest that deletes a replaced document's
-- chunks and then bumps the version would otherwise take the site row's lock after the chunk rows',
-- the reverse of a language change (site row, then its chunks): a deadlock.
--
-- Versions come from one sequence, so a version is never reused: a site's row removed and made
-- again (or a table truncated by a test) cannot match a version an instance cached before.
-- No chunk is written between the count below and the triggers (an instance of the previous version
-- still running would otherwise add chunks that are never counted); the count takes seconds.
LOCK TABLE chunks IN SHARE ROW EXCLUSIVE MODE;

CREATE SEQUENCE knowledge_version_seq;

CREATE TABLE knowledge_versions (
    site_id varchar(16) PRIMARY KEY REFERENCES sites (site_id) ON DELETE CASCADE,
    version bigint      NOT NULL,
    chunks  bigint      NOT NULL
);

INSERT INTO knowledge_versions (site_id, version, chunks)
SELECT site_id, nextval('knowledge_version_seq'), count(*) FROM chunks GROUP BY site_id;

-- One function for the three triggers: the transition table `changed` holds the statement's new
-- rows (insert, update) or old rows (delete); `sign` says how they move the count (a site's row
-- exists before any of its chunks can be deleted: made by this migration or by their insert).
CREATE FUNCTION knowledge_versions_bump() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    sign int := CASE TG_OP WHEN 'INSERT' THEN 1 WHEN 'DELETE' THEN -1 ELSE 0 END;
BEGIN
    -- A site deleted in this transaction (its chunks going by cascade) gets no row: the guard
    -- keeps the foreign key from failing the site's deletion.
    INSERT INTO knowledge_versions AS v (site_id, version, chunks)
    SELECT c.site_id, nextval('knowledge_version_seq'), sign * count(*)
    FROM changed c
    WHERE EXISTS (SELECT FROM sites s WHERE s.site_id = c.site_id)
    GROUP BY c.site_id
    ON CONFLICT (site_id) DO UPDATE
        SET version = excluded.version,
            chunks  = greatest(v.chunks + excluded.chunks, 0);
    RETURN NULL;
END
$$;

CREATE TRIGGER chunks_inserted_bump_version AFTER INSERT ON chunks
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION knowledge_versions_bump();
CREATE TRIGGER chunks_updated_bump_version AFTER UPDATE ON chunks
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION knowledge_versions_bump();
CREATE TRIGGER chunks_deleted_bump_version AFTER DELETE ON chunks
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION knowledge_versions_bump();

-- TRUNCATE fires no row or transition-table trigger: every site's knowledge is then new and empty.
CREATE FUNCTION knowledge_versions_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE knowledge_versions SET version = nextval('knowledge_version_seq'), chunks = 0;
    RETURN NULL;
END
$$;
CREATE TRIGGER chunks_truncated_bump_version AFTER TRUNCATE ON chunks
    FOR EACH STATEMENT EXECUTE FUNCTION knowledge_versions_truncated();
