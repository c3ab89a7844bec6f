package com.helloyuno.widget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.ValueOperations;

/** A nonce opens one token: a replay is refused, in Redis and, while Redis is away, per instance. */
class NonceStoreTests {

    static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");
    static final Duration LIFETIME = Duration.ofMinutes(10);

    @Test
    void aNonceIsClaimedOnceWhileATokenMadeWithItCouldLive() {
        var nonces = new NonceStore.LocalNonces(100);

        assertThat(nonces.claim("k1", NOW, LIFETIME)).isTrue();
        assertThat(nonces.claim("k1", NOW, LIFETIME)).isFalse();
        assertThat(nonces.claim("k1", NOW.plus(LIFETIME).minusMillis(1), LIFETIME))
                .isFalse();
        assertThat(nonces.claim("k2", NOW, LIFETIME)).isTrue();
        // Once no token made with it can be alive, the nonce may be used again.
        assertThat(nonces.claim("k1", NOW.plus(LIFETIME), LIFETIME)).isTrue();
        assertThat(nonces.claim("k1", NOW.plus(LIFETIME).plusSeconds(1), LIFETIME))
                .isFalse();
    }

    @Test
    void whenFullTheOldestClaimsAreForgottenFirst() {
        var nonces = new NonceStore.LocalNonces(3);
        for (var key : List.of("a", "b", "c", "d")) {
            assertThat(nonces.claim(key, NOW, LIFETIME)).isTrue();
        }

        // "a" went to make room for "d"; the three newest are still refused.
        assertThat(nonces.claim("d", NOW, LIFETIME)).isFalse();
        assertThat(nonces.claim("c", NOW, LIFETIME)).isFalse();
        assertThat(nonces.claim("b", NOW, LIFETIME)).isFalse();
        assertThat(nonces.claim("a", NOW, LIFETIME)).isTrue();
    }

    @Test
    void aReclaimedNonceCountsAsNewlyClaimedForEviction() {
        var nonces = new NonceStore.LocalNonces(2);
        nonces.claim("a", NOW, Duration.ofSeconds(1));
        nonces.claim("b", NOW, LIFETIME);
        // "a" has expired: claimed again, it is now the newest, and "b" goes first.
        assertThat(nonces.claim("a", NOW.plusSeconds(2), LIFETIME)).isTrue();
        assertThat(nonces.claim("c", NOW.plusSeconds(2), LIFETIME)).isTrue();

        assertThat(nonces.claim("a", NOW.plusSeconds(2), LIFETIME)).isFalse();
        assertThat(nonces.claim("b", NOW.plusSeconds(2), LIFETIME)).isTrue();
    }

    @Test
    void claimsGoToRedisPerSiteWithTheNonceHashedAndTheTokensWholeLife() {
        var redis = mock(StringRedisTemplate.class);
        @SuppressWarnings("unchecked")
        ValueOperations<String, String> values = mock(ValueOperations.class);
        when(redis.opsForValue()).thenReturn(values);
        when(values.setIfAbsent(anyString(), eq("1"), any(Duration.class))).thenReturn(true, false);
        var store = store(redis);

        assertThat(store.claim("siteAAAAAAAAAAAA", "nonce-secret-value")).isTrue();
        assertThat(store.claim("siteAAAAAAAAAAAA", "nonce-secret-value")).isFalse();

        var key = ArgumentCaptor.forClass(String.class);
        var ttl = ArgumentCaptor.forClass(Duration.class);
        verify(values, org.mockito.Mockito.times(2)).setIfAbsent(key.capture(), eq("1"), ttl.capture());
        assertThat(key.getValue())
                .startsWith("yuno:nonce:{siteAAAAAAAAAAAA}:")
                .doesNotContain("nonce-secret-value")
                .hasSize("yuno:nonce:{siteAAAAAAAAAAAA}:".length() + 64);
        // Token life, refresh grace and clock skew: 1h + 5m + 30s.
        assertThat(ttl.getValue()).isEqualTo(Duration.ofMinutes(65).plusSeconds(30));
    }

    @Test
    void aNullAnswerFromRedisIsNoClaim() {
        var redis = mock(StringRedisTemplate.class);
        @SuppressWarnings("unchecked")
        ValueOperations<String, String> values = mock(ValueOperations.class);
        when(redis.opsForValue()).thenReturn(values);
        when(values.setIfAbsent(anyString(), anyString(), any(Duration.class))).thenReturn(null);

        assertThat(store(redis).claim("siteAAAAAAAAAAAA", "n1")).isFalse();
    }

    @Test
    void whileRedisIsAwayAReplayIsStillRefusedByThisInstance() {
        var redis = mock(StringRedisTemplate.class);
        when(redis.opsForValue()).thenThrow(new RedisConnectionFailureException("down"));
        var store = store(redis);

        assertThat(store.claim("siteAAAAAAAAAAAA", "n1")).isTrue();
        assertThat(store.claim("siteAAAAAAAAAAAA", "n1")).isFalse();
        assertThat(store.claim("siteBBBBBBBBBBBB", "n1")).isTrue();
    }

    private static NonceStore store(StringRedisTemplate redis) {
        var clock = Clock.fixed(NOW, ZoneOffset.UTC);
        return new NonceStore(
                redis, new RedisFallback(clock, new SimpleMeterRegistry()), IdentityVerifierTests.settings(), clock);
    }
}
