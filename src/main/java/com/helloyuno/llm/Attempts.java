package com.helloyuno.llm;

import com.openai.core.http.Headers;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one retry loop of model calls, chat and embeddings alike: each attempt admitted by {@link
 * ModelAdmission} and holding its permit only while in flight; a failure the attempt classifies as
 * retryable is tried again after a jittered exponential back-off (or the provider's {@code
 * Retry-After}, up to the cap) while attempts and the deadline leave room; a 429 tells the
 * admission to slow down.
 */
final class Attempts {

    private static final Logger log = LoggerFactory.getLogger(Attempts.class);

    /** An attempt with less time than this left is not worth starting. */
    static final Duration MIN_ATTEMPT = Duration.ofMillis(100);

    /**
     * How often and how patiently to try.
     *
     * @param maxAttempts attempts in all, the first one included
     * @param initialBackoff the wait before the second attempt; it doubles, with jitter
     * @param maxBackoff the longest wait between attempts, and the cap on a {@code Retry-After}
     */
    record Policy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {}

    private Attempts() {}

    /**
     * Runs {@code attempt} until it succeeds, fails for good, or time or attempts run out.
     *
     * @param what names the call in logs
     * @param tokens the call's estimated tokens, for the admission's budget
     * @throws UpstreamUnavailable when it fails for good; other exceptions of the attempt pass through
     */
    static <R> R run(
            String what,
            Policy policy,
            ModelAdmission admission,
            Deadline deadline,
            long tokens,
            Function<Deadline, R> attempt) {
        var backoff = policy.initialBackoff();
        for (int number = 1; ; number++) {
            Duration wait;
            try (var permit = admission.admit(deadline, tokens)) {
                try {
                    var result = attempt.apply(deadline);
                    permit.succeeded();
                    return result;
                } catch (Failed failure) {
                    if (failure.reason == UpstreamUnavailable.Reason.RATE_LIMITED) {
                        permit.throttled(failure.retryAfter);
                    }
                    wait = failure.retryAfter != null
                            ? min(failure.retryAfter, policy.maxBackoff())
                            : jittered(backoff);
                    var retry = failure.retryable
                            && number < policy.maxAttempts()
                            && deadline.remaining().compareTo(wait.plus(MIN_ATTEMPT)) > 0;
                    log.warn(
                            "{} attempt {} failed: {}{}",
                            what,
                            number,
                            failure.getMessage(),
                            retry ? "; retrying in " + wait.toMillis() + " ms" : "");
                    if (!retry) {
                        throw failure.unavailable();
                    }
                }
            }
            pause(wait);
            backoff = min(backoff.multipliedBy(2), policy.maxBackoff());
        }
    }

    /**
     * The provider's {@code retry-after-ms} or {@code retry-after} (in seconds), as OpenAI and
     * compatible servers send them; null when absent or not a number (an HTTP date, say): our own
     * back-off applies then.
     */
    static @Nullable Duration retryAfter(Headers headers) {
        try {
            var millis = headers.values("retry-after-ms");
            if (!millis.isEmpty()) {
                return Duration.ofMillis(
                        (long) Double.parseDouble(millis.getFirst().trim()));
            }
            var seconds = headers.values("retry-after");
            if (!seconds.isEmpty()) {
                return Duration.ofMillis(
                        (long) (Double.parseDouble(seconds.getFirst().trim()) * 1000));
            }
        } catch (NumberFormatException ignored) {
            // Falls back to our own back-off.
        }
        return null;
    }

    static Duration jittered(Duration base) {
        var millis = Math.max(1, base.toMillis());
        return Duration.ofMillis(millis / 2 + ThreadLocalRandom.current().nextLong(millis / 2 + 1));
    }

    static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static void pause(Duration wait) {
        try {
            Thread.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpstreamUnavailable(UpstreamUnavailable.Reason.TIMEOUT, false);
        }
    }

    /** One failed attempt, classified by the adapter; the message is for the log only. */
    static final class Failed extends RuntimeException {

        final UpstreamUnavailable.Reason reason;
        final boolean retryable;
        final boolean tokensSent;
        final @Nullable Duration retryAfter;

        Failed(
                UpstreamUnavailable.Reason reason,
                boolean retryable,
                boolean tokensSent,
                @Nullable Duration retryAfter,
                String detail) {
            super(detail, null, false, false);
            this.reason = reason;
            this.retryable = retryable;
            this.tokensSent = tokensSent;
            this.retryAfter = retryAfter;
        }

        UpstreamUnavailable unavailable() {
            return new UpstreamUnavailable(reason, tokensSent);
        }
    }
}
