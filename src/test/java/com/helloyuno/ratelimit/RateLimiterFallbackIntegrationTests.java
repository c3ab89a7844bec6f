package com.helloyuno.ratelimit;

import static com.helloyuno.ratelimit.RateLimitTestConfiguration.START;
import static com.helloyuno.ratelimit.RateLimitTestConfiguration.randomSessionId;
import static com.helloyuno.ratelimit.RateLimitTestConfiguration.randomSiteId;
import static com.helloyuno.testsupport.Sleep.sleep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.helloyuno.plan.PlanType;
import com.helloyuno.testsupport.TestServices;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The limiter reaches Redis through a proxy that the tests cut and stall: requests keep getting
 * answers, counted per instance, and global counting resumes by itself when Redis is back. The
 * application is started here rather than by the test framework, so that it stops before the proxy.
 */
@ExtendWith(OutputCaptureExtension.class)
class RateLimiterFallbackIntegrationTests {

    private static final String FALLING_BACK = "rate limits fall back to per-instance counting";
    private static final String BACK = "Redis answers again";

    private static RedisProxy proxy;
    private static ConfigurableApplicationContext application;
    private static LettuceConnectionFactory direct;
    private static StringRedisTemplate redis;

    private RateLimiter limiter;
    private MutableClock clock;
    private SimpleMeterRegistry meters;

    @BeforeAll
    static void start() {
        proxy = new RedisProxy(TestServices.redisUrl());
        var args = new ArrayList<String>();
        RateLimitTestConfiguration.TEST_PROPERTIES.forEach((key, value) -> {
            if (!key.equals(RateLimitTestConfiguration.REDIS_TIMEOUT)
                    && !key.equals(RateLimitTestConfiguration.RETRY_INTERVAL)) {
                args.add("--" + key + "=" + value);
            }
        });
        args.add("--spring.data.redis.url=" + proxy.url());
        args.add("--yuno.ratelimit.redis-timeout=200ms");
        args.add("--yuno.ratelimit.fallback-retry-interval=300ms");
        application = new SpringApplicationBuilder(RateLimitTestConfiguration.class)
                .web(WebApplicationType.NONE)
                .logStartupInfo(false)
                .run(args.toArray(String[]::new));

        // The tests' own view of Redis, around the proxy.
        var url = URI.create(TestServices.redisUrl());
        direct = new LettuceConnectionFactory(
                new RedisStandaloneConfiguration(url.getHost(), url.getPort() < 0 ? 6379 : url.getPort()));
        direct.afterPropertiesSet();
        direct.start();
        redis = new StringRedisTemplate(direct);
    }

    @AfterAll
    static void stop() {
        // The application first, so that its client does not go on reconnecting to a closed proxy.
        application.close();
        direct.destroy();
        proxy.close();
    }

    @BeforeEach
    void beans() {
        limiter = application.getBean(RateLimiter.class);
        clock = application.getBean(MutableClock.class);
        meters = application.getBean(SimpleMeterRegistry.class);
        clock.set(START);
    }

    @AfterEach
    void redisIsBack() {
        proxy.restore();
        awaitRedis(randomSiteId());
    }

    @Test
    void redisGoingAwayDoesNotFailRequestsAndItsReturnResumesGlobalCounting(CapturedOutput output) {
        var site = randomSiteId();
        var limit = 5; // pro's minute in the small plan table
        var minuteKey = Keys.site(site, RateLimitWindow.MINUTE, RateLimitWindow.MINUTE.start(START));
        awaitRedis(randomSiteId());
        var fallbacksBefore = fallbackDecisions();

        for (int i = 0; i < 2; i++) {
            assertThat(limiter.check(site, PlanType.PRO, randomSessionId()).local())
                    .isFalse();
        }
        assertThat(redis.opsForValue().get(minuteKey)).isEqualTo("2");

        proxy.cut();

        // Every request still gets an answer, now from this instance's own counters, which hold
        // the same limit; some requests in between try Redis again and fail again.
        var allowed = 0;
        var refused = 0;
        for (int i = 0; i < 8; i++) {
            var decision = limiter.check(site, PlanType.PRO, randomSessionId());
            assertThat(decision.local()).isTrue();
            if (decision.allowed()) {
                allowed++;
            } else {
                refused++;
                assertThat(decision.window()).isEqualTo(RateLimitWindow.MINUTE);
                assertThat(decision.retryAfterSeconds()).isEqualTo(15);
            }
            sleep(Duration.ofMillis(100));
        }
        assertThat(allowed).isEqualTo(limit);
        assertThat(refused).isEqualTo(3);
        assertThat(fallbackDecisions() - fallbacksBefore).isEqualTo(8);
        assertThat(meters.get(RateLimitMetrics.FALLBACK_ACTIVE).gauge().value()).isEqualTo(1);
        assertThat(redis.opsForValue().get(minuteKey)).isEqualTo("2");

        proxy.restore();
        var first = awaitRedis(site);

        // Back on the global counters: the 2 from before the outage and this one. The requests
        // counted locally are not in Redis, except that a retry given up on shortly before the
        // client reconnected may still reach Redis from the client's queue and count there too.
        assertThat(first.allowed()).isTrue();
        assertThat(first.local()).isFalse();
        var global = Long.parseLong(redis.opsForValue().get(minuteKey));
        assertThat(global).isBetween(3L, (long) limit);
        for (long i = global; i < limit; i++) {
            var decision = limiter.check(site, PlanType.PRO, randomSessionId());
            assertThat(decision.allowed()).isTrue();
            assertThat(decision.local()).isFalse();
        }
        var refusedAgain = limiter.check(site, PlanType.PRO, randomSessionId());
        assertThat(refusedAgain.allowed()).isFalse();
        assertThat(refusedAgain.local()).isFalse();
        assertThat(redis.opsForValue().get(minuteKey)).isEqualTo(Integer.toString(limit));
        assertThat(meters.get(RateLimitMetrics.FALLBACK_ACTIVE).gauge().value()).isEqualTo(0);

        // Logged once when the outage began and once when it ended, however many requests failed.
        assertThat(occurrences(output.getOut(), FALLING_BACK)).isEqualTo(1);
        assertThat(occurrences(output.getOut(), BACK)).isEqualTo(1);
    }

    @Test
    void aSlowRedisIsGivenUpOnAfterTheShortTimeout(CapturedOutput output) {
        var site = randomSiteId();
        awaitRedis(site);

        proxy.stall();

        var started = System.nanoTime();
        var decision = limiter.check(site, PlanType.PRO, randomSessionId());
        var waited = Duration.ofNanos(System.nanoTime() - started);
        assertThat(decision.allowed()).isTrue();
        assertThat(decision.local()).isTrue();
        // The limiter's own 200 ms gave up, not the connection's 500 ms command timeout (the bound
        // on the time leaves room for a busy machine).
        assertThat(waited).isGreaterThanOrEqualTo(Duration.ofMillis(190)).isLessThan(Duration.ofSeconds(2));
        assertThat(output.getOut()).contains("Redis is unreachable or slow (no answer within 200 ms)");

        // Until the next retry, requests do not wait on Redis at all.
        started = System.nanoTime();
        assertThat(limiter.check(site, PlanType.PRO, randomSessionId()).local()).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(100));

        // Usage and tokens fall back too, rather than failing.
        limiter.recordTokens(site, 7);
        assertThat(limiter.usage(site, PlanType.PRO).tokens().day()).isEqualTo(7);

        proxy.restore();
        assertThat(awaitRedis(site).local()).isFalse();
    }

    /** Sends requests until one is decided by Redis again, and returns that decision. */
    private RateLimitDecision awaitRedis(String site) {
        var last = new RateLimitDecision[1];
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    last[0] = limiter.check(site, PlanType.PRO, randomSessionId());
                    return !last[0].local();
                });
        return last[0];
    }

    private double fallbackDecisions() {
        var counter = meters.find(RateLimitMetrics.FALLBACK_DECISIONS)
                .tag("plan", "pro")
                .counter();
        return counter == null ? 0 : counter.count();
    }

    private static int occurrences(String text, String part) {
        var count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            count++;
        }
        return count;
    }
}
