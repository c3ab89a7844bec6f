package com.helloyuno.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.helloyuno.site.SiteApi;
import com.helloyuno.testsupport.ApiContract;
import com.helloyuno.testsupport.FakeSentry;
import com.helloyuno.testsupport.Http;
import com.helloyuno.testsupport.RawHttp;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Ten thousand generated requests over every endpoint: valid-shaped bodies with mutated values
 * (NUL and other control characters, invalid UTF-8, huge and empty values, wrong types, deep
 * nesting), mutated headers, query strings and paths ({@code %00}, {@code %2F}, {@code \}, long
 * segments), with valid keys and tokens on part of them so that they reach the handlers. Sent over
 * raw sockets, so that nothing a client library refuses is left out.
 *
 * <p>Whatever a visitor sends: no 5xx, every error a problem document with {@code status} and
 * {@code code}, every answer what the served OpenAPI description says for its operation and status
 * (or, for a status it does not list, a {@code Problem}), nothing sent to Sentry, and the service
 * healthy afterwards. The seed is printed;
 * run again with {@code -Dyuno.fuzz.seed=<seed>} (and {@code -Dyuno.fuzz.requests=<n>}) to repeat.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "yuno.web.admin-api-key=" + SiteApi.OPERATOR_KEY,
            "yuno.widget.authentications-per-ip-per-minute=1000000",
            // The plan's limits would turn most of the run into 429s; one session's limits stay low
            // enough that some 429s are checked too.
            "yuno.plans.limits.free.minute=1000000",
            "yuno.plans.limits.free.hour=1000000",
            "yuno.plans.limits.free.day=1000000",
            "yuno.plans.limits.free.month=1000000",
            "yuno.plans.session.minute=5",
            "yuno.plans.session.day=1000000",
            // Crawl jobs the fuzz starts stay queued (nothing is fetched from outside) and are removed
            // after it; nor does this cached context's crawler claim the crawl tests' jobs later.
            "yuno.knowledge.crawler.poll-interval=1h",
            "spring.datasource.hikari.maximum-pool-size=5"
        })
class FuzzIntegrationTests {

    private static final FakeSentry sentry = new FakeSentry();
    private static final long SEED = Long.getLong("yuno.fuzz.seed", 20261201L);
    private static final int REQUESTS = Integer.getInteger("yuno.fuzz.requests", 10_000);
    private static final int THREADS = 4;

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @DynamicPropertySource
    static void sentry(DynamicPropertyRegistry registry) {
        registry.add("sentry.dsn", sentry::dsn);
    }

    @AfterAll
    static void stopSentry() {
        sentry.close();
    }

    /** What the generated requests may use: real ids, keys and tokens, and some that are not. */
    record Fixture(
            String siteId,
            String domain,
            String ownerKey,
            String token,
            String victimSiteId,
            String documentId,
            String jobId) {}

    /** One generated request, described for the failure report without its (possibly huge) body. */
    record Sent(String label, byte[] bytes) {}

    @Test
    void nothingAVisitorSendsIsA5xxAndEveryErrorIsAProblem() throws Exception {
        System.out.println("Fuzz seed " + SEED + ", " + REQUESTS + " requests (-Dyuno.fuzz.seed to repeat)");
        var fixture = fixture();
        try {
            fuzz(fixture);
        } finally {
            // Its queued crawl jobs would otherwise be claimed by the other test contexts' crawlers.
            jdbc.sql("DELETE FROM crawl_jobs WHERE site_id IN (?, ?)")
                    .params(fixture.siteId(), fixture.victimSiteId())
                    .update();
        }
    }

    private void fuzz(Fixture fixture) throws Exception {
        var raw = new RawHttp(port);
        var contract = ApiContract.servedAt("http://127.0.0.1:" + port);
        var failures = new ConcurrentLinkedQueue<String>();
        var statuses = new ConcurrentHashMap<Integer, AtomicInteger>();
        var next = new AtomicInteger();
        try (var pool = Executors.newFixedThreadPool(THREADS)) {
            for (int t = 0; t < THREADS; t++) {
                pool.submit(() -> {
                    for (int i; (i = next.getAndIncrement()) < REQUESTS; ) {
                        // One generator per request: the same seed gives the same request whatever the threads do.
                        var sent = new Generator(new Random(SEED * 31 + i), fixture, port).request();
                        RawHttp.Response response;
                        try {
                            response = raw.send(sent.bytes());
                        } catch (RuntimeException e) {
                            failures.add("#" + i + " " + sent.label() + ": " + e);
                            continue;
                        }
                        statuses.computeIfAbsent(response.status(), s -> new AtomicInteger())
                                .incrementAndGet();
                        var problem = check(response);
                        if (problem == null) {
                            problem = contract(contract, sent, response);
                        }
                        if (problem != null) {
                            failures.add("#" + i + " " + sent.label() + " -> " + response.status() + " " + problem + " "
                                    + abbreviate(response.body()));
                        }
                    }
                });
            }
        }
        System.out.println("Fuzz statuses: " + new java.util.TreeMap<>(statuses));
        assertThat(failures).as("seed " + SEED).isEmpty();
        assertThat(statuses)
                .as("some requests reached a handler, and some a rate limit")
                .containsKeys(200, 429);
        Thread.sleep(500);
        assertThat(sentry.envelopes()).as("events sent to Sentry").isEmpty();
        var health = new Http(port).get("/actuator/health");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().path("status").asString()).isEqualTo("UP");
    }

    /** Null when the answer is acceptable, else what is wrong with it. */
    private static String check(RawHttp.Response response) {
        var status = response.status();
        if (status == 0) {
            return "no answer";
        }
        if (status >= 500) {
            return "server error";
        }
        if (status < 400) {
            return null;
        }
        var type = response.header("Content-Type");
        if (type == null || !type.startsWith("application/problem+json")) {
            return "not a problem document (" + type + ")";
        }
        try {
            var json = response.json();
            if (json.path("status").asInt() != status
                    || json.path("code").asString().isBlank()) {
                return "problem without status or code";
            }
        } catch (RuntimeException e) {
            return "unreadable problem";
        }
        return null;
    }

    /**
     * Null when the answer is what the served OpenAPI description says for that status (or, for a
     * status it does not list, a Problem), else what differs. The request itself is mutated on
     * purpose, so only the answer is held to the description.
     */
    private static String contract(ApiContract contract, Sent sent, RawHttp.Response response) {
        var line = new String(sent.bytes(), 0, Math.min(sent.bytes().length, 8192), StandardCharsets.ISO_8859_1);
        var end = line.indexOf("\r\n");
        var parts = (end < 0 ? line : line.substring(0, end)).split(" ");
        if (parts.length < 2) {
            return null;
        }
        var headers = new LinkedHashMap<String, List<String>>();
        response.headers().forEach((name, value) -> headers.put(name, List.of(value)));
        var found = contract.answerProblems(parts[0], parts[1], response.status(), headers, response.body());
        return found.isEmpty() ? null : "not as /v3/api-docs says: " + found;
    }

    private Fixture fixture() {
        var http = new Http(port);
        var api = new SiteApi(http, SiteApi.OPERATOR_KEY);
        var domain = "fuzz-" + UUID.randomUUID() + ".example.com";
        var site = api.create(domain);
        var victim = api.create("victim-" + UUID.randomUUID() + ".example.com");
        var auth = http.post(
                "/widget/authenticate",
                Http.json(Map.of("site_id", site.siteId(), "domain", domain, "nonce", "nonce-" + UUID.randomUUID())),
                "Content-Type",
                "application/json");
        assertThat(auth.status()).as(auth.body()).isEqualTo(200);
        var document = http.post(
                "/api/sites/" + site.siteId() + "/documents",
                Http.json(Map.of("title", "Refunds", "content", "Refunds within thirty days of purchase.")),
                "Authorization",
                "Bearer " + site.ownerKey(),
                "Content-Type",
                "application/json");
        assertThat(document.status()).as(document.body()).isEqualTo(201);
        var crawl = http.post(
                "/api/sites/" + site.siteId() + "/crawls",
                Http.json(Map.of("url", "https://" + domain + "/", "max_pages", 1)),
                "Authorization",
                "Bearer " + site.ownerKey(),
                "Content-Type",
                "application/json");
        var jobId = crawl.status() == 202
                ? crawl.json().path("job_id").asString()
                : UUID.randomUUID().toString();
        return new Fixture(
                site.siteId(),
                domain,
                site.ownerKey(),
                auth.json().path("token").asString(),
                victim.siteId(),
                document.json().path("document_id").asString(),
                jobId);
    }

    private static String abbreviate(String text) {
        var oneLine = text.replaceAll("\\s+", " ");
        return oneLine.length() > 300 ? oneLine.substring(0, 300) + "..." : oneLine;
    }

    /** Makes one request from a seeded random source. */
    static final class Generator {

        private static final String[] NASTY = {
            "\u0000",
            "a\u0000b",
            "\u0001\u0002\u001f",
            "\u007f",
            "\u001b[31m",
            "\ud800",
            "\udfff\ud800",
            "\uffff",
            "\u202e",
            "😀",
            "",
            " ",
            "\t\r\n",
            "%00",
            "%",
            "%ZZ",
            "\\",
            "../../etc/passwd",
            "<script>x</script>",
            "' OR 1=1 --",
            "${jndi:ldap://x}",
            "{{7*7}}",
            "null",
            "true",
            "-1",
            "0",
            "1e309",
            "NaN"
        };

        private final Random random;
        private final Fixture f;
        private final int port;

        Generator(Random random, Fixture fixture, int port) {
            this.random = random;
            this.f = fixture;
            this.port = port;
        }

        Sent request() {
            var endpoints = endpoints();
            var endpoint = endpoints.get(random.nextInt(endpoints.size()));
            return endpoint.apply(this);
        }

        /** Each endpoint of the API, as a function that builds one mutated request for it. */
        private List<Function<Generator, Sent>> endpoints() {
            var list = new ArrayList<Function<Generator, Sent>>();
            list.add(g -> g.json("POST", "/widget/authenticate", null, g.authenticateBody()));
            list.add(g -> g.json("POST", "/widget/verify", null, g.tokenBody()));
            list.add(g -> g.json("POST", "/widget/refresh", null, g.tokenBody()));
            list.add(g -> g.json("POST", "/widget/leads", g.widgetAuth(), g.leadBody()));
            list.add(g -> g.json("POST", "/ask", g.widgetAuth(), g.askBody()));
            list.add(g -> g.json("POST", "/ask", g.widgetAuth(), g.askBody()));
            list.add(g ->
                    g.withHeader(g.json("POST", "/ask", g.widgetAuth(), g.askBody()), "Accept: text/event-stream"));
            list.add(g -> g.json("OPTIONS", "/ask", null, null));
            // One session asking again and again, unmutated: its per-session limit answers 429.
            list.add(g -> g.raw(
                    "POST",
                    "/ask",
                    "Authorization: Bearer " + g.f.token() + "\r\nContent-Type: application/json\r\n",
                    Http.json(Map.of(
                                    "messages",
                                    List.of(Map.of("role", "user", "content", "Refunds?")),
                                    "session_id",
                                    "s-burst"))
                            .getBytes(StandardCharsets.UTF_8)));
            list.add(g -> g.json("POST", "/api/sites", g.apiAuth(), g.siteBody()));
            list.add(g -> g.json("GET", "/api/sites" + g.pageQuery(), g.apiAuth(), null));
            list.add(g -> g.json("GET", "/api/sites/" + g.siteId(), g.apiAuth(), null));
            list.add(g -> g.json("PATCH", "/api/sites/" + g.victimOr(), g.apiAuth(), g.siteBody()));
            list.add(g -> g.json("DELETE", "/api/sites/" + g.randomId(), g.apiAuth(), null));
            list.add(g -> g.json("POST", "/api/sites/" + g.victimOr() + "/owner-key", g.operatorAuth(), null));
            list.add(g -> g.json("POST", "/api/sites/" + g.victimOr() + "/identity-secret", g.operatorAuth(), null));
            list.add(g -> g.json("GET", "/api/sites/" + g.siteId() + "/usage", g.apiAuth(), null));
            list.add(g -> g.json("POST", "/api/sites/" + g.siteId() + "/documents", g.apiAuth(), g.documentBody()));
            list.add(g -> g.multipart("/api/sites/" + g.siteId() + "/documents", g.apiAuth()));
            list.add(g -> g.json("GET", "/api/sites/" + g.siteId() + "/documents" + g.pageQuery(), g.apiAuth(), null));
            list.add(g -> g.json(
                    "DELETE",
                    "/api/sites/" + g.siteId() + "/documents/" + g.segment(g.f.documentId()),
                    g.apiAuth(),
                    null));
            list.add(g -> g.json("POST", "/api/sites/" + g.siteId() + "/crawls", g.apiAuth(), g.crawlBody()));
            list.add(g ->
                    g.json("GET", "/api/sites/" + g.siteId() + "/crawls/" + g.segment(g.f.jobId()), g.apiAuth(), null));
            list.add(g -> g.withHeader(
                    g.json("GET", "/api/sites/" + g.siteId() + "/leads" + g.pageQuery(), g.apiAuth(), null),
                    "Accept: " + g.pick("application/json", "text/csv", "text/html", "*/*", "x/y;q=z", "")));
            list.add(g ->
                    g.json("GET", "/api/sites/" + g.siteId() + "/conversations" + g.pageQuery(), g.apiAuth(), null));
            list.add(g -> g.json(
                    "GET", "/api/sites/" + g.siteId() + "/conversations/" + g.segment("s-1"), g.apiAuth(), null));
            list.add(g -> g.json(
                    "DELETE", "/api/sites/" + g.siteId() + "/conversations/" + g.segment("s-2"), g.apiAuth(), null));
            list.add(g -> g.json(
                    "GET",
                    g.pick("/actuator/health", "/actuator/health/readiness", "/actuator/info") + g.pageQuery(),
                    null,
                    null));
            // The owner console's own calls and files.
            list.add(g -> g.json("GET", "/api/key" + g.pageQuery(), g.apiAuth(), null));
            list.add(g -> g.json(
                    "POST", "/api/sites/" + g.siteId() + "/knowledge/search", g.apiAuth(), g.knowledgeSearchBody()));
            list.add(g -> g.json(
                    "GET",
                    "/api/sites/" + g.siteId() + "/insights"
                            + g.pick("?days=" + g.pick("0", "-1", "30", "366", "1e3", "%00", "", "99999999999"), ""),
                    g.apiAuth(),
                    null));
            list.add(g -> g.json(
                    "GET",
                    "/console" + g.pick("", "/", "/app.js", "/style.css", "/" + g.segment("index.html")),
                    null,
                    null));
            list.add(g -> g.json("GET", "/actuator/prometheus", g.apiAuth(), null));
            list.add(g -> g.json("GET", "/yuno.js" + g.pageQuery(), null, null));
            list.add(g -> g.json("GET", "/demo" + g.pageQuery(), null, null));
            list.add(g -> g.json("GET", g.pick("/v3/api-docs", "/swagger-ui.html", "/error"), null, null));
            list.add(g -> g.json(
                    g.pick("GET", "POST", "PUT", "TRACE", "FOO", "get"), g.junkPath(), g.apiAuth(), g.anyBody()));
            list.add(Generator::brokenRequestLine);
            return list;
        }

        // Bodies: valid-shaped, then one value (or the whole) mutated.

        private Map<String, Object> authenticateBody() {
            var body = new LinkedHashMap<String, Object>();
            body.put("site_id", f.siteId());
            body.put("domain", f.domain());
            body.put("nonce", "nonce-" + random.nextLong());
            return body;
        }

        private Map<String, Object> tokenBody() {
            var body = new LinkedHashMap<String, Object>();
            body.put("token", f.token());
            return body;
        }

        private Map<String, Object> leadBody() {
            var body = new LinkedHashMap<String, Object>();
            body.put("session_id", "s-" + random.nextInt(50));
            body.put("name", "Ann");
            body.put("email", "ann" + random.nextInt(1000) + "@example.com");
            body.put("phone", "+44 20 7946 0958");
            body.put("message", "Call me");
            return body;
        }

        private Map<String, Object> knowledgeSearchBody() {
            var body = new LinkedHashMap<String, Object>();
            body.put(
                    "question",
                    pick("What about refunds?", "", " ", "x".repeat(5000), "\u0000 refunds", "' OR 1=1 --"));
            if (random.nextBoolean()) {
                body.put("top_k", pick(0, -1, 5, 21, Integer.MAX_VALUE));
            }
            return body;
        }

        private Map<String, Object> askBody() {
            var body = new LinkedHashMap<String, Object>();
            var messages = new ArrayList<Object>();
            messages.add(new LinkedHashMap<>(Map.of("role", "user", "content", "What about refunds?")));
            if (random.nextInt(4) == 0) {
                messages.add(new LinkedHashMap<>(Map.of("role", "assistant", "content", "Within thirty days.")));
                messages.add(new LinkedHashMap<>(Map.of("role", "user", "content", "And exchanges?")));
            }
            body.put("messages", messages);
            // Few sessions, so that some reach their per-session limit and the 429 is checked too.
            body.put("session_id", "s-" + random.nextInt(20));
            body.put("page_url", "https://" + f.domain() + "/pricing");
            return body;
        }

        private Map<String, Object> siteBody() {
            var body = new LinkedHashMap<String, Object>();
            body.put("domain", "m-" + random.nextInt(1_000_000) + ".example.com");
            body.put("additional_domains", List.of("shop.example.com"));
            body.put("user_id", "user-1");
            body.put("plan_type", pick("free", "basic", "pro", "enterprise"));
            body.put("theme", pick("dark", "light", "blue", "green"));
            var config = new LinkedHashMap<String, Object>();
            config.put("bot_name", "Yuno");
            config.put("welcome_message", "Hello");
            config.put("primary_color", "#FF6B35");
            config.put("system_prompt", "Be kind.");
            body.put("custom_config", config);
            return body;
        }

        private Map<String, Object> documentBody() {
            var body = new LinkedHashMap<String, Object>();
            body.put("title", "Guide " + random.nextInt(1000));
            body.put("url", "https://" + f.domain() + "/guide");
            body.put("content", "# Guide\nShipping takes " + random.nextInt(1000) + " days.");
            body.put("content_type", pick("text/plain", "text/markdown", "text/html"));
            return body;
        }

        private Map<String, Object> crawlBody() {
            var body = new LinkedHashMap<String, Object>();
            body.put("url", "https://" + f.domain() + "/" + random.nextInt(1000));
            body.put("max_pages", 1);
            return body;
        }

        private Object anyBody() {
            return random.nextBoolean() ? null : pick(authenticateBody(), leadBody(), askBody(), siteBody());
        }

        /** The body's bytes: usually JSON with one value mutated, sometimes not JSON at all. */
        private byte[] bodyBytes(Object body) {
            if (body == null) {
                return new byte[0];
            }
            var roll = random.nextInt(20);
            if (roll == 0) {
                return invalidUtf8(Http.json(body));
            }
            if (roll == 1) {
                var json = Http.json(body);
                return json.substring(0, random.nextInt(json.length())).getBytes(StandardCharsets.UTF_8);
            }
            if (roll == 2) {
                return deepNesting(random.nextInt(3000)).getBytes(StandardCharsets.UTF_8);
            }
            if (roll == 3) {
                return pick("", "null", "[]", "\"x\"", "42", "{", "{}}", "{\"a\":1,}", "\u0000", "\ufeff{}")
                        .getBytes(StandardCharsets.UTF_8);
            }
            if (body instanceof Map<?, ?> map && roll < 17) {
                mutate(map, 0);
            }
            return Http.json(body).getBytes(StandardCharsets.UTF_8);
        }

        @SuppressWarnings("unchecked")
        private void mutate(Map<?, ?> map, int depth) {
            var target = (Map<String, Object>) map;
            var keys = new ArrayList<>(target.keySet());
            if (keys.isEmpty() || random.nextInt(10) == 0) {
                target.put(pick("x", "a\u0000b", "\u0001", "", "messages", "custom_config"), value());
                return;
            }
            var key = keys.get(random.nextInt(keys.size()));
            var current = target.get(key);
            if (current instanceof Map<?, ?> nested && depth < 3 && random.nextBoolean()) {
                mutate(nested, depth + 1);
            } else if (current instanceof List<?> list && !list.isEmpty() && random.nextBoolean()) {
                var element = list.get(random.nextInt(list.size()));
                if (element instanceof Map<?, ?> nested) {
                    mutate(nested, depth + 1);
                } else {
                    target.put(key, List.of(value()));
                }
            } else {
                target.put(key, value());
            }
        }

        private Object value() {
            return switch (random.nextInt(14)) {
                case 0 -> NASTY[random.nextInt(NASTY.length)];
                case 1 -> "x" + NASTY[random.nextInt(NASTY.length)] + "y";
                case 2 -> "a".repeat(random.nextInt(5) == 0 ? 70_000 : 1 + random.nextInt(5000));
                case 3 -> random.nextInt();
                case 4 -> random.nextLong();
                case 5 -> random.nextDouble() * 1e300;
                case 6 -> random.nextBoolean();
                case 7 -> List.of();
                case 8 -> List.of(NASTY[random.nextInt(NASTY.length)], 1, Map.of());
                case 9 -> Map.of("k", NASTY[random.nextInt(NASTY.length)]);
                case 10 -> Map.of(NASTY[random.nextInt(NASTY.length)] + "k", "v");
                case 11 -> "";
                case 12 -> "\u0000".repeat(1 + random.nextInt(100));
                default -> {
                    var chars = new StringBuilder();
                    for (int i = 0, n = random.nextInt(64); i < n; i++) {
                        chars.append((char) random.nextInt(0x10000));
                    }
                    yield chars.toString();
                }
            };
        }

        private byte[] invalidUtf8(String json) {
            var bytes = json.getBytes(StandardCharsets.UTF_8);
            var out = new ByteArrayOutputStream();
            var at = random.nextInt(bytes.length + 1);
            out.write(bytes, 0, at);
            out.writeBytes(pick(
                    new byte[] {(byte) 0xC3, 0x28},
                    new byte[] {(byte) 0xFF},
                    new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                    new byte[] {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80},
                    new byte[] {0}));
            out.write(bytes, at, bytes.length - at);
            return out.toByteArray();
        }

        private static String deepNesting(int depth) {
            return "{\"messages\":" + "[".repeat(depth) + "]".repeat(depth) + "}";
        }

        // Requests.

        private Sent json(String method, String path, String authorization, Object body) {
            var headers = new StringBuilder();
            if (authorization != null) {
                headers.append("Authorization: ").append(authorization).append("\r\n");
            }
            var bytes = bodyBytes(body);
            if (body != null) {
                headers.append("Content-Type: ")
                        .append(
                                random.nextInt(12) == 0
                                        ? pick(
                                                "text/plain",
                                                "application/json; charset=latin1",
                                                "application/xml",
                                                "",
                                                "*/*",
                                                "multipart/form-data",
                                                "application/x-www-form-urlencoded",
                                                "json")
                                        : "application/json")
                        .append("\r\n");
            }
            headers.append(extraHeaders());
            return raw(method, maybeMangle(path), headers.toString(), bytes);
        }

        private Sent multipart(String path, String authorization) {
            var boundary = "b" + random.nextInt(1_000_000);
            var title = random.nextBoolean() ? "Guide" : String.valueOf(value());
            var filename = pick("guide.txt", "guide.md", "page.html", "doc.pdf", "a\u0001.txt", "", "x.exe", "../../x");
            var type =
                    pick("text/plain", "text/markdown", "text/html", "application/pdf", "application/octet-stream", "");
            var content = random.nextInt(4) == 0
                    ? new byte[] {0, 1, 2, (byte) 0xFF, (byte) 0xC3, 0x28}
                    : ("Warranty " + value() + " two years.").getBytes(StandardCharsets.UTF_8);
            var out = new ByteArrayOutputStream();
            out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\""
                            + pick("file", "title", "")
                            + "\"; filename=\"" + filename + "\"\r\nContent-Type: " + type + "\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            out.writeBytes(content);
            out.writeBytes(("\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\n" + title
                            + "\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"url\"\r\n\r\n"
                            + pick("https://" + f.domain() + "/a", "", "ftp://x", "\u0000", "https://") + "\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            if (random.nextInt(5) > 0) {
                out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
            }
            var headers = "Authorization: " + authorization + "\r\nContent-Type: "
                    + (random.nextInt(8) == 0 ? "multipart/form-data" : "multipart/form-data; boundary=" + boundary)
                    + "\r\n" + extraHeaders();
            return raw("POST", maybeMangle(path), headers, out.toByteArray());
        }

        /** A request line or header that no client library would send. */
        private Sent brokenRequestLine() {
            var line = switch (random.nextInt(8)) {
                case 0 -> "GET /actuator/health\u0001 HTTP/1.1";
                case 1 -> "GET /api/sites/\u00ff\u00fe HTTP/1.1";
                case 2 -> "GET " + "/a".repeat(10_000) + " HTTP/1.1";
                case 3 -> "GET /ask HTTP/9.9";
                case 4 -> "G\u0000T /ask HTTP/1.1";
                case 5 -> "GET /actuator/health?" + "a=%".repeat(3) + " HTTP/1.1";
                case 6 -> "GET /ask?\u0000=1 HTTP/1.1";
                default -> "GET  /  HTTP/1.1";
            };
            var headers = random.nextBoolean() ? "X-Probe: a\rb\r\n" : "";
            var head = line + "\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n" + headers + "\r\n";
            return new Sent(
                    line.length() > 80 ? line.substring(0, 80) : line, head.getBytes(StandardCharsets.ISO_8859_1));
        }

        private Sent raw(String method, String target, String headers, byte[] body) {
            var head = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n"
                    + headers;
            if (body.length > 0 || method.equals("POST") || method.equals("PATCH")) {
                head += "Content-Length: " + body.length + "\r\n";
            }
            var out = new ByteArrayOutputStream();
            out.writeBytes((head + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.writeBytes(body);
            return new Sent(method + " " + abbreviateTarget(target), out.toByteArray());
        }

        private Sent withHeader(Sent sent, String header) {
            var text = new String(sent.bytes(), StandardCharsets.ISO_8859_1);
            var firstLineEnd = text.indexOf("\r\n") + 2;
            var bytes = (text.substring(0, firstLineEnd) + header + "\r\n" + text.substring(firstLineEnd))
                    .getBytes(StandardCharsets.ISO_8859_1);
            return new Sent(sent.label() + " [" + header + "]", bytes);
        }

        private String extraHeaders() {
            var headers = new StringBuilder();
            if (random.nextInt(4) == 0) {
                headers.append("Origin: ")
                        .append(pick(
                                "https://" + f.domain(),
                                "https://evil.example",
                                "null",
                                "file://" + f.domain(),
                                "https://evil.com\\@" + f.domain(),
                                ""))
                        .append("\r\n");
            }
            if (random.nextInt(10) == 0) {
                headers.append(pick(
                                "Accept: text/html",
                                "Accept: application/xml",
                                "Accept: */*;q=x",
                                "Accept-Encoding: gzip, br, zstd",
                                "Content-Encoding: gzip",
                                "X-Forwarded-For: 1.2.3.4, \u00ff",
                                "Range: bytes=0-1",
                                "Expect: 100-continue",
                                "X-Big: " + "h".repeat(random.nextInt(20_000)),
                                "Cookie: a=" + "%00".repeat(10),
                                "Accept-Language: \u00e9\u00e8"))
                        .append("\r\n");
            }
            return headers.toString();
        }

        // Paths, queries and credentials.

        private String maybeMangle(String path) {
            if (random.nextInt(8) != 0) {
                return path;
            }
            return switch (random.nextInt(9)) {
                case 0 -> path + "%00";
                case 1 -> path + "%2F..%2F";
                case 2 -> path + "\\x";
                case 3 -> path + "/" + "s".repeat(3000);
                case 4 -> path + ";a=b";
                case 5 -> path.replace("/", "//");
                case 6 -> path + "/%ZZ";
                case 7 -> path + "%2e%2e";
                default -> path.toUpperCase();
            };
        }

        private String junkPath() {
            return pick(
                    "/",
                    "/api",
                    "/api/",
                    "/widget",
                    "/widget/",
                    "/actuator",
                    "/actuator/env",
                    "/.env",
                    "/%00",
                    "/%2F",
                    "/\\",
                    "/a%25",
                    "/%c0%ae%c0%ae/",
                    "/" + "x".repeat(5000),
                    "/ask/",
                    "/yuno.js/",
                    "/api/sites/" + f.siteId() + "/nothing",
                    "/WIDGET/LEADS",
                    "/%E2%80%AE",
                    "/?=1&=2",
                    "/*");
        }

        private String pageQuery() {
            return switch (random.nextInt(10)) {
                case 0 -> "?=1";
                case 1 -> "?page=%ZZ";
                case 2 -> "?page=-1&size=0";
                case 3 -> "?page=" + Long.MAX_VALUE + "&size=99999999999";
                case 4 -> "?size=" + pick("a", "1.5", "%00", "", "1e3");
                case 5 -> "?page=1&page=2";
                case 6 -> "?x=" + "q".repeat(random.nextInt(10_000));
                case 7 -> "?" + "a=1&".repeat(random.nextInt(2000));
                case 8 -> "?page=0&size=2";
                default -> "";
            };
        }

        private String siteId() {
            return random.nextInt(6) == 0 ? segment(f.siteId()) : f.siteId();
        }

        private String victimOr() {
            return random.nextInt(4) == 0 ? randomId() : f.victimSiteId();
        }

        private String randomId() {
            return pick(
                    "AAAAAAAAAAAAAAAA",
                    "x",
                    "%00",
                    "a".repeat(300),
                    UUID.randomUUID().toString(),
                    "%2F",
                    "..");
        }

        private String segment(String valid) {
            return random.nextInt(3) == 0
                    ? pick(
                            "%00",
                            "a%2Fb",
                            "..",
                            "%",
                            "x".repeat(500),
                            "%E2%80%AE",
                            "a\\b",
                            "%ZZ",
                            UUID.randomUUID().toString(),
                            "-1")
                    : valid;
        }

        private String apiAuth() {
            return switch (random.nextInt(8)) {
                case 0 -> null;
                case 1 -> "Bearer wrong-key-" + random.nextInt();
                case 2 -> "Basic b3A6cGFzcw==";
                case 3, 4 -> "Bearer " + SiteApi.OPERATOR_KEY;
                default -> "Bearer " + f.ownerKey();
            };
        }

        private String operatorAuth() {
            return random.nextInt(4) == 0 ? apiAuth() : "Bearer " + SiteApi.OPERATOR_KEY;
        }

        private String widgetAuth() {
            return switch (random.nextInt(10)) {
                case 0 -> null;
                case 1 -> "Bearer " + "a".repeat(8192);
                case 2 -> "Bearer " + f.token().substring(0, f.token().length() - 3) + "abc";
                case 3 -> "Bearer " + SiteApi.OPERATOR_KEY;
                case 4 -> "Bearer";
                default -> "Bearer " + f.token();
            };
        }

        private static String abbreviateTarget(String target) {
            return target.length() > 120 ? target.substring(0, 120) + "...(" + target.length() + ")" : target;
        }

        @SafeVarargs
        private <T> T pick(T... options) {
            return options[random.nextInt(options.length)];
        }
    }
}
