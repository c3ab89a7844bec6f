package com.helloyuno.lead;

import com.helloyuno.analytics.Analytics;
import com.helloyuno.analytics.AnalyticsEvent;
import com.helloyuno.apidoc.ProblemResponse;
import com.helloyuno.id.Ids;
import com.helloyuno.ratelimit.RateLimitExceeded;
import com.helloyuno.ratelimit.RateLimiter;
import com.helloyuno.spool.Spool;
import com.helloyuno.widget.WidgetCaller;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /widget/leads}: the widget's contact form. The token filter has bound the site; the
 * submission counts against the same per-site and per-session limits as questions, so that the
 * form cannot be used to flood an owner's leads.
 */
@RestController
@Tag(name = "Widget")
class WidgetLeadController {

    private final LeadService leads;
    private final RateLimiter limiter;
    private final Analytics analytics;

    WidgetLeadController(LeadService leads, RateLimiter limiter, Analytics analytics) {
        this.leads = leads;
        this.limiter = limiter;
        this.analytics = analytics;
    }

    /**
     * 201 when the lead is stored; 202 when it is kept to be stored later (PostgreSQL is away, so it
     * waits in the spool, or PostgreSQL refused it and an operator has it in the quarantine): the
     * visitor is thanked either way. 503 only when it could not be kept at all.
     */
    @PostMapping("/widget/leads")
    @Operation(
            operationId = "submitLead",
            summary = "Leave contact details (the widget's form)",
            description = "An email or a phone number is required; the email must be valid, and the phone is"
                    + " stored in E.164 form. Counts against the same per-site and per-session limits as"
                    + " questions.")
    @ApiResponse(
            responseCode = "201",
            description = "Stored",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = LeadReceipt.class)))
    @ApiResponse(
            responseCode = "202",
            description = "Kept to be stored as soon as the database can take it",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = LeadReceipt.class)))
    @ProblemResponse(
            status = 403,
            codes = {"domain_not_allowed", "origin_not_allowed", "plan_inactive", "widget_disabled"})
    @ProblemResponse(status = 429, codes = "rate_limited")
    ResponseEntity<LeadReceipt> submit(@AuthenticationPrincipal WidgetCaller caller, @RequestBody LeadForm form) {
        var session = form.sessionId() == null || form.sessionId().isBlank() ? "form" : form.sessionId();
        var decision = limiter.check(caller.siteId(), caller.site().planType(), sanitized(session));
        if (!decision.allowed()) {
            throw new RateLimitExceeded(decision);
        }
        var receipt = leads.submitForm(caller.siteId(), form);
        var status = switch (receipt.outcome()) {
            case WRITTEN -> HttpStatus.CREATED;
            case SPOOLED, QUARANTINED -> HttpStatus.ACCEPTED;
            case DROPPED -> throw new LeadNotKept();
        };
        if (receipt.outcome() != Spool.Outcome.QUARANTINED) {
            // A lead PostgreSQL refused waits for an operator: not captured yet, as far as anyone counts.
            analytics.track(new AnalyticsEvent.LeadCaptured(
                    caller.siteId(), form.sessionId(), AnalyticsEvent.LeadCaptured.Channel.FORM));
        }
        return ResponseEntity.status(status).body(new LeadReceipt(receipt.leadId()));
    }

    /** The lead's id: the session's existing lead when the form completed it. */
    record LeadReceipt(UUID leadId) {}

    /** The limiter takes only safe ids; a malformed one is refused by the form's own checks below. */
    private static String sanitized(String session) {
        return Ids.isSessionId(session) ? session : "form";
    }
}
