package com.helloyuno.ratelimit;

import static com.helloyuno.ratelimit.RateLimitTestConfiguration.START;
import static com.helloyuno.ratelimit.RateLimitTestConfiguration.randomSessionId;
import static com.helloyuno.ratelimit.RateLimitTestConfiguration.randomSiteId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.helloyuno.plan.PlanLimits;
import com.helloyuno.plan.PlanSettings;
import com.helloyuno.plan.PlanType;
import com.helloyuno.ratelimit.RateLimitDecision.Scope;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The limiter against a real Redis, with the production Lua script, small plan limits and a clock
 * that the tests move from window to window.
 */
@SpringBootTest(classes = RateLimitTestConfiguration.class, webEnvironment = SpringBootTest.WebEnvironment.NONE)
class RateLimiterIntegrationTests {

    @Autowired
    RateLimiter limiter;

    @Autowired
    MutableClock clock;

    @Autowired
    PlanSettings plans;

    @Autowired
    StringRedisTemplate redis;

    @Autowired
    SimpleMeterRegistry meters;

    @DynamicPropertySource
    static void smallLimits(DynamicPropertyRegistry registry) {
        RateLimitTestConfiguration.registerTestProperties(registry);
    }

    @BeforeEach
    void resetClock() {
        clock.set(START);
    }

    @ParameterizedTest
    @EnumSource(PlanType.class)
    void theRequestAfterTheMinuteLimitIsRefusedUntilTheNextMinute(PlanType plan) {
        var site = randomSiteId();
        var limit = plans.limits(plan).minute();

        for (int i = 1; i <= limit; i++) {
            var decision = limiter.check(site, plan, randomSessionId());
            assertThat(decision.allowed()).as("request %d of %d", i, limit).isTrue();
            assertThat(decision.local()).isFalse();
        }
        var refused = limiter.check(site, plan, randomSessionId());

        assertThat(refused.allowed()).isFalse();
        assertThat(refused.window()).isEqualTo(RateLimitWindow.MINUTE);
        assertThat(refused.scope()).isEqualTo(Scope.SITE);
        assertThat(refused.limit()).isEqualTo(limit);
        assertThat(refused.remaining()).isZero();
        // 12:00:45 UTC: the minute resets at 12:01:00.
        assertThat(refused.retryAfterSeconds()).isEqualTo(15);

        clock.set(Instant.parse("2026-03-30T12:00:59.001Z"));
        assertThat(limiter.check(site, plan, randomSessionId()).retryAfterSeconds())
                .as("a part of a second left still counts as a whole second")
                .isEqualTo(1);
        clock.set(Instant.parse("2026-03-30T12:01:00Z"));
        assertThat(limiter.check(site, plan, randomSessionId()).allowed()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(PlanType.class)
    void hourDayAndMonthLimitsHoldAndTheMonthRollsOverAtTheStartOfTheNextUtcMonth(PlanType plan) {
        var site = randomSiteId();
        var limits = plans.limits(plan);

        var hour = fillUntilRefusedBy(site, plan, RateLimitWindow.HOUR);
        assertThat(hour.allowed()).isEqualTo(limits.hour());
        assertThat(hour.refusal().retryAfterSeconds())
                .isEqualTo(secondsUntil(
                        hour.at(),
                        hour.at()
                                .truncatedTo(java.time.temporal.ChronoUnit.HOURS)
                                .plus(Duration.ofHours(1))));

        clock.advance(Duration.ofSeconds(hour.refusal().retryAfterSeconds()));
        var day = fillUntilRefusedBy(site, plan, RateLimitWindow.DAY);
        assertThat(limits.hour() + day.allowed()).isEqualTo(limits.day());
        assertThat(day.refusal().retryAfterSeconds())
                .isEqualTo(secondsUntil(day.at(), Instant.parse("2026-03-31T00:00:00Z")));

        clock.advance(Duration.ofSeconds(day.refusal().retryAfterSeconds()));
        assertThat(clock.instant()).isEqualTo(Instant.parse("2026-03-31T00:00:00Z"));
        var month = fillUntilRefusedBy(site, plan, RateLimitWindow.MONTH);
        assertThat(limits.day() + month.allowed()).isEqualTo(limits.month());
        assertThat(month.refusal().retryAfterSeconds())
                .isEqualTo(secondsUntil(month.at(), Instant.parse("2026-04-01T00:00:00Z")));
        assertThat(limiter.usage(site, plan).used().month()).isEqualTo(limits.month());

        // One second before the month ends it is still closed; at midnight UTC on the 1st it opens.
        clock.set(Instant.parse("2026-03-31T23:59:59Z"));
        var lastSecond = limiter.check(site, plan, randomSessionId());
        assertThat(lastSecond.allowed()).isFalse();
        assertThat(lastSecond.window()).isEqualTo(RateLimitWindow.MONTH);
        assertThat(lastSecond.retryAfterSeconds()).isEqualTo(1);

        clock.set(Instant.parse("2026-04-01T00:00:00Z"));
        var nextMonth = limiter.check(site, plan, randomSessionId());
        assertThat(nextMonth.allowed()).isTrue();
        assertThat(limiter.usage(site, plan).used()).isEqualTo(new Usage.Requests(1, 1, 1, 1));
    }

    @Test
    void oneSessionIsStoppedByItsOwnLimitWhileTheSitesOtherSessionsContinue() {
        var site = randomSiteId();
        var chatty = randomSessionId();
        var other = randomSessionId();
        var session = plans.session();

        for (int i = 0; i < session.minute(); i++) {
            assertThat(limiter.check(site, PlanType.ENTERPRISE, chatty).allowed())
                    .isTrue();
        }
        var refused = limiter.check(site, PlanType.ENTERPRISE, chatty);
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.window()).isEqualTo(RateLimitWindow.MINUTE);
        assertThat(refused.scope()).isEqualTo(Scope.SESSION);
        assertThat(refused.limit()).isEqualTo(session.minute());
        assertThat(refused.retryAfterSeconds()).isEqualTo(15);
        assertThat(new RateLimitExceeded(refused).getMessage())
                .startsWith("This session's limit of 3 requests per minute");

        assertThat(limiter.check(site, PlanType.ENTERPRISE, other).allowed()).isTrue();

        // The next minute the session may go on until its day is used up; the others still may.
        clock.set(Instant.parse("2026-03-30T12:01:00Z"));
        for (long i = session.minute(); i < session.day(); i++) {
            assertThat(limiter.check(site, PlanType.ENTERPRISE, chatty).allowed())
                    .isTrue();
        }
        var dayRefused = limiter.check(site, PlanType.ENTERPRISE, chatty);
        assertThat(dayRefused.allowed()).isFalse();
        assertThat(dayRefused.window()).isEqualTo(RateLimitWindow.DAY);
        assertThat(dayRefused.scope()).isEqualTo(Scope.SESSION);
        assertThat(dayRefused.retryAfterSeconds())
                .isEqualTo(secondsUntil(clock.instant(), Instant.parse("2026-03-31T00:00:00Z")));
        assertThat(limiter.check(site, PlanType.ENTERPRISE, other).allowed()).isTrue();

        // Refused requests were not counted against the site.
        assertThat(limiter.usage(site, PlanType.ENTERPRISE).used().day()).isEqualTo(session.day() + 2);
    }

    @Test
    void racingRequestsNeverExceedTheLimit() throws Exception {
        var site = randomSiteId();
        var limit = plans.limits(PlanType.ENTERPRISE).minute();
        var allowed = new AtomicInteger();
        var refused = new AtomicInteger();

        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            var tasks = new ArrayList<java.util.concurrent.Future<?>>();
            for (int t = 0; t < 64; t++) {
                tasks.add(threads.submit(() -> {
                    for (int i = 0; i < 4; i++) {
                        var decision = limiter.check(site, PlanType.ENTERPRISE, randomSessionId());
                        assertThat(decision.local()).isFalse();
                        (decision.allowed() ? allowed : refused).incrementAndGet();
                    }
                }));
            }
            for (var task : tasks) {
                task.get();
            }
        }

        assertThat(allowed.get()).isEqualTo(limit);
        assertThat(refused.get()).isEqualTo(64 * 4 - limit);
        assertThat(limiter.usage(site, PlanType.ENTERPRISE).used().minute()).isEqualTo(limit);
    }

    @Test
    void anAllowedDecisionDescribesTheWindowClosestToRunningOut() {
        var site = randomSiteId();
        var session = randomSessionId();

        // Enterprise: 40 a minute for the site, 3 a minute for the session: the session's is closer.
        var first = limiter.check(site, PlanType.ENTERPRISE, session);
        assertThat(first.allowed()).isTrue();
        assertThat(first.window()).isEqualTo(RateLimitWindow.MINUTE);
        assertThat(first.scope()).isEqualTo(Scope.SESSION);
        assertThat(first.remaining()).isEqualTo(2);
        assertThat(first.resetSeconds()).isEqualTo(15);
        assertThat(RateLimitHeaders.of(first))
                .containsEntry("RateLimit-Policy", "\"session-minute\";q=3;w=60")
                .containsEntry("RateLimit", "\"session-minute\";r=2;t=15");

        // Free: 3 a minute and 5 an hour for the site; with fresh sessions the site's minute is closest.
        var free = randomSiteId();
        var decision = limiter.check(free, PlanType.FREE, randomSessionId());
        assertThat(decision.scope()).isEqualTo(Scope.SITE);
        assertThat(decision.window()).isEqualTo(RateLimitWindow.MINUTE);
        assertThat(decision.remaining()).isEqualTo(2);
        // Of two windows equally close, the one that stays closed longer.
        limiter.check(free, PlanType.FREE, randomSessionId());
        clock.set(Instant.parse("2026-03-30T12:01:00Z"));
        var hourly = limiter.check(free, PlanType.FREE, randomSessionId());
        assertThat(hourly.window()).isEqualTo(RateLimitWindow.HOUR);
        assertThat(hourly.remaining()).isEqualTo(2);
        assertThat(RateLimitHeaders.policy(hourly)).isEqualTo("\"hour\";q=5;w=3600");
    }

    @Test
    void aSitesLimitsFollowItsPlanAtOnce() {
        var site = randomSiteId();
        for (int i = 0; i < plans.limits(PlanType.FREE).minute(); i++) {
            assertThat(limiter.check(site, PlanType.FREE, randomSessionId()).allowed())
                    .isTrue();
        }
        assertThat(limiter.check(site, PlanType.FREE, randomSessionId()).allowed())
                .isFalse();

        // The operator moves the site to pro: the same counters, the higher limits.
        var upgraded = limiter.check(site, PlanType.PRO, randomSessionId());
        assertThat(upgraded.allowed()).isTrue();
        assertThat(limiter.usage(site, PlanType.PRO).used().minute()).isEqualTo(4);
    }

    @Test
    void usageReadsTheLimitersCountersAndRecordedTokens() {
        var site = randomSiteId();
        limiter.check(site, PlanType.PRO, randomSessionId());
        limiter.check(site, PlanType.PRO, randomSessionId());
        limiter.recordTokens(site, 876);
        limiter.recordTokens(site, 124);
        limiter.recordTokens(site, 0);

        var usage = limiter.usage(site, PlanType.PRO);
        assertThat(usage.planType()).isEqualTo(PlanType.PRO);
        assertThat(usage.limits()).isEqualTo(new PlanLimits(5, 9, 13, 17));
        assertThat(usage.used()).isEqualTo(new Usage.Requests(2, 2, 2, 2));
        assertThat(usage.tokens()).isEqualTo(new Usage.Tokens(1_000, 1_000));

        // The next day starts a new day of requests and tokens, in the same month.
        clock.set(Instant.parse("2026-03-31T08:00:00Z"));
        limiter.check(site, PlanType.PRO, randomSessionId());
        limiter.recordTokens(site, 10);
        usage = limiter.usage(site, PlanType.PRO);
        assertThat(usage.used()).isEqualTo(new Usage.Requests(1, 1, 1, 3));
        assertThat(usage.tokens()).isEqualTo(new Usage.Tokens(10, 1_010));

        assertThatThrownBy(() -> limiter.recordTokens(site, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void keysCarryTheSitesHashTagAndExpireWithTheirWindow() {
        var site = randomSiteId();
        var session = randomSessionId();
        limiter.check(site, PlanType.BASIC, session);
        limiter.recordTokens(site, 5);

        var keys = keysOf(site);
        var minuteStart = Instant.parse("2026-03-30T12:00:00Z").getEpochSecond();
        assertThat(keys)
                .containsExactlyInAnyOrder(
                        "yuno:rl:{" + site + "}:m:" + minuteStart,
                        "yuno:rl:{" + site + "}:h:"
                                + Instant.parse("2026-03-30T12:00:00Z").getEpochSecond(),
                        "yuno:rl:{" + site + "}:d:"
                                + Instant.parse("2026-03-30T00:00:00Z").getEpochSecond(),
                        "yuno:rl:{" + site + "}:mo:"
                                + Instant.parse("2026-03-01T00:00:00Z").getEpochSecond(),
                        "yuno:rl:{" + site + "}:s:" + session + ":m:" + minuteStart,
                        "yuno:rl:{" + site + "}:s:" + session + ":d:"
                                + Instant.parse("2026-03-30T00:00:00Z").getEpochSecond(),
                        "yuno:rl:{" + site + "}:tk:d:"
                                + Instant.parse("2026-03-30T00:00:00Z").getEpochSecond(),
                        "yuno:rl:{" + site + "}:tk:mo:"
                                + Instant.parse("2026-03-01T00:00:00Z").getEpochSecond());

        // 15 s left in the minute plus the 10 s grace; the month ends in 1 d 11 h 59 min 15 s.
        var minuteTtl =
                redis.getExpire("yuno:rl:{" + site + "}:m:" + minuteStart, java.util.concurrent.TimeUnit.MILLISECONDS);
        assertThat(minuteTtl).isBetween(20_000L, 25_000L);
        var monthTtl = redis.getExpire(
                "yuno:rl:{" + site + "}:mo:"
                        + Instant.parse("2026-03-01T00:00:00Z").getEpochSecond(),
                java.util.concurrent.TimeUnit.SECONDS);
        assertThat(monthTtl).isBetween(129_555L - 5, 129_555L + 10);
    }

    @Test
    void forgetRemovesEveryKeyOfTheSiteAndNoOtherSites() {
        var gone = randomSiteId();
        var kept = randomSiteId();
        for (var site : new String[] {gone, kept}) {
            limiter.check(site, PlanType.PRO, randomSessionId());
            limiter.check(site, PlanType.PRO, randomSessionId());
            limiter.recordTokens(site, 42);
        }
        assertThat(keysOf(gone)).hasSize(4 + 2 * 2 + 2);
        var keptKeys = keysOf(kept);

        limiter.forget(gone);

        assertThat(keysOf(gone)).isEmpty();
        assertThat(keysOf(kept)).isEqualTo(keptKeys);
        assertThat(limiter.usage(gone, PlanType.PRO).used()).isEqualTo(new Usage.Requests(0, 0, 0, 0));
        assertThat(limiter.usage(kept, PlanType.PRO).used()).isEqualTo(new Usage.Requests(2, 2, 2, 2));
    }

    @Test
    void decisionsAreCountedInMetricsByPlan() {
        var site = randomSiteId();
        var allowedBefore = count("free", "allowed", "none");
        var limitedBefore = count("free", "limited", "minute");
        for (int i = 0; i < 4; i++) {
            limiter.check(site, PlanType.FREE, randomSessionId());
        }
        assertThat(count("free", "allowed", "none") - allowedBefore).isEqualTo(3);
        assertThat(count("free", "limited", "minute") - limitedBefore).isEqualTo(1);
    }

    @Test
    void refusesIdsThatCouldEscapeTheirKeys() {
        assertThatThrownBy(() -> limiter.check("site*", PlanType.FREE, "s"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> limiter.check(randomSiteId(), PlanType.FREE, "a}b:c"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> limiter.forget("")).isInstanceOf(IllegalArgumentException.class);
    }

    private double count(String plan, String outcome, String window) {
        var counter = meters.find(RateLimitMetrics.DECISIONS)
                .tag("plan", plan)
                .tag("outcome", outcome)
                .tag("window", window)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    private HashSet<String> keysOf(String site) {
        var keys = new HashSet<String>();
        try (var cursor = redis.scan(
                ScanOptions.scanOptions().match(Keys.pattern(site)).count(1000).build())) {
            cursor.forEachRemaining(keys::add);
        }
        return keys;
    }

    /**
     * Sends requests, each from a fresh session, until one is refused by {@code target}; a refusal
     * by a shorter window moves the clock by its Retry-After, which must open that window again.
     */
    private Filled fillUntilRefusedBy(String site, PlanType plan, RateLimitWindow target) {
        var allowed = 0;
        for (int guard = 0; guard < 10_000; guard++) {
            var decision = limiter.check(site, plan, randomSessionId());
            if (decision.allowed()) {
                allowed++;
                continue;
            }
            if (decision.window() == target) {
                assertThat(decision.scope()).isEqualTo(Scope.SITE);
                return new Filled(allowed, decision, clock.instant());
            }
            assertThat(decision.window().ordinal()).isLessThan(target.ordinal());
            clock.advance(Duration.ofSeconds(decision.retryAfterSeconds()));
        }
        throw new AssertionError("never refused by " + target);
    }

    private record Filled(int allowed, RateLimitDecision refusal, Instant at) {}

    private static long secondsUntil(Instant now, Instant end) {
        return Duration.between(now, end).toSeconds();
    }
}
