package com.helloyuno.notify;

import static com.helloyuno.testsupport.Sleep.sleep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.helloyuno.site.SiteApi;
import com.helloyuno.testsupport.Http;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Leads left through the widget reach a real HTTP receiver on loopback (allowed here by the
 * operator settings for local tests), signed with the site's secret; failures are retried as the
 * README says, and the owner API shows every attempt. Back-off is shortened to milliseconds.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "yuno.web.admin-api-key=" + SiteApi.OPERATOR_KEY,
            "yuno.llm.openai-api-key=",
            "yuno.notify.webhooks.allow-http=true",
            "yuno.notify.webhooks.allow-private-addresses=true",
            "yuno.notify.delivery.poll-interval=100ms",
            "yuno.notify.delivery.initial-backoff=200ms",
            "yuno.notify.delivery.max-backoff=5s",
            "yuno.notify.delivery.jitter=0",
            "yuno.notify.public-base-url=https://yuno.example.com/"
        })
class WebhookIntegrationTests {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static Receiver receiver;

    @LocalServerPort
    int port;

    @org.springframework.beans.factory.annotation.Autowired
    org.springframework.jdbc.core.simple.JdbcClient jdbc;

    @BeforeAll
    static void startReceiver() throws Exception {
        receiver = new Receiver();
    }

    @AfterAll
    static void stopReceiver() {
        receiver.close();
    }

    record Hooked(String siteId, String ownerKey, String secret, String domain, String path) {}

    private Http http() {
        return new Http(port);
    }

    /** A site whose webhook goes to its own path of the receiver; its secret is shown at creation. */
    private Hooked hooked() {
        var path = "/hook-" + UUID.randomUUID();
        var domain = "hooks-" + UUID.randomUUID().toString().substring(0, 8) + ".example.com";
        var response = http().post(
                        "/api/sites",
                        Http.json(Map.of(
                                "domain",
                                domain,
                                "plan_type",
                                "enterprise",
                                "custom_config",
                                Map.of("lead_webhook_url", receiver.url(path)))),
                        "Authorization",
                        "Bearer " + SiteApi.OPERATOR_KEY,
                        "Content-Type",
                        "application/json");
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        var secret = response.json().path("webhook_secret").asString();
        assertThat(secret).startsWith("whsec_");
        return new Hooked(
                response.json().path("site_id").asString(),
                response.json().path("owner_key").asString(),
                secret,
                domain,
                path);
    }

    private String token(Hooked site) {
        var response = http().post(
                        "/widget/authenticate",
                        Http.json(Map.of(
                                "site_id", site.siteId(), "domain", site.domain(), "nonce", "n-" + UUID.randomUUID())),
                        "Content-Type",
                        "application/json");
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json().path("token").asString();
    }

    private void formLead(Hooked site, Map<String, Object> form) {
        var response = http().post(
                        "/widget/leads",
                        Http.json(form),
                        "Authorization",
                        "Bearer " + token(site),
                        "Content-Type",
                        "application/json");
        assertThat(response.status()).as(response.body()).isIn(201, 202);
    }

    private Http.Response owner(Hooked site, String method, String path) {
        return http().method(
                        method, "/api/sites/" + site.siteId() + path, "", "Authorization", "Bearer " + site.ownerKey());
    }

    private List<Receiver.Received> awaitRequests(Hooked site, int count) {
        await().atMost(Duration.ofSeconds(20))
                .until(() -> receiver.receivedAt(site.path()).size() >= count);
        return receiver.receivedAt(site.path());
    }

    private JsonNode onlyDelivery(Hooked site) {
        var list = owner(site, "GET", "/deliveries");
        assertThat(list.status()).as(list.body()).isEqualTo(200);
        assertThat(list.json().path("items").size()).as(list.body()).isEqualTo(1);
        var id = list.json().path("items").get(0).path("delivery_id").asString();
        return owner(site, "GET", "/deliveries/" + id).json();
    }

    @Test
    void aFormLeadReachesTheReceiverSignedSoThatItsCheckPassesAndATamperedOrOldOneFails() {
        var site = hooked();
        formLead(site, Map.of("session_id", "s-form", "name", "Ada", "email", "ada@example.com", "message", "Call me"));

        var request = awaitRequests(site, 1).getFirst();
        var header = request.header("Yuno-Signature");
        var now = Instant.now().getEpochSecond();
        assertThat(Signature.verify(site.secret(), header, request.body(), now, 300))
                .isTrue();
        // The receiver's check refuses what was not sent as it was, or was sent long ago.
        var tampered =
                request.text().replace("ada@example.com", "eve@example.com").getBytes(StandardCharsets.UTF_8);
        assertThat(Signature.verify(site.secret(), header, tampered, now, 300)).isFalse();
        assertThat(Signature.verify(site.secret(), header, request.body(), now + 301, 300))
                .isFalse();
        assertThat(Signature.verify("whsec_another", header, request.body(), now, 300))
                .isFalse();
        var t = Long.parseLong(header.substring(2, header.indexOf(',')));
        assertThat(Signature.verify(
                        site.secret(),
                        "t=" + (t - 600) + header.substring(header.indexOf(',')),
                        request.body(),
                        now,
                        300))
                .as("an old timestamp with the signature of a newer one")
                .isFalse();

        var event = JSON.readTree(request.body());
        assertThat(event.path("type").asString()).isEqualTo("lead.created");
        assertThat(event.path("id").asString()).isEqualTo(request.header("Yuno-Event-Id"));
        assertThat(request.header("Yuno-Event-Type")).isEqualTo("lead.created");
        assertThat(request.header("Content-Type")).startsWith("application/json");
        assertThat(event.path("site_id").asString()).isEqualTo(site.siteId());
        var lead = event.path("data").path("lead");
        assertThat(lead.path("email").asString()).isEqualTo("ada@example.com");
        assertThat(lead.path("name").asString()).isEqualTo("Ada");
        assertThat(lead.path("message").asString()).isEqualTo("Call me");
        assertThat(lead.path("source").asString()).isEqualTo("form");
        assertThat(lead.path("session_id").asString()).isEqualTo("s-form");
        assertThat(event.path("data").path("conversation_url").asString())
                .isEqualTo("https://yuno.example.com/api/sites/" + site.siteId() + "/conversations/s-form");

        var delivery = onlyDelivery(site);
        assertThat(delivery.path("status").asString()).isEqualTo("delivered");
        assertThat(delivery.path("attempts").asInt()).isEqualTo(1);
        assertThat(delivery.path("last_status_code").asInt()).isEqualTo(200);
        assertThat(delivery.path("channel").asString()).isEqualTo("webhook");
        assertThat(delivery.path("history").size()).isEqualTo(1);
    }

    @Test
    void aChatLeadCarriesTheVisitorsMessageAndItsEnrichmentIsALeadUpdated() {
        var site = hooked();
        var token = token(site);
        var first = "Hello, I want a quote, mail me at grace@example.com please";
        var answer = http().post(
                        "/ask",
                        Http.json(Map.of(
                                "session_id", "s-chat", "messages", List.of(Map.of("role", "user", "content", first)))),
                        "Authorization",
                        "Bearer " + token,
                        "Content-Type",
                        "application/json");
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        var created = JSON.readTree(awaitRequests(site, 1).getFirst().body());
        assertThat(created.path("type").asString()).isEqualTo("lead.created");
        assertThat(created.path("data").path("question").asString()).isEqualTo(first);
        assertThat(created.path("data").path("lead").path("email").asString()).isEqualTo("grace@example.com");
        assertThat(created.path("data").path("lead").path("message").asString()).isEqualTo(first);
        assertThat(created.path("data").path("lead").path("source").asString()).isEqualTo("chat");

        var second = "Or call me on +1 415 555 2671";
        answer = http().post(
                        "/ask",
                        Http.json(Map.of(
                                "session_id",
                                "s-chat",
                                "messages",
                                List.of(
                                        Map.of("role", "user", "content", first),
                                        Map.of("role", "assistant", "content", "Sure."),
                                        Map.of("role", "user", "content", second)))),
                        "Authorization",
                        "Bearer " + token,
                        "Content-Type",
                        "application/json");
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        var updated = JSON.readTree(awaitRequests(site, 2).get(1).body());
        assertThat(updated.path("type").asString()).isEqualTo("lead.updated");
        assertThat(updated.path("data").path("lead").path("lead_id").asString())
                .isEqualTo(created.path("data").path("lead").path("lead_id").asString());
        assertThat(updated.path("data").path("lead").path("phone").asString()).isEqualTo("+14155552671");
        assertThat(updated.path("data").path("question").asString()).isEqualTo(second);
        assertThat(updated.path("id").asString())
                .isNotEqualTo(created.path("id").asString());

        // The same turn again adds nothing to the lead: no third event.
        answer = http().post(
                        "/ask",
                        Http.json(Map.of(
                                "session_id",
                                "s-chat",
                                "messages",
                                List.of(Map.of("role", "user", "content", second)))),
                        "Authorization",
                        "Bearer " + token,
                        "Content-Type",
                        "application/json");
        assertThat(answer.status()).isEqualTo(200);
        sleep(Duration.ofSeconds(2));
        assertThat(receiver.receivedAt(site.path())).hasSize(2);

        var leads = owner(site, "GET", "/leads").json().path("items");
        assertThat(leads.get(0).path("message").asString()).isEqualTo(second);
    }

    @Test
    void aDeliveryClaimedByAnInstanceThatDiedIsSentWhenItsLeaseEnds() {
        var site = hooked();
        var eventId = UUID.randomUUID();
        // As a dead instance leaves it: claimed, with a lease that runs out in two seconds.
        jdbc.sql("""
                        INSERT INTO outbox (event_id, channel, site_id, event_type, payload, retry_until,
                                            locked_by, locked_until)
                        VALUES (?, 'webhook', ?, 'webhook.test', CAST(? AS jsonb), now() + interval '1 hour',
                                'dead-instance', now() + interval '2 seconds')
                        """)
                .params(eventId, site.siteId(), "{\"id\": \"" + eventId + "\", \"type\": \"webhook.test\"}")
                .update();
        var claimedAt = Instant.now();
        var request = awaitRequests(site, 1).getFirst();
        assertThat(request.header("Yuno-Event-Id")).isEqualTo(eventId.toString());
        assertThat(Duration.between(claimedAt, request.at())).isGreaterThan(Duration.ofMillis(1500));
    }

    @Test
    void threeServerErrorsThenSuccessIsDeliveredOnceAfterFourAttempts() {
        var site = hooked();
        receiver.answer(Receiver.Answer.of(500), Receiver.Answer.of(502), Receiver.Answer.of(503));
        formLead(site, Map.of("email", "retry@example.com"));

        var requests = awaitRequests(site, 4);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> onlyDelivery(site).path("status").asString().equals("delivered"));
        sleep(Duration.ofSeconds(1));
        assertThat(receiver.receivedAt(site.path())).hasSize(4);
        // The same event every time, each attempt signed anew.
        assertThat(requests.stream().map(r -> r.header("Yuno-Event-Id")).distinct())
                .hasSize(1);
        var delivery = onlyDelivery(site);
        assertThat(delivery.path("attempts").asInt()).isEqualTo(4);
        assertThat(delivery.path("last_status_code").asInt()).isEqualTo(200);
        var history = delivery.path("history");
        assertThat(history.size()).isEqualTo(4);
        assertThat(List.of(
                        history.get(0).path("status_code").asInt(),
                        history.get(1).path("status_code").asInt(),
                        history.get(2).path("status_code").asInt(),
                        history.get(3).path("status_code").asInt()))
                .containsExactly(500, 502, 503, 200);
        // Back-off doubles: 200 ms, 400 ms, 800 ms (no jitter here).
        var gaps = List.of(
                Duration.between(requests.get(0).at(), requests.get(1).at()),
                Duration.between(requests.get(1).at(), requests.get(2).at()),
                Duration.between(requests.get(2).at(), requests.get(3).at()));
        assertThat(gaps.get(0)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
        assertThat(gaps.get(1)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
        assertThat(gaps.get(2)).isGreaterThanOrEqualTo(Duration.ofMillis(800));
    }

    @Test
    void retryAfterIsWaitedFor() {
        var site = hooked();
        receiver.answer(new Receiver.Answer(429, Map.of("Retry-After", "2"), 0));
        formLead(site, Map.of("email", "patience@example.com"));

        var requests = awaitRequests(site, 2);
        assertThat(Duration.between(requests.get(0).at(), requests.get(1).at()))
                .isGreaterThanOrEqualTo(Duration.ofMillis(1900));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> onlyDelivery(site).path("status").asString().equals("delivered"));
    }

    @Test
    void aGoneReceiverStopsTheRetriesAndARedeliveryIsSentWhenAsked() {
        var site = hooked();
        receiver.answer(Receiver.Answer.of(410));
        formLead(site, Map.of("email", "gone@example.com"));

        awaitRequests(site, 1);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> onlyDelivery(site).path("status").asString().equals("failed"));
        sleep(Duration.ofSeconds(2));
        assertThat(receiver.receivedAt(site.path())).hasSize(1);
        var failed = onlyDelivery(site);
        assertThat(failed.path("attempts").asInt()).isEqualTo(1);
        assertThat(failed.path("last_status_code").asInt()).isEqualTo(410);
        assertThat(failed.has("next_attempt_at")).isFalse();

        var redelivered =
                owner(site, "POST", "/deliveries/" + failed.path("delivery_id").asString() + "/redeliver");
        assertThat(redelivered.status()).as(redelivered.body()).isEqualTo(202);
        awaitRequests(site, 2);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> onlyDelivery(site).path("status").asString().equals("delivered"));
        assertThat(onlyDelivery(site).path("attempts").asInt()).isEqualTo(2);
    }

    @Test
    void theOwnerSendsATestEventAndRotatesTheSecretWhileAnotherOwnerSeesNothing() {
        var site = hooked();
        var test = owner(site, "POST", "/webhook/test");
        assertThat(test.status()).as(test.body()).isEqualTo(202);
        var request = awaitRequests(site, 1).getFirst();
        assertThat(request.header("Yuno-Event-Type")).isEqualTo("webhook.test");
        assertThat(Signature.verify(
                        site.secret(),
                        request.header("Yuno-Signature"),
                        request.body(),
                        Instant.now().getEpochSecond(),
                        300))
                .isTrue();

        var rotated = owner(site, "POST", "/webhook-secret");
        assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
        var secret = rotated.json().path("webhook_secret").asString();
        assertThat(secret).startsWith("whsec_").isNotEqualTo(site.secret());
        assertThat(owner(site, "POST", "/webhook/test").status()).isEqualTo(202);
        var second = awaitRequests(site, 2).get(1);
        var now = Instant.now().getEpochSecond();
        assertThat(Signature.verify(secret, second.header("Yuno-Signature"), second.body(), now, 300))
                .isTrue();
        assertThat(Signature.verify(site.secret(), second.header("Yuno-Signature"), second.body(), now, 300))
                .isFalse();

        var other = hooked();
        var deliveryId = owner(site, "GET", "/deliveries")
                .json()
                .path("items")
                .get(0)
                .path("delivery_id")
                .asString();
        for (var path : List.of("/deliveries", "/deliveries/" + deliveryId)) {
            var response =
                    http().get("/api/sites/" + site.siteId() + path, "Authorization", "Bearer " + other.ownerKey());
            assertThat(response.status()).isEqualTo(404);
            assertThat(response.json().path("code").asString()).isEqualTo("site_not_found");
        }
        for (var path : List.of("/deliveries/" + deliveryId + "/redeliver", "/webhook/test", "/webhook-secret")) {
            var response = http().post(
                            "/api/sites/" + site.siteId() + path, "", "Authorization", "Bearer " + other.ownerKey());
            assertThat(response.status()).isEqualTo(404);
        }
        // Another site's delivery id under one's own site is not found either.
        var crossed = owner(other, "GET", "/deliveries/" + deliveryId);
        assertThat(crossed.status()).isEqualTo(404);
        assertThat(crossed.json().path("code").asString()).isEqualTo("delivery_not_found");
        // The secret is shown once: the site itself never shows it.
        assertThat(owner(site, "GET", "").body()).doesNotContain("whsec_");
    }

    @Test
    void theFirstWebhookUrlMakesTheSecretAndMetadataAddressesAreRefusedEvenHere() {
        var created = new SiteApi(http(), SiteApi.OPERATOR_KEY).create("later-" + UUID.randomUUID() + ".example.com");
        assertThat(owner(created, "GET", "").json().has("webhook_secret")).isFalse();
        var set = patch(created, receiver.url("/later"));
        assertThat(set.status()).as(set.body()).isEqualTo(200);
        assertThat(set.json().path("webhook_secret").asString()).startsWith("whsec_");
        var changed = patch(created, receiver.url("/later-2"));
        assertThat(changed.status()).isEqualTo(200);
        assertThat(changed.json().has("webhook_secret"))
                .as("made once, not on every change")
                .isFalse();

        for (var url :
                List.of("http://169.254.169.254/latest/meta-data", "https://[fd00:ec2::254]/", "ftp://example.com/x")) {
            var refused = patch(created, url);
            assertThat(refused.status()).as(url).isEqualTo(400);
            assertThat(refused.json().path("errors").get(0).path("field").asString())
                    .isEqualTo("custom_config.lead_webhook_url");
        }
        var test = http().post(
                        "/api/sites/"
                                + new SiteApi(http(), SiteApi.OPERATOR_KEY)
                                        .create("nohook-" + UUID.randomUUID() + ".example.com")
                                        .siteId()
                                + "/webhook/test",
                        "",
                        "Authorization",
                        "Bearer " + SiteApi.OPERATOR_KEY);
        assertThat(test.status()).isEqualTo(409);
        assertThat(test.json().path("code").asString()).isEqualTo("webhook_not_configured");
    }

    private Http.Response owner(SiteApi.Created site, String method, String path) {
        return http().method(
                        method, "/api/sites/" + site.siteId() + path, "", "Authorization", "Bearer " + site.ownerKey());
    }

    private Http.Response patch(SiteApi.Created site, String url) {
        return http().method(
                        "PATCH",
                        "/api/sites/" + site.siteId(),
                        Http.json(Map.of("custom_config", Map.of("lead_webhook_url", url))),
                        "Authorization",
                        "Bearer " + site.ownerKey(),
                        "Content-Type",
                        "application/json");
    }
}
