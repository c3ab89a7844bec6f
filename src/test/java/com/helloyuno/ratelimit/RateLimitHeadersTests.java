package com.helloyuno.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.helloyuno.ratelimit.RateLimitDecision.Scope;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

/** The IETF fields (draft-ietf-httpapi-ratelimit-headers-11) and the 429 problem. */
class RateLimitHeadersTests {

    @Test
    void rendersOnePolicyAndOneServiceLimitAsStructuredFieldItems() {
        var decision = new RateLimitDecision(true, RateLimitWindow.MINUTE, Scope.SITE, 30, 12, 34, 60, false);

        assertThat(RateLimitHeaders.of(decision))
                .containsExactly(
                        java.util.Map.entry("RateLimit-Policy", "\"minute\";q=30;w=60"),
                        java.util.Map.entry("RateLimit", "\"minute\";r=12;t=34"));
    }

    @Test
    void aSessionsWindowIsNamedAsTheSessions() {
        var decision = new RateLimitDecision(true, RateLimitWindow.DAY, Scope.SESSION, 300, 0, 3600, 86_400, false);

        assertThat(RateLimitHeaders.policy(decision)).isEqualTo("\"session-day\";q=300;w=86400");
        assertThat(RateLimitHeaders.rateLimit(decision)).isEqualTo("\"session-day\";r=0;t=3600");
    }

    @Test
    void theMonthsWindowIsThisMonthsLength() {
        var march =
                new RateLimitDecision(false, RateLimitWindow.MONTH, Scope.SITE, 1000, 0, 86_400, 31 * 86_400, false);
        assertThat(RateLimitHeaders.policy(march)).isEqualTo("\"month\";q=1000;w=2678400");
    }

    @Test
    void aRefusalIsA429WithWindowRetryAfterAndHeaders() {
        var decision = new RateLimitDecision(false, RateLimitWindow.HOUR, Scope.SITE, 200, 0, 754, 3600, false);

        var exceeded = new RateLimitExceeded(decision);

        assertThat(exceeded.status()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
        assertThat(exceeded.code()).isEqualTo("rate_limited");
        assertThat(exceeded.getMessage())
                .isEqualTo("This site's limit of 200 requests per hour is reached; try again in 754 seconds.");
        assertThat(exceeded.properties()).containsEntry("window", "hour").containsEntry("retry_after", 754L);
        assertThat(exceeded.headers())
                .containsEntry("Retry-After", "754")
                .containsEntry("RateLimit-Policy", "\"hour\";q=200;w=3600")
                .containsEntry("RateLimit", "\"hour\";r=0;t=754");
    }

    @Test
    void anAllowedDecisionIsNoRefusal() {
        var decision = new RateLimitDecision(true, RateLimitWindow.HOUR, Scope.SITE, 200, 10, 754, 3600, false);
        assertThatThrownBy(() -> new RateLimitExceeded(decision)).isInstanceOf(IllegalArgumentException.class);
    }
}
