-- The knowledge base's additions to the data model.

-- A crawl job remembers the hosts it may visit, as the site allowed them when the job was created,
-- so that any instance can run (or resume) it without asking the sites feature again.
ALTER TABLE crawl_jobs
    ADD COLUMN allowed_hosts    text[]  NOT NULL DEFAULT '{}',
    ADD COLUMN allow_subdomains boolean NOT NULL DEFAULT false;

-- One crawled document per page: a re-crawl replaces the page's document rather than adding one.
CREATE UNIQUE INDEX documents_site_crawl_url_uq ON documents (site_id, url) WHERE source = 'crawl';

-- Chunks still waiting for a vector (offline ingestion, a failed call): the re-embed job's queue.
CREATE INDEX chunks_missing_embedding_idx ON chunks (id) WHERE embedding IS NULL;
