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

    @Test
    void beyondTheBoundTheCountersNearestTheirEndGoFirstAndTheMonthsStay() {
        var small = new LocalCounters(12);
        for (var session : List.of("a", "b", "c", "d")) {
            assertThat(small.check(generous("site1", session, NOW), NOW).allowed())
                    .isTrue();
        }
        // Four sessions: the site's four counters and two per session, exactly the bound.
        assertThat(small.size()).isEqualTo(12);

        small.check(generous("site1", "e", NOW), NOW);

        // 14 counters: down to the bound less a tenth, by dropping minute counters, which end first.
        assertThat(small.size()).isEqualTo(11);
        var site = small.counts(
                List.of(
                        Keys.site("site1", RateLimitWindow.HOUR, RateLimitWindow.HOUR.start(NOW)),
                        Keys.site("site1", RateLimitWindow.DAY, RateLimitWindow.DAY.start(NOW)),
                        Keys.site("site1", RateLimitWindow.MONTH, RateLimitWindow.MONTH.start(NOW))),
                NOW);
        assertThat(site).containsExactly(5, 5, 5);
    }

    @Test
    void overTheBoundEndedCountersGoBeforeAnyRunningOne() {
        var small = new LocalCounters(20);
        for (int i = 0; i < 14; i++) {
            small.add("yuno:rl:{t" + i + "}:tk:d:0", 1, NOW.plus(Duration.ofDays(1)), NOW);
        }
        small.check(generous("site1", "a", NOW), NOW);
        assertThat(small.size()).isEqualTo(20);

        // The minute has ended, but the once-a-minute sweep is not due yet: two new minute
        // counters make 22, of which two have ended. Sweeping them is enough, back to the bound,
        // and no running counter is dropped.
        var nextMinute = NOW.plusSeconds(25);
        small.check(generous("site1", "a", nextMinute), nextMinute);

        assertThat(small.size()).isEqualTo(20);
    }

    @Test
    void addedCountersAreBoundedAndSweptToo() {
        var small = new LocalCounters(10);
        for (int i = 0; i < 20; i++) {
            small.add("yuno:rl:{s" + i + "}:tk:d:0", 1, NOW.plus(Duration.ofHours(1)), NOW);
        }
        assertThat(small.size()).isLessThanOrEqualTo(10);

        var roomy = new LocalCounters(100);
        roomy.add("short", 5, NOW.plusSeconds(10), NOW);
        roomy.add("long", 5, NOW.plus(Duration.ofHours(1)), NOW);
        roomy.add("long", 1, NOW.plus(Duration.ofHours(1)), NOW.plus(Duration.ofMinutes(2)));
        assertThat(roomy.size()).isEqualTo(1);
    }

    @Test
    void aCounterWhoseTimeHasComeCountsNothingBeforeItIsSwept() {
        var roomy = new LocalCounters(100);
        roomy.add("k", 5, NOW.plusSeconds(10), NOW);
        assertThat(roomy.counts(List.of("k"), NOW)).containsExactly(5);
        assertThat(roomy.counts(List.of("k"), NOW.plusSeconds(10))).containsExactly(0);

        // Counted again once ended (the sweep is not due yet): it starts from nothing.
        roomy.add("k", 1, NOW.plusSeconds(50), NOW.plusSeconds(20));
        assertThat(roomy.counts(List.of("k"), NOW.plusSeconds(20))).containsExactly(1);
    }

    @Test
    void everyOperationLeavesTheCountersFreeForTheNextThread() throws Exception {
        // Requests are served by many (virtual) threads: each step must release its lock.
        var steps = List.<Runnable>of(
                () -> check("site1", "a", NOW),
                () -> counters.counts(List.of("k"), NOW),
                () -> counters.add("k", 1, NOW.plusSeconds(30), NOW),
                () -> counters.forget("site1"),
                counters::size);
        for (var step : steps) {
            var thread = Thread.ofPlatform().daemon().start(step);
            thread.join(2_000);
            assertThat(thread.isAlive()).isFalse();
            var next = Thread.ofPlatform().daemon().start(counters::size);
            next.join(2_000);
            assertThat(next.isAlive()).as("the next thread got the lock").isFalse();
        }
    }

    private Counts check(String site, String session, Instant now) {
        return counters.check(slots(site, session, now), now);
    }

    private static List<Slot> generous(String site, String session, Instant now) {
        return Slot.forRequest(
                site, new PlanLimits(100, 100, 100, 100), new PlanSettings.SessionLimits(100, 100), session, now);
    }

    private static List<Slot> slots(String site, String session, Instant now) {
        return Slot.forRequest(site, SITE, SESSION, session, now);
    }
}
