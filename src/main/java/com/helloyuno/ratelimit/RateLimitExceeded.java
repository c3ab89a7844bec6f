package com.helloyuno.ratelimit;

import com.helloyuno.problem.ApiException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

/**
 * A request refused by a rate limit: 429 {@code rate_limited}, with the refusing {@code window}
 * and {@code retry_after} in the problem document, and {@code Retry-After} plus the {@code
 * RateLimit} fields as headers. The detail says whether the site's or the session's limit was
 * reached.
 */
public final class RateLimitExceeded extends ApiException {

    private final RateLimitDecision decision;

    /**
     * @param decision a refused decision
     * @throws IllegalArgumentException if the decision allowed the request
     */
    public RateLimitExceeded(RateLimitDecision decision) {
        super(HttpStatus.TOO_MANY_REQUESTS, "rate_limited", detail(decision));
        this.decision = decision;
    }

    public RateLimitDecision decision() {
        return decision;
    }

    @Override
    public Map<String, Object> properties() {
        var properties = new LinkedHashMap<String, Object>();
        properties.put("window", decision.window().wireName());
        properties.put("retry_after", decision.retryAfterSeconds());
        return properties;
    }

    @Override
    public Map<String, String> headers() {
        var headers = new LinkedHashMap<String, String>();
        headers.put(HttpHeaders.RETRY_AFTER, Long.toString(decision.retryAfterSeconds()));
        headers.putAll(RateLimitHeaders.of(decision));
        return headers;
    }

    private static String detail(RateLimitDecision decision) {
        if (decision.allowed()) {
            throw new IllegalArgumentException("The decision allowed the request");
        }
        var whose = decision.scope() == RateLimitDecision.Scope.SESSION ? "This session's" : "This site's";
        var seconds = decision.retryAfterSeconds();
        return whose + " limit of " + decision.limit() + " requests per "
                + decision.window().wireName() + " is reached; try again in " + seconds
                + (seconds == 1 ? " second." : " seconds.");
    }
}
