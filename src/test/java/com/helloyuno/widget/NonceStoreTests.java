package com.helloyuno.widget;

import static org.assertj.core.api.Assertions.assertThat;

import com.helloyuno.ratelimit.RedisGate;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.ValueOperations;

/**
 * While Redis fails, nonces are claimed in this instance's own cache without asking Redis on every
 * claim, and once Redis answers again they go back to it; the outage is logged once each way and
 * its fallbacks are counted.
 */
@ExtendWith(OutputCaptureExtension.class)
class NonceStoreTests {

    private static final String WARN = "widget nonces and throttling use per-instance state";
    private static final String BACK = "widget nonces and throttling are shared across instances again";

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final RedisGate gate = new RedisGate(WARN, BACK, Duration.ofSeconds(1), nanos::get);
    private final FakeRedis redis = new FakeRedis();
    private final NonceStore nonces =
            new NonceStore(redis, gate, settings(), Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC));

    @Test
    void whileRedisFailsNoncesAreClaimedLocallyAndOnceItAnswersInRedisAgain(CapturedOutput output) {
        assertThat(nonces.claim("site", "one")).isTrue();
        assertThat(nonces.claim("site", "one")).as("a replay, refused by Redis").isFalse();
        assertThat(redis.keys).hasSize(1);

        redis.failing = true;
        assertThat(nonces.claim("site", "two"))
                .as("Redis fails: claimed locally")
                .isTrue();
        var callsWhenItFailed = redis.calls.get();
        assertThat(nonces.claim("site", "two"))
                .as("a replay, refused by the local cache")
                .isFalse();
        assertThat(nonces.claim("site", "three")).isTrue();
        assertThat(redis.calls.get())
                .as("Redis left alone until the retry interval")
                .isEqualTo(callsWhenItFailed);
        assertThat(gate.fallbacks()).isEqualTo(3);

        redis.failing = false;
        nanos.addAndGet(Duration.ofSeconds(1).toNanos());
        assertThat(nonces.claim("site", "four"))
                .as("the retry, answered by Redis")
                .isTrue();
        assertThat(nonces.claim("site", "four"))
                .as("a replay, refused by Redis")
                .isFalse();
        assertThat(redis.keys).hasSize(2);
        assertThat(gate.fallbacks()).isEqualTo(3);

        assertThat(output.getAll().lines().filter(line -> line.contains(WARN))).hasSize(1);
        assertThat(output.getAll().lines().filter(line -> line.contains("Redis answers again: " + BACK)))
                .hasSize(1);
    }

    @Test
    void theWidgetsFallbacksAreCounted() {
        var meters = new SimpleMeterRegistry();
        var widgetGate = new WidgetRedis().widgetRedisGate(meters);

        widgetGate.call(
                () -> {
                    throw new RedisConnectionFailureException("refused");
                },
                () -> true);
        widgetGate.call(() -> false, () -> true);

        assertThat(meters.get("yuno.widget.redis.fallbacks").functionCounter().count())
                .isEqualTo(2);
    }

    private static WidgetSettings settings() {
        return new WidgetSettings(
                null,
                List.of(),
                Duration.ofHours(1),
                Duration.ofMinutes(5),
                Duration.ofSeconds(30),
                "yuno",
                "yuno-widget",
                60,
                100,
                Duration.ofMinutes(10),
                null);
    }

    /** Redis's {@code SET NX} on a set of keys, or a connection failure while {@code failing}. */
    private static final class FakeRedis extends StringRedisTemplate {
        final Set<String> keys = new HashSet<>();
        final AtomicInteger calls = new AtomicInteger();
        volatile boolean failing;

        @Override
        @SuppressWarnings("unchecked")
        public ValueOperations<String, String> opsForValue() {
            return (ValueOperations<String, String>) Proxy.newProxyInstance(
                    ValueOperations.class.getClassLoader(),
                    new Class<?>[] {ValueOperations.class},
                    (proxy, method, args) -> {
                        if (!method.getName().equals("setIfAbsent") || args.length != 3) {
                            throw new UnsupportedOperationException(method.getName());
                        }
                        calls.incrementAndGet();
                        if (failing) {
                            throw new RedisConnectionFailureException("connection refused");
                        }
                        return keys.add((String) args[0]);
                    });
        }
    }
}
