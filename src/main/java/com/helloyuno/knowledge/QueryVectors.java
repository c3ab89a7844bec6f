package com.helloyuno.knowledge;

import com.helloyuno.llm.Embeddings;
import com.helloyuno.llm.UpstreamUnavailable;
import com.helloyuno.platform.DigestKey;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Questions' vectors, remembered for a while: visitors ask a site the same things ("what are your
 * opening hours?", a suggested question tapped), and each repeat would otherwise cost an embeddings
 * call, billed by the provider and a round trip before the first token (8.6 % of an answer's CPU in
 * the chat benchmark's profile, one of its three model calls).
 *
 * <p>Keyed by the SHA-256 of site, embeddings model and question, so no question's text sits in the
 * heap beyond its request, and a site's visitors never find out from a faster answer what another
 * site's visitors asked. Within one site they could (a first token a round trip sooner says someone
 * asked the same words within the hour), and a vector says something of its text: so an entry is
 * dropped once older than {@code query-vector-cache-ttl}, whether asked again or not. A vector is
 * what the provider returned for exactly that text and model, so a remembered one gives the same
 * search. Only vectors are kept: a failed call is not, and the next asker tries again. Memory is
 * bounded by {@code query-vector-cache-size} (the oldest leave first), of which one site holds at
 * most {@code query-vector-cache-site-share} (then its own oldest leave), so that one busy site, or
 * one visitor scripting questions, cannot push every other site's out; a size or time to live of 0
 * turns it off. Two askers of a new question at once both call the
 * provider: the cache never holds a lock across a model call.
 */
@Component
class QueryVectors {

    private static final Logger log = LoggerFactory.getLogger(QueryVectors.class);

    /** What one entry holds besides its floats: key, entry, map node, array header (an estimate). */
    static final int OVERHEAD_BYTES = 160;

    private record Remembered(float[] vector, long storedAt, String siteId) {}

    private final Embeddings embeddings;
    private final int maxEntries;
    /** The most entries one site may hold, so that one busy site cannot push every other site out. */
    private final int maxPerSite;

    private final long ttlNanos;
    private final LongSupplier nanoTime;
    private final ReentrantLock lock = new ReentrantLock();
    /** In the order they were stored: the oldest first, so it is the one to leave or expire. */
    private final LinkedHashMap<DigestKey, Remembered> vectors = new LinkedHashMap<>();
    /** How many entries each site holds. */
    private final Map<String, Integer> perSite = new HashMap<>();

    private final Counter hits;
    private final Counter misses;

    @Autowired
    QueryVectors(Embeddings embeddings, KnowledgeSettings settings, MeterRegistry meters) {
        this(embeddings, settings, meters, System::nanoTime);
    }

    QueryVectors(Embeddings embeddings, KnowledgeSettings settings, MeterRegistry meters, LongSupplier nanoTime) {
        this.embeddings = embeddings;
        this.nanoTime = nanoTime;
        var retrieval = settings.retrieval();
        var perEntry = (long) Embeddings.DIMENSIONS * Float.BYTES + OVERHEAD_BYTES;
        this.maxEntries = (int)
                Math.min(Integer.MAX_VALUE, retrieval.queryVectorCacheSize().toBytes() / perEntry);
        this.maxPerSite = (int) Math.max(1, Math.ceil(maxEntries * retrieval.queryVectorCacheSiteShare()));
        this.ttlNanos = retrieval.queryVectorCacheTtl().toNanos();
        this.hits = Counter.builder("yuno.knowledge.query.vectors")
                .tag("result", "hit")
                .description("Questions whose vector was remembered, so no embeddings call was made")
                .register(meters);
        this.misses = Counter.builder("yuno.knowledge.query.vectors")
                .tag("result", "miss")
                .description("Questions whose vector was not remembered, so the embeddings model was asked")
                .register(meters);
        Gauge.builder("yuno.knowledge.query.vectors.size", this, QueryVectors::size)
                .description("Question vectors remembered (at most query-vector-cache-size)")
                .register(meters);
    }

    /**
     * The question's vector, remembered or from the provider; {@code null} when there is none to
     * search with (offline, a provider failure after its retries, or a zero vector): the search is
     * then by full text alone. The array is shared: callers must not change it.
     */
    float @Nullable [] of(String siteId, String question) {
        if (!embeddings.available()) {
            return null;
        }
        var key = maxEntries > 0 && ttlNanos > 0 ? DigestKey.of(siteId, embeddings.model(), question) : null;
        if (key != null) {
            var known = remembered(key);
            if (known != null) {
                hits.increment();
                return known;
            }
            misses.increment();
        }
        float[] vector;
        try {
            vector = embeddings.embed(List.of(question)).getFirst();
        } catch (UpstreamUnavailable e) {
            log.warn("Searching by full text alone: {}", e.getMessage());
            return null;
        }
        if (isZero(vector)) {
            return null;
        }
        if (key != null) {
            remember(key, siteId, vector);
        }
        return vector;
    }

    int size() {
        lock.lock();
        try {
            return vectors.size();
        } finally {
            lock.unlock();
        }
    }

    private float @Nullable [] remembered(DigestKey key) {
        lock.lock();
        try {
            var entry = vectors.get(key);
            if (entry == null) {
                return null;
            }
            if (expired(entry, nanoTime.getAsLong())) {
                forget(key);
                return null;
            }
            return entry.vector();
        } finally {
            lock.unlock();
        }
    }

    private void remember(DigestKey key, String siteId, float[] vector) {
        lock.lock();
        try {
            var now = nanoTime.getAsLong();
            // Stored again, it goes to the end: the order stays the order of storing.
            forget(key);
            vectors.put(key, new Remembered(vector, now, siteId));
            perSite.merge(siteId, 1, Integer::sum);
            // The expired are the oldest, so they are at the front.
            Map.Entry<DigestKey, Remembered> oldest;
            while ((oldest = vectors.firstEntry()) != null && expired(oldest.getValue(), now)) {
                forget(oldest.getKey());
            }
            if (perSite.getOrDefault(siteId, 0) > maxPerSite) {
                forgetOldest(siteId);
            }
            while (vectors.size() > maxEntries) {
                forget(vectors.firstEntry().getKey());
            }
        } finally {
            lock.unlock();
        }
    }

    /** The site's oldest entry leaves (called with the lock held). */
    private void forgetOldest(String siteId) {
        for (var entry : vectors.entrySet()) {
            if (entry.getValue().siteId().equals(siteId)) {
                forget(entry.getKey());
                return;
            }
        }
    }

    /** Removes an entry and counts it out of its site (called with the lock held). */
    private void forget(DigestKey key) {
        var gone = vectors.remove(key);
        if (gone != null) {
            perSite.computeIfPresent(gone.siteId(), (site, n) -> n > 1 ? n - 1 : null);
        }
    }

    private boolean expired(Remembered entry, long now) {
        return now - entry.storedAt() >= ttlNanos;
    }

    private static boolean isZero(float[] vector) {
        for (var value : vector) {
            if (value != 0) {
                return false;
            }
        }
        return true;
    }
}
