package com.helloyuno.ratelimit;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the rate limiter ({@code yuno.ratelimit.*}); the limits themselves are the plan
 * table, {@code yuno.plans}.
 *
 * @param redisTimeout how long a request waits for Redis before this instance decides alone; well
 *     under {@code spring.data.redis.timeout}, since every {@code /ask} pays it while Redis hangs
 * @param fallbackRetryInterval while Redis is failing, how long requests are counted locally
 *     before one request tries Redis again
 * @param maxLocalKeys counters the local fallback holds at most; beyond it, the counters of
 *     windows nearest their end are dropped first
 * @param keyGrace how long a Redis counter outlives its window, so that clocks a little apart
 *     between instances and Redis never reset a window early
 */
@Validated
@ConfigurationProperties("yuno.ratelimit")
record RateLimitSettings(
        @NotNull @DefaultValue("200ms") Duration redisTimeout,
        @NotNull @DefaultValue("1s") Duration fallbackRetryInterval,
        @Positive @DefaultValue("100000") int maxLocalKeys,
        @NotNull @DefaultValue("10s") Duration keyGrace) {

    RateLimitSettings {
        if (redisTimeout != null && (redisTimeout.isNegative() || redisTimeout.isZero())) {
            throw new IllegalArgumentException("yuno.ratelimit.redis-timeout must be positive");
        }
        if (fallbackRetryInterval != null && fallbackRetryInterval.isNegative()) {
            throw new IllegalArgumentException("yuno.ratelimit.fallback-retry-interval must not be negative");
        }
        if (keyGrace != null && keyGrace.isNegative()) {
            throw new IllegalArgumentException("yuno.ratelimit.key-grace must not be negative");
        }
    }
}
