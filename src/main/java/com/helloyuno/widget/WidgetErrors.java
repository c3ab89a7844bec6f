package com.helloyuno.widget;

import com.helloyuno.problem.ApiException;
import java.util.Map;
import org.springframework.http.HttpStatus;

/** The refusals of widget authentication, each with the contract's code. */
final class WidgetErrors {

    private WidgetErrors() {}

    /** A 401 that tells the client its token will not do, as RFC 6750 asks. */
    abstract static class TokenRefused extends ApiException {
        TokenRefused(String code, String detail) {
            super(HttpStatus.UNAUTHORIZED, code, detail);
        }

        @Override
        public Map<String, String> headers() {
            return Map.of("WWW-Authenticate", "Bearer error=\"invalid_token\"");
        }
    }

    static final class TokenInvalid extends TokenRefused {
        TokenInvalid() {
            super("token_invalid", "The token is missing or not valid.");
        }
    }

    static final class TokenExpired extends TokenRefused {
        TokenExpired() {
            super("token_expired", "The token has expired; authenticate again or refresh it.");
        }
    }

    static final class DomainNotAllowed extends ApiException {
        DomainNotAllowed() {
            super(HttpStatus.FORBIDDEN, "domain_not_allowed", "This domain is not allowed for the site.");
        }
    }

    static final class OriginNotAllowed extends ApiException {
        OriginNotAllowed() {
            super(HttpStatus.FORBIDDEN, "origin_not_allowed", "This page's origin is not allowed for the site.");
        }
    }

    static final class PlanInactive extends ApiException {
        PlanInactive() {
            super(HttpStatus.FORBIDDEN, "plan_inactive", "The site's plan is not active.");
        }
    }

    static final class WidgetDisabled extends ApiException {
        WidgetDisabled() {
            super(HttpStatus.FORBIDDEN, "widget_disabled", "The site's widget is disabled.");
        }
    }

    static final class IdentityNotVerified extends ApiException {
        IdentityNotVerified() {
            super(
                    HttpStatus.FORBIDDEN,
                    "identity_not_verified",
                    "This site requires a visitor signed by its own server (visitor_id with visitor_hash, or"
                            + " visitor_token).");
        }
    }

    static final class NonceReused extends ApiException {
        NonceReused() {
            super(HttpStatus.CONFLICT, "nonce_reused", "This nonce was used already; make a new one.");
        }
    }

    static final class TooManyAuthentications extends ApiException {
        private final long retryAfter;

        TooManyAuthentications(long retryAfter) {
            super(HttpStatus.TOO_MANY_REQUESTS, "rate_limited", "Too many authentications from this address.");
            this.retryAfter = retryAfter;
        }

        @Override
        public Map<String, Object> properties() {
            return Map.of("window", "minute", "retry_after", retryAfter);
        }

        @Override
        public Map<String, String> headers() {
            return Map.of("Retry-After", Long.toString(retryAfter));
        }
    }
}
