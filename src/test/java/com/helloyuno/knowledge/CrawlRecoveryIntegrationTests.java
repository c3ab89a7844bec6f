package com.helloyuno.knowledge;

import static org.assertj.core.api.Assertions.assertThat;

import com.helloyuno.YunoApplication;
import com.helloyuno.testsupport.TestServices;
import java.net.URI;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A crawl left running by an instance that died is crawled again by the next instance that starts,
 * unless it has been started {@code max-attempts} times already: then it is failed.
 */
class CrawlRecoveryIntegrationTests {

    @Test
    void aJobLeftRunningByADeadInstanceIsResumedAtStartUpUnlessItWasStartedTooOften() throws Exception {
        var resumed = UUID.randomUUID();
        var exhausted = UUID.randomUUID();
        String site;
        var args = new ArrayList<String>();
        // A database of its own: in the shared one, any other test context still running in this JVM
        // would find these jobs stale too, claim them first and fail them (it may not fetch loopback).
        TestServices.properties()
                .forEach((k, v) -> args.add("--" + k + "=" + (k.equals("DATABASE_URL") ? ownDatabase() : v)));
        // Only the start-up poll may see the jobs: the next one is an hour away.
        args.add("--yuno.knowledge.crawler.poll-interval=1h");
        args.add("--yuno.knowledge.crawler.max-attempts=3");
        // The site to crawl is this test's own, on loopback.
        args.add("--yuno.knowledge.crawler.allow-private-addresses=true");
        args.add("--yuno.knowledge.crawler.per-host-delay=0s");
        args.add("--yuno.llm.openai-api-key=");
        args.add("--server.port=0");

        try (var web = new TestWebSite()) {
            web.text("/robots.txt", "text/plain", "User-agent: *\nAllow: /\n")
                    .page(
                            "/",
                            "<html><head><title>Home</title></head><body><p>Garden tools since 1990.</p></body></html>");

            // A first start migrates the database; the dead instance's jobs are then left behind.
            try (var context = new SpringApplicationBuilder(YunoApplication.class).run(args.toArray(String[]::new))) {
                var jdbc = context.getBean(JdbcClient.class);
                site = KnowledgeIntegrationTest.newSite(jdbc, "example.com");
                var silent = Duration.ofMinutes(10);
                KnowledgeIntegrationTest.runningJob(jdbc, resumed, site, web.url("/"), "crashed-host:1/x", silent, 1);
                KnowledgeIntegrationTest.runningJob(jdbc, exhausted, site, web.url("/"), "crashed-host:1/x", silent, 3);
            }

            try (var context = new SpringApplicationBuilder(YunoApplication.class).run(args.toArray(String[]::new))) {
                var jdbc = context.getBean(JdbcClient.class);
                var deadline = System.nanoTime() + 20_000_000_000L;
                while (!status(jdbc, resumed).equals("done") && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }

                assertThat(status(jdbc, resumed)).isEqualTo("done");
                assertThat(jdbc.sql("SELECT attempts FROM crawl_jobs WHERE id = ?")
                                .param(resumed)
                                .query(Integer.class)
                                .single())
                        .isEqualTo(2);
                assertThat(jdbc.sql("SELECT count(*) FROM documents WHERE site_id = ? AND url = ?")
                                .params(site, web.url("/"))
                                .query(Integer.class)
                                .single())
                        .isEqualTo(1);

                assertThat(status(jdbc, exhausted)).isEqualTo("failed");
                assertThat(jdbc.sql("SELECT errors::text FROM crawl_jobs WHERE id = ?")
                                .param(exhausted)
                                .query(String.class)
                                .single())
                        .contains("stopped before it finished, 3 times");
            }
        }
    }

    /** A fresh, empty database on the tests' PostgreSQL server, for this test alone. */
    private static String ownDatabase() {
        var url = TestServices.databaseUrl();
        var path = URI.create(url.substring("jdbc:".length())).getPath();
        var name = path.substring(1) + "_crawl_recovery";
        var server = url.replace(path, "/postgres");
        try (var connection = DriverManager.getConnection(
                        server, TestServices.databaseUsername(), TestServices.databasePassword());
                var statement = connection.createStatement()) {
            com.helloyuno.testsupport.DatabaseDrops.drop(
                    () -> statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"));
            statement.execute("CREATE DATABASE " + name);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot create the test's own database " + name, e);
        }
        return url.replace(path, "/" + name);
    }

    private static String status(JdbcClient jdbc, UUID job) {
        return jdbc.sql("SELECT status FROM crawl_jobs WHERE id = ?")
                .param(job)
                .query(String.class)
                .single();
    }
}
