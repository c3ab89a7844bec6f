package com.helloyuno.id;

import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The shapes of the ids the contract names, in one place: a site id is 16 letters and digits; a
 * visitor session id is 1 to 64 letters, digits, {@code _} or {@code -}. Every check of either
 * (validation, Redis keys, analytics) goes through here, so the rule cannot drift between copies.
 */
public final class Ids {

    /** For {@code @Pattern} on request records. */
    public static final String SITE_ID_REGEX = "[A-Za-z0-9]{16}";

    public static final String SESSION_ID_REGEX = "[A-Za-z0-9_-]{1,64}";

    /** What a client is told when an id has the wrong shape. */
    public static final String SESSION_ID_RULE = "must be 1 to 64 letters, digits, '_' or '-'";

    private static final Pattern SITE_ID = Pattern.compile(SITE_ID_REGEX);
    private static final Pattern SESSION_ID = Pattern.compile(SESSION_ID_REGEX);

    private Ids() {}

    public static boolean isSiteId(@Nullable String value) {
        return value != null && SITE_ID.matcher(value).matches();
    }

    public static boolean isSessionId(@Nullable String value) {
        return value != null && SESSION_ID.matcher(value).matches();
    }
}
