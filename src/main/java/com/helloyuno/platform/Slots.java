package com.helloyuno.platform;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A bounded number of pooled database connections one kind of work may hold at once. Work runs
 * on virtual threads, as many as requests arrive, so without a bound one kind (a burst of finished
 * chats writing their history) takes every connection of the pool and another (the next visitors'
 * retrieval) meets pool time-outs after seconds. With one, each waits a short, configured time for
 * its own slots and then degrades as its owner decides.
 */
public final class Slots {

    private final Semaphore slots;
    private final int size;

    public Slots(int size) {
        this.size = size;
        // Fair: under a long overload the oldest waiter goes first.
        this.slots = new Semaphore(size, true);
    }

    /** Takes a slot, waiting at most {@code wait}; false when none came (or the thread was interrupted). */
    public boolean tryAcquire(Duration wait) {
        try {
            return slots.tryAcquire(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public void release() {
        slots.release();
    }

    /** Slots taken now. */
    public int inUse() {
        return size - slots.availablePermits();
    }
}
