package com.helloyuno.text;

import org.jspecify.annotations.Nullable;

/**
 * The one definition of the control characters Yuno keeps out of stored text: the C0 controls
 * (below U+0020) but tab, LF and CR. PostgreSQL cannot store U+0000, and none of the others belongs
 * in a message, a lead or a setting. Clients' text with one is refused ({@code web}); a model's has
 * them taken out ({@code chat}).
 */
public final class ControlCharacters {

    private ControlCharacters() {}

    public static boolean isRefused(int c) {
        return c < 0x20 && c != '\t' && c != '\n' && c != '\r';
    }

    public static boolean in(@Nullable String text) {
        if (text == null) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (isRefused(text.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    /** The text without them; the same string when it has none. */
    public static String strip(String text) {
        if (!in(text)) {
            return text;
        }
        var clean = new StringBuilder(text.length());
        text.chars().filter(c -> !isRefused(c)).forEach(c -> clean.append((char) c));
        return clean.toString();
    }
}
