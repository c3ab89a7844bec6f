package com.helloyuno.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.core.http.Headers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * The one retry loop of model calls, as the provider and the caller see it: how often a call is
 * sent, how long apart (back-off, doubled and capped, or the provider's Retry-After, capped), when
 * it gives up (attempts, deadline, a failure that is not worth repeating, an interrupt), and what a
 * 429 or a success tells the admission. Timings are asserted from below only where a machine under
 * load could stretch them, with wide margins where the wrong code would wait far longer.
 */
@ExtendWith(OutputCaptureExtension.class)
class AttemptsTests {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    /** Ten calls in flight at most, a 429 cuts to what is in flight times 0.5, never below 2. */
    private final ModelAdmission admission =
            new ModelAdmission(llm(), new AdmissionSettings(2, 0.5, Duration.ofSeconds(30), 0, 0), meters);

    /** Every attempt made, with the time it was made at. */
    private final List<Long> attempts = new CopyOnWriteArrayList<>();

    private static Attempts.Policy policy(int maxAttempts, long initialMillis, long maxMillis) {
        return new Attempts.Policy(maxAttempts, Duration.ofMillis(initialMillis), Duration.ofMillis(maxMillis));
    }

    private static Attempts.Failed failure(
            UpstreamUnavailable.Reason reason, boolean retryable, boolean tokensSent, Duration retryAfter) {
        return new Attempts.Failed(reason, retryable, tokensSent, retryAfter, "boom");
    }

    private static Attempts.Failed retryable() {
        return failure(UpstreamUnavailable.Reason.PROVIDER_ERROR, true, false, null);
    }

    /** An attempt that fails with {@code failures} one after another, then answers "answer". */
    private Function<Deadline, String> failingWith(Attempts.Failed... failures) {
        return deadline -> {
            attempts.add(System.nanoTime());
            if (attempts.size() <= failures.length) {
                throw failures[attempts.size() - 1];
            }
            return "answer";
        };
    }

    private String run(Attempts.Policy policy, Duration timeout, Function<Deadline, String> attempt) {
        return Attempts.run("Test call", policy, admission, Deadline.after(timeout), 1, attempt);
    }

    private Duration gap(int after) {
        return Duration.ofNanos(attempts.get(after + 1) - attempts.get(after));
    }

    @Test
    void aCallThatSucceedsIsSentOnceAndHoldsItsPermitOnlyWhileInFlight() {
        var inFlight = new AtomicInteger(-1);

        var answer = run(policy(3, 10, 1000), Duration.ofSeconds(5), deadline -> {
            inFlight.set(admission.inFlight());
            attempts.add(System.nanoTime());
            return "answer";
        });

        assertThat(answer).isEqualTo("answer");
        assertThat(attempts).hasSize(1);
        assertThat(inFlight.get()).isEqualTo(1);
        assertThat(admission.inFlight()).isZero();
    }

    @Test
    void aRetryableFailureIsSentAgainAfterTheBackoffAndItsAnswerIsTheCallers() {
        var answer = run(policy(3, 200, 1000), Duration.ofSeconds(10), failingWith(retryable()));

        assertThat(answer).isEqualTo("answer");
        assertThat(attempts).hasSize(2);
        // The jitter takes the wait from the upper half of the back-off.
        assertThat(gap(0)).isGreaterThanOrEqualTo(Duration.ofMillis(100));
        assertThat(admission.inFlight()).isZero();
    }

    @Test
    void aCallIsSentAtMostMaxAttemptsTimesAndThenFailsWithTheLastReason() {
        assertThatThrownBy(() -> run(
                        policy(3, 1, 5),
                        Duration.ofSeconds(10),
                        failingWith(retryable(), retryable(), retryable(), retryable())))
                .isInstanceOfSatisfying(UpstreamUnavailable.class, e -> {
                    assertThat(e.reason()).isEqualTo(UpstreamUnavailable.Reason.PROVIDER_ERROR);
                    assertThat(e.tokensSent()).isFalse();
                });
        assertThat(attempts).hasSize(3);
        assertThat(admission.inFlight()).isZero();
    }

    @Test
    void aFailureNotWorthRepeatingEndsTheCallAtOnceSayingWhetherTokensWentOut() {
        assertThatThrownBy(() -> run(
                        policy(3, 1, 5),
                        Duration.ofSeconds(10),
                        failingWith(failure(UpstreamUnavailable.Reason.TIMEOUT, false, true, null))))
                .isInstanceOfSatisfying(UpstreamUnavailable.class, e -> {
                    assertThat(e.reason()).isEqualTo(UpstreamUnavailable.Reason.TIMEOUT);
                    assertThat(e.tokensSent()).isTrue();
                });
        assertThat(attempts).hasSize(1);
    }

    @Test
    void theBackoffDoublesFromOneAttemptToTheNextUpToItsCap() {
        run(policy(4, 100, 1000), Duration.ofSeconds(10), failingWith(retryable(), retryable(), retryable()));

        assertThat(attempts).hasSize(4);
        assertThat(gap(0)).isGreaterThanOrEqualTo(Duration.ofMillis(50)); // 100 ms, jittered
        assertThat(gap(1)).isGreaterThanOrEqualTo(Duration.ofMillis(100)); // 200 ms
        assertThat(gap(2)).isGreaterThanOrEqualTo(Duration.ofMillis(200)); // 400 ms

        attempts.clear();
        var started = System.nanoTime();
        run(
                policy(5, 100, 100),
                Duration.ofSeconds(10),
                failingWith(retryable(), retryable(), retryable(), retryable()));
        // Four waits of at most 100 ms; doubled, they would be 100 + 200 + 400 + 800 ms (at least half that).
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(700));
    }

    @Test
    void aRetryAfterIsWaitedInsteadOfTheBackoff() {
        run(
                policy(3, 1, 5000),
                Duration.ofSeconds(10),
                failingWith(failure(UpstreamUnavailable.Reason.PROVIDER_ERROR, true, false, Duration.ofMillis(300))));

        assertThat(attempts).hasSize(2);
        assertThat(gap(0)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void aRetryAfterLongerThanTheCapIsWaitedOnlyForTheCap() {
        var started = System.nanoTime();
        run(
                policy(3, 1, 200),
                Duration.ofSeconds(60),
                failingWith(failure(UpstreamUnavailable.Reason.PROVIDER_ERROR, true, false, Duration.ofSeconds(30))));

        assertThat(attempts).hasSize(2);
        assertThat(gap(0)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void noAttemptIsStartedThatTheDeadlineLeavesNoRoomFor() {
        var started = System.nanoTime();
        // 250 ms to wait and at least 100 ms for an attempt do not fit in the 300 ms left.
        assertThatThrownBy(() -> run(
                        policy(3, 1, 1000),
                        Duration.ofMillis(300),
                        failingWith(failure(
                                UpstreamUnavailable.Reason.PROVIDER_ERROR, true, false, Duration.ofMillis(250)))))
                .isInstanceOf(UpstreamUnavailable.class);

        assertThat(attempts).hasSize(1);
        assertThat(Duration.ofNanos(System.nanoTime() - started))
                .as("given up at once, not after the wait")
                .isLessThan(Duration.ofMillis(250));
    }

    @Test
    void aRateLimitLowersTheAdmissionsConcurrencyAndPausesItForTheRetryAfter() {
        assertThat(admission.limit()).isEqualTo(10);

        assertThatThrownBy(() -> run(
                        policy(1, 1, 5000),
                        Duration.ofSeconds(10),
                        failingWith(
                                failure(UpstreamUnavailable.Reason.RATE_LIMITED, true, false, Duration.ofMillis(400)))))
                .isInstanceOfSatisfying(
                        UpstreamUnavailable.class,
                        e -> assertThat(e.reason()).isEqualTo(UpstreamUnavailable.Reason.RATE_LIMITED));

        // One in flight when the 429 came: halved, up to the floor of 2.
        assertThat(admission.limit()).isEqualTo(2);
        assertThat(meters.get("yuno.llm.admission.throttled").counter().count()).isEqualTo(1);
        var started = System.nanoTime();
        admission.admit(Deadline.after(Duration.ofSeconds(5)), 1).close();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void otherFailuresLeaveTheAdmissionAlone() {
        assertThatThrownBy(() -> run(policy(1, 1, 5), Duration.ofSeconds(10), failingWith(retryable())))
                .isInstanceOf(UpstreamUnavailable.class);

        assertThat(admission.limit()).isEqualTo(10);
        assertThat(meters.get("yuno.llm.admission.throttled").counter().count()).isZero();
    }

    @Test
    void aSuccessTellsTheAdmissionWhichGrowsTheLimitBackWhereItBinds() {
        assertThatThrownBy(() -> run(
                        policy(1, 1, 5),
                        Duration.ofSeconds(10),
                        failingWith(failure(UpstreamUnavailable.Reason.RATE_LIMITED, true, false, null))))
                .isInstanceOf(UpstreamUnavailable.class);
        assertThat(admission.limit()).isEqualTo(2);

        var other = admission.admit(Deadline.after(Duration.ofSeconds(5)), 1);
        attempts.clear();
        // This call and the other one fill the limit of 2: its success raises it.
        assertThat(run(policy(1, 1, 5), Duration.ofSeconds(10), failingWith())).isEqualTo("answer");
        other.close();

        assertThat(admission.limit()).isEqualTo(3);
    }

    @Test
    void anInterruptDuringTheWaitEndsTheCallAsATimeoutAndKeepsTheInterrupt() throws Exception {
        var thrown = new AtomicReference<Throwable>();
        var stillInterrupted = new AtomicReference<Boolean>();
        var caller = Thread.ofVirtual().start(() -> {
            try {
                run(
                        policy(3, 1, 60_000),
                        Duration.ofSeconds(60),
                        failingWith(failure(
                                UpstreamUnavailable.Reason.PROVIDER_ERROR, true, false, Duration.ofSeconds(30))));
            } catch (RuntimeException e) {
                thrown.set(e);
                stillInterrupted.set(Thread.currentThread().isInterrupted());
            }
        });
        while (attempts.isEmpty()) {
            Thread.sleep(10);
        }
        Thread.sleep(100);
        caller.interrupt();
        caller.join(Duration.ofSeconds(10));

        assertThat(thrown.get())
                .isInstanceOfSatisfying(
                        UpstreamUnavailable.class,
                        e -> assertThat(e.reason()).isEqualTo(UpstreamUnavailable.Reason.TIMEOUT));
        assertThat(stillInterrupted.get()).isTrue();
        assertThat(attempts).hasSize(1);
    }

    @Test
    void everyFailedAttemptIsLoggedWithWhetherAndWhenItIsRetried(CapturedOutput output) {
        assertThatThrownBy(() -> run(
                        policy(2, 1, 5),
                        Duration.ofSeconds(10),
                        failingWith(
                                failure(UpstreamUnavailable.Reason.PROVIDER_ERROR, true, false, Duration.ofMillis(3)),
                                retryable())))
                .isInstanceOf(UpstreamUnavailable.class);

        assertThat(output.getOut()).contains("Test call attempt 1 failed: boom; retrying in 3 ms");
        assertThat(output.getOut().lines().filter(line -> line.contains("Test call attempt 2 failed: boom")))
                .singleElement()
                .satisfies(line -> assertThat(line).endsWith("Test call attempt 2 failed: boom"));
    }

    @Test
    void theProvidersRetryAfterIsReadInMillisecondsOrSecondsAndIgnoredWhenNotANumber() {
        assertThat(Attempts.retryAfter(headers("retry-after-ms", "1500"))).isEqualTo(Duration.ofMillis(1500));
        assertThat(Attempts.retryAfter(headers("retry-after-ms", " 250.7 "))).isEqualTo(Duration.ofMillis(250));
        assertThat(Attempts.retryAfter(headers("retry-after", "2"))).isEqualTo(Duration.ofSeconds(2));
        assertThat(Attempts.retryAfter(headers("retry-after", " 0.5 "))).isEqualTo(Duration.ofMillis(500));
        assertThat(Attempts.retryAfter(headers("retry-after-ms", "20", "retry-after", "7")))
                .as("the finer one wins")
                .isEqualTo(Duration.ofMillis(20));
        assertThat(Attempts.retryAfter(headers("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT")))
                .isNull();
        assertThat(Attempts.retryAfter(headers("retry-after-ms", "soon"))).isNull();
        assertThat(Attempts.retryAfter(headers("x-request-id", "1"))).isNull();
    }

    @Test
    void theJitterSpreadsAWaitOverTheUpperHalfOfTheBackoff() {
        var waits = new ArrayList<Long>();
        for (int i = 0; i < 2000; i++) {
            waits.add(Attempts.jittered(Duration.ofMillis(100)).toMillis());
        }

        assertThat(waits).allSatisfy(wait -> assertThat(wait).isBetween(50L, 100L));
        // Of 2,000 draws from 51 values, none below 60 or none above 90 would be a broken jitter.
        assertThat(waits).anySatisfy(wait -> assertThat(wait).isLessThan(60L));
        assertThat(waits).anySatisfy(wait -> assertThat(wait).isGreaterThan(90L));
    }

    private static Headers headers(String... namesAndValues) {
        var builder = Headers.builder();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            builder.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return builder.build();
    }

    private static LlmSettings llm() {
        return new LlmSettings(
                "key",
                URI.create("http://127.0.0.1:9/v1"),
                "chat",
                "embed",
                Duration.ofSeconds(30),
                10,
                3,
                Duration.ofMillis(10),
                Duration.ofSeconds(2),
                Duration.ofSeconds(5),
                Duration.ofSeconds(15),
                1024);
    }
}
