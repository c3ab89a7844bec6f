package com.helloyuno.lead;

import io.swagger.v3.oas.annotations.media.Schema;
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
        @Schema(description = "E.164") @Nullable String phone,
        @Nullable String message,
        @Nullable String intent,
        @Schema(allowableValues = {"chat", "form"}) String source,
        Instant createdAt,
        Instant updatedAt) {

    /** Leaves out the personal data, so that a lead logged by mistake reveals nothing. */
    @Override
    public String toString() {
        return "Lead[" + leadId + "]";
    }
}
