package com.helloyuno.ratelimit;

import com.helloyuno.plan.PlanLimits;
import com.helloyuno.plan.PlanSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** One window that a request is checked against: its counter, its limit and its end. */
record Slot(RateLimitWindow window, RateLimitDecision.Scope scope, String key, long limit, Instant start, Instant end) {

    /**
     * Every window of one {@code /ask} request: the site's minute, hour, day and month, then the
     * session's minute and day.
     */
    static List<Slot> forRequest(
            String siteId, PlanLimits site, PlanSettings.SessionLimits session, String sessionId, Instant now) {
        return List.of(
                site(siteId, RateLimitWindow.MINUTE, site.minute(), now),
                site(siteId, RateLimitWindow.HOUR, site.hour(), now),
                site(siteId, RateLimitWindow.DAY, site.day(), now),
                site(siteId, RateLimitWindow.MONTH, site.month(), now),
                session(siteId, sessionId, RateLimitWindow.MINUTE, session.minute(), now),
                session(siteId, sessionId, RateLimitWindow.DAY, session.day(), now));
    }

    private static Slot site(String siteId, RateLimitWindow window, long limit, Instant now) {
        var start = window.start(now);
        return new Slot(
                window, RateLimitDecision.Scope.SITE, Keys.site(siteId, window, start), limit, start, window.end(now));
    }

    private static Slot session(String siteId, String sessionId, RateLimitWindow window, long limit, Instant now) {
        var start = window.start(now);
        return new Slot(
                window,
                RateLimitDecision.Scope.SESSION,
                Keys.session(siteId, sessionId, window, start),
                limit,
                start,
                window.end(now));
    }

    /** How long the counter must live from {@code now}: to the window's end, plus a grace. */
    long ttlMillis(Instant now, Duration grace) {
        return Math.max(1, end.toEpochMilli() - now.toEpochMilli() + grace.toMillis());
    }

    /**
     * The decision for counts taken by the script or the local counters: when allowed, the counts
     * after this request; when refused, the counts as they stand.
     */
    static RateLimitDecision decide(List<Slot> slots, Counts counts, Instant now) {
        Slot chosen = null;
        long chosenRemaining = 0;
        for (int i = 0; i < slots.size(); i++) {
            var slot = slots.get(i);
            var remaining = Math.max(0, slot.limit() - counts.values()[i]);
            if (counts.allowed()) {
                // Closest to running out: fewest left; of equals, the one that stays closed longest.
                if (chosen == null
                        || remaining < chosenRemaining
                        || (remaining == chosenRemaining && slot.end().isAfter(chosen.end()))) {
                    chosen = slot;
                    chosenRemaining = remaining;
                }
            } else if (remaining == 0 && (chosen == null || slot.end().isAfter(chosen.end()))) {
                // Of the windows that refuse, the one that reopens last says when a retry can pass.
                chosen = slot;
            }
        }
        if (chosen == null) {
            throw new IllegalStateException("A refused request without a full window");
        }
        return new RateLimitDecision(
                counts.allowed(),
                chosen.window(),
                chosen.scope(),
                chosen.limit(),
                counts.allowed() ? chosenRemaining : 0,
                RateLimitWindow.secondsUntil(now, chosen.end()),
                Duration.between(chosen.start(), chosen.end()).toSeconds(),
                counts.local());
    }
}
