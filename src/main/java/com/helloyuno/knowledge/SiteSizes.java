package com.helloyuno.knowledge;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * How many embedded chunks each site has, counted at most once per TTL: the retriever compares
 * all of a small site's vectors and uses the index for large ones.
 */
@Component
class SiteSizes {

    private record Entry(int count, Instant expires) {}

    private final Chunks chunks;
    private final KnowledgeSettings.Retrieval settings;
    private final Clock clock = Clock.systemUTC();
    private final ConcurrentHashMap<String, Entry> cache = new ConcurrentHashMap<>();

    SiteSizes(Chunks chunks, KnowledgeSettings settings) {
        this.chunks = chunks;
        this.settings = settings.retrieval();
    }

    int embedded(String siteId, String model) {
        var now = clock.instant();
        var entry = cache.get(siteId);
        if (entry == null || entry.expires().isBefore(now)) {
            if (cache.size() > 100_000) {
                cache.clear();
            }
            entry = new Entry(chunks.countEmbedded(siteId, model), now.plus(settings.siteSizeCacheTtl()));
            cache.put(siteId, entry);
        }
        return entry.count();
    }

    void forget(String siteId) {
        cache.remove(siteId);
    }

    void forgetAll() {
        cache.clear();
    }
}
