package com.helloyuno.apidoc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.helloyuno.site.SiteApi;
import com.helloyuno.testsupport.ApiContract;
import com.helloyuno.testsupport.Http;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The check every integration test runs through {@link Http} catches a controller that drifts
 * from the served description: hand-made answers that differ from real ones in one way each are
 * refused, naming the operation and what differs, while the real ones pass.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "yuno.web.admin-api-key=" + SiteApi.OPERATOR_KEY)
class ContractDriftIntegrationTests {

    private static final Map<String, List<String>> JSON = Map.of("Content-Type", List.of("application/json"));
    private static final Map<String, List<String>> PROBLEM_JSON =
            Map.of("Content-Type", List.of("application/problem+json"));

    @LocalServerPort
    int port;

    Http http;
    ApiContract contract;
    SiteApi.Created site;
    String siteBody;

    @BeforeEach
    void site() {
        http = new Http(port);
        contract = ApiContract.servedAt("http://127.0.0.1:" + port);
        site = new SiteApi(http, SiteApi.OPERATOR_KEY).create("drift-" + UUID.randomUUID() + ".example.com");
        var read = http.get("/api/sites/" + site.siteId(), "Authorization", "Bearer " + site.ownerKey());
        assertThat(read.status()).isEqualTo(200);
        siteBody = read.body();
    }

    private ApiContract.Exchange getSite(int status, Map<String, List<String>> headers, String body) {
        return new ApiContract.Exchange(
                "GET",
                URI.create("/api/sites/" + site.siteId()),
                Map.of("Authorization", List.of("Bearer " + site.ownerKey())),
                null,
                status,
                headers,
                body);
    }

    @Test
    void theRealAnswerKeepsToTheDescription() {
        assertThat(contract.problems(getSite(200, JSON, siteBody))).isEmpty();
    }

    @Test
    void aCamelCasePropertyIsADrift() {
        var drifted = siteBody.replace("\"site_id\"", "\"siteId\"");
        assertThat(drifted).isNotEqualTo(siteBody);
        assertThatThrownBy(() -> contract.check(getSite(200, JSON, drifted)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("operation getSite, GET /api/sites/{site_id}")
                .hasMessageContaining("site_id")
                .hasMessageContaining("siteId");
    }

    @Test
    void aPropertyTheDescriptionDoesNotNameIsADrift() {
        var drifted = siteBody.replaceFirst("\\{", "{\"secret_sauce\":true,");
        assertThat(contract.problems(getSite(200, JSON, drifted)))
                .anySatisfy(problem -> assertThat(problem).contains("secret_sauce"));
    }

    @Test
    void aWrongTypeIsADrift() {
        var drifted = siteBody.replace("\"widget_enabled\":true", "\"widget_enabled\":\"yes\"");
        assertThat(drifted).isNotEqualTo(siteBody);
        assertThat(contract.problems(getSite(200, JSON, drifted)))
                .anySatisfy(problem -> assertThat(problem).contains("widget_enabled"));
    }

    @Test
    void aStatusTheOperationDoesNotListIsADrift() {
        assertThat(contract.problems(getSite(202, JSON, siteBody)))
                .anySatisfy(problem -> assertThat(problem).contains("202"));
    }

    @Test
    void aProblemWithACodeNotListedForItsStatusIsADrift() {
        var listed = problem(404, "site_not_found");
        assertThat(contract.problems(getSite(404, PROBLEM_JSON, listed))).isEmpty();
        assertThat(contract.problems(getSite(404, PROBLEM_JSON, problem(404, "nonce_reused"))))
                .anySatisfy(problem -> assertThat(problem).contains("code"));
        assertThat(contract.problems(getSite(404, JSON, "{\"error\":\"not found\"}")))
                .isNotEmpty();
    }

    @Test
    void aRequestTheDescriptionRefusesMustBeRefused() {
        // size=0 is under the documented minimum.
        var list = new ApiContract.Exchange(
                "GET",
                URI.create("/api/sites?size=0"),
                Map.of("Authorization", List.of("Bearer " + SiteApi.OPERATOR_KEY)),
                null,
                400,
                PROBLEM_JSON,
                problem(400, "invalid_request"));
        assertThat(contract.problems(list)).isEmpty();
        var accepted = new ApiContract.Exchange(
                list.method(),
                list.uri(),
                list.requestHeaders(),
                null,
                200,
                JSON,
                "{\"items\":[],\"page\":0,\"size\":0,\"total\":0}");
        assertThat(contract.problems(accepted))
                .anySatisfy(problem -> assertThat(problem).contains("accepted a request that the description refuses"));
    }

    @Test
    void everyEventOfAStreamIsChecked() {
        var stream = """
                event: meta
                data: {"session_id":"s_1","message_id":"0f8b6d3e-4c1a-4f7e-9a51-2d3c8e6b7a90"}

                event: token
                data: {"text":"Hello"}

                event: sources
                data: []

                event: done
                data: {"lead_captured":false,"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}

                """;
        assertThat(contract.problems(askStream(stream))).isEmpty();
        assertThat(contract.problems(askStream(stream.replace("{\"text\":\"Hello\"}", "{\"txt\":\"Hello\"}"))))
                .anySatisfy(problem -> assertThat(problem).contains("event 'token'"));
        assertThat(contract.problems(askStream(stream.replace("event: sources", "event: citations"))))
                .anySatisfy(problem -> assertThat(problem).contains("'citations'"));
        assertThat(contract.problems(askStream(stream.replace("event: done", "event: token"))))
                .anySatisfy(problem -> assertThat(problem).contains("order"));
    }

    private ApiContract.Exchange askStream(String body) {
        var question = "{\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}";
        return new ApiContract.Exchange(
                "POST",
                URI.create("/ask"),
                Map.of(
                        "Authorization", List.of("Bearer a.b.c"),
                        "Content-Type", List.of("application/json"),
                        "Accept", List.of("text/event-stream")),
                question.getBytes(StandardCharsets.UTF_8),
                200,
                Map.of(
                        "Content-Type", List.of("text/event-stream;charset=UTF-8"),
                        "RateLimit-Policy", List.of("\"minute\";q=30;w=60"),
                        "RateLimit", List.of("\"minute\";r=29;t=60")),
                body);
    }

    @Test
    void errorsOutsideTheDescriptionAreProblemDocumentsToo() {
        var nowhere = new ApiContract.Exchange(
                "GET", URI.create("/nowhere"), Map.of(), null, 404, PROBLEM_JSON, problem(404, "not_found"));
        assertThat(contract.problems(nowhere)).isEmpty();
        var notAProblem = new ApiContract.Exchange(
                "GET", URI.create("/nowhere"), Map.of(), null, 404, PROBLEM_JSON, "{\"message\":\"Not Found\"}");
        assertThat(contract.problems(notAProblem)).isNotEmpty();
    }

    private static String problem(int status, String code) {
        return "{\"type\":\"https://helloyuno.com/problems/" + code + "\",\"title\":\"Whatever\",\"status\":" + status
                + ",\"detail\":\"Something.\",\"instance\":\"/api/sites\",\"code\":\"" + code + "\"}";
    }
}
