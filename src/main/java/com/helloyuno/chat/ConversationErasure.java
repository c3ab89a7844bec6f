package com.helloyuno.chat;

import com.helloyuno.lead.LeadService;
import com.helloyuno.spool.Spool;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Erases a visitor's conversation and leads together, spooled writes included. */
@Component
class ConversationErasure {

    private final ChatHistory history;
    private final LeadService leads;
    private final Spool writes;
    private final JsonMapper json;

    ConversationErasure(ChatHistory history, LeadService leads, Spool writes, JsonMapper json) {
        this.history = history;
        this.leads = leads;
        this.writes = writes;
        this.json = json;
    }

    /**
     * Erases what is stored, after writing what waits in the spool, so that a spooled message or
     * lead of this visitor cannot reappear after the erasure.
     */
    void erase(String siteId, String sessionId) {
        if (writes.waiting() > 0) {
            writes.drain();
        }
        history.deleteConversation(siteId, sessionId);
        leads.eraseSession(siteId, sessionId);
    }

    @Nullable
    JsonNode parse(@Nullable String raw) {
        return raw == null ? null : json.readTree(raw);
    }
}
