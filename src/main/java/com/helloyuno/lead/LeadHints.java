package com.helloyuno.lead;

import org.jspecify.annotations.Nullable;

/**
 * What the caller knows beside the visitor's words: the name and intent from the model's
 * classification of the turn, and the country to read national phone numbers in ({@link
 * LeadExtractor#regionOf}); each may be {@code null}.
 */
record LeadHints(
        @Nullable String name,
        @Nullable String intent,
        @Nullable String region) {

    static final LeadHints NONE = new LeadHints(null, null, null);
}
