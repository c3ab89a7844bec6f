package com.helloyuno.ratelimit;

import static com.helloyuno.ratelimit.RateLimitTestConfiguration.START;
import static com.helloyuno.ratelimit.RateLimitTestConfiguration.randomSessionId;
import static com.helloyuno.ratelimit.RateLimitTestConfiguration.randomSiteId;
import static org.assertj.core.api.Assertions.assertThat;

import com.helloyuno.plan.PlanType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The two script commands of an answer's path ({@code rate_limit.lua} and {@code add.lua}), sent on
 * Lettuce's asynchronous API, against a real Redis: exact counts when many answers end at once,
 * the counters' expiry, and a script cache that Redis lost.
 */
@SpringBootTest(classes = RateLimitTestConfiguration.class, webEnvironment = SpringBootTest.WebEnvironment.NONE)
class RedisCountersIntegrationTests {

    @Autowired
    RateLimiter limiter;

    @Autowired
    MutableClock clock;

    @Autowired
    StringRedisTemplate redis;

    @Autowired
    LettuceConnectionFactory connections;

    @DynamicPropertySource
    static void smallLimits(DynamicPropertyRegistry registry) {
        RateLimitTestConfiguration.registerTestProperties(registry);
    }

    @BeforeEach
    void resetClock() {
        clock.set(START);
    }

    @Test
    void tokensOfManyAnswersEndingAtOnceAreEachCountedOnceInRedis() throws Exception {
        var site = randomSiteId();
        var futures = new ArrayList<Future<?>>();
        long expected = 0;
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 1; i <= 200; i++) {
                var tokens = i;
                expected += tokens;
                futures.add(threads.submit(() -> limiter.recordTokens(site, tokens)));
            }
            for (var future : futures) {
                future.get(30, TimeUnit.SECONDS);
            }
        }
        assertThat(redis.opsForValue().get(tokensKey(site, RateLimitWindow.DAY)))
                .isEqualTo(Long.toString(expected));
        assertThat(redis.opsForValue().get(tokensKey(site, RateLimitWindow.MONTH)))
                .isEqualTo(Long.toString(expected));
        assertThat(limiter.usage(site, PlanType.PRO).tokens()).isEqualTo(new Usage.Tokens(expected, expected));
    }

    @Test
    void tokenCountersLiveToTheirWindowsEndPlusTheGrace() {
        var site = randomSiteId();
        limiter.recordTokens(site, 5);

        // 12:00:45 on 30 March: the day ends in 11 h 59 min 15 s, the month in 1 d 11 h 59 min 15 s;
        // the grace is 10 s.
        var dayTtl = redis.getExpire(tokensKey(site, RateLimitWindow.DAY), TimeUnit.SECONDS);
        assertThat(dayTtl).isBetween(43_165L - 5, 43_165L);
        var monthTtl = redis.getExpire(tokensKey(site, RateLimitWindow.MONTH), TimeUnit.SECONDS);
        assertThat(monthTtl).isBetween(129_565L - 5, 129_565L);

        // Every addition renews the expiry: a key that lost its TTL gets it back.
        redis.persist(tokensKey(site, RateLimitWindow.DAY));
        limiter.recordTokens(site, 1);
        assertThat(redis.getExpire(tokensKey(site, RateLimitWindow.DAY), TimeUnit.SECONDS))
                .isBetween(43_165L - 5, 43_165L);
        assertThat(redis.opsForValue().get(tokensKey(site, RateLimitWindow.DAY)))
                .isEqualTo("6");
    }

    @Test
    void scriptsRedisNoLongerHoldsAreSentAgainAndStillCountedInRedis() {
        var site = randomSiteId();
        var session = randomSessionId();
        assertThat(limiter.check(site, PlanType.PRO, session).local()).isFalse();

        // As after a restart of Redis without persistence of its script cache.
        redis.execute((RedisCallback<Void>) connection -> {
            connection.scriptingCommands().scriptFlush();
            return null;
        });

        var decision = limiter.check(site, PlanType.PRO, session);
        assertThat(decision.allowed()).isTrue();
        assertThat(decision.local()).isFalse();
        assertThat(decision.remaining()).isEqualTo(1); // the session's minute: 3, this is its second
        assertThat(redis.opsForValue()
                        .get(Keys.site(site, RateLimitWindow.MINUTE, RateLimitWindow.MINUTE.start(START))))
                .isEqualTo("2");

        redis.execute((RedisCallback<Void>) connection -> {
            connection.scriptingCommands().scriptFlush();
            return null;
        });
        limiter.recordTokens(site, 40);
        assertThat(redis.opsForValue().get(tokensKey(site, RateLimitWindow.DAY)))
                .isEqualTo("40");
        assertThat(limiter.usage(site, PlanType.PRO).tokens().month()).isEqualTo(40);
    }

    @Test
    void aConnectionFactoryStoppedAndStartedAgainIsUsedWithItsNewConnection() {
        var site = randomSiteId();
        assertThat(limiter.check(site, PlanType.PRO, randomSessionId()).local()).isFalse();

        // As Spring does to a paused test context, or to an application's lifecycle: the shared
        // connection the counters held is closed, and the factory makes a new one.
        connections.stop();
        connections.start();

        assertThat(limiter.check(site, PlanType.PRO, randomSessionId()).local()).isFalse();
        limiter.recordTokens(site, 9);
        assertThat(redis.opsForValue()
                        .get(Keys.site(site, RateLimitWindow.MINUTE, RateLimitWindow.MINUTE.start(START))))
                .isEqualTo("2");
        assertThat(redis.opsForValue().get(tokensKey(site, RateLimitWindow.DAY)))
                .isEqualTo("9");
    }

    private static String tokensKey(String site, RateLimitWindow window) {
        return Keys.tokens(site, window, window.start(Instant.from(START)));
    }
}
