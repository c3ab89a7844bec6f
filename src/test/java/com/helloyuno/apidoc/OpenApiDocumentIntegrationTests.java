package com.helloyuno.apidoc;

import static org.assertj.core.api.Assertions.assertThat;

import com.helloyuno.site.SiteApi;
import com.helloyuno.testsupport.Http;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * The OpenAPI description the jar serves: written where CI lints it (scripts/api-lint.sh), and
 * checked for what users of {@code /v3/api-docs} found wrong with it before. That it describes the
 * answers truly is checked by every integration test ({@code testsupport.ApiContract}).
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "yuno.web.admin-api-key=" + SiteApi.OPERATOR_KEY)
class OpenApiDocumentIntegrationTests {

    /** snake_case, as the application's JSON naming writes every property. */
    private static final Pattern WIRE_NAME = Pattern.compile("[a-z][a-z0-9]*(_[a-z0-9]+)*");

    @LocalServerPort
    int port;

    Http http;
    JsonNode docs;

    @BeforeEach
    void read() {
        http = new Http(port);
        var response = http.get("/v3/api-docs");
        assertThat(response.status()).isEqualTo(200);
        docs = response.json();
    }

    /** What CI lints is exactly what the jar serves, not a copy kept by hand. */
    @Test
    void writesTheServedDocumentForTheLinter() throws IOException {
        var body = http.get("/v3/api-docs").body();
        var file = Path.of("target", "openapi", "yuno.json");
        Files.createDirectories(file.getParent());
        Files.writeString(file, body);
        assertThat(docs.path("openapi").asString()).startsWith("3.1.");
        assertThat(Files.readString(file)).isEqualTo(body);
    }

    @Test
    void wireSchemasNameNoCamelCaseProperty() {
        var names = new ArrayList<String>();
        properties(docs.path("components").path("schemas"), names);
        properties(docs.path("webhooks"), names);
        docs.path("paths")
                .forEach(item -> item.forEach(operation -> {
                    properties(operation, names);
                    operation.path("parameters").forEach(parameter -> {
                        if (!parameter.path("in").asString().equals("header")) {
                            names.add(parameter.path("name").asString());
                        }
                    });
                }));
        assertThat(names).contains("site_id", "session_id", "page_url", "lead_captured", "max_pages", "owner_key");
        assertThat(names).allSatisfy(name -> assertThat(name).matches(WIRE_NAME));
        docs.path("paths").propertyNames().forEach(path -> assertThat(path).doesNotContainPattern("\\{[a-z]+[A-Z]"));
    }

    /** Every property name under {@code node}, in schemas as deep as they go (inline ones too). */
    private static void properties(JsonNode node, List<String> names) {
        if (node.isObject()) {
            if (node.path("properties").isObject()) {
                node.path("properties").propertyNames().forEach(names::add);
            }
            node.forEach(child -> properties(child, names));
        } else if (node.isArray()) {
            node.forEach(child -> properties(child, names));
        }
    }

    @Test
    void askAnswersJsonOrAnEventStreamWithItsEvents() {
        var ok = docs.path("paths")
                .path("/ask")
                .path("post")
                .path("responses")
                .path("200")
                .path("content");
        assertThat(ok.has("application/json")).isTrue();
        var stream = ok.path("text/event-stream");
        assertThat(stream.isObject()).isTrue();
        assertThat(stream.path("x-sse-events").propertyNames())
                .containsExactly("meta", "token", "sources", "done", "error");
        assertThat(stream.path("x-sse-events")
                        .path("token")
                        .path("data")
                        .path("required")
                        .toString())
                .contains("text");
        assertThat(stream.path("example").asString()).startsWith("event: meta\n");
    }

    @Test
    void theWidgetsPublicEndpointsTakeNoCredentials() {
        for (var operation : List.of(
                operation("post", "/widget/authenticate"), operation("get", "/yuno.js"), operation("get", "/demo"))) {
            assertThat(operation.has("security")).isTrue();
            assertThat(operation.path("security").isEmpty()).isTrue();
        }
        assertThat(docs.has("security"))
                .as("no requirement for every operation")
                .isFalse();
    }

    @Test
    void eachOperationNamesTheCredentialsItTakes() {
        assertThat(security("post", "/ask")).isEqualTo("[{\"widgetToken\":[]}]");
        assertThat(security("post", "/widget/leads")).isEqualTo("[{\"widgetToken\":[]}]");
        // The token as a header, or in the body.
        assertThat(security("post", "/widget/verify")).isEqualTo("[{\"widgetToken\":[]},{}]");
        assertThat(security("post", "/widget/refresh")).isEqualTo("[{\"widgetToken\":[]},{}]");
        var operatorOnly = "[{\"operatorKey\":[]}]";
        assertThat(security("post", "/api/sites")).isEqualTo(operatorOnly);
        assertThat(security("get", "/api/sites")).isEqualTo(operatorOnly);
        assertThat(security("delete", "/api/sites/{site_id}")).isEqualTo(operatorOnly);
        var either = "[{\"operatorKey\":[]},{\"ownerKey\":[]}]";
        for (var call : List.of(
                List.of("get", "/api/sites/{site_id}"),
                List.of("patch", "/api/sites/{site_id}"),
                List.of("post", "/api/sites/{site_id}/owner-key"),
                List.of("post", "/api/sites/{site_id}/documents"),
                List.of("get", "/api/sites/{site_id}/leads"),
                List.of("delete", "/api/sites/{site_id}/conversations/{session_id}"))) {
            assertThat(security(call.get(0), call.get(1))).as(call.toString()).isEqualTo(either);
        }
    }

    @Test
    void successStatusesAreTheOnesTheServerAnswers() {
        assertThat(operation("post", "/api/sites").path("responses").propertyNames())
                .contains("201")
                .doesNotContain("200");
        assertThat(operation("post", "/api/sites/{site_id}/documents")
                        .path("responses")
                        .propertyNames())
                .contains("201", "200");
        assertThat(operation("post", "/widget/leads").path("responses").propertyNames())
                .contains("201", "202")
                .doesNotContain("200");
        assertThat(operation("post", "/api/sites/{site_id}/crawls")
                        .path("responses")
                        .propertyNames())
                .contains("202");
        assertThat(operation("delete", "/api/sites/{site_id}").path("responses").propertyNames())
                .contains("204");
    }

    @Test
    void everyErrorIsAProblemDocumentWithItsCodes() {
        var problem = docs.path("components").path("schemas").path("Problem");
        assertThat(problem.path("properties").propertyNames())
                .contains("type", "title", "status", "detail", "instance", "code", "errors", "window", "retry_after");
        assertThat(problem.path("required").toString()).contains("code");
        docs.path("paths")
                .forEach(item -> item.forEach(operation -> {
                    var responses = operation.path("responses");
                    assertThat(responses.has("400") && responses.has("500"))
                            .as(operation.path("operationId").asString())
                            .isTrue();
                    responses.propertyNames().stream()
                            .filter(s -> s.startsWith("4") || s.startsWith("5"))
                            .forEach(status -> {
                                var media =
                                        responses.path(status).path("content").path("application/problem+json");
                                assertThat(media.path("schema").toString())
                                        .as(operation.path("operationId").asString() + " " + status)
                                        .contains("#/components/schemas/Problem");
                                assertThat(media.path("schema")
                                                .path("allOf")
                                                .get(1)
                                                .path("properties")
                                                .path("code")
                                                .path("enum"))
                                        .isNotEmpty();
                            });
                }));
        var authenticate = operation("post", "/widget/authenticate").path("responses");
        assertThat(authenticate.path("409").toString()).contains("nonce_reused");
        assertThat(authenticate.path("404").toString()).contains("site_not_found");
        assertThat(operation("post", "/ask")
                        .path("responses")
                        .path("429")
                        .path("headers")
                        .has("Retry-After"))
                .isTrue();
    }

    @Test
    void requiredFieldsPatternsAndLimitsAreDescribed() {
        var schemas = docs.path("components").path("schemas");
        assertThat(schemas.path("CrawlRequest").path("required").toString()).contains("url");
        assertThat(schemas.path("AskRequest").path("required").toString()).contains("messages");
        assertThat(schemas.path("AskRequest")
                        .path("properties")
                        .path("messages")
                        .path("maxItems")
                        .asInt())
                .isEqualTo(50);
        assertThat(schemas.path("AskRequest")
                        .path("properties")
                        .path("session_id")
                        .path("pattern")
                        .asString())
                .isEqualTo("^[A-Za-z0-9_-]{1,64}$");
        assertThat(schemas.path("AuthenticateRequest")
                        .path("properties")
                        .path("site_id")
                        .path("pattern")
                        .asString())
                .isEqualTo("^[A-Za-z0-9]{16}$");
        var siteId = operation("get", "/api/sites/{site_id}").path("parameters").get(0);
        assertThat(siteId.path("schema").path("pattern").asString()).isEqualTo("^[A-Za-z0-9]{16}$");
        // An answer leaves out what it has not; a request may send null for what it may leave out.
        assertThat(schemas.path("Site").path("required").toString()).contains("site_id", "custom_config");
        assertThat(schemas.path("Site").path("required").toString()).doesNotContain("user_id");
        assertThat(schemas.path("Site")
                        .path("properties")
                        .path("user_id")
                        .path("type")
                        .asString())
                .isEqualTo("string");
        assertThat(schemas.path("UpdateSite")
                        .path("properties")
                        .path("theme")
                        .path("type")
                        .toString())
                .isEqualTo("[\"string\",\"null\"]");
    }

    /**
     * The page-size caps the description gives are the ones the server enforces: the cap is
     * accepted, one more is refused, for every list.
     */
    @Test
    void everyDocumentedPageSizeCapIsTheOneEnforced() {
        var site = new SiteApi(http, SiteApi.OPERATOR_KEY).create("caps-" + UUID.randomUUID() + ".example.com");
        var checked = new ArrayList<String>();
        docs.path("paths").forEachEntry((path, item) -> {
            var list = item.path("get");
            for (var parameter : list.path("parameters")) {
                if (!parameter.path("name").asString().equals("size")) {
                    continue;
                }
                var max = parameter.path("schema").path("maximum").asInt();
                assertThat(max).as(path).isPositive();
                var url = path.replace("{site_id}", site.siteId());
                var atCap = http.get(url + "?size=" + max, "Authorization", "Bearer " + SiteApi.OPERATOR_KEY);
                assertThat(atCap.status()).as(url + " at " + max).isEqualTo(200);
                var over = http.get(url + "?size=" + (max + 1), "Authorization", "Bearer " + SiteApi.OPERATOR_KEY);
                assertThat(over.status()).as(url + " at " + (max + 1)).isEqualTo(400);
                assertThat(over.json().path("errors").get(0).path("field").asString())
                        .isEqualTo("size");
                checked.add(path);
            }
        });
        assertThat(checked)
                .containsExactlyInAnyOrder(
                        "/api/sites",
                        "/api/sites/{site_id}/documents",
                        "/api/sites/{site_id}/leads",
                        "/api/sites/{site_id}/conversations",
                        "/api/sites/{site_id}/deliveries");
    }

    private JsonNode operation(String method, String path) {
        var operation = docs.path("paths").path(path).path(method);
        assertThat(operation.isObject()).as(method + " " + path).isTrue();
        return operation;
    }

    private String security(String method, String path) {
        return operation(method, path).path("security").toString();
    }
}
