package com.helloyuno.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.helloyuno.plan.PlanLimits;
import com.helloyuno.plan.PlanSettings;
import com.helloyuno.ratelimit.RateLimitDecision.Scope;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** Which window a visitor is told about: the one closest to running out, or the one that refused. */
class SlotTests {

    private static final Instant NOW = Instant.parse("2026-03-30T12:00:45Z");

    @Test
    void anAllowedRequestIsToldAboutTheWindowWithFewestRequestsLeft() {
        var slots = slots(new PlanLimits(30, 500, 1000, 10000), new PlanSettings.SessionLimits(5, 50), NOW);
        var decision = Slot.decide(slots, new Counts(true, new long[] {10, 100, 200, 300, 4, 10}, false), NOW);

        assertThat(decision.allowed()).isTrue();
        assertThat(decision.scope()).isEqualTo(Scope.SESSION);
        assertThat(decision.window()).isEqualTo(RateLimitWindow.MINUTE);
        assertThat(decision.limit()).isEqualTo(5);
        assertThat(decision.remaining()).isEqualTo(1);
        assertThat(decision.resetSeconds()).isEqualTo(15);
        assertThat(decision.windowSeconds()).isEqualTo(60);
        assertThat(decision.local()).isFalse();
    }

    @Test
    void ofWindowsEquallyCloseToRunningOutTheOneThatStaysClosedLongestIsNamed() {
        var slots = slots(new PlanLimits(10, 10, 10, 10), new PlanSettings.SessionLimits(10, 10), NOW);
        var decision = Slot.decide(slots, new Counts(true, new long[] {3, 3, 3, 3, 3, 3}, true), NOW);

        assertThat(decision.window()).isEqualTo(RateLimitWindow.MONTH);
        assertThat(decision.scope()).isEqualTo(Scope.SITE);
        assertThat(decision.remaining()).isEqualTo(7);
        assertThat(decision.windowSeconds()).isEqualTo(Duration.ofDays(31).toSeconds());
        assertThat(decision.local()).isTrue();
    }

    @Test
    void aRefusedRequestIsToldAboutTheFullWindowThatReopensLast() {
        var slots = slots(new PlanLimits(30, 500, 1000, 10000), new PlanSettings.SessionLimits(5, 50), NOW);
        var decision = Slot.decide(slots, new Counts(false, new long[] {30, 100, 1000, 300, 5, 10}, false), NOW);

        assertThat(decision.allowed()).isFalse();
        assertThat(decision.window()).isEqualTo(RateLimitWindow.DAY);
        assertThat(decision.scope()).isEqualTo(Scope.SITE);
        assertThat(decision.remaining()).isZero();
        assertThat(decision.retryAfterSeconds())
                .isEqualTo(Duration.between(NOW, Instant.parse("2026-03-31T00:00:00Z"))
                        .toSeconds());
    }

    @Test
    void aRefusalWithoutAFullWindowIsABug() {
        var slots = slots(new PlanLimits(30, 500, 1000, 10000), new PlanSettings.SessionLimits(5, 50), NOW);

        assertThatThrownBy(() -> Slot.decide(slots, new Counts(false, new long[] {1, 1, 1, 1, 1, 1}, false), NOW))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aCounterLivesToItsWindowsEndPlusTheGraceAndNeverLessThanAMillisecond() {
        var minute = slots(new PlanLimits(1, 1, 1, 1), new PlanSettings.SessionLimits(1, 1), NOW)
                .getFirst();

        assertThat(minute.ttlMillis(NOW, Duration.ofSeconds(5))).isEqualTo(20_000);
        assertThat(minute.ttlMillis(NOW, Duration.ZERO)).isEqualTo(15_000);
        assertThat(minute.ttlMillis(NOW.plusSeconds(60), Duration.ZERO)).isEqualTo(1);
    }

    @Test
    void everyWindowOfARequestHasItsOwnKeyAndBounds() {
        var slots = slots(new PlanLimits(1, 2, 3, 4), new PlanSettings.SessionLimits(5, 6), NOW);

        assertThat(slots).extracting(Slot::limit).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(slots).extracting(Slot::key).doesNotHaveDuplicates();
        assertThat(slots.get(4).key())
                .isEqualTo("yuno:rl:{site1}:s:sess1:m:"
                        + Instant.parse("2026-03-30T12:00:00Z").getEpochSecond());
        assertThat(slots.get(1).start()).isEqualTo(Instant.parse("2026-03-30T12:00:00Z"));
        assertThat(slots.get(1).end()).isEqualTo(Instant.parse("2026-03-30T13:00:00Z"));
    }

    /** Whatever the counts, an allowed request names a window with the fewest left, and of those the latest to end. */
    @Property(tries = 500)
    void anAllowedDecisionNamesTheWindowClosestToRunningOut(
            @ForAll("limits") List<Long> limits,
            @ForAll @Size(6) List<@LongRange(min = 0, max = 120) Long> counts,
            @ForAll("instants") Instant now) {
        var slots = slots(limits, now);
        var values = counts.stream().mapToLong(Long::longValue).toArray();
        var decision = Slot.decide(slots, new Counts(true, values, false), now);

        var fewest = java.util.stream.IntStream.range(0, 6)
                .mapToLong(i -> Math.max(0, limits.get(i) - values[i]))
                .min()
                .orElseThrow();
        assertThat(decision.remaining()).isEqualTo(fewest);
        var named = named(slots, decision);
        assertThat(Math.max(0, named.limit() - values[slots.indexOf(named)])).isEqualTo(fewest);
        for (int i = 0; i < 6; i++) {
            if (Math.max(0, limits.get(i) - values[i]) == fewest) {
                assertThat(slots.get(i).end()).isBeforeOrEqualTo(named.end());
            }
        }
        assertThat(decision.resetSeconds()).isEqualTo(RateLimitWindow.secondsUntil(now, named.end()));
    }

    /** A refused request names a full window, and of the full ones the latest to reopen. */
    @Property(tries = 500)
    void aRefusedDecisionNamesTheFullWindowThatReopensLast(
            @ForAll("limits") List<Long> limits,
            @ForAll @Size(6) List<@LongRange(min = 0, max = 120) Long> counts,
            @ForAll @LongRange(min = 0, max = 5) long full,
            @ForAll("instants") Instant now) {
        var values = counts.stream().mapToLong(Long::longValue).toArray();
        values[(int) full] = limits.get((int) full);
        var slots = slots(limits, now);
        var decision = Slot.decide(slots, new Counts(false, values, false), now);

        var named = named(slots, decision);
        assertThat(decision.remaining()).isZero();
        assertThat(values[slots.indexOf(named)]).isGreaterThanOrEqualTo(named.limit());
        for (int i = 0; i < 6; i++) {
            if (values[i] >= limits.get(i)) {
                assertThat(slots.get(i).end()).isBeforeOrEqualTo(named.end());
            }
        }
        assertThat(decision.retryAfterSeconds()).isEqualTo(RateLimitWindow.secondsUntil(now, named.end()));
    }

    @Provide
    Arbitrary<List<Long>> limits() {
        return Arbitraries.longs().between(1, 100).list().ofSize(6);
    }

    @Provide
    Arbitrary<Instant> instants() {
        return Arbitraries.longs()
                .between(
                        Instant.parse("2026-01-01T00:00:00Z").getEpochSecond(),
                        Instant.parse("2027-01-01T00:00:00Z").getEpochSecond())
                .map(Instant::ofEpochSecond);
    }

    private static Slot named(List<Slot> slots, RateLimitDecision decision) {
        return slots.stream()
                .filter(s -> s.window() == decision.window() && s.scope() == decision.scope())
                .findFirst()
                .orElseThrow();
    }

    private static List<Slot> slots(List<Long> l, Instant now) {
        return Slot.forRequest(
                "site1",
                new PlanLimits(l.get(0), l.get(1), l.get(2), l.get(3)),
                new PlanSettings.SessionLimits(l.get(4), l.get(5)),
                "sess1",
                now);
    }

    private static List<Slot> slots(PlanLimits site, PlanSettings.SessionLimits session, Instant now) {
        return Slot.forRequest("site1", site, session, "sess1", now);
    }
}
