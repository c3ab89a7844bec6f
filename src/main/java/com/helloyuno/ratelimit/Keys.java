package com.helloyuno.ratelimit;

import com.helloyuno.id.Ids;
import java.time.Instant;

/**
 * Names of the counters, the same in Redis and in the local fallback. Every key of a site starts
 * with {@code yuno:rl:{<siteId>}:}: the braces are Redis Cluster's hash tag, so all of a site's
 * keys live in one slot and one script may touch them together; the prefix also lets {@link
 * RateLimiter#forget} find them with one SCAN pattern.
 */
final class Keys {

    static final String PREFIX = "yuno:rl:";

    /** Ids go into keys and into a SCAN pattern: no glob characters, no braces, no colons. */
    private Keys() {}

    /** Requests of a site in the window that starts at {@code start}. */
    static String site(String siteId, RateLimitWindow window, Instant start) {
        return base(siteId) + window.code + ":" + start.getEpochSecond();
    }

    /** Requests of one visitor session. */
    static String session(String siteId, String sessionId, RateLimitWindow window, Instant start) {
        return base(siteId) + "s:" + sessionId + ":" + window.code + ":" + start.getEpochSecond();
    }

    /** Model tokens of a site. */
    static String tokens(String siteId, RateLimitWindow window, Instant start) {
        return base(siteId) + "tk:" + window.code + ":" + start.getEpochSecond();
    }

    /** Every key of the site, as a SCAN MATCH pattern. */
    static String pattern(String siteId) {
        return base(siteId) + "*";
    }

    static String base(String siteId) {
        return PREFIX + "{" + siteId + "}:";
    }

    static String requireId(String what, String id) {
        if (!Ids.isSessionId(id)) {
            throw new IllegalArgumentException(what + " must be 1 to 64 characters [A-Za-z0-9_-]");
        }
        return id;
    }
}
