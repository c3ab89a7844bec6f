package com.helloyuno.site;

import static org.assertj.core.api.Assertions.assertThat;

import com.helloyuno.plan.PlanType;
import com.helloyuno.ratelimit.RateLimiter;
import com.helloyuno.testsupport.Http;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The sites API over real HTTP and a real PostgreSQL: who may do what, and what it stores. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "yuno.web.admin-api-key=" + SiteApi.OPERATOR_KEY)
class SiteApiIntegrationTests {

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    SiteService sites;

    @Autowired
    RateLimiter rateLimiter;

    @Autowired
    StringRedisTemplate redis;

    Http http;
    SiteApi api;

    @BeforeEach
    void client() {
        http = new Http(port);
        api = new SiteApi(http, SiteApi.OPERATOR_KEY);
    }

    enum Caller {
        OPERATOR,
        OWNER_A,
        OWNER_B,
        NO_KEY,
        WRONG_KEY,
        REVOKED_KEY_OF_A
    }

    enum Call {
        CREATE,
        LIST,
        GET_A,
        PATCH_A,
        PATCH_PLAN_OF_A,
        DELETE_A,
        ROTATE_KEY_OF_A,
        USAGE_OF_A,
        GET_UNKNOWN
    }

    static Stream<Arguments> matrix() {
        // Expected status per call for: operator, owner A, owner B, no key, wrong key, revoked key of A.
        var table = Map.of(
                Call.CREATE, List.of(201, 403, 403, 401, 401, 401),
                Call.LIST, List.of(200, 403, 403, 401, 401, 401),
                Call.GET_A, List.of(200, 200, 404, 401, 401, 401),
                Call.PATCH_A, List.of(200, 200, 404, 401, 401, 401),
                Call.PATCH_PLAN_OF_A, List.of(200, 403, 404, 401, 401, 401),
                Call.DELETE_A, List.of(204, 403, 404, 401, 401, 401),
                Call.ROTATE_KEY_OF_A, List.of(200, 200, 404, 401, 401, 401),
                Call.USAGE_OF_A, List.of(200, 200, 404, 401, 401, 401),
                Call.GET_UNKNOWN, List.of(404, 404, 404, 401, 401, 401));
        var rows = new ArrayList<Arguments>();
        for (var call : Call.values()) {
            for (var caller : Caller.values()) {
                rows.add(Arguments.of(call, caller, table.get(call).get(caller.ordinal())));
            }
        }
        return rows.stream();
    }

    @ParameterizedTest(name = "{0} by {1} -> {2}")
    @MethodSource("matrix")
    void authorisationMatrix(Call call, Caller caller, int expected) {
        var a = api.create("a-" + UUID.randomUUID() + ".example.com");
        var b = api.create("b-" + UUID.randomUUID() + ".example.com");
        var revoked = a.ownerKey();
        var ownerA = api.rotate(a.siteId());

        var key = switch (caller) {
            case OPERATOR -> SiteApi.OPERATOR_KEY;
            case OWNER_A -> ownerA;
            case OWNER_B -> b.ownerKey();
            case NO_KEY -> null;
            case WRONG_KEY -> "ysk_" + "x".repeat(40);
            case REVOKED_KEY_OF_A -> revoked;
        };
        var site = "/api/sites/" + a.siteId();
        var response = switch (call) {
            case CREATE -> send(key, "POST", "/api/sites", "{\"domain\": \"new.example.com\"}");
            case LIST -> send(key, "GET", "/api/sites", null);
            case GET_A -> send(key, "GET", site, null);
            case PATCH_A -> send(key, "PATCH", site, "{\"theme\": \"light\"}");
            case PATCH_PLAN_OF_A -> send(key, "PATCH", site, "{\"plan_type\": \"pro\"}");
            case DELETE_A -> send(key, "DELETE", site, null);
            case ROTATE_KEY_OF_A -> send(key, "POST", site + "/owner-key", "");
            case USAGE_OF_A -> send(key, "GET", site + "/usage", null);
            case GET_UNKNOWN -> send(key, "GET", "/api/sites/ZZZZZZZZZZZZZZZZ", null);
        };

        assertThat(response.status()).as(response.body()).isEqualTo(expected);
        if (expected >= 400) {
            assertThat(response.header("Content-Type")).startsWith("application/problem+json");
            var code = switch (expected) {
                case 401 -> "unauthorized";
                case 403 -> "forbidden";
                default -> "site_not_found";
            };
            assertThat(response.json().path("code").asString()).isEqualTo(code);
        }
        if (expected == 404) {
            // Another owner's site and a missing one answer alike.
            assertThat(response.json().path("detail").asString()).isEqualTo("No such site.");
        }
    }

    @Test
    void createReturnsTheSiteAndItsOwnerKeyOnceAndStoresOnlyAHash() {
        var response = http.post(
                "/api/sites",
                Http.json(Map.of(
                        "domain",
                        "HTTPS://Shop.Example.COM.:443/pricing",
                        "additional_domains",
                        List.of("bücher.de", "shop.example.com"),
                        "allow_subdomains",
                        true,
                        "plan_type",
                        "basic",
                        "theme",
                        "green",
                        "custom_config",
                        Map.of("primary_color", "#00ff00", "bot_name", "Ada"))),
                "Authorization",
                "Bearer " + SiteApi.OPERATOR_KEY,
                "Content-Type",
                "application/json");
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        var body = response.json();
        var siteId = body.path("site_id").asString();
        var key = body.path("owner_key").asString();
        assertThat(siteId).matches("[A-Za-z0-9]{16}");
        assertThat(key).startsWith("ysk_").hasSize(44);
        assertThat(response.header("Location")).isEqualTo("/api/sites/" + siteId);
        assertThat(body.path("domain").asString()).isEqualTo("shop.example.com");
        assertThat(body.path("additional_domains").get(0).asString()).isEqualTo("xn--bcher-kva.de");
        assertThat(body.path("additional_domains").size()).isEqualTo(1);
        assertThat(body.path("allow_subdomains").asBoolean()).isTrue();
        assertThat(body.path("plan_type").asString()).isEqualTo("basic");
        assertThat(body.path("plan_active").asBoolean()).isTrue();
        assertThat(body.path("widget_enabled").asBoolean()).isTrue();
        assertThat(body.path("theme").asString()).isEqualTo("green");
        var config = body.path("custom_config");
        assertThat(config.path("primary_color").asString()).isEqualTo("#00FF00");
        assertThat(config.path("bot_name").asString()).isEqualTo("Ada");
        assertThat(config.path("welcome_message").asString()).isEqualTo("Hi! How can I help you today?");
        assertThat(config.path("position").asString()).isEqualTo("bottom-right");
        assertThat(config.path("lead_capture").asBoolean()).isTrue();

        var stored = jdbc.sql("SELECT owner_key_hash FROM sites WHERE site_id = ?")
                .param(siteId)
                .query(String.class)
                .single();
        assertThat(stored).isEqualTo(OwnerKeys.hash(key)).doesNotContain(key);

        var fetched = http.get("/api/sites/" + siteId, "Authorization", "Bearer " + key);
        assertThat(fetched.status()).isEqualTo(200);
        assertThat(fetched.body()).doesNotContain("owner_key").doesNotContain(key);
    }

    @Test
    void aKeySaysWhatItIsAndWhichSiteItReaches() {
        var site = api.create("key-" + UUID.randomUUID() + ".example.com");
        var owner = http.get("/api/key", "Authorization", "Bearer " + site.ownerKey());
        assertThat(owner.status()).isEqualTo(200);
        assertThat(owner.json().path("role").asString()).isEqualTo("owner");
        assertThat(owner.json().path("site_id").asString()).isEqualTo(site.siteId());

        var operator = http.get("/api/key", "Authorization", "Bearer " + SiteApi.OPERATOR_KEY);
        assertThat(operator.json().path("role").asString()).isEqualTo("operator");
        assertThat(operator.json().has("site_id")).isFalse();

        var wrong = http.get("/api/key", "Authorization", "Bearer ysk_" + "x".repeat(40));
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.json().path("code").asString()).isEqualTo("unauthorized");
    }

    @Test
    void ownerChangesItsWidgetButNotItsPlan() {
        var site = api.create("owner-" + UUID.randomUUID() + ".example.com");
        var owner = new SiteApi(http, site.ownerKey());

        var tuned = owner.patch(
                site.siteId(),
                Map.of(
                        "widget_enabled",
                        false,
                        "theme",
                        "blue",
                        "custom_config",
                        Map.of("welcome_message", "Hello there")));
        assertThat(tuned.status()).as(tuned.body()).isEqualTo(200);
        assertThat(tuned.json().path("widget_enabled").asBoolean()).isFalse();
        assertThat(tuned.json().path("theme").asString()).isEqualTo("blue");
        assertThat(tuned.json().path("custom_config").path("welcome_message").asString())
                .isEqualTo("Hello there");
        assertThat(tuned.json().path("custom_config").path("primary_color").asString())
                .isEqualTo("#FF6B35");

        var planChange = owner.patch(site.siteId(), Map.of("plan_active", false));
        assertThat(planChange.status()).isEqualTo(403);
        assertThat(planChange.json().path("detail").asString()).contains("plan_type", "plan_active");
        assertThat(api.patch(site.siteId(), Map.of("plan_type", "enterprise", "plan_active", false))
                        .json()
                        .path("plan_type")
                        .asString())
                .isEqualTo("enterprise");

        var usage = http.get("/api/sites/" + site.siteId() + "/usage", "Authorization", "Bearer " + site.ownerKey());
        assertThat(usage.json().path("plan_type").asString()).isEqualTo("enterprise");
        assertThat(usage.json().path("limits").path("minute").asLong()).isEqualTo(300);
        assertThat(usage.json().path("limits").path("month").asLong()).isEqualTo(200_000);
        assertThat(usage.json().path("used").path("minute").asLong()).isZero();

        rateLimiter.check(site.siteId(), PlanType.ENTERPRISE, "visitor-1");
        rateLimiter.check(site.siteId(), PlanType.ENTERPRISE, "visitor-2");
        rateLimiter.recordTokens(site.siteId(), 876);
        var used = http.get("/api/sites/" + site.siteId() + "/usage", "Authorization", "Bearer " + site.ownerKey())
                .json();
        assertThat(used.path("used").path("minute").asLong()).isEqualTo(2);
        assertThat(used.path("used").path("month").asLong()).isEqualTo(2);
        assertThat(used.path("tokens").path("day").asLong()).isEqualTo(876);
        assertThat(used.path("tokens").path("month").asLong()).isEqualTo(876);
    }

    static Stream<Arguments> invalidBodies() {
        return Stream.of(
                Arguments.of("{\"domain\": \"not a domain\"}", "domain"),
                Arguments.of("{\"domain\": \"127.0.0.1\"}", "domain"),
                Arguments.of("{\"domain\": \"" + "a".repeat(254) + ".com\"}", "domain"),
                Arguments.of("{}", "domain"),
                Arguments.of("{\"domain\": \"example.com\", \"plan_type\": \"platinum\"}", "plan_type"),
                Arguments.of("{\"domain\": \"example.com\", \"theme\": \"purple\"}", "theme"),
                Arguments.of(
                        "{\"domain\": \"example.com\", \"custom_config\": {\"primary_color\": \"red\"}}",
                        "custom_config.primary_color"),
                Arguments.of(
                        "{\"domain\": \"example.com\", \"custom_config\": {\"primary_color\": \"#12345\"}}",
                        "custom_config.primary_color"),
                Arguments.of(
                        "{\"domain\": \"example.com\", \"custom_config\": {\"welcome_message\": \"" + "w".repeat(501)
                                + "\"}}",
                        "custom_config.welcome_message"),
                Arguments.of(
                        "{\"domain\": \"example.com\", \"custom_config\": {\"position\": \"middle\"}}",
                        "custom_config.position"),
                Arguments.of(
                        "{\"domain\": \"example.com\", \"custom_config\": {\"lead_webhook_url\": \"javascript:alert(1)\"}}",
                        "custom_config.lead_webhook_url"),
                Arguments.of("{\"domain\": \"example.com\", \"allow_subdomains\": \"yes\"}", "allow_subdomains"),
                Arguments.of("{\"domain\": 42}", "domain"),
                Arguments.of("{\"domain\": \"example.com\", \"additional_domains\": \"x.com\"}", "additional_domains"),
                Arguments.of(
                        "{\"domain\": \"example.com\", \"additional_domains\": [\"ok.com\", \"bad domain\"]}",
                        "additional_domains[1]"),
                // Read as a.example.com by one URL parser and as evil.com by another: refused.
                Arguments.of("{\"domain\": \"https://evil.com\\\\@a.example.com\"}", "domain"),
                Arguments.of("{\"domain\": \"user:pw@example.com\"}", "domain"),
                Arguments.of(
                        "{\"domain\": \"example.com\", \"additional_domains\": [\"evil.com@example.org\"]}",
                        "additional_domains[0]"),
                Arguments.of("{\"domain\": \"example.com\", \"user_id\": \"" + "u".repeat(256) + "\"}", "user_id"));
    }

    @ParameterizedTest(name = "{0} names {1}")
    @MethodSource("invalidBodies")
    void invalidBodiesAre400NamingTheField(String body, String field) {
        var response = send(SiteApi.OPERATOR_KEY, "POST", "/api/sites", body);
        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.json().path("code").asString()).isEqualTo("invalid_request");
        assertThat(response.json().path("detail").asString()).contains(field);
        assertThat(response.body()).doesNotContain("Exception", "tools.jackson", "com.helloyuno");
    }

    @Test
    void anUnknownChoiceIsRefusedWithTheChoicesThereAre() {
        for (var body : Map.of(
                        "{\"domain\": \"example.com\", \"theme\": \"purple\"}",
                        "Invalid value for theme: must be one of dark, light, blue, green.",
                        "{\"domain\": \"example.com\", \"plan_type\": \"gold\"}",
                        "Invalid value for plan_type: must be one of free, basic, pro, enterprise.",
                        "{\"domain\": \"example.com\", \"custom_config\": {\"position\": \"middle\"}}",
                        "Invalid value for custom_config.position: must be one of bottom-right, bottom-left.")
                .entrySet()) {
            var response = send(SiteApi.OPERATOR_KEY, "POST", "/api/sites", body.getKey());
            assertThat(response.status()).as(response.body()).isEqualTo(400);
            assertThat(response.json().path("detail").asString()).isEqualTo(body.getValue());
        }
    }

    @Test
    void invalidPatchIs400AndChangesNothing() {
        var site = api.create("patch-" + UUID.randomUUID() + ".example.com");
        var response = api.patch(site.siteId(), Map.of("theme", "light", "domain", "nope"));
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().path("detail").asString()).contains("domain");
        var stored = http.get("/api/sites/" + site.siteId(), "Authorization", "Bearer " + SiteApi.OPERATOR_KEY);
        assertThat(stored.json().path("theme").asString()).isEqualTo("dark");
    }

    @Test
    void deletingASiteLeavesNoRowOfItInAnyTable() {
        var doomed = api.create("doomed-" + UUID.randomUUID() + ".example.com").siteId();
        var kept = api.create("kept-" + UUID.randomUUID() + ".example.com").siteId();
        for (var siteId : List.of(doomed, kept)) {
            var documentId = UUID.randomUUID();
            jdbc.sql("INSERT INTO crawl_jobs (site_id, url, max_pages) VALUES (?, 'https://example.com/', 5)")
                    .param(siteId)
                    .update();
            jdbc.sql("INSERT INTO documents (id, site_id, content_type, content_hash) VALUES (?, ?, 'text/plain', ?)")
                    .params(documentId, siteId, documentId.toString())
                    .update();
            jdbc.sql("INSERT INTO chunks (site_id, document_id, ordinal, content) VALUES (?, ?, 0, 'text')")
                    .params(siteId, documentId)
                    .update();
            jdbc.sql("INSERT INTO chat_history (site_id, session_id, role, content) VALUES (?, 's', 'user', 'hi')")
                    .param(siteId)
                    .update();
            jdbc.sql("INSERT INTO leads (site_id, session_id, email) VALUES (?, 's', 'a@example.com')")
                    .param(siteId)
                    .update();
            jdbc.sql("INSERT INTO outbox (event_id, channel, site_id, event_type, payload, retry_until, status)"
                            + " VALUES (gen_random_uuid(), 'webhook', ?, 'lead.created', '{}', now(), 'failed')")
                    .param(siteId)
                    .update();
            jdbc.sql("INSERT INTO site_common_words (site_id, lexeme) VALUES (?, 'acme')")
                    .param(siteId)
                    .update();
        }

        for (var siteId : List.of(doomed, kept)) {
            assertThat(rateLimiter.check(siteId, PlanType.FREE, "visitor-1").allowed())
                    .isTrue();
            rateLimiter.recordTokens(siteId, 100);
        }
        assertThat(redisKeys(doomed)).isNotEmpty();

        var response = send(SiteApi.OPERATOR_KEY, "DELETE", "/api/sites/" + doomed, null);
        assertThat(response.status()).isEqualTo(204);
        assertThat(redisKeys(doomed)).as("the site's rate-limit counters").isEmpty();
        assertThat(redisKeys(kept)).isNotEmpty();

        var tables = jdbc.sql("SELECT table_name FROM information_schema.columns"
                        + " WHERE table_schema = 'public' AND column_name = 'site_id'")
                .query(String.class)
                .list();
        assertThat(tables).contains("sites", "chat_history", "leads", "documents", "chunks", "crawl_jobs");
        for (var table : tables) {
            var doomedRows = jdbc.sql("SELECT count(*) FROM " + table + " WHERE site_id = ?")
                    .param(doomed)
                    .query(Long.class)
                    .single();
            var keptRows = jdbc.sql("SELECT count(*) FROM " + table + " WHERE site_id = ?")
                    .param(kept)
                    .query(Long.class)
                    .single();
            assertThat(doomedRows).as(table).isZero();
            assertThat(keptRows).as(table).isPositive();
        }
        assertThat(send(SiteApi.OPERATOR_KEY, "GET", "/api/sites/" + doomed, null)
                        .status())
                .isEqualTo(404);
        assertThat(sites.cached(doomed)).isEmpty();
    }

    @Test
    void listPagesThroughSites() {
        var first = api.create("list-" + UUID.randomUUID() + ".example.com");
        var page = send(SiteApi.OPERATOR_KEY, "GET", "/api/sites?page=0&size=2", null);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.json().path("items").size()).isLessThanOrEqualTo(2);
        assertThat(page.json().path("size").asInt()).isEqualTo(2);
        assertThat(page.json().path("total").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(page.body()).doesNotContain("owner_key");
        assertThat(first.siteId()).isNotBlank();

        assertThat(send(SiteApi.OPERATOR_KEY, "GET", "/api/sites?size=1001", null)
                        .status())
                .isEqualTo(400);
        assertThat(send(SiteApi.OPERATOR_KEY, "GET", "/api/sites?page=-1", null).status())
                .isEqualTo(400);
        assertThat(send(SiteApi.OPERATOR_KEY, "GET", "/api/sites?size=abc", null)
                        .status())
                .isEqualTo(400);
    }

    @Test
    void cachedLookupSeesAChangeOnTheNextRequest() {
        var site = api.create("cache-" + UUID.randomUUID() + ".example.com");
        assertThat(sites.cached(site.siteId()))
                .get()
                .extracting(Site::widgetEnabled)
                .isEqualTo(true);
        api.patch(site.siteId(), Map.of("widget_enabled", false));
        assertThat(sites.cached(site.siteId()))
                .get()
                .extracting(Site::widgetEnabled)
                .isEqualTo(false);
        api.patch(site.siteId(), Map.of("plan_active", false));
        assertThat(sites.cached(site.siteId()))
                .get()
                .extracting(Site::planActive)
                .isEqualTo(false);
    }

    @Test
    void apiAnswersNoCrossOriginPreflight() {
        var preflight = http.method(
                "OPTIONS",
                "/api/sites",
                null,
                "Origin",
                "https://evil.example",
                "Access-Control-Request-Method",
                "GET",
                "Access-Control-Request-Headers",
                "authorization");
        assertThat(preflight.header("Access-Control-Allow-Origin")).isNull();
        var get = http.get(
                "/api/sites", "Origin", "https://evil.example", "Authorization", "Bearer " + SiteApi.OPERATOR_KEY);
        assertThat(get.header("Access-Control-Allow-Origin")).isNull();
    }

    @Test
    void openApiDescribesTheApiAndItsKeySchemes() {
        var docs = http.get("/v3/api-docs");
        assertThat(docs.status()).isEqualTo(200);
        var json = docs.json();
        assertThat(json.path("paths").has("/api/sites")).isTrue();
        assertThat(json.path("paths").has("/api/sites/{site_id}/owner-key")).isTrue();
        assertThat(json.path("paths").has("/api/sites/{site_id}/webhook-secret"))
                .isTrue();
        assertThat(json.path("paths").has("/api/sites/{site_id}/deliveries")).isTrue();
        assertThat(json.path("paths").has("/api/sites/{site_id}/deliveries/{delivery_id}/redeliver"))
                .isTrue();
        assertThat(json.path("paths").has("/api/sites/{site_id}/webhook/test")).isTrue();
        assertThat(json.path("webhooks").path("lead").path("post").toString()).contains("Yuno-Signature");
        for (var scheme : List.of("operatorKey", "ownerKey", "widgetToken")) {
            assertThat(json.path("components")
                            .path("securitySchemes")
                            .path(scheme)
                            .path("scheme")
                            .asString())
                    .as(scheme)
                    .isEqualTo("bearer");
        }
        assertThat(http.get("/swagger-ui.html").status()).isIn(200, 302);
    }

    private List<String> redisKeys(String siteId) {
        var keys = new ArrayList<String>();
        try (var cursor = redis.scan(org.springframework.data.redis.core.ScanOptions.scanOptions()
                .match("*{" + siteId + "}*")
                .count(1000)
                .build())) {
            cursor.forEachRemaining(keys::add);
        }
        return keys;
    }

    private Http.Response send(String key, String method, String path, String body) {
        var headers = new ArrayList<String>();
        if (key != null) {
            headers.addAll(List.of("Authorization", "Bearer " + key));
        }
        if (body != null) {
            headers.addAll(List.of("Content-Type", "application/json"));
        }
        return http.method(method, path, body, headers.toArray(String[]::new));
    }
}
