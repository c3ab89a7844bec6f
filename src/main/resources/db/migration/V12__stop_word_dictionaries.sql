-- Stop-word dictionaries for the question's words (knowledge/Chunks, TELLING_WORDS): a word that
-- any configured dictionary calls a stop word never picks a passage, whatever the site's language.
-- The check asks each dictionary for its lexemes of every word of the question. A snowball
-- dictionary (english_stem, the default until now) looks the word up in its stop-word file first
-- and stems it when it is not there, which is most words, seven languages over: that stemming is
-- what the check paid for (pgbench, a 14-word question: 0.071 ms against 0.044 ms with these).
-- A simple dictionary on the same stop-word file answers the same empty array for a stop word and
-- nothing (NULL, ACCEPT = false) for any other word, without stemming it: the same answer to
-- "= '{}'" for every word, for less. The files are PostgreSQL's own (share/tsearch_data/*.stop).
CREATE TEXT SEARCH DICTIONARY yuno_english_stop (TEMPLATE = pg_catalog.simple, STOPWORDS = english, ACCEPT = false);
CREATE TEXT SEARCH DICTIONARY yuno_german_stop (TEMPLATE = pg_catalog.simple, STOPWORDS = german, ACCEPT = false);
CREATE TEXT SEARCH DICTIONARY yuno_french_stop (TEMPLATE = pg_catalog.simple, STOPWORDS = french, ACCEPT = false);
CREATE TEXT SEARCH DICTIONARY yuno_spanish_stop (TEMPLATE = pg_catalog.simple, STOPWORDS = spanish, ACCEPT = false);
CREATE TEXT SEARCH DICTIONARY yuno_italian_stop (TEMPLATE = pg_catalog.simple, STOPWORDS = italian, ACCEPT = false);
CREATE TEXT SEARCH DICTIONARY yuno_portuguese_stop (TEMPLATE = pg_catalog.simple, STOPWORDS = portuguese, ACCEPT = false);
CREATE TEXT SEARCH DICTIONARY yuno_dutch_stop (TEMPLATE = pg_catalog.simple, STOPWORDS = dutch, ACCEPT = false);
