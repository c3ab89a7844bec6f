package com.helloyuno.ratelimit;

import static com.helloyuno.ratelimit.RateLimitTestConfiguration.START;
import static com.helloyuno.ratelimit.RateLimitTestConfiguration.randomSessionId;
import static com.helloyuno.ratelimit.RateLimitTestConfiguration.randomSiteId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.helloyuno.plan.PlanType;
import com.helloyuno.testsupport.TestServices;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
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
 * The asynchronous script commands when Redis is slow or away, through a proxy the tests stall
 * and cut: the token count gives up after the short timeout like the check does, and an instance
 * that started without Redis (so without a connection to send on) bounds its tries to connect by
 * the same timeout and counts globally once Redis answers.
 */
@ExtendWith(OutputCaptureExtension.class)
class RedisCountersFallbackIntegrationTests {

    private static LettuceConnectionFactory direct;
    private static StringRedisTemplate redis;

    @BeforeAll
    static void directView() {
        var url = URI.create(TestServices.redisUrl());
        direct = new LettuceConnectionFactory(
                new RedisStandaloneConfiguration(url.getHost(), url.getPort() < 0 ? 6379 : url.getPort()));
        direct.afterPropertiesSet();
        direct.start();
        redis = new StringRedisTemplate(direct);
    }

    @AfterAll
    static void closeDirectView() {
        direct.destroy();
    }

    @Test
    void aTokenCountOnAStalledRedisIsGivenUpOnAfterTheShortTimeoutAndCountedLocally(CapturedOutput output) {
        try (var proxy = new RedisProxy(TestServices.redisUrl());
                var application = start(proxy)) {
            var limiter = application.getBean(RateLimiter.class);
            var site = randomSiteId();
            awaitRedis(limiter, site);

            proxy.stall();

            // The first call to meet the stall is the token count: the gate still says Redis is up.
            var started = System.nanoTime();
            limiter.recordTokens(site, 11);
            var waited = Duration.ofNanos(System.nanoTime() - started);
            assertThat(waited).isGreaterThanOrEqualTo(Duration.ofMillis(190)).isLessThan(Duration.ofSeconds(2));
            assertThat(output.getOut()).contains("Redis is unreachable or slow (no answer within 200 ms)");
            assertThat(limiter.usage(site, PlanType.PRO).tokens()).isEqualTo(new Usage.Tokens(11, 11));

            proxy.restore();
            awaitRedis(limiter, site);
        }
    }

    @Test
    void anInstanceStartedWhileRedisIsAwayCountsLocallyThenGloballyOnceRedisAnswers() {
        try (var proxy = new RedisProxy(TestServices.redisUrl())) {
            proxy.cut();
            try (var application = start(proxy)) {
                var limiter = application.getBean(RateLimiter.class);
                var site = randomSiteId();

                // Not connected: a try to connect is bounded by the short timeout too.
                var started = System.nanoTime();
                assertThat(limiter.check(site, PlanType.PRO, randomSessionId()).local())
                        .isTrue();
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
                limiter.recordTokens(site, 3);
                assertThat(limiter.usage(site, PlanType.PRO).tokens().day()).isEqualTo(3);

                proxy.restore();
                awaitRedis(limiter, site);
                // Redis counts on its own counters: the request counted locally is not among them.
                assertThat(redis.opsForValue()
                                .get(Keys.site(site, RateLimitWindow.MINUTE, RateLimitWindow.MINUTE.start(START))))
                        .isEqualTo("1");
                limiter.recordTokens(site, 4);
                assertThat(redis.opsForValue()
                                .get(Keys.tokens(site, RateLimitWindow.DAY, RateLimitWindow.DAY.start(START))))
                        .isEqualTo("4");
            }
        }
    }

    private static ConfigurableApplicationContext start(RedisProxy proxy) {
        var args = new ArrayList<String>();
        RateLimitTestConfiguration.TEST_PROPERTIES.forEach((key, value) -> {
            if (!key.equals(RateLimitTestConfiguration.REDIS_TIMEOUT)
                    && !key.equals(RateLimitTestConfiguration.RETRY_INTERVAL)) {
                args.add("--" + key + "=" + value);
            }
        });
        args.add("--spring.data.redis.url=" + proxy.url());
        args.add("--yuno.ratelimit.redis-timeout=200ms");
        args.add("--yuno.ratelimit.fallback-retry-interval=100ms");
        var application = new SpringApplicationBuilder(RateLimitTestConfiguration.class)
                .web(WebApplicationType.NONE)
                .logStartupInfo(false)
                .run(args.toArray(String[]::new));
        application.getBean(MutableClock.class).set(START);
        return application;
    }

    private static void awaitRedis(RateLimiter limiter, String site) {
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .until(() ->
                        !limiter.check(site, PlanType.PRO, randomSessionId()).local());
    }
}
