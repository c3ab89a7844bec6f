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

    @Test
    void aNonceIsClaimedOnceWhileATokenMadeWithItCouldLive() {
        var local = new NonceStore.LocalNonces(100);
        var now = Instant.parse("2026-11-26T12:00:00Z");
        var lifetime = Duration.ofMinutes(10);

        assertThat(local.claim("k1", now, lifetime)).isTrue();
        assertThat(local.claim("k1", now, lifetime)).isFalse();
        assertThat(local.claim("k1", now.plus(lifetime).minusMillis(1), lifetime))
                .isFalse();
        assertThat(local.claim("k2", now, lifetime)).isTrue();
        // Once no token made with it can be alive, the nonce may be used again.
        assertThat(local.claim("k1", now.plus(lifetime), lifetime)).isTrue();
        assertThat(local.claim("k1", now.plus(lifetime).plusSeconds(1), lifetime))
                .isFalse();
    }

    @Test
    void whenFullTheOldestClaimsAreForgottenFirst() {
        var local = new NonceStore.LocalNonces(3);
        var now = Instant.parse("2026-11-26T12:00:00Z");
        var lifetime = Duration.ofMinutes(10);
        for (var key : List.of("a", "b", "c", "d")) {
            assertThat(local.claim(key, now, lifetime)).isTrue();
        }

        // "a" went to make room for "d"; the three newest are still refused.
        assertThat(local.claim("d", now, lifetime)).isFalse();
        assertThat(local.claim("c", now, lifetime)).isFalse();
        assertThat(local.claim("b", now, lifetime)).isFalse();
        assertThat(local.claim("a", now, lifetime)).isTrue();
    }

    @Test
    void aReclaimedNonceCountsAsNewlyClaimedForEviction() {
        var local = new NonceStore.LocalNonces(2);
        var now = Instant.parse("2026-11-26T12:00:00Z");
        var lifetime = Duration.ofMinutes(10);
        local.claim("a", now, Duration.ofSeconds(1));
        local.claim("b", now, lifetime);
        // "a" has expired: claimed again, it is now the newest, and "b" goes first.
        assertThat(local.claim("a", now.plusSeconds(2), lifetime)).isTrue();
        assertThat(local.claim("c", now.plusSeconds(2), lifetime)).isTrue();

        assertThat(local.claim("a", now.plusSeconds(2), lifetime)).isFalse();
        assertThat(local.claim("b", now.plusSeconds(2), lifetime)).isTrue();
    }

    @Test
    void claimsGoToRedisPerSiteWithTheNonceHashedForTheTokensWholeLife() {
        var template = org.mockito.Mockito.mock(StringRedisTemplate.class);
        @SuppressWarnings("unchecked")
        ValueOperations<String, String> values = org.mockito.Mockito.mock(ValueOperations.class);
        org.mockito.Mockito.when(template.opsForValue()).thenReturn(values);
        org.mockito.Mockito.when(values.setIfAbsent(
                        org.mockito.ArgumentMatchers.anyString(),
                        org.mockito.ArgumentMatchers.eq("1"),
                        org.mockito.ArgumentMatchers.any(Duration.class)))
                .thenReturn(true, false, null);
        var store = new NonceStore(
                template, gate, settings(), Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC));

        assertThat(store.claim("siteAAAAAAAAAAAA", "nonce-secret-value")).isTrue();
        assertThat(store.claim("siteAAAAAAAAAAAA", "nonce-secret-value")).isFalse();
        assertThat(store.claim("siteAAAAAAAAAAAA", "nonce-secret-value"))
                .as("no answer is no claim")
                .isFalse();

        var key = org.mockito.ArgumentCaptor.forClass(String.class);
        var ttl = org.mockito.ArgumentCaptor.forClass(Duration.class);
        org.mockito.Mockito.verify(values, org.mockito.Mockito.times(3))
                .setIfAbsent(key.capture(), org.mockito.ArgumentMatchers.eq("1"), ttl.capture());
        assertThat(key.getValue())
                .startsWith("yuno:nonce:{siteAAAAAAAAAAAA}:")
                .doesNotContain("nonce-secret-value")
                .hasSize("yuno:nonce:{siteAAAAAAAAAAAA}:".length() + 64);
        // Token life, refresh grace and clock skew: 1h + 5m + 30s.
        assertThat(ttl.getValue()).isEqualTo(Duration.ofMinutes(65).plusSeconds(30));
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
                10000,
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
