package com.helloyuno.widget;

import static org.assertj.core.api.Assertions.assertThat;

import com.helloyuno.site.SiteApi;
import com.helloyuno.testsupport.Http;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** One address cannot mint tokens in bulk. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "yuno.web.admin-api-key=" + SiteApi.OPERATOR_KEY,
            "yuno.widget.authentications-per-ip-per-minute=5",
            "yuno.widget.ip-hash-salt=throttle-test-" + "salt"
        })
class AuthThrottleIntegrationTests {

    @LocalServerPort
    int port;

    @Test
    void theAuthenticationAfterTheLimitIs429WithRetryAfter() {
        var http = new Http(port);
        var site = new SiteApi(http, SiteApi.OPERATOR_KEY).create("example.com");
        // Other tests on this Redis may have used this minute's window of 127.0.0.1 already.
        Http.Response response = null;
        for (int i = 0; i < 7; i++) {
            response = http.post(
                    "/widget/authenticate",
                    Http.json(Map.of(
                            "site_id", site.siteId(), "domain", "example.com", "nonce", "n-" + UUID.randomUUID())),
                    "Content-Type",
                    "application/json");
            if (response.status() == 429) {
                break;
            }
            assertThat(response.status()).isEqualTo(200);
        }
        assertThat(response.status()).isEqualTo(429);
        assertThat(response.json().path("code").asString()).isEqualTo("rate_limited");
        var retryAfter = Long.parseLong(response.header("Retry-After"));
        assertThat(retryAfter).isBetween(1L, 60L);
        assertThat(response.json().path("retry_after").asLong()).isEqualTo(retryAfter);
    }
}
