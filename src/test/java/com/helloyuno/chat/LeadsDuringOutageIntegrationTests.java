package com.helloyuno.chat;

import static com.helloyuno.testsupport.Sleep.sleep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.helloyuno.site.SiteApi;
import com.helloyuno.testsupport.Http;
import com.helloyuno.testsupport.TcpProxy;
import com.helloyuno.testsupport.TestServices;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * PostgreSQL stops for 20 s while visitors of two sites, in real browsers (every request carries
 * the page's {@code Origin}), send 20 form leads and 10 chat turns with e-mail addresses. One site
 * was in this instance's cache, the other had just been changed, so its entry was gone: both keep
 * serving. Every visitor sees a 2xx, and once PostgreSQL is back all 30 leads are stored, each
 * session's in the order sent.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "yuno.web.admin-api-key=" + SiteApi.OPERATOR_KEY,
            "yuno.llm.openai-api-key=",
            "yuno.spool.retry-interval=300ms",
            "yuno.sites.cache-ttl=1s",
            "spring.datasource.hikari.connection-timeout=500",
            "spring.datasource.hikari.validation-timeout=250"
        })
class LeadsDuringOutageIntegrationTests {

    static final TcpProxy postgres = TestServices.postgresProxy();
    static final Duration OUTAGE = Duration.ofSeconds(20);

    @TempDir
    static Path spool;

    @LocalServerPort
    int port;

    @Autowired
    StringRedisTemplate redis;

    @DynamicPropertySource
    static void throughTheProxy(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> TestServices.databaseUrlThrough(postgres));
        registry.add("yuno.spool.directory", () -> spool.toString());
    }

    @AfterAll
    static void closeProxy() {
        postgres.close();
    }

    record Visited(String siteId, String domain, String token) {
        String origin() {
            return "https://" + domain;
        }
    }

    @Test
    void formAndChatLeadsSentDuringAnOutageAreAllStoredInOrderAfterIt() throws Exception {
        var http = new Http(port);
        var direct = JdbcClient.create(new DriverManagerDataSource(
                TestServices.databaseUrl(), TestServices.databaseUsername(), TestServices.databasePassword()));
        var fixtures = new ChatFixtures(http, direct);
        var api = new SiteApi(http, SiteApi.OPERATOR_KEY);
        var cached = visited(fixtures, api, "cached.outage.example");
        var changed = visited(fixtures, api, "changed.outage.example");
        // A change evicts the site from this instance's cache: during the outage it is served from
        // the snapshot the change left in Redis.
        assertThat(api.patch(changed.siteId(), Map.of("custom_config", Map.of("bot_name", "Ada")))
                        .status())
                .isEqualTo(200);
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            var snapshot = redis.opsForHash().get("yuno:site-snapshot:" + changed.siteId(), "site");
            return snapshot != null && snapshot.toString().contains("Ada");
        });

        postgres.cut();
        var cutAt = System.nanoTime();
        var statuses = new ArrayList<Integer>();
        for (var site : List.of(cached, changed)) {
            for (int k = 0; k < 5; k++) {
                var session = "form-" + k;
                statuses.add(formLead(http, site, session, "first-" + k + "@example.com", "first")
                        .status());
                statuses.add(formLead(http, site, session, "second-" + k + "@example.com", "second")
                        .status());
            }
            for (int k = 0; k < 5; k++) {
                var session = "chat-" + k;
                var response = fixtures.ask(
                        site.token(),
                        Map.of(
                                "session_id",
                                session,
                                "messages",
                                List.of(ChatFixtures.message("user", "Mail me at chat-" + k + "@example.com"))),
                        "Origin",
                        site.origin());
                assertThat(response.status()).as(response.body()).isEqualTo(200);
                assertThat(response.header("Access-Control-Allow-Origin")).isEqualTo(site.origin());
                statuses.add(response.status());
            }
        }
        assertThat(statuses).hasSize(30).allSatisfy(status -> assertThat(status).isBetween(200, 299));

        var waiting = http.get("/actuator/health", "Authorization", "Bearer " + SiteApi.OPERATOR_KEY);
        assertThat(waiting.json()
                        .path("components")
                        .path("spool")
                        .path("details")
                        .path("waiting")
                        .asInt())
                .as(waiting.body())
                .isGreaterThanOrEqualTo(30);
        assertThat(count(direct, "leads", cached.siteId()) + count(direct, "leads", changed.siteId()))
                .isZero();

        var elapsed = Duration.ofNanos(System.nanoTime() - cutAt);
        if (elapsed.compareTo(OUTAGE) < 0) {
            sleep(OUTAGE.minus(elapsed));
        }
        postgres.restore();

        for (var site : List.of(cached, changed)) {
            await().atMost(Duration.ofSeconds(20)).until(() -> count(direct, "leads", site.siteId()) == 10);
            var leads = leads(direct, site.siteId());
            for (int k = 0; k < 5; k++) {
                // The second form of a session came after the first: its details won.
                assertThat(leads.get("form-" + k))
                        .containsEntry("email", "second-" + k + "@example.com")
                        .containsEntry("message", "second")
                        .containsEntry("source", "form");
                assertThat(leads.get("chat-" + k))
                        .containsEntry("email", "chat-" + k + "@example.com")
                        .containsEntry("source", "chat");
            }
            assertThat(count(direct, "chat_history", site.siteId())).isEqualTo(10);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> files(spool).isEmpty());
        assertThat(files(spool.resolve("quarantine"))).isEmpty();
    }

    private static Visited visited(ChatFixtures fixtures, SiteApi api, String domain) {
        var created = api.create(Map.of("domain", domain, "plan_type", "enterprise"));
        return new Visited(created.siteId(), domain, fixtures.token(created.siteId(), domain));
    }

    private static Http.Response formLead(Http http, Visited site, String session, String email, String message) {
        var response = http.post(
                "/widget/leads",
                Http.json(Map.of("session_id", session, "email", email, "message", message)),
                "Authorization",
                "Bearer " + site.token(),
                "Content-Type",
                "application/json",
                "Origin",
                site.origin());
        assertThat(response.status()).as(response.body()).isEqualTo(202);
        assertThat(response.json().path("lead_id").asString()).isNotBlank();
        assertThat(response.header("Access-Control-Allow-Origin")).isEqualTo(site.origin());
        return response;
    }

    private static Map<String, Map<String, Object>> leads(JdbcClient jdbc, String siteId) {
        var bySession = new LinkedHashMap<String, Map<String, Object>>();
        jdbc.sql("SELECT session_id, email, message, source FROM leads WHERE site_id = ?")
                .param(siteId)
                .query()
                .listOfRows()
                .forEach(row -> bySession.put((String) row.get("session_id"), row));
        return bySession;
    }

    private static long count(JdbcClient jdbc, String table, String siteId) {
        return jdbc.sql("SELECT count(*) FROM " + table + " WHERE site_id = ?")
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
