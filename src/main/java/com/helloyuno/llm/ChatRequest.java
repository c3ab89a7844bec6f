package com.helloyuno.llm;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What is asked of the chat model.
 *
 * @param messages the conversation, system messages first; at least one
 * @param maxOutputTokens the longest answer, or {@code null} for {@code yuno.llm.max-output-tokens}
 * @param temperature sampling temperature from 0 to 2, or {@code null} for the provider's default
 */
public record ChatRequest(
        List<ChatMessage> messages,
        @Nullable Integer maxOutputTokens,
        @Nullable Double temperature) {

    public ChatRequest {
        messages = List.copyOf(Objects.requireNonNull(messages, "messages"));
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("A chat request needs at least one message");
        }
        if (maxOutputTokens != null && maxOutputTokens < 1) {
            throw new IllegalArgumentException("maxOutputTokens must be positive");
        }
        if (temperature != null && (temperature < 0 || temperature > 2)) {
            throw new IllegalArgumentException("temperature must be between 0 and 2");
        }
    }

    public static ChatRequest of(List<ChatMessage> messages) {
        return new ChatRequest(messages, null, null);
    }

    public static ChatRequest of(ChatMessage... messages) {
        return of(List.of(messages));
    }

    public ChatRequest withMaxOutputTokens(int tokens) {
        return new ChatRequest(messages, tokens, temperature);
    }

    public ChatRequest withTemperature(double value) {
        return new ChatRequest(messages, maxOutputTokens, value);
    }

    /** Characters in all messages, for estimates when a provider does not report usage. */
    int characters() {
        return messages.stream().mapToInt(m -> m.content().length()).sum();
    }
}
