package com.helloyuno.web;

import com.helloyuno.problem.InvalidRequest;
import com.helloyuno.text.ControlCharacters;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonParser;
import tools.jackson.core.TokenStreamContext;

/**
 * The one rule for text a client sends, wherever it arrives (JSON values and keys, query and form
 * parameters, path segments, headers bound to a controller): no control character as {@link
 * ControlCharacters} defines them (C0 but tab, CR and LF). PostgreSQL cannot store U+0000, and none of the others belongs in a question, a lead, a
 * document's metadata or a site's settings; refusing them here, with a 400 that names the field,
 * keeps them from reaching a query as a 500 or a write that can never be stored.
 */
final class ClientText {

    static final String REASON = "must not contain control characters (only tab, CR and LF are allowed)";

    private ClientText() {}

    static boolean hasControlCharacter(@Nullable String text) {
        return ControlCharacters.in(text);
    }

    /** Refuses {@code text} as the value of {@code field} if it breaks the rule. */
    static void check(String field, @Nullable String text) {
        if (hasControlCharacter(text)) {
            throw new InvalidRequest(field, REASON);
        }
    }

    /**
     * Refuses {@code text} read where {@code parser} stands; the field's name is worked out only
     * for the refusal, not for every string of every body.
     */
    static void check(JsonParser parser, @Nullable String text) {
        if (hasControlCharacter(text)) {
            throw new InvalidRequest(fieldAt(parser), REASON);
        }
    }

    /**
     * Where the parser stands, as the problem documents name fields: {@code messages[0].content},
     * {@code custom_config.bot_name}. A key that itself breaks the rule is not repeated.
     */
    static String fieldAt(JsonParser parser) {
        return path(parser.streamReadContext());
    }

    static String path(@Nullable TokenStreamContext context) {
        var segments = new java.util.ArrayDeque<String>();
        for (var at = context; at != null && !at.inRoot(); at = at.getParent()) {
            if (at.inArray()) {
                segments.push("[" + Math.max(0, at.getCurrentIndex()) + "]");
            } else if (at.currentName() != null && !hasControlCharacter(at.currentName())) {
                segments.push("." + at.currentName());
            }
        }
        var path = String.join("", segments);
        path = path.startsWith(".") ? path.substring(1) : path;
        return path.isEmpty() ? "body" : path;
    }
}
