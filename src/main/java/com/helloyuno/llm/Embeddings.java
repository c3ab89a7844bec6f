package com.helloyuno.llm;

import java.util.List;

/**
 * The embeddings half of the model port: text in, unit-length vectors out, one per text and in the
 * same order. Implementations bound their own concurrency and retry transient failures; a caller
 * must never hold a database connection or transaction while calling {@link #embed}.
 */
public interface Embeddings {

    /** The vector size of every embedding, the size of the {@code chunks.embedding} column. */
    int DIMENSIONS = 1536;

    /**
     * Embeds texts, batching them as the provider allows.
     *
     * @throws UpstreamUnavailable when the provider fails after its retries, or when offline
     */
    List<float[]> embed(List<String> texts);

    /** Whether {@link #embed} can work at all: false when running offline. */
    boolean available();

    /** The model whose vectors these are, stored beside each vector. */
    String model();
}
