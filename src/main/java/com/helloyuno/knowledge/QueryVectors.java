package com.helloyuno.knowledge;

import com.helloyuno.llm.Embeddings;
import com.helloyuno.llm.UpstreamUnavailable;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
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
 * bounded by {@code query-vector-cache-size} (the oldest leave first; one map for all sites); a
 * size or time to live of 0 turns it off. Two askers of a new question at once both call the
 * provider: the cache never holds a lock across a model call.
 */
@Component
class QueryVectors {

    private static final Logger log = LoggerFactory.getLogger(QueryVectors.class);

    /** What one entry holds besides its floats: key, entry, map node, array header (an estimate). */
    static final int OVERHEAD_BYTES = 160;

    /** SHA-256 of site, model and question. */
    private record Key(long a, long b, long c, long d) {}

    private record Remembered(float[] vector, long storedAt) {}

    private final Embeddings embeddings;
    private final int maxEntries;
    private final long ttlNanos;
    private final LongSupplier nanoTime;
    private final ReentrantLock lock = new ReentrantLock();
    /** In the order they were stored: the oldest first, so it is the one to leave or expire. */
    private final LinkedHashMap<Key, Remembered> vectors;

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
        this.ttlNanos = retrieval.queryVectorCacheTtl().toNanos();
        this.vectors = new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Remembered> eldest) {
                return size() > maxEntries;
            }
        };
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
        var key = maxEntries > 0 && ttlNanos > 0 ? key(siteId, embeddings.model(), question) : null;
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
            remember(key, vector);
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

    private float @Nullable [] remembered(Key key) {
        lock.lock();
        try {
            var entry = vectors.get(key);
            if (entry == null) {
                return null;
            }
            if (nanoTime.getAsLong() - entry.storedAt() >= ttlNanos) {
                vectors.remove(key);
                return null;
            }
            return entry.vector();
        } finally {
            lock.unlock();
        }
    }

    private void remember(Key key, float[] vector) {
        lock.lock();
        try {
            var now = nanoTime.getAsLong();
            // Stored again, it goes to the end: the order stays the order of storing.
            vectors.remove(key);
            vectors.put(key, new Remembered(vector, now));
            // The expired are the oldest, so they are at the front.
            var oldest = vectors.values().iterator();
            while (oldest.hasNext() && now - oldest.next().storedAt() >= ttlNanos) {
                oldest.remove();
            }
        } finally {
            lock.unlock();
        }
    }

    private static boolean isZero(float[] vector) {
        for (var value : vector) {
            if (value != 0) {
                return false;
            }
        }
        return true;
    }

    private static Key key(String siteId, String model, String question) {
        try {
            var sha = MessageDigest.getInstance("SHA-256");
            // Lengths first, so that no two different triples give the same bytes.
            var site = siteId.getBytes(StandardCharsets.UTF_8);
            var name = model.getBytes(StandardCharsets.UTF_8);
            sha.update(ByteBuffer.allocate(8)
                    .putInt(site.length)
                    .putInt(name.length)
                    .array());
            sha.update(site);
            sha.update(name);
            sha.update(question.getBytes(StandardCharsets.UTF_8));
            var digest = ByteBuffer.wrap(sha.digest());
            return new Key(digest.getLong(), digest.getLong(), digest.getLong(), digest.getLong());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
