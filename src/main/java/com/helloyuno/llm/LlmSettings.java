package com.helloyuno.llm;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the model provider.
 *
 * @param openaiApiKey {@code OPENAI_API_KEY}; when empty, Yuno runs offline: full-text retrieval
 *     and answers built from the best matching passages
 * @param baseUrl {@code OPENAI_BASE_URL}, any OpenAI-compatible server
 * @param timeout the deadline of one model call, retries included: nothing waits on the provider
 *     longer than this, even when it stalls in the middle of a stream
 * @param maxConcurrency the most model calls in flight at once per instance, chat and embeddings
 *     together: where the allowed concurrency starts and what it grows back to after the provider's
 *     429s lowered it ({@link ModelAdmission}, {@code yuno.llm.admission.*})
 * @param maxAttempts chat attempts in all, the first one included, made only before the first
 *     token arrived and only for connection errors, HTTP 429 and 5xx
 * @param initialBackoff the wait before the first retry; it doubles, with jitter, up to {@code
 *     maxBackoff}; a provider's {@code Retry-After} is honoured up to that cap
 * @param maxBackoff the longest wait between two attempts
 * @param acquireTimeout how long a model call waits for admission before it gives up as busy
 * @param firstTokenTimeout how long one attempt waits for its first token; past it the attempt is
 *     abandoned and retried while the deadline allows
 * @param maxOutputTokens the longest answer asked of the model when a request names no limit
 */
@Validated
@ConfigurationProperties("yuno.llm")
record LlmSettings(
        @Nullable String openaiApiKey,
        @NotNull @DefaultValue("https://api.openai.com/v1") URI baseUrl,
        @NotBlank @DefaultValue("gpt-4o-mini") String chatModel,
        @NotBlank @DefaultValue("text-embedding-3-small") String embeddingModel,
        @NotNull @DefaultValue("30s") Duration timeout,
        @Min(1) @DefaultValue("1000") int maxConcurrency,
        @Min(1) @Max(10) @DefaultValue("3") int maxAttempts,
        @NotNull @DefaultValue("200ms") Duration initialBackoff,
        @NotNull @DefaultValue("2s") Duration maxBackoff,
        @NotNull @DefaultValue("2s") Duration acquireTimeout,
        @NotNull @DefaultValue("15s") Duration firstTokenTimeout,
        @Min(1) @Max(100_000) @DefaultValue("1024") int maxOutputTokens) {

    public boolean online() {
        return openaiApiKey != null && !openaiApiKey.isBlank();
    }
}
