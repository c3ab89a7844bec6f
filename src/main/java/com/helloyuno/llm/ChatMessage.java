package com.helloyuno.llm;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One message of a conversation with the model. The role is ours: a client's role string never
 * reaches the provider as such, it goes through {@link Role#fromVisitor}, which knows only {@code
 * user} and {@code assistant}.
 */
public record ChatMessage(Role role, String content) {

    public ChatMessage {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
    }

    public static ChatMessage system(String content) {
        return new ChatMessage(Role.SYSTEM, content);
    }

    public static ChatMessage user(String content) {
        return new ChatMessage(Role.USER, content);
    }

    public static ChatMessage assistant(String content) {
        return new ChatMessage(Role.ASSISTANT, content);
    }

    /** Who says a message. Only Yuno itself writes {@link #SYSTEM} messages. */
    public enum Role {
        SYSTEM,
        USER,
        ASSISTANT;

        /**
         * The role of a message sent by a visitor's browser: {@code user} or {@code assistant}
         * (exact, lower case); anything else, {@code system} included, is empty.
         */
        public static Optional<Role> fromVisitor(String wireName) {
            return switch (wireName) {
                case "user" -> Optional.of(USER);
                case "assistant" -> Optional.of(ASSISTANT);
                default -> Optional.empty();
            };
        }

        /** {@code system}, {@code user} or {@code assistant}, as stored in {@code chat_history.role}. */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
