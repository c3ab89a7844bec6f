package com.helloyuno.ratelimit;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/**
 * A calendar window in UTC. A window starts at the top of its unit (the minute, the hour, midnight,
 * the first of the month) and ends where the next one starts; counters reset at that instant.
 */
public enum RateLimitWindow {
    MINUTE("m"),
    HOUR("h"),
    DAY("d"),
    MONTH("mo");

    /** Short name inside Redis keys. */
    final String code;

    RateLimitWindow(String code) {
        this.code = code;
    }

    /** The contract's name: {@code minute}, {@code hour}, {@code day} or {@code month}. */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The start of the window that holds {@code now}. */
    Instant start(Instant now) {
        var utc = now.atOffset(ZoneOffset.UTC);
        var start = switch (this) {
            case MINUTE -> utc.truncatedTo(ChronoUnit.MINUTES);
            case HOUR -> utc.truncatedTo(ChronoUnit.HOURS);
            case DAY -> utc.truncatedTo(ChronoUnit.DAYS);
            case MONTH -> utc.truncatedTo(ChronoUnit.DAYS).withDayOfMonth(1);
        };
        return start.toInstant();
    }

    /** The end of the window that holds {@code now}: the start of the next one. */
    Instant end(Instant now) {
        var start = start(now).atOffset(ZoneOffset.UTC);
        var end = switch (this) {
            case MINUTE -> start.plusMinutes(1);
            case HOUR -> start.plusHours(1);
            case DAY -> start.plusDays(1);
            case MONTH -> start.plusMonths(1);
        };
        return end.toInstant();
    }

    /** Whole seconds from {@code now} until {@code end}, rounded up, and at least 1. */
    static long secondsUntil(Instant now, Instant end) {
        var millis = end.toEpochMilli() - now.toEpochMilli();
        return Math.max(1, Math.ceilDiv(millis, 1000));
    }
}
