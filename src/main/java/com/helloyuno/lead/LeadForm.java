package com.helloyuno.lead;

import com.helloyuno.apidoc.ConfiguredMax;
import com.helloyuno.id.Ids;
import io.swagger.v3.oas.annotations.media.Schema;
import org.jspecify.annotations.Nullable;

/**
 * The widget's lead form, as {@code POST /widget/leads} receives it ({@code session_id}, {@code
 * name}, {@code email}, {@code phone}, {@code message}); {@link LeadService#submitForm} checks it.
 */
public record LeadForm(
        @Schema(pattern = Ids.SESSION_ID_REGEX, description = "The visitor's chat session, if any") @Nullable
        String sessionId,

        @Schema(description = "Runs of white space count as one") @ConfiguredMax("yuno.leads.max-name-length") @Nullable
        String name,

        @Schema(format = "email", description = "An email or a phone number is required")
        @ConfiguredMax("yuno.leads.max-email-length")
        @Nullable
        String email,

        @Schema(
                description = "With its country code, such as +44, unless it is in yuno.leads.default-region;"
                        + " stored in E.164 form")
        @Nullable
        String phone,

        @ConfiguredMax("yuno.leads.max-message-length") @Nullable
        String message) {

    /** Leaves out the personal data, so that a form logged by mistake reveals nothing. */
    @Override
    public String toString() {
        return "LeadForm[sessionId=" + sessionId + "]";
    }
}
