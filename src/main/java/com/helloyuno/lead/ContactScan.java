package com.helloyuno.lead;

import org.jspecify.annotations.Nullable;

/**
 * What one scan of a turn's visitor messages found ({@link LeadExtractor#scan}), made once per
 * turn and carried by it: the page's country (for reading national numbers, and for taking contact
 * details out of the search query), the latest email and phone number, and whether the latest
 * message itself gave any (to thank the visitor rather than ask again).
 *
 * @param region the country of the page, or {@code null} for the configured default
 * @param email the latest valid email address, normalised
 * @param phone the latest phone number, in E.164 form
 * @param inLatest whether the latest message holds an email or a phone number
 * @param carrier the latest visitor message that gave contact details: what the visitor wanted
 *     when they left them, kept as the lead's message
 * @param searchQuery the turn's search query with the emails and phone numbers the scan would find
 *     taken out: they must not reach the embeddings provider, nor match unrelated passages
 */
public record ContactScan(
        @Nullable String region,
        @Nullable String email,
        @Nullable String phone,
        boolean inLatest,
        @Nullable String carrier,
        String searchQuery) {

    /** Whether the messages hold contact details: the turn captures a lead. */
    public boolean found() {
        return email != null || phone != null;
    }

    @Override
    public String toString() {
        return "ContactScan[region=" + region + ", email=" + (email != null) + ", phone=" + (phone != null)
                + ", inLatest=" + inLatest + ", carrier=" + (carrier != null) + "]";
    }
}
