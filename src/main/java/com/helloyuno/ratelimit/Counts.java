package com.helloyuno.ratelimit;

/**
 * What a check found, window by window in the order of {@link Slot#forRequest}.
 *
 * @param allowed whether every window had room, so that the request was counted in all of them
 * @param values the counts: after this request when allowed, before it when refused
 * @param local whether the local fallback counted, rather than Redis
 */
record Counts(boolean allowed, long[] values, boolean local) {}
