package com.helloyuno.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.helloyuno.site.SiteApi;
import com.helloyuno.testsupport.FakeSentry;
import com.helloyuno.testsupport.Http;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * U+0000 and the other C0 controls but tab, CR and LF are refused wherever a client's text enters,
 * with a 400 that names the field: PostgreSQL cannot store a NUL, and no other control character
 * belongs in a question, a lead, a document's metadata or a site's settings.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "yuno.web.admin-api-key=" + SiteApi.OPERATOR_KEY,
            // This cached context's crawler must not claim the crawl tests' jobs while they run.
            "yuno.knowledge.crawler.poll-interval=1h"
        })
class ControlCharactersIntegrationTests {

    private static final FakeSentry sentry = new FakeSentry();
    private static final String NUL = "a\u0000b";

    @LocalServerPort
    int port;

    Http http;
    SiteApi api;
    SiteApi.Created site;
    String domain;
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
    void aSite() {
        http = new Http(port);
        api = new SiteApi(http, SiteApi.OPERATOR_KEY);
        domain = "c-" + UUID.randomUUID() + ".example.com";
        site = api.create(domain);
        sentryBefore = sentry.envelopes().size();
    }

    @AfterEach
    void nothingReachedSentry() throws InterruptedException {
        Thread.sleep(300);
        assertThat(sentry.envelopes().subList(sentryBefore, sentry.envelopes().size()))
                .isEmpty();
    }

    @Test
    void aNulInTheLeadFormIsRefusedNamingTheField() {
        var token = token();
        assertRefused(lead(token, Map.of("name", NUL, "email", "ann@example.com")), "name");
        assertRefused(lead(token, Map.of("name", "Ann", "email", "ann\u0000@example.com")), "email");
        assertRefused(lead(token, Map.of("email", "ann@example.com", "message", "call\u0007me")), "message");
    }

    @Test
    void tabsAndLineBreaksAreText() {
        var response = lead(token(), Map.of("name", "Ann", "email", "ann@example.com", "message", "one\ttwo\r\nthree"));
        assertThat(response.status()).as(response.body()).isEqualTo(201);
    }

    @Test
    void aNulInAQuestionIsRefusedNamingTheMessage() {
        var body = Map.of("messages", List.of(Map.of("role", "user", "content", NUL)), "session_id", "s-1");
        var response = http.post(
                "/ask", Http.json(body), "Authorization", "Bearer " + token(), "Content-Type", "application/json");
        assertRefused(response, "messages[0].content");
    }

    @Test
    void aNulInADocumentIsRefusedNamingTheField() {
        assertRefused(document(Map.of("title", NUL, "content", "Refunds within thirty days.")), "title");
        assertRefused(document(Map.of("content", "Refunds\u0000 within thirty days.")), "content");
    }

    @Test
    void aNulInAnUploadsFieldsIsRefusedNamingTheField() throws Exception {
        var boundary = "yuno-boundary-42";
        var multipart = new ByteArrayOutputStream();
        multipart.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n"
                        + "Content-Type: text/plain\r\n\r\nWarranty: two years.\r\n--" + boundary
                        + "\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\n" + NUL + "\r\n--" + boundary
                        + "--\r\n")
                .getBytes(StandardCharsets.UTF_8));
        var request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/api/sites/" + site.siteId() + "/documents"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(multipart.toByteArray()));
        var response = http.send(
                request,
                "Authorization",
                "Bearer " + site.ownerKey(),
                "Content-Type",
                "multipart/form-data; boundary=" + boundary);
        assertRefused(response, "title");
    }

    @Test
    void aFileWhoseBytesHoldNulIsStoredWithoutThem() throws Exception {
        var boundary = "yuno-boundary-43";
        var multipart = new ByteArrayOutputStream();
        multipart.write(("--" + boundary
                        + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"guide\u0001.md\"\r\n"
                        + "Content-Type: text/markdown\r\n\r\n# Ti\u0000tle\n\nWarranty\u0000 lasts two years.\n\n```\n"
                        + "code\u0000\tblock\n```\n\r\n--" + boundary + "--\r\n")
                .getBytes(StandardCharsets.UTF_8));
        var request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/api/sites/" + site.siteId() + "/documents"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(multipart.toByteArray()));
        var response = http.send(
                request,
                "Authorization",
                "Bearer " + site.ownerKey(),
                "Content-Type",
                "multipart/form-data; boundary=" + boundary);
        assertThat(response.status()).as(response.body()).isEqualTo(201);
    }

    @Test
    void aNulInASiteIsRefusedNamingTheField() {
        var created = http.post(
                "/api/sites",
                Http.json(Map.of("domain", "n-" + UUID.randomUUID() + ".example.com", "user_id", NUL)),
                "Authorization",
                "Bearer " + SiteApi.OPERATOR_KEY,
                "Content-Type",
                "application/json");
        assertRefused(created, "user_id");

        assertRefused(api.patch(site.siteId(), Map.of("user_id", NUL)), "user_id");
        assertRefused(
                api.patch(site.siteId(), Map.of("custom_config", Map.of("bot_name", NUL))), "custom_config.bot_name");
        assertRefused(
                api.patch(site.siteId(), Map.of("custom_config", Map.of("system_prompt", "Be kind\u001b[0m"))),
                "custom_config.system_prompt");
        assertRefused(
                api.patch(site.siteId(), Map.of("additional_domains", List.of("ok.example.com", NUL))),
                "additional_domains[1]");
    }

    @Test
    void aControlCharacterInAPathSegmentIsRefusedNamingIt() {
        var response = http.get(
                "/api/sites/" + site.siteId() + "/conversations/s%01x", "Authorization", "Bearer " + site.ownerKey());
        assertRefused(response, "session_id");
    }

    @Test
    void aControlCharacterInAKeyIsRefusedToo() {
        var response = api.patch(site.siteId(), Map.of("custom_config", Map.of("bot\u0000name", "x")));
        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        assertThat(response.json().path("code").asString()).isEqualTo("invalid_request");
    }

    private String token() {
        var response = http.post(
                "/widget/authenticate",
                Http.json(Map.of("site_id", site.siteId(), "domain", domain, "nonce", "nonce-" + UUID.randomUUID())),
                "Content-Type",
                "application/json");
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json().path("token").asString();
    }

    private Http.Response lead(String token, Map<String, Object> form) {
        return http.post(
                "/widget/leads",
                Http.json(form),
                "Authorization",
                "Bearer " + token,
                "Content-Type",
                "application/json");
    }

    private Http.Response document(Map<String, Object> body) {
        return http.post(
                "/api/sites/" + site.siteId() + "/documents",
                Http.json(body),
                "Authorization",
                "Bearer " + site.ownerKey(),
                "Content-Type",
                "application/json");
    }

    private static void assertRefused(Http.Response response, String field) {
        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        var problem = response.json();
        assertThat(problem.path("code").asString()).isEqualTo("invalid_request");
        assertThat(problem.path("errors").get(0).path("field").asString()).isEqualTo(field);
        assertThat(problem.path("detail").asString()).contains(field).contains("control character");
        assertThat(response.body()).doesNotContain("\\u0000");
    }
}
