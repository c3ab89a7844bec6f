package com.helloyuno.knowledge;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * Sites' binary-quantized vectors in memory, for the first pass of the vector search. In
 * PostgreSQL that pass reads every one of the site's entries of the covering index, and the 1,000,000-chunk
 * benchmark showed the cost is per entry, not per byte: 10-12 ms of the largest site's 15 ms went to
 * visiting 46,000 index entries. Here it is a Hamming distance over 24 longs per chunk in an array
 * (under a millisecond for the same site, bound by memory bandwidth: its bits are 8.8 MB), then the
 * best 200 are ranked again by the question's own vector against their bits ({@link
 * QuestionTable}), and only the best 50 of those have their exact vectors read from PostgreSQL
 * ({@link Chunks#hybrid}, {@link Chunks#rerank}).
 *
 * <p>Never stale: every search reads the site's knowledge version ({@link Chunks#knowledgeState},
 * moved by a trigger on every statement that touches the site's chunks, whichever instance or path
 * makes it, and on TRUNCATE) and uses its bits only at that version (a hybrid search reads it in its
 * own statement and answers only if it matches: {@link #held}); otherwise the search takes its
 * first pass in PostgreSQL, and the site is loaded again (at most once per {@code
 * vector-cache-reload-interval}, by one search while the others go on). The version is read before the vectors, so a
 * change between the two only makes the next search load again. Sites below {@code
 * vector-cache-min-chunks} (by default 1: none) are not kept. Memory is bounded by
 * {@code vector-cache-size}; the least recently searched sites leave first (a search waiting for a
 * connection slot with a site's bits in hand keeps them alive for up to {@code max-wait} after they
 * leave).
 */
@Component
class QuantizedVectors {

    /** 1,536 dimensions, one bit each. */
    static final int WORDS = 24;

    /** Bytes one cached chunk holds: its bits and its id. */
    static final int BYTES_PER_CHUNK = WORDS * Long.BYTES + Long.BYTES;

    /**
     * What a cached site costs besides its chunks (its key, map entry, records and two array
     * headers: about 250 bytes), counted as this many chunks, so that many small sites cannot
     * exceed the cache's size: every site is kept by default.
     */
    static final int SITE_OVERHEAD_CHUNKS = 2;

    private final Chunks chunks;
    private final long maxChunks;
    private final int minChunks;
    private final long reloadIntervalNanos;
    private final LinkedHashMap<String, Entry> sites = new LinkedHashMap<>(16, 0.75f, true);
    private final ReentrantLock lock = new ReentrantLock();
    /** Sites being loaded now: one search loads a site while the others take PostgreSQL's first pass. */
    private final Set<String> loading = ConcurrentHashMap.newKeySet();

    private final Counter loads;
    private final Counter outdatedFound;
    private long cachedChunks;

    QuantizedVectors(Chunks chunks, KnowledgeSettings settings, MeterRegistry meters) {
        this.chunks = chunks;
        // A quarter of the heap at most, so that a default meant for a large deployment cannot
        // exhaust a small one's heap (a site's vectors come in only as it is searched).
        var bytes = Math.min(
                settings.retrieval().vectorCacheSize().toBytes(),
                Runtime.getRuntime().maxMemory() / 4);
        this.maxChunks = bytes / BYTES_PER_CHUNK;
        this.minChunks = Math.max(1, settings.retrieval().vectorCacheMinChunks());
        this.reloadIntervalNanos =
                settings.retrieval().vectorCacheReloadInterval().toNanos();
        this.loads = Counter.builder("yuno.knowledge.vector.cache.loads")
                .description("Sites' quantized vectors read into memory (first search, or their knowledge changed)")
                .register(meters);
        this.outdatedFound = Counter.builder("yuno.knowledge.vector.cache.outdated")
                .description("Searches whose own statement found a site's bits in memory at another knowledge"
                        + " version (the search then went the long way, reading the version first)")
                .register(meters);
        Gauge.builder("yuno.knowledge.vector.cache.chunks", this, QuantizedVectors::cachedChunks)
                .description("Chunks whose quantized vectors are in memory, and " + SITE_OVERHEAD_CHUNKS
                        + " more for each site held (at most vector-cache-size / " + BYTES_PER_CHUNK + " bytes)")
                .register(meters);
    }

    /** One site's vectors of one model at one knowledge version: ids, and their bits in a row each. */
    record SiteBits(long version, String model, long[] ids, long[] bits) {

        int size() {
            return ids.length;
        }

        /**
         * The ids of the {@code count} chunks nearest to {@code query} by Hamming distance (ties
         * broken by position).
         */
        List<Long> nearest(long[] query, int count) {
            return ids(hammingNearest(query, count));
        }

        /**
         * The ids of the {@code exact} chunks most likely nearest to {@code vector}: the {@code
         * survivors} nearest by Hamming distance, ranked again by the question's own vector
         * against their bits ({@link QuestionTable}), best first. Hamming distance quantizes the
         * question too and ranks coarsely (1,537 values, many ties); the asymmetric score keeps
         * the question whole, so far fewer survivors need their exact vectors read from
         * PostgreSQL for the same recall (README, knowledge benchmark).
         */
        List<Long> nearest(float[] vector, int survivors, int exact) {
            var rows = hammingNearest(QuantizedVectors.bits(vector), survivors);
            if (rows.length <= exact) {
                return ids(rows);
            }
            var table = new QuestionTable(vector);
            // Highest score first, ties in the Hamming order: each row's key is its negated score,
            // made an int that sorts as the float does, above its place; a primitive sort of longs.
            var keyed = new long[rows.length];
            for (int i = 0; i < rows.length; i++) {
                var raw = Float.floatToIntBits(-table.score(bits, rows[i] * WORDS));
                var sortable = raw ^ ((raw >> 31) & Integer.MAX_VALUE);
                keyed[i] = ((long) sortable << 32) | i;
            }
            java.util.Arrays.sort(keyed);
            var out = new Long[exact];
            for (int i = 0; i < exact; i++) {
                out[i] = ids[rows[(int) keyed[i]]];
            }
            return List.of(out);
        }

        private List<Long> ids(int[] rows) {
            var out = new Long[rows.length];
            for (int i = 0; i < rows.length; i++) {
                out[i] = ids[rows[i]];
            }
            return List.of(out);
        }

        /**
         * The rows of the {@code count} chunks nearest by Hamming distance, nearest first (ties
         * broken by position). A histogram of the distances (0 to 1,536) finds the cut without
         * sorting all of them.
         */
        private int[] hammingNearest(long[] query, int count) {
            var n = ids.length;
            if (n <= count) {
                var all = new int[n];
                for (int i = 0; i < n; i++) {
                    all[i] = i;
                }
                return all;
            }
            var distances = new short[n];
            var histogram = new int[WORDS * Long.SIZE + 1];
            for (int i = 0, offset = 0; i < n; i++, offset += WORDS) {
                int d = 0;
                for (int w = 0; w < WORDS; w++) {
                    d += Long.bitCount(bits[offset + w] ^ query[w]);
                }
                distances[i] = (short) d;
                histogram[d]++;
            }
            // The cut: the least distance at which `count` chunks are reached; `below` are closer.
            int cut = 0;
            int below = 0;
            while (below + histogram[cut] < count) {
                below += histogram[cut++];
            }
            // Each distance's first slot in the output (a counting sort of the survivors), and
            // as many at the cut as are still wanted.
            var start = new int[cut + 1];
            for (int d = 1; d <= cut; d++) {
                start[d] = start[d - 1] + histogram[d - 1];
            }
            var atCut = count - below;
            var out = new int[count];
            for (int i = 0; i < n; i++) {
                var d = distances[i];
                if (d < cut || (d == cut && atCut-- > 0)) {
                    out[start[d]++] = i;
                }
            }
            return out;
        }
    }

    /**
     * A question's vector as sums over groups of four dimensions, for scoring stored bits against
     * it: entry {@code 16 * g + v} is the sum of the components of group {@code g} whose bit is set
     * in the nibble {@code v} (the group's first dimension in the nibble's highest bit, as {@link
     * #bits} lays them out). A chunk's score is the sum of its 384 nibbles' entries: its bits'
     * dot product with the question, up to a constant ({@code q . sign(x) = 2 * score - sum(q)}),
     * so a higher score is a nearer chunk. 6,144 floats (24 kB): built in microseconds, and the
     * lookups stay in the first-level cache.
     */
    static final class QuestionTable {

        private static final int GROUPS = WORDS * Long.SIZE / 4;

        private final float[] entries = new float[GROUPS * 16];

        QuestionTable(float[] vector) {
            for (int g = 0; g < GROUPS; g++) {
                var a = component(vector, 4 * g);
                var b = component(vector, 4 * g + 1);
                var c = component(vector, 4 * g + 2);
                var d = component(vector, 4 * g + 3);
                for (int v = 0; v < 16; v++) {
                    entries[16 * g + v] = ((v & 8) != 0 ? a : 0)
                            + ((v & 4) != 0 ? b : 0)
                            + ((v & 2) != 0 ? c : 0)
                            + ((v & 1) != 0 ? d : 0);
                }
            }
        }

        private static float component(float[] vector, int dimension) {
            return dimension < vector.length ? vector[dimension] : 0;
        }

        /** The score of the chunk whose 24 words start at {@code offset} of {@code bits}. */
        float score(long[] bits, int offset) {
            float sum = 0;
            for (int w = 0, base = 0; w < WORDS; w++) {
                var word = bits[offset + w];
                for (int shift = Long.SIZE - 4; shift >= 0; shift -= 4, base += 16) {
                    sum += entries[base + (int) ((word >>> shift) & 0xF)];
                }
            }
            return sum;
        }
    }

    /** pgvector's {@code binary_quantize} of a vector, as the cache's 24 words: bit i of the string is word i/64, bit 63-i%64. */
    static long[] bits(float[] vector) {
        var words = new long[WORDS];
        for (int i = 0; i < Math.min(vector.length, WORDS * Long.SIZE); i++) {
            if (vector[i] > 0) {
                words[i / Long.SIZE] |= 1L << (Long.SIZE - 1 - i % Long.SIZE);
            }
        }
        return words;
    }

    /**
     * The ids of the site's {@code exact} chunks (of this model) most likely nearest to the vector,
     * from memory: the {@code survivors} nearest by their bits, ranked again by the vector against
     * their bits ({@link SiteBits#nearest(float[], int, int)}); empty when the site is not kept in
     * memory (too small, or the cache is off) and its first pass belongs in PostgreSQL. {@code
     * state} is the site's, read by the search ({@link Chunks#knowledgeState}). Runs on the
     * search's connection.
     */
    Optional<List<Long>> nearest(
            String siteId, Chunks.KnowledgeState state, String model, float[] vector, int survivors, int exact) {
        if (state.chunks() < minChunks || state.chunks() > maxChunks) {
            return Optional.empty();
        }
        var site = current(siteId, model, state.version(), state.chunks());
        if (site == null) {
            return Optional.empty();
        }
        return Optional.of(site.nearest(vector, survivors, exact));
    }

    /**
     * The site's bits at this version, or null when this search should take its first pass in
     * PostgreSQL instead: another search is loading the site (none waits for a load), or the site
     * was loaded less than {@code vector-cache-reload-interval} ago and has changed since (a site
     * being ingested or re-embedded moves its version with every statement; it is loaded again at
     * most once per interval, not once per search).
     */
    private @Nullable SiteBits current(String siteId, String model, long version, long chunkCount) {
        var entry = entry(siteId);
        if (entry != null && entry.holds(model, version)) {
            return entry.bits();
        }
        if (entry != null && System.nanoTime() - entry.loadedAt() < reloadIntervalNanos) {
            return null;
        }
        if (!loading.add(siteId)) {
            return null;
        }
        try {
            entry = entry(siteId);
            if (entry != null && entry.holds(model, version)) {
                return entry.bits();
            }
            // The version was read before these rows: a change committed in between is in the rows
            // under the older version, and a later search loads again.
            var loaded = chunks.quantized(siteId, model, version, chunkCount);
            loads.increment();
            put(siteId, new Entry(loaded, chunkCount, System.nanoTime(), new AtomicBoolean()));
            return loaded;
        } finally {
            loading.remove(siteId);
        }
    }

    /**
     * A site's bits, the site's chunk count read with their version, when they were read ({@link
     * System#nanoTime}), and whether a search has since read another version of the site ({@link #outdated}).
     */
    private record Entry(SiteBits bits, long chunks, long loadedAt, AtomicBoolean outdated) {

        boolean holds(String model, long version) {
            return bits.version() == version && bits.model().equals(model);
        }
    }

    /** A site's bits as held in memory and the knowledge state they were read at. */
    record Held(Chunks.KnowledgeState state, SiteBits bits) {}

    /**
     * The site's bits of this model as held, without reading the site's version first: for a search
     * whose own statement reads the version ({@link Chunks#hybrid}) and that goes the long way
     * ({@link #nearest}) when it has moved; a round trip less for nearly every search. Empty when
     * none are held, or a search has already found them outdated: until they are loaded again, a
     * site that is changing would otherwise pay for two searches each time.
     */
    Optional<Held> held(String siteId, String model) {
        var entry = entry(siteId);
        if (entry == null || entry.outdated().get() || !entry.bits().model().equals(model)) {
            return Optional.empty();
        }
        return Optional.of(new Held(new Chunks.KnowledgeState(entry.bits().version(), entry.chunks()), entry.bits()));
    }

    /**
     * Whether a first pass made from these bits is still worth its statement: false once these very
     * bits, still held, were found outdated by another search (which read another version after
     * they were offered, so no later statement reads theirs). Searches that took the bits before
     * waiting for a connection slot ask again when they have it.
     */
    boolean stillOffered(String siteId, SiteBits bits) {
        var entry = entry(siteId);
        return entry == null || entry.bits() != bits || !entry.outdated().get();
    }

    /** A search read another version of the site than these bits': {@link #held} no longer offers them. */
    void outdated(String siteId, SiteBits bits) {
        var entry = entry(siteId);
        outdatedFound.increment();
        if (entry != null && entry.bits() == bits) {
            entry.outdated().set(true);
        }
    }

    private @Nullable Entry entry(String siteId) {
        lock.lock();
        try {
            return sites.get(siteId);
        } finally {
            lock.unlock();
        }
    }

    private void put(String siteId, Entry entry) {
        lock.lock();
        try {
            var previous = sites.put(siteId, entry);
            cachedChunks += weight(entry) - (previous == null ? 0 : weight(previous));
            var eldest = sites.entrySet().iterator();
            while (cachedChunks > maxChunks && eldest.hasNext()) {
                var next = eldest.next();
                cachedChunks -= weight(next.getValue());
                eldest.remove();
            }
        } finally {
            lock.unlock();
        }
    }

    private static long weight(Entry entry) {
        return entry.bits().size() + SITE_OVERHEAD_CHUNKS;
    }

    long cachedChunks() {
        lock.lock();
        try {
            return cachedChunks;
        } finally {
            lock.unlock();
        }
    }
}
