package com.helloyuno.knowledge;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionException;

/**
 * A large site's own common words: the lexemes in at least {@code common-word-share} of its chunks
 * and in more than {@code max-text-matches} of them.
 * {@link CommonWords} knows the words common across all sites; a large site's topic words are rare
 * there and yet in thousands of its own chunks, and the full-text half reads every index entry of
 * the question's uncommon words before it takes the first hundred (a GIN index answers with a whole
 * bitmap): in the 1,000,000-chunk benchmark, 16,462 entries and 13 ms of the largest site's 19 ms.
 * Counting them ({@code ts_stat} over the site's full-text vectors, about a second for 46,000
 * chunks) runs in the background, one site at a time, when a search finds none or finds them
 * counted before the site's last change and longer than {@code common-words-refresh} ago; searches
 * meanwhile go on with what is known. Which words are common only picks the chunks to rank: a
 * late count makes a search slower, never wrong. The words are kept in {@code site_common_words},
 * where the search statement looks them up; this instance remembers which sites it has counted
 * and when, and a search applies them only to a large site counted here (so a site that shrank,
 * or one counted only by another instance, ranks as before its first count).
 */
@Component
class SiteWords {

    private static final Logger log = LoggerFactory.getLogger(SiteWords.class);

    private record Counted(long version, Instant at) {}

    private final Chunks chunks;
    private final KnowledgeSettings.Retrieval settings;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final LinkedHashMap<String, Counted> sites;
    /** The site being counted now, if any: one count at a time. */
    private final AtomicReference<@Nullable String> counting = new AtomicReference<>();

    SiteWords(Chunks chunks, KnowledgeSettings settings, Clock clock) {
        this.chunks = chunks;
        this.settings = settings.retrieval();
        this.clock = clock;
        var maxSites = this.settings.siteWordsMaxSites();
        this.sites = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Counted> eldest) {
                return size() > maxSites;
            }
        };
    }

    /**
     * Whether the site's own common words (in {@code site_common_words}) count for a search now:
     * not for a small site or before the first count. Starts a count in the background when none
     * was made or the site changed since the last one.
     */
    boolean applies(String siteId, Chunks.KnowledgeState state) {
        var applies = known(siteId, state);
        countIfDue(siteId, state);
        return applies;
    }

    /**
     * Whether the site's own common words count now, with no count started: for a search whose
     * state is not confirmed yet (the site's bits in memory, checked by the search statement
     * itself), which calls {@link #countIfDue} once it is.
     */
    boolean known(String siteId, Chunks.KnowledgeState state) {
        return state.chunks() >= settings.siteWordsMinChunks() && get(siteId) != null;
    }

    /** Starts a count in the background when none was made or the site changed since the last one. */
    void countIfDue(String siteId, Chunks.KnowledgeState state) {
        if (state.chunks() < settings.siteWordsMinChunks()) {
            return;
        }
        var counted = get(siteId);
        var now = clock.instant();
        if (counted == null
                || (counted.version() != state.version()
                        && counted.at().plus(settings.commonWordsRefresh()).isBefore(now))) {
            countInBackground(siteId, state);
        }
    }

    private void countInBackground(String siteId, Chunks.KnowledgeState state) {
        if (!counting.compareAndSet(null, siteId)) {
            return; // a site is being counted: a later search asks again
        }
        Thread.ofVirtual().name("site-words").start(() -> {
            try {
                // A word in at most max-text-matches chunks costs the full-text half no more than it takes anyway.
                var minChunks = Math.max(
                        (long) Math.ceil(settings.commonWordShare() * state.chunks()), settings.maxTextMatches() + 1L);
                chunks.countSiteCommonWords(siteId, minChunks, settings.siteWordsMax());
                put(siteId, new Counted(state.version(), clock.instant()));
            } catch (DataAccessException | TransactionException e) {
                // As CommonWords: the count's transaction may fail to begin when PostgreSQL is away.
                log.warn("Could not count the common words of site {}: {}", siteId, e.getMessage());
            } finally {
                counting.set(null);
            }
        });
    }

    /** Whether the site's words were counted (the benchmark waits for its large sites'). */
    boolean counted(String siteId) {
        return get(siteId) != null;
    }

    /** Whether a count of the site's words is running now (tests wait for it). */
    boolean counting(String siteId) {
        return siteId.equals(counting.get());
    }

    private @Nullable Counted get(String siteId) {
        lock.lock();
        try {
            return sites.get(siteId);
        } finally {
            lock.unlock();
        }
    }

    private void put(String siteId, Counted counted) {
        lock.lock();
        try {
            sites.put(siteId, counted);
        } finally {
            lock.unlock();
        }
    }
}
