package com.helloyuno.chat;

import com.helloyuno.apidoc.ConfiguredMax;
import com.helloyuno.problem.InvalidRequest;
import com.helloyuno.site.ApiCaller;
import com.helloyuno.site.SiteService;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Min;
import java.time.Clock;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/sites/{site_id}/insights}: the owner's view of what the assistant answered over
 * the last days, for the console's charts and its list of what the knowledge base is missing.
 */
@RestController
@Validated
@Tag(name = "Conversations")
class InsightsController {

    private final SiteService sites;
    private final Insights insights;
    private final ChatSettings settings;
    private final Clock clock;

    InsightsController(SiteService sites, Insights insights, ChatSettings settings, Clock clock) {
        this.sites = sites;
        this.insights = insights;
        this.settings = settings;
        this.clock = clock;
    }

    @GetMapping("/api/sites/{siteId}/insights")
    @Operation(
            operationId = "getInsights",
            summary = "What the assistant answered over the last days",
            description = "Answers and tokens per day (UTC), answers per intent and sentiment, and the most recent"
                    + " questions answered with a confidence below yuno.chat.low-confidence or without any passage.")
    Insights.Body get(
            @AuthenticationPrincipal ApiCaller caller,
            @PathVariable String siteId,
            @RequestParam(defaultValue = "30") @Min(1) @ConfiguredMax("yuno.chat.max-insight-days") int days) {
        sites.requireAccessible(caller, siteId);
        if (days > settings.maxInsightDays()) {
            throw new InvalidRequest("days", "must be at most " + settings.maxInsightDays());
        }
        return insights.of(siteId, days, settings.lowConfidence(), settings.maxGaps(), clock.instant());
    }
}
