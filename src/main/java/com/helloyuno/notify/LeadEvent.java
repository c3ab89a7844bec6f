package com.helloyuno.notify;

import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A lead as its owner is told of it, taken in the transaction that wrote the lead.
 *
 * @param eventId the event's id as receivers see it; the same for a write replayed from the spool,
 *     so that a replay adds no second event
 * @param question the visitor's message that carried the contact details (for a form lead, its
 *     message)
 */
public record LeadEvent(
        UUID eventId,
        Type type,
        String siteId,
        UUID leadId,
        @Nullable String sessionId,
        @Nullable String name,
        @Nullable String email,
        @Nullable String phone,
        @Nullable String message,
        @Nullable String intent,
        String source,
        @Nullable String question,
        Instant createdAt,
        Instant updatedAt) {

    public enum Type {
        CREATED("lead.created"),
        UPDATED("lead.updated");

        private final String wireName;

        Type(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }

    /** Leaves out the personal data, so that an event logged by mistake reveals nothing. */
    @Override
    public String toString() {
        return "LeadEvent[" + eventId + ", " + type.wireName() + ", lead " + leadId + "]";
    }
}
