package com.helloyuno.knowledge;

import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * One retrieved chunk, with what an answer needs to cite it.
 *
 * @param chunkId the chunk
 * @param documentId the document it belongs to
 * @param title the document's title
 * @param url the document's URL, when it has one
 * @param headingPath the headings above the chunk ("Pricing > Refunds"), when it has any
 * @param content the chunk's text
 * @param score the fused relevance, from 0 to 1: 1 for a chunk ranked first by every search used
 */
public record Passage(
        long chunkId,
        UUID documentId,
        String title,
        @Nullable String url,
        @Nullable String headingPath,
        String content,
        double score) {}
