package com.helloyuno.widget;

import static org.assertj.core.api.Assertions.assertThat;

import com.helloyuno.site.SiteApi;
import com.helloyuno.testsupport.Http;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** One address cannot mint tokens in bulk. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "yuno.web.admin-api-key=" + SiteApi.OPERATOR_KEY,
            "yuno.widget.authentications-per-ip-per-minute=5"
        })
class AuthThrottleIntegrationTests {

    /** A salt of this run's own: 127.0.0.1's window is then this test's alone, whatever ran before. */
    @DynamicPropertySource
    static void freshIpHashes(DynamicPropertyRegistry registry) {
        registry.add("yuno.widget.ip-hash-salt", () -> "throttle-test-" + UUID.randomUUID());
    }

    @LocalServerPort
    int port;

    @Test
    void theAuthenticationAfterTheLimitIs429WithRetryAfter() throws InterruptedException {
        var http = new Http(port);
        var site = new SiteApi(http, SiteApi.OPERATOR_KEY).create("example.com");
        // The windows are calendar minutes: all six requests must fall in one.
        var second = LocalTime.now(ZoneOffset.UTC).getSecond();
        if (second >= 55) {
            Thread.sleep((61 - second) * 1000L);
        }
        for (int i = 1; i <= 5; i++) {
            assertThat(authenticate(http, site.siteId()).status())
                    .as("authentication " + i)
                    .isEqualTo(200);
        }

        var response = authenticate(http, site.siteId());

        assertThat(response.status()).isEqualTo(429);
        assertThat(response.json().path("code").asString()).isEqualTo("rate_limited");
        var retryAfter = Long.parseLong(response.header("Retry-After"));
        assertThat(retryAfter).isBetween(1L, 60L);
        assertThat(response.json().path("retry_after").asLong()).isEqualTo(retryAfter);
    }

    private static Http.Response authenticate(Http http, String siteId) {
        return http.post(
                "/widget/authenticate",
                Http.json(Map.of("site_id", siteId, "domain", "example.com", "nonce", "n-" + UUID.randomUUID())),
                "Content-Type",
                "application/json");
    }
}
