package com.helloyuno.widget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.helloyuno.plan.PlanType;
import com.helloyuno.site.CustomConfig;
import com.helloyuno.site.Site;
import com.helloyuno.site.SiteService;
import com.helloyuno.site.Theme;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** Which page may read which widget response: a page of one site never reads another site's. */
@ExtendWith(OutputCaptureExtension.class)
class WidgetCorsTests {

    static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");
    static final String SHOP = "https://shop.example.com";
    static final String EVIL = "https://evil.example.net";

    final SiteService sites = mock(SiteService.class);
    final AtomicReference<Instant> now = new AtomicReference<>(NOW);
    final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };
    final WidgetTokens tokens =
            new WidgetTokens(WidgetTokensTests.settings(WidgetTokensTests.SECRET, List.of()), clock);
    final WidgetCors cors = new WidgetCors(sites, tokens, clock);
    final Site shop = site("shopAAAAAAAAAAAA", "example.com", true);
    final Site other = site("evilAAAAAAAAAAAA", "evil.example.net", false);

    @Test
    void aPreflightFromAnAllowedOriginGetsThePostOnlyConfiguration() {
        when(sites.anyServingSiteAllows("shop.example.com")).thenReturn(true);

        for (var path : List.of("/ask", "/widget/leads", "/widget/authenticate", "/widget/verify", "/widget/refresh")) {
            var config = cors.getCorsConfiguration(preflight(path, SHOP));
            assertThat(config).as(path).isNotNull();
            assertThat(config.getAllowedOrigins()).containsExactly(SHOP);
            assertThat(config.getAllowedMethods()).containsExactly("POST");
            assertThat(config.getAllowedHeaders())
                    .containsExactly("Authorization", "Content-Type", "Accept", "Last-Event-ID");
            assertThat(config.getExposedHeaders())
                    .containsExactly(
                            "RateLimit", "RateLimit-Policy", "Retry-After", "WWW-Authenticate", "Content-Type");
            assertThat(config.getAllowCredentials()).isFalse();
            assertThat(config.getMaxAge()).isEqualTo(600);
        }
    }

    @Test
    void anOriginNoServingSiteAllowsGetsNoConfiguration() {
        when(sites.anyServingSiteAllows("evil.example.net")).thenReturn(false);

        assertThat(cors.getCorsConfiguration(preflight("/ask", EVIL))).isNull();
        assertThat(cors.getCorsConfiguration(actual("/widget/authenticate", EVIL, null)))
                .isNull();
    }

    @Test
    void originsThatAreNotWebPagesAndOtherPathsAreNeverLookedUp() {
        for (var origin : List.of("null", "file://shop.example.com", "chrome-extension://abc", "https://127.0.0.1")) {
            assertThat(cors.getCorsConfiguration(preflight("/ask", origin)))
                    .as(origin)
                    .isNull();
        }
        assertThat(cors.getCorsConfiguration(preflight("/api/sites", SHOP))).isNull();
        assertThat(cors.getCorsConfiguration(preflight("/ask", null))).isNull();
        verify(sites, never()).anyServingSiteAllows(anyString());
    }

    @Test
    void actualTokenRequestsGetTheirHeadersFromTheTokensSiteNotFromThisRule() {
        when(sites.anyServingSiteAllows("shop.example.com")).thenReturn(true);

        assertThat(cors.getCorsConfiguration(actual("/ask", SHOP, null))).isNull();
        assertThat(cors.getCorsConfiguration(actual("/widget/leads", SHOP, null)))
                .isNull();
        assertThat(cors.getCorsConfiguration(actual("/widget/authenticate", SHOP, null)))
                .isNotNull();
    }

    @Test
    void widgetPathsAreTheFiveEndpoints() {
        assertThat(WidgetCors.isWidgetPath(actual("/ask", SHOP, null))).isTrue();
        assertThat(WidgetCors.isWidgetPath(actual("/widget/refresh", SHOP, null)))
                .isTrue();
        assertThat(WidgetCors.isWidgetPath(actual("/ask/", SHOP, null))).isFalse();
        assertThat(WidgetCors.isWidgetPath(actual("/yuno.js", SHOP, null))).isFalse();
    }

    @Test
    void aRefusedPreflightIsA403WithoutCorsHeaders() {
        assertThat(cors.preflightRefused().status().value()).isEqualTo(403);
    }

    @Test
    void anAllowedResponseNamesTheOriginAndTheHeadersItMayRead() {
        var response = new MockHttpServletResponse();
        cors.allow(actual("/ask", SHOP, null), response);

        assertThat(response.getHeader("Access-Control-Allow-Origin")).isEqualTo(SHOP);
        assertThat(response.getHeader("Access-Control-Expose-Headers"))
                .isEqualTo("RateLimit, RateLimit-Policy, Retry-After, WWW-Authenticate, Content-Type");

        var withoutOrigin = new MockHttpServletResponse();
        cors.allow(actual("/ask", null, null), withoutOrigin);
        assertThat(withoutOrigin.getHeaderNames()).isEmpty();
    }

    @Test
    void aCallersAnswerIsReadableOnlyByAnOriginOfItsOwnSite() {
        assertThat(callerHeaders(shop, "https://www.example.com")).isEqualTo("https://www.example.com");
        assertThat(callerHeaders(shop, EVIL)).isNull();
        assertThat(callerHeaders(other, SHOP)).isNull();
        assertThat(callerHeaders(shop, "null")).isNull();
        assertThat(callerHeaders(shop, null)).isNull();
        verify(sites, never()).anyServingSiteAllows(anyString());
    }

    @Test
    void aRefusalWithOurTokenIsReadableOnlyByAnOriginOfTheTokensSite() {
        when(sites.cached(shop.siteId())).thenReturn(Optional.of(shop));
        // Even when some other serving site allows the origin.
        when(sites.anyServingSiteAllows(anyString())).thenReturn(true);
        var token = tokens.issue(shop.siteId(), "example.com", null).token();

        assertThat(refusalHeaders(SHOP, token)).isEqualTo(SHOP);
        assertThat(refusalHeaders(EVIL, token)).isNull();
    }

    @Test
    void anExpiredTokenOfOursStillNamesItsSite() {
        when(sites.cached(shop.siteId())).thenReturn(Optional.of(shop));
        when(sites.anyServingSiteAllows(anyString())).thenReturn(true);
        var token = tokens.issue(shop.siteId(), "example.com", null).token();
        now.set(NOW.plus(Duration.ofDays(3)));

        assertThat(refusalHeaders(SHOP, token)).isEqualTo(SHOP);
        assertThat(refusalHeaders(EVIL, token)).isNull();
    }

    @Test
    void aRefusalWithNoTrustedSiteFollowsThePreflightsRule() {
        when(sites.anyServingSiteAllows("shop.example.com")).thenReturn(true);
        when(sites.anyServingSiteAllows("evil.example.net")).thenReturn(false);
        var forged = WidgetTokensTests.sign(
                java.util.Map.of(
                        "alg", "HS256", "kid", WidgetTokens.kid("x".repeat(40).getBytes())),
                WidgetTokensTests.validClaims(),
                "x".repeat(40));

        for (var token : java.util.Arrays.asList(null, forged, "garbage", "a".repeat(9000))) {
            assertThat(refusalHeaders(SHOP, token)).isEqualTo(SHOP);
            assertThat(refusalHeaders(EVIL, token)).isNull();
        }
        verify(sites, never()).cached(anyString());
    }

    @Test
    void aRefusalWithATokenOfADeletedSiteFollowsThePreflightsRule() {
        when(sites.cached(shop.siteId())).thenReturn(Optional.empty());
        when(sites.anyServingSiteAllows("evil.example.net")).thenReturn(true);
        when(sites.anyServingSiteAllows("shop.example.com")).thenReturn(false);
        var token = tokens.issue(shop.siteId(), "example.com", null).token();

        assertThat(refusalHeaders(EVIL, token)).isEqualTo(EVIL);
        assertThat(refusalHeaders(SHOP, token)).isNull();
    }

    @Test
    void aRefusalWithoutAWebPageOriginGetsNoHeadersAndNoLookup() {
        var token = tokens.issue(shop.siteId(), "example.com", null).token();

        assertThat(refusalHeaders(null, token)).isNull();
        assertThat(refusalHeaders("null", token)).isNull();
        verify(sites, never()).cached(anyString());
        verify(sites, never()).anyServingSiteAllows(anyString());
    }

    @Test
    void whilePostgresIsAwayEveryWellFormedOriginMayReadAndOneWarningIsLoggedPerOutage(CapturedOutput output) {
        when(sites.anyServingSiteAllows(anyString())).thenThrow(new DataAccessResourceFailureException("down"));
        when(sites.cached(anyString())).thenThrow(new DataAccessResourceFailureException("down"));
        var token = tokens.issue(shop.siteId(), "example.com", null).token();

        assertThat(cors.getCorsConfiguration(preflight("/ask", EVIL))).isNotNull();
        assertThat(refusalHeaders(EVIL, token)).isEqualTo(EVIL);
        assertThat(refusalHeaders(EVIL, null)).isEqualTo(EVIL);
        assertThat(cors.getCorsConfiguration(preflight("/ask", "null"))).isNull();
        assertThat(warnings(output)).isEqualTo(1);

        // Failures a minute apart are still one outage; more than a minute of quiet starts another.
        now.set(NOW.plus(Duration.ofMinutes(1)));
        cors.getCorsConfiguration(preflight("/ask", SHOP));
        assertThat(warnings(output)).isEqualTo(1);
        now.set(NOW.plus(Duration.ofMinutes(2)).plusSeconds(1));
        cors.getCorsConfiguration(preflight("/ask", SHOP));
        assertThat(warnings(output)).isEqualTo(2);
        assertThat(output.getAll())
                .contains("DataAccessResourceFailureException")
                .doesNotContain("down\n");
    }

    private static long warnings(CapturedOutput output) {
        return output.getAll()
                .lines()
                .filter(l -> l.contains("CORS lookups cannot reach PostgreSQL"))
                .count();
    }

    private String callerHeaders(Site site, String origin) {
        var response = new MockHttpServletResponse();
        var caller = new WidgetCaller(site, site.domain(), null, "jti", "iphash");
        cors.allowCaller(caller, actual("/ask", origin, null), response);
        return response.getHeader("Access-Control-Allow-Origin");
    }

    private String refusalHeaders(String origin, String token) {
        var response = new MockHttpServletResponse();
        cors.allowRefusal(actual("/ask", origin, token), response);
        return response.getHeader("Access-Control-Allow-Origin");
    }

    private static MockHttpServletRequest preflight(String path, String origin) {
        var request = new MockHttpServletRequest("OPTIONS", path);
        if (origin != null) {
            request.addHeader("Origin", origin);
        }
        request.addHeader("Access-Control-Request-Method", "POST");
        return request;
    }

    private static MockHttpServletRequest actual(String path, String origin, String token) {
        var request = new MockHttpServletRequest("POST", path);
        if (origin != null) {
            request.addHeader("Origin", origin);
        }
        if (token != null) {
            request.addHeader("Authorization", "Bearer " + token);
        }
        return request;
    }

    private static Site site(String id, String domain, boolean subdomains) {
        return new Site(
                id,
                domain,
                List.of(),
                subdomains,
                null,
                PlanType.FREE,
                true,
                true,
                Theme.DARK,
                CustomConfig.DEFAULTS,
                false,
                null,
                NOW,
                NOW);
    }
}
