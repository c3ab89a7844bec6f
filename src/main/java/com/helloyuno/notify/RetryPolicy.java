package com.helloyuno.notify;

import java.time.Duration;
import java.time.Instant;
import java.util.function.DoubleSupplier;
import org.jspecify.annotations.Nullable;

/**
 * When a delivery that may succeed later is tried again: the wait doubles from {@code
 * initial-backoff} with every attempt up to {@code max-backoff}, a random share ({@code jitter}) of
 * it drawn anew each time so that the deliveries a receiver's outage held back do not all come
 * back at once; a {@code Retry-After} is waited for in full (up to {@code max-backoff}). Once the
 * next attempt would fall after the delivery's retry window, it is given up.
 */
final class RetryPolicy {

    private final NotifySettings.Delivery settings;
    private final DoubleSupplier random;

    RetryPolicy(NotifySettings.Delivery settings, DoubleSupplier random) {
        this.settings = settings;
        this.random = random;
    }

    /** The wait after the {@code attempts}-th failed attempt (1 for the first), before any Retry-After. */
    Duration backoff(int attempts) {
        var base = settings.initialBackoff();
        var max = settings.maxBackoff();
        var wait = base;
        for (int i = 1; i < attempts && wait.compareTo(max) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        if (wait.compareTo(max) > 0) {
            wait = max;
        }
        var share = 1.0 - settings.jitter() * random.getAsDouble();
        return Duration.ofMillis(Math.max(1, Math.round(wait.toMillis() * share)));
    }

    /**
     * The next attempt after a failed one, or null when there is none within the retry window.
     *
     * @param attempts attempts made so far, the failed one included
     */
    @Nullable
    Instant next(Instant now, int attempts, @Nullable Duration retryAfter, Instant retryUntil) {
        var wait = backoff(attempts);
        if (retryAfter != null) {
            var honoured = retryAfter.compareTo(settings.maxBackoff()) > 0 ? settings.maxBackoff() : retryAfter;
            if (honoured.compareTo(wait) > 0) {
                wait = honoured;
            }
        }
        var next = now.plus(wait);
        return next.isAfter(retryUntil) ? null : next;
    }
}
