package com.helloyuno.knowledge;

import static org.assertj.core.api.Assertions.assertThat;

import com.helloyuno.site.SiteApi;
import com.helloyuno.testsupport.Http;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The documents and crawls endpoints through real HTTP, with the operator and owner keys. */
class DocumentApiIntegrationTests extends KnowledgeIntegrationTest {

    @LocalServerPort
    int port;

    Http http;
    SiteApi.Created site;

    @BeforeEach
    void aSiteMadeThroughTheApi() {
        http = new Http(port);
        site = new SiteApi(http, OPERATOR_KEY).create("localhost");
    }

    @Test
    void addsListsAndDeletesADocumentWithTheOwnerKey() {
        var body = Map.of(
                "title", "Refunds",
                "url", "https://shop.example/refunds",
                "content", "# Refunds\nWithin thirty days.\n\n# Exchanges\nAny time.",
                "content_type", "text/markdown");

        var created = post(site.ownerKey(), body);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        var documentId = created.json().path("document_id").asString();
        assertThat(created.json().path("chunks").asInt()).isEqualTo(2);

        var again = post(site.ownerKey(), body);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().path("document_id").asString()).isEqualTo(documentId);
        assertThat(again.json().path("duplicate").asBoolean()).isTrue();

        var list = http.get(documents(), auth(site.ownerKey()));
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.json().path("total").asLong()).isEqualTo(1);
        var item = list.json().path("items").get(0);
        assertThat(item.path("document_id").asString()).isEqualTo(documentId);
        assertThat(item.path("chunks").asInt()).isEqualTo(2);
        assertThat(item.path("content_type").asString()).isEqualTo("text/markdown");
        assertThat(item.path("url").asString()).isEqualTo("https://shop.example/refunds");

        var deleted = http.method("DELETE", documents() + "/" + documentId, null, auth(site.ownerKey()));
        assertThat(deleted.status()).isEqualTo(204);
        var gone = http.method("DELETE", documents() + "/" + documentId, null, auth(site.ownerKey()));
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.json().path("code").asString()).isEqualTo("document_not_found");
    }

    @Test
    void uploadsAPdfAsAMultipartFile() throws Exception {
        var pdf = TextExtractorTests.pdf("Warranty", "The warranty lasts two years.");
        var boundary = "yuno-boundary-42";
        var multipart = new ByteArrayOutputStream();
        multipart.write(
                ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"warranty.pdf\"\r\n"
                                + "Content-Type: application/pdf\r\n\r\n")
                        .getBytes(StandardCharsets.UTF_8));
        multipart.write(pdf);
        multipart.write(("\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"url\"\r\n\r\n"
                        + "https://shop.example/warranty.pdf\r\n--" + boundary + "--\r\n")
                .getBytes(StandardCharsets.UTF_8));
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + documents()))
                .POST(HttpRequest.BodyPublishers.ofByteArray(multipart.toByteArray()));

        var response = http.send(
                request,
                "Authorization",
                "Bearer " + OPERATOR_KEY,
                "Content-Type",
                "multipart/form-data; boundary=" + boundary);

        assertThat(response.status()).as(response.body()).isEqualTo(201);
        var list =
                http.get(documents(), auth(OPERATOR_KEY)).json().path("items").get(0);
        assertThat(list.path("title").asString()).isEqualTo("Warranty");
        assertThat(list.path("source").asString()).isEqualTo("upload");
        assertThat(list.path("content_type").asString()).isEqualTo("application/pdf");
    }

    @Test
    void triesAQuestionAgainstTheSitesKnowledgeAndShowsThePassagesWithScores() {
        post(
                site.ownerKey(),
                Map.of(
                        "title", "Refunds <img src=x onerror=alert(1)>",
                        "content", "# Refunds\nRefunds are paid within thirty days of a return.",
                        "content_type", "text/markdown"));
        var other = new SiteApi(http, OPERATOR_KEY).create("other.example");
        var stored = http.post(
                "/api/sites/" + other.siteId() + "/documents",
                Http.json(Map.of("title", "Other", "content", "Refunds elsewhere take a year.")),
                "Authorization",
                "Bearer " + other.ownerKey(),
                "Content-Type",
                "application/json");
        assertThat(stored.status()).isEqualTo(201);

        var search = "/api/sites/" + site.siteId() + "/knowledge/search";
        var found = http.post(
                search,
                Http.json(Map.of("question", "How long do refunds take?")),
                "Authorization",
                "Bearer " + site.ownerKey(),
                "Content-Type",
                "application/json");
        assertThat(found.status()).as(found.body()).isEqualTo(200);
        var passages = found.json().path("passages");
        assertThat(passages.size()).isEqualTo(1);
        assertThat(passages.get(0).path("title").asString()).isEqualTo("Refunds <img src=x onerror=alert(1)>");
        assertThat(passages.get(0).path("heading_path").asString()).isEqualTo("Refunds");
        assertThat(passages.get(0).path("content").asString()).contains("thirty days");
        assertThat(passages.get(0).path("score").asDouble()).isBetween(0.0, 1.0).isPositive();

        // Another site's owner finds nothing of it: the site is not theirs.
        var foreign = http.post(
                search,
                Http.json(Map.of("question", "refunds")),
                "Authorization",
                "Bearer " + other.ownerKey(),
                "Content-Type",
                "application/json");
        assertProblem(foreign, 404, "site_not_found");
        assertProblem(
                http.post(
                        search,
                        Http.json(Map.of("question", " ")),
                        "Authorization",
                        "Bearer " + site.ownerKey(),
                        "Content-Type",
                        "application/json"),
                400,
                "invalid_request");
        assertProblem(
                http.post(
                        search,
                        Http.json(Map.of("question", "refunds", "top_k", 21)),
                        "Authorization",
                        "Bearer " + site.ownerKey(),
                        "Content-Type",
                        "application/json"),
                400,
                "invalid_request");
    }

    @Test
    void badDocumentsGetProblems() {
        assertProblem(post(OPERATOR_KEY, Map.of("content", "")), 400, "document_empty");
        assertProblem(
                post(OPERATOR_KEY, Map.of("content", "x", "content_type", "application/json")),
                415,
                "unsupported_media_type");
        assertProblem(post(OPERATOR_KEY, Map.of("content", 42)), 400, "invalid_request");
        assertProblem(post(OPERATOR_KEY, Map.of("content", "x", "url", "ftp://example.com/")), 400, "invalid_request");
        assertProblem(post(OPERATOR_KEY, Map.of("content", "x".repeat(70_000))), 413, "payload_too_large");
    }

    @Test
    void theDocumentListIsPagedUpToItsConfiguredSize() {
        assertThat(http.get(documents() + "?size=200", auth(OPERATOR_KEY)).status())
                .isEqualTo(200);
        var tooLarge = http.get(documents() + "?size=201", auth(OPERATOR_KEY));
        assertProblem(tooLarge, 400, "invalid_request");
        assertThat(tooLarge.json().path("detail").asString()).isEqualTo("Invalid value for size: must be at most 200.");
    }

    @Test
    void anotherSitesOwnerSeesNothing() {
        var other = new SiteApi(http, OPERATOR_KEY).create("other.example");
        post(site.ownerKey(), Map.of("content", "Private knowledge."));

        assertProblem(http.get(documents(), auth(other.ownerKey())), 404, "site_not_found");
        assertProblem(post(other.ownerKey(), Map.of("content", "Sneaky.")), 404, "site_not_found");
        assertProblem(
                http.post(
                        "/api/sites/" + site.siteId() + "/crawls",
                        Http.json(Map.of("url", "http://localhost/")),
                        "Authorization",
                        "Bearer " + other.ownerKey(),
                        "Content-Type",
                        "application/json"),
                404,
                "site_not_found");
        assertThat(http.get(documents()).status()).isEqualTo(401);
    }

    @Test
    void crawlsOfPrivateAddressesOtherSchemesAndOtherHostsAreRefused() {
        assertProblem(crawl(Map.of("url", "http://localhost:8080/")), 400, "address_not_allowed");
        assertProblem(crawl(Map.of("url", "file:///etc/passwd")), 400, "url_scheme_not_allowed");
        assertProblem(crawl(Map.of("url", "https://evil.example.net/sitemap.xml")), 400, "url_outside_site");
        assertProblem(crawl(Map.of("url", "http://localhost/", "max_pages", 0)), 400, "invalid_request");
        assertProblem(crawl(Map.of("url", "http://localhost/", "max_pages", "5")), 400, "invalid_request");
        assertProblem(
                http.get("/api/sites/" + site.siteId() + "/crawls/not-a-job", auth(OPERATOR_KEY)),
                404,
                "crawl_not_found");
    }

    private Http.Response post(String key, Map<String, ?> body) {
        return http.post(
                documents(), Http.json(body), "Authorization", "Bearer " + key, "Content-Type", "application/json");
    }

    private Http.Response crawl(Map<String, ?> body) {
        return http.post(
                "/api/sites/" + site.siteId() + "/crawls",
                Http.json(body),
                "Authorization",
                "Bearer " + site.ownerKey(),
                "Content-Type",
                "application/json");
    }

    private String documents() {
        return "/api/sites/" + site.siteId() + "/documents";
    }

    private static String[] auth(String key) {
        return new String[] {"Authorization", "Bearer " + key};
    }

    private static void assertProblem(Http.Response response, int status, String code) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.json().path("code").asString()).as(response.body()).isEqualTo(code);
    }
}
