-- Names this database, once. Spooled writes carry the name, so that an instance never writes into
-- its own database what was spooled for another one (a shared or copied spool folder).
CREATE TABLE database_identity (
    id         uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    only_one   boolean     NOT NULL DEFAULT true UNIQUE CHECK (only_one),
    created_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO database_identity DEFAULT VALUES;
