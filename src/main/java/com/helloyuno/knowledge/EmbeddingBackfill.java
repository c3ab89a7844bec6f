package com.helloyuno.knowledge;

import com.helloyuno.llm.Embeddings;
import com.helloyuno.llm.UpstreamUnavailable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Fills in the vectors that chunks lack: chunks stored offline, before an API key was configured,
 * or while the provider failed, and chunks embedded by another model than the configured one. It
 * runs at start-up, every {@code yuno.knowledge.backfill.interval}, and soon after an ingestion
 * that could not embed. Each round reads a batch (and releases the connection), calls the model,
 * then writes the vectors: no connection is held across the call.
 */
@Component
class EmbeddingBackfill implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(EmbeddingBackfill.class);

    private final Chunks chunks;
    private final Embeddings embeddings;
    private final KnowledgeSettings.Backfill settings;
    private final AtomicBoolean busy = new AtomicBoolean();
    private volatile @Nullable ScheduledExecutorService scheduler;

    EmbeddingBackfill(Chunks chunks, Embeddings embeddings, KnowledgeSettings settings) {
        this.chunks = chunks;
        this.embeddings = embeddings;
        this.settings = settings.backfill();
    }

    /**
     * Embeds every chunk that lacks a vector of the configured model, unless another round is
     * already at it; returns how many chunks got one.
     */
    int fillMissing() {
        if (!embeddings.available() || !busy.compareAndSet(false, true)) {
            return 0;
        }
        var filled = 0;
        try {
            while (!Thread.currentThread().isInterrupted()) {
                var batch = chunks.pending(embeddings.model(), settings.batchSize());
                if (batch.isEmpty()) {
                    break;
                }
                var vectors = embeddings.embed(
                        batch.stream().map(Chunks.Pending::embeddingInput).toList());
                chunks.setEmbeddings(batch, vectors, embeddings.model());
                filled += batch.size();
            }
        } catch (UpstreamUnavailable e) {
            log.warn("Embeddings backfill paused after {} chunks: {}", filled, e.getMessage());
        } catch (RuntimeException e) {
            log.error("Embeddings backfill failed after {} chunks", filled, e);
        } finally {
            busy.set(false);
        }
        if (filled > 0) {
            log.info("Embedded {} chunks that had no vector", filled);
        }
        return filled;
    }

    /** Runs a round in the background, soon. */
    void requestSoon() {
        var executor = scheduler;
        if (executor != null && embeddings.available()) {
            executor.schedule(this::fillMissing, 2, TimeUnit.SECONDS);
        }
    }

    @Override
    public void start() {
        if (!embeddings.available()) {
            return;
        }
        var executor = Executors.newSingleThreadScheduledExecutor(
                Thread.ofVirtual().name("embedding-backfill").factory());
        var interval = settings.interval().toMillis();
        executor.scheduleWithFixedDelay(this::fillMissing, 0, interval, TimeUnit.MILLISECONDS);
        scheduler = executor;
    }

    @Override
    public void stop() {
        var executor = scheduler;
        scheduler = null;
        if (executor != null) {
            executor.shutdownNow();
            try {
                executor.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return scheduler != null;
    }
}
