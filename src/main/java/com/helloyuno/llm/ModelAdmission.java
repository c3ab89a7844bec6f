package com.helloyuno.llm;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The one admission of model calls toward the provider, chat and embeddings alike, per instance.
 *
 * <p>The allowed concurrency adapts to the provider (additive increase, multiplicative decrease):
 * it starts at {@code yuno.llm.max-concurrency}, a 429 multiplies it by {@code decrease-factor} (at
 * most once per {@code decrease-interval}, down to {@code min-concurrency}), and every call that
 * succeeds raises it by one again. A {@code Retry-After} pauses new admissions until it has passed.
 * Optional per-minute budgets of requests and tokens hold calls back to what the provider account
 * allows. A call waits for admission at most {@code yuno.llm.acquire-timeout} (and never past its
 * deadline); then it is refused as {@link UpstreamUnavailable.Reason#BUSY}, counted in {@code
 * yuno_llm_admission_refused_total} by reason. Waiting costs a virtual thread, nothing more.
 */
@Component
final class ModelAdmission {

    private static final Logger log = LoggerFactory.getLogger(ModelAdmission.class);
    private static final long MINUTE = TimeUnit.MINUTES.toNanos(1);

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final int ceiling;
    private final AdmissionSettings settings;
    private final Duration maxWait;
    private final Duration maxPause;
    private final LongSupplier nanoTime;
    private final Counter refusedBusy;
    private final Counter refusedBudget;
    private final Counter throttled;

    // Guarded by lock.
    private double limit;
    private int inFlight;
    private long pausedUntil;
    private long lastDecrease;
    private long windowStart;
    private int windowRequests;
    private long windowTokens;

    @Autowired
    ModelAdmission(LlmSettings llm, AdmissionSettings settings, MeterRegistry meters) {
        this(llm, settings, meters, System::nanoTime);
    }

    ModelAdmission(LlmSettings llm, AdmissionSettings settings, MeterRegistry meters, LongSupplier nanoTime) {
        this.ceiling = llm.maxConcurrency();
        this.settings = settings;
        this.maxWait = llm.acquireTimeout();
        this.maxPause = llm.maxBackoff();
        this.nanoTime = nanoTime;
        this.limit = ceiling;
        var now = nanoTime.getAsLong();
        this.pausedUntil = now;
        this.lastDecrease = now - settings.decreaseInterval().toNanos();
        this.windowStart = now;
        this.refusedBusy = refused(meters, "busy");
        this.refusedBudget = refused(meters, "budget");
        this.throttled = Counter.builder("yuno.llm.admission.throttled")
                .description("Provider answers of 429 that lowered the allowed concurrency or paused admissions")
                .register(meters);
        Gauge.builder("yuno.llm.admission.limit", this, ModelAdmission::limit)
                .description("Model calls allowed in flight now (adapts to the provider's 429s)")
                .register(meters);
        Gauge.builder("yuno.llm.admission.in.flight", this, ModelAdmission::inFlight)
                .description("Model calls in flight now")
                .register(meters);
    }

    private static Counter refused(MeterRegistry meters, String reason) {
        return Counter.builder("yuno.llm.admission.refused")
                .description("Model calls refused because the provider, or its budget, was saturated")
                .tag("reason", reason)
                .register(meters);
    }

    /** A call admitted: report how it went, and close it (in {@code try}-with-resources) when done. */
    final class Permit implements AutoCloseable {

        private boolean closed;

        private Permit() {}

        /** The provider answered: the allowed concurrency grows back by one. */
        void succeeded() {
            lock.lock();
            try {
                limit = Math.min(ceiling, limit + 1);
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        /** The provider answered 429: fewer calls in flight, and none before its Retry-After. */
        void throttled(@Nullable Duration retryAfter) {
            throttled.increment();
            lock.lock();
            try {
                var now = nanoTime.getAsLong();
                if (now - lastDecrease >= settings.decreaseInterval().toNanos()) {
                    var before = (int) limit;
                    limit = Math.max(settings.minConcurrency(), limit * settings.decreaseFactor());
                    lastDecrease = now;
                    log.warn(
                            "The model provider answers 429: model calls in flight lowered from {} to {}", before, (int)
                                    limit);
                }
                if (retryAfter != null) {
                    var pause = retryAfter.compareTo(maxPause) > 0 ? maxPause : retryAfter;
                    var until = now + pause.toNanos();
                    if (until - pausedUntil > 0) {
                        pausedUntil = until;
                    }
                }
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void close() {
            lock.lock();
            try {
                if (!closed) {
                    closed = true;
                    inFlight--;
                    changed.signalAll();
                }
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * Admits a call of about {@code tokens} tokens, waiting while the provider is saturated.
     *
     * @throws UpstreamUnavailable {@code BUSY} when no admission came within the wait
     */
    Permit admit(Deadline deadline, long tokens) {
        var waitNanos = Math.min(maxWait.toNanos(), deadline.remainingNanos());
        var giveUpAt = nanoTime.getAsLong() + waitNanos;
        lock.lock();
        try {
            var budgetHeld = false;
            while (true) {
                var now = nanoTime.getAsLong();
                if (now - windowStart >= MINUTE) {
                    windowStart = now;
                    windowRequests = 0;
                    windowTokens = 0;
                }
                var paused = pausedUntil - now > 0;
                var full = inFlight >= (int) limit;
                var overBudget = overBudget(tokens);
                if (!paused && !full && !overBudget) {
                    inFlight++;
                    windowRequests++;
                    windowTokens += tokens;
                    return new Permit();
                }
                budgetHeld = overBudget && !paused && !full;
                var left = giveUpAt - now;
                if (left <= 0) {
                    break;
                }
                // Woken by a release or a raise; a pause or a budget window ends on the clock.
                var until = left;
                if (paused) {
                    until = Math.min(until, pausedUntil - now);
                }
                if (overBudget) {
                    until = Math.min(until, windowStart + MINUTE - now);
                }
                changed.awaitNanos(Math.max(1, until));
            }
            (budgetHeld ? refusedBudget : refusedBusy).increment();
            log.warn(
                    "Model call refused: {} after {} ms ({} of {} allowed in flight)",
                    budgetHeld ? "the per-minute budget is spent" : "the provider is saturated",
                    TimeUnit.NANOSECONDS.toMillis(waitNanos),
                    inFlight,
                    (int) limit);
            throw new UpstreamUnavailable(UpstreamUnavailable.Reason.BUSY, false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpstreamUnavailable(UpstreamUnavailable.Reason.TIMEOUT, false);
        } finally {
            lock.unlock();
        }
    }

    private boolean overBudget(long tokens) {
        if (settings.requestsPerMinute() > 0 && windowRequests >= settings.requestsPerMinute()) {
            return true;
        }
        // A call larger than the whole budget still goes, alone in its minute, rather than never.
        return settings.tokensPerMinute() > 0 && windowTokens > 0 && windowTokens + tokens > settings.tokensPerMinute();
    }

    /** The allowed concurrency now. */
    int limit() {
        lock.lock();
        try {
            return (int) limit;
        } finally {
            lock.unlock();
        }
    }

    int inFlight() {
        lock.lock();
        try {
            return inFlight;
        } finally {
            lock.unlock();
        }
    }
}
