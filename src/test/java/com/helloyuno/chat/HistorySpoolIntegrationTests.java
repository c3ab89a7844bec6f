package com.helloyuno.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.helloyuno.site.SiteApi;
import com.helloyuno.spool.Spool;
import com.helloyuno.testsupport.Http;
import com.helloyuno.testsupport.TcpProxy;
import com.helloyuno.testsupport.TestServices;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Chat history survives a PostgreSQL outage: writes wait in the spool and are written, in order,
 * when PostgreSQL answers again. The application reaches PostgreSQL through a proxy the test cuts.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "yuno.web.admin-api-key=" + SiteApi.OPERATOR_KEY,
            "yuno.spool.retry-interval=200ms",
            "spring.datasource.hikari.connection-timeout=500",
            "spring.datasource.hikari.validation-timeout=250"
        })
class HistorySpoolIntegrationTests {

    static final TcpProxy postgres = TestServices.postgresProxy();

    @TempDir
    static Path spool;

    @LocalServerPort
    int port;

    @Autowired
    Spool writes;

    @Autowired
    ChatHistory history;

    @DynamicPropertySource
    static void throughTheProxy(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> TestServices.databaseUrlThrough(postgres));
        registry.add("yuno.spool.directory", () -> spool.toString());
    }

    @AfterAll
    static void closeProxy() {
        postgres.close();
    }

    @Test
    void historyWrittenDuringAnOutageAppearsAfterIt() {
        var site = new SiteApi(new Http(port), SiteApi.OPERATOR_KEY).create("example.com");
        writes.register("test-history", ChatHistory.Message.class, m -> history.insert(List.of(m)));

        postgres.cut();
        var session = "outage-" + UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < 3; i++) {
            writes.submit("test-history", message(site.siteId(), session, "message " + i));
        }
        assertThat(writes.waiting()).isEqualTo(3);
        assertThat(spool.toFile().list()).hasSize(3);

        postgres.restore();
        await().atMost(Duration.ofSeconds(20)).until(() -> writes.waiting() == 0);
        assertThat(history.conversation(site.siteId(), session))
                .extracting(ChatHistory.Message::content)
                .containsExactly("message 0", "message 1", "message 2");
        assertThat(spool.toFile().list()).isEmpty();
    }

    @Test
    void aReplayedWriteIsHarmless() {
        var site = new SiteApi(new Http(port), SiteApi.OPERATOR_KEY).create("example.com");
        var message = message(site.siteId(), "replay", "once");
        history.insert(List.of(message));
        history.insert(List.of(message));
        assertThat(history.conversation(site.siteId(), "replay")).hasSize(1);
    }

    @Test
    void manyTurnsGoInOneStatementWithEveryFieldKeptAndRowsOfGoneSitesLeftOut() {
        var api = new SiteApi(new Http(port), SiteApi.OPERATOR_KEY);
        var site = api.create("example.com");
        var gone = api.create("gone.example");
        assertThat(new Http(port)
                        .method(
                                "DELETE",
                                "/api/sites/" + gone.siteId(),
                                "",
                                "Authorization",
                                "Bearer " + SiteApi.OPERATOR_KEY)
                        .status())
                .isEqualTo(204);
        var at = Instant.parse("2026-12-02T10:15:30.123456Z");
        var full = new ChatHistory.Message(
                UUID.randomUUID(),
                site.siteId(),
                "batch",
                "user-1",
                "https://example.com/p?q=1",
                "assistant",
                "It's \"quoted\", {braced}, back\\slash, NULL, and ünïcode",
                at,
                "{\"intent\": \"pricing\"}",
                "de",
                0.75,
                "pricing",
                42,
                "positive",
                true,
                "abcdef0123456789");
        var rows = new java.util.ArrayList<ChatHistory.Message>();
        rows.add(full);
        for (int i = 0; i < 150; i++) {
            rows.add(message(site.siteId(), "batch", "row " + i));
        }
        rows.add(message(gone.siteId(), "batch", "of a deleted site"));

        history.insert(rows);

        var stored = history.conversation(site.siteId(), "batch");
        assertThat(stored).hasSize(151);
        assertThat(stored)
                .filteredOn(m -> m.id().equals(full.id()))
                .singleElement()
                .satisfies(m -> {
                    assertThat(m)
                            .usingRecursiveComparison()
                            .ignoringFields("rawJsonOutput")
                            .isEqualTo(full);
                    assertThat(m.rawJsonOutput()).contains("\"intent\"", "\"pricing\"");
                });
        assertThat(history.conversation(gone.siteId(), "batch")).isEmpty();
    }

    private static ChatHistory.Message message(String siteId, String session, String content) {
        return new ChatHistory.Message(
                UUID.randomUUID(),
                siteId,
                session,
                null,
                null,
                "user",
                content,
                Instant.now(),
                null,
                null,
                null,
                null,
                null,
                null,
                false,
                null);
    }
}
