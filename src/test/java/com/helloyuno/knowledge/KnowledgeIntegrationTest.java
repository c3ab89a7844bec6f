package com.helloyuno.knowledge;

import com.helloyuno.testsupport.FakeOpenAi;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The Spring context of the knowledge base's integration tests: the whole application on a random
 * port, real PostgreSQL, and embeddings from the loopback {@link FakeOpenAi}. Subclasses
 * that add no configuration share one cached context.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "yuno.web.admin-api-key=" + KnowledgeIntegrationTest.OPERATOR_KEY,
            "yuno.llm.embeddings.initial-backoff=10ms",
            "yuno.llm.embeddings.max-backoff=50ms",
            "yuno.llm.embeddings.max-attempts=2",
            // Several cached contexts share one PostgreSQL with other test runs.
            "spring.datasource.hikari.maximum-pool-size=5"
        })
abstract class KnowledgeIntegrationTest {

    static final String OPERATOR_KEY = "operator-key-for-knowledge-tests";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    @DynamicPropertySource
    static void fakeOpenAi(DynamicPropertyRegistry registry) {
        registry.add("yuno.llm.openai-api-key", () -> "sk-test");
        registry.add("yuno.llm.base-url", () -> FakeOpenAi.shared().baseUrl());
    }

    /** A site row, as the sites feature would create it (its API is written elsewhere). */
    static String newSite(JdbcClient jdbc, String domain) {
        var id = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            id.append(ALPHANUMERIC.charAt(RANDOM.nextInt(ALPHANUMERIC.length())));
        }
        jdbc.sql("INSERT INTO sites (site_id, domain) VALUES (?, ?)")
                .params(id.toString(), domain)
                .update();
        return id.toString();
    }

    /**
     * Runs {@code body} with {@code words} as the words common across all sites, written where
     * {@link CommonWords} writes them, and puts back the words that were there. It holds the
     * advisory lock that every refresh takes (on a connection of its own, for the whole body), so
     * a refresh that a search of this or another cached context started cannot rewrite the table
     * meanwhile. The body must not refresh the words itself: it would wait for the lock forever.
     */
    static <T> T withCommonWords(JdbcClient jdbc, DataSource dataSource, List<String> words, Supplier<T> body) {
        try (var lock = dataSource.getConnection()) {
            advisory(lock, "SELECT pg_advisory_lock(?, 0)");
            try {
                var before = commonWordsInTable(jdbc);
                setCommonWords(jdbc, words);
                try {
                    return body.get();
                } finally {
                    setCommonWords(jdbc, before);
                }
            } finally {
                advisory(lock, "SELECT pg_advisory_unlock(?, 0)");
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void advisory(Connection connection, String sql) throws SQLException {
        try (var statement = connection.prepareStatement(sql)) {
            statement.setInt(1, Chunks.COMMON_WORDS_LOCK);
            statement.execute();
        }
    }

    /** The words common across all sites, as the table holds them now. */
    static List<String> commonWordsInTable(JdbcClient jdbc) {
        return jdbc.sql("SELECT lexeme FROM common_words").query(String.class).list();
    }

    /** Replaces the words common across all sites (without the lock: see {@link #withCommonWords}). */
    static void setCommonWords(JdbcClient jdbc, List<String> words) {
        jdbc.sql("DELETE FROM common_words").update();
        jdbc.sql("INSERT INTO common_words (lexeme) SELECT unnest(?::text[])")
                .param(words.toArray(String[]::new))
                .update();
    }

    /** A site's own common words, written where {@link SiteWords} counts them. */
    static void siteCommonWords(JdbcClient jdbc, String siteId, List<String> words) {
        jdbc.sql("DELETE FROM site_common_words WHERE site_id = ?")
                .param(siteId)
                .update();
        jdbc.sql("INSERT INTO site_common_words (site_id, lexeme) SELECT ?, unnest(?::text[])")
                .params(siteId, words.toArray(String[]::new))
                .update();
    }

    /**
     * A crawl job left {@code running} by an instance {@code owner} whose last heartbeat was {@code
     * silentFor} ago, started {@code attempts} times, on the loopback hosts of a {@link TestWebSite}.
     */
    static void runningJob(
            JdbcClient jdbc, UUID id, String siteId, String url, String owner, Duration silentFor, int attempts) {
        jdbc.sql("""
                        INSERT INTO crawl_jobs (id, site_id, url, max_pages, status, owner, heartbeat_at,
                                                started_at, attempts, allowed_hosts)
                        VALUES (?, ?, ?, 10, 'running', ?, now() - make_interval(secs => ?),
                                now() - make_interval(secs => ?), ?, '{127.0.0.1}')""")
                .params(id, siteId, url, owner, silentFor.toSeconds(), silentFor.toSeconds(), attempts)
                .update();
    }
}
