package com.helloyuno.knowledge;

import com.helloyuno.testsupport.FakeOpenAi;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.UUID;
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
