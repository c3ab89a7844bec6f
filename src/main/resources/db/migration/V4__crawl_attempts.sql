-- How many times a crawl job was started: a job whose instance died is put back in the queue until
-- it has been started yuno.knowledge.crawler.max-attempts times, then failed (a page that brings
-- an instance down must not bring down every instance in turn).
ALTER TABLE crawl_jobs ADD COLUMN attempts integer NOT NULL DEFAULT 0;
