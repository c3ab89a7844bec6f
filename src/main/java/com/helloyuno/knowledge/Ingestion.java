package com.helloyuno.knowledge;

import com.helloyuno.llm.Embeddings;
import com.helloyuno.llm.UpstreamUnavailable;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;

/**
 * Takes documents in: extracts their text, refuses what is empty or over the limits, stores the
 * same text only once per site (by SHA-256 of the extracted text), cuts it into chunks, and embeds
 * the chunks when a model is configured, before the one transaction that stores the document and
 * its chunks. A failed embeddings call does not lose the document: its chunks are stored without
 * vectors and the backfill fills them in later.
 */
@Service
class Ingestion {

    private static final Logger log = LoggerFactory.getLogger(Ingestion.class);

    private final KnowledgeSettings settings;
    private final Chunker chunker;
    private final Documents documents;
    private final Embeddings embeddings;
    private final EmbeddingBackfill backfill;

    Ingestion(KnowledgeSettings settings, Documents documents, Embeddings embeddings, EmbeddingBackfill backfill) {
        this.settings = settings;
        this.chunker = new Chunker(settings.chunking());
        this.documents = documents;
        this.embeddings = embeddings;
        this.backfill = backfill;
    }

    /** Where a document came from, as the {@code documents.source} column says. */
    enum Origin {
        API("api"),
        UPLOAD("upload"),
        CRAWL("crawl");

        final String column;

        Origin(String column) {
            this.column = column;
        }
    }

    /**
     * The outcome: the document, its chunk count, and whether it is new or the same text was
     * already stored (then nothing was written).
     */
    record Result(UUID documentId, int chunks, boolean created) {}

    /** A document ready to store: its text, hash and chunks, checked against the limits. */
    record Prepared(
            String title,
            @Nullable String url,
            ContentKind kind,
            String contentHash,
            int sizeBytes,
            List<Chunker.Draft> drafts) {}

    /** A JSON document: text, markdown or HTML as a string. */
    Result ingestText(
            String siteId,
            @Nullable String title,
            @Nullable String url,
            @Nullable String content,
            @Nullable String contentType) {
        var kind = ContentKind.ofTextMediaType(contentType == null ? "text/plain" : contentType);
        if (kind == null) {
            throw new KnowledgeErrors.ContentTypeUnsupported(
                    "content_type must be text/plain, text/markdown or text/html; upload PDF files as multipart.");
        }
        if (content == null || content.isBlank()) {
            throw new KnowledgeErrors.DocumentEmpty("content is empty.");
        }
        var bytes = content.getBytes(StandardCharsets.UTF_8);
        checkSize(bytes.length);
        var extracted = switch (kind) {
            case PLAIN -> TextExtractor.plain(content);
            case MARKDOWN -> TextExtractor.markdown(content);
            case HTML -> TextExtractor.html(content, url == null ? "" : url).extracted();
            case PDF -> throw new IllegalStateException("not a text kind");
        };
        return store(siteId, prepare(extracted, title, null, url, kind, bytes.length), Origin.API, null);
    }

    /** An uploaded file: its kind comes from its bytes, declared type and name. */
    Result ingestFile(
            String siteId,
            @Nullable String filename,
            @Nullable String contentType,
            byte[] bytes,
            @Nullable String title,
            @Nullable String url) {
        if (bytes.length == 0) {
            throw new KnowledgeErrors.DocumentEmpty("The file is empty.");
        }
        checkSize(bytes.length);
        var kind = ContentKind.ofUpload(contentType, filename, bytes);
        if (kind == null) {
            throw new KnowledgeErrors.ContentTypeUnsupported(
                    "Upload text (.txt), markdown (.md), HTML (.html) or PDF files; this one is none of them.");
        }
        var charset = charset(contentType);
        var extracted = switch (kind) {
            case PLAIN -> TextExtractor.plain(new String(bytes, charset));
            case MARKDOWN -> TextExtractor.markdown(new String(bytes, charset));
            case HTML ->
                TextExtractor.html(bytes, charsetParameter(contentType), url == null ? "" : url)
                        .extracted();
            case PDF -> TextExtractor.pdf(bytes);
        };
        return store(siteId, prepare(extracted, title, filename, url, kind, bytes.length), Origin.UPLOAD, null);
    }

    void checkSize(long bytes) {
        if (bytes > settings.maxFileSize().toBytes()) {
            throw new KnowledgeErrors.DocumentTooLarge("The document is larger than "
                    + settings.maxFileSize().toKilobytes() + " KiB, the knowledge base's limit.");
        }
    }

    /**
     * Extracted text to chunks, checked against the limits. The title is the one given, else the
     * document's own, else the fallback (a file name), else the URL.
     */
    Prepared prepare(
            Extracted extracted,
            @Nullable String title,
            @Nullable String fallbackTitle,
            @Nullable String url,
            ContentKind kind,
            int sizeBytes) {
        if (extracted.blocks().isEmpty()) {
            throw new KnowledgeErrors.DocumentEmpty("The document holds no text.");
        }
        if (extracted.chars() > settings.maxContentChars()) {
            throw new KnowledgeErrors.DocumentTooLarge("The document's text is longer than "
                    + settings.maxContentChars() + " characters, the knowledge base's limit.");
        }
        var drafts = chunker.chunk(extracted.blocks());
        if (drafts.isEmpty()) {
            throw new KnowledgeErrors.DocumentEmpty("The document holds no text.");
        }
        if (drafts.size() > settings.maxChunksPerDocument()) {
            throw new KnowledgeErrors.DocumentTooLarge("The document would need " + drafts.size()
                    + " chunks; the limit is " + settings.maxChunksPerDocument() + ".");
        }
        // A title is one line; a file name may hold any byte but a NUL, and none of those belongs in it.
        var name = firstNonBlank(
                title, extracted.title(), fallbackTitle == null ? null : fallbackTitle.replaceAll("\\p{Cc}", ""), url);
        if (name.length() > settings.maxTitleChars()) {
            name = name.substring(0, settings.maxTitleChars());
        }
        return new Prepared(name, url, kind, Extracted.sha256(extracted.text()), sizeBytes, drafts);
    }

    Optional<Documents.Existing> existing(String siteId, String contentHash) {
        return documents.findByHash(siteId, contentHash);
    }

    /**
     * Stores a prepared document unless the site already has the same text. The embeddings call
     * happens before any connection is taken, the writes in one transaction after it.
     */
    Result store(String siteId, Prepared prepared, Origin origin, @Nullable UUID crawlJobId) {
        return store(siteId, prepared, origin, crawlJobId, null);
    }

    Result store(String siteId, Prepared prepared, Origin origin, @Nullable UUID crawlJobId, @Nullable UUID replacing) {
        var existing = documents.findByHash(siteId, prepared.contentHash());
        if (existing.isPresent()) {
            return new Result(existing.get().id(), existing.get().chunks(), false);
        }
        var vectors = embed(prepared);
        var document = new Documents.New(
                siteId,
                prepared.title(),
                prepared.url(),
                prepared.kind().mediaType(),
                prepared.contentHash(),
                origin.column,
                crawlJobId,
                prepared.sizeBytes());
        try {
            var id = documents.insert(document, prepared.drafts(), vectors, embeddings.model(), replacing);
            if (vectors == null && embeddings.available()) {
                backfill.requestSoon();
            }
            return new Result(id, prepared.drafts().size(), true);
        } catch (DuplicateKeyException e) {
            // The same text arrived twice at once: the other request stored it.
            var winner = documents.findByHash(siteId, prepared.contentHash());
            if (winner.isPresent()) {
                return new Result(winner.get().id(), winner.get().chunks(), false);
            }
            throw e;
        }
    }

    private @Nullable List<float[]> embed(Prepared prepared) {
        if (!embeddings.available()) {
            return null;
        }
        var inputs = prepared.drafts().stream()
                .map(d -> Chunks.embeddingInput(prepared.title(), d.headingPath(), d.content()))
                .toList();
        try {
            return embeddings.embed(inputs);
        } catch (UpstreamUnavailable e) {
            log.warn("Stored {} chunks without vectors for now: {}", inputs.size(), e.getMessage());
            return null;
        }
    }

    private static Charset charset(@Nullable String contentType) {
        var charset = charsetParameter(contentType);
        return charset == null ? StandardCharsets.UTF_8 : charset;
    }

    static @Nullable Charset charsetParameter(@Nullable String contentType) {
        if (contentType == null) {
            return null;
        }
        for (var part : contentType.split(";")) {
            var kv = part.strip().split("=", 2);
            if (kv.length == 2 && kv[0].strip().equalsIgnoreCase("charset")) {
                try {
                    return Charset.forName(kv[1].strip().replace("\"", ""));
                } catch (IllegalArgumentException e) {
                    return null;
                }
            }
        }
        return null;
    }

    private static String firstNonBlank(@Nullable String... values) {
        for (var value : values) {
            if (value != null && !value.isBlank()) {
                return value.strip();
            }
        }
        return "Untitled";
    }
}
