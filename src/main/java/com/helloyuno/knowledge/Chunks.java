package com.helloyuno.knowledge;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Stream;
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
         * The site's binary-quantized vectors ranked by Hamming distance, from memory ({@link
         * QuantizedVectors}: the best {@code rerank} ranked again by the question's vector against
         * their bits, the best {@code exact-rerank} of those compared exactly; exact for sites of up
         * to {@code exact-rerank} chunks) or from the covering index (the best {@code rerank}
         * compared exactly); for larger sites as good as those depths make it.
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
     * bits come quantized from here ({@link #bits}), its vector as a {@code float[]}, which the
     * driver sends as a binary {@code float4[]} (no 15 kB of decimals written here and parsed by
     * {@code halfvec_in} there), and each parameter is converted to its type in
     * a subquery of its own, evaluated once: a cast of a parameter in the ORDER BY of the reused
     * (generic) plan that the driver switches to after five runs is evaluated for every row, which
     * made the largest site's scan 60 ms instead of 15.
     */
    static final String QUANTIZED_SCAN = """
            WITH candidates AS MATERIALIZED (
                SELECT id FROM chunks
                WHERE site_id = ? AND embedding_model = ?
                ORDER BY embedding_bits <~> (SELECT ?::bit(1536)) LIMIT ?)
            SELECT c.id, c.embedding <=> (SELECT ?::real[]::halfvec) AS distance
            FROM candidates JOIN chunks c USING (id)
            ORDER BY distance, c.id LIMIT ?""";

    /** MATERIALIZED keeps the planner from ordering through any index: all the site's rows compared. */
    static final String EXACT_SCAN = """
            WITH site_chunks AS MATERIALIZED (
                SELECT id, embedding <=> (SELECT ?::real[]::halfvec) AS distance FROM chunks
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

    /**
     * The chunks of the ids given (a {@code bigint[]}) that belong to the site and model given,
     * each read through its primary key. Written as one probe per id because the reusable plan of
     * {@code id = ANY(?) AND site_id = ?} flipped, after a routine VACUUM moved the table's
     * statistics, to a bitmap AND with every index entry of the site, about 5 ms for the
     * benchmark's largest sites (runs L4, L5: 6.5 ms a search statement against 1.6); the ids go
     * through a sub-select so that no plan can count them (a counted 5 looked cheaper than the 10
     * assumed, and PostgreSQL planned the statement again on every search).
     */
    static final String BY_ID = """
            FROM unnest((SELECT ?::bigint[])) p(id),
                 LATERAL (SELECT id, embedding, search_text FROM chunks
                          WHERE id = p.id AND site_id = ? AND embedding_model = ? OFFSET 0) c
            """;

    /** The exact distances of the given chunks of the site, nearest first: the first pass's survivors compared. */
    static final String RERANK = """
            SELECT c.id, c.embedding <=> (SELECT ?::real[]::halfvec) AS distance
            """ + BY_ID + """
            ORDER BY distance, c.id LIMIT ?""";

    List<Hit> rerank(String siteId, String model, float[] vector, Collection<Long> ids, int limit) {
        return jdbc.sql(RERANK)
                .params(vector, ids.toArray(Long[]::new), siteId, model, limit)
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
        return "SELECT id, embedding <=> (SELECT ?::real[]::halfvec) AS distance FROM chunks WHERE site_id = "
                + siteLiteral(siteId)
                + " AND embedding_model = ? ORDER BY embedding <=> (SELECT ?::real[]::halfvec) LIMIT ?";
    }

    /** A site id as an SQL literal, for the statements that cannot take it as a parameter. */
    private static String siteLiteral(String siteId) {
        if (!siteId.matches("[A-Za-z0-9]{16}")) {
            throw new IllegalArgumentException("not a site id");
        }
        return "'" + siteId + "'";
    }

    /**
     * Counts the site's own common words again into {@code site_common_words}: its lexemes in at
     * least {@code minChunks} of its chunks, the most common {@code max} ({@code ts_stat} over its
     * full-text vectors; it takes its rows as a query text). One statement, so a search sees the old
     * words or the new ones, never a mix. One count of a site at a time across instances (an
     * advisory lock): two at once would each delete only the rows their own snapshot sees, and
     * leave both sets.
     */
    void countSiteCommonWords(String siteId, long minChunks, int max) {
        transactions.executeWithoutResult(status -> {
            jdbc.sql("SELECT 1 FROM pg_advisory_xact_lock(?, hashtext(?))")
                    .params(SITE_WORDS_LOCK, siteId)
                    .query(Integer.class)
                    .single();
            jdbc.sql("""
                        WITH counted AS MATERIALIZED (
                            SELECT word FROM ts_stat(?) WHERE ndoc >= ? ORDER BY ndoc DESC, word LIMIT ?),
                        gone AS (
                            DELETE FROM site_common_words w
                            WHERE w.site_id = ? AND w.lexeme NOT IN (SELECT word FROM counted))
                        INSERT INTO site_common_words (site_id, lexeme)
                        SELECT ?, word FROM counted
                        ON CONFLICT DO NOTHING""")
                    .params(
                            "SELECT search_text FROM chunks WHERE site_id = " + siteLiteral(siteId),
                            minChunks,
                            max,
                            siteId,
                            siteId)
                    .update();
        });
    }

    /** Advisory lock keys of our own (the two-int form): "YSWD", a site's words, and "YCWD", the common words. */
    static final int SITE_WORDS_LOCK = 0x59535744;

    static final int COMMON_WORDS_LOCK = 0x59435744;

    /** The site's own common words as last counted (tests and operators read them). */
    List<String> siteCommonWords(String siteId) {
        return jdbc.sql("SELECT lexeme FROM site_common_words WHERE site_id = ? ORDER BY lexeme")
                .param(siteId)
                .query(String.class)
                .list();
    }

    /** The site's chunks nearest to a vector, by cosine distance, among those embedded with this model. */
    List<Hit> nearest(String siteId, float[] vector, String model, int limit, Scan scan, int rerank, int efSearch) {
        return switch (scan) {
            case EXACT ->
                jdbc.sql(EXACT_SCAN)
                        .params(vector, siteId, model, limit)
                        .query(HIT)
                        .list();
            case QUANTIZED, QUANTIZED_IN_DATABASE ->
                jdbc.sql(QUANTIZED_SCAN)
                        .params(siteId, model, bits(vector), Math.max(rerank, limit), vector, limit)
                        .query(HIT)
                        .list();
            case SITE_INDEX ->
                transactions.execute(status -> {
                    jdbc.sql("SELECT set_config('hnsw.ef_search', ?, true), set_config('enable_sort', 'off', true)")
                            .param(Integer.toString(Math.max(efSearch, limit)))
                            .query()
                            .singleRow();
                    return jdbc.sql(siteIndexScan(siteId))
                            .params(vector, model, vector, limit)
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
     * (not in {@code common_words}, the words in many chunks of all sites, nor, when {@code
     * ownWords}, in the site's own {@code site_common_words}); up to as many holding
     * every uncommon word (every word when none is uncommon), the best ranked as a rule; and, in a
     * site of at most {@code scanRows} chunks, up to {@code maxMatches} of its chunks holding any
     * of the words. The first two come from the full-text index, which leads with the site ({@code
     * chunks_site_text_idx}), so only this site's entries of rare words are read; the last reads
     * the small site's rows (a larger site's would be a page read per chunk: that tier was the
     * largest cost of the benchmark's concurrent searches). So a site of at most {@code scanRows}
     * chunks and at most {@code maxMatches} matches is ranked in full, as {@link #fullTextExact}
     * ranks every site. Which words are common only picks the pool:
     * relevance and rank never depend on other sites' text. A chunk is ranked where its tier reads
     * its row (each row read once: ranking the pool afterwards through the primary key read most
     * of them twice; the benchmark's runs could not show the gain end to end); only the vector half's chunks that no tier found
     * are read through their primary key ({@code OFFSET 0} keeps the planner from reading all the
     * site's matches to join them instead).
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
            boolean ownWords,
            Collection<String> stopWordDictionaries,
            int maxMatches,
            int scanRows,
            int limit) {
        var words = words(query);
        if (words.isEmpty()) {
            return List.of();
        }
        return jdbc.sql(TELLING_WORDS + TEXT_TIERS + """
                        , nearest AS (
                            SELECT r.id, r.rank FROM unnest(?::bigint[]) p(id), q,
                                 LATERAL (SELECT c.id, ts_rank(c.search_text, q.words) AS rank FROM chunks c
                                          WHERE c.id = p.id AND c.site_id = ? AND c.search_text @@ q.words
                                          OFFSET 0) r
                            WHERE p.id NOT IN (SELECT id FROM found))
                        SELECT id, rank::float8 FROM (SELECT id, rank FROM found UNION ALL SELECT id, rank FROM nearest) ranked
                        ORDER BY rank DESC, id LIMIT ?""")
                .params(textParameters(
                        siteId,
                        words,
                        ownWords,
                        stopWordDictionaries,
                        maxMatches,
                        scanRows,
                        alsoRank.toArray(Long[]::new),
                        siteId,
                        limit))
                .query(HIT)
                .list();
    }

    /**
     * The parameters of {@link #TELLING_WORDS} and {@link #TEXT_TIERS}, in their order, then {@code
     * more}: the two full-text statements share them.
     */
    private static List<Object> textParameters(
            String siteId,
            List<String> words,
            boolean ownWords,
            Collection<String> stopWordDictionaries,
            int maxMatches,
            int scanRows,
            Object... more) {
        var parameters = new ArrayList<Object>(List.of(
                siteId,
                // No words: the full-text half finds nothing (a NULL tsquery matches no chunk).
                String.join(" ", words),
                ownWords,
                stopWordDictionaries.toArray(String[]::new),
                siteId,
                maxMatches,
                siteId,
                maxMatches,
                siteId,
                scanRows,
                siteId,
                scanRows,
                maxMatches));
        parameters.addAll(List.of(more));
        return parameters;
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
                        siteId,
                        String.join(" ", words),
                        false,
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
     * already. The common words are looked up in {@code common_words} and, when the third
     * parameter is true, the site's own in {@code site_common_words} ({@link CommonWords}, {@link
     * SiteWords}): sent as two arrays with every search, as they were, they cost about 0.3 ms of
     * 3.4. Parameters: the site, the question, whether the site's own common words count, the
     * stop-word dictionaries.
     */
    static final String TELLING_WORDS = "WITH " + tellingWords("");

    /**
     * {@link #TELLING_WORDS} without its {@code WITH}, the site's own common words counting only
     * when {@code ownWordsApply} (an SQL condition, or empty) holds.
     */
    private static String tellingWords(String ownWordsApply) {
        return """
            telling AS MATERIALIZED (
                SELECT own.common IS NOT TRUE
                           AND NOT EXISTS (SELECT FROM common_words w WHERE w.lexeme = t.lexeme) AS rare,
                       own.common IS NOT TRUE AS locally_rare,
                       '''' || replace(replace(t.lexeme, '\\', '\\\\'), '''', '''''') || '''' AS quoted
                FROM (SELECT site_id, text_search_config AS config FROM sites WHERE site_id = ?) site,
                     unnest(to_tsvector(site.config, ?)) t,
                     LATERAL (SELECT ?::boolean
                                     AND EXISTS (SELECT FROM site_common_words s
                                                 WHERE s.site_id = site.site_id AND s.lexeme = t.lexeme)%s
                                         AS common) own
                WHERE NOT EXISTS (SELECT FROM unnest(?::regdictionary[]) d(dictionary)
                                  WHERE ts_lexize(d.dictionary, t.lexeme) = '{}')),
            q AS MATERIALIZED (
                SELECT string_agg(quoted, ' | ')::tsquery AS words,
                       coalesce(string_agg(quoted, ' & ') FILTER (WHERE rare),
                                string_agg(quoted, ' & ') FILTER (WHERE locally_rare))::tsquery
                           AS all_words,
                       (string_agg(quoted, ' | ') FILTER (WHERE rare))::tsquery AS rare_words
                FROM telling)
            """.formatted(ownWordsApply);
    }

    /**
     * Both halves of a hybrid search, as {@link #hybrid} reads them in one statement, and the site's
     * knowledge version that statement saw (0 for a site without a version row: none ever had a chunk, or deleted; as {@link
     * #knowledgeState} has it).
     */
    record Halves(List<Hit> nearest, List<Hit> text, long version) {}

    /**
     * The vector half's re-ranking ({@link #rerank}) and the full-text half ({@link #fullText}) in
     * one statement: the survivors' rows are read once, for their distance and for their full-text
     * rank, and one round trip is saved. Two statements read the vector half's chunks twice (the
     * full text ranks them too: 40 look-ups through the primary key, about 0.3 of 1.3 ms in sampled
     * plans of the benchmark; its runs could not show the gain end to end). The same answer as the two: the vector hits are the {@code nearestLimit} nearest
     * survivors, the full text ranks those of them at least {@code minRelevance} similar, and the
     * site's own common words count only when there is one. The statement also reads the site's
     * knowledge version, in its own snapshot, so that a search with the site's bits in memory needs
     * no statement of its own to learn that they are current ({@link Retriever}).
     */
    Halves hybrid(
            String siteId,
            String model,
            float[] vector,
            Collection<Long> survivors,
            int nearestLimit,
            double minRelevance,
            String query,
            boolean ownWords,
            Collection<String> stopWordDictionaries,
            int maxMatches,
            int scanRows,
            int limit) {
        var words = words(query);
        var nearest = new ArrayList<Hit>();
        var text = new ArrayList<Hit>();
        var version = new long[1];
        jdbc.sql("""
                        WITH vector_ranked AS MATERIALIZED (
                            SELECT c.id, c.embedding <=> (SELECT ?::real[]::halfvec) AS distance, c.search_text
                            """ + BY_ID + """
                            ORDER BY distance, c.id LIMIT ?),
                        relevant AS MATERIALIZED (
                            SELECT id, search_text FROM vector_ranked WHERE 1 - distance >= ? AND distance <> 'NaN'),
                        """ + tellingWords(" AND EXISTS (SELECT FROM relevant)") + TEXT_TIERS + """
                        , nearest AS (
                            SELECT r.id, ts_rank(r.search_text, q.words) AS rank FROM relevant r, q
                            WHERE r.search_text @@ q.words AND r.id NOT IN (SELECT id FROM found))
                        SELECT 0, coalesce((SELECT version FROM knowledge_versions WHERE site_id = ?), 0), 0::float8
                        UNION ALL
                        SELECT 1, id, distance FROM vector_ranked
                        UNION ALL
                        (SELECT 2, id, rank::float8 FROM (SELECT id, rank FROM found UNION ALL SELECT id, rank FROM nearest) ranked
                         ORDER BY rank DESC, id LIMIT ?)""")
                .params(Stream.concat(
                                Stream.of(
                                        vector,
                                        survivors.toArray(Long[]::new),
                                        siteId,
                                        model,
                                        nearestLimit,
                                        minRelevance),
                                textParameters(
                                        siteId,
                                        words,
                                        ownWords,
                                        stopWordDictionaries,
                                        maxMatches,
                                        scanRows,
                                        siteId,
                                        limit)
                                        .stream())
                        .toList())
                .query(rs -> {
                    switch (rs.getInt(1)) {
                        case 0 -> version[0] = rs.getLong(2);
                        case 1 -> nearest.add(new Hit(rs.getLong(2), rs.getDouble(3)));
                        default -> text.add(new Hit(rs.getLong(2), rs.getDouble(3)));
                    }
                });
        // Each half in its order (a UNION ALL promises none): nearest first, best ranked first; ties by id.
        nearest.sort(java.util.Comparator.comparingDouble(Hit::value).thenComparingLong(Hit::id));
        text.sort(
                java.util.Comparator.comparingDouble((Hit hit) -> -hit.value()).thenComparingLong(Hit::id));
        return new Halves(nearest, text, version[0]);
    }

    /**
     * The full-text half's pool after {@link #TELLING_WORDS}, ranked where each tier reads the row
     * ({@link #fullText}): {@code found} holds (id, rank) of the chunks holding an uncommon word,
     * holding every uncommon word, and (a site of at most {@code scanRows} chunks) holding any
     * word. Parameters: site, max matches, site, max matches, site, scan rows, site, scan rows,
     * max matches.
     */
    static final String TEXT_TIERS = """
            , rare_matches AS MATERIALIZED (
                SELECT c.id, ts_rank(c.search_text, q.words) AS rank FROM chunks c, q
                WHERE c.site_id = ? AND c.search_text @@ q.rare_words),
            rare AS MATERIALIZED (SELECT id, rank FROM rare_matches LIMIT ?),
            every_matches AS MATERIALIZED (
                SELECT c.id, ts_rank(c.search_text, q.words) AS rank FROM chunks c, q
                WHERE c.site_id = ? AND c.search_text @@ q.all_words),
            every AS MATERIALIZED (SELECT id, rank FROM every_matches LIMIT ?),
            scanned AS MATERIALIZED (
                SELECT s.id, ts_rank(s.search_text, q.words) AS rank
                FROM (SELECT id, search_text FROM chunks WHERE site_id = ? LIMIT ?) s, q
                WHERE s.search_text @@ q.words
                  AND NOT EXISTS (SELECT FROM chunks WHERE site_id = ? OFFSET ? LIMIT 1)
                LIMIT ?),
            found AS (SELECT id, rank FROM rare UNION SELECT id, rank FROM every
                      UNION SELECT id, rank FROM scanned)""";

    /**
     * Writes the words common across all sites into {@code common_words} again: the lexemes in at
     * least {@code share} of all chunks, by PostgreSQL's own statistics of the {@code search_text}
     * column (ANALYZE keeps its most common elements and their frequencies). One statement, so a
     * search sees the old words or the new ones, never a mix. One refresh at a time across
     * instances (an advisory lock, which tests also hold while they set words of their own).
     * Answers how many words there are now.
     */
    int refreshCommonWords(double share) {
        return Objects.requireNonNull(transactions.execute(status -> {
            jdbc.sql("SELECT 1 FROM pg_advisory_xact_lock(?, 0)")
                    .param(COMMON_WORDS_LOCK)
                    .query(Integer.class)
                    .single();
            jdbc.sql("""
                        WITH fresh AS MATERIALIZED (
                            SELECT DISTINCT e.lexeme FROM pg_stats s,
                                 unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) AS e(lexeme, share)
                            WHERE s.schemaname = current_schema() AND s.tablename = 'chunks'
                              AND s.attname = 'search_text' AND e.lexeme IS NOT NULL AND e.share >= ?),
                        gone AS (
                            DELETE FROM common_words w
                            WHERE w.lexeme NOT IN (SELECT lexeme FROM fresh))
                        INSERT INTO common_words (lexeme) SELECT lexeme FROM fresh
                        ON CONFLICT DO NOTHING""").param(share).update();
            return jdbc.sql("SELECT count(*) FROM common_words")
                    .query(Integer.class)
                    .single();
        }));
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

    /**
     * The chunks' passages, each read through its primary key, as {@link #BY_ID} reads chunks and
     * for its reasons. Counted ids (a plain parameter) made PostgreSQL plan this statement on every
     * search, 0.09 ms against 0.04 ms to run it.
     */
    List<Loaded> load(String siteId, Collection<Long> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("""
                        SELECT c.id, c.document_id, c.title, c.url, c.heading_path, c.content
                        FROM unnest((SELECT ?::bigint[])) p(id),
                             LATERAL (SELECT id, document_id, title, url, heading_path, content FROM chunks
                                      WHERE id = p.id AND site_id = ? OFFSET 0) c""")
                .params(ids.toArray(Long[]::new), siteId)
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
