package com.helloyuno.ratelimit;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.data.redis.core.Cursor;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.RedisOperations;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.core.SessionCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * The counters in Redis. Every call on a request's path is bounded by {@code redisTimeout}, far
 * shorter than the connection's own command timeout, and fails with {@link RedisUnavailable} when
 * Redis does not answer in time or at all; the caller then decides locally.
 */
final class RedisCounters implements AutoCloseable {

    private static final int SCAN_BATCH = 500;

    private final StringRedisTemplate redis;
    private final RedisScript<List> script;
    private final Duration timeout;
    private final Duration grace;
    // A virtual thread per call lets the request thread stop waiting after the short timeout while
    // the call itself runs on until the client's own timeout ends it. So a request given up on can
    // still be counted in Redis if its command gets through late (e.g. as the client reconnects):
    // around an outage's edges a late count can cost a site a few requests of quota, never give it more.
    private final ExecutorService calls = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("yuno-ratelimit-redis-", 0).factory());

    RedisCounters(StringRedisTemplate redis, RedisScript<List> script, Duration timeout, Duration grace) {
        this.redis = redis;
        this.script = script;
        this.timeout = timeout;
        this.grace = grace;
    }

    /** Runs {@code rate_limit.lua} (EVALSHA, EVAL only when Redis lacks the script) in one round trip. */
    Counts check(List<Slot> slots, Instant now) {
        var keys = new ArrayList<String>(slots.size());
        var args = new String[slots.size() * 2];
        for (int i = 0; i < slots.size(); i++) {
            var slot = slots.get(i);
            keys.add(slot.key());
            args[i] = Long.toString(slot.limit());
            args[slots.size() + i] = Long.toString(slot.ttlMillis(now, grace));
        }
        List<?> reply = call(() -> redis.execute(script, keys, (Object[]) args));
        if (reply == null || reply.size() != slots.size() + 1) {
            throw new RedisUnavailable("unexpected reply from rate_limit.lua", null);
        }
        var values = new long[slots.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = number(reply.get(i + 1));
        }
        return new Counts(number(reply.getFirst()) == 1, values, false);
    }

    /**
     * Connects and makes Redis hold the script, so that the first request does not pay for both
     * within the short timeout. Bounded by the connection's own timeouts, not the short one.
     */
    void loadScript() {
        var source = script.getScriptAsString().getBytes(StandardCharsets.UTF_8);
        redis.execute((RedisCallback<String>)
                connection -> connection.scriptingCommands().scriptLoad(source));
    }

    /** The values of the counters (0 where there is none), in one MGET. */
    long[] counts(List<String> keys) {
        List<String> reply = call(() -> redis.opsForValue().multiGet(keys));
        var values = new long[keys.size()];
        for (int i = 0; i < values.length && reply != null && i < reply.size(); i++) {
            values[i] = reply.get(i) == null ? 0 : Long.parseLong(reply.get(i));
        }
        return values;
    }

    /** Adds to counters, each living {@code ttls[i]} from now, in one pipelined round trip. */
    void add(List<String> keys, long delta, List<Duration> ttls) {
        call(() -> redis.executePipelined(new SessionCallback<Object>() {
            @Override
            @SuppressWarnings({"unchecked", "rawtypes"})
            public Object execute(RedisOperations operations) {
                for (int i = 0; i < keys.size(); i++) {
                    operations.opsForValue().increment(keys.get(i), delta);
                    operations.expire(keys.get(i), ttls.get(i));
                }
                return null;
            }
        }));
    }

    /**
     * Deletes every key of the site: SCAN with the site's pattern, never KEYS, so Redis is not
     * blocked however many keys it holds. Not bounded by the short timeout: it is not on a
     * visitor's path.
     */
    long forget(String siteId) {
        var options = ScanOptions.scanOptions()
                .match(Keys.pattern(siteId))
                .count(SCAN_BATCH)
                .build();
        long deleted = 0;
        var batch = new ArrayList<String>(SCAN_BATCH);
        try (Cursor<String> cursor = redis.scan(options)) {
            while (cursor.hasNext()) {
                batch.add(cursor.next());
                if (batch.size() == SCAN_BATCH) {
                    deleted += unlink(batch);
                }
            }
        }
        return deleted + unlink(batch);
    }

    private long unlink(List<String> keys) {
        if (keys.isEmpty()) {
            return 0;
        }
        var deleted = redis.unlink(keys);
        keys.clear();
        return deleted == null ? 0 : deleted;
    }

    private <T> T call(Supplier<T> work) {
        Future<T> future;
        try {
            future = calls.submit(work::get);
        } catch (RuntimeException e) {
            throw new RedisUnavailable("the executor refused the call", e);
        }
        try {
            return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new RedisUnavailable("no answer within " + timeout.toMillis() + " ms", e);
        } catch (ExecutionException e) {
            throw new RedisUnavailable(
                    e.getCause() == null ? "failed" : e.getCause().getClass().getSimpleName(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RedisUnavailable("interrupted", e);
        }
    }

    private static long number(Object value) {
        return switch (value) {
            case Number n -> n.longValue();
            case String s -> Long.parseLong(s);
            default -> throw new RedisUnavailable("unexpected value from rate_limit.lua", null);
        };
    }

    @Override
    public void close() {
        calls.shutdownNow();
    }

    /** Redis did not answer, or not in time. */
    static final class RedisUnavailable extends RuntimeException {
        RedisUnavailable(String message, @Nullable Throwable cause) {
            super(message, cause, false, false);
        }
    }
}
