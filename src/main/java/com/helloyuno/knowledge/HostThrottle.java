package com.helloyuno.knowledge;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Spaces requests to one host, across every crawl of this instance: each request reserves the
 * next free slot of its host and waits for it, outside the lock.
 */
@Component
class HostThrottle {

    private final Map<String, Long> nextSlot = new HashMap<>();

    void await(String host, Duration delay) throws InterruptedException {
        if (delay.isZero() || delay.isNegative()) {
            return;
        }
        long wait;
        synchronized (nextSlot) {
            var now = System.nanoTime();
            var slot = Math.max(now, nextSlot.getOrDefault(host, now));
            nextSlot.put(host, slot + delay.toNanos());
            if (nextSlot.size() > 10_000) {
                nextSlot.values().removeIf(t -> t < now);
            }
            wait = slot - now;
        }
        if (wait > 0) {
            Thread.sleep(Duration.ofNanos(wait));
        }
    }
}
