package com.helloyuno.chat;

import com.helloyuno.llm.Usage;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The JSON answer of {@code /ask}; the stream sends the same content as events. */
record AskAnswer(
        String answer,
        String sessionId,
        String messageId,
        List<Source> sources,
        boolean leadCaptured,
        UsageBody usage) {

    /** A passage the answer drew on. */
    record Source(String title, @Nullable String url, double score) {}

    record UsageBody(int promptTokens, int completionTokens, int totalTokens) {
        static UsageBody of(Usage usage) {
            return new UsageBody(usage.promptTokens(), usage.completionTokens(), usage.totalTokens());
        }
    }
}
