package com.helloyuno.widget;

import com.helloyuno.ratelimit.RedisGate;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;

/**
 * Single-use nonces: a nonce may be claimed once while a token made with it could live. Claims go
 * to Redis ({@code SET NX} with expiry) so that every instance sees them; while Redis is down, to a
 * bounded per-instance cache, which still stops replays against this instance.
 */
@Component
class NonceStore {

    private final StringRedisTemplate redis;
    private final RedisGate gate;
    private final Duration lifetime;
    private final Clock clock;
    private final LocalNonces local;

    NonceStore(StringRedisTemplate redis, RedisGate gate, WidgetSettings settings, Clock clock) {
        this.redis = redis;
        this.gate = gate;
        this.lifetime = settings.tokenTtl().plus(settings.refreshGrace()).plus(settings.clockSkew());
        this.clock = clock;
        this.local = new LocalNonces(settings.nonceCacheMaxEntries());
    }

    /** True when this is the nonce's first use for the site. */
    boolean claim(String siteId, String nonce) {
        var key = "yuno:nonce:{" + siteId + "}:" + sha256(nonce);
        return gate.call(
                () -> Boolean.TRUE.equals(redis.opsForValue().setIfAbsent(key, "1", lifetime)),
                () -> local.claim(key, clock.instant(), lifetime));
    }

    private static String sha256(String value) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Insertion-ordered, so the oldest claims go first when it is full. */
    static final class LocalNonces {
        private final int maxEntries;
        private final LinkedHashMap<String, Instant> claims;

        LocalNonces(int maxEntries) {
            this.maxEntries = maxEntries;
            this.claims = new LinkedHashMap<>() {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Instant> eldest) {
                    return size() > LocalNonces.this.maxEntries;
                }
            };
        }

        synchronized boolean claim(String key, Instant now, Duration lifetime) {
            var expires = claims.get(key);
            if (expires != null && expires.isAfter(now)) {
                return false;
            }
            claims.remove(key);
            claims.put(key, now.plus(lifetime));
            return true;
        }
    }
}
