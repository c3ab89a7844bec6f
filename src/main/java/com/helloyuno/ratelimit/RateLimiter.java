package com.helloyuno.ratelimit;

import com.helloyuno.plan.PlanSettings;
import com.helloyuno.plan.PlanType;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rate limits of {@code /ask}, and the usage they count.
 *
 * <p>A request is checked against the site's minute, hour, day and month windows (their limits
 * from the site's plan in {@link PlanSettings}, read on every call, so a plan change applies at
 * once) and the session's minute and day windows, and is counted in all of them only when all
 * allow it. Windows are calendar windows in UTC. Counters are shared through Redis by every
 * instance; when Redis is unreachable or slow, each instance counts on its own, and no method here
 * ever fails because of Redis.
 *
 * <p>Wiring {@code /ask}: call {@link #check} before any work; when refused, throw {@link
 * RateLimitExceeded}; when allowed, put {@link RateLimitHeaders#of} on the response; after the
 * answer, {@link #recordTokens}.
 */
public class RateLimiter {

    private static final Logger log = LoggerFactory.getLogger(RateLimiter.class);

    private final PlanSettings plans;
    private final RedisCounters redis;
    private final LocalCounters local;
    private final RedisGate gate;
    private final RateLimitMetrics metrics;
    private final Clock clock;
    private final Duration grace;

    RateLimiter(
            PlanSettings plans,
            RedisCounters redis,
            LocalCounters local,
            RedisGate gate,
            RateLimitMetrics metrics,
            Clock clock,
            Duration grace) {
        this.plans = plans;
        this.redis = redis;
        this.local = local;
        this.gate = gate;
        this.metrics = metrics;
        this.clock = clock;
        this.grace = grace;
    }

    /**
     * Checks one {@code /ask} request and, when every window allows it, counts it.
     *
     * @param siteId the site, 1 to 64 characters {@code [A-Za-z0-9_-]}
     * @param plan the site's current plan
     * @param sessionId the visitor session, 1 to 64 characters {@code [A-Za-z0-9_-]}
     * @throws IllegalArgumentException for an id outside that alphabet; never for Redis
     */
    public RateLimitDecision check(String siteId, PlanType plan, String sessionId) {
        Keys.requireId("siteId", siteId);
        Keys.requireId("sessionId", sessionId);
        var now = clock.instant();
        var slots = Slot.forRequest(siteId, plans.limits(plan), plans.session(), sessionId, now);
        var counts = gate.call(() -> redis.check(slots, now), () -> local.check(slots, now));
        var decision = Slot.decide(slots, counts, now);
        metrics.decided(plan, decision);
        return decision;
    }

    /**
     * The site's requests in the current windows and its tokens of the day and month, with its
     * plan's limits. While Redis is unreachable these are this instance's own counts.
     */
    public Usage usage(String siteId, PlanType plan) {
        Keys.requireId("siteId", siteId);
        var now = clock.instant();
        var keys = List.of(
                Keys.site(siteId, RateLimitWindow.MINUTE, RateLimitWindow.MINUTE.start(now)),
                Keys.site(siteId, RateLimitWindow.HOUR, RateLimitWindow.HOUR.start(now)),
                Keys.site(siteId, RateLimitWindow.DAY, RateLimitWindow.DAY.start(now)),
                Keys.site(siteId, RateLimitWindow.MONTH, RateLimitWindow.MONTH.start(now)),
                Keys.tokens(siteId, RateLimitWindow.DAY, RateLimitWindow.DAY.start(now)),
                Keys.tokens(siteId, RateLimitWindow.MONTH, RateLimitWindow.MONTH.start(now)));
        var values = gate.call(() -> redis.counts(keys), () -> local.counts(keys, now));
        return new Usage(
                plan,
                plans.limits(plan),
                new Usage.Requests(values[0], values[1], values[2], values[3]),
                new Usage.Tokens(values[4], values[5]));
    }

    /** Adds model tokens that the site spent to its day and month totals; 0 is ignored. */
    public void recordTokens(String siteId, long tokens) {
        Keys.requireId("siteId", siteId);
        if (tokens < 0) {
            throw new IllegalArgumentException("tokens must not be negative");
        }
        if (tokens == 0) {
            return;
        }
        var now = clock.instant();
        var windows = List.of(RateLimitWindow.DAY, RateLimitWindow.MONTH);
        var keys = windows.stream()
                .map(window -> Keys.tokens(siteId, window, window.start(now)))
                .toList();
        var ttls = windows.stream()
                .map(window -> Duration.between(now, window.end(now)).plus(grace))
                .toList();
        gate.call(
                () -> {
                    redis.add(keys, tokens, ttls);
                    return null;
                },
                () -> {
                    for (int i = 0; i < keys.size(); i++) {
                        local.add(keys.get(i), tokens, windows.get(i).end(now), now);
                    }
                    return null;
                });
    }

    /**
     * Forgets every counter of the site, in Redis and on this instance, for a deleted site. Best
     * effort: if Redis is unreachable, its keys still expire with their windows (a month at most).
     */
    public void forget(String siteId) {
        Keys.requireId("siteId", siteId);
        local.forget(siteId);
        try {
            var deleted = redis.forget(siteId);
            log.debug("Forgot {} rate limit keys of a site", deleted);
        } catch (RuntimeException e) {
            log.warn(
                    "Could not delete a deleted site's rate limit keys ({}); they expire with their windows",
                    e.getClass().getSimpleName());
        }
    }

    /**
     * At start-up: connects to Redis and loads the script, or, when Redis is away, starts on the
     * local counters at once (and says so) instead of making the first requests wait for it.
     */
    void warmUp() {
        var startedAt = gate.now();
        try {
            redis.loadScript();
            gate.succeeded(startedAt);
        } catch (RuntimeException e) {
            gate.failed(e);
        }
    }
}
