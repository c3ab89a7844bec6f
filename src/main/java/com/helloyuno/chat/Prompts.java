package com.helloyuno.chat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.springframework.core.io.ClassPathResource;
import org.springframework.stereotype.Component;

/** The prompts, kept as resource files ({@code prompts/*.txt}) so that they read as text. */
@Component
class Prompts {

    final String answerSystem = load("answer-system");
    final String ownerInstructions = load("owner-instructions");
    final String rewrite = load("rewrite");
    final String classify = load("classify");

    /** Fills {@code {name}} placeholders; values are inserted verbatim, never re-expanded. */
    static String fill(String template, Map<String, String> values) {
        var out = new StringBuilder(template.length() + 256);
        var i = 0;
        while (i < template.length()) {
            var open = template.indexOf('{', i);
            var close = open < 0 ? -1 : template.indexOf('}', open);
            if (open < 0 || close < 0) {
                out.append(template, i, template.length());
                break;
            }
            var key = template.substring(open + 1, close);
            if (values.containsKey(key)) {
                out.append(template, i, open).append(values.get(key));
            } else {
                out.append(template, i, close + 1);
            }
            i = close + 1;
        }
        return out.toString();
    }

    private static String load(String name) {
        try (var in = new ClassPathResource("prompts/" + name + ".txt").getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Missing prompt " + name, e);
        }
    }
}
