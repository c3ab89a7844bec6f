package com.helloyuno.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

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
}
