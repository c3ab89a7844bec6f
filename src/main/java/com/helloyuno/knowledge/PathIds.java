package com.helloyuno.knowledge;

import com.helloyuno.problem.ApiException;
import java.util.UUID;
import java.util.function.Supplier;

/** Ids in request paths: one that is not even a UUID names nothing, so it is "not found", not a 400. */
final class PathIds {

    private PathIds() {}

    static UUID uuid(String value, Supplier<? extends ApiException> notFound) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw notFound.get();
        }
    }
}
