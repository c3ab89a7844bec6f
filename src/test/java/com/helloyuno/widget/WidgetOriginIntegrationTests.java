package com.helloyuno.widget;

import static org.assertj.core.api.Assertions.assertThat;

import com.helloyuno.site.SiteApi;
import com.helloyuno.testsupport.Http;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Keys;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * What a browser's Origin may do on the widget endpoints: only an http(s) page of the token's own
 * site reads {@code /ask} and {@code /widget/leads}; every refusal is a problem document; tokens
 * live no longer than we issue them.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "yuno.web.admin-api-key=" + SiteApi.OPERATOR_KEY,
            "yuno.widget.jwt-secret=" + WidgetTokensTests.SECRET,
            "yuno.widget.authentications-per-ip-per-minute=100000",
            "yuno.llm.openai-api-key="
        })
class WidgetOriginIntegrationTests {

    private static final String PROBLEM = "application/problem+json";

    @LocalServerPort
    int port;

    Http http;
    SiteApi api;

    @BeforeEach
    void client() {
        http = new Http(port);
        api = new SiteApi(http, SiteApi.OPERATOR_KEY);
    }

    @ParameterizedTest(name = "Origin: {0}")
    @ValueSource(
            strings = {
                "file://%s",
                "null",
                "chrome-extension://abcdefghijklmnopabcdefghijklmnop",
                "ftp://%s",
                "https://evil.com\\@%s",
                "https://user@%s",
                "https://user:pw@%s",
                "https://%s/page"
            })
    void anOriginThatIsNotAnHttpPageOfTheSiteIsRefusedWithAProblem(String pattern) {
        var domain = unique("origin");
        var origin = pattern.formatted(domain);
        var site = api.create(domain);
        var token = token(site.siteId(), domain);

        assertProblem(authenticate(site.siteId(), domain, "Origin", origin), 403, "domain_not_allowed");
        assertProblem(refresh(token, "Origin", origin), 403, "domain_not_allowed");
        assertProblem(ask(token, "Origin", origin), 403, "origin_not_allowed");
        assertProblem(lead(token, "Origin", origin), 403, "origin_not_allowed");
        // The same requests from the site's own page pass.
        assertThat(ask(token, "Origin", "https://" + domain).status()).isEqualTo(200);
    }

    @Test
    void aPreflightWithAMalformedOriginIsRefusedWithAProblem() {
        var domain = unique("preflight");
        api.create(domain);
        for (var path : List.of("/widget/authenticate", "/widget/refresh", "/ask", "/widget/leads")) {
            for (var origin : List.of("https://evil.com\\@" + domain, "file://" + domain, "null")) {
                var response = preflight(path, origin);
                assertProblem(response, 403, "origin_not_allowed");
            }
        }
    }

    @Test
    void preflightsAreAnsweredForAllowedOriginsOnlyAndOthersGetAProblem() {
        var domain = unique("preflight");
        api.create(domain);
        for (var path : List.of("/widget/authenticate", "/widget/verify", "/widget/refresh", "/ask", "/widget/leads")) {
            var allowed = preflight(path, "https://" + domain);
            assertThat(allowed.status()).as(path).isEqualTo(200);
            assertThat(allowed.header("Access-Control-Allow-Origin")).isEqualTo("https://" + domain);
            assertThat(allowed.header("Access-Control-Allow-Methods")).contains("POST");
            assertThat(allowed.header("Access-Control-Allow-Headers")).containsIgnoringCase("authorization");

            var other = preflight(path, "https://" + unique("nobody"));
            assertProblem(other, 403, "origin_not_allowed");

            var notAllowedHeader = http.method(
                    "OPTIONS",
                    path,
                    null,
                    "Origin",
                    "https://" + domain,
                    "Access-Control-Request-Method",
                    "POST",
                    "Access-Control-Request-Headers",
                    "x-not-allowed");
            assertProblem(notAllowedHeader, 403, "origin_not_allowed");
        }
        // Not a widget endpoint: no CORS, and no plain-text refusal either.
        assertProblem(preflight("/widget/yuno.js", "https://" + domain), 403, "origin_not_allowed");
    }

    @Test
    void askAndLeadsAreReadableOnlyByAnOriginOfTheTokensOwnSite() {
        var a = unique("site-a");
        var b = unique("site-b");
        var siteA = api.create(a);
        api.create(b);
        var token = token(siteA.siteId(), a);

        var fromB = ask(token, "Origin", "https://" + b);
        assertProblem(fromB, 403, "origin_not_allowed");
        var leadFromB = lead(token, "Origin", "https://" + b);
        assertProblem(leadFromB, 403, "origin_not_allowed");

        var fromA = ask(token, "Origin", "https://" + a);
        assertThat(fromA.status()).as(fromA.body()).isEqualTo(200);
        assertThat(fromA.header("Access-Control-Allow-Origin")).isEqualTo("https://" + a);
        assertThat(fromA.header("Access-Control-Expose-Headers")).contains("RateLimit", "Retry-After");
        assertThat(fromA.headers().get("Vary")).anySatisfy(v -> assertThat(v).contains("Origin"));
        var leadFromA = lead(token, "Origin", "https://" + a);
        assertThat(leadFromA.status()).as(leadFromA.body()).isEqualTo(201);
        assertThat(leadFromA.header("Access-Control-Allow-Origin")).isEqualTo("https://" + a);
    }

    @Test
    void anExpiredTokensRefusalIsReadableByItsSitesOriginOnly() {
        var a = unique("expired-a");
        var b = unique("expired-b");
        var siteA = api.create(a);
        api.create(b);
        var expired = craft(siteA.siteId(), a, Instant.now().minusSeconds(3600 + 600), Duration.ofHours(1));

        // The widget must read this 401 to know it should authenticate again.
        var fromA = ask(expired, "Origin", "https://" + a);
        assertReadableProblem(fromA, 401, "token_expired");
        assertThat(fromA.header("Access-Control-Allow-Origin")).isEqualTo("https://" + a);
        var leadFromA = lead(expired, "Origin", "https://" + a);
        assertReadableProblem(leadFromA, 401, "token_expired");
        assertThat(leadFromA.header("Access-Control-Allow-Origin")).isEqualTo("https://" + a);

        assertProblem(ask(expired, "Origin", "https://" + b), 401, "token_expired");
        assertProblem(lead(expired, "Origin", "https://" + b), 401, "token_expired");

        // A token we did not sign names no site: the refusal is readable by any serving site's page.
        var garbage = ask("garbage", "Origin", "https://" + a);
        assertReadableProblem(garbage, 401, "token_invalid");
        assertThat(garbage.header("Access-Control-Allow-Origin")).isEqualTo("https://" + a);
        var nobody = ask("garbage", "Origin", "https://" + unique("nobody"));
        assertProblem(nobody, 401, "token_invalid");
    }

    @Test
    void aTokenThatClaimsTenYearsOfLifeIsRefused() {
        var domain = unique("lifetime");
        var site = api.create(domain);
        var tenYears = craft(site.siteId(), domain, Instant.now(), Duration.ofDays(3650));
        assertProblem(verify(tenYears), 401, "token_invalid");
        assertProblem(ask(tenYears), 401, "token_invalid");
        assertProblem(refresh(tenYears), 401, "token_invalid");
        // The life we issue, plus the refresh grace, is fine.
        assertThat(verify(craft(site.siteId(), domain, Instant.now(), Duration.ofMinutes(65)))
                        .status())
                .isEqualTo(200);
    }

    @Test
    void aTokenWithoutIssuedAtIsRefused() {
        var domain = unique("no-iat");
        var site = api.create(domain);
        var token = Jwts.builder()
                .header()
                .keyId(WidgetTokens.kid(WidgetTokensTests.SECRET.getBytes(StandardCharsets.UTF_8)))
                .and()
                .issuer("yuno")
                .audience()
                .add("yuno-widget")
                .and()
                .subject(site.siteId())
                .claim("domain", domain)
                .id(UUID.randomUUID().toString())
                .notBefore(new Date())
                .expiration(Date.from(Instant.now().plusSeconds(600)))
                .signWith(Keys.hmacShaKeyFor(WidgetTokensTests.SECRET.getBytes(StandardCharsets.UTF_8)), Jwts.SIG.HS256)
                .compact();
        assertProblem(verify(token), 401, "token_invalid");
        assertProblem(ask(token), 401, "token_invalid");
    }

    // --- helpers

    /** A token signed with the server's secret by jjwt, as a tool holding that secret would. */
    private static String craft(String siteId, String domain, Instant issuedAt, Duration life) {
        return Jwts.builder()
                .header()
                .keyId(WidgetTokens.kid(WidgetTokensTests.SECRET.getBytes(StandardCharsets.UTF_8)))
                .and()
                .issuer("yuno")
                .audience()
                .add("yuno-widget")
                .and()
                .subject(siteId)
                .claim("domain", domain)
                .id(UUID.randomUUID().toString())
                .issuedAt(Date.from(issuedAt))
                .notBefore(Date.from(issuedAt))
                .expiration(Date.from(issuedAt.plus(life)))
                .signWith(Keys.hmacShaKeyFor(WidgetTokensTests.SECRET.getBytes(StandardCharsets.UTF_8)), Jwts.SIG.HS256)
                .compact();
    }

    /** A problem document that the page which sent the request may not read. */
    private static void assertProblem(Http.Response response, int status, String code) {
        assertReadableProblem(response, status, code);
        assertThat(response.header("Access-Control-Allow-Origin"))
                .as("no CORS headers on this refusal")
                .isNull();
    }

    private static void assertReadableProblem(Http.Response response, int status, String code) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.header("Content-Type")).as(response.body()).startsWith(PROBLEM);
        assertThat(response.json().path("code").asString()).isEqualTo(code);
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8) + ".example";
    }

    private Http.Response preflight(String path, String origin) {
        return http.preflight(path, origin);
    }

    private String token(String siteId, String domain) {
        var response = authenticate(siteId, domain);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json().path("token").asString();
    }

    private Http.Response authenticate(String siteId, String domain, String... headers) {
        var body = new HashMap<String, Object>(
                Map.of("site_id", siteId, "domain", domain, "nonce", "nonce-" + UUID.randomUUID()));
        return http.post("/widget/authenticate", Http.json(body), withJson(headers));
    }

    private Http.Response verify(String token) {
        return http.post("/widget/verify", "", "Authorization", "Bearer " + token);
    }

    private Http.Response refresh(String token, String... headers) {
        return http.post("/widget/refresh", "", withToken(token, headers));
    }

    private Http.Response ask(String token, String... headers) {
        return http.post(
                "/ask", "{\"messages\": [{\"role\": \"user\", \"content\": \"Hello\"}]}", withToken(token, headers));
    }

    private Http.Response lead(String token, String... headers) {
        return http.post(
                "/widget/leads",
                Http.json(Map.of("session_id", "origin-test", "name", "Ada", "email", "ada@example.com")),
                withToken(token, headers));
    }

    private static String[] withJson(String... headers) {
        var all = new ArrayList<>(List.of("Content-Type", "application/json"));
        all.addAll(List.of(headers));
        return all.toArray(String[]::new);
    }

    private static String[] withToken(String token, String... headers) {
        var all = new ArrayList<>(List.of("Authorization", "Bearer " + token));
        all.addAll(List.of(withJson(headers)));
        return all.toArray(String[]::new);
    }
}
