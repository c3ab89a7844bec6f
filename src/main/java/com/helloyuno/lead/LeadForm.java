package com.helloyuno.lead;

import org.jspecify.annotations.Nullable;

/**
 * The widget's lead form, as {@code POST /widget/leads} receives it ({@code session_id}, {@code
 * name}, {@code email}, {@code phone}, {@code message}); {@link LeadService#submitForm} checks it.
 */
public record LeadForm(
        @Nullable String sessionId,
        @Nullable String name,
        @Nullable String email,
        @Nullable String phone,
        @Nullable String message) {

    /** Leaves out the personal data, so that a form logged by mistake reveals nothing. */
    @Override
    public String toString() {
        return "LeadForm[sessionId=" + sessionId + "]";
    }
}
