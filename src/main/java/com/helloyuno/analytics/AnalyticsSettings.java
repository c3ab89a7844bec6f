package com.helloyuno.analytics;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of analytics.
 *
 * @param mixpanelToken {@code MIXPANEL_TOKEN}; when empty, no event leaves the instance
 * @param mixpanelApiUrl {@code MIXPANEL_API_URL}
 * @param bufferSize events held while Mixpanel is slow; beyond it new events are dropped
 * @param batchSize events per request (Mixpanel accepts at most 50)
 * @param flushInterval how often a partial batch is sent
 */
@Validated
@ConfigurationProperties("yuno.analytics")
public record AnalyticsSettings(
        @Nullable String mixpanelToken,
        @NotNull @DefaultValue("https://api.mixpanel.com") URI mixpanelApiUrl,
        @Min(1) @DefaultValue("10000") int bufferSize,
        @Min(1) @Max(50) @DefaultValue("50") int batchSize,
        @NotNull @DefaultValue("5s") Duration flushInterval) {

    public boolean enabled() {
        return mixpanelToken != null && !mixpanelToken.isBlank();
    }
}
