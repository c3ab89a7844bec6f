package com.helloyuno.ratelimit;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
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
import org.springframework.data.redis.connection.lettuce.LettuceConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.Cursor;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * The counters in Redis. Every call on a request's path is bounded by {@code redisTimeout}, far
 * shorter than the connection's own command timeout, and fails with {@link RedisUnavailable} when
 * Redis does not answer in time or at all; the caller then decides locally.
 *
 * <p>The two calls on an answer's path, the check ({@code rate_limit.lua}) and the token count
 * ({@code add.lua}), are each one script command sent on Lettuce's shared connection with its
 * asynchronous API, and the request's own thread waits for the reply with the short timeout. In the
 * chat benchmark's profile, sending them through the template from a thread of their own (so that
 * the caller could stop waiting) and the template's pipeline for the token count were a tenth of
 * the CPU of an answer; a future waited on with a timeout gives the same bound without the hop.
 */
final class RedisCounters implements AutoCloseable {

    private static final int SCAN_BATCH = 500;

    private final StringRedisTemplate redis;
    private final LettuceConnectionFactory connections;
    private final Script check;
    private final Script add;
    private final Duration timeout;
    private final Duration grace;
    // Calls that may block inside the client (connecting, the template's usage read) run on a
    // virtual thread of their own, so that the request thread can stop waiting after the short
    // timeout while the call itself runs on until the client's own timeout ends it. A command given
    // up on, here or in the asynchronous path, can still be counted in Redis if it gets through late
    // (e.g. as the client reconnects): around an outage's edges a late count can cost a site a few
    // requests of quota, never give it more.
    private final ExecutorService calls = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("yuno-ratelimit-redis-", 0).factory());
    // The shared connection's asynchronous commands, asked of the factory again whenever they are
    // not open (Lettuce reconnects a connection by itself; a restarted factory has a new one).
    private volatile @Nullable RedisClusterAsyncCommands<byte[], byte[]> commands;

    /** A script's source and SHA1: EVALSHA first, EVAL only when Redis lacks it (e.g. after a restart). */
    record Script(String source, String sha1) {
        static Script of(RedisScript<?> script) {
            return new Script(script.getScriptAsString(), script.getSha1());
        }
    }

    RedisCounters(
            StringRedisTemplate redis,
            RedisScript<List> check,
            RedisScript<List> add,
            Duration timeout,
            Duration grace) {
        this.redis = redis;
        if (!(redis.getRequiredConnectionFactory() instanceof LettuceConnectionFactory lettuce)) {
            throw new IllegalStateException("The rate limiter needs Lettuce's connection factory");
        }
        this.connections = lettuce;
        this.check = Script.of(check);
        this.add = Script.of(add);
        this.timeout = timeout;
        this.grace = grace;
    }

    /** Runs {@code rate_limit.lua} in one round trip. */
    Counts check(List<Slot> slots, Instant now) {
        var keys = new byte[slots.size()][];
        var args = new byte[slots.size() * 2][];
        for (int i = 0; i < slots.size(); i++) {
            var slot = slots.get(i);
            keys[i] = bytes(slot.key());
            args[i] = bytes(Long.toString(slot.limit()));
            args[slots.size() + i] = bytes(Long.toString(slot.ttlMillis(now, grace)));
        }
        var reply = evaluate(check, keys, args);
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
     * Connects and makes Redis hold the scripts, so that the first request does not pay for both
     * within the short timeout. Bounded by the connection's own timeouts, not the short one.
     */
    void loadScript() {
        for (var script : List.of(check, add)) {
            var source = script.source().getBytes(StandardCharsets.UTF_8);
            redis.execute((RedisCallback<String>)
                    connection -> connection.scriptingCommands().scriptLoad(source));
        }
        commands = nativeCommands();
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

    /** Adds to counters, each living {@code ttls[i]} from now, with {@code add.lua} in one round trip. */
    void add(List<String> keys, long delta, List<Duration> ttls) {
        var keyBytes = new byte[keys.size()][];
        var args = new byte[keys.size() + 1][];
        args[0] = bytes(Long.toString(delta));
        for (int i = 0; i < keys.size(); i++) {
            keyBytes[i] = bytes(keys.get(i));
            args[i + 1] = bytes(Long.toString(Math.max(1, ttls.get(i).toMillis())));
        }
        var reply = evaluate(add, keyBytes, args);
        if (reply == null || reply.size() != keys.size()) {
            throw new RedisUnavailable("unexpected reply from add.lua", null);
        }
    }

    /** EVALSHA, then EVAL when Redis lacks the script, both within the one short timeout. */
    private @Nullable List<Object> evaluate(Script script, byte[][] keys, byte[][] args) {
        var deadline = System.nanoTime() + timeout.toNanos();
        var commands = commands(deadline);
        try {
            return await(commands.evalsha(script.sha1(), ScriptOutputType.MULTI, keys, args), deadline);
        } catch (NoScript e) {
            return await(commands.eval(script.source(), ScriptOutputType.MULTI, keys, args), deadline);
        }
    }

    private RedisClusterAsyncCommands<byte[], byte[]> commands(long deadline) {
        var known = commands;
        if (known != null && known.isOpen()) {
            return known;
        }
        // Not connected yet (Redis was away at start-up), down, or closed: the factory may have been
        // stopped and started again with a new shared connection (Spring's test contexts are paused
        // so). Asking the factory may block while it connects, so it gets the short timeout on a
        // thread of its own, like the template's calls.
        var connected = call(this::nativeCommands, deadline);
        commands = connected;
        return connected;
    }

    private RedisClusterAsyncCommands<byte[], byte[]> nativeCommands() {
        var connection = connections.getConnection();
        var nativeCommands = ((LettuceConnection) connection).getNativeConnection();
        if (connections.getShareNativeConnection()) {
            // The factory's shared connection: closing this wrapper leaves that connection open.
            // (Unshared, the wrapper's own connection is the one kept, for the instance's life.)
            connection.close();
        }
        return nativeCommands;
    }

    private <T> T await(Future<T> future, long deadline) {
        try {
            return future.get(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new RedisUnavailable("no answer within " + timeout.toMillis() + " ms", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RedisNoScriptException) {
                throw new NoScript();
            }
            throw new RedisUnavailable(
                    e.getCause() == null ? "failed" : e.getCause().getClass().getSimpleName(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RedisUnavailable("interrupted", e);
        }
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
        return call(work, System.nanoTime() + timeout.toNanos());
    }

    private <T> T call(Supplier<T> work, long deadline) {
        Future<T> future;
        try {
            future = calls.submit(work::get);
        } catch (RuntimeException e) {
            throw new RedisUnavailable("the executor refused the call", e);
        }
        return await(future, deadline);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
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

    /** Redis answered NOSCRIPT: it lacks the script, and EVAL sends it. */
    private static final class NoScript extends RuntimeException {
        NoScript() {
            super(null, null, false, false);
        }
    }

    /** Redis did not answer, or not in time. */
    static final class RedisUnavailable extends RuntimeException {
        RedisUnavailable(String message, @Nullable Throwable cause) {
            super(message, cause, false, false);
        }
    }
}
