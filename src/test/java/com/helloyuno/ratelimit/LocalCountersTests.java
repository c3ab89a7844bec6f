package com.helloyuno.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import com.helloyuno.plan.PlanLimits;
import com.helloyuno.plan.PlanSettings;
import com.helloyuno.ratelimit.RateLimitDecision.Scope;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The per-instance fallback keeps the script's semantics, in bounded memory. */
class LocalCountersTests {

    private static final Instant NOW = Instant.parse("2026-03-30T12:00:45Z");
    private static final PlanLimits SITE = new PlanLimits(3, 5, 8, 10);
    private static final PlanSettings.SessionLimits SESSION = new PlanSettings.SessionLimits(2, 4);

    private final LocalCounters counters = new LocalCounters(1_000);

    @Test
    void countsARequestInEveryWindowOnlyWhenAllAllowIt() {
        assertThat(check("site1", "a", NOW).allowed()).isTrue();
        assertThat(check("site1", "a", NOW).allowed()).isTrue();

        var refused = check("site1", "a", NOW);
        assertThat(refused.allowed()).isFalse();
        var decision = Slot.decide(slots("site1", "a", NOW), refused, NOW);
        assertThat(decision.window()).isEqualTo(RateLimitWindow.MINUTE);
        assertThat(decision.scope()).isEqualTo(Scope.SESSION);
        assertThat(decision.retryAfterSeconds()).isEqualTo(15);
        assertThat(decision.local()).isTrue();

        // The refused request was not counted against the site.
        assertThat(check("site1", "b", NOW).values()).containsExactly(3, 3, 3, 3, 1, 1);
        var siteFull = check("site1", "c", NOW);
        assertThat(siteFull.allowed()).isFalse();
        assertThat(Slot.decide(slots("site1", "c", NOW), siteFull, NOW).scope()).isEqualTo(Scope.SITE);
    }

    @Test
    void windowsReopenWhenTheirTimeHasCome() {
        for (int i = 0; i < 3; i++) {
            assertThat(check("site1", "s" + i, NOW).allowed()).isTrue();
        }
        assertThat(check("site1", "x", NOW).allowed()).isFalse();
        var nextMinute = Instant.parse("2026-03-30T12:01:00Z");
        assertThat(check("site1", "x", nextMinute).values()).containsExactly(1, 4, 4, 4, 1, 1);
    }

    @Test
    void endedWindowsAreSweptAndMemoryStaysBounded() {
        var small = new LocalCounters(100);
        for (int i = 0; i < 50; i++) {
            small.check(slots("site" + i, "s", NOW), NOW);
        }
        assertThat(small.size()).isLessThanOrEqualTo(100);

        // A day later every minute, hour and day counter has ended; only months remain.
        var later = NOW.plus(Duration.ofDays(1)).plus(Duration.ofMinutes(1));
        small.check(slots("other", "s", later), later);
        assertThat(small.size()).isLessThanOrEqualTo(100);
        assertThat(small.counts(
                        List.of(Keys.site("site1", RateLimitWindow.MINUTE, RateLimitWindow.MINUTE.start(NOW))), later))
                .containsExactly(0);
    }

    @Test
    void endedWindowsAreSweptWhenThereIsRoomToSpare() {
        var roomy = new LocalCounters(10_000);
        for (int i = 0; i < 50; i++) {
            roomy.check(slots("site" + i, "s", NOW), NOW);
        }
        // Six counters a request: the site's minute, hour, day and month, the session's minute and day.
        assertThat(roomy.size()).isEqualTo(300);

        // A day later only the 50 months are still running; the rest go, far below any bound.
        var later = NOW.plus(Duration.ofDays(1)).plus(Duration.ofMinutes(1));
        roomy.check(slots("other", "s", later), later);
        assertThat(roomy.size()).isEqualTo(50 + 6);
    }

    @Test
    void forgetDropsOnlyThatSitesCounters() {
        check("gone", "s", NOW);
        check("kept", "s", NOW);
        counters.add(
                Keys.tokens("gone", RateLimitWindow.DAY, RateLimitWindow.DAY.start(NOW)),
                5,
                RateLimitWindow.DAY.end(NOW),
                NOW);

        counters.forget("gone");

        assertThat(counters.size()).isEqualTo(6);
        assertThat(check("kept", "s", NOW).values()[0]).isEqualTo(2);
    }

    private Counts check(String site, String session, Instant now) {
        return counters.check(slots(site, session, now), now);
    }

    private static List<Slot> slots(String site, String session, Instant now) {
        return Slot.forRequest(site, SITE, SESSION, session, now);
    }
}
