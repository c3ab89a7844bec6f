/**
 * Rate limits and quotas of {@code /ask}: per site, fixed calendar windows in UTC (minute, hour,
 * day, month) sized by the site's plan, and per visitor session (minute, day); plus the tokens a
 * site spends per day and month. Counters live in Redis, checked and counted by one Lua script in
 * one round trip; when Redis is unreachable or slow, each instance counts on its own until Redis
 * is back. {@link com.helloyuno.ratelimit.RateLimiter} is the front door; a refused request
 * becomes {@link com.helloyuno.ratelimit.RateLimitExceeded}, and {@link
 * com.helloyuno.ratelimit.RateLimitHeaders} renders the IETF {@code RateLimit} fields. {@link
 * com.helloyuno.ratelimit.RedisGate}, the shape of that fallback, serves other features whose
 * per-instance state stands in for Redis (the widget's nonces and throttling).
 */
@Room(
        entryPoints = {
            RateLimitDecision.class,
            RateLimitExceeded.class,
            RateLimitHeaders.class,
            RateLimiter.class,
            RateLimitWindow.class,
            RedisGate.class,
            Usage.class
        })
@NullMarked
package com.helloyuno.ratelimit;

import com.helloyuno.Room;
import org.jspecify.annotations.NullMarked;
