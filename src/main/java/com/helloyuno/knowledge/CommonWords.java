package com.helloyuno.knowledge;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;

/**
 * The words too common in the knowledge base to pick out a passage ("the", a word of every page's
 * footer, a large site's own name), as PostgreSQL's statistics of the chunks' full-text vectors
 * count them. Read at most once per {@code yuno.knowledge.retrieval.common-words-refresh}, by one
 * caller while the others go on with the list they had; a failed read keeps the old list.
 */
@Component
class CommonWords {

    private static final Logger log = LoggerFactory.getLogger(CommonWords.class);

    private record Snapshot(List<String> lexemes, Instant readAt) {}

    private final Chunks chunks;
    private final KnowledgeSettings.Retrieval settings;
    private final Clock clock;
    private final AtomicBoolean reading = new AtomicBoolean();
    private volatile Snapshot snapshot = new Snapshot(List.of(), Instant.MIN);

    CommonWords(Chunks chunks, KnowledgeSettings settings, Clock clock) {
        this.chunks = chunks;
        this.settings = settings.retrieval();
        this.clock = clock;
    }

    /** Lexemes in at least {@code common-word-share} of all chunks. */
    List<String> lexemes() {
        var current = snapshot;
        var now = clock.instant();
        if (current.readAt().plus(settings.commonWordsRefresh()).isBefore(now) && reading.compareAndSet(false, true)) {
            try {
                current = new Snapshot(List.copyOf(chunks.commonLexemes(settings.commonWordShare())), now);
                snapshot = current;
            } catch (DataAccessException e) {
                log.warn(
                        "Could not read the common words' statistics; keeping the {} known: {}",
                        current.lexemes().size(),
                        e.getMessage());
                snapshot = new Snapshot(current.lexemes(), now);
            } finally {
                reading.set(false);
            }
        }
        return current.lexemes();
    }
}
