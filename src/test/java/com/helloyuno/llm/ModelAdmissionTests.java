package com.helloyuno.llm;

import static com.helloyuno.testsupport.Sleep.sleep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * The one admission of model calls: generous until the provider pushes back, then fewer calls in
 * flight (multiplicative decrease, counted once per burst, never below the floor), grown back by
 * successes; a Retry-After pauses new calls; per-minute budgets hold calls back; every refusal is
 * counted by reason.
 */
class ModelAdmissionTests {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final Deadline deadline = Deadline.after(Duration.ofSeconds(10));

    @Test
    void admitsUpToTheCeilingThenRefusesAsBusyAndCountsIt() {
        var admission = admission(3, Duration.ofMillis(100), AdmissionSettings.DEFAULTS);
        var held = new ArrayList<ModelAdmission.Permit>();
        for (int i = 0; i < 3; i++) {
            held.add(admission.admit(deadline, 1));
        }

        assertThatThrownBy(() -> admission.admit(deadline, 1))
                .isInstanceOfSatisfying(
                        UpstreamUnavailable.class,
                        e -> assertThat(e.reason()).isEqualTo(UpstreamUnavailable.Reason.BUSY));
        assertThat(refused("busy")).isEqualTo(1);

        held.getFirst().close();
        held.getFirst().close(); // closing twice releases once
        try (var next = admission.admit(deadline, 1)) {
            assertThat(admission.inFlight()).isEqualTo(3);
        }
        assertThat(admission.inFlight()).isEqualTo(2);
    }

    @Test
    void theDefaultAdmitsAThousandCallsInFlight() {
        var admission = new ModelAdmission(
                llm(new LlmSettingsDefaults().maxConcurrency(), Duration.ofMillis(50)),
                AdmissionSettings.DEFAULTS,
                meters);
        for (int i = 0; i < 1000; i++) {
            admission.admit(deadline, 100);
        }
        assertThat(admission.inFlight()).isEqualTo(1000);
    }

    @Test
    void aRateLimitCutsTheAllowedConcurrencyOncePerIntervalDownToTheFloorAndSuccessesGrowItBack() {
        var settings = new AdmissionSettings(4, 0.5, Duration.ofMillis(200), 0, 0);
        var admission = admission(100, Duration.ofMillis(50), settings);
        var busy = new ArrayList<ModelAdmission.Permit>();
        for (int i = 0; i < 60; i++) {
            busy.add(admission.admit(deadline, 1));
        }

        // 60 in flight of 100 allowed: a 429 halves what is really in flight, not the ceiling.
        busy.getLast().throttled(null);
        busy.getFirst().throttled(null); // the same burst: counted, but cuts once
        assertThat(admission.limit()).isEqualTo(30);
        assertThat(meters.get("yuno.llm.admission.throttled").counter().count()).isEqualTo(2);
        busy.forEach(ModelAdmission.Permit::close);

        sleep(Duration.ofMillis(210));
        try (var permit = admission.admit(deadline, 1)) {
            permit.throttled(null);
        }
        assertThat(admission.limit()).as("never below min-concurrency").isEqualTo(4);

        // Only 4 may be in flight now.
        var held = new ArrayList<ModelAdmission.Permit>();
        for (int i = 0; i < 4; i++) {
            held.add(admission.admit(deadline, 1));
        }
        assertThatThrownBy(() -> admission.admit(deadline, 1)).isInstanceOf(UpstreamUnavailable.class);
        // Successes while the limit is full raise it (4 in flight of 4, then of 5); once the
        // limit no longer binds, more successes do not.
        held.forEach(ModelAdmission.Permit::succeeded);
        assertThat(admission.limit()).isEqualTo(6);
        held.forEach(ModelAdmission.Permit::close);
        try (var alone = admission.admit(deadline, 1)) {
            alone.succeeded();
        }
        assertThat(admission.limit()).isEqualTo(6);
    }

    @Test
    void aRetryAfterPausesNewCallsUntilItHasPassed() {
        var admission = admission(10, Duration.ofSeconds(2), AdmissionSettings.DEFAULTS);
        try (var permit = admission.admit(deadline, 1)) {
            permit.throttled(Duration.ofMillis(300));
        }

        var started = System.nanoTime();
        try (var next = admission.admit(deadline, 1)) {
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
        }
    }

    @Test
    void aRetryAfterLongerThanTheWaitRefusesAtOnceRatherThanQueueing() {
        var admission = admission(10, Duration.ofMillis(100), AdmissionSettings.DEFAULTS);
        try (var permit = admission.admit(deadline, 1)) {
            permit.throttled(Duration.ofSeconds(1));
        }
        assertThatThrownBy(() -> admission.admit(deadline, 1)).isInstanceOf(UpstreamUnavailable.class);
        assertThat(refused("busy")).isEqualTo(1);
    }

    @Test
    void perMinuteBudgetsOfRequestsAndTokensHoldCallsBack() {
        var requests =
                admission(100, Duration.ofMillis(50), new AdmissionSettings(4, 0.7, Duration.ofSeconds(1), 2, 0));
        requests.admit(deadline, 1).close();
        requests.admit(deadline, 1).close();
        assertThatThrownBy(() -> requests.admit(deadline, 1)).isInstanceOf(UpstreamUnavailable.class);
        assertThat(refused("budget")).isEqualTo(1);

        var tokens =
                admission(100, Duration.ofMillis(50), new AdmissionSettings(4, 0.7, Duration.ofSeconds(1), 0, 1000));
        tokens.admit(deadline, 600).close();
        assertThatThrownBy(() -> tokens.admit(deadline, 600)).isInstanceOf(UpstreamUnavailable.class);
        tokens.admit(deadline, 400).close();
        assertThat(refused("budget")).isEqualTo(2);
    }

    @Test
    void aWaitingCallIsAdmittedAsSoonAsAnotherEndsNotWhenItsWaitRunsOut() throws Exception {
        var admission = admission(1, Duration.ofSeconds(5), AdmissionSettings.DEFAULTS);
        var held = admission.admit(deadline, 1);
        try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            var waiter = threads.submit(() -> {
                var started = System.nanoTime();
                try (var permit = admission.admit(deadline, 1)) {
                    return Duration.ofNanos(System.nanoTime() - started);
                }
            });
            sleep(Duration.ofMillis(200));
            held.close();
            assertThat(waiter.get(3, java.util.concurrent.TimeUnit.SECONDS)).isLessThan(Duration.ofSeconds(2));
        }
        assertThat(admission.inFlight()).isZero();
    }

    @Test
    void aPausedCallIsAdmittedWhenThePauseEndsNotWhenItsWaitRunsOut() throws Exception {
        var admission = admission(10, Duration.ofSeconds(5), AdmissionSettings.DEFAULTS);
        try (var permit = admission.admit(deadline, 1)) {
            permit.throttled(Duration.ofMillis(300));
        }
        var started = System.nanoTime();
        try (var next = admission.admit(deadline, 1)) {
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
        }
    }

    @Test
    void theBudgetsStartAfreshEveryMinute() {
        var now = new java.util.concurrent.atomic.AtomicLong(1_000_000_000L);
        var admission = new ModelAdmission(
                llm(100, Duration.ZERO), new AdmissionSettings(4, 0.7, Duration.ofSeconds(1), 1, 0), meters, now::get);
        admission.admit(deadline, 1).close();
        assertThatThrownBy(() -> admission.admit(deadline, 1)).isInstanceOf(UpstreamUnavailable.class);

        now.addAndGet(Duration.ofSeconds(59).toNanos());
        assertThatThrownBy(() -> admission.admit(deadline, 1)).isInstanceOf(UpstreamUnavailable.class);
        now.addAndGet(Duration.ofSeconds(1).toNanos()); // a minute after the window began
        admission.admit(deadline, 1).close();
        assertThat(refused("budget")).isEqualTo(2);
    }

    @Test
    void aCallNeverWaitsPastItsDeadline() {
        var admission = admission(1, Duration.ofSeconds(5), AdmissionSettings.DEFAULTS);
        admission.admit(deadline, 1);
        var started = System.nanoTime();
        assertThatThrownBy(() -> admission.admit(Deadline.after(Duration.ofMillis(100)), 1))
                .isInstanceOf(UpstreamUnavailable.class);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(4));
    }

    /** A clock the test moves by hand, for the rules that count time. */
    private ModelAdmission admission(AtomicLong now, int ceiling, AdmissionSettings settings) {
        return new ModelAdmission(llm(ceiling, Duration.ZERO), settings, meters, now::get);
    }

    @Test
    void aCallOverTheBudgetIsAdmittedWhenItsMinuteEndsAndDoesNotSpinWhileItWaits() {
        var shift = new AtomicLong();
        var reads = new AtomicLong();
        var admission = new ModelAdmission(
                llm(100, Duration.ofSeconds(5)),
                new AdmissionSettings(4, 0.7, Duration.ofSeconds(1), 1, 0),
                meters,
                () -> {
                    reads.incrementAndGet();
                    return System.nanoTime() + shift.get();
                });
        admission.admit(deadline, 1).close(); // the minute's one request
        shift.addAndGet(Duration.ofSeconds(59).plusMillis(700).toNanos()); // 300 ms of the minute left
        reads.set(0);

        var started = System.nanoTime();
        admission.admit(deadline, 1).close();
        var waited = Duration.ofNanos(System.nanoTime() - started);

        assertThat(waited)
                .as("the minute's end, not the 5 s wait")
                .isGreaterThanOrEqualTo(Duration.ofMillis(250))
                .isLessThan(Duration.ofSeconds(3));
        assertThat(reads.get())
                .as("woken by a timer, not spinning on the clock")
                .isLessThan(50);
        assertThat(refused("budget")).isZero();
    }

    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void aRefusalSaysInTheLogWhetherTheBudgetOrTheProviderHeldTheCallBack(CapturedOutput output) {
        var budget = admission(100, Duration.ofMillis(20), new AdmissionSettings(4, 0.7, Duration.ofSeconds(1), 1, 0));
        budget.admit(deadline, 1).close();
        assertThatThrownBy(() -> budget.admit(deadline, 1)).isInstanceOf(UpstreamUnavailable.class);
        assertThat(output.getOut()).contains("Model call refused: the per-minute budget is spent");
        assertThat(output.getOut()).doesNotContain("the provider is saturated");

        var full = admission(1, Duration.ofMillis(20), AdmissionSettings.DEFAULTS);
        full.admit(deadline, 1);
        assertThatThrownBy(() -> full.admit(deadline, 1)).isInstanceOf(UpstreamUnavailable.class);
        assertThat(output.getOut()).contains("Model call refused: the provider is saturated after 20 ms (1 of 1");
    }

    @Test
    void anInterruptedWaitEndsAsATimeoutAndKeepsTheInterrupt() throws Exception {
        var admission = admission(1, Duration.ofSeconds(10), AdmissionSettings.DEFAULTS);
        admission.admit(deadline, 1); // holds the only place
        var thrown = new AtomicReference<Throwable>();
        var stillInterrupted = new AtomicBoolean();
        var waiter = Thread.ofVirtual().start(() -> {
            try {
                admission.admit(deadline, 1);
            } catch (RuntimeException e) {
                thrown.set(e);
                stillInterrupted.set(Thread.currentThread().isInterrupted());
            }
        });
        sleep(Duration.ofMillis(200));
        waiter.interrupt();
        waiter.join(Duration.ofSeconds(5));

        assertThat(thrown.get())
                .isInstanceOfSatisfying(
                        UpstreamUnavailable.class,
                        e -> assertThat(e.reason()).isEqualTo(UpstreamUnavailable.Reason.TIMEOUT));
        assertThat(stillInterrupted.get()).isTrue();
        assertThat(admission.inFlight()).isEqualTo(1);
    }

    @Test
    void readingTheGaugesOrReportingAnAnswerLeavesTheAdmissionFreeForOtherThreads() throws Exception {
        var admission = admission(10, Duration.ofMillis(500), AdmissionSettings.DEFAULTS);
        // The metrics scrape reads the gauges on its own thread; a model call reports on its own.
        var reporter = Thread.ofPlatform().start(() -> {
            admission.limit();
            admission.inFlight();
            try (var permit = admission.admit(deadline, 1)) {
                permit.succeeded();
                permit.throttled(null);
            }
        });
        reporter.join(Duration.ofSeconds(5));

        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            var other = threads.submit(() -> {
                admission.admit(deadline, 1).close();
                return admission.inFlight();
            });
            assertThat(other.get(3, TimeUnit.SECONDS)).isZero();
        }
    }

    @Test
    void aWaitingCallIsAdmittedAsSoonAsASuccessRaisesTheLimit() throws Exception {
        var admission =
                admission(10, Duration.ofSeconds(5), new AdmissionSettings(1, 0.5, Duration.ofSeconds(1), 0, 0));
        var first = admission.admit(deadline, 1);
        first.throttled(null); // one in flight, halved: a limit of 1
        assertThat(admission.limit()).isEqualTo(1);
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            var waiter = threads.submit(() -> {
                var started = System.nanoTime();
                try (var permit = admission.admit(deadline, 1)) {
                    return Duration.ofNanos(System.nanoTime() - started);
                }
            });
            sleep(Duration.ofMillis(200));
            first.succeeded(); // the limit held calls back: it grows to 2, and the waiter goes

            assertThat(waiter.get(4, TimeUnit.SECONDS)).isLessThan(Duration.ofMillis(2500));
        }
        first.close();
        assertThat(admission.limit()).isEqualTo(2);
    }

    @Test
    void aSecond429CutsAgainExactlyOneDecreaseIntervalAfterTheFirst() {
        var now = new AtomicLong(1_000_000_000L);
        var admission = admission(now, 100, new AdmissionSettings(1, 0.5, Duration.ofSeconds(1), 0, 0));
        var held = new ArrayList<ModelAdmission.Permit>();
        for (int i = 0; i < 40; i++) {
            held.add(admission.admit(deadline, 1));
        }

        held.getFirst().throttled(null);
        assertThat(admission.limit()).isEqualTo(20);
        now.addAndGet(Duration.ofMillis(999).toNanos());
        held.getFirst().throttled(null);
        assertThat(admission.limit()).as("the same burst").isEqualTo(20);
        now.addAndGet(Duration.ofMillis(1).toNanos());
        held.getFirst().throttled(null);
        assertThat(admission.limit()).isEqualTo(10);
    }

    @Test
    void aRetryAfterPausesNoLongerThanTheLongestBackoff() {
        var now = new AtomicLong(1_000_000_000L);
        var admission = admission(now, 10, AdmissionSettings.DEFAULTS);
        try (var permit = admission.admit(deadline, 1)) {
            permit.throttled(Duration.ofSeconds(60)); // max-backoff is 2 s
        }

        now.addAndGet(Duration.ofMillis(1999).toNanos());
        assertThatThrownBy(() -> admission.admit(deadline, 1)).isInstanceOf(UpstreamUnavailable.class);
        now.addAndGet(Duration.ofMillis(1).toNanos());
        admission.admit(deadline, 1).close();
    }

    @Test
    void aShorterRetryAfterDoesNotShortenAPauseAlreadyTaken() {
        var now = new AtomicLong(1_000_000_000L);
        var admission = admission(now, 10, AdmissionSettings.DEFAULTS);
        try (var permit = admission.admit(deadline, 1)) {
            permit.throttled(Duration.ofSeconds(1));
            permit.throttled(Duration.ofMillis(100));
        }

        now.addAndGet(Duration.ofMillis(500).toNanos());
        assertThatThrownBy(() -> admission.admit(deadline, 1)).isInstanceOf(UpstreamUnavailable.class);
        now.addAndGet(Duration.ofMillis(500).toNanos());
        admission.admit(deadline, 1).close();
    }

    @Test
    void aCallLargerThanTheWholeTokenBudgetStillGoesAloneInItsMinute() {
        var now = new AtomicLong(1_000_000_000L);
        var admission = admission(now, 10, new AdmissionSettings(4, 0.7, Duration.ofSeconds(1), 0, 1000));

        admission.admit(deadline, 5000).close();
        assertThatThrownBy(() -> admission.admit(deadline, 1)).isInstanceOf(UpstreamUnavailable.class);
        now.addAndGet(Duration.ofMinutes(1).toNanos());
        admission.admit(deadline, 5000).close();
        assertThat(refused("budget")).isEqualTo(1);
    }

    private double refused(String reason) {
        return meters.get("yuno.llm.admission.refused")
                .tag("reason", reason)
                .counter()
                .count();
    }

    private ModelAdmission admission(int ceiling, Duration acquireTimeout, AdmissionSettings settings) {
        return new ModelAdmission(llm(ceiling, acquireTimeout), settings, meters);
    }

    private static LlmSettings llm(int maxConcurrency, Duration acquireTimeout) {
        return new LlmSettings(
                "key",
                URI.create("http://127.0.0.1:9/v1"),
                "chat",
                "embed",
                Duration.ofSeconds(30),
                maxConcurrency,
                3,
                Duration.ofMillis(10),
                Duration.ofSeconds(2),
                acquireTimeout,
                Duration.ofSeconds(15),
                1024);
    }

    /** The defaults as application.yaml leaves them, read from the settings record itself. */
    private static final class LlmSettingsDefaults {
        int maxConcurrency() {
            return new org.springframework.boot.context.properties.bind.Binder(
                            new org.springframework.boot.context.properties.source.MapConfigurationPropertySource(
                                    java.util.Map.of("yuno.llm.openai-api-key", "")))
                    .bindOrCreate("yuno.llm", LlmSettings.class)
                    .maxConcurrency();
        }
    }
}
