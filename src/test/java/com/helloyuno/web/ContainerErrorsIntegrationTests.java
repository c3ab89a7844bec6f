package com.helloyuno.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.helloyuno.site.SiteApi;
import com.helloyuno.testsupport.FakeSentry;
import com.helloyuno.testsupport.Http;
import com.helloyuno.testsupport.RawHttp;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ClassPathResource;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.util.unit.DataSize;

/**
 * Errors that the servlet container raises before, or instead of, Spring MVC: malformed request
 * lines, parameters and headers. Each must be a 4xx problem document like every other error, and
 * none may reach Sentry. Sent over a raw socket, since a well-behaved client cannot send them.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "yuno.web.admin-api-key=" + SiteApi.OPERATOR_KEY,
            // Short here so that the stalled-body test is quick; the default is checked separately.
            "server.tomcat.connection-timeout=2s",
            // This cached context's crawler must not claim the crawl tests' jobs while they run.
            "yuno.knowledge.crawler.poll-interval=1h"
        })
class ContainerErrorsIntegrationTests {

    private static final FakeSentry sentry = new FakeSentry();

    @LocalServerPort
    int port;

    RawHttp raw;
    int sentryBefore;

    @DynamicPropertySource
    static void sentry(DynamicPropertyRegistry registry) {
        registry.add("sentry.dsn", sentry::dsn);
    }

    @AfterAll
    static void stopSentry() {
        sentry.close();
    }

    @BeforeEach
    void client() {
        raw = new RawHttp(port);
        sentryBefore = sentry.envelopes().size();
    }

    @AfterEach
    void nothingReachedSentry() throws InterruptedException {
        // Sentry's client sends in the background; give an event the time to arrive.
        Thread.sleep(300);
        assertThat(sentry.envelopes().subList(sentryBefore, sentry.envelopes().size()))
                .isEmpty();
    }

    @Test
    void anEmptyParameterNameIs400NotA500() {
        assertProblem(raw.get("/actuator/health?=1", ""), 400);
        assertProblem(raw.get("/api/sites?=1", "Authorization: Bearer " + SiteApi.OPERATOR_KEY + "\r\n"), 400);
        assertProblem(raw.get("/ask?=1", ""), 400, 401);
    }

    @Test
    void malformedPercentEncodingIs400() {
        assertProblem(raw.get("/api/sites?page=%ZZ", "Authorization: Bearer " + SiteApi.OPERATOR_KEY + "\r\n"), 400);
        assertProblem(raw.get("/actuator/health?a=%", ""), 400);
        assertProblem(raw.get("/api/sites/%ZZ", "Authorization: Bearer " + SiteApi.OPERATOR_KEY + "\r\n"), 400);
    }

    @Test
    void rejectedPathsAreProblemDocuments() {
        for (var path : new String[] {
            "/api/sites/a%2Fb",
            "/api/sites/a%00b",
            "/api/sites/a\\b",
            "/a/../../etc/passwd",
            "/api/%2e%2e/x",
            "/api//sites",
            "/api/sites;jsessionid=1",
            "/api/sites/a%5Cb",
            "/api/sites/%25"
        }) {
            var response = raw.get(path, "Authorization: Bearer " + SiteApi.OPERATOR_KEY + "\r\n");
            assertProblem(response, 400, 404);
        }
    }

    @Test
    void anUnknownPathBelowAnActuatorEndpointIsA404ProblemAndKnownOnesAreUntouched() {
        assertProblem(raw.get("/actuator/health/" + "s".repeat(3000), ""), 404);
        assertProblem(raw.get("/actuator/health/no-such-component", ""), 404);
        var liveness = raw.get("/actuator/health/liveness", "");
        assertThat(liveness.status()).isEqualTo(200);
        assertThat(liveness.json().path("status").asString()).isEqualTo("UP");
    }

    @Test
    void controlBytesInTheRequestLineOrHeadersAre400() {
        assertProblem(
                raw.send("GET /api/sites\u0001 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.ISO_8859_1)),
                400);
        assertProblem(raw.get("/actuator/health", "X-Probe: a\rb\r\n"), 400);
        assertProblem(raw.get("/actuator/health", "X-Probe: a\u0000b\r\n"), 400);
        assertProblem(raw.get("/actuator/health", "X Probe: a\r\n"), 400);
    }

    @Test
    void aMalformedMultipartBodyIs400() {
        var auth = "Authorization: Bearer " + SiteApi.OPERATOR_KEY + "\r\n";
        // No boundary, on an endpoint that takes none: the multipart resolver looks at every request.
        assertProblem(
                raw.send(
                        "PATCH",
                        "/api/sites/AAAAAAAAAAAAAAAA",
                        auth + "Content-Type: multipart/form-data\r\n",
                        "{}".getBytes(StandardCharsets.UTF_8)),
                400);
        assertProblem(
                raw.send(
                        "POST",
                        "/widget/verify",
                        "Content-Type: multipart/form-data; boundary=x\r\n",
                        "--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nb".getBytes(StandardCharsets.UTF_8)),
                400);
    }

    @Test
    void aWildcardContentTypeIs415() {
        var response = raw.send(
                "POST",
                "/widget/verify",
                "Content-Type: */*\r\n",
                "{\"token\":\"x\"}".getBytes(StandardCharsets.UTF_8));
        assertProblem(response, 415);
    }

    @Test
    void aParameterNameTheFirewallRefusesIs400() {
        // A control character in a name: the firewall checks names when a handler first reads them.
        assertProblem(raw.get("/actuator/health?%01=1", ""), 400);
    }

    @Test
    void theErrorPageItselfIsNotFound() {
        assertProblem(raw.get("/error", ""), 404);
    }

    @Test
    void anUnknownProtocolVersionIs400() {
        assertProblem(
                raw.send("GET /actuator/health HTTP/9.9\r\nHost: x\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.ISO_8859_1)),
                400);
    }

    @Test
    void aCrossOriginRequestThatIsRefusedIsAProblemDocument() {
        var domain = "cors-" + java.util.UUID.randomUUID() + ".example.com";
        new SiteApi(new Http(port), SiteApi.OPERATOR_KEY).create(domain);
        // An allowed origin, but a method the widget endpoints do not allow across origins.
        var response = raw.send(
                "OPTIONS",
                "/widget/authenticate",
                "Origin: https://" + domain + "\r\nAccess-Control-Request-Method: DELETE\r\n",
                new byte[0]);
        assertProblem(response, 403);
        assertThat(response.json().path("code").asString()).isEqualTo("origin_not_allowed");
    }

    @Test
    void aHeaderOverTheLimitIsAProblemDocument() {
        var response = raw.get("/actuator/health", "X-Big: " + "a".repeat(40_000) + "\r\n");
        assertProblem(response, 400, 431);
    }

    @Test
    void theLargestTokenTheWidgetAcceptsReachesItsOwnCheck() {
        var token = "a".repeat(8192);
        var response = raw.send(
                "POST",
                "/ask",
                "Authorization: Bearer " + token + "\r\nContent-Type: application/json\r\n",
                "{}".getBytes(StandardCharsets.UTF_8));
        assertProblem(response, 401);
        assertThat(response.json().path("code").asString()).isEqualTo("token_invalid");
    }

    @Test
    void aBodyThatStopsHalfWayReleasesTheConnectionWithinTheTimeout() {
        var partial = ("POST /widget/authenticate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 100\r\n\r\n{\"site_id\":")
                .getBytes(StandardCharsets.ISO_8859_1);
        var held = RawHttp.heldFor(port, partial, Duration.ofSeconds(30));
        // The configured 2 s, plus time for a busy machine: far from Tomcat's own 60 s or more.
        assertThat(held).isLessThan(Duration.ofSeconds(10));
        // Headers that stop half-way are let go within the same time.
        var headersHalfWay =
                "GET /actuator/health HTTP/1.1\r\nHost: x\r\nX-Probe: a".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(RawHttp.heldFor(port, headersHalfWay, Duration.ofSeconds(30)))
                .isLessThan(Duration.ofSeconds(10));
        // The server is fine afterwards.
        assertThat(new Http(port).get("/actuator/health").status()).isEqualTo(200);
    }

    @Test
    void theDefaultsFitTheLargestTokenAndReleaseStalledBodiesSoon() throws Exception {
        var yaml = new YamlPropertySourceLoader().load("application", new ClassPathResource("application.yaml"));
        var environment = new StandardEnvironment();
        yaml.forEach(environment.getPropertySources()::addLast);
        var binder = Binder.get(environment);
        var timeout =
                binder.bind("server.tomcat.connection-timeout", Duration.class).get();
        var headerSize = binder.bind("server.max-http-request-header-size", DataSize.class)
                .get();
        assertThat(timeout).isBetween(Duration.ofSeconds(5), Duration.ofSeconds(30));
        // "Authorization: Bearer " and an 8,192-character token, with room for the other headers.
        assertThat(headerSize.toBytes()).isGreaterThanOrEqualTo(8192 + 4096);
    }

    private static void assertProblem(RawHttp.Response response, int... statuses) {
        assertThat(response.status())
                .as(response.headers() + "\n" + response.body())
                .isIn(box(statuses));
        assertThat(response.header("Content-Type")).as(response.body()).startsWith("application/problem+json");
        var problem = response.json();
        assertThat(problem.path("status").asInt()).isEqualTo(response.status());
        assertThat(problem.path("code").asString()).isNotBlank();
        assertThat(response.body()).doesNotContain("Exception", "at org.", "Tomcat");
    }

    private static Object[] box(int[] statuses) {
        var boxed = new Object[statuses.length];
        for (int i = 0; i < statuses.length; i++) {
            boxed[i] = statuses[i];
        }
        return boxed;
    }
}
