package com.helloyuno.widget;

import static org.assertj.core.api.Assertions.assertThat;

import com.helloyuno.site.SiteApi;
import com.helloyuno.testsupport.Http;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** {@code GET /yuno.js} and {@code GET /demo} over real HTTP, as browsers fetch them. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"yuno.web.admin-api-key=" + SiteApi.OPERATOR_KEY})
class WidgetScriptIntegrationTests {

    private static final HttpClient CLIENT =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @LocalServerPort
    int port;

    Http http;
    SiteApi api;

    @BeforeEach
    void client() {
        http = new Http(port);
        api = new SiteApi(http, SiteApi.OPERATOR_KEY);
    }

    @Test
    void servesTheRepositorysScriptWithAStrongETagAndShortCaching() throws IOException {
        var response = http.get("/yuno.js");
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("Content-Type")).isEqualToIgnoringCase("text/javascript;charset=utf-8");
        assertThat(response.header("ETag")).matches("\"[A-Za-z0-9_-]{27}\"");
        assertThat(response.header("Cache-Control")).contains("public").contains("max-age=300");
        assertThat(response.header("Vary")).containsIgnoringCase("Accept-Encoding");
        assertThat(response.header("Content-Encoding")).isNull();
        // The file in the repository, as it is: the widget has no build step.
        assertThat(response.body()).isEqualTo(Files.readString(Path.of("widget/yuno.js")));
    }

    @Test
    void answers304WhenTheBrowsersCopyIsCurrent() {
        var etag = http.get("/yuno.js").header("ETag");
        var revalidated = http.get("/yuno.js", "If-None-Match", etag);
        assertThat(revalidated.status()).isEqualTo(304);
        assertThat(revalidated.body()).isEmpty();
        assertThat(revalidated.header("ETag")).isEqualTo(etag);
        assertThat(revalidated.header("Cache-Control")).contains("max-age=300");

        var stale = http.get("/yuno.js", "If-None-Match", "\"an-older-version\"");
        assertThat(stale.status()).isEqualTo(200);
        assertThat(stale.body()).isNotEmpty();
    }

    @Test
    void servesItGzippedToClientsThatAcceptItWithAnETagOfItsOwn() throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/yuno.js"))
                .header("Accept-Encoding", "gzip, deflate, br")
                .build();
        var response = CLIENT.send(request, HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Encoding")).hasValue("gzip");
        var etag = response.headers().firstValue("ETag").orElseThrow();
        assertThat(etag).endsWith("-gz\"").isNotEqualTo(http.get("/yuno.js").header("ETag"));
        try (var in = new GZIPInputStream(new ByteArrayInputStream(response.body()))) {
            assertThat(in.readAllBytes()).isEqualTo(Files.readAllBytes(Path.of("widget/yuno.js")));
        }
        assertThat(response.body().length).isLessThan(20 * 1024);

        var revalidated = CLIENT.send(
                HttpRequest.newBuilder(request.uri())
                        .header("Accept-Encoding", "gzip")
                        .header("If-None-Match", etag)
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(revalidated.statusCode()).isEqualTo(304);
    }

    @Test
    void gzipIsNotSentToClientsThatRefuseIt() {
        assertThat(WidgetScriptController.acceptsGzip("gzip")).isTrue();
        assertThat(WidgetScriptController.acceptsGzip("br, GZIP;q=0.5")).isTrue();
        assertThat(WidgetScriptController.acceptsGzip("gzip;q=0")).isFalse();
        assertThat(WidgetScriptController.acceptsGzip("gzip; q=0.0")).isFalse();
        assertThat(WidgetScriptController.acceptsGzip("br")).isFalse();
        assertThat(WidgetScriptController.acceptsGzip(null)).isFalse();
    }

    @Test
    void theDemoPageEmbedsTheWidgetOnTheDemoSiteUnderAStrictPolicy() {
        api.create("localhost");
        var page = http.get("/demo");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("Content-Type")).startsWith("text/html");
        var policy = page.header("Content-Security-Policy");
        assertThat(policy)
                .contains("default-src 'none'")
                .contains("script-src 'self';")
                .contains("connect-src 'self';")
                .contains("frame-ancestors 'none'");
        assertThat(page.header("Cache-Control")).contains("no-store");
        assertThat(page.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(page.body()).doesNotContain("{{site_id}}");

        var matcher = Pattern.compile("<script src=\"/yuno.js\" site_id=\"([A-Za-z0-9]{16})\"></script>")
                .matcher(page.body());
        assertThat(matcher.find()).as(page.body()).isTrue();
        var site = http.get("/api/sites/" + matcher.group(1), "Authorization", "Bearer " + SiteApi.OPERATOR_KEY);
        assertThat(site.status()).isEqualTo(200);
        assertThat(site.json().path("domain").asString()).isEqualTo("localhost");
    }

    @Test
    void withoutADemoSiteThePageSaysHowToMakeOne() {
        var template = "<script src=\"/yuno.js\" site_id=\"{{site_id}}\"></script>";
        assertThat(DemoPageController.render(template, null)).isEqualTo(DemoPageController.NO_DEMO_SITE);
        assertThat(DemoPageController.NO_DEMO_SITE).contains("No demo site yet").contains("/api/sites");
        assertThat(DemoPageController.render(template, "not a site id\"><script>"))
                .isEqualTo(DemoPageController.NO_DEMO_SITE);
        assertThat(DemoPageController.render(template, "a1B2c3D4e5F6g7H8"))
                .isEqualTo("<script src=\"/yuno.js\" site_id=\"a1B2c3D4e5F6g7H8\"></script>");
    }
}
