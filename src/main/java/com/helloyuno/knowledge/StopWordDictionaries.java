package com.helloyuno.knowledge;

import java.util.List;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Checks at start-up that every dictionary of {@code yuno.knowledge.retrieval.stop-word-dictionaries}
 * exists in the database. The search statement casts the list to {@code regdictionary[]}, so a
 * misspelt name would fail every search with words, visitor after visitor; here it stops the start
 * with the names PostgreSQL does not know.
 *
 * <p>It runs once every bean is made and before the web server starts ({@link
 * SmartInitializingSingleton}), so that no visitor is ever served by an instance that then refuses
 * to start; the migrations that create the {@code yuno_*_stop} dictionaries (V12) have run by then,
 * since the {@link JdbcClient} it is given waits for Flyway.
 */
@Component
class StopWordDictionaries implements SmartInitializingSingleton {

    private final JdbcClient jdbc;
    private final KnowledgeSettings.Retrieval settings;

    StopWordDictionaries(JdbcClient jdbc, KnowledgeSettings settings) {
        this.jdbc = jdbc;
        this.settings = settings.retrieval();
    }

    @Override
    public void afterSingletonsInstantiated() {
        check(settings.stopWordDictionaries());
    }

    /** Throws, naming them, if any of these dictionaries is not in the database. */
    void check(List<String> names) {
        // As the cast resolves them: a dictionary of that name on the search path. One statement
        // for the whole list, the unknown names in the configured order.
        var missing = jdbc.sql("""
                        SELECT n.name FROM unnest(?::text[]) WITH ORDINALITY n(name, place)
                        WHERE NOT EXISTS (SELECT FROM pg_ts_dict d
                                          WHERE d.dictname = n.name AND pg_ts_dict_is_visible(d.oid))
                        ORDER BY n.place""")
                .param(names.toArray(String[]::new))
                .query(String.class)
                .list();
        if (!missing.isEmpty()) {
            throw new IllegalStateException("yuno.knowledge.retrieval.stop-word-dictionaries names text search"
                    + " dictionaries the database does not have: " + missing
                    + " (\\dFd in psql lists those it has)");
        }
    }
}
