package com.helloyuno.ratelimit;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Renders the {@code RateLimit-Policy} and {@code RateLimit} fields of
 * draft-ietf-httpapi-ratelimit-headers (revision 11) for a decision: one quota policy item and one
 * service limit item, for the window closest to running out, e.g. {@code RateLimit-Policy:
 * "minute";q=30;w=60} and {@code RateLimit: "minute";r=12;t=34}. Both go on every {@code /ask}
 * answer, success or 429.
 */
public final class RateLimitHeaders {

    public static final String RATE_LIMIT_POLICY = "RateLimit-Policy";
    public static final String RATE_LIMIT = "RateLimit";

    private RateLimitHeaders() {}

    /** Both fields, by name, in the order above. */
    public static Map<String, String> of(RateLimitDecision decision) {
        var headers = new LinkedHashMap<String, String>();
        headers.put(RATE_LIMIT_POLICY, policy(decision));
        headers.put(RATE_LIMIT, rateLimit(decision));
        return headers;
    }

    /** The quota policy item: its name as a String, {@code q} the quota, {@code w} the window in seconds. */
    public static String policy(RateLimitDecision decision) {
        return name(decision) + ";q=" + decision.limit() + ";w=" + decision.windowSeconds();
    }

    /**
     * The service limit item: {@code r} the requests left, {@code t} the seconds until the window
     * resets (so a 429's {@code Retry-After} never points before the end of {@code t}).
     */
    public static String rateLimit(RateLimitDecision decision) {
        return name(decision) + ";r=" + decision.remaining() + ";t=" + decision.resetSeconds();
    }

    /** The draft makes the item a Structured Field String; our names need no escaping. */
    private static String name(RateLimitDecision decision) {
        return '"' + decision.policyName() + '"';
    }
}
