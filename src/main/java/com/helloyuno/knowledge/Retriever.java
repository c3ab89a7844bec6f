package com.helloyuno.knowledge;

import com.helloyuno.llm.Embeddings;
import com.helloyuno.platform.Slots;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;

/**
 * Hybrid search inside one site: the nearest chunks by cosine distance of their vectors and the
 * best full-text matches, merged by reciprocal rank fusion. Either half alone serves when the
 * other has nothing: offline (no embeddings) it is full text alone. Candidates below the minimum
 * relevance (cosine similarity for vectors, any word matched for full text) are dropped before
 * fusion, so an unrelated question gets nothing rather than the least bad chunks.
 *
 * <p>The nearest-neighbour half returns the site's true top candidates however small a share of
 * all chunks the site holds, by one of two scans chosen by the site's size (README, knowledge
 * benchmark: 1,000,000 chunks over 1,000 sites, recall@5 by site size). Most sites: their
 * binary-quantized vectors (192 bytes each) in memory ({@link QuantizedVectors}, checked against
 * the site's knowledge version on every search) are ranked by Hamming distance, the best {@code
 * rerank} (200) ranked again by the question's own vector against their bits, and the best {@code
 * exact-rerank} (50) of those compared exactly in PostgreSQL, in the same statement as the
 * full-text half ({@link Chunks#hybrid}): a site of up to 50 chunks is searched exactly. A site
 * whose bits are not in memory (the cache full or off, or being reloaded after a change) takes its
 * first pass in PostgreSQL from a covering index, and compares the best {@code rerank} exactly.
 * Sites of {@code site-index-min-chunks} (100,000) and more: an HNSW index of the
 * site's own vectors ({@link SiteVectorIndexes}). A single HNSW index over all sites, used before,
 * walked other sites' chunks to find one site's and made every insert dear.
 *
 * <p>The full-text half ranks only the question's telling words and a bounded pool of chunks
 * ({@link Chunks#fullText}), so a common word in a large site costs no more than a rare one.
 */
@Service
public class Retriever {

    private final Chunks chunks;
    private final Embeddings embeddings;
    private final KnowledgeSettings.Retrieval settings;
    private final Slots slots;
    private final CommonWords commonWords;
    private final SiteVectorIndexes siteIndexes;
    private final QuantizedVectors quantized;
    private final SiteWords siteWords;
    private final QueryVectors queryVectors;

    Retriever(
            Chunks chunks,
            Embeddings embeddings,
            KnowledgeSettings settings,
            CommonWords commonWords,
            SiteVectorIndexes siteIndexes,
            QuantizedVectors quantized,
            SiteWords siteWords,
            QueryVectors queryVectors,
            MeterRegistry meters) {
        this.siteWords = siteWords;
        this.queryVectors = queryVectors;
        this.siteIndexes = siteIndexes;
        this.quantized = quantized;
        this.commonWords = commonWords;
        this.chunks = chunks;
        this.embeddings = embeddings;
        this.settings = settings.retrieval();
        this.slots = new Slots(this.settings.maxConcurrent());
        Gauge.builder("yuno.knowledge.searches.in.flight", slots, Slots::inUse)
                .description("Knowledge searches holding database connections now (at most"
                        + " yuno.knowledge.retrieval.max-concurrent)")
                .register(meters);
    }

    /** The site's passages most relevant to a question, the configured top-k at most. */
    public List<Passage> search(String siteId, String query) {
        return search(siteId, query, settings.topK());
    }

    /**
     * The site's passages most relevant to a question, best first, at most {@code topK} (capped
     * by {@code yuno.knowledge.retrieval.max-top-k}); empty when nothing is relevant enough. Call
     * it without a transaction: it embeds the question before it takes a connection.
     */
    public List<Passage> search(String siteId, String query, int topK) {
        if (query.isBlank()) {
            return List.of();
        }
        return search(siteId, query, queryVectors.of(siteId, query), topK, scanFor(siteId));
    }

    /**
     * The search with the question already embedded ({@code null}: by full text alone), by the
     * given vector scan; the benchmark compares the scans through it.
     */
    List<Passage> search(String siteId, String query, float @Nullable [] vector, int topK, Chunks.Scan scan) {
        var k = Math.clamp(topK, 1, settings.maxTopK());
        if (query.isBlank()) {
            return List.of();
        }
        var candidates = Math.max(settings.candidates(), k);
        commonWords.keepFresh();
        // The site's bits as held, and their first pass, before a connection is taken: the pass
        // needs none (up to 0.85 ms for the largest benchmark site), and a slot held meanwhile
        // would keep another search out of PostgreSQL. The search statement reads the site's
        // version in its own snapshot, and this pass's answer counts only if it matches.
        var fromMemory = vector != null && scan == Chunks.Scan.QUANTIZED
                ? quantized
                        .held(siteId, embeddings.model())
                        .map(held -> new FirstPass(held, survivors(held.bits(), vector, candidates)))
                        .orElse(null)
                : null;
        // The model call is over: from here on the search holds one pooled connection, a bounded number at once.
        if (!slots.tryAcquire(settings.maxWait())) {
            throw new RetrievalBusy(settings.maxConcurrent());
        }
        try {
            return chunks.onOneConnection(
                    () -> searchHoldingASlot(siteId, query, vector, k, candidates, scan, fromMemory));
        } finally {
            slots.release();
        }
    }

    /** A first pass from a site's bits held in memory: the bits, as held, and their survivors. */
    private record FirstPass(QuantizedVectors.Held held, List<Long> survivors) {}

    private List<Passage> searchHoldingASlot(
            String siteId,
            String query,
            float @Nullable [] vector,
            int k,
            int candidates,
            Chunks.Scan scan,
            @Nullable FirstPass fromMemory) {
        // Another search may have found these bits outdated while this one waited for its slot.
        if (vector != null
                && fromMemory != null
                && quantized.stillOffered(siteId, fromMemory.held().bits())) {
            var state = fromMemory.held().state();
            // Whether the site's own words count, from what is known; a count is started only
            // once the statement has confirmed the state (not for a version already gone).
            var halves = hybrid(
                    siteId, query, vector, fromMemory.survivors(), candidates, state, siteWords.known(siteId, state));
            if (halves.version() == state.version()) {
                siteWords.countIfDue(siteId, state);
                return fuse(siteId, relevant(halves.nearest()), ranked(halves.text()), true, k);
            }
            quantized.outdated(siteId, fromMemory.held().bits());
        }
        var state = chunks.knowledgeState(siteId);
        List<Chunks.Hit> nearest = List.of();
        if (vector != null) {
            var survivors = scan == Chunks.Scan.QUANTIZED
                    ? survivors(siteId, state, vector, candidates)
                    : java.util.Optional.<List<Long>>empty();
            if (survivors.isPresent()) {
                // The site's bits are in memory: both halves from one statement.
                var halves = hybrid(
                        siteId, query, vector, survivors.get(), candidates, state, siteWords.applies(siteId, state));
                return fuse(siteId, relevant(halves.nearest()), ranked(halves.text()), true, k);
            }
            nearest = relevant(nearestInDatabase(siteId, vector, candidates, scan));
        }
        var text = scan == Chunks.Scan.EXACT
                ? chunks.fullTextExact(siteId, query, settings.stopWordDictionaries(), candidates)
                : chunks.fullText(
                        siteId,
                        query,
                        nearest.stream().map(Chunks.Hit::id).toList(),
                        // With no vector candidates, a question of only the site's own
                        // common words would rank nothing: then they pick chunks again.
                        !nearest.isEmpty() && siteWords.applies(siteId, state),
                        settings.stopWordDictionaries(),
                        settings.maxTextMatches(),
                        scanRows(state),
                        candidates);
        return fuse(siteId, nearest, ranked(text), vector != null, k);
    }

    /** Both halves from one statement, for the survivors of a first pass in memory. */
    private Chunks.Halves hybrid(
            String siteId,
            String query,
            float[] vector,
            List<Long> survivors,
            int candidates,
            Chunks.KnowledgeState state,
            boolean ownWords) {
        return chunks.hybrid(
                siteId,
                embeddings.model(),
                vector,
                survivors,
                candidates,
                settings.minRelevance(),
                query,
                ownWords,
                settings.stopWordDictionaries(),
                settings.maxTextMatches(),
                scanRows(state),
                candidates);
    }

    /**
     * The rows the full text's row-reading tier may read: none for a site known to be larger than
     * text-scan-rows, which the statement would otherwise read that many + 1 of its index entries
     * to find out.
     */
    private int scanRows(Chunks.KnowledgeState state) {
        return state.chunks() > settings.textScanRows() ? 0 : settings.textScanRows();
    }

    /** The vector hits similar enough to count (cosine similarity at least min-relevance). */
    private List<Chunks.Hit> relevant(List<Chunks.Hit> nearest) {
        return nearest.stream()
                .filter(hit -> 1 - hit.value() >= settings.minRelevance())
                .toList();
    }

    /** The full-text hits ranked high enough to count (min-text-rank). */
    private List<Chunks.Hit> ranked(List<Chunks.Hit> text) {
        return text.stream()
                .filter(hit -> hit.value() >= settings.minTextRank())
                .toList();
    }

    /** How the site's nearest chunks are found: through its own index if it is large enough to have one. */
    Chunks.Scan scanFor(String siteId) {
        return siteIndexes.has(siteId) ? Chunks.Scan.SITE_INDEX : Chunks.Scan.QUANTIZED;
    }

    /**
     * The site's chunks nearest to a vector, best first. A quantized scan of a large site takes its
     * first pass from memory ({@link QuantizedVectors}) and re-ranks the survivors in PostgreSQL.
     */
    List<Chunks.Hit> nearest(String siteId, float[] vector, int limit, Chunks.Scan scan) {
        return nearest(siteId, chunks.knowledgeState(siteId), vector, limit, scan);
    }

    private List<Chunks.Hit> nearest(
            String siteId, Chunks.KnowledgeState state, float[] vector, int limit, Chunks.Scan scan) {
        if (scan == Chunks.Scan.QUANTIZED) {
            var survivors = survivors(siteId, state, vector, limit);
            if (survivors.isPresent()) {
                return chunks.rerank(siteId, embeddings.model(), vector, survivors.get(), limit);
            }
        }
        return nearestInDatabase(siteId, vector, limit, scan);
    }

    /** The site's nearest chunks with the first pass in PostgreSQL (or through the site's own index). */
    private List<Chunks.Hit> nearestInDatabase(String siteId, float[] vector, int limit, Chunks.Scan scan) {
        return chunks.nearest(siteId, vector, embeddings.model(), limit, scan, settings.rerank(), settings.efSearch());
    }

    /**
     * The chunks worth comparing exactly, from the site's bits in memory ({@link
     * QuantizedVectors}); empty when its first pass belongs in PostgreSQL.
     */
    private java.util.Optional<List<Long>> survivors(
            String siteId, Chunks.KnowledgeState state, float[] vector, int limit) {
        return quantized.nearest(
                siteId,
                state,
                embeddings.model(),
                vector,
                Math.max(settings.rerank(), limit),
                Math.max(settings.exactRerank(), limit));
    }

    /** The same survivors from bits already in hand. */
    private List<Long> survivors(QuantizedVectors.SiteBits bits, float[] vector, int limit) {
        return bits.nearest(vector, Math.max(settings.rerank(), limit), Math.max(settings.exactRerank(), limit));
    }

    private List<Passage> fuse(
            String siteId, List<Chunks.Hit> nearest, List<Chunks.Hit> text, boolean vectorsUsed, int k) {
        var scores = new HashMap<Long, Double>();
        var similarity = new HashMap<Long, Double>();
        for (int rank = 0; rank < nearest.size(); rank++) {
            var hit = nearest.get(rank);
            scores.merge(hit.id(), 1.0 / (settings.rrfK() + rank + 1), Double::sum);
            similarity.put(hit.id(), 1 - hit.value());
        }
        for (int rank = 0; rank < text.size(); rank++) {
            scores.merge(text.get(rank).id(), 1.0 / (settings.rrfK() + rank + 1), Double::sum);
        }
        if (scores.isEmpty()) {
            return List.of();
        }
        // A chunk first in every list used scores 1.
        var best = (vectorsUsed ? 2.0 : 1.0) / (settings.rrfK() + 1);
        var ranked = new ArrayList<>(scores.entrySet());
        ranked.sort(Comparator.<java.util.Map.Entry<Long, Double>>comparingDouble(e -> -e.getValue())
                .thenComparingDouble(e -> -similarity.getOrDefault(e.getKey(), -2.0))
                .thenComparingLong(java.util.Map.Entry::getKey));
        var top = ranked.subList(0, Math.min(k, ranked.size()));
        var loaded = new HashMap<Long, Chunks.Loaded>();
        for (var chunk : chunks.load(
                siteId, top.stream().map(java.util.Map.Entry::getKey).toList())) {
            loaded.put(chunk.id(), chunk);
        }
        var passages = new ArrayList<Passage>(top.size());
        for (var entry : top) {
            var chunk = loaded.get(entry.getKey());
            if (chunk == null) {
                continue; // deleted meanwhile
            }
            passages.add(new Passage(
                    chunk.id(),
                    chunk.documentId(),
                    chunk.title() == null ? "Untitled" : chunk.title(),
                    chunk.url(),
                    chunk.headingPath(),
                    chunk.content(),
                    Math.min(1.0, entry.getValue() / best)));
        }
        return passages;
    }
}
