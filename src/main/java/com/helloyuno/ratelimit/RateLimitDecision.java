package com.helloyuno.ratelimit;

/**
 * The answer to one {@code /ask} request. When allowed, the request has been counted in every
 * window, and the fields describe the window closest to running out (fewest requests left); when
 * refused, nothing was counted, and they describe the window that refused it (of several, the one
 * that stays closed longest).
 *
 * @param allowed whether the request may go ahead
 * @param window that window
 * @param scope whether the window is the site's or the visitor session's
 * @param limit requests that the window allows
 * @param remaining requests left in the window after this one (0 when refused)
 * @param resetSeconds whole seconds until the window resets, rounded up, at least 1
 * @param windowSeconds the length of the window in seconds (the length of this month for {@code
 *     month})
 * @param local whether this instance decided alone because Redis was unreachable or slow
 */
public record RateLimitDecision(
        boolean allowed,
        RateLimitWindow window,
        Scope scope,
        long limit,
        long remaining,
        long resetSeconds,
        long windowSeconds,
        boolean local) {

    /** Whose limit a window is. */
    public enum Scope {
        SITE,
        SESSION
    }

    /**
     * The value of {@code Retry-After} for a refused request: the seconds until the refusing window
     * resets.
     */
    public long retryAfterSeconds() {
        return resetSeconds;
    }

    /**
     * The policy's name in the {@code RateLimit} fields: the window's name for the site's windows,
     * prefixed with {@code session-} for the session's, so that a client can tell them apart.
     */
    public String policyName() {
        return scope == Scope.SITE ? window.wireName() : "session-" + window.wireName();
    }
}
