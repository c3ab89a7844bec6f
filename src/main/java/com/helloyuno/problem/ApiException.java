package com.helloyuno.problem;

import java.util.Map;
import org.springframework.http.HttpStatus;

/**
 * An error that a client can act on: it becomes a problem document with this status, this stable
 * {@code code} and the message as {@code detail}. Subclasses are named as facts ({@code
 * SiteNotFound}, {@code NonceReused}); the message is shown to the client, so it never holds a
 * secret, a SQL fragment or someone else's data.
 */
public abstract class ApiException extends RuntimeException {

    private final HttpStatus status;
    private final String code;

    protected ApiException(HttpStatus status, String code, String detail) {
        super(detail, null, false, false);
        this.status = status;
        this.code = code;
    }

    public HttpStatus status() {
        return status;
    }

    public String code() {
        return code;
    }

    /** Extra members of the problem document, such as {@code window} and {@code retry_after}. */
    public Map<String, Object> properties() {
        return Map.of();
    }

    /** Extra response headers, such as {@code Retry-After} or {@code WWW-Authenticate}. */
    public Map<String, String> headers() {
        return Map.of();
    }
}
