package com.helloyuno.llm;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.validation.annotation.Validated;

/**
 * The connections to the model provider ({@link Http1Transport}).
 *
 * @param maxIdleConnections connections kept open between calls; more are closed when released
 * @param keepAlive how long an unused connection is kept, below the providers' own idle time-outs
 * @param maxResponseLine the longest status or header line read from the provider
 * @param maxResponseHeaders the most header lines read in one response
 */
@Validated
@ConfigurationProperties("yuno.llm.transport")
record TransportSettings(
        @Min(0) @DefaultValue("256") int maxIdleConnections,
        @NotNull @DefaultValue("20s") Duration keepAlive,
        @Min(1024) @Max(1 << 20) @DefaultValue("16384") int maxResponseLine,
        @Min(16) @Max(10_000) @DefaultValue("256") int maxResponseHeaders) {

    /** The settings as their {@code @DefaultValue}s give them: for callers built without Spring. */
    static TransportSettings defaults() {
        return new Binder(new MapConfigurationPropertySource())
                .bindOrCreate("yuno.llm.transport", TransportSettings.class);
    }
}
