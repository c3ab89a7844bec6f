package com.helloyuno.widget;

import static org.assertj.core.api.Assertions.assertThat;

import com.helloyuno.site.SiteApi;
import com.helloyuno.testsupport.Http;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Keys;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Widget authentication over real HTTP, with sites made through the owner API. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "yuno.web.admin-api-key=" + SiteApi.OPERATOR_KEY,
            "yuno.widget.jwt-secret=" + WidgetTokensTests.SECRET,
            "yuno.widget.authentications-per-ip-per-minute=100000"
        })
@ExtendWith(OutputCaptureExtension.class)
class WidgetAuthIntegrationTests {

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    MeterRegistry meters;

    Http http;
    SiteApi api;

    @BeforeEach
    void client() {
        http = new Http(port);
        api = new SiteApi(http, SiteApi.OPERATOR_KEY);
    }

    @Test
    void theSeedsCurlExampleWorksAsWritten() {
        var site = api.create("example.com");
        // curl -X POST .../widget/authenticate -H "Content-Type: application/json" -d '{...}', with a real site id.
        var response =
                http.post("/widget/authenticate", """
                {
                    "site_id": "%s",
                    "domain": "example.com",
                    "nonce": "random-nonce"
                  }""".formatted(site.siteId()), "Content-Type", "application/json");
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        var body = response.json();
        assertThat(body.path("token_type").asString()).isEqualTo("Bearer");
        assertThat(body.path("expires_in").asLong()).isEqualTo(3600);
        assertThat(Instant.parse(body.path("expires_at").asString()))
                .isAfter(Instant.now().plusSeconds(3500));
        assertThat(body.path("site_id").asString()).isEqualTo(site.siteId());
        var widget = body.path("widget");
        assertThat(widget.path("theme").asString()).isEqualTo("dark");
        assertThat(widget.path("position").asString()).isEqualTo("bottom-right");
        assertThat(widget.path("primary_color").asString()).isEqualTo("#FF6B35");
        assertThat(widget.path("welcome_message").asString()).isEqualTo("Hi! How can I help you today?");
        assertThat(widget.path("bot_name").asString()).isEqualTo("Yuno");
        assertThat(widget.path("lead_capture").asBoolean()).isTrue();
        // The chat's limits (yuno.chat.* in application.yaml), which the widget keeps to.
        var limits = widget.path("limits");
        assertThat(limits.path("max_message_chars").asInt()).isEqualTo(4000);
        assertThat(limits.path("max_messages").asInt()).isEqualTo(50);
        assertThat(limits.path("max_total_chars").asInt()).isEqualTo(32000);

        var verify = http.post(
                "/widget/verify",
                "",
                "Authorization",
                "Bearer " + body.path("token").asString());
        assertThat(verify.status()).isEqualTo(200);
        assertThat(verify.json().path("valid").asBoolean()).isTrue();
        assertThat(verify.json().path("site_id").asString()).isEqualTo(site.siteId());
        assertThat(verify.json().path("domain").asString()).isEqualTo("example.com");
        assertThat(verify.json().path("expires_in").asLong()).isBetween(3500L, 3600L);
    }

    @ParameterizedTest(name = "{1} on a site for {0} (subdomains {2}) -> {3}")
    @CsvSource({
        "example.com, example.com, false, 200",
        "example.com, EXAMPLE.com., false, 200",
        "example.com, https://Example.com:8443/page, false, 200",
        "example.com, badexample.com, true, 403",
        "example.com, example.com.evil.net, true, 403",
        "example.com, shop.example.com, false, 403",
        "example.com, shop.example.com, true, 200",
        "example.com, deep.shop.example.com, true, 200",
        "bücher.de, xn--bcher-kva.de, false, 200",
        "xn--bcher-kva.de, bücher.de, false, 200",
        "example.com, examp1e.com, false, 403"
    })
    void domainPolicy(String siteDomain, String claimed, boolean subdomains, int expected) {
        var site = api.create(Map.of("domain", siteDomain, "allow_subdomains", subdomains));
        var response = authenticate(site.siteId(), claimed, nonce());
        assertThat(response.status()).as(response.body()).isEqualTo(expected);
        if (expected == 403) {
            assertThat(response.json().path("code").asString()).isEqualTo("domain_not_allowed");
        }
    }

    @Test
    void additionalDomainsAreAllowedToo() {
        var site = api.create(Map.of("domain", "example.com", "additional_domains", List.of("example.org")));
        assertThat(authenticate(site.siteId(), "example.org", nonce()).status()).isEqualTo(200);
        assertThat(authenticate(site.siteId(), "example.net", nonce()).status()).isEqualTo(403);
    }

    @Test
    void anOriginMustBeTheClaimedAllowedDomain() {
        var site = api.create(Map.of("domain", "example.com", "additional_domains", List.of("example.org")));
        assertThat(authenticate(site.siteId(), "example.com", nonce(), "Origin", "https://example.com")
                        .status())
                .isEqualTo(200);
        var other = authenticate(site.siteId(), "example.com", nonce(), "Origin", "https://evil.net");
        assertThat(other.status()).isEqualTo(403);
        assertThat(other.json().path("code").asString()).isEqualTo("domain_not_allowed");
        // Both allowed, but not the same: a page of one may not claim the other.
        assertThat(authenticate(site.siteId(), "example.com", nonce(), "Origin", "https://example.org")
                        .status())
                .isEqualTo(403);
        assertThat(authenticate(site.siteId(), "example.com", nonce(), "Origin", "null")
                        .status())
                .isEqualTo(403);
    }

    @Test
    void aNonceIsUsedOnce(CapturedOutput output) {
        var site = api.create("example.com");
        var nonce = "nonce-" + UUID.randomUUID();
        assertThat(authenticate(site.siteId(), "example.com", nonce).status()).isEqualTo(200);
        var replay = authenticate(site.siteId(), "example.com", nonce);
        assertThat(replay.status()).isEqualTo(409);
        assertThat(replay.json().path("code").asString()).isEqualTo("nonce_reused");
        // The same nonce on another site is another nonce.
        assertThat(authenticate(api.create("example.com").siteId(), "example.com", nonce)
                        .status())
                .isEqualTo(200);

        assertThat(output).contains("security_event event=nonce_reused site_id=" + site.siteId());
        assertThat(output).doesNotContain(nonce).doesNotContain("127.0.0.1 ");
    }

    @Test
    void badRequestsAre400() {
        var site = api.create("example.com");
        assertThat(authenticate("short", "example.com", nonce()).status()).isEqualTo(400);
        assertThat(authenticate(site.siteId(), "example.com", "short").status()).isEqualTo(400);
        assertThat(authenticate(site.siteId(), "example.com", "bad\u0001nonce-123")
                        .status())
                .isEqualTo(400);
        assertThat(authenticate(site.siteId(), "example.com", "n".repeat(129)).status())
                .isEqualTo(400);
        assertThat(authenticate(site.siteId(), "not a domain", nonce()).status())
                .isEqualTo(400);
        var unknown = authenticate("ZZZZZZZZZZZZZZZZ", "example.com", nonce());
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().path("code").asString()).isEqualTo("site_not_found");
    }

    @Test
    void aDisabledWidgetOrInactivePlanIsRefusedAtAuthenticateRefreshAndAsk() {
        var site = api.create("example.com");
        var token = token(site.siteId(), "example.com");
        // Used once, so that the instance remembers it as verified: the site is re-checked anyway.
        assertThat(ask(token).status()).isEqualTo(200);

        api.patch(site.siteId(), Map.of("widget_enabled", false));
        assertRefused(authenticate(site.siteId(), "example.com", nonce()), 403, "widget_disabled");
        assertRefused(refresh(token), 403, "widget_disabled");
        assertRefused(ask(token), 403, "widget_disabled");

        api.patch(site.siteId(), Map.of("widget_enabled", true, "plan_active", false));
        assertRefused(authenticate(site.siteId(), "example.com", nonce()), 403, "plan_inactive");
        assertRefused(refresh(token), 403, "plan_inactive");
        assertRefused(ask(token), 403, "plan_inactive");

        api.patch(site.siteId(), Map.of("plan_active", true));
        assertThat(refresh(token).status()).isEqualTo(200);
        assertThat(ask(token).status()).isEqualTo(200);
    }

    @Test
    void aTokenOfSiteAIsRefusedFromSiteBsOrigin() {
        var a = api.create("site-a.example");
        api.create("site-b.example");
        var token = token(a.siteId(), "site-a.example");
        assertRefused(ask(token, "Origin", "https://site-b.example"), 403, "origin_not_allowed");
        assertThat(ask(token, "Origin", "https://site-a.example").status()).isEqualTo(200);
    }

    @Test
    void aDomainRemovedFromTheSiteInvalidatesItsTokens() {
        var site = api.create(Map.of("domain", "example.com", "additional_domains", List.of("example.org")));
        var token = token(site.siteId(), "example.org");
        assertThat(ask(token).status()).isEqualTo(200);
        api.patch(site.siteId(), Map.of("additional_domains", List.of()));
        assertRefused(ask(token), 403, "domain_not_allowed");
        assertRefused(refresh(token), 403, "domain_not_allowed");
    }

    @Test
    void verifyAndAskRefuseBadTokensWith401() {
        var site = api.create("example.com");
        var expired = craft(site.siteId(), Instant.now().minusSeconds(3600 + 600), WidgetTokensTests.SECRET);
        var other = craft(site.siteId(), Instant.now(), "another-secret-0123456789-0123456789-xx");

        assertRefused(verify(expired), 401, "token_expired");
        assertRefused(verify(other), 401, "token_invalid");
        assertRefused(verify("garbage"), 401, "token_invalid");
        assertRefused(http.post("/widget/verify", ""), 401, "token_invalid");
        assertThat(http.post(
                                "/widget/verify",
                                "{\"token\": \"%s\"}".formatted(token(site.siteId(), "example.com")),
                                "Content-Type",
                                "application/json")
                        .status())
                .isEqualTo(200);

        assertRefused(ask(expired), 401, "token_expired");
        assertRefused(ask(other), 401, "token_invalid");
        assertRefused(http.post("/ask", "{}", "Content-Type", "application/json"), 401, "token_invalid");
    }

    @Test
    void refreshAcceptsATokenWithinItsGracePeriod() {
        var site = api.create("example.com");
        var recentlyExpired = craft(site.siteId(), Instant.now().minusSeconds(3600 + 120), WidgetTokensTests.SECRET);
        var longExpired = craft(site.siteId(), Instant.now().minusSeconds(3600 + 600), WidgetTokensTests.SECRET);

        var refreshed = refresh(recentlyExpired);
        assertThat(refreshed.status()).as(refreshed.body()).isEqualTo(200);
        assertThat(verify(refreshed.json().path("token").asString()).status()).isEqualTo(200);
        assertThat(refreshed
                        .json()
                        .path("widget")
                        .path("limits")
                        .path("max_message_chars")
                        .asInt())
                .isEqualTo(4000);
        assertRefused(refresh(longExpired), 401, "token_expired");

        api.create("other.example");
        var deleted = api.create("gone.example");
        var tokenOfDeleted = token(deleted.siteId(), "gone.example");
        http.method(
                "DELETE", "/api/sites/" + deleted.siteId(), null, "Authorization", "Bearer " + SiteApi.OPERATOR_KEY);
        assertRefused(refresh(tokenOfDeleted), 401, "token_invalid");
        assertRefused(ask(tokenOfDeleted), 401, "token_invalid");
    }

    @Test
    void identityVerificationWhenTheSiteRequiresIt() {
        var site = api.create("example.com");
        var before = api.patch(site.siteId(), Map.of("identity_required", true));
        assertThat(before.status()).as("no secret yet").isEqualTo(400);

        var secret = http.post(
                        "/api/sites/" + site.siteId() + "/identity-secret",
                        "",
                        "Authorization",
                        "Bearer " + site.ownerKey())
                .json()
                .path("identity_secret")
                .asString();
        assertThat(secret).startsWith("yis_");
        // At rest it is sealed: a copy of the database does not give it away.
        var stored = jdbc.sql("SELECT identity_secret FROM sites WHERE site_id = ?")
                .param(site.siteId())
                .query(String.class)
                .single();
        assertThat(stored).startsWith("v1:").doesNotContain(secret).doesNotContain(secret.substring(4, 20));
        assertThat(api.patch(site.siteId(), Map.of("identity_required", true)).status())
                .isEqualTo(200);

        assertRefused(authenticate(site.siteId(), "example.com", nonce()), 403, "identity_not_verified");

        var hash = HexFormat.of().formatHex(IdentityVerifier.hmac(secret, "visitor-42"));
        var withHash = authenticateWith(site.siteId(), Map.of("visitor_id", "visitor-42", "visitor_hash", hash));
        assertThat(withHash.status()).as(withHash.body()).isEqualTo(200);
        var payload = WidgetTokensTests.decode(
                withHash.json().path("token").asString().split("\\.")[1]);
        assertThat(payload).containsEntry("vid", "visitor-42");

        assertRefused(
                authenticateWith(site.siteId(), Map.of("visitor_id", "visitor-43", "visitor_hash", hash)),
                403,
                "identity_not_verified");

        var visitorToken = Jwts.builder()
                .subject("visitor-44")
                .issuedAt(new Date())
                .expiration(Date.from(Instant.now().plusSeconds(300)))
                .signWith(Keys.hmacShaKeyFor(secret.getBytes(StandardCharsets.UTF_8)), Jwts.SIG.HS256)
                .compact();
        assertThat(authenticateWith(site.siteId(), Map.of("visitor_token", visitorToken))
                        .status())
                .isEqualTo(200);
        var longLived = Jwts.builder()
                .subject("visitor-45")
                .expiration(Date.from(Instant.now().plusSeconds(86400)))
                .signWith(Keys.hmacShaKeyFor(secret.getBytes(StandardCharsets.UTF_8)), Jwts.SIG.HS256)
                .compact();
        assertRefused(
                authenticateWith(site.siteId(), Map.of("visitor_token", longLived)), 403, "identity_not_verified");

        // Rotated: the old secret's signatures stop working at once, the new one's work.
        var rotated = http.post(
                        "/api/sites/" + site.siteId() + "/identity-secret",
                        "",
                        "Authorization",
                        "Bearer " + site.ownerKey())
                .json()
                .path("identity_secret")
                .asString();
        assertThat(rotated).startsWith("yis_").isNotEqualTo(secret);
        assertRefused(
                authenticateWith(site.siteId(), Map.of("visitor_id", "visitor-42", "visitor_hash", hash)),
                403,
                "identity_not_verified");
        var rotatedHash = HexFormat.of().formatHex(IdentityVerifier.hmac(rotated, "visitor-42"));
        assertThat(authenticateWith(site.siteId(), Map.of("visitor_id", "visitor-42", "visitor_hash", rotatedHash))
                        .status())
                .isEqualTo(200);
    }

    @Test
    void corsAnswersTheSitesOwnOriginsOnly() {
        var domain = "cors-" + UUID.randomUUID() + ".example";
        var site = api.create(Map.of("domain", domain, "allow_subdomains", true));
        for (var path : List.of("/widget/authenticate", "/ask", "/widget/leads")) {
            var allowed = preflight(path, "https://www." + domain);
            assertThat(allowed.status()).as(path).isEqualTo(200);
            assertThat(allowed.header("Access-Control-Allow-Origin")).isEqualTo("https://www." + domain);
            assertThat(allowed.header("Access-Control-Allow-Headers")).containsIgnoringCase("authorization");

            var other = preflight(path, "https://not-a-site.example");
            assertThat(other.header("Access-Control-Allow-Origin")).as(path).isNull();
        }
        api.patch(site.siteId(), Map.of("widget_enabled", false));
        assertThat(preflight("/ask", "https://www." + domain).header("Access-Control-Allow-Origin"))
                .isNull();
    }

    @Test
    void securityEventsAreCounted() {
        var site = api.create("example.com");
        var before = meters.find("yuno.security.events").tag("event", "domain_not_allowed").counters().stream()
                .mapToDouble(Counter::count)
                .sum();

        assertRefused(authenticate(site.siteId(), "evil.example", nonce()), 403, "domain_not_allowed");

        assertThat(meters.get("yuno.security.events")
                        .tag("event", "domain_not_allowed")
                        .counter()
                        .count())
                .isEqualTo(before + 1);
        var metrics = http.get("/actuator/prometheus", "Authorization", "Bearer " + SiteApi.OPERATOR_KEY);
        assertThat(metrics.body()).contains("yuno_security_events_total{").contains("event=\"domain_not_allowed\"");
    }

    // --- helpers

    private Http.Response preflight(String path, String origin) {
        return http.preflight(path, origin);
    }

    private String token(String siteId, String domain) {
        var response = authenticate(siteId, domain, nonce());
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json().path("token").asString();
    }

    private Http.Response authenticate(String siteId, String domain, String nonce, String... headers) {
        var all = new ArrayList<>(List.of("Content-Type", "application/json"));
        all.addAll(List.of(headers));
        return http.post(
                "/widget/authenticate",
                Http.json(Map.of("site_id", siteId, "domain", domain, "nonce", nonce)),
                all.toArray(String[]::new));
    }

    private Http.Response authenticateWith(String siteId, Map<String, String> identity) {
        var body = new HashMap<String, Object>(identity);
        body.putAll(Map.of("site_id", siteId, "domain", "example.com", "nonce", nonce()));
        return http.post("/widget/authenticate", Http.json(body), "Content-Type", "application/json");
    }

    private Http.Response verify(String token) {
        return http.post("/widget/verify", "", "Authorization", "Bearer " + token);
    }

    private Http.Response refresh(String token) {
        return http.post("/widget/refresh", "", "Authorization", "Bearer " + token);
    }

    private Http.Response ask(String token, String... headers) {
        var all = new ArrayList<>(List.of("Authorization", "Bearer " + token, "Content-Type", "application/json"));
        all.addAll(List.of(headers));
        return http.post(
                "/ask", "{\"messages\": [{\"role\": \"user\", \"content\": \"Hello\"}]}", all.toArray(String[]::new));
    }

    private static void assertRefused(Http.Response response, int status, String code) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.json().path("code").asString()).isEqualTo(code);
        if (status == 401) {
            assertThat(response.header("WWW-Authenticate")).isEqualTo("Bearer error=\"invalid_token\"");
        }
    }

    /** A token issued at {@code issuedAt} by a server with this secret. */
    private static String craft(String siteId, Instant issuedAt, String secret) {
        var claims = new HashMap<String, Object>(WidgetTokensTests.validClaims());
        claims.put("sub", siteId);
        claims.put("iat", issuedAt.getEpochSecond());
        claims.put("nbf", issuedAt.getEpochSecond());
        claims.put("exp", issuedAt.plusSeconds(3600).getEpochSecond());
        var kid = WidgetTokens.kid(WidgetTokensTests.SECRET.getBytes(StandardCharsets.UTF_8));
        return WidgetTokensTests.sign(Map.of("alg", "HS256", "kid", kid), claims, secret);
    }

    private static String nonce() {
        return "nonce-" + UUID.randomUUID();
    }
}
