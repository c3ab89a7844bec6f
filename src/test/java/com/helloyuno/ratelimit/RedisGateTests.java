package com.helloyuno.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** After a failure, Redis is tried again once per interval, and only a fresh answer ends the outage. */
class RedisGateTests {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final RedisGate gate = new RedisGate(Duration.ofSeconds(1), nanos::get);

    @Test
    void whileRedisFailsOneRequestPerIntervalTriesItAgain() {
        assertThat(gate.shouldTry()).isTrue();
        gate.failed(new RedisCounters.RedisUnavailable("no answer within 200 ms", null));
        assertThat(gate.down()).isTrue();
        assertThat(gate.shouldTry()).isFalse();

        nanos.addAndGet(Duration.ofMillis(999).toNanos());
        assertThat(gate.shouldTry()).isFalse();
        nanos.addAndGet(Duration.ofMillis(1).toNanos());
        assertThat(gate.shouldTry()).isTrue();
        assertThat(gate.shouldTry()).as("only one request probes").isFalse();

        var startedAt = gate.now();
        gate.succeeded(startedAt);
        assertThat(gate.down()).isFalse();
        assertThat(gate.shouldTry()).isTrue();
    }

    @Test
    void aLateAnswerToACallFromBeforeTheOutageDoesNotEndIt() {
        var startedBefore = gate.now();
        nanos.addAndGet(1_000);
        gate.failed(new RedisCounters.RedisUnavailable("no answer within 200 ms", null));

        gate.succeeded(startedBefore);

        assertThat(gate.down()).isTrue();
    }

    @Test
    void anAnswerToACallStartedDuringTheOutageEndsItEvenAfterLaterFailures() {
        gate.failed(new IllegalStateException("connection reset"));
        var startedDuring = gate.now();
        nanos.addAndGet(Duration.ofSeconds(2).toNanos());
        gate.failed(new IllegalStateException("connection reset"));

        gate.succeeded(startedDuring);

        assertThat(gate.down()).isFalse();
    }

    @Test
    void aCallStartedAtTheMomentTheOutageBeganEndsIt() {
        gate.failed(new IllegalStateException("connection reset"));

        gate.succeeded(nanos.get());

        assertThat(gate.down()).isFalse();
    }

    @Test
    void whileRedisAnswersEveryRequestAsksIt() {
        gate.succeeded(gate.now());
        assertThat(gate.down()).isFalse();
        assertThat(gate.shouldTry()).isTrue();
        assertThat(gate.shouldTry()).isTrue();
    }

    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void anOutageIsLoggedOnceWithOurOwnWordsNeverWithTheClientsMessage(CapturedOutput output) {
        gate.failed(new RedisCounters.RedisUnavailable("no answer within 200 ms", null));
        gate.failed(new RedisCounters.RedisUnavailable("no answer within 200 ms", null));
        assertThat(output.getOut()).contains("Redis is unreachable or slow (no answer within 200 ms)");
        assertThat(output.getOut().lines().filter(line -> line.contains("Redis is unreachable")))
                .hasSize(1);

        gate.succeeded(gate.now());
        nanos.addAndGet(1_000);
        // A client's own exception may carry the connection URL, password included: only its class is logged.
        gate.failed(new IllegalStateException("cannot connect to redis://user:secret@10.0.0.5:6379"));
        assertThat(output.getOut()).contains("Redis is unreachable or slow (IllegalStateException)");
        assertThat(output.getOut()).doesNotContain("secret");
    }
}
