package com.helloyuno.knowledge;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** The kinds of document the knowledge base reads, by their media type. */
enum ContentKind {
    PLAIN("text/plain"),
    MARKDOWN("text/markdown"),
    HTML("text/html"),
    PDF("application/pdf");

    private final String mediaType;

    ContentKind(String mediaType) {
        this.mediaType = mediaType;
    }

    String mediaType() {
        return mediaType;
    }

    /** The kind of a JSON document's {@code content_type}: text kinds only, parameters ignored. */
    static @Nullable ContentKind ofTextMediaType(@Nullable String contentType) {
        var kind = ofMediaType(contentType);
        return kind == PDF ? null : kind;
    }

    /** The kind of a media type such as {@code text/html; charset=utf-8}, or null. */
    static @Nullable ContentKind ofMediaType(@Nullable String contentType) {
        if (contentType == null) {
            return null;
        }
        var type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return switch (type) {
            case "text/plain" -> PLAIN;
            case "text/markdown", "text/x-markdown" -> MARKDOWN;
            case "text/html", "application/xhtml+xml" -> HTML;
            case "application/pdf", "application/x-pdf" -> PDF;
            default -> null;
        };
    }

    /**
     * The kind of an uploaded file: its first bytes for PDF, then its declared type, then its name's
     * extension when the declared type says nothing ({@code application/octet-stream} or none).
     */
    static @Nullable ContentKind ofUpload(@Nullable String contentType, @Nullable String filename, byte[] head) {
        if (head.length >= 5
                && head[0] == '%'
                && head[1] == 'P'
                && head[2] == 'D'
                && head[3] == 'F'
                && head[4] == '-') {
            return PDF;
        }
        var declared = ofMediaType(contentType);
        if (declared != null) {
            return declared == PDF ? null : declared;
        }
        if (contentType != null
                && !contentType.isBlank()
                && !contentType.toLowerCase(Locale.ROOT).startsWith("application/octet-stream")) {
            return null;
        }
        if (filename == null) {
            return null;
        }
        var name = filename.toLowerCase(Locale.ROOT);
        if (name.endsWith(".txt") || name.endsWith(".text")) {
            return PLAIN;
        }
        if (name.endsWith(".md") || name.endsWith(".markdown")) {
            return MARKDOWN;
        }
        if (name.endsWith(".html") || name.endsWith(".htm")) {
            return HTML;
        }
        return null;
    }
}
