package com.helloyuno.ratelimit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The limiter as the application builds it, with Redis auto-configuration and nothing else: no
 * database, no web server. The test clock and a simple meter registry stand in for the real ones.
 */
// Deliberately not @Configuration: tests name it as their configuration, and component scanning of
// the whole application (in other tests) must not find it and its clock.
@ImportAutoConfiguration(DataRedisAutoConfiguration.class)
@Import(RateLimitConfiguration.class)
class RateLimitTestConfiguration {

    /** A Monday in March 2026; the month ends two days later. */
    static final Instant START = Instant.parse("2026-03-30T12:00:45Z");

    /**
     * Plan limits small enough to reach every window in a test, and different per plan so that a
     * mix-up between plans shows; the production script and code run unchanged. The Redis timeout
     * is generous, and a failed call is retried on the next request, so that a busy build machine
     * never makes a test of exact counting fall back.
     */
    static final Map<String, String> TEST_PROPERTIES = testProperties();

    static final String REDIS_TIMEOUT = "yuno.ratelimit.redis-timeout";
    static final String RETRY_INTERVAL = "yuno.ratelimit.fallback-retry-interval";

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    /** Primary over the application's clock, which the application contexts of these tests also have. */
    @Bean
    @Primary
    MutableClock testClock() {
        return new MutableClock(START);
    }

    @Bean
    SimpleMeterRegistry meterRegistry() {
        return new SimpleMeterRegistry();
    }

    private static Map<String, String> testProperties() {
        var limits = new LinkedHashMap<String, String>();
        limits.put(REDIS_TIMEOUT, "2s");
        limits.put(RETRY_INTERVAL, "0s");
        plan(limits, "free", 3, 5, 8, 10);
        plan(limits, "basic", 4, 7, 10, 13);
        plan(limits, "pro", 5, 9, 13, 17);
        plan(limits, "enterprise", 40, 60, 80, 100);
        limits.put("yuno.plans.session.minute", "3");
        limits.put("yuno.plans.session.day", "5");
        return Map.copyOf(limits);
    }

    private static void plan(Map<String, String> limits, String plan, int minute, int hour, int day, int month) {
        var prefix = "yuno.plans.limits." + plan + ".";
        limits.put(prefix + "minute", Integer.toString(minute));
        limits.put(prefix + "hour", Integer.toString(hour));
        limits.put(prefix + "day", Integer.toString(day));
        limits.put(prefix + "month", Integer.toString(month));
    }

    static void registerTestProperties(DynamicPropertyRegistry registry) {
        TEST_PROPERTIES.forEach((key, value) -> registry.add(key, () -> value));
    }

    /** The test properties as command-line arguments, which win over {@code application.yaml}. */
    static List<String> testArguments() {
        var args = new ArrayList<String>();
        TEST_PROPERTIES.forEach((key, value) -> args.add("--" + key + "=" + value));
        return args;
    }

    /** A fresh site id in the contract's shape, so that tests sharing one Redis never meet. */
    static String randomSiteId() {
        return random(16);
    }

    static String randomSessionId() {
        return "session-" + random(12);
    }

    private static String random(int length) {
        var id = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            id.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return id.toString();
    }
}
