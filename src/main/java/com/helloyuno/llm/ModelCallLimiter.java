package com.helloyuno.llm;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;

/**
 * Bounds the model calls in flight per instance ({@code yuno.llm.max-concurrency}), chat and
 * embeddings alike: thousands of virtual threads may wait, but only so many reach the provider.
 */
@Component
class ModelCallLimiter {

    private final Semaphore permits;
    private final Duration maxWait;

    ModelCallLimiter(LlmSettings settings) {
        this.permits = new Semaphore(settings.maxConcurrency(), true);
        this.maxWait = settings.acquireTimeout();
    }

    <T> T call(Supplier<T> call) {
        boolean acquired;
        try {
            acquired = permits.tryAcquire(maxWait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpstreamUnavailable(UpstreamUnavailable.Reason.TIMEOUT, false);
        }
        if (!acquired) {
            throw new UpstreamUnavailable(UpstreamUnavailable.Reason.BUSY, false);
        }
        try {
            return call.get();
        } finally {
            permits.release();
        }
    }

    int available() {
        return permits.availablePermits();
    }
}
