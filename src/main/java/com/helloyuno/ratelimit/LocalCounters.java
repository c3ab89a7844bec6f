package com.helloyuno.ratelimit;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The per-instance fallback while Redis is unreachable: the same keys, windows and all-or-nothing
 * counting as {@code rate_limit.lua}, in memory. Each instance counts only what it serves, so
 * during an outage a site may get up to its limit from every instance; the widget keeps working,
 * which matters more. Memory is bounded: counters of ended windows are swept, and beyond {@code
 * maxKeys} the counters nearest their end are dropped first.
 */
final class LocalCounters {

    private static final Duration SWEEP_INTERVAL = Duration.ofMinutes(1);

    private final int maxKeys;
    // One lock for all: a check must read and count several counters as one step, this path only
    // serves outages, and every step under the lock is a few map operations.
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Counter> counters = new HashMap<>();
    private Instant nextSweep = Instant.MIN;

    LocalCounters(int maxKeys) {
        this.maxKeys = maxKeys;
    }

    private static final class Counter {
        long count;
        final Instant expiresAt;

        Counter(Instant expiresAt) {
            this.expiresAt = expiresAt;
        }
    }

    Counts check(List<Slot> slots, Instant now) {
        lock.lock();
        try {
            sweepIfDue(now);
            var values = new long[slots.size()];
            var allowed = true;
            for (int i = 0; i < slots.size(); i++) {
                values[i] = count(slots.get(i).key(), now);
                if (values[i] >= slots.get(i).limit()) {
                    allowed = false;
                }
            }
            if (allowed) {
                for (int i = 0; i < slots.size(); i++) {
                    values[i] = increment(slots.get(i).key(), 1, slots.get(i).end(), now);
                }
                bound(now);
            }
            return new Counts(allowed, values, true);
        } finally {
            lock.unlock();
        }
    }

    long[] counts(List<String> keys, Instant now) {
        lock.lock();
        try {
            var values = new long[keys.size()];
            for (int i = 0; i < keys.size(); i++) {
                values[i] = count(keys.get(i), now);
            }
            return values;
        } finally {
            lock.unlock();
        }
    }

    /** Adds to a counter that lives until {@code expiresAt}, such as a site's tokens of the day. */
    void add(String key, long delta, Instant expiresAt, Instant now) {
        lock.lock();
        try {
            sweepIfDue(now);
            increment(key, delta, expiresAt, now);
            bound(now);
        } finally {
            lock.unlock();
        }
    }

    /** Drops every counter of the site. */
    void forget(String siteId) {
        var base = Keys.base(siteId);
        lock.lock();
        try {
            counters.keySet().removeIf(key -> key.startsWith(base));
        } finally {
            lock.unlock();
        }
    }

    int size() {
        lock.lock();
        try {
            return counters.size();
        } finally {
            lock.unlock();
        }
    }

    private long count(String key, Instant now) {
        var counter = counters.get(key);
        return counter == null || !now.isBefore(counter.expiresAt) ? 0 : counter.count;
    }

    private long increment(String key, long delta, Instant expiresAt, Instant now) {
        var counter = counters.get(key);
        if (counter == null || !now.isBefore(counter.expiresAt)) {
            counter = new Counter(expiresAt);
            counters.put(key, counter);
        }
        counter.count += delta;
        return counter.count;
    }

    private void sweepIfDue(Instant now) {
        if (!now.isBefore(nextSweep)) {
            sweep(now);
        }
    }

    private void sweep(Instant now) {
        counters.values().removeIf(counter -> !now.isBefore(counter.expiresAt));
        nextSweep = now.plus(SWEEP_INTERVAL);
    }

    private void bound(Instant now) {
        if (counters.size() <= maxKeys) {
            return;
        }
        sweep(now);
        if (counters.size() <= maxKeys) {
            return;
        }
        // Forgetting a counter can only let more requests through: the fallback fails open.
        var byEnd = new ArrayList<>(counters.entrySet());
        byEnd.sort(Comparator.comparing(entry -> entry.getValue().expiresAt));
        var target = maxKeys - maxKeys / 10;
        for (int i = 0; i < byEnd.size() && counters.size() > target; i++) {
            counters.remove(byEnd.get(i).getKey());
        }
    }
}
