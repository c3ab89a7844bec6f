-- The words too common to pick out a passage, kept where the search statement looks them up.
-- Before, the service sent them with every search as two text arrays: the words common across all
-- sites (about 1,000 at 1,000,000 chunks) and a large site's own (up to 1,000). PostgreSQL received
-- and compared them on every search, about 0.2 ms of its CPU and 0.09 ms of the service's, of
-- 3.4 ms per search in the knowledge benchmark; a question has about 8 words, each now one index
-- look-up. Both tables are derived data (knowledge/CommonWords and knowledge/SiteWords write them
-- again from the chunks), so they start empty and fill on the first searches.
CREATE TABLE common_words (
    lexeme text PRIMARY KEY
);

CREATE TABLE site_common_words (
    site_id varchar(16) NOT NULL REFERENCES sites (site_id) ON DELETE CASCADE,
    lexeme  text        NOT NULL,
    PRIMARY KEY (site_id, lexeme)
);
