package com.helloyuno.chat;

import com.helloyuno.llm.Usage;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The JSON answer of {@code /ask}; the stream sends the same content as events. */
record AskAnswer(
        String answer,
        String sessionId,
        @Schema(format = "uuid") String messageId,
        List<Source> sources,
        boolean leadCaptured,
        UsageBody usage) {

    /** A passage the answer drew on. */
    @Schema(name = "AskSource")
    record Source(String title, @Nullable String url, double score) {}

    @Schema(name = "TokenUsage")
    record UsageBody(int promptTokens, int completionTokens, int totalTokens) {
        static UsageBody of(Usage usage) {
            return new UsageBody(usage.promptTokens(), usage.completionTokens(), usage.totalTokens());
        }
    }
}
