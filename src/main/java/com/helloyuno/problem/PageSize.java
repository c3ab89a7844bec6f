package com.helloyuno.problem;

/** The one check of a list's {@code size} against its feature's cap: a 400 naming {@code size}. */
public final class PageSize {

    private PageSize() {}

    /**
     * @return the size, when it is at most {@code max}
     * @throws InvalidRequest naming {@code size} otherwise
     */
    public static int atMost(int size, int max) {
        if (size > max) {
            throw new InvalidRequest("size", "must be at most " + max);
        }
        return size;
    }
}
