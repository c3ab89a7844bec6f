package com.helloyuno.ratelimit;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether to ask Redis, for a feature that keeps per-instance state while Redis is away. While
 * Redis answers, every request does. After a failure, requests use the per-instance state without
 * waiting on Redis, and once per {@code retryInterval} a single request tries Redis again; its
 * success ends the outage. Each outage is logged once when it starts (WARN) and once when it ends
 * (INFO), however many requests fail in between; {@link #fallbacks} counts the calls that fell back.
 *
 * <p>One gate per feature, shared by all of its Redis calls, so that an outage is one outage: the
 * rate limiter has one, the widget's nonces and authentication throttling another. {@link #call}
 * is the usual way through it.
 */
public final class RedisGate {

    private static final Logger log = LoggerFactory.getLogger(RedisGate.class);

    private final String fallingBack;
    private final String back;
    private final long retryNanos;
    private final LongSupplier nanoTime;
    private final AtomicBoolean down = new AtomicBoolean();
    private final AtomicLong nextTry = new AtomicLong();
    private final AtomicLong fallbacks = new AtomicLong();
    private volatile long downSince;

    /** The rate limiter's gate. */
    RedisGate(Duration retryInterval, LongSupplier nanoTime) {
        this(
                "rate limits fall back to per-instance counting",
                "rate limits are counted globally again",
                retryInterval,
                nanoTime);
    }

    /**
     * @param fallingBack what falls back while Redis is away, for the outage's WARN line: "widget
     *     nonces and throttling use per-instance state"
     * @param back what holds again once it answers, for the INFO line: "widget nonces and throttling
     *     are shared across instances again"
     * @param retryInterval how often, while Redis is down, one request tries it again
     * @param nanoTime the time source, {@code System::nanoTime} outside tests
     */
    public RedisGate(String fallingBack, String back, Duration retryInterval, LongSupplier nanoTime) {
        this.fallingBack = fallingBack;
        this.back = back;
        this.retryNanos = retryInterval.toNanos();
        this.nanoTime = nanoTime;
    }

    /**
     * The answer from Redis when this request should ask it and it answers; otherwise, and whenever
     * {@code redis} throws, the answer from {@code local}. Never fails because of Redis.
     */
    public <T> T call(Supplier<T> redis, Supplier<T> local) {
        if (shouldTry()) {
            var startedAt = now();
            try {
                var result = redis.get();
                succeeded(startedAt);
                return result;
            } catch (RuntimeException e) {
                // Fail open: whatever went wrong with Redis, the caller still gets an answer.
                failed(e);
            }
        }
        fallbacks.incrementAndGet();
        return local.get();
    }

    /** How many calls of {@link #call} took the per-instance answer, for a counter. */
    public long fallbacks() {
        return fallbacks.get();
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
            log.info("Redis answers again: {}", back);
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
                    "Redis is unreachable or slow ({}): {} until it answers again",
                    e instanceof RedisCounters.RedisUnavailable
                            ? e.getMessage()
                            : e.getClass().getSimpleName(),
                    fallingBack);
        }
    }

    boolean down() {
        return down.get();
    }
}
