package com.helloyuno.lead;

import org.jspecify.annotations.Nullable;

/**
 * A lead found in a conversation by {@link LeadExtractor}: at least an email or a phone, the email
 * valid with a lower-case domain, the phone in E.164 form ({@code +14155552671}).
 */
public record ChatLead(
        @Nullable String name,
        @Nullable String email,
        @Nullable String phone,
        @Nullable String intent) {

    public ChatLead {
        if (email == null && phone == null) {
            throw new IllegalArgumentException("A lead needs an email or a phone");
        }
    }

    /** Leaves out the personal data, so that a lead logged by mistake reveals nothing. */
    @Override
    public String toString() {
        return "ChatLead[email=" + (email != null) + ", phone=" + (phone != null) + "]";
    }
}
