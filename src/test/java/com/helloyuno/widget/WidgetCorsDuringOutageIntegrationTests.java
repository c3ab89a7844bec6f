package com.helloyuno.widget;

import static org.assertj.core.api.Assertions.assertThat;

import com.helloyuno.site.SiteApi;
import com.helloyuno.testsupport.Http;
import com.helloyuno.testsupport.TcpProxy;
import com.helloyuno.testsupport.TestServices;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Keys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * PostgreSQL goes away: a browser's preflights are still answered, and a chat from the page of a
 * site the instance knows is not refused because of its Origin.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "yuno.web.admin-api-key=" + SiteApi.OPERATOR_KEY,
            "yuno.widget.jwt-secret=" + WidgetTokensTests.SECRET,
            "yuno.llm.openai-api-key=",
            "yuno.chat.spool-retry-interval=300ms",
            "yuno.sites.cache-ttl=1s",
            "spring.datasource.hikari.connection-timeout=500",
            "spring.datasource.hikari.validation-timeout=250"
        })
@ExtendWith(OutputCaptureExtension.class)
class WidgetCorsDuringOutageIntegrationTests {

    static final TcpProxy postgres = TestServices.postgresProxy();

    @TempDir
    static Path spool;

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void throughTheProxy(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> TestServices.databaseUrlThrough(postgres));
        registry.add("yuno.chat.spool-directory", () -> spool.toString());
    }

    @AfterAll
    static void closeProxy() {
        postgres.close();
    }

    @Test
    void preflightsAndChatsOfAKnownSiteWorkWhilePostgresIsAway(CapturedOutput output) throws Exception {
        var http = new Http(port);
        var domain = "outage-" + UUID.randomUUID().toString().substring(0, 8) + ".example";
        var origin = "https://" + domain;
        var site = new SiteApi(http, SiteApi.OPERATOR_KEY).create(domain);
        var token = http.post(
                        "/widget/authenticate",
                        Http.json(Map.of("site_id", site.siteId(), "domain", domain, "nonce", "nonce-outage-1")),
                        "Content-Type",
                        "application/json",
                        "Origin",
                        origin)
                .json()
                .path("token")
                .asString();
        // The site is in this instance's cache, as it is for any site whose visitors are chatting.
        assertThat(ask(http, token, origin).status()).isEqualTo(200);
        var neverRead = siteNeverRead(http);

        postgres.cut();
        try {
            Thread.sleep(1100); // every cached entry has expired: lookups now go to PostgreSQL
            for (var path : new String[] {"/ask", "/widget/leads", "/widget/authenticate", "/widget/refresh"}) {
                var preflight = preflight(http, path, origin);
                assertThat(preflight.status())
                        .as(path + ": " + preflight.body())
                        .isEqualTo(200);
                assertThat(preflight.header("Access-Control-Allow-Origin")).isEqualTo(origin);
            }
            // A host never looked up before: answered too, since the preflight itself grants nothing.
            var unknown = "https://never-seen-" + UUID.randomUUID().toString().substring(0, 8) + ".example";
            assertThat(preflight(http, "/ask", unknown).status()).isEqualTo(200);
            // Still only http(s) origins.
            assertThat(preflight(http, "/ask", "file://" + domain).status()).isEqualTo(403);

            var answer = ask(http, token, origin);
            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
            assertThat(answer.header("Access-Control-Allow-Origin")).isEqualTo(origin);
            // The actual request is still held to the token's own site.
            var elsewhere = ask(http, token, unknown);
            assertThat(elsewhere.status()).isEqualTo(403);
            assertThat(elsewhere.header("Access-Control-Allow-Origin")).isNull();

            // A site this instance has never read is served from the snapshot its creation left in
            // Redis, and its page can read the answer.
            var uncached = ask(http, neverRead.token(), neverRead.origin());
            assertThat(uncached.status()).as(uncached.body()).isEqualTo(200);
            assertThat(uncached.header("Access-Control-Allow-Origin")).isEqualTo(neverRead.origin());
        } finally {
            postgres.restore();
        }
        var warnings = output.getAll()
                .lines()
                .filter(line -> line.contains("CORS lookups cannot reach PostgreSQL"))
                .count();
        assertThat(warnings).as("one warning per outage").isEqualTo(1);
    }

    private record Page(String origin, String token) {}

    /** A site made through the API, with a token signed by hand, so that this instance never read it. */
    private static Page siteNeverRead(Http http) {
        var domain = "never-read-" + UUID.randomUUID().toString().substring(0, 8) + ".example";
        var site = new SiteApi(http, SiteApi.OPERATOR_KEY).create(domain);
        var secret = WidgetTokensTests.SECRET.getBytes(StandardCharsets.UTF_8);
        var now = Instant.now();
        var token = Jwts.builder()
                .header()
                .keyId(WidgetTokens.kid(secret))
                .and()
                .issuer("yuno")
                .audience()
                .add("yuno-widget")
                .and()
                .subject(site.siteId())
                .claim("domain", domain)
                .id(UUID.randomUUID().toString())
                .issuedAt(Date.from(now))
                .notBefore(Date.from(now))
                .expiration(Date.from(now.plusSeconds(600)))
                .signWith(Keys.hmacShaKeyFor(secret), Jwts.SIG.HS256)
                .compact();
        return new Page("https://" + domain, token);
    }

    private static Http.Response ask(Http http, String token, String origin) {
        return http.post(
                "/ask",
                "{\"messages\": [{\"role\": \"user\", \"content\": \"Hello\"}]}",
                "Authorization",
                "Bearer " + token,
                "Content-Type",
                "application/json",
                "Origin",
                origin);
    }

    private static Http.Response preflight(Http http, String path, String origin) {
        return http.preflight(path, origin);
    }
}
