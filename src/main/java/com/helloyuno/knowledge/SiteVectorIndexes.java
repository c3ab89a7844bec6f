package com.helloyuno.knowledge;

import com.helloyuno.llm.Embeddings;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * An HNSW index of its own for every large site, so that its nearest chunks come from a graph of
 * its own vectors instead of a scan of all of them.
 *
 * <p>A site's quantized first pass reads every one of its chunks; that is about as fast as an
 * index up to a few thousand chunks and far slower at 30,000 (README, knowledge benchmark). One
 * HNSW index over all sites would have to walk other sites' chunks to find one site's, and would
 * make every insert dear. So a site with at least {@code site-index-min-chunks} embedded chunks
 * gets a partial index ({@code WHERE site_id = '…'}), built {@code CONCURRENTLY} (ingestion goes
 * on meanwhile); a site that shrinks below half of that loses it. Every {@code
 * site-index-check-interval} one instance (a PostgreSQL advisory lock) checks the sizes, and every
 * instance reads which indexes exist and are valid; searches use only those.
 *
 * <p>Site ids are written into the index name and predicate: PostgreSQL matches a partial index
 * only against a literal. They are safe there ({@code [A-Za-z0-9]{16}}, checked here as well as
 * by the table's constraint).
 */
@Component
class SiteVectorIndexes implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(SiteVectorIndexes.class);
    private static final Pattern SITE_ID = Pattern.compile("[A-Za-z0-9]{16}");
    private static final String PREFIX = "chunks_hnsw_";
    /** An advisory lock key of our own: "yuno-hnsw". */
    private static final long LOCK = 0x79756e6f686e7377L;

    private final DataSource dataSource;
    private final Embeddings embeddings;
    private final KnowledgeSettings.Retrieval settings;
    private volatile Set<String> indexed = Set.of();
    private volatile @Nullable ScheduledExecutorService scheduler;

    SiteVectorIndexes(DataSource dataSource, Embeddings embeddings, KnowledgeSettings settings) {
        this.dataSource = dataSource;
        this.embeddings = embeddings;
        this.settings = settings.retrieval();
    }

    /** Whether the site has a valid index of its own now. */
    boolean has(String siteId) {
        return indexed.contains(siteId);
    }

    /**
     * What a round did: {@code led} is false when another round (here or on another instance)
     * held the lock, so this one only read which indexes exist.
     */
    record Round(boolean led, int built, int dropped, int indexed) {}

    /**
     * Builds the missing indexes and drops the unneeded ones, if no other instance is at it, then
     * reads which exist. Returns what it did; never throws (a failed round is logged and retried
     * at the next).
     */
    Round check() {
        var built = 0;
        var dropped = 0;
        var led = false;
        try (var connection = dataSource.getConnection()) {
            connection.setAutoCommit(true);
            if (locked(connection)) {
                led = true;
                try {
                    var valid = existing(connection, true);
                    var sizes = sizes(connection);
                    for (var entry : sizes.entrySet()) {
                        if (entry.getValue() >= settings.siteIndexMinChunks() && !valid.contains(entry.getKey())) {
                            build(connection, entry.getKey(), entry.getValue());
                            built++;
                        }
                    }
                    for (var siteId : existing(connection, false)) {
                        if (sizes.getOrDefault(siteId, 0) < settings.siteIndexMinChunks() / 2) {
                            drop(connection, siteId);
                            dropped++;
                        }
                    }
                } finally {
                    unlock(connection);
                }
            }
            indexed = Set.copyOf(existing(connection, true));
        } catch (SQLException | RuntimeException e) {
            log.warn(
                    "Checking the large sites' vector indexes failed; searches keep the ones known: {}",
                    e.getMessage());
        }
        return new Round(led, built, dropped, indexed.size());
    }

    private void build(Connection connection, String siteId, int size) throws SQLException {
        var name = PREFIX + safe(siteId);
        try (var statement = connection.createStatement()) {
            // A build that failed half-way leaves an invalid index behind; it is made anew.
            statement.execute("DROP INDEX CONCURRENTLY IF EXISTS \"" + name + "\"");
            statement.execute("SET maintenance_work_mem = '" + settings.siteIndexBuildMemoryMb() + "MB'");
            var start = System.nanoTime();
            statement.execute("CREATE INDEX CONCURRENTLY \"" + name + "\" ON chunks USING hnsw (embedding"
                    + " halfvec_cosine_ops) WHERE site_id = '" + safe(siteId) + "'");
            statement.execute("RESET maintenance_work_mem");
            log.info(
                    "Built the vector index of site {} ({} chunks) in {} ms",
                    siteId,
                    size,
                    (System.nanoTime() - start) / 1_000_000);
        }
    }

    private void drop(Connection connection, String siteId) throws SQLException {
        try (var statement = connection.createStatement()) {
            statement.execute("DROP INDEX CONCURRENTLY IF EXISTS \"" + PREFIX + safe(siteId) + "\"");
            log.info("Dropped the vector index of site {}: it has become small", siteId);
        }
    }

    private Map<String, Integer> sizes(Connection connection) throws SQLException {
        var sizes = new HashMap<String, Integer>();
        try (var statement = connection.prepareStatement(
                "SELECT site_id, count(*) FROM chunks WHERE embedding_model = ? GROUP BY site_id HAVING count(*) >= ?")) {
            statement.setString(1, embeddings.model());
            statement.setInt(2, settings.siteIndexMinChunks() / 2);
            try (var rows = statement.executeQuery()) {
                while (rows.next()) {
                    sizes.put(rows.getString(1), rows.getInt(2));
                }
            }
        }
        return sizes;
    }

    /** Site ids with an index of their own, valid ones only or all (an invalid one is rebuilt). */
    private static Set<String> existing(Connection connection, boolean validOnly) throws SQLException {
        var out = new HashSet<String>();
        try (var statement = connection.prepareStatement("""
                        SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                        WHERE i.indrelid = 'chunks'::regclass AND c.relname LIKE 'chunks\\_hnsw\\_%'
                          AND (i.indisvalid OR NOT ?)""")) {
            statement.setBoolean(1, validOnly);
            try (var rows = statement.executeQuery()) {
                while (rows.next()) {
                    var siteId = rows.getString(1).substring(PREFIX.length());
                    if (SITE_ID.matcher(siteId).matches()) {
                        out.add(siteId);
                    }
                }
            }
        }
        return out;
    }

    private static boolean locked(Connection connection) throws SQLException {
        try (var statement = connection.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
            statement.setLong(1, LOCK);
            try (var rows = statement.executeQuery()) {
                return rows.next() && rows.getBoolean(1);
            }
        }
    }

    private static void unlock(Connection connection) throws SQLException {
        try (var statement = connection.prepareStatement("SELECT pg_advisory_unlock(?)")) {
            statement.setLong(1, LOCK);
            statement.execute();
        }
    }

    private static String safe(String siteId) {
        if (!SITE_ID.matcher(siteId).matches()) {
            throw new IllegalArgumentException("not a site id");
        }
        return siteId;
    }

    @Override
    public void start() {
        var executor = Executors.newSingleThreadScheduledExecutor(
                Thread.ofVirtual().name("site-vector-indexes").factory());
        executor.scheduleWithFixedDelay(
                this::check, 0, settings.siteIndexCheckInterval().toMillis(), TimeUnit.MILLISECONDS);
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
