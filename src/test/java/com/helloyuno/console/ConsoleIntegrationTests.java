package com.helloyuno.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.helloyuno.site.SiteApi;
import com.helloyuno.testsupport.Http;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * {@code GET /console} and its files over real HTTP: public (no key: the data comes through the
 * API), the repository's files as they are, and a policy that lets no inline or foreign script run.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"yuno.web.admin-api-key=" + SiteApi.OPERATOR_KEY})
class ConsoleIntegrationTests {

    private static final Pattern SCRIPT_TAG = Pattern.compile("<script\\b([^>]*)>", Pattern.CASE_INSENSITIVE);

    @LocalServerPort
    int port;

    Http http;

    @BeforeEach
    void client() {
        http = new Http(port);
    }

    @Test
    void servesThePageWithoutAKeyAndWithAStrictPolicy() throws IOException {
        for (var path : new String[] {"/console", "/console/"}) {
            var response = http.get(path);
            assertThat(response.status()).as(path).isEqualTo(200);
            assertThat(response.header("Content-Type")).isEqualToIgnoringCase("text/html;charset=utf-8");
            assertThat(response.body()).isEqualTo(Files.readString(Path.of("console/index.html")));
            assertStrictPolicy(response);
        }
        // Every script of the page is a file of this server: none is inline, none comes from elsewhere.
        var page = Files.readString(Path.of("console/index.html"));
        var scripts = SCRIPT_TAG.matcher(page);
        var count = 0;
        while (scripts.find()) {
            count++;
            assertThat(scripts.group(1)).contains("src=\"/console/");
        }
        assertThat(count).isPositive();
        assertThat(page).doesNotContainIgnoringCase("http://").doesNotContainIgnoringCase("https://");
        assertThat(page).doesNotContainPattern("(?i)\\son[a-z]+=");
    }

    @Test
    void servesItsScriptsAndStylesAsTheyAreInTheRepository() throws IOException {
        var script = http.get("/console/console.js");
        assertThat(script.status()).isEqualTo(200);
        assertThat(script.header("Content-Type")).isEqualToIgnoringCase("text/javascript;charset=utf-8");
        assertThat(script.body()).isEqualTo(Files.readString(Path.of("console/console.js")));
        assertThat(script.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertStrictPolicy(script);

        var style = http.get("/console/console.css");
        assertThat(style.status()).isEqualTo(200);
        assertThat(style.header("Content-Type")).isEqualToIgnoringCase("text/css;charset=utf-8");
        // Self-contained: no remote font, image or import at run time.
        for (var file : new String[] {"console.css", "console.js"}) {
            assertThat(Files.readString(Path.of("console", file)))
                    .as(file)
                    .doesNotContainPattern("(?i)(url\\(|@import|import\\s).{0,20}https?://");
        }
    }

    @Test
    void unknownFilesAreProblemsAndNothingOutsideTheConsoleIsReachable() {
        for (var path : new String[] {
            "/console/missing.js", "/console/application.yaml", "/console/Console.JS", "/console/%2e%2e%2fpom.xml"
        }) {
            var response = http.get(path);
            assertThat(response.status()).as(path).isIn(400, 404);
            assertThat(response.header("Content-Type")).as(path).startsWith("application/problem+json");
        }
    }

    @Test
    void theApiStillWantsAKey() {
        var response = http.get("/api/sites");
        assertThat(response.status()).isEqualTo(401);
        assertThat(response.json().path("code").asString()).isEqualTo("unauthorized");
    }

    private static void assertStrictPolicy(Http.Response response) {
        var policy = response.header("Content-Security-Policy");
        assertThat(policy)
                .contains("default-src 'none'")
                .contains("script-src 'self';")
                .contains("connect-src 'self'")
                .contains("frame-ancestors 'none'")
                .doesNotContain("unsafe-inline")
                .doesNotContain("unsafe-eval");
        assertThat(response.header("Referrer-Policy")).isEqualTo("no-referrer");
    }
}
