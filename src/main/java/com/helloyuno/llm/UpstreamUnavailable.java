package com.helloyuno.llm;

import com.helloyuno.problem.ApiException;
import java.util.Map;
import org.springframework.http.HttpStatus;

/**
 * The model provider did not answer in time or at all: refused, rate-limited, failing, stalled,
 * answering nonsense, too busy here, or not configured. A 503 {@code upstream_unavailable} whose
 * detail says nothing of the provider; the cause is logged where it happened.
 */
public final class UpstreamUnavailable extends ApiException {

    private final Reason reason;
    private final boolean tokensSent;

    public UpstreamUnavailable(Reason reason, boolean tokensSent) {
        super(HttpStatus.SERVICE_UNAVAILABLE, "upstream_unavailable", detail(reason));
        this.reason = reason;
        this.tokensSent = tokensSent;
    }

    /** What went wrong, for metrics and analytics; never shown to the client. */
    public Reason reason() {
        return reason;
    }

    /**
     * Whether part of the answer had already been handed to the caller's token consumer: then the
     * response has begun and the caller ends its stream with an {@code error} event.
     */
    public boolean tokensSent() {
        return tokensSent;
    }

    @Override
    public Map<String, String> headers() {
        return reason == Reason.OFFLINE ? Map.of() : Map.of("Retry-After", "5");
    }

    private static String detail(Reason reason) {
        return switch (reason) {
            case OFFLINE -> "No language model is configured on this server.";
            case BUSY -> "The assistant is busy right now; please try again shortly.";
            default -> "The assistant is unavailable right now; please try again shortly.";
        };
    }

    public enum Reason {
        /** No API key: Yuno runs offline. */
        OFFLINE,
        /** Every permit toward the provider was taken for longer than the acquire timeout. */
        BUSY,
        /** The deadline passed, or no first token came in time, or the stream stalled. */
        TIMEOUT,
        /** The provider answered 429 on every attempt. */
        RATE_LIMITED,
        /** The provider answered an HTTP error or could not be reached. */
        PROVIDER_ERROR,
        /** The provider's answer could not be understood. */
        BAD_RESPONSE
    }
}
