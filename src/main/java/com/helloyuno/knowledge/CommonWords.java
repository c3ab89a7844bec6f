package com.helloyuno.knowledge;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionException;

/**
 * The words too common in the knowledge base to pick out a passage ("the", a word of every page's
 * footer, a large site's own name), as PostgreSQL's statistics of the chunks' full-text vectors
 * count them, kept in the {@code common_words} table where the search statement looks them up.
 * Written again at most once per {@code yuno.knowledge.retrieval.common-words-refresh} by each
 * instance, in the background while searches go on with the words the table holds; a failed
 * refresh keeps them. The table outlives a restart, so a new instance starts with the words.
 */
@Component
class CommonWords {

    private static final Logger log = LoggerFactory.getLogger(CommonWords.class);

    private final Chunks chunks;
    private final KnowledgeSettings.Retrieval settings;
    private final Clock clock;
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private volatile Instant refreshedAt = Instant.MIN;

    CommonWords(Chunks chunks, KnowledgeSettings settings, Clock clock) {
        this.chunks = chunks;
        this.settings = settings.retrieval();
        this.clock = clock;
    }

    /** Starts a refresh in the background if the last one is older than common-words-refresh. */
    void keepFresh() {
        var now = clock.instant();
        if (refreshedAt.plus(settings.commonWordsRefresh()).isBefore(now) && refreshing.compareAndSet(false, true)) {
            refreshedAt = now;
            Thread.ofVirtual().name("common-words").start(() -> {
                try {
                    refresh();
                } finally {
                    refreshing.set(false);
                }
            });
        }
    }

    /** Writes the common words again now; answers how many there are, or -1 when it failed. */
    int refresh() {
        try {
            var words = chunks.refreshCommonWords(settings.commonWordShare());
            log.debug("Common words refreshed: {}", words);
            return words;
        } catch (DataAccessException | TransactionException e) {
            // A transaction that cannot begin (no connection: PostgreSQL away) is a TransactionException,
            // not a DataAccessException; uncaught, it ended the background thread with a stack trace.
            log.warn("Could not refresh the common words; keeping the ones known: {}", e.getMessage());
            return -1;
        }
    }
}
