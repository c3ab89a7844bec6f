package com.helloyuno.knowledge;

import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Checks at start-up that every dictionary of {@code yuno.knowledge.retrieval.stop-word-dictionaries}
 * exists in the database. The search statement casts the list to {@code regdictionary[]}, so a
 * misspelt name would fail every search with words, visitor after visitor; here it stops the start
 * with the names PostgreSQL does not know.
 */
@Component
class StopWordDictionaries implements ApplicationRunner {

    private final JdbcClient jdbc;
    private final KnowledgeSettings.Retrieval settings;

    StopWordDictionaries(JdbcClient jdbc, KnowledgeSettings settings) {
        this.jdbc = jdbc;
        this.settings = settings.retrieval();
    }

    @Override
    public void run(ApplicationArguments args) {
        check(settings.stopWordDictionaries());
    }

    /** Throws, naming them, if any of these dictionaries is not in the database. */
    void check(List<String> names) {
        var missing = new ArrayList<String>();
        for (var name : names) {
            // As the cast resolves it: a dictionary of that name on the search path.
            var found = jdbc.sql("SELECT EXISTS (SELECT FROM pg_ts_dict d WHERE d.dictname = ?"
                            + " AND pg_ts_dict_is_visible(d.oid))")
                    .param(name)
                    .query(Boolean.class)
                    .single();
            if (!found) {
                missing.add(name);
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("yuno.knowledge.retrieval.stop-word-dictionaries names text search"
                    + " dictionaries the database does not have: " + missing
                    + " (\\dFd in psql lists those it has)");
        }
    }
}
