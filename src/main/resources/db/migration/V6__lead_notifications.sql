-- The secret that signs a site's webhooks, sealed at rest like identity_secret.
ALTER TABLE sites ADD COLUMN webhook_secret text;

-- Messages to the outside about leads: written in the same transaction as the lead, delivered at
-- least once by the DeliveryWorker of any instance. One row per event and channel.
CREATE TABLE outbox (
    id               uuid         PRIMARY KEY DEFAULT gen_random_uuid(),
    -- The event's id as receivers see it; derived from the spooled write, so a replay adds nothing.
    event_id         uuid         NOT NULL,
    channel          varchar(16)  NOT NULL CHECK (channel IN ('webhook', 'email')),
    site_id          varchar(16)  NOT NULL REFERENCES sites (site_id) ON DELETE CASCADE,
    event_type       varchar(32)  NOT NULL,
    -- The event as it was when the lead was written: what is sent, whenever it is sent.
    payload          jsonb        NOT NULL,
    status           varchar(16)  NOT NULL DEFAULT 'pending'
                                  CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts         integer      NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz  NOT NULL DEFAULT now(),
    -- Retries stop after this (24 h after the event, or after a redelivery was asked for).
    retry_until      timestamptz  NOT NULL,
    -- A claim by one instance, for a lease: a row whose claimant died is taken again after it.
    locked_by        varchar(160),
    locked_until     timestamptz,
    last_status_code integer,
    last_error       text,
    created_at       timestamptz  NOT NULL DEFAULT now(),
    updated_at       timestamptz  NOT NULL DEFAULT now(),
    delivered_at     timestamptz,
    UNIQUE (event_id, channel)
);
CREATE INDEX outbox_due_idx ON outbox (next_attempt_at) WHERE status = 'pending';
CREATE INDEX outbox_site_idx ON outbox (site_id, created_at DESC);

-- Every attempt at delivering an outbox row, as the owner's delivery API shows them.
CREATE TABLE outbox_attempts (
    id           bigserial    PRIMARY KEY,
    outbox_id    uuid         NOT NULL REFERENCES outbox (id) ON DELETE CASCADE,
    attempted_at timestamptz  NOT NULL DEFAULT now(),
    duration_ms  integer      NOT NULL,
    status_code  integer,
    error        text,
    instance     varchar(160) NOT NULL
);
CREATE INDEX outbox_attempts_outbox_idx ON outbox_attempts (outbox_id, id);
