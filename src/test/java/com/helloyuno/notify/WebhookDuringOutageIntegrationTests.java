package com.helloyuno.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.helloyuno.site.SiteApi;
import com.helloyuno.testsupport.Http;
import com.helloyuno.testsupport.TcpProxy;
import com.helloyuno.testsupport.TestServices;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.json.JsonMapper;

/**
 * PostgreSQL stops while a visitor leaves a form lead and a chat lead: both wait in the spool, and
 * when PostgreSQL is back the spool writes them with their outbox rows, and the webhooks go out,
 * once each.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "yuno.web.admin-api-key=" + SiteApi.OPERATOR_KEY,
            "yuno.llm.openai-api-key=",
            "yuno.spool.retry-interval=300ms",
            "yuno.notify.webhooks.allow-http=true",
            "yuno.notify.webhooks.allow-private-addresses=true",
            "yuno.notify.delivery.poll-interval=200ms",
            "yuno.notify.delivery.initial-backoff=200ms",
            "spring.datasource.hikari.connection-timeout=500",
            "spring.datasource.hikari.validation-timeout=250"
        })
class WebhookDuringOutageIntegrationTests {

    static final TcpProxy postgres = TestServices.postgresProxy();
    static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    static Path spool;

    @LocalServerPort
    int port;

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
    void leadsThatArriveWhilePostgresIsAwayAreSentWhenItIsBack() throws Exception {
        try (var receiver = new Receiver()) {
            var http = new Http(port);
            var domain = "outage-" + UUID.randomUUID().toString().substring(0, 8) + ".example.com";
            var created = new SiteApi(http, SiteApi.OPERATOR_KEY)
                    .create(Map.of(
                            "domain",
                            domain,
                            "plan_type",
                            "enterprise",
                            "custom_config",
                            Map.of("lead_webhook_url", receiver.url("/hook"))));
            var authenticated = http.post(
                    "/widget/authenticate",
                    Http.json(Map.of(
                            "site_id", created.siteId(), "domain", domain, "nonce", "nonce-" + UUID.randomUUID())),
                    "Content-Type",
                    "application/json");
            assertThat(authenticated.status()).as(authenticated.body()).isEqualTo(200);
            var token = authenticated.json().path("token").asString();

            postgres.cut();
            try {
                var form = http.post(
                        "/widget/leads",
                        Http.json(Map.of("session_id", "form-1", "email", "form@example.com", "message", "Hi")),
                        "Authorization",
                        "Bearer " + token,
                        "Content-Type",
                        "application/json");
                assertThat(form.status()).as(form.body()).isEqualTo(202);
                var chat = http.post(
                        "/ask",
                        Http.json(Map.of(
                                "session_id",
                                "chat-1",
                                "messages",
                                List.of(Map.of("role", "user", "content", "Write to chat@example.com")))),
                        "Authorization",
                        "Bearer " + token,
                        "Content-Type",
                        "application/json");
                assertThat(chat.status()).as(chat.body()).isEqualTo(200);
                Thread.sleep(2_000);
                assertThat(receiver.received()).isEmpty();
            } finally {
                postgres.restore();
            }

            await().atMost(Duration.ofSeconds(30))
                    .until(() -> receiver.received().size() >= 2);
            Thread.sleep(1_500);
            var events = receiver.received().stream()
                    .map(r -> JSON.readTree(r.body()))
                    .toList();
            assertThat(events).hasSize(2);
            assertThat(events)
                    .extracting(e -> e.path("data").path("lead").path("email").asString())
                    .containsExactlyInAnyOrder("form@example.com", "chat@example.com");
            assertThat(events)
                    .allSatisfy(e -> assertThat(e.path("type").asString()).isEqualTo("lead.created"));
        }
    }
}
