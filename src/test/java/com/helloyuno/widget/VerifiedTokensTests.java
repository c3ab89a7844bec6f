package com.helloyuno.widget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The cache of verified widget tokens saves the signature check of a visitor's next questions and
 * changes no answer: expired, forged and tampered tokens are refused as without it.
 */
class VerifiedTokensTests {

    /** A clock the test moves. */
    private static final class MovingClock extends Clock {
        Instant now = WidgetTokensTests.NOW;

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final MovingClock clock = new MovingClock();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final WidgetTokens tokens =
            new WidgetTokens(WidgetTokensTests.settings(WidgetTokensTests.SECRET, List.of()), clock);

    private VerifiedTokens cache(int maxEntries) {
        var settings = WidgetTokensTests.settings(WidgetTokensTests.SECRET, List.of(), maxEntries, null);
        return new VerifiedTokens(tokens, settings, clock, meters);
    }

    private double count(String result) {
        return meters.get("yuno.widget.token.cache")
                .tag("result", result)
                .counter()
                .count();
    }

    @Test
    void aTokenCheckedOnceIsAnsweredFromTheCacheWithTheSameClaims() {
        var verified = cache(100);
        var token = tokens.issue("a1B2c3D4e5F6g7H8", "example.com", "visitor-7").token();

        var first = verified.verify(token);
        var second = verified.verify(token);

        assertThat(second).isEqualTo(first).isEqualTo(tokens.verify(token));
        assertThat(count("miss")).isEqualTo(1);
        assertThat(count("hit")).isEqualTo(1);
    }

    @Test
    void aCachedTokenIsRefusedOnceItHasExpiredBeyondTheClockSkew() {
        var verified = cache(100);
        var token = tokens.issue("a1B2c3D4e5F6g7H8", "example.com", null).token();
        verified.verify(token);

        // Just past exp the full check runs again and, within the skew, still accepts as before.
        clock.now = WidgetTokensTests.NOW.plus(Duration.ofHours(1)).plusSeconds(1);
        assertThat(verified.verify(token).siteId()).isEqualTo("a1B2c3D4e5F6g7H8");
        assertThat(count("hit")).isZero();

        clock.now = WidgetTokensTests.NOW.plus(Duration.ofHours(1)).plusSeconds(31);
        assertThatThrownBy(() -> verified.verify(token)).isInstanceOf(WidgetErrors.TokenExpired.class);
        assertThat(count("hit")).isZero();
    }

    @Test
    void aTamperedCopyOfACachedTokenIsStillRefused() {
        var verified = cache(100);
        var token = tokens.issue("a1B2c3D4e5F6g7H8", "example.com", null).token();
        verified.verify(token);
        var last = token.charAt(token.length() - 2);
        var tampered =
                token.substring(0, token.length() - 2) + (last == 'A' ? 'B' : 'A') + token.charAt(token.length() - 1);

        assertThatThrownBy(() -> verified.verify(tampered)).isInstanceOf(WidgetErrors.TokenInvalid.class);
        assertThatThrownBy(() -> verified.verify("garbage")).isInstanceOf(WidgetErrors.TokenInvalid.class);
        assertThat(verified.size()).isEqualTo(1);
    }

    @Test
    void theCacheStaysWithinItsBoundExpiredEntriesGoingFirst() {
        var verified = cache(3);
        var old = tokens.issue("a1B2c3D4e5F6g7H8", "example.com", null).token();
        verified.verify(old);
        clock.now = WidgetTokensTests.NOW.plus(Duration.ofMinutes(50));
        var a = tokens.issue("a1B2c3D4e5F6g7H8", "a.example", null).token();
        var b = tokens.issue("a1B2c3D4e5F6g7H8", "b.example", null).token();
        verified.verify(a);
        verified.verify(b);
        assertThat(verified.size()).isEqualTo(3);

        clock.now = WidgetTokensTests.NOW.plus(Duration.ofMinutes(61));
        var c = tokens.issue("a1B2c3D4e5F6g7H8", "c.example", null).token();
        verified.verify(c);
        // Full: the expired one made room; the two live ones stay cached.
        assertThat(verified.size()).isEqualTo(3);
        verified.verify(a);
        verified.verify(b);
        assertThat(count("hit")).isEqualTo(2);

        var d = tokens.issue("a1B2c3D4e5F6g7H8", "d.example", null).token();
        verified.verify(d);
        // Full of live tokens: it starts again rather than grow.
        assertThat(verified.size()).isEqualTo(1);
    }

    @Test
    void aBoundOfZeroTurnsTheCacheOff() {
        var verified = cache(0);
        var token = tokens.issue("a1B2c3D4e5F6g7H8", "example.com", null).token();

        verified.verify(token);
        verified.verify(token);

        assertThat(verified.size()).isZero();
        assertThat(count("hit")).isZero();
    }
}
