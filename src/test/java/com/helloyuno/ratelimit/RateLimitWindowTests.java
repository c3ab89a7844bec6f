package com.helloyuno.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Calendar windows in UTC. */
class RateLimitWindowTests {

    private static final Instant NOW = Instant.parse("2026-03-30T12:34:56.789Z");

    @Test
    void windowsStartAtTheTopOfTheirUnitAndEndWhereTheNextStarts() {
        assertThat(RateLimitWindow.MINUTE.start(NOW)).isEqualTo("2026-03-30T12:34:00Z");
        assertThat(RateLimitWindow.MINUTE.end(NOW)).isEqualTo("2026-03-30T12:35:00Z");
        assertThat(RateLimitWindow.HOUR.start(NOW)).isEqualTo("2026-03-30T12:00:00Z");
        assertThat(RateLimitWindow.HOUR.end(NOW)).isEqualTo("2026-03-30T13:00:00Z");
        assertThat(RateLimitWindow.DAY.start(NOW)).isEqualTo("2026-03-30T00:00:00Z");
        assertThat(RateLimitWindow.DAY.end(NOW)).isEqualTo("2026-03-31T00:00:00Z");
        assertThat(RateLimitWindow.MONTH.start(NOW)).isEqualTo("2026-03-01T00:00:00Z");
        assertThat(RateLimitWindow.MONTH.end(NOW)).isEqualTo("2026-04-01T00:00:00Z");
    }

    @Test
    void theMonthIsTheCalendarMonthWhateverItsLength() {
        var leapFebruary = Instant.parse("2028-02-29T23:59:59Z");
        assertThat(RateLimitWindow.MONTH.start(leapFebruary)).isEqualTo("2028-02-01T00:00:00Z");
        assertThat(RateLimitWindow.MONTH.end(leapFebruary)).isEqualTo("2028-03-01T00:00:00Z");

        var newYearsEve = Instant.parse("2026-12-31T23:59:59.999Z");
        assertThat(RateLimitWindow.MONTH.end(newYearsEve)).isEqualTo("2027-01-01T00:00:00Z");
        assertThat(RateLimitWindow.DAY.end(newYearsEve)).isEqualTo("2027-01-01T00:00:00Z");

        var firstInstant = Instant.parse("2027-01-01T00:00:00Z");
        assertThat(RateLimitWindow.MONTH.start(firstInstant)).isEqualTo(firstInstant);
    }

    @Test
    void secondsUntilRoundUpAndAreAtLeastOne() {
        var end = Instant.parse("2026-03-30T12:01:00Z");
        assertThat(RateLimitWindow.secondsUntil(Instant.parse("2026-03-30T12:00:45Z"), end))
                .isEqualTo(15);
        assertThat(RateLimitWindow.secondsUntil(Instant.parse("2026-03-30T12:00:45.001Z"), end))
                .isEqualTo(15);
        assertThat(RateLimitWindow.secondsUntil(Instant.parse("2026-03-30T12:00:44.999Z"), end))
                .isEqualTo(16);
        assertThat(RateLimitWindow.secondsUntil(Instant.parse("2026-03-30T12:00:59.999Z"), end))
                .isEqualTo(1);
        assertThat(RateLimitWindow.secondsUntil(end, end)).isEqualTo(1);
    }

    @Test
    void wireNamesAreTheContracts() {
        assertThat(RateLimitWindow.values())
                .extracting(RateLimitWindow::wireName)
                .containsExactly("minute", "hour", "day", "month");
    }
}
