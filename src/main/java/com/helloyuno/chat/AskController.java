package com.helloyuno.chat;

import com.helloyuno.analytics.Analytics;
import com.helloyuno.analytics.AnalyticsEvent;
import com.helloyuno.problem.ApiException;
import com.helloyuno.ratelimit.RateLimitExceeded;
import com.helloyuno.ratelimit.RateLimitHeaders;
import com.helloyuno.ratelimit.RateLimiter;
import com.helloyuno.widget.WidgetCaller;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /ask}: JSON by default, server-sent events with {@code Accept: text/event-stream}.
 * The widget token filter has already bound the caller and re-checked its site.
 */
@RestController
class AskController {

    private static final Logger log = LoggerFactory.getLogger(AskController.class);

    private final AskValidator validator;
    private final RateLimiter limiter;
    private final ChatPipeline pipeline;
    private final Analytics analytics;
    private final JsonMapper json;

    AskController(
            AskValidator validator, RateLimiter limiter, ChatPipeline pipeline, Analytics analytics, JsonMapper json) {
        this.validator = validator;
        this.limiter = limiter;
        this.pipeline = pipeline;
        this.analytics = analytics;
        this.json = json;
    }

    /** The whole answer as one JSON document: the default, and what {@code Accept: application/json} asks. */
    @PostMapping(path = "/ask", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<AskAnswer> ask(
            @AuthenticationPrincipal WidgetCaller caller, @RequestBody AskRequest body, HttpServletResponse response) {
        var admitted = admit(body, caller);
        var headers = new HttpHeaders();
        admitted.rateLimitHeaders().forEach(headers::set);
        try {
            var outcome = pipeline.answer(admitted.question(), AnswerSink.NONE, false);
            return ResponseEntity.ok()
                    .headers(headers)
                    .body(new AskAnswer(
                            outcome.answer(),
                            admitted.question().sessionId(),
                            outcome.messageId(),
                            outcome.sources(),
                            outcome.leadCaptured(),
                            AskAnswer.UsageBody.of(outcome.usage())));
        } catch (ApiException e) {
            // The rate-limit fields go on every answer, errors included.
            admitted.rateLimitHeaders().forEach(response::setHeader);
            report(admitted.question(), e);
            throw e;
        }
    }

    /**
     * The answer as server-sent events ({@code meta}, {@code token}..., {@code sources}, {@code
     * done}), for {@code Accept: text/event-stream}. A failure after the stream began ends it with
     * an {@code error} event, since its status line has gone.
     */
    @PostMapping(
            path = "/ask",
            consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    void stream(
            @AuthenticationPrincipal WidgetCaller caller, @RequestBody AskRequest body, HttpServletResponse response) {
        var admitted = admit(body, caller);
        admitted.rateLimitHeaders().forEach(response::setHeader);
        var question = admitted.question();
        var sse = new SseWriter(response, json);
        try {
            pipeline.answer(question, sse, true);
        } catch (SseWriter.VisitorGone e) {
            log.debug("Visitor left during an answer");
        } catch (ApiException e) {
            // The provider failing (UpstreamUnavailable) after the stream began, among others.
            report(question, e);
            sse.error(e.code(), e.getMessage());
        } catch (RuntimeException e) {
            log.error("Answer failed during a stream", e);
            io.sentry.Sentry.captureException(e);
            sse.error("internal_error", "An unexpected error occurred.");
        }
    }

    /** A validated question within its limits, and the rate-limit fields every answer carries. */
    private record Admitted(Question question, java.util.Map<String, String> rateLimitHeaders) {}

    private Admitted admit(AskRequest body, WidgetCaller caller) {
        var question = validator.validate(body, caller);
        var decision = limiter.check(caller.siteId(), caller.site().planType(), question.sessionId());
        if (!decision.allowed()) {
            analytics.track(new AnalyticsEvent.RateLimited(
                    caller.siteId(),
                    question.sessionId(),
                    AnalyticsEvent.RateLimited.Window.valueOf(decision.window().name()),
                    decision.scope() == com.helloyuno.ratelimit.RateLimitDecision.Scope.SESSION));
            throw new RateLimitExceeded(decision);
        }
        return new Admitted(question, RateLimitHeaders.of(decision));
    }

    private void report(Question question, ApiException e) {
        analytics.track(new AnalyticsEvent.ErrorOccurred(
                question.caller().siteId(),
                question.sessionId(),
                e.code(),
                e.status().value()));
    }
}
