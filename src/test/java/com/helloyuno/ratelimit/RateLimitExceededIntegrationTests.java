package com.helloyuno.ratelimit;

import static com.helloyuno.ratelimit.RateLimitTestConfiguration.START;
import static com.helloyuno.ratelimit.RateLimitTestConfiguration.randomSessionId;
import static com.helloyuno.ratelimit.RateLimitTestConfiguration.randomSiteId;
import static org.assertj.core.api.Assertions.assertThat;

import com.helloyuno.plan.PlanType;
import com.helloyuno.testsupport.Http;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The whole application with the contract's plan table: a refused request becomes the contract's
 * 429 problem with its headers, and an allowed one carries the RateLimit fields. The real {@code
 * /ask} does not exist yet; a probe endpoint does what it will do.
 */
// A generous Redis timeout and no pause after a failure: a busy build machine must not make a
// test of exact counting fall back.
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"yuno.ratelimit.redis-timeout=2s", "yuno.ratelimit.fallback-retry-interval=0s"})
@Import({RateLimitExceededIntegrationTests.Probe.class, RateLimitExceededIntegrationTests.TestClock.class})
class RateLimitExceededIntegrationTests {

    @LocalServerPort
    int port;

    @Autowired
    RateLimiter limiter;

    @Autowired
    MutableClock clock;

    Http http;

    @BeforeEach
    void setUp() {
        http = new Http(port);
        clock.set(START);
    }

    @ParameterizedTest
    @EnumSource(PlanType.class)
    void theContractsMinuteLimitOfEachPlanHolds(PlanType plan) {
        var expected = Map.of(PlanType.FREE, 30, PlanType.BASIC, 60, PlanType.PRO, 120, PlanType.ENTERPRISE, 300);
        var site = randomSiteId();
        var allowed = 0;
        RateLimitDecision decision;
        while ((decision = limiter.check(site, plan, randomSessionId())).allowed()) {
            allowed++;
        }
        assertThat(allowed).isEqualTo(expected.get(plan));
        assertThat(decision.window()).isEqualTo(RateLimitWindow.MINUTE);
        assertThat(decision.retryAfterSeconds()).isEqualTo(15);
    }

    @Test
    void aRefusedRequestIsA429ProblemWithRetryAfterAndTheRateLimitFields() {
        var site = randomSiteId();
        for (int i = 0; i < 30; i++) {
            var ok = ask(site, randomSessionId());
            assertThat(ok.status()).isEqualTo(200);
        }

        var response = ask(site, randomSessionId());

        assertThat(response.status()).isEqualTo(429);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        var problem = response.json();
        assertThat(problem.path("code").asString()).isEqualTo("rate_limited");
        assertThat(problem.path("type").asString()).endsWith("/rate_limited");
        assertThat(problem.path("title").asString()).isEqualTo("Too Many Requests");
        assertThat(problem.path("status").asInt()).isEqualTo(429);
        assertThat(problem.path("window").asString()).isEqualTo("minute");
        assertThat(problem.path("retry_after").asLong()).isEqualTo(15);
        assertThat(problem.path("detail").asString())
                .isEqualTo("This site's limit of 30 requests per minute is reached; try again in 15 seconds.");
        assertThat(problem.path("instance").asString()).isEqualTo("/probe/ask");
        assertThat(response.header("Retry-After")).isEqualTo("15");
        assertThat(response.header("RateLimit-Policy")).isEqualTo("\"minute\";q=30;w=60");
        assertThat(response.header("RateLimit")).isEqualTo("\"minute\";r=0;t=15");
    }

    @Test
    void aSessionsRefusalSaysItWasTheSessionsLimit() {
        var site = randomSiteId();
        var session = randomSessionId();
        for (int i = 0; i < 20; i++) {
            assertThat(ask(site, session).status()).isEqualTo(200);
        }

        var response = ask(site, session);

        assertThat(response.status()).isEqualTo(429);
        assertThat(response.json().path("window").asString()).isEqualTo("minute");
        assertThat(response.json().path("detail").asString())
                .isEqualTo("This session's limit of 20 requests per minute is reached; try again in 15 seconds.");
        assertThat(response.header("RateLimit-Policy")).isEqualTo("\"session-minute\";q=20;w=60");
        assertThat(ask(site, randomSessionId()).status()).isEqualTo(200);
    }

    @Test
    void anAllowedRequestCarriesTheRateLimitFieldsOfTheWindowClosestToRunningOut() {
        var response = ask(randomSiteId(), randomSessionId());

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("Retry-After")).isNull();
        // The session's 20 a minute run out before the free site's 30.
        assertThat(response.header("RateLimit-Policy")).isEqualTo("\"session-minute\";q=20;w=60");
        assertThat(response.header("RateLimit")).isEqualTo("\"session-minute\";r=19;t=15");
    }

    private Http.Response ask(String site, String session) {
        return http.post("/probe/ask?site=" + site + "&session=" + session, "");
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class TestClock {
        @Bean
        @org.springframework.context.annotation.Primary
        MutableClock rateLimitTestClock() {
            return new MutableClock(START);
        }
    }

    /** What {@code /ask} will do with the limiter: refuse with the exception, or answer with the fields. */
    @RestController
    static class Probe {

        private final RateLimiter limiter;

        Probe(RateLimiter limiter) {
            this.limiter = limiter;
        }

        @PostMapping("/probe/ask")
        ResponseEntity<String> ask(@RequestParam String site, @RequestParam String session) {
            var decision = limiter.check(site, PlanType.FREE, session);
            if (!decision.allowed()) {
                throw new RateLimitExceeded(decision);
            }
            var response = ResponseEntity.ok();
            RateLimitHeaders.of(decision).forEach(response::header);
            return response.body("{\"answer\":\"ok\"}");
        }
    }
}
