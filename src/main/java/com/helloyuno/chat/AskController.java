package com.helloyuno.chat;

import com.helloyuno.analytics.Analytics;
import com.helloyuno.analytics.AnalyticsEvent;
import com.helloyuno.apidoc.EventStream;
import com.helloyuno.apidoc.ProblemResponse;
import com.helloyuno.platform.RequestArrival;
import com.helloyuno.problem.ApiException;
import com.helloyuno.ratelimit.RateLimitExceeded;
import com.helloyuno.ratelimit.RateLimitHeaders;
import com.helloyuno.ratelimit.RateLimiter;
import com.helloyuno.widget.WidgetCaller;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
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
@Tag(name = "Widget")
class AskController {

    /** The seed's curl call ({@code ../shared/seed}, "Test Chat"). */
    private static final String SEED_QUESTION = """
            {"messages": [{"role": "user", "content": "Hello"}],
             "page_url": "https://example.com", "session_id": "test-session"}""";

    private static final String ANSWER = """
            {"answer": "Hi! How can I help you today?", "session_id": "test-session",
             "message_id": "0f8b6d3e-4c1a-4f7e-9a51-2d3c8e6b7a90",
             "sources": [{"title": "Refund policy", "url": "https://example.com/refunds", "score": 0.82}],
             "lead_captured": false,
             "usage": {"prompt_tokens": 812, "completion_tokens": 64, "total_tokens": 876}}""";

    private static final String STREAM = """
            event: meta
            data: {"session_id":"test-session","message_id":"0f8b6d3e-4c1a-4f7e-9a51-2d3c8e6b7a90"}

            event: token
            data: {"text":"Hi! How can I "}

            event: token
            data: {"text":"help you today?"}

            event: sources
            data: [{"title":"Refund policy","url":"https://example.com/refunds","score":0.82}]

            event: done
            data: {"lead_captured":false,"usage":{"prompt_tokens":812,"completion_tokens":64,"total_tokens":876}}

            """;

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
    @Operation(
            operationId = "ask",
            summary = "Ask the site's assistant",
            description = "Answers the last user message from the site's own knowledge, as one JSON document"
                    + " (the default) or, with 'Accept: text/event-stream', as server-sent events. Every answer,"
                    + " success or 429, carries the RateLimit-Policy and RateLimit fields of the window closest"
                    + " to running out.",
            requestBody =
                    @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            required = true,
                            content =
                                    @Content(
                                            mediaType = MediaType.APPLICATION_JSON_VALUE,
                                            schema = @Schema(implementation = AskRequest.class),
                                            examples =
                                                    @ExampleObject(
                                                            name = "seed",
                                                            summary = "The seed's curl call",
                                                            value = SEED_QUESTION))))
    @ApiResponse(
            responseCode = "200",
            description = "The answer",
            headers = {
                @Header(
                        name = RateLimitHeaders.RATE_LIMIT_POLICY,
                        required = true,
                        description = "The quota of the window closest to running out, e.g. \"minute\";q=30;w=60",
                        schema = @Schema(type = "string")),
                @Header(
                        name = RateLimitHeaders.RATE_LIMIT,
                        required = true,
                        description = "What is left of it, e.g. \"minute\";r=12;t=34",
                        schema = @Schema(type = "string"))
            },
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON_VALUE,
                            schema = @Schema(implementation = AskAnswer.class),
                            examples =
                                    @ExampleObject(
                                            name = "answer",
                                            summary = "An answer with one source",
                                            value = ANSWER)))
    @ProblemResponse(
            status = 403,
            codes = {"domain_not_allowed", "origin_not_allowed", "plan_inactive", "widget_disabled"})
    @ProblemResponse(status = 429, codes = "rate_limited")
    @ProblemResponse(status = 503, codes = "upstream_unavailable")
    ResponseEntity<AskAnswer> ask(
            @AuthenticationPrincipal WidgetCaller caller,
            @RequestBody AskRequest body,
            HttpServletRequest request,
            HttpServletResponse response) {
        var admitted = admit(body, caller);
        var headers = new HttpHeaders();
        admitted.rateLimitHeaders().forEach(headers::set);
        try {
            var outcome = pipeline.answer(admitted.question(), AnswerSink.NONE, false, RequestArrival.nanos(request));
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
    @EventStream(
            description = "With 'Accept: text/event-stream': the same answer as server-sent events, each"
                    + " 'event: <name>' and one line of 'data: <JSON>', in this order. A failure after the stream"
                    + " began ends it with an error event instead of done (its status line has gone).",
            example = STREAM,
            value = {
                @EventStream.Event(
                        name = "meta",
                        data = AskEvents.Meta.class,
                        description = "first: the session (made by the server when the question named none) and the"
                                + " answer's message id"),
                @EventStream.Event(
                        name = "token",
                        data = AskEvents.Token.class,
                        description = "one or more: the next piece of the answer's text"),
                @EventStream.Event(
                        name = "sources",
                        data = AskAnswer.Source[].class,
                        description = "the passages the answer drew on"),
                @EventStream.Event(
                        name = "done",
                        data = AskEvents.Done.class,
                        description = "last: whether contact details were captured, and the tokens used"),
                @EventStream.Event(
                        name = "error",
                        data = AskEvents.Error.class,
                        description = "instead of done, when the answer failed after the stream began: the code a"
                                + " problem document would have had (upstream_unavailable, internal_error)")
            })
    void stream(
            @AuthenticationPrincipal WidgetCaller caller,
            @RequestBody AskRequest body,
            HttpServletRequest request,
            HttpServletResponse response) {
        var admitted = admit(body, caller);
        admitted.rateLimitHeaders().forEach(response::setHeader);
        var question = admitted.question();
        var sse = new SseWriter(response, json);
        try {
            pipeline.answer(question, sse, true, RequestArrival.nanos(request));
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
