package com.helloyuno.chat;

import com.helloyuno.text.ControlCharacters;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * A turn's classification as it is stored: the model's {@link TurnClassification} made safe for
 * the columns (lower case, clipped to their sizes, without control characters, confidence within
 * 0..1), or {@link #NONE} when there is none (offline, or the model failed), whose fields are the
 * columns' nulls.
 */
record Classification(
        @Nullable String lang,
        @Nullable String intent,
        @Nullable String userSentiment,
        @Nullable Double answerConfidence,
        boolean complianceRedFlag,
        @Nullable String leadName,
        @Nullable String leadIntent) {

    static final Classification NONE = new Classification(null, null, null, null, false, null, null);

    /** What the model says is data too: keep it short and in the shapes the columns expect. */
    static Classification of(TurnClassification c) {
        return new Classification(
                clip(lower(c.lang()), 16),
                clip(lower(c.intent()), 64),
                clip(lower(c.userSentiment()), 32),
                Double.isNaN(c.answerConfidence()) ? 0 : Math.clamp(c.answerConfidence(), 0.0, 1.0),
                c.complianceRedFlag(),
                clip(c.leadName(), 200),
                clip(c.leadIntent(), 500));
    }

    boolean present() {
        return this != NONE;
    }

    /**
     * A model's text without the control characters PostgreSQL cannot store (U+0000) or that mean
     * nothing in a message ({@link ControlCharacters}). Visitors' text is refused at the JSON
     * boundary instead; a model's cannot be, and must not cost the turn its history.
     */
    static String storable(String text) {
        return ControlCharacters.strip(text);
    }

    private static @Nullable String lower(@Nullable String value) {
        return value == null ? null : value.toLowerCase(Locale.ROOT);
    }

    private static String clip(@Nullable String value, int max) {
        if (value == null) {
            return "";
        }
        var stripped = storable(value).strip();
        return stripped.length() > max ? stripped.substring(0, max) : stripped;
    }
}
