package com.helloyuno.notify;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * What one attempt at a delivery came to.
 *
 * @param statusCode the receiver's HTTP status, if it answered
 * @param error why it failed, for the owner: never a secret or the event's data
 * @param retryAfter the receiver's {@code Retry-After}, if it gave one
 */
record Attempted(
        Verdict verdict,
        @Nullable Integer statusCode,
        @Nullable String error,
        @Nullable Duration retryAfter) {

    enum Verdict {
        DELIVERED,
        /** A timeout, a connection failure, a 5xx or 429: worth another attempt. */
        RETRY,
        /** Refused for good: another 4xx, a redirect, an address that may not be reached. */
        GIVE_UP
    }

    static Attempted delivered(int statusCode) {
        return new Attempted(Verdict.DELIVERED, statusCode, null, null);
    }

    static Attempted retry(@Nullable Integer statusCode, String error, @Nullable Duration retryAfter) {
        return new Attempted(Verdict.RETRY, statusCode, error, retryAfter);
    }

    static Attempted giveUp(@Nullable Integer statusCode, String error) {
        return new Attempted(Verdict.GIVE_UP, statusCode, error, null);
    }
}
