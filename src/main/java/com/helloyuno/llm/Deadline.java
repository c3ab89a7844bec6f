package com.helloyuno.llm;

import java.time.Duration;

/** A point in time on the monotonic clock by which a call must be over. */
record Deadline(long nanos) {

    static Deadline after(Duration duration) {
        return new Deadline(System.nanoTime() + duration.toNanos());
    }

    /** The earlier of this deadline and one {@code duration} from now. */
    Deadline capped(Duration duration) {
        var other = System.nanoTime() + duration.toNanos();
        return other - nanos < 0 ? new Deadline(other) : this;
    }

    long remainingNanos() {
        return Math.max(0, nanos - System.nanoTime());
    }

    Duration remaining() {
        return Duration.ofNanos(remainingNanos());
    }

    boolean expired() {
        return remainingNanos() == 0;
    }
}
