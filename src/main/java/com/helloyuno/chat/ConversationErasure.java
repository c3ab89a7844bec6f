package com.helloyuno.chat;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Erases a visitor's conversation and leads together, spooled writes included. */
@Component
class ConversationErasure {

    private final ChatHistory history;
    private final JsonMapper json;

    ConversationErasure(ChatHistory history, JsonMapper json) {
        this.history = history;
        this.json = json;
    }

    void erase(String siteId, String sessionId) {
        history.deleteConversation(siteId, sessionId);
    }

    @Nullable
    JsonNode parse(@Nullable String raw) {
        return raw == null ? null : json.readTree(raw);
    }
}
