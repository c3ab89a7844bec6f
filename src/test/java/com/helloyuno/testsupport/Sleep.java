package com.helloyuno.testsupport;

import java.time.Duration;

/** A test's pause: an interruption ends the test rather than being swallowed. */
public final class Sleep {

    private Sleep() {}

    public static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
