package com.helloyuno.plan;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import java.util.EnumMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The plan table ({@code yuno.plans.*}); the contract's defaults are in {@code application.yaml},
 * and any one limit can be changed through configuration, e.g. {@code YUNO_PLANS_LIMITS_FREE_MINUTE=10}.
 *
 * @param limits each plan's limits per site
 * @param session what one visitor session may use, whatever the plan
 */
@Validated
@ConfigurationProperties("yuno.plans")
public record PlanSettings(
        @NotNull Map<PlanType, @Valid PlanLimits> limits,
        @Valid @NotNull SessionLimits session) {

    public PlanSettings {
        limits = limits == null ? Map.of() : Map.copyOf(new EnumMap<>(limits));
        for (var plan : PlanType.values()) {
            if (!limits.containsKey(plan)) {
                throw new IllegalArgumentException("yuno.plans.limits." + plan.wireName() + " is missing");
            }
        }
    }

    public PlanLimits limits(PlanType plan) {
        return limits.get(plan);
    }

    /** Requests one visitor session may make. */
    public record SessionLimits(
            @Positive long minute, @Positive long day) {}
}
