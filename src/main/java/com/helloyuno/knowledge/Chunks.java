package com.helloyuno.knowledge;

import com.pgvector.PGvector;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Chunks as search sees them: nearest vectors (pgvector cosine distance), full-text matches
 * (PostgreSQL {@code tsvector}), and the vectors still to be filled in. Every search names one
 * site.
 */
@Repository
class Chunks {

    private final JdbcClient jdbc;
    private final JdbcTemplate template;
    private final TransactionTemplate transactions;

    Chunks(JdbcClient jdbc, JdbcTemplate template, TransactionTemplate transactions) {
        this.jdbc = jdbc;
        this.template = template;
        this.transactions = transactions;
    }

    /** A search hit: the chunk and its distance (vector) or rank (full text). */
    record Hit(long id, double value) {}

    /** A chunk as a passage is built from. */
    record Loaded(
            long id,
            UUID documentId,
            @Nullable String title,
            @Nullable String url,
            @Nullable String headingPath,
            String content) {}

    /** A chunk waiting for its vector. */
    record Pending(
            long id, @Nullable String title, @Nullable String headingPath, String content) {

        String embeddingInput() {
            return Chunks.embeddingInput(title, headingPath, content);
        }
    }

    /** How nearest neighbours are found. */
    enum Scan {
        /** Every vector of the site compared: exact, for sites with few chunks. */
        EXACT,
        /** The HNSW index with pgvector 0.8's iterative scan, in strict distance order (lower recall). */
        INDEX_STRICT,
        /** The same in relaxed order, re-sorted afterwards: better recall, what large sites use. */
        INDEX_RELAXED
    }

    /** What a chunk's vector is made of: its place in the document gives short chunks their context. */
    static String embeddingInput(@Nullable String title, @Nullable String headingPath, String content) {
        var out = new StringBuilder();
        if (title != null && !title.isBlank()) {
            out.append(title).append('\n');
        }
        if (headingPath != null && !headingPath.isBlank()) {
            out.append(headingPath).append('\n');
        }
        if (!out.isEmpty()) {
            out.append('\n');
        }
        return out.append(content).toString();
    }

    /**
     * Nearest neighbours through the HNSW index. The site filter is written {@code site_id || ''}
     * so that the planner cannot answer from the site index, and sequential scans are off in the
     * transaction: this query means the HNSW index, for sites too large to compare exactly. The
     * iterative scan then walks the graph until it has {@code limit} rows of the site (or {@code
     * hnsw.max_scan_tuples}); relaxed order may return them slightly out of order, hence the outer
     * sort.
     */
    static final String INDEX_SCAN = """
            WITH nearest AS MATERIALIZED (
                SELECT id, embedding <=> ? AS distance FROM chunks
                WHERE (site_id || '') = ? AND embedding_model = ?
                ORDER BY embedding <=> ? LIMIT ?)
            SELECT id, distance FROM nearest ORDER BY distance, id""";

    int countEmbedded(String siteId, String model) {
        return jdbc.sql("SELECT count(*) FROM chunks WHERE site_id = ? AND embedding_model = ?")
                .params(siteId, model)
                .query(Integer.class)
                .single();
    }

    /**
     * The site's chunks nearest to a vector, by cosine distance, among those embedded with this
     * model. The index scans run in a short transaction of their own so that their settings
     * ({@code SET LOCAL}) end with it.
     */
    List<Hit> nearest(
            String siteId, float[] vector, String model, int limit, Scan scan, int efSearch, int maxScanTuples) {
        var query = new PGvector(vector);
        return switch (scan) {
            case EXACT ->
                // MATERIALIZED keeps the planner off the HNSW index: the site's rows (by the site
                // index) are all compared, then sorted.
                jdbc.sql("""
                                WITH site_chunks AS MATERIALIZED (
                                    SELECT id, embedding <=> ? AS distance FROM chunks
                                    WHERE site_id = ? AND embedding_model = ? AND embedding IS NOT NULL)
                                SELECT id, distance FROM site_chunks ORDER BY distance, id LIMIT ?""")
                        .params(query, siteId, model, limit)
                        .query((rs, n) -> new Hit(rs.getLong(1), rs.getDouble(2)))
                        .list();
            case INDEX_STRICT, INDEX_RELAXED ->
                transactions.execute(status -> {
                    var order = scan == Scan.INDEX_STRICT ? "strict_order" : "relaxed_order";
                    jdbc.sql(
                                    "SELECT set_config('hnsw.iterative_scan', ?, true), set_config('hnsw.ef_search', ?, true),"
                                            + " set_config('hnsw.max_scan_tuples', ?, true), set_config('enable_seqscan', 'off', true)")
                            .params(order, Integer.toString(efSearch), Integer.toString(maxScanTuples))
                            .query()
                            .singleRow();
                    return jdbc.sql(INDEX_SCAN)
                            .params(query, siteId, model, query, limit)
                            .query((rs, n) -> new Hit(rs.getLong(1), rs.getDouble(2)))
                            .list();
                });
        };
    }

    /**
     * The site's chunks that match any of the query's words, best {@code ts_rank} first. The words
     * are joined with {@code OR} for {@code websearch_to_tsquery}: a question's words need not all
     * be in one chunk, and the rank rewards the chunks that hold more of them.
     */
    List<Hit> fullText(String siteId, String query, int limit) {
        var words = new ArrayList<String>();
        for (var word : query.split("[^\\p{L}\\p{N}]+")) {
            if (!word.isEmpty() && words.size() < 64) {
                words.add(word);
            }
        }
        if (words.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("""
                        SELECT c.id, ts_rank(c.search_text, q) AS rank
                        FROM chunks c, websearch_to_tsquery('english', ?) q
                        WHERE c.site_id = ? AND c.search_text @@ q
                        ORDER BY rank DESC, c.id LIMIT ?""")
                .params(String.join(" OR ", words), siteId, limit)
                .query((rs, n) -> new Hit(rs.getLong(1), rs.getDouble(2)))
                .list();
    }

    List<Loaded> load(String siteId, Collection<Long> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("""
                        SELECT id, document_id, title, url, heading_path, content FROM chunks
                        WHERE site_id = ? AND id = ANY(?)""")
                .params(siteId, ids.toArray(Long[]::new))
                .query(Loaded.class)
                .list();
    }

    /** Chunks without a vector of this model, oldest first. */
    List<Pending> pending(String model, int limit) {
        var missing = jdbc.sql("""
                        SELECT id, title, heading_path, content FROM chunks
                        WHERE embedding IS NULL ORDER BY id LIMIT ?""").params(limit).query(Pending.class).list();
        if (missing.size() >= limit) {
            return missing;
        }
        var stale = jdbc.sql("""
                        SELECT id, title, heading_path, content FROM chunks
                        WHERE embedding IS NOT NULL AND embedding_model IS DISTINCT FROM ? ORDER BY id LIMIT ?""")
                .params(model, limit - missing.size())
                .query(Pending.class)
                .list();
        var all = new ArrayList<>(missing);
        all.addAll(stale);
        return all;
    }

    void setEmbeddings(List<Pending> chunks, List<float[]> vectors, String model) {
        var rows = new ArrayList<Object[]>(chunks.size());
        for (int i = 0; i < chunks.size(); i++) {
            rows.add(new Object[] {
                new PGvector(vectors.get(i)), model, chunks.get(i).id()
            });
        }
        template.batchUpdate("UPDATE chunks SET embedding = ?, embedding_model = ? WHERE id = ?", rows);
    }
}
