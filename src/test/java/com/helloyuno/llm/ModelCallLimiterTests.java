package com.helloyuno.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** Admission toward the provider: a bounded number of calls in flight, and a bounded wait for one. */
class ModelCallLimiterTests {

    private final ModelCallLimiter limiter = new ModelCallLimiter(settings(1, Duration.ofMillis(50)));

    @Test
    void aCallHoldsAPermitWhileItRunsAndGivesItBack() {
        assertThat(limiter.available()).isEqualTo(1);

        assertThat(limiter.call(() -> limiter.available())).isZero();
        assertThat(limiter.available()).isEqualTo(1);
        assertThatThrownBy(() -> limiter.call(() -> {
                    throw new IllegalStateException("provider failed");
                }))
                .isInstanceOf(IllegalStateException.class);
        assertThat(limiter.available()).isEqualTo(1);
    }

    @Test
    void aCallThatFindsNoPermitInTimeIsRefusedAsBusy() throws Exception {
        var inside = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        var holder = Thread.ofVirtual()
                .start(() -> limiter.call(() -> {
                    inside.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return null;
                }));
        inside.await();
        try {
            assertThatThrownBy(() -> limiter.call(() -> "never"))
                    .isInstanceOfSatisfying(
                            UpstreamUnavailable.class,
                            e -> assertThat(e.reason()).isEqualTo(UpstreamUnavailable.Reason.BUSY));
        } finally {
            release.countDown();
            holder.join();
        }
    }

    @Test
    void anInterruptedWaitEndsTheCallAndKeepsTheInterrupt() {
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> limiter.call(() -> "never"))
                    .isInstanceOfSatisfying(
                            UpstreamUnavailable.class,
                            e -> assertThat(e.reason()).isEqualTo(UpstreamUnavailable.Reason.TIMEOUT));
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
        assertThat(limiter.available()).isEqualTo(1);
    }

    static LlmSettings settings(int maxConcurrency, Duration acquireTimeout) {
        return new LlmSettings(
                null,
                URI.create("http://127.0.0.1:1/v1"),
                "gpt-4o-mini",
                "text-embedding-3-small",
                Duration.ofSeconds(30),
                maxConcurrency,
                2,
                Duration.ofMillis(200),
                Duration.ofSeconds(2),
                acquireTimeout,
                Duration.ofSeconds(15),
                1024);
    }
}
