package com.helloyuno.llm;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How model calls are admitted toward the provider ({@link ModelAdmission}), beside the ceiling
 * {@code yuno.llm.max-concurrency}. Providers limit requests and tokens per minute and say so with
 * 429 and {@code Retry-After}; they do not limit calls in flight. So the allowed concurrency starts
 * at the ceiling and only comes down when the provider pushes back.
 *
 * @param minConcurrency the floor the allowed concurrency never goes below, however many 429s
 * @param decreaseFactor what a 429 multiplies the allowed concurrency by (at most once per {@code
 *     decreaseInterval}, so that one burst of 429s counts once)
 * @param decreaseInterval the least time between two decreases
 * @param requestsPerMinute the provider account's request budget per instance, 0 for none
 * @param tokensPerMinute the provider account's token budget per instance (prompt estimated from
 *     its characters, plus the completion asked for), 0 for none
 */
@Validated
@ConfigurationProperties("yuno.llm.admission")
record AdmissionSettings(
        @Min(1) @DefaultValue("4") int minConcurrency,

        @DecimalMin("0.1") @DecimalMax("0.95") @DefaultValue("0.7")
        double decreaseFactor,

        @NotNull @DefaultValue("1s") Duration decreaseInterval,
        @Min(0) @DefaultValue("0") int requestsPerMinute,
        @Min(0) @DefaultValue("0") long tokensPerMinute) {

    /** The defaults, for adapters made outside Spring (tests). */
    static final AdmissionSettings DEFAULTS = new AdmissionSettings(4, 0.7, Duration.ofSeconds(1), 0, 0);
}
