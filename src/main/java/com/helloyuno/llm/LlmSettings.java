package com.helloyuno.llm;

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
 * @param timeout the deadline of one model call
 * @param maxConcurrency model calls in flight at once, per instance
 */
@Validated
@ConfigurationProperties("yuno.llm")
public record LlmSettings(
        @Nullable String openaiApiKey,
        @NotNull @DefaultValue("https://api.openai.com/v1") URI baseUrl,
        @NotBlank @DefaultValue("gpt-4o-mini") String chatModel,
        @NotBlank @DefaultValue("text-embedding-3-small") String embeddingModel,
        @NotNull @DefaultValue("30s") Duration timeout,
        @Min(1) @DefaultValue("32") int maxConcurrency) {

    public boolean online() {
        return openaiApiKey != null && !openaiApiKey.isBlank();
    }
}
