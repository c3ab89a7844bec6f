package com.helloyuno.ratelimit;

import com.helloyuno.plan.PlanLimits;
import com.helloyuno.plan.PlanType;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * What a site has used in the current calendar windows (UTC), read from the counters that the
 * limiter enforces. Serialized with the application's snake_case naming it is the contract's
 * {@code GET /api/sites/{site_id}/usage} body.
 *
 * @param planType the plan the limits belong to
 * @param limits the plan's limits per window
 * @param used requests counted per window
 * @param tokens model tokens recorded per day and month
 */
public record Usage(PlanType planType, PlanLimits limits, Requests used, Tokens tokens) {

    /** Requests counted in the current minute, hour, day and month. */
    @Schema(name = "UsageRequests")
    public record Requests(long minute, long hour, long day, long month) {}

    /** Tokens recorded in the current day and month. */
    @Schema(name = "UsageTokens")
    public record Tokens(long day, long month) {}
}
