package com.helloyuno.problem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.helloyuno.testsupport.FakeSentry;
import com.helloyuno.testsupport.Http;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Every kind of error comes back as an RFC 9457 problem with the contract's {@code code}, from
 * controllers, from the security filters and from the container, and a 500 reaches Sentry.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"yuno.web.admin-api-key=operator-key-for-tests-0123456789", "yuno.web.max-request-body=1KB"})
@Import(ProblemDetailsIntegrationTests.Probe.class)
class ProblemDetailsIntegrationTests {

    private static final FakeSentry sentry = new FakeSentry();

    @LocalServerPort
    int port;

    Http http;

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
        http = new Http(port);
    }

    @Test
    void malformedJsonIs400InvalidRequest() {
        var response = http.post("/probe/echo", "{\"name\": ", "Content-Type", "application/json");
        assertProblem(response, 400, "invalid_request");
        assertThat(response.json().path("detail").asString()).isEqualTo("The request body is not valid JSON.");
        assertThat(response.json().path("instance").asString()).isEqualTo("/probe/echo");
    }

    @Test
    void aWrongTypeNamesTheField() {
        var response = http.post("/probe/echo", "{\"name\": 42}", "Content-Type", "application/json");
        assertProblem(response, 400, "invalid_request");
        assertThat(response.json().path("detail").asString()).contains("name");
    }

    @Test
    void aConstraintViolationNamesTheFieldInSnakeCase() {
        var response = http.post(
                "/probe/echo", "{\"name\": \"\", \"display_name\": \"ok\"}", "Content-Type", "application/json");
        assertProblem(response, 400, "invalid_request");
        assertThat(response.json().path("errors").get(0).path("field").asString())
                .isEqualTo("name");

        var tooLong = http.post(
                "/probe/echo",
                "{\"name\": \"x\", \"display_name\": \"" + "y".repeat(50) + "\"}",
                "Content-Type",
                "application/json");
        assertProblem(tooLong, 400, "invalid_request");
        assertThat(tooLong.json().path("errors").get(0).path("field").asString())
                .isEqualTo("display_name");
    }

    @Test
    void anApiExceptionKeepsItsStatusCodeAndHeaders() {
        var response = http.get("/probe/conflict");
        assertProblem(response, 409, "nonce_reused");
        assertThat(response.json().path("detail").asString()).isEqualTo("That nonce was used already.");
        assertThat(response.header("X-Probe")).isEqualTo("yes");
    }

    @Test
    void unknownPathIs404() {
        assertProblem(http.get("/no/such/thing"), 404, "not_found");
    }

    @Test
    void wrongMethodIs405() {
        assertProblem(http.method("DELETE", "/probe/echo", null), 405, "method_not_allowed");
    }

    @Test
    void wrongContentTypeIs415() {
        assertProblem(
                http.post("/probe/echo", "name=x", "Content-Type", "application/x-www-form-urlencoded"),
                415,
                "unsupported_media_type");
    }

    @Test
    void oversizedBodyIs413WhetherDeclaredOrStreamed() {
        var body = "{\"name\": \"" + "x".repeat(2000) + "\"}";
        assertProblem(http.post("/probe/echo", body, "Content-Type", "application/json"), 413, "payload_too_large");

        // No Content-Length: the body is chunked and refused while it is read.
        var chunked = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/probe/echo"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new java.io.ByteArrayInputStream(body.getBytes())));
        assertProblem(http.send(chunked), 413, "payload_too_large");
    }

    @Test
    void apiWithoutKeyIs401FromTheSecurityFilter() {
        var response = http.get("/api/sites");
        assertProblem(response, 401, "unauthorized");
        assertThat(response.header("WWW-Authenticate")).startsWith("Bearer");
    }

    @Test
    void apiWithAWrongKeyIs401() {
        assertProblem(http.get("/api/sites", "Authorization", "Bearer nope"), 401, "unauthorized");
        assertProblem(http.get("/api/sites", "Authorization", "Basic b3A6cGFzcw=="), 401, "unauthorized");
    }

    @Test
    void unexpectedErrorIs500WithoutInternalsAndReachesSentry() {
        var response = http.get("/probe/explode");
        assertProblem(response, 500, "internal_error");
        assertThat(response.body())
                .doesNotContain("IllegalStateException", "secret-internal-state", "at com.", "Exception");

        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(sentry.envelopes())
                        .anyMatch(e -> e.contains("IllegalStateException") && e.contains("secret-internal-state")));
    }

    @Test
    void clientErrorsDoNotReachSentry() {
        var before = sentry.envelopes().size();
        http.get("/probe/conflict");
        http.get("/no/such/thing");
        http.get("/probe/explode");
        await().atMost(Duration.ofSeconds(10)).until(() -> sentry.envelopes().size() > before);
        assertThat(sentry.envelopes().subList(before, sentry.envelopes().size()))
                .noneMatch(e -> e.contains("nonce_reused") || e.contains("NoResourceFound"));
    }

    @Test
    void htmlClientsGetTheSameProblemShape() {
        var response = http.get("/no/such/thing", "Accept", "text/html");
        assertThat(response.status()).isEqualTo(404);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
    }

    private static void assertProblem(Http.Response response, int status, String code) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        var problem = response.json();
        assertThat(problem.path("status").asInt()).isEqualTo(status);
        assertThat(problem.path("code").asString()).isEqualTo(code);
        assertThat(problem.path("title").asString()).isNotBlank();
        assertThat(problem.path("type").asString()).endsWith("/" + code);
        assertThat(problem.path("detail").asString()).isNotBlank();
        assertThat(response.body()).doesNotContain("trace", "exception", "org.springframework", "java.");
    }

    record Echo(@NotBlank String name, @Size(max = 20) String displayName) {}

    static final class ProbeConflict extends ApiException {
        ProbeConflict() {
            super(HttpStatus.CONFLICT, "nonce_reused", "That nonce was used already.");
        }

        @Override
        public java.util.Map<String, String> headers() {
            return java.util.Map.of("X-Probe", "yes");
        }
    }

    /** Endpoints that fail on purpose; only this test's context has them. */
    @RestController
    static class Probe {
        @PostMapping("/probe/echo")
        Echo echo(@Valid @RequestBody Echo echo) {
            return echo;
        }

        @GetMapping("/probe/conflict")
        void conflict() {
            throw new ProbeConflict();
        }

        @GetMapping("/probe/explode")
        void explode() {
            throw new IllegalStateException("secret-internal-state");
        }
    }
}
