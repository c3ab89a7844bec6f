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
 * @param visitorSalt the secret of the visitor ids (an HMAC-SHA256 of site and session); when
 *     empty, a random one per start, so that ids are stable only within one run of one instance
 * @param connectTimeout how long a connection to Mixpanel may take
 * @param readTimeout how long Mixpanel may take to answer one batch
 * @param shutdownTimeout how long shutdown waits for buffered events to be sent
 */
@Validated
@ConfigurationProperties("yuno.analytics")
record AnalyticsSettings(
        @Nullable String mixpanelToken,
        @NotNull @DefaultValue("https://api.mixpanel.com") URI mixpanelApiUrl,
        @Min(1) @DefaultValue("10000") int bufferSize,
        @Min(1) @Max(50) @DefaultValue("50") int batchSize,
        @NotNull @DefaultValue("5s") Duration flushInterval,
        @Nullable String visitorSalt,
        @NotNull @DefaultValue("2s") Duration connectTimeout,
        @NotNull @DefaultValue("5s") Duration readTimeout,
        @NotNull @DefaultValue("5s") Duration shutdownTimeout) {

    public boolean enabled() {
        return mixpanelToken != null && !mixpanelToken.isBlank();
    }
}
