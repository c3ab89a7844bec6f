package com.helloyuno.widget;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Runs a Redis call, or the per-instance fallback when Redis fails. After a failure Redis is left
 * alone for a short while (so that an outage does not cost a timeout per request), then tried
 * again; the outage is logged once when it starts and once when it ends, and fallbacks are counted.
 */
@Component
class RedisFallback {

    private static final Logger log = LoggerFactory.getLogger(RedisFallback.class);
    private static final Duration PAUSE = Duration.ofSeconds(2);

    private final Clock clock;
    private final Counter fallbacks;
    private final AtomicBoolean down = new AtomicBoolean();
    private volatile Instant retryAt = Instant.EPOCH;

    RedisFallback(Clock clock, MeterRegistry meters) {
        this.clock = clock;
        this.fallbacks = Counter.builder("yuno.widget.redis.fallbacks")
                .description("Widget decisions (nonces, IP throttling) taken without Redis")
                .register(meters);
    }

    <T> T call(String what, Supplier<T> redis, Supplier<T> local) {
        if (down.get() && clock.instant().isBefore(retryAt)) {
            fallbacks.increment();
            return local.get();
        }
        try {
            var result = redis.get();
            if (down.compareAndSet(true, false)) {
                log.info("Redis answers again: widget nonces and throttling are shared across instances again");
            }
            return result;
        } catch (RuntimeException e) {
            retryAt = clock.instant().plus(PAUSE);
            if (down.compareAndSet(false, true)) {
                log.warn(
                        "Redis unavailable for {} ({}): using per-instance state until it answers",
                        what,
                        e.getClass().getSimpleName());
            }
            fallbacks.increment();
            return local.get();
        }
    }
}
