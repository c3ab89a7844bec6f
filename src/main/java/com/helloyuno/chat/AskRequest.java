package com.helloyuno.chat;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The body of {@code POST /ask} as sent; {@link AskValidator} checks it against the contract and
 * the configured limits, which are settings rather than annotations.
 */
record AskRequest(
        @Nullable List<@Nullable Message> messages,
        @Nullable String pageUrl,
        @Nullable String sessionId) {

    record Message(@Nullable String role, @Nullable String content) {}
}
