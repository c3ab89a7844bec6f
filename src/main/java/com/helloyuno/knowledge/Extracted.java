package com.helloyuno.knowledge;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A document's text as blocks, in reading order: headings with their level and paragraphs.
 *
 * @param title the title the document gives itself (HTML {@code <title>}, a first heading, PDF
 *     metadata), if any
 * @param blocks headings and paragraphs
 */
record Extracted(@Nullable String title, List<Block> blocks) {

    /**
     * A file's bytes are the owner's, not checked like a request's text: a NUL or another control
     * character in a code block, a heading or a PDF's title would make PostgreSQL refuse the whole
     * document. Tab and line breaks stay, they shape code blocks.
     */
    private static final java.util.regex.Pattern UNSTORABLE =
            java.util.regex.Pattern.compile("[\\p{Cc}&&[^\\t\\n\\r]]");

    Extracted {
        title = title == null ? null : UNSTORABLE.matcher(title).replaceAll("");
    }

    /** A heading ({@code level} 1 to 6) or a paragraph ({@code level} 0). */
    record Block(int level, String text) {

        Block {
            text = UNSTORABLE.matcher(text).replaceAll("");
        }

        static Block paragraph(String text) {
            return new Block(0, text);
        }

        static Block heading(int level, String text) {
            return new Block(level, text);
        }

        boolean isHeading() {
            return level > 0;
        }
    }

    /** The extracted text, headings marked as in markdown: what the content hash is taken of. */
    String text() {
        var out = new StringBuilder();
        for (var block : blocks) {
            if (!out.isEmpty()) {
                out.append("\n\n");
            }
            if (block.isHeading()) {
                out.append("#".repeat(block.level())).append(' ');
            }
            out.append(block.text());
        }
        return out.toString();
    }

    int chars() {
        return blocks.stream().mapToInt(b -> b.text().length()).sum();
    }

    static String sha256(String text) {
        try {
            var digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
