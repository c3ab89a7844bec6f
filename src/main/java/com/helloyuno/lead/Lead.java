package com.helloyuno.lead;

import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** A row of {@code leads}, as the owner API shows it. */
record Lead(
        UUID leadId,
        String siteId,
        @Nullable String sessionId,
        @Nullable String name,
        @Nullable String email,
        @Nullable String phone,
        @Nullable String message,
        @Nullable String intent,
        String source,
        Instant createdAt,
        Instant updatedAt) {

    /** Leaves out the personal data, so that a lead logged by mistake reveals nothing. */
    @Override
    public String toString() {
        return "Lead[" + leadId + "]";
    }
}
