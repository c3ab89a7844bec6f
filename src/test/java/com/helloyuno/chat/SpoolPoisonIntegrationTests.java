package com.helloyuno.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.helloyuno.lead.ChatLead;
import com.helloyuno.lead.LeadService;
import com.helloyuno.site.SiteApi;
import com.helloyuno.spool.Spool;
import com.helloyuno.testsupport.Http;
import com.helloyuno.testsupport.TestServices;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Writes PostgreSQL refuses for their data (a NUL byte in a message, a lead over a column's
 * limit) are quarantined and counted, and the writes of every other site go on: the spool only
 * waits for outages. Before, one such write stopped chat history for every site, for ever.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "yuno.web.admin-api-key=" + SiteApi.OPERATOR_KEY,
            "yuno.llm.openai-api-key=",
            "yuno.spool.retry-interval=300ms"
        })
class SpoolPoisonIntegrationTests {

    @TempDir
    static Path spool;

    @LocalServerPort
    int port;

    @Autowired
    Spool writes;

    @Autowired
    LeadService leads;

    @DynamicPropertySource
    static void ownSpool(DynamicPropertyRegistry registry) {
        registry.add("yuno.spool.directory", () -> spool.toString());
    }

    @Test
    void poisonedWritesAreQuarantinedAndEveryOtherSiteKeepsSaving() throws Exception {
        var http = new Http(port);
        var direct = JdbcClient.create(new DriverManagerDataSource(
                TestServices.databaseUrl(), TestServices.databaseUsername(), TestServices.databasePassword()));
        var fixtures = new ChatFixtures(http, direct);
        var victim = fixtures.site("poison.example");

        // A visitor's NUL never gets this far: the JSON boundary refuses it, naming the field.
        var refused = fixtures.ask(victim.token(), "a\u0000b", "nul-session");
        assertThat(refused.status()).as(refused.body()).isEqualTo(400);
        assertThat(refused.body()).contains("messages[0].content");

        // Whatever else could carry bad data to PostgreSQL (a model's answer, a bug) meets the spool:
        // a history turn with a NUL byte, and a chat lead whose phone is longer than its column.
        var now = Instant.now();
        assertThat(writes.submit(
                        AfterAnswer.HISTORY,
                        new AfterAnswer.HistoryTurn(
                                message(victim.siteId(), "user", "a\u0000b", now),
                                message(victim.siteId(), "assistant", "fine", now.plusMillis(1)))))
                .isEqualTo(Spool.Outcome.QUARANTINED);
        assertThat(leads.submitFromChat(
                        victim.siteId(), "poison-lead", new ChatLead(null, null, "+1" + "5".repeat(40), null), null))
                .isEqualTo(Spool.Outcome.QUARANTINED);

        var others = new ArrayList<ChatFixtures.Site>();
        for (int s = 0; s < 10; s++) {
            var created = new SiteApi(http, SiteApi.OPERATOR_KEY)
                    .create(Map.of("domain", "other-" + s + ".poison.example", "plan_type", "enterprise"));
            others.add(new ChatFixtures.Site(
                    created.siteId(),
                    created.ownerKey(),
                    fixtures.token(created.siteId(), "other-" + s + ".poison.example")));
        }
        for (int turn = 0; turn < 10; turn++) {
            for (var site : others) {
                var response = fixtures.ask(site.token(), "What are your opening hours?", "session-" + turn);
                assertThat(response.status()).as(response.body()).isEqualTo(200);
            }
        }

        await().atMost(Duration.ofSeconds(15))
                .until(() -> others.stream()
                                .mapToLong(site -> count(direct, site.siteId()))
                                .sum()
                        == 200);
        assertThat(writes.waiting()).isZero();
        assertThat(files(spool)).isEmpty();
        assertThat(files(spool.resolve("quarantine"))).hasSize(2);
        assertThat(count(direct, victim.siteId())).isZero();

        var operator = new String[] {"Authorization", "Bearer " + SiteApi.OPERATOR_KEY};
        var metrics = http.get("/actuator/prometheus", operator);
        assertThat(metrics.body()).containsPattern("yuno_spool_quarantined_total\\{[^}]*} 2\\.0");
        var health = http.get("/actuator/health", operator);
        assertThat(health.status()).isEqualTo(200);
        var component = health.json().path("components").path("spool");
        assertThat(component.path("status").asString()).isEqualTo("UP");
        assertThat(component.path("details").path("quarantined").asInt()).isEqualTo(2);
        assertThat(component.path("details").path("waiting").asInt()).isZero();

        // Without the operator key the numbers stay private; the component's status does not.
        var anonymous = http.get("/actuator/health");
        assertThat(anonymous
                        .json()
                        .path("components")
                        .path("spool")
                        .path("status")
                        .asString())
                .isEqualTo("UP");
        assertThat(anonymous.json().path("components").path("spool").has("details"))
                .isFalse();
    }

    private static ChatHistory.Message message(String siteId, String role, String content, Instant at) {
        return new ChatHistory.Message(
                UUID.randomUUID(),
                siteId,
                "poison-session",
                null,
                null,
                role,
                content,
                at,
                null,
                null,
                null,
                null,
                null,
                null,
                false,
                null);
    }

    private static long count(JdbcClient jdbc, String siteId) {
        return jdbc.sql("SELECT count(*) FROM chat_history WHERE site_id = ?")
                .param(siteId)
                .query(Long.class)
                .single();
    }

    private static List<Path> files(Path dir) throws java.io.IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".json")).toList();
        }
    }
}
