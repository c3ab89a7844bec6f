package com.helloyuno.widget;

import com.helloyuno.platform.DigestKey;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Widget tokens this instance has verified lately, so that a visitor's next questions skip the
 * signature check and claim parsing ({@link WidgetTokens#verify(String)}): a widget sends the same
 * token with every request for an hour.
 *
 * <p>What it must never change: a token is served from here only before its {@code exp}; after
 * it, the full check runs again (and refuses it, or accepts it within the clock skew as it always
 * did). Only tokens that passed the full check are kept, so a forged or tampered token is checked
 * in full every time. The site behind a token is re-checked on every request by the caller (a
 * deleted or disabled site is refused at once), as before. Entries are keyed by the token's
 * SHA-256, so no usable token sits in the heap beyond the request that carried it. Bounded by
 * {@code yuno.widget.token-cache-max-entries}: when full, expired entries go, and if that is not
 * enough, all of them (the cost is one full check per active visitor).
 */
@Component
class VerifiedTokens {

    private final WidgetTokens tokens;
    private final Clock clock;
    private final int maxEntries;
    private final ConcurrentHashMap<DigestKey, WidgetTokens.TokenClaims> verified = new ConcurrentHashMap<>();
    private final Counter hits;
    private final Counter misses;

    VerifiedTokens(WidgetTokens tokens, WidgetSettings settings, Clock clock, MeterRegistry meters) {
        this.tokens = tokens;
        this.clock = clock;
        this.maxEntries = settings.tokenCacheMaxEntries();
        this.hits = Counter.builder("yuno.widget.token.cache")
                .tag("result", "hit")
                .description("Widget token checks answered by the cache of verified tokens")
                .register(meters);
        this.misses = Counter.builder("yuno.widget.token.cache")
                .tag("result", "miss")
                .description("Widget token checks answered by the cache of verified tokens")
                .register(meters);
        Gauge.builder("yuno.widget.token.cache.size", verified, ConcurrentHashMap::size)
                .description("Verified widget tokens remembered")
                .register(meters);
    }

    /** As {@link WidgetTokens#verify(String)}, from the cache while the token has not expired. */
    WidgetTokens.TokenClaims verify(String token) {
        if (maxEntries == 0) {
            return tokens.verify(token);
        }
        var key = DigestKey.of(token);
        var known = verified.get(key);
        if (known != null && clock.instant().isBefore(known.expiresAt())) {
            hits.increment();
            return known;
        }
        misses.increment();
        var claims = tokens.verify(token);
        if (verified.size() >= maxEntries) {
            makeRoom();
        }
        verified.put(key, claims);
        return claims;
    }

    int size() {
        return verified.size();
    }

    private void makeRoom() {
        var now = clock.instant();
        verified.values().removeIf(claims -> !now.isBefore(claims.expiresAt()));
        if (verified.size() >= maxEntries) {
            verified.clear();
        }
    }
}
