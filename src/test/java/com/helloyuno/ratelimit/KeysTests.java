package com.helloyuno.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Counter names: one hash slot per site, and no id can widen the SCAN that forgets a site. */
class KeysTests {

    @Test
    void everyKeyOfASiteSharesItsHashTagAndPattern() {
        var start = Instant.parse("2026-03-30T12:00:00Z");

        assertThat(Keys.site("s1", RateLimitWindow.HOUR, start)).isEqualTo("yuno:rl:{s1}:h:" + start.getEpochSecond());
        assertThat(Keys.tokens("s1", RateLimitWindow.DAY, start))
                .isEqualTo("yuno:rl:{s1}:tk:d:" + start.getEpochSecond());
        assertThat(Keys.pattern("s1")).isEqualTo("yuno:rl:{s1}:*");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "site_1-A", "0123456789012345678901234567890123456789012345678901234567890123"})
    void idsOfLettersDigitsDashAndUnderscoreUpTo64AreAccepted(String id) {
        assertThat(Keys.requireId("siteId", id)).isEqualTo(id);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "*",
                "a*",
                "a?",
                "a[b]",
                "{a}",
                "a:b",
                "a b",
                "01234567890123456789012345678901234567890123456789012345678901234"
            })
    void idsThatCouldChangeAKeyOrAScanPatternAreRefused(String id) {
        assertThatThrownBy(() -> Keys.requireId("sessionId", id))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("sessionId must be");
    }

    @Test
    void aMissingIdIsRefused() {
        assertThatThrownBy(() -> Keys.requireId("siteId", null)).isInstanceOf(IllegalArgumentException.class);
    }
}
