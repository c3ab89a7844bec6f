package com.helloyuno.knowledge;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Chunks as search sees them: nearest vectors (pgvector cosine distance), full-text matches
 * (PostgreSQL {@code tsvector}), and the vectors still to be filled in. Every search names one
 * site.
 */
@Repository
class Chunks {

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final TransactionTemplate oneConnection;

    Chunks(JdbcClient jdbc, TransactionTemplate transactions) {
        this.transactions = transactions;
        this.jdbc = jdbc;
        this.oneConnection = new TransactionTemplate(Objects.requireNonNull(transactions.getTransactionManager()));
        this.oneConnection.setPropagationBehavior(TransactionDefinition.PROPAGATION_SUPPORTS);
    }

    /**
     * Runs a search's statements on one pooled connection, taken once and given back at the end,
     * with no transaction (no BEGIN or COMMIT sent): a scope that only binds the connection. Each
     * statement on its own would take and give back a connection from the pool, a cost the chat
     * benchmark's profile showed.
     */
    <T> T onOneConnection(Supplier<T> statements) {
        return Objects.requireNonNull(oneConnection.execute(status -> statements.get()));
    }

    /** A search hit: the chunk and its distance (vector) or rank (full text). */
    record Hit(long id, double value) {}

    /**
     * Every search statement answers with the chunk's id and its distance or rank, in that order,
     * as float8: a {@code real} (ts_rank's type) read as text (a statement's first runs) parses to
     * another double than the same value read as binary (once pgjdbc prepares the statement), so a
     * hit's value depended on how often its connection had run the statement.
     */
    private static final RowMapper<Hit> HIT = (rs, n) -> new Hit(rs.getLong(1), rs.getDouble(2));

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
        /** Every vector of the site compared: exact, the benchmark's and the tests' truth. */
        EXACT,
        /**
         * The site's binary-quantized vectors ranked by Hamming distance from the covering index,
         * then the best {@code rerank} of them compared exactly: exact for sites of up to {@code
         * rerank} chunks, and for larger ones as good as the re-ranking depth makes it.
         */
        QUANTIZED,
        /**
         * {@link #QUANTIZED} with its first pass always in PostgreSQL, never from {@link
         * QuantizedVectors}: the benchmark's comparison.
         */
        QUANTIZED_IN_DATABASE,
        /**
         * The site's own HNSW index ({@link SiteVectorIndexes}): for large sites, where reading all
         * their quantized vectors costs more than walking a graph of them.
         */
        SITE_INDEX
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
     * The first pass reads only {@code chunks_site_bits_idx} (site, model, id, 192 bytes of bits),
     * so a site's size costs a Hamming distance per chunk rather than a 3 KB vector read; the
     * second compares the survivors' vectors. MATERIALIZED keeps the two apart. The question's
     * bits come quantized from here ({@link #bits}), and each parameter is converted to its type in
     * a subquery of its own, evaluated once: a cast of a parameter in the ORDER BY of the reused
     * (generic) plan that the driver switches to after five runs is evaluated for every row, which
     * made the largest site's scan 60 ms instead of 15.
     */
    static final String QUANTIZED_SCAN = """
            WITH candidates AS MATERIALIZED (
                SELECT id FROM chunks
                WHERE site_id = ? AND embedding_model = ?
                ORDER BY embedding_bits <~> (SELECT ?::bit(1536)) LIMIT ?)
            SELECT c.id, c.embedding <=> (SELECT ?::halfvec) AS distance
            FROM candidates JOIN chunks c USING (id)
            ORDER BY distance, c.id LIMIT ?""";

    /** MATERIALIZED keeps the planner from ordering through any index: all the site's rows compared. */
    static final String EXACT_SCAN = """
            WITH site_chunks AS MATERIALIZED (
                SELECT id, embedding <=> (SELECT ?::halfvec) AS distance FROM chunks
                WHERE site_id = ? AND embedding_model = ? AND embedding IS NOT NULL)
            SELECT id, distance FROM site_chunks ORDER BY distance, id LIMIT ?""";

    /** pgvector's {@code binary_quantize}: a 1 for every positive component, as a bit string. */
    static String bits(float[] vector) {
        var out = new char[vector.length];
        for (int i = 0; i < vector.length; i++) {
            out[i] = vector[i] > 0 ? '1' : '0';
        }
        return new String(out);
    }

    /** A site's knowledge version and chunk count ({@code knowledge_versions}, kept by a trigger). */
    record KnowledgeState(long version, long chunks) {}

    KnowledgeState knowledgeState(String siteId) {
        return jdbc.sql("SELECT version, chunks FROM knowledge_versions WHERE site_id = ?")
                .param(siteId)
                .query((rs, n) -> new KnowledgeState(rs.getLong(1), rs.getLong(2)))
                .optional()
                .orElse(new KnowledgeState(0, 0));
    }

    /**
     * The site's quantized vectors of this model, from the covering index alone, labelled with the
     * version read before them. The bits travel as {@code bit_send}'s bytes less its 4-byte length
     * (192 bytes, not a 1,536-character string).
     */
    QuantizedVectors.SiteBits quantized(String siteId, String model, long version, long expected) {
        // Filled in place, sized by the site's chunk count: a load holds little more than its result.
        var loaded = new Object() {
            long[] ids = new long[(int) Math.min(Math.max(expected, 16), Integer.MAX_VALUE / QuantizedVectors.WORDS)];
            long[] bits = new long[ids.length * QuantizedVectors.WORDS];
            int size;
        };
        jdbc.sql("""
                        SELECT id, substring(bit_send(embedding_bits) FROM 5) FROM chunks
                        WHERE site_id = ? AND embedding_model = ? AND embedding_bits IS NOT NULL""").params(siteId, model).query(rs -> {
            var bytes = rs.getBytes(2);
            if (bytes.length != QuantizedVectors.WORDS * Long.BYTES) {
                throw new IllegalStateException("quantized vectors of an unexpected length");
            }
            if (loaded.size == loaded.ids.length) {
                loaded.ids = java.util.Arrays.copyOf(loaded.ids, loaded.size * 2);
                loaded.bits = java.util.Arrays.copyOf(loaded.bits, loaded.size * 2 * QuantizedVectors.WORDS);
            }
            loaded.ids[loaded.size] = rs.getLong(1);
            java.nio.ByteBuffer.wrap(bytes)
                    .asLongBuffer()
                    .get(loaded.bits, loaded.size * QuantizedVectors.WORDS, QuantizedVectors.WORDS);
            loaded.size++;
        });
        return new QuantizedVectors.SiteBits(
                version,
                model,
                java.util.Arrays.copyOf(loaded.ids, loaded.size),
                java.util.Arrays.copyOf(loaded.bits, loaded.size * QuantizedVectors.WORDS));
    }

    /** The exact distances of the given chunks of the site, nearest first: the first pass's survivors compared. */
    static final String RERANK = """
            SELECT c.id, c.embedding <=> (SELECT ?::halfvec) AS distance FROM chunks c
            WHERE c.id = ANY(?) AND c.site_id = ? AND c.embedding_model = ?
            ORDER BY distance, c.id LIMIT ?""";

    List<Hit> rerank(String siteId, String model, float[] vector, Collection<Long> ids, int limit) {
        return jdbc.sql(RERANK)
                .params(HalfVectors.parameter(vector), ids.toArray(Long[]::new), siteId, model, limit)
                .query(HIT)
                .list();
    }

    int countEmbedded(String siteId, String model) {
        return jdbc.sql("SELECT count(*) FROM chunks WHERE site_id = ? AND embedding_model = ?")
                .params(siteId, model)
                .query(Integer.class)
                .single();
    }

    /**
     * The site's own HNSW index answers only a query naming the site as a literal (its predicate),
     * and only when ordering by distance through it is allowed to win: the covering index's sort
     * is kept out of the transaction. Site ids are {@code [A-Za-z0-9]{16}}, checked before.
     */
    static String siteIndexScan(String siteId) {
        return "SELECT id, embedding <=> (SELECT ?::halfvec) AS distance FROM chunks WHERE site_id = "
                + siteLiteral(siteId) + " AND embedding_model = ? ORDER BY embedding <=> (SELECT ?::halfvec) LIMIT ?";
    }

    /** A site id as an SQL literal, for the statements that cannot take it as a parameter. */
    private static String siteLiteral(String siteId) {
        if (!siteId.matches("[A-Za-z0-9]{16}")) {
            throw new IllegalArgumentException("not a site id");
        }
        return "'" + siteId + "'";
    }

    /**
     * The site's lexemes in at least {@code minChunks} of its chunks, the most common first, at most
     * {@code max}: {@code ts_stat} over its full-text vectors (it takes its rows as a query text).
     */
    List<String> siteCommonLexemes(String siteId, long minChunks, int max) {
        return jdbc.sql("SELECT word FROM ts_stat(?) WHERE ndoc >= ? ORDER BY ndoc DESC, word LIMIT ?")
                .params("SELECT search_text FROM chunks WHERE site_id = " + siteLiteral(siteId), minChunks, max)
                .query(String.class)
                .list();
    }

    /** The site's chunks nearest to a vector, by cosine distance, among those embedded with this model. */
    List<Hit> nearest(String siteId, float[] vector, String model, int limit, Scan scan, int rerank, int efSearch) {
        var query = HalfVectors.parameter(vector);
        return switch (scan) {
            case EXACT ->
                jdbc.sql(EXACT_SCAN)
                        .params(query, siteId, model, limit)
                        .query(HIT)
                        .list();
            case QUANTIZED, QUANTIZED_IN_DATABASE ->
                jdbc.sql(QUANTIZED_SCAN)
                        .params(siteId, model, bits(vector), Math.max(rerank, limit), query, limit)
                        .query(HIT)
                        .list();
            case SITE_INDEX ->
                transactions.execute(status -> {
                    jdbc.sql("SELECT set_config('hnsw.ef_search', ?, true), set_config('enable_sort', 'off', true)")
                            .param(Integer.toString(Math.max(efSearch, limit)))
                            .query()
                            .singleRow();
                    return jdbc.sql(siteIndexScan(siteId))
                            .params(query, model, query, limit)
                            .query(HIT)
                            .list();
                });
        };
    }

    /**
     * The site's chunks that match the question's telling words, best {@code ts_rank} first. The
     * telling words are the question's lexemes (in the site's text search configuration) less the
     * stop words of any of {@code stopWordDictionaries}, since a site of no stated language is
     * indexed with the {@code simple} configuration, which keeps "the" and "of": a chunk that
     * matches only those is not relevant.
     *
     * <p>Only a bounded pool is ranked, since ranking reads each chunk's whole {@code tsvector} and
     * a word common in a large site matches most of it. The pool: the chunks the vector half found
     * ({@code alsoRank}); up to {@code maxMatches} holding one of the question's uncommon words
     * (not in {@code commonLexemes}, the words in many chunks of all sites); up to as many holding
     * every uncommon word (every word when none is uncommon), the best ranked as a rule; and, in a
     * site of at most {@code scanRows} chunks, up to {@code maxMatches} of its chunks holding any
     * of the words. The first two come from the full-text index, which leads with the site ({@code
     * chunks_site_text_idx}), so only this site's entries of rare words are read; the last reads
     * the small site's rows (a larger site's would be a page read per chunk: that tier was the
     * largest cost of the benchmark's concurrent searches). So a site of at most {@code scanRows}
     * chunks and at most {@code maxMatches} matches is ranked in full, as {@link #fullTextExact}
     * ranks every site. Which words are common only picks the pool:
     * relevance and rank never depend on other sites' text. Each pooled chunk is ranked through its
     * primary key ({@code OFFSET 0} keeps the planner from reading all the site's matches to join
     * them to the pool instead).
     *
     * <p>The index tiers are planned for all their matches and cut by a {@code LIMIT} outside
     * them, which still stops them early (a CTE is read as far as it is needed): planned under the
     * limit, the driver's reusable (generic) plan walked the site's rows and tested each against
     * the words instead, 2 s for the largest site at 1,000,000 chunks.
     */
    List<Hit> fullText(
            String siteId,
            String query,
            Collection<Long> alsoRank,
            Collection<String> commonLexemes,
            Collection<String> siteLexemes,
            Collection<String> stopWordDictionaries,
            int maxMatches,
            int scanRows,
            int limit) {
        var words = words(query);
        if (words.isEmpty()) {
            return List.of();
        }
        return jdbc.sql(TELLING_WORDS + """
                        , rare_matches AS MATERIALIZED (
                            SELECT c.id FROM chunks c, q WHERE c.site_id = ? AND c.search_text @@ q.rare_words),
                        rare AS MATERIALIZED (SELECT id FROM rare_matches LIMIT ?),
                        every_matches AS MATERIALIZED (
                            SELECT c.id FROM chunks c, q WHERE c.site_id = ? AND c.search_text @@ q.all_words),
                        every AS MATERIALIZED (SELECT id FROM every_matches LIMIT ?),
                        pool AS (
                            SELECT unnest(?::bigint[]) AS id
                            UNION SELECT id FROM rare
                            UNION SELECT id FROM every
                            UNION (SELECT s.id FROM (SELECT id, search_text FROM chunks WHERE site_id = ? LIMIT ?) s, q
                                   WHERE s.search_text @@ q.words
                                     AND NOT EXISTS (SELECT FROM chunks WHERE site_id = ? OFFSET ? LIMIT 1)
                                   LIMIT ?))
                        SELECT r.id, r.rank::float8 FROM pool p, q,
                             LATERAL (SELECT c.id, ts_rank(c.search_text, q.words) AS rank FROM chunks c
                                      WHERE c.id = p.id AND c.site_id = ? AND c.search_text @@ q.words OFFSET 0) r
                        ORDER BY r.rank DESC, r.id LIMIT ?""")
                .params(
                        commonLexemes.toArray(String[]::new),
                        siteId,
                        String.join(" ", words),
                        siteLexemes.toArray(String[]::new),
                        stopWordDictionaries.toArray(String[]::new),
                        siteId,
                        maxMatches,
                        siteId,
                        maxMatches,
                        alsoRank.toArray(Long[]::new),
                        siteId,
                        scanRows,
                        siteId,
                        scanRows,
                        maxMatches,
                        siteId,
                        limit)
                .query(HIT)
                .list();
    }

    /**
     * Every chunk of the site that matches the question's telling words, ranked: the truth the
     * benchmark and the tests hold {@link #fullText} to.
     */
    List<Hit> fullTextExact(String siteId, String query, Collection<String> stopWordDictionaries, int limit) {
        var words = words(query);
        if (words.isEmpty()) {
            return List.of();
        }
        return jdbc.sql(TELLING_WORDS + """
                        SELECT c.id, ts_rank(c.search_text, q.words)::float8 AS rank
                        FROM chunks c, q
                        WHERE c.site_id = ? AND c.search_text @@ q.words
                        ORDER BY rank DESC, c.id LIMIT ?""")
                .params(
                        new String[0],
                        siteId,
                        String.join(" ", words),
                        new String[0],
                        stopWordDictionaries.toArray(String[]::new),
                        siteId,
                        limit)
                .query(HIT)
                .list();
    }

    /**
     * {@code q.words}: the telling lexemes as one tsquery ({@code 'a' | 'b'}; NULL, matching
     * nothing, when there are none), {@code q.rare_words} the uncommon ones (common neither in all
     * sites nor in this one), {@code q.all_words} the uncommon ones joined by {@code &} (when none
     * is uncommon, all of them but the site's own common words: an AND over words in most chunks
     * reads their longest lists in the index, 17 ms for a question of the largest benchmark site
     * whose every word was its own common word; NULL then); quoted for the tsquery syntax (a quote
     * or a backslash in a lexeme escaped) and cast rather than parsed again, being normalised
     * already. Parameters: the common lexemes, the site, the question, the site's own common
     * lexemes ({@link SiteWords}), the stop-word dictionaries.
     */
    static final String TELLING_WORDS = """
            WITH telling AS MATERIALIZED (
                SELECT own.common IS NOT TRUE AND t.lexeme <> ALL (?::text[]) AS rare,
                       own.common IS NOT TRUE AS locally_rare,
                       '''' || replace(replace(t.lexeme, '\\', '\\\\'), '''', '''''') || '''' AS quoted
                FROM (SELECT text_search_config AS config FROM sites WHERE site_id = ?) site,
                     unnest(to_tsvector(site.config, ?)) t,
                     LATERAL (SELECT t.lexeme = ANY (?::text[]) AS common) own
                WHERE NOT EXISTS (SELECT FROM unnest(?::text[]) d(name)
                                  WHERE ts_lexize(d.name::regdictionary, t.lexeme) = '{}')),
            q AS MATERIALIZED (
                SELECT string_agg(quoted, ' | ')::tsquery AS words,
                       coalesce(string_agg(quoted, ' & ') FILTER (WHERE rare),
                                string_agg(quoted, ' & ') FILTER (WHERE locally_rare))::tsquery
                           AS all_words,
                       (string_agg(quoted, ' | ') FILTER (WHERE rare))::tsquery AS rare_words
                FROM telling)
            """;

    /**
     * The lexemes in at least {@code share} of all chunks, by PostgreSQL's own statistics of the
     * {@code search_text} column (ANALYZE keeps its most common elements and their frequencies).
     */
    List<String> commonLexemes(double share) {
        return jdbc.sql("""
                        SELECT e.lexeme FROM pg_stats s,
                             unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) AS e(lexeme, share)
                        WHERE s.schemaname = current_schema() AND s.tablename = 'chunks' AND s.attname = 'search_text'
                          AND e.lexeme IS NOT NULL AND e.share >= ?""").param(share).query(String.class).list();
    }

    private static List<String> words(String query) {
        var words = new ArrayList<String>();
        for (var word : query.split("[^\\p{L}\\p{N}]+")) {
            if (!word.isEmpty() && words.size() < 64) {
                words.add(word);
            }
        }
        return words;
    }

    List<Loaded> load(String siteId, Collection<Long> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("""
                        SELECT id, document_id, title, url, heading_path, content FROM chunks
                        WHERE site_id = ? AND id = ANY(?)""")
                .params(siteId, ids.toArray(Long[]::new))
                // Mapped by hand: a property mapper looks up each record component by name and pays
                // for a driver exception per column it does not find, on every row.
                .query((rs, n) -> new Loaded(
                        rs.getLong(1),
                        rs.getObject(2, UUID.class),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getString(6)))
                .list();
    }

    /** Mapped by hand, as {@link #load}'s rows are: a property mapper looks each column up by name. */
    private static final RowMapper<Pending> PENDING =
            (rs, n) -> new Pending(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4));

    /** Chunks without a vector of this model, oldest first. */
    List<Pending> pending(String model, int limit) {
        var missing = jdbc.sql("""
                        SELECT id, title, heading_path, content FROM chunks
                        WHERE embedding IS NULL ORDER BY id LIMIT ?""").params(limit).query(PENDING).list();
        if (missing.size() >= limit) {
            return missing;
        }
        var stale = jdbc.sql("""
                        SELECT id, title, heading_path, content FROM chunks
                        WHERE embedding IS NOT NULL
                          AND (embedding_model < ? OR embedding_model > ? OR embedding_model IS NULL)
                        ORDER BY id LIMIT ?""")
                // Ranges, not IS DISTINCT FROM, so that chunks_embedding_model_idx finds the few
                // stale rows: the backfill asks every few minutes, and reading all rows to find none
                // took 35 s at 1,000,000 chunks.
                .params(model, model, limit - missing.size())
                .query(PENDING)
                .list();
        var all = new ArrayList<>(missing);
        all.addAll(stale);
        return all;
    }

    /**
     * Stores the vectors of a batch in one statement: the statement-level trigger that moves the
     * sites' knowledge versions (V10) then fires once per batch rather than once per chunk. No site
     * is named: the ids are global and come from {@link #pending}, which reads across sites.
     */
    void setEmbeddings(List<Pending> chunks, List<float[]> vectors, String model) {
        var ids = new Long[chunks.size()];
        var texts = new String[chunks.size()];
        for (int i = 0; i < chunks.size(); i++) {
            ids[i] = chunks.get(i).id();
            texts[i] = HalfVectors.text(vectors.get(i));
        }
        jdbc.sql("""
                        UPDATE chunks c SET embedding = u.embedding::halfvec, embedding_model = ?
                        FROM unnest(?::bigint[], ?::text[]) AS u(id, embedding) WHERE c.id = u.id""").params(model, ids, texts).update();
    }
}
