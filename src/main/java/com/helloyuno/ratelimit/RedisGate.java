package com.helloyuno.ratelimit;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether to ask Redis. While Redis answers, every request does. After a failure, requests are
 * counted locally without waiting on Redis, and once per {@code retryInterval} a single request
 * tries Redis again; its success ends the outage. Each outage is logged once when it starts (WARN)
 * and once when it ends (INFO), however many requests fail in between.
 */
final class RedisGate {

    private static final Logger log = LoggerFactory.getLogger(RedisGate.class);

    private final long retryNanos;
    private final LongSupplier nanoTime;
    private final AtomicBoolean down = new AtomicBoolean();
    private final AtomicLong nextTry = new AtomicLong();
    private volatile long downSince;

    RedisGate(Duration retryInterval, LongSupplier nanoTime) {
        this.retryNanos = retryInterval.toNanos();
        this.nanoTime = nanoTime;
    }

    /** Whether this request should ask Redis; while down, true for one request per interval. */
    boolean shouldTry() {
        if (!down.get()) {
            return true;
        }
        var next = nextTry.get();
        var now = nanoTime.getAsLong();
        return now - next >= 0 && nextTry.compareAndSet(next, now + retryNanos);
    }

    /** The time a call starts, to be handed to {@link #succeeded}. */
    long now() {
        return nanoTime.getAsLong();
    }

    /**
     * A call that started at {@code startedAt} got its answer. Only a call that started after the
     * outage began ends it: a slow answer to an earlier call says little about Redis now.
     */
    void succeeded(long startedAt) {
        if (down.get() && startedAt - downSince >= 0 && down.compareAndSet(true, false)) {
            log.info("Redis answers again: rate limits are counted globally again");
        }
    }

    void failed(RuntimeException e) {
        var now = nanoTime.getAsLong();
        nextTry.set(now + retryNanos);
        if (!down.get()) {
            downSince = now;
        }
        if (down.compareAndSet(false, true)) {
            // Our own short message (a timeout, or the failure's class): no stack trace per outage,
            // and nothing from the client that could carry a connection URL.
            log.warn(
                    "Redis is unreachable or slow ({}): rate limits fall back to per-instance counting"
                            + " until it answers again",
                    e instanceof RedisCounters.RedisUnavailable
                            ? e.getMessage()
                            : e.getClass().getSimpleName());
        }
    }

    boolean down() {
        return down.get();
    }
}
