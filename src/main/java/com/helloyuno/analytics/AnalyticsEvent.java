package com.helloyuno.analytics;

import com.helloyuno.id.Ids;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The events Yuno sends. They are built of typed fields only (numbers, flags, enums) and of three
 * strings that are checked on the way in: the site id, the session id (never sent: it only feeds
 * the hashed visitor id) and an error code. A value that does not have the expected shape is
 * replaced, so an event can carry no message text, email, phone number or IP address, and
 * building one never fails.
 */
public sealed interface AnalyticsEvent {

    /** The site; {@code "unknown"} when what was given is not a site id. */
    String siteId();

    /** The visitor's session, or {@code null}; hashed with the site into the visitor id. */
    @Nullable
    String sessionId();

    /** The Mixpanel event name. */
    String name();

    /** The event's own properties, beside {@code site_id} and the visitor id. */
    Map<String, Object> properties();

    /** A widget obtained (or refreshed) a token. */
    record Authenticated(String siteId, boolean refreshed) implements AnalyticsEvent {
        public Authenticated {
            siteId = Checked.siteId(siteId);
        }

        @Override
        public @Nullable String sessionId() {
            return null;
        }

        @Override
        public String name() {
            return "authenticated";
        }

        @Override
        public Map<String, Object> properties() {
            return Map.of("refreshed", refreshed);
        }
    }

    /**
     * A visitor asked a question.
     *
     * @param turn how many messages the conversation had with this one
     * @param rewritten whether the question was rewritten into a standalone query
     */
    record QuestionAsked(String siteId, @Nullable String sessionId, int turn, boolean rewritten)
            implements AnalyticsEvent {
        public QuestionAsked {
            siteId = Checked.siteId(siteId);
            sessionId = Checked.sessionId(sessionId);
        }

        @Override
        public String name() {
            return "question";
        }

        @Override
        public Map<String, Object> properties() {
            return Map.of("turn", turn, "rewritten", rewritten);
        }
    }

    /**
     * The assistant answered.
     *
     * @param latencyMs from the request to the last token
     * @param firstTokenMs from the request to the first token
     * @param confidence the classification's answer confidence from 0 to 1, or {@code null}
     * @param sources how many passages the answer cites
     * @param offline whether the answer was built from passages without a model
     */
    record AnswerGiven(
            String siteId,
            @Nullable String sessionId,
            long latencyMs,
            long firstTokenMs,
            int promptTokens,
            int completionTokens,
            @Nullable Double confidence,
            int sources,
            boolean streamed,
            boolean offline)
            implements AnalyticsEvent {
        public AnswerGiven {
            siteId = Checked.siteId(siteId);
            sessionId = Checked.sessionId(sessionId);
            if (confidence != null) {
                confidence = confidence.isNaN() ? null : Math.clamp(confidence, 0.0, 1.0);
            }
        }

        @Override
        public String name() {
            return "answer";
        }

        @Override
        public Map<String, Object> properties() {
            var properties = new LinkedHashMap<String, Object>();
            properties.put("latency_ms", latencyMs);
            properties.put("first_token_ms", firstTokenMs);
            properties.put("prompt_tokens", promptTokens);
            properties.put("completion_tokens", completionTokens);
            properties.put("total_tokens", promptTokens + completionTokens);
            if (confidence != null) {
                properties.put("confidence", confidence);
            }
            properties.put("sources", sources);
            properties.put("streamed", streamed);
            properties.put("offline", offline);
            return properties;
        }
    }

    /** A lead was created or completed. */
    record LeadCaptured(String siteId, @Nullable String sessionId, Channel channel) implements AnalyticsEvent {
        public LeadCaptured {
            siteId = Checked.siteId(siteId);
            sessionId = Checked.sessionId(sessionId);
        }

        @Override
        public String name() {
            return "lead_captured";
        }

        @Override
        public Map<String, Object> properties() {
            return Map.of("channel", channel.name().toLowerCase(Locale.ROOT));
        }

        public enum Channel {
            CHAT,
            FORM
        }
    }

    /**
     * A request was refused by a rate limit.
     *
     * @param session whether the visitor's session limit, rather than the site's, was reached
     */
    record RateLimited(String siteId, @Nullable String sessionId, Window window, boolean session)
            implements AnalyticsEvent {
        public RateLimited {
            siteId = Checked.siteId(siteId);
            sessionId = Checked.sessionId(sessionId);
        }

        @Override
        public String name() {
            return "rate_limited";
        }

        @Override
        public Map<String, Object> properties() {
            return Map.of("window", window.name().toLowerCase(Locale.ROOT), "session_limit", session);
        }

        public enum Window {
            MINUTE,
            HOUR,
            DAY,
            MONTH
        }
    }

    /**
     * A request failed.
     *
     * @param code the problem's stable code, such as {@code upstream_unavailable}; {@code "other"}
     *     when it is not of that shape
     * @param status the HTTP status, or 0 when the failure came after a stream began
     */
    record ErrorOccurred(String siteId, @Nullable String sessionId, String code, int status) implements AnalyticsEvent {
        public ErrorOccurred {
            siteId = Checked.siteId(siteId);
            sessionId = Checked.sessionId(sessionId);
            code = Checked.code(code);
        }

        @Override
        public String name() {
            return "error";
        }

        @Override
        public Map<String, Object> properties() {
            return Map.of("code", code, "status", status);
        }
    }

    /** How a lead reached its site's owner. */
    enum DeliveryChannel {
        WEBHOOK,
        EMAIL
    }

    /**
     * A lead event reached the owner's webhook or inbox.
     *
     * @param attempts how many attempts it took
     */
    record LeadDelivered(String siteId, DeliveryChannel channel, int attempts) implements AnalyticsEvent {
        public LeadDelivered {
            siteId = Checked.siteId(siteId);
        }

        @Override
        public @Nullable String sessionId() {
            return null;
        }

        @Override
        public String name() {
            return "lead_delivered";
        }

        @Override
        public Map<String, Object> properties() {
            return Map.of("channel", channel.name().toLowerCase(Locale.ROOT), "attempts", attempts);
        }
    }

    /**
     * A lead event was given up: the receiver refused it, or retries ran out.
     *
     * @param status the receiver's last HTTP status, 0 without one (a timeout, a refused address, mail)
     */
    record LeadDeliveryFailed(String siteId, DeliveryChannel channel, int attempts, int status)
            implements AnalyticsEvent {
        public LeadDeliveryFailed {
            siteId = Checked.siteId(siteId);
        }

        @Override
        public @Nullable String sessionId() {
            return null;
        }

        @Override
        public String name() {
            return "lead_delivery_failed";
        }

        @Override
        public Map<String, Object> properties() {
            return Map.of("channel", channel.name().toLowerCase(Locale.ROOT), "attempts", attempts, "status", status);
        }
    }

    /** The checks of the few strings an event holds. */
    final class Checked {

        private static final Pattern CODE = Pattern.compile("[a-z][a-z0-9_]{0,63}");

        private Checked() {}

        static String siteId(@Nullable String value) {
            return Ids.isSiteId(value) ? value : "unknown";
        }

        static @Nullable String sessionId(@Nullable String value) {
            return Ids.isSessionId(value) ? value : null;
        }

        static String code(@Nullable String value) {
            return value != null && CODE.matcher(value).matches() ? value : "other";
        }
    }
}
