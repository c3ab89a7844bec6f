-- Yuno's whole data model. Every table that holds a site's data carries `site_id` with an index
-- and a foreign key that cascades, so that deleting a site removes every row of it.

-- pgvector; the local services script and the pgvector image install it ahead of time, in which
-- case this is a no-op that needs no superuser.
CREATE EXTENSION IF NOT EXISTS vector;

CREATE TABLE sites (
    id                 uuid         PRIMARY KEY DEFAULT gen_random_uuid(),
    site_id            varchar(16)  NOT NULL UNIQUE CHECK (site_id ~ '^[A-Za-z0-9]{16}$'),
    domain             varchar(253) NOT NULL,
    additional_domains text[]       NOT NULL DEFAULT '{}',
    allow_subdomains   boolean      NOT NULL DEFAULT false,
    user_id            varchar(255),
    plan_type          varchar(16)  NOT NULL DEFAULT 'free'
                                    CHECK (plan_type IN ('free', 'basic', 'pro', 'enterprise')),
    plan_active        boolean      NOT NULL DEFAULT true,
    widget_enabled     boolean      NOT NULL DEFAULT true,
    theme              varchar(16)  NOT NULL DEFAULT 'dark'
                                    CHECK (theme IN ('dark', 'light', 'blue', 'green')),
    custom_config      jsonb        NOT NULL DEFAULT '{}'::jsonb,
    -- SHA-256 of the owner key (`ysk_...`); the key itself is shown once and never stored.
    owner_key_hash     varchar(64)  UNIQUE,
    owner_key_rotated_at timestamptz,
    created_at         timestamptz  NOT NULL DEFAULT now(),
    updated_at         timestamptz  NOT NULL DEFAULT now()
);
CREATE INDEX sites_domain_idx ON sites (domain);
CREATE INDEX sites_created_at_idx ON sites (created_at, site_id);

-- One row per message, user or assistant, with every field of the original design.
CREATE TABLE chat_history (
    id                  uuid         PRIMARY KEY DEFAULT gen_random_uuid(),
    site_id             varchar(16)  NOT NULL REFERENCES sites (site_id) ON DELETE CASCADE,
    session_id          varchar(64)  NOT NULL,
    user_id             varchar(255),
    page_url            text,
    role                varchar(16)  NOT NULL CHECK (role IN ('user', 'assistant')),
    content             text         NOT NULL,
    "timestamp"         timestamptz  NOT NULL DEFAULT now(),
    raw_json_output     jsonb,
    lang                varchar(16),
    answer_confidence   real,
    intent              varchar(64),
    tokens_used         integer,
    user_sentiment      varchar(32),
    compliance_red_flag boolean      NOT NULL DEFAULT false,
    -- Salted hash of the visitor's IP; the raw address is never stored.
    ip_hash             varchar(64)
);
CREATE INDEX chat_history_site_idx ON chat_history (site_id);
CREATE INDEX chat_history_session_idx ON chat_history (site_id, session_id, "timestamp");
CREATE INDEX chat_history_site_time_idx ON chat_history (site_id, "timestamp" DESC);

CREATE TABLE leads (
    id          uuid         PRIMARY KEY DEFAULT gen_random_uuid(),
    site_id     varchar(16)  NOT NULL REFERENCES sites (site_id) ON DELETE CASCADE,
    session_id  varchar(64),
    name        varchar(200),
    email       varchar(320),
    phone       varchar(32),
    message     text,
    intent      text,
    -- 'chat' when extracted from a conversation, 'form' when the visitor filled the widget's form.
    source      varchar(16)  NOT NULL DEFAULT 'chat' CHECK (source IN ('chat', 'form')),
    created_at  timestamptz  NOT NULL DEFAULT now(),
    updated_at  timestamptz  NOT NULL DEFAULT now()
);
CREATE INDEX leads_site_idx ON leads (site_id, created_at DESC);
-- One lead per visitor session, upserted as the conversation reveals more.
CREATE UNIQUE INDEX leads_session_uq ON leads (site_id, session_id) WHERE session_id IS NOT NULL;

CREATE TABLE crawl_jobs (
    id           uuid         PRIMARY KEY DEFAULT gen_random_uuid(),
    site_id      varchar(16)  NOT NULL REFERENCES sites (site_id) ON DELETE CASCADE,
    url          text         NOT NULL,
    max_pages    integer      NOT NULL CHECK (max_pages > 0),
    status       varchar(16)  NOT NULL DEFAULT 'queued'
                              CHECK (status IN ('queued', 'running', 'done', 'failed')),
    pages_total  integer      NOT NULL DEFAULT 0,
    pages_done   integer      NOT NULL DEFAULT 0,
    chunks       integer      NOT NULL DEFAULT 0,
    errors       jsonb        NOT NULL DEFAULT '[]'::jsonb,
    -- Which instance runs the job and when it last said so: a job whose heartbeat stops
    -- (the instance died) is taken over or failed, never left `running` for ever.
    owner        varchar(128),
    heartbeat_at timestamptz,
    created_at   timestamptz  NOT NULL DEFAULT now(),
    started_at   timestamptz,
    finished_at  timestamptz
);
CREATE INDEX crawl_jobs_site_idx ON crawl_jobs (site_id, created_at DESC);
CREATE INDEX crawl_jobs_active_idx ON crawl_jobs (status) WHERE status IN ('queued', 'running');

CREATE TABLE documents (
    id            uuid         PRIMARY KEY DEFAULT gen_random_uuid(),
    site_id       varchar(16)  NOT NULL REFERENCES sites (site_id) ON DELETE CASCADE,
    title         varchar(500),
    url           text,
    content_type  varchar(64)  NOT NULL,
    -- SHA-256 of the extracted text: the same content is stored once per site.
    content_hash  varchar(64)  NOT NULL,
    source        varchar(16)  NOT NULL DEFAULT 'api' CHECK (source IN ('api', 'upload', 'crawl')),
    crawl_job_id  uuid         REFERENCES crawl_jobs (id) ON DELETE SET NULL,
    size_bytes    integer      NOT NULL DEFAULT 0,
    created_at    timestamptz  NOT NULL DEFAULT now(),
    updated_at    timestamptz  NOT NULL DEFAULT now(),
    UNIQUE (site_id, content_hash)
);
CREATE INDEX documents_site_idx ON documents (site_id, created_at DESC);
CREATE INDEX documents_site_url_idx ON documents (site_id, url);

-- Embedding size of text-embedding-3-small; another model with another size needs a migration,
-- since an HNSW index needs one fixed dimension.
CREATE TABLE chunks (
    id            bigserial    PRIMARY KEY,
    site_id       varchar(16)  NOT NULL REFERENCES sites (site_id) ON DELETE CASCADE,
    document_id   uuid         NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    ordinal       integer      NOT NULL,
    title         varchar(500),
    url           text,
    heading_path  text,
    content       text         NOT NULL,
    token_count   integer      NOT NULL DEFAULT 0,
    embedding     vector(1536),
    embedding_model varchar(100),
    search_text   tsvector     GENERATED ALWAYS AS (
                      setweight(to_tsvector('english', coalesce(title, '') || ' ' || coalesce(heading_path, '')), 'A')
                      || setweight(to_tsvector('english', content), 'B')
                  ) STORED,
    created_at    timestamptz  NOT NULL DEFAULT now(),
    UNIQUE (document_id, ordinal)
);
CREATE INDEX chunks_site_idx ON chunks (site_id);
CREATE INDEX chunks_embedding_hnsw_idx ON chunks USING hnsw (embedding vector_cosine_ops);
CREATE INDEX chunks_search_text_idx ON chunks USING gin (search_text);
