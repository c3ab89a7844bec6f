-- Widget authentication: identity verification per site, and a lookup of sites by any of their
-- domains for CORS preflights (which carry an Origin but no site id).
ALTER TABLE sites
    ADD COLUMN identity_required boolean NOT NULL DEFAULT false,
    -- The per-site secret that the site's own server signs visitors with. It must be readable to
    -- verify an HMAC, so it is stored as given; it is never returned after it is made.
    ADD COLUMN identity_secret varchar(128);

CREATE INDEX sites_additional_domains_idx ON sites USING gin (additional_domains);
