package com.helloyuno.ratelimit;

import com.helloyuno.plan.PlanType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The limiter's meters:
 *
 * <ul>
 *   <li>{@code yuno.ratelimit.decisions}: every decision, tagged {@code plan}, {@code outcome}
 *       ({@code allowed} or {@code limited}), and for limited ones the refusing {@code window} and
 *       its {@code scope} ({@code site} or {@code session}); {@code none} on allowed ones, since
 *       Prometheus wants the same tag keys on every series of a name;
 *   <li>{@code yuno.ratelimit.fallback.decisions}: decisions taken by the local fallback, by {@code
 *       plan};
 *   <li>{@code yuno.ratelimit.fallback.active}: 1 while Redis is considered down.
 * </ul>
 */
final class RateLimitMetrics {

    static final String DECISIONS = "yuno.ratelimit.decisions";
    static final String FALLBACK_DECISIONS = "yuno.ratelimit.fallback.decisions";
    static final String FALLBACK_ACTIVE = "yuno.ratelimit.fallback.active";

    private final MeterRegistry registry;

    RateLimitMetrics(MeterRegistry registry, RedisGate gate) {
        this.registry = registry;
        Gauge.builder(FALLBACK_ACTIVE, gate, g -> g.down() ? 1 : 0)
                .description("1 while Redis is unreachable and rate limits are counted per instance")
                .register(registry);
    }

    void decided(PlanType plan, RateLimitDecision decision) {
        var limited = !decision.allowed();
        Counter.builder(DECISIONS)
                .description("Rate limit decisions on /ask")
                .tag("plan", plan.wireName())
                .tag("outcome", limited ? "limited" : "allowed")
                .tag("window", limited ? decision.window().wireName() : "none")
                .tag("scope", limited ? decision.scope().name().toLowerCase(java.util.Locale.ROOT) : "none")
                .register(registry)
                .increment();
        if (decision.local()) {
            Counter.builder(FALLBACK_DECISIONS)
                    .description("Rate limit decisions taken per instance because Redis was unreachable")
                    .tag("plan", plan.wireName())
                    .register(registry)
                    .increment();
        }
    }
}
