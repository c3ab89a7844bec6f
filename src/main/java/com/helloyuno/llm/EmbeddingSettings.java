package com.helloyuno.llm;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of embedding calls (the model itself is {@code yuno.llm.embedding-model}).
 *
 * @param batchSize texts per request (OpenAI accepts up to 2048 inputs and 300k tokens)
 * @param maxAttempts attempts per batch, the first one included, on 429, 5xx and I/O errors
 * @param initialBackoff the wait before the second attempt; it doubles, with jitter, up to
 *     {@code maxBackoff}; a {@code Retry-After} from the provider is honoured up to that cap
 * @param maxBackoff the longest wait between attempts
 */
@Validated
@ConfigurationProperties("yuno.llm.embeddings")
record EmbeddingSettings(
        @Min(1) @Max(2048) @DefaultValue("96") int batchSize,
        @Min(1) @Max(10) @DefaultValue("4") int maxAttempts,
        @NotNull @DefaultValue("500ms") Duration initialBackoff,
        @NotNull @DefaultValue("8s") Duration maxBackoff) {}
