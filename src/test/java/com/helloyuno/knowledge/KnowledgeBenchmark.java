package com.helloyuno.knowledge;

import com.helloyuno.YunoApplication;
import com.helloyuno.testsupport.FakeOpenAi;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.copy.PGCopyOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The knowledge base's benchmark, run by {@code scripts/bench-knowledge.sh} (not a test).
 *
 * <ol>
 *   <li>Bulk load, as a restore would: {@code chunks} chunks over {@code sites} sites with their
 *       secondary indexes dropped, binary {@code COPY} from two connections, then the indexes built
 *       and the table vacuumed. Load time, index build time and database size are reported.
 *   <li>Ingest with the indexes in place: documents through {@link Ingestion} (extract, chunk, one
 *       embeddings request per document to the loopback fake server, store), four at a time.
 *   <li>Retrieval: questions per site-size bucket, half in a chunk's own words and half
 *       paraphrased (synonyms the full text cannot match, vectors close to the originals). The truth
 *       is the exact search: every vector of the site compared ({@link Chunks.Scan#EXACT}), and for
 *       the whole hybrid search the same fusion over the exact vector half. The hybrid search as
 *       configured then runs from {@code searchers} threads at once, question already embedded.
 * </ol>
 *
 * <p>The text imitates real pages: a shared vocabulary drawn by Zipf's law (a few words in every
 * chunk, most rare), each site's own topic vocabulary (also Zipf), a few subject words per chunk,
 * a boilerplate sentence repeated in a third of a site's chunks, document titles and headings.
 * Site sizes are skewed as tenants are: half the sites under 100 chunks, a few over 20,000.
 * Vectors: every word a fixed pseudo-random direction (the 300 most common words none, as a model
 * gives function words little weight), summed and normalised; a paraphrased word points near the
 * original.
 */
public final class KnowledgeBenchmark {

    private static final Logger log = LoggerFactory.getLogger(KnowledgeBenchmark.class);
    private static final String MODEL = "text-embedding-3-small";
    private static final int DIMENSIONS = 1536;
    private static final int GLOBAL_WORDS = 20_000;
    private static final int UNWEIGHTED_WORDS = 300;
    private static final int TOPIC_WORDS = 400;
    private static final int CHUNKS_PER_DOCUMENT = 20;
    private static final int DIRECTIONS = 16_384;
    private static final String[] BUCKETS = {"under 100", "100-2,000", "2,000-20,000", "over 20,000"};

    private KnowledgeBenchmark() {}

    public static void main(String[] args) throws Exception {
        var totalChunks = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        var siteCount = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        var ingestDocuments = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        var questionsPerBucket = args.length > 3 ? Integer.parseInt(args[3]) : 200;
        var searchers = args.length > 4 ? Integer.parseInt(args[4]) : 8;
        var fake = new FakeOpenAi();
        // Command-line arguments, so that they win over application.yaml's environment defaults.
        var context = new SpringApplicationBuilder(YunoApplication.class)
                .run(
                        "--server.port=0",
                        "--yuno.llm.openai-api-key=sk-bench",
                        "--yuno.llm.base-url=" + fake.baseUrl(),
                        "--yuno.knowledge.crawler.poll-interval=1h",
                        "--yuno.knowledge.backfill.interval=24h",
                        "--logging.level.root=WARN",
                        "--logging.level.com.helloyuno.knowledge.KnowledgeBenchmark=INFO");
        try (context;
                fake) {
            var jdbc = context.getBean(JdbcTemplate.class);
            // The service's own settings (application.yaml, or -D options from BENCH_JAVA_OPTS), named
            // with the results: until 2026-12-03 the benchmark set max-concurrent to the searchers (8)
            // and the pool to 12 itself, so a -D option for either changed nothing.
            log.info(
                    "RETRIEVE settings: max-concurrent {}, connection pool {}",
                    context.getBean(KnowledgeSettings.class).retrieval().maxConcurrent(),
                    context.getBean(com.zaxxer.hikari.HikariDataSource.class).getMaximumPoolSize());
            var corpus = new Corpus(siteCount, totalChunks, new Random(7));
            var reuse = "true".equals(System.getenv("BENCH_REUSE"))
                    && jdbc.queryForObject("SELECT count(*) FROM sites", Integer.class) == siteCount;
            for (int s = 0; s < siteCount && !reuse; s++) {
                jdbc.update(
                        "INSERT INTO sites (site_id, domain, language, text_search_config) VALUES (?, ?, ?, ?::regconfig)",
                        corpus.siteId(s),
                        "site" + s + ".example",
                        corpus.language(s)[0],
                        corpus.language(s)[1]);
            }
            if (reuse) {
                log.info("LOAD skipped: the database of the last run is reused (BENCH_REUSE=true)");
            } else {
                bulkLoad(context.getBean(DataSource.class), jdbc, corpus);
            }
            // Until a round of our own finds nothing to build (the application's first round, started
            // with it, may hold the lock meanwhile).
            var start = System.nanoTime();
            var indexes = context.getBean(SiteVectorIndexes.class);
            var built = 0;
            SiteVectorIndexes.Round round;
            do {
                round = indexes.check();
                built += round.built();
                if (!round.led()) {
                    Thread.sleep(2_000);
                }
            } while (!round.led() || round.built() > 0);
            log.info(
                    "LOAD HNSW indexes of the sites with at least {} chunks: {} built, {} in place, {} s; database {}",
                    context.getBean(KnowledgeSettings.class).retrieval().siteIndexMinChunks(),
                    built,
                    round.indexed(),
                    fmt(seconds(start)),
                    jdbc.queryForObject("SELECT pg_size_pretty(pg_database_size(current_database()))", String.class));
            ingest(context.getBean(Ingestion.class), jdbc, corpus, ingestDocuments, fake);
            if (questionsPerBucket > 0) {
                retrieve(
                        jdbc,
                        context.getBean(Retriever.class),
                        context.getBean(SiteWords.class),
                        context.getBean(KnowledgeSettings.class).retrieval().siteWordsMinChunks(),
                        context.getBean(Chunks.class),
                        corpus,
                        questionsPerBucket,
                        searchers);
            }
        }
    }

    // ---------------------------------------------------------------------------------- loading

    private static void bulkLoad(DataSource dataSource, JdbcTemplate jdbc, Corpus corpus) throws Exception {
        var indexes = jdbc.queryForList(
                "SELECT indexdef FROM pg_indexes WHERE tablename = 'chunks' AND indexname NOT IN"
                        + " ('chunks_pkey', 'chunks_document_id_ordinal_key')",
                String.class);
        for (var name : jdbc.queryForList(
                "SELECT indexname FROM pg_indexes WHERE tablename = 'chunks' AND indexname NOT IN"
                        + " ('chunks_pkey', 'chunks_document_id_ordinal_key')",
                String.class)) {
            jdbc.execute("DROP INDEX " + name);
        }
        jdbc.execute("ALTER TABLE chunks DROP CONSTRAINT chunks_document_id_ordinal_key");
        var configOids = new HashMap<String, Integer>();
        for (var config : List.of("simple", "english", "german", "spanish")) {
            configOids.put(config, jdbc.queryForObject("SELECT ?::regconfig::oid::int", Integer.class, config));
        }
        // Documents of up to 20 chunks, in an order that interleaves the sites as ingestion over
        // time would.
        var documents = new ArrayList<int[]>(); // site, first chunk, chunk count
        for (int s = 0; s < corpus.sites; s++) {
            for (int first = 0; first < corpus.sizes[s]; first += CHUNKS_PER_DOCUMENT) {
                documents.add(new int[] {s, first, Math.min(CHUNKS_PER_DOCUMENT, corpus.sizes[s] - first)});
            }
        }
        Collections.shuffle(documents, new Random(11));
        var start = System.nanoTime();
        var queue = new ConcurrentLinkedQueue<>(documents);
        var loaded = new AtomicInteger();
        try (var pool = Executors.newFixedThreadPool(2)) {
            var futures = new ArrayList<java.util.concurrent.Future<?>>();
            for (int t = 0; t < 2; t++) {
                futures.add(pool.submit(() -> {
                    try (var connection = dataSource.getConnection()) {
                        var copy = connection.unwrap(PGConnection.class);
                        var batch = new ArrayList<int[]>();
                        for (int[] document; (document = queue.poll()) != null; ) {
                            batch.add(document);
                            if (batch.size() == 100 || queue.isEmpty()) {
                                loaded.addAndGet(copyDocuments(copy, corpus, batch, configOids));
                                batch.clear();
                            }
                        }
                        if (!batch.isEmpty()) {
                            loaded.addAndGet(copyDocuments(copy, corpus, batch, configOids));
                        }
                    }
                    return null;
                }));
            }
            for (var future : futures) {
                future.get();
            }
        }
        var loadSeconds = seconds(start);
        start = System.nanoTime();
        jdbc.execute("SET maintenance_work_mem = '1GB'");
        jdbc.execute("ALTER TABLE chunks ADD CONSTRAINT chunks_document_id_ordinal_key UNIQUE (document_id, ordinal)");
        var builds = new StringBuilder();
        for (var index : indexes) {
            var t = System.nanoTime();
            jdbc.execute(index);
            builds.append(index.replaceAll("CREATE (UNIQUE )?INDEX (\\w+) .*", "$2"))
                    .append(' ')
                    .append(fmt(seconds(t)))
                    .append(" s; ");
        }
        jdbc.execute("VACUUM ANALYZE chunks");
        jdbc.execute("VACUUM ANALYZE documents");
        var indexSeconds = seconds(start);
        log.info(
                "LOAD {} chunks over {} sites ({} documents) by binary COPY from 2 connections: {} s ({} chunks/s);"
                        + " indexes and VACUUM ANALYZE {} s ({}); database {}, chunks table {}, its indexes {}",
                loaded.get(),
                corpus.sites,
                documents.size(),
                fmt(loadSeconds),
                fmt(loaded.get() / loadSeconds),
                fmt(indexSeconds),
                builds.toString().trim(),
                jdbc.queryForObject("SELECT pg_size_pretty(pg_database_size(current_database()))", String.class),
                jdbc.queryForObject("SELECT pg_size_pretty(pg_table_size('chunks'))", String.class),
                jdbc.queryForObject("SELECT pg_size_pretty(pg_indexes_size('chunks'))", String.class));
        var buckets = new int[4];
        for (var size : corpus.sizes) {
            buckets[bucket(size)]++;
        }
        log.info(
                "LOAD sites per size bucket: {} {}, {} {}, {} {}, {} {}; largest {} chunks",
                BUCKETS[0],
                buckets[0],
                BUCKETS[1],
                buckets[1],
                BUCKETS[2],
                buckets[2],
                BUCKETS[3],
                buckets[3],
                Arrays.stream(corpus.sizes).max().orElse(0));
    }

    private static int copyDocuments(
            PGConnection copy, Corpus corpus, List<int[]> documents, Map<String, Integer> configOids) throws Exception {
        var ids = new ArrayList<UUID>();
        var documentRows = new StringBuilder();
        for (var document : documents) {
            var id = UUID.randomUUID();
            ids.add(id);
            documentRows
                    .append(id)
                    .append('\t')
                    .append(corpus.siteId(document[0]))
                    .append('\t')
                    .append(corpus.title(document[0], document[1]))
                    .append("\ttext/markdown\t")
                    .append(id)
                    .append('\n');
        }
        copy.getCopyAPI()
                .copyIn(
                        "COPY documents (id, site_id, title, content_type, content_hash) FROM STDIN",
                        new StringReader(documentRows.toString()));
        var rows = 0;
        try (var out = new DataOutputStream(new BufferedOutputStream(
                new PGCopyOutputStream(
                        copy,
                        "COPY chunks (site_id, document_id, ordinal, title, heading_path, content, token_count,"
                                + " embedding, embedding_model, text_config) FROM STDIN (FORMAT binary)"),
                1 << 16))) {
            out.write("PGCOPY\n\377\r\n\0".getBytes(StandardCharsets.ISO_8859_1));
            out.writeInt(0);
            out.writeInt(0);
            for (int d = 0; d < documents.size(); d++) {
                var document = documents.get(d);
                var site = document[0];
                var title = corpus.title(site, document[1]);
                for (int i = 0; i < document[2]; i++) {
                    var chunk = corpus.chunk(site, document[1] + i);
                    out.writeShort(10);
                    text(out, corpus.siteId(site));
                    out.writeInt(16);
                    out.writeLong(ids.get(d).getMostSignificantBits());
                    out.writeLong(ids.get(d).getLeastSignificantBits());
                    out.writeInt(4);
                    out.writeInt(i);
                    text(out, title);
                    text(out, chunk.heading());
                    text(out, chunk.content());
                    out.writeInt(4);
                    out.writeInt(chunk.words());
                    var vector = corpus.embed(title + "\n" + chunk.heading() + "\n\n" + chunk.content());
                    out.writeInt(4 + 2 * DIMENSIONS);
                    out.writeShort(DIMENSIONS);
                    out.writeShort(0);
                    for (var value : vector) {
                        out.writeShort(Float.floatToFloat16(value));
                    }
                    text(out, MODEL);
                    out.writeInt(4);
                    out.writeInt(configOids.get(corpus.language(site)[1]));
                    rows++;
                }
            }
            out.writeShort(-1);
        }
        return rows;
    }

    private static void text(DataOutputStream out, String value) throws IOException {
        var bytes = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    // ---------------------------------------------------------------------------------- ingest

    /** Documents ingested before the clock starts: the ingest path compiled and its pools open. */
    private static final int INGEST_WARM_UP = 100;

    /** The title of the documents the ingest phase adds, which it removes again. */
    private static final String INGESTED = "Ingested";

    private static void ingest(Ingestion ingestion, JdbcTemplate jdbc, Corpus corpus, int documents, FakeOpenAi fake) {
        // Documents an earlier run (of an older benchmark) left behind would change the sites'
        // sizes and the searches' truth on a reused database: the corpus is the loaded one only.
        jdbc.update("DELETE FROM documents WHERE title = ?", INGESTED);
        if (documents == 0) {
            return;
        }
        var random = new Random(13);
        var warmUp = documents(corpus, INGEST_WARM_UP, 200_000, random);
        var texts = documents(corpus, documents, 100_000, random);
        // The fake server makes a direction per new word, a cost of the fake and not of ingestion: it
        // meets every word of these documents once before the clock starts.
        for (var document : texts) {
            FakeOpenAi.vector(document[1], 1536);
        }
        ingestAll(ingestion, warmUp);
        var before = fake.embeddingRequests().size();
        var start = System.nanoTime();
        var chunks = ingestAll(ingestion, texts);
        var elapsed = seconds(start);
        log.info(
                "INGEST {} documents, {} chunks, indexes in place: {} s, {} chunks/s ({} embedding requests; after {} documents of warm-up)",
                documents,
                chunks,
                fmt(elapsed),
                fmt(chunks / elapsed),
                fake.embeddingRequests().size() - before,
                INGEST_WARM_UP);
        var removed = jdbc.update("DELETE FROM documents WHERE title = ?", INGESTED);
        jdbc.execute("VACUUM chunks");
        log.info(
                "INGEST the {} documents added removed again, chunks vacuumed: the searches see the loaded corpus",
                removed);
    }

    /** Documents of ten sections each, in random sites, each with a line of this run's own. */
    private static List<String[]> documents(Corpus corpus, int count, int firstOrdinal, Random random) {
        var texts = new ArrayList<String[]>();
        for (int d = 0; d < count; d++) {
            var site = random.nextInt(corpus.sites);
            // A line of this run's own, so that a rerun on the same database stores them again.
            var text = new StringBuilder("# ")
                    .append(corpus.title(site, firstOrdinal + d))
                    .append("\n\nRevision ")
                    .append(System.nanoTime())
                    .append("\n\n");
            for (int section = 0; section < 10; section++) {
                var chunk = corpus.chunk(site, firstOrdinal + d * 10 + section);
                text.append("## ")
                        .append(chunk.heading())
                        .append("\n\n")
                        .append(chunk.content())
                        .append("\n\n");
            }
            texts.add(new String[] {corpus.siteId(site), text.toString()});
        }
        return texts;
    }

    /** Four at a time, as a crawl's workers do; returns the chunks stored. */
    private static int ingestAll(Ingestion ingestion, List<String[]> texts) {
        var chunks = new AtomicInteger();
        try (var pool = Executors.newFixedThreadPool(4)) {
            for (var document : texts) {
                pool.submit(() -> chunks.addAndGet(ingestion
                        .ingestText(document[0], INGESTED, null, document[1], "text/markdown")
                        .chunks()));
            }
        }
        return chunks.get();
    }

    // ---------------------------------------------------------------------------------- retrieval

    private record Question(int site, int bucket, boolean paraphrased, String text, float[] vector) {}

    private static void retrieve(
            JdbcTemplate jdbc,
            Retriever retriever,
            SiteWords siteWords,
            int siteWordsMinChunks,
            Chunks chunks,
            Corpus corpus,
            int perBucket,
            int searchers)
            throws Exception {
        var random = new Random(17);
        var questions = questions(corpus, perBucket, random);
        var warmUp = questions(corpus, perBucket, new Random(19));
        // The truth, one question at a time: the exact vector top 5, and the hybrid search's top 5
        // over the exact vector half.
        var exactVector = new ArrayList<List<Long>>();
        var exactHybrid = new ArrayList<List<Long>>();
        var exactTimes = new long[questions.size()];
        for (int q = 0; q < questions.size(); q++) {
            var question = questions.get(q);
            var t = System.nanoTime();
            exactVector.add(
                    ids(retriever.nearest(corpus.siteId(question.site()), question.vector(), 5, Chunks.Scan.EXACT)));
            exactTimes[q] = System.nanoTime() - t;
            exactHybrid.add(passageIds(retriever.search(
                    corpus.siteId(question.site()), question.text(), question.vector(), 5, Chunks.Scan.EXACT)));
        }
        // The vector half as configured, one at a time, for its recall.
        var vectorFound = new ArrayList<List<Long>>();
        for (var question : questions) {
            var site = corpus.siteId(question.site());
            vectorFound.add(ids(retriever.nearest(site, question.vector(), 5, retriever.scanFor(site))));
        }
        // The whole hybrid search as configured, from `searchers` threads at once, after a warm-up
        // with other questions, and once the large sites' own common words are counted (as they
        // are on a service that has run for a while: SiteWords counts them in the background).
        run(retriever, corpus, warmUp, searchers, new long[warmUp.size()], new ArrayList<>(), false);
        var counting = System.nanoTime();
        var large = new java.util.TreeSet<String>();
        for (var question : questions) {
            var site = corpus.siteId(question.site());
            if (chunks.knowledgeState(site).chunks() >= siteWordsMinChunks) {
                large.add(site);
            }
        }
        for (var site : large) {
            var deadline = System.nanoTime() + 300_000_000_000L;
            while (!siteWords.counted(site) && System.nanoTime() < deadline) {
                siteWords.applies(site, chunks.knowledgeState(site));
                Thread.sleep(20);
            }
        }
        log.info(
                "RETRIEVE the own common words of the {} large sites asked about counted in {} s",
                large.size(),
                fmt(seconds(counting)));
        var times = new long[questions.size()];
        var found = new ArrayList<List<Long>>(Collections.nCopies(questions.size(), List.<Long>of()));
        var start = System.nanoTime();
        run(retriever, corpus, questions, searchers, times, found, false);
        var wall = seconds(start);
        // The same with every first pass in PostgreSQL: none from memory, none through a site's own index.
        var quantizedTimes = new long[questions.size()];
        var quantizedFound = new ArrayList<List<Long>>(Collections.nCopies(questions.size(), List.<Long>of()));
        run(retriever, corpus, questions, searchers, quantizedTimes, quantizedFound, true);
        var quantizedVector = new ArrayList<List<Long>>();
        for (var question : questions) {
            quantizedVector.add(ids(retriever.nearest(
                    corpus.siteId(question.site()), question.vector(), 5, Chunks.Scan.QUANTIZED_IN_DATABASE)));
        }
        log.info(
                "RETRIEVE {} questions ({} per size bucket, half paraphrased), {} searchers at once: {} searches/s",
                questions.size(),
                perBucket,
                searchers,
                fmt(questions.size() / wall));
        for (int b = -1; b < 4; b++) {
            var picked = inBucket(questions, b);
            if (picked.isEmpty()) {
                continue;
            }
            var paraphrased =
                    picked.stream().filter(q -> questions.get(q).paraphrased()).toList();
            var own =
                    picked.stream().filter(q -> !questions.get(q).paraphrased()).toList();
            log.info(
                    "RETRIEVE | {} | {} | hybrid p50 {} ms, p99 {} ms | exact vector scan p50 {} ms, p99 {} ms |"
                            + " vector recall@5 {} (own words {}, paraphrased {}) | hybrid recall@5 {} | passages {}",
                    b == -1 ? "all sites" : BUCKETS[b],
                    picked.size(),
                    fmt(percentile(times, picked, 50)),
                    fmt(percentile(times, picked, 99)),
                    fmt(percentile(exactTimes, picked, 50)),
                    fmt(percentile(exactTimes, picked, 99)),
                    fmt(recall(picked, vectorFound, exactVector)),
                    fmt(recall(own, vectorFound, exactVector)),
                    fmt(recall(paraphrased, vectorFound, exactVector)),
                    fmt(recall(picked, found, exactHybrid)),
                    fmt(picked.stream()
                            .mapToInt(q -> found.get(q).size())
                            .average()
                            .orElse(0)));
            log.info(
                    "RETRIEVE | {} | first pass in PostgreSQL for every site | hybrid p50 {} ms, p99 {} ms | vector recall@5 {} |"
                            + " hybrid recall@5 {}",
                    b == -1 ? "all sites" : BUCKETS[b],
                    fmt(percentile(quantizedTimes, picked, 50)),
                    fmt(percentile(quantizedTimes, picked, 99)),
                    fmt(recall(picked, quantizedVector, exactVector)),
                    fmt(recall(picked, quantizedFound, exactHybrid)));
        }
        steady(jdbc, retriever, corpus, perBucket, searchers);
    }

    /** Rounds of the steady run: its questions are {@code STEADY_ROUNDS} times the per-bucket count. */
    private static final int STEADY_ROUNDS = 5;

    /**
     * The hybrid search timed at steady state, over more questions: the run above is 800 searches
     * (about 2 s at 8 searchers) after one warm-up pass, so its p99 is the 8th slowest, while
     * HotSpot is still compiling the search path on cores PostgreSQL needs, and one GC pause of
     * this JVM (which holds the corpus, as a service would not) lands in it whole. Here the
     * warm-up goes on until the compiler's time in two passes in a row is under 5 % of each, and the
     * window's compile time and GC pauses are reported with the figures. The warm-up asks other
     * questions of the same sites as the window, so that every site asked about has its bits in
     * memory, as on a service that has run for a while (the cache holds every site of the corpus):
     * before, 9 % of the window's searches read a site's bits from PostgreSQL first.
     */
    private static void steady(JdbcTemplate jdbc, Retriever retriever, Corpus corpus, int perBucket, int searchers)
            throws Exception {
        var questions = questions(corpus, perBucket * STEADY_ROUNDS, new Random(29));
        var warmUp = sameSites(corpus, questions, new Random(31));
        var compiler = java.lang.management.ManagementFactory.getCompilationMXBean();
        var jvm = (com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        var passes = 0;
        var quiet = 0;
        var warming = System.nanoTime();
        while (true) {
            var compiled = compiler.getTotalCompilationTime();
            var pass = System.nanoTime();
            // The window's own readings, taken around every pass too: taken only around the window,
            // they ran code (the driver parsing pg_stat_statements' doubles, other lambdas through
            // HashMap.merge and the streams) that the search path's compiled code had never seen.
            // HotSpot then deoptimized it as the window began and compiled it again inside it
            // (JFR, run Q1: 80 compilations, 0.8 s of C2 in the first 0.6 s of a 4 s window).
            readings(jdbc, jvm);
            run(retriever, corpus, warmUp, searchers, new long[warmUp.size()], new ArrayList<>(), false);
            readings(jdbc, jvm);
            passes++;
            var share = (compiler.getTotalCompilationTime() - compiled) / (seconds(pass) * 1000);
            // A compilation counts when it ends, so one quiet pass can fall between two long C2
            // compilations (a run that stopped at one such pass then compiled for 5.4 s of its
            // 10 s window): at least 30 s, and two quiet passes in a row.
            quiet = share < 0.05 ? quiet + 1 : 0;
            if ((quiet >= 2 && seconds(warming) >= 30) || seconds(warming) > 180) {
                log.info(
                        "RETRIEVE steady: warmed up in {} passes, {} s (compiling {} % of the last pass)",
                        passes, fmt(seconds(warming)), fmt(share * 100));
                break;
            }
        }
        var times = new long[questions.size()];
        // G1's pauses: young and mixed, full, and (its "Concurrent GC" bean, since JDK 20) remark and cleanup.
        var collectors = java.lang.management.ManagementFactory.getGarbageCollectorMXBeans();
        long gcCount = 0;
        long gcMillis = 0;
        for (var collector : collectors) {
            gcCount -= collector.getCollectionCount();
            gcMillis -= collector.getCollectionTime();
        }
        var compiled = compiler.getTotalCompilationTime();
        var statementsBefore = statements(jdbc);
        var postgresBefore = postgresCpuNanos();
        var machineBefore = machineTicks();
        var jvmBefore = jvm.getProcessCpuTime();
        var start = System.nanoTime();
        run(retriever, corpus, questions, searchers, times, new ArrayList<>(), false);
        var wall = seconds(start);
        var jvmNanos = jvm.getProcessCpuTime() - jvmBefore;
        var postgresNanos = postgresCpuNanos() - postgresBefore;
        var machine = machineTicks();
        for (int i = 0; i < machine.length; i++) {
            machine[i] -= machineBefore[i];
        }
        var statementsAfter = statements(jdbc);
        for (var collector : collectors) {
            gcCount += collector.getCollectionCount();
            gcMillis += collector.getCollectionTime();
        }
        log.info(
                "RETRIEVE steady: {} other questions, {} searchers at once: {} searches/s in {} s; in the window"
                        + " this JVM compiled for {} ms and paused for garbage {} times, {} ms in all",
                questions.size(),
                searchers,
                fmt(questions.size() / wall),
                fmt(wall),
                compiler.getTotalCompilationTime() - compiled,
                gcCount,
                gcMillis);
        log.info(
                "RETRIEVE steady: CPU per search {} ms, of which PostgreSQL's processes {} ms and this JVM {} ms"
                        + " (searchers, search path, compiling and GC together)",
                fmt((postgresNanos + jvmNanos) / 1e6 / questions.size()),
                fmt(postgresNanos / 1e6 / questions.size()),
                fmt(jvmNanos / 1e6 / questions.size()));
        var allTicks = java.util.Arrays.stream(machine).sum();
        log.info(
                "RETRIEVE steady: the machine's CPUs in the window: {} % busy, {} % idle, {} % stolen by the"
                        + " hypervisor (other guests: runs with more steal are slower for the same code)",
                fmt(100.0 * (allTicks - machine[3] - machine[4] - machine[7]) / Math.max(1, allTicks)),
                fmt(100.0 * (machine[3] + machine[4]) / Math.max(1, allTicks)),
                fmt(100.0 * machine[7] / Math.max(1, allTicks)));
        logStatements(statementsBefore, statementsAfter, questions.size());
        for (int b = -1; b < 4; b++) {
            var picked = inBucket(questions, b);
            if (!picked.isEmpty()) {
                log.info(
                        "RETRIEVE steady | {} | {} | hybrid p50 {} ms, p90 {} ms, p99 {} ms, max {} ms",
                        b == -1 ? "all sites" : BUCKETS[b],
                        picked.size(),
                        fmt(percentile(times, picked, 50)),
                        fmt(percentile(times, picked, 90)),
                        fmt(percentile(times, picked, 99)),
                        fmt(percentile(times, picked, 100)));
            }
        }
    }

    /** What the window is measured by, read once: its code is then compiled like the searches'. */
    private static long readings(JdbcTemplate jdbc, com.sun.management.OperatingSystemMXBean jvm) {
        long sum = statements(jdbc).size() + postgresCpuNanos() + jvm.getProcessCpuTime();
        for (var ticks : machineTicks()) {
            sum += ticks;
        }
        for (var collector : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            sum += collector.getCollectionCount() + collector.getCollectionTime();
        }
        return sum;
    }

    /** A statement's running totals in pg_stat_statements. */
    private record Statement(String query, long calls, double millis) {}

    /**
     * This database's statements in pg_stat_statements (loaded by scripts/services.sh; created in
     * the benchmark's database by scripts/bench-knowledge.sh), by query id; empty without it.
     */
    private static Map<Long, Statement> statements(JdbcTemplate jdbc) {
        var out = new HashMap<Long, Statement>();
        try {
            jdbc.query("""
                    SELECT queryid, calls, total_exec_time, query FROM pg_stat_statements
                    WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
                      AND queryid IS NOT NULL""", rs -> {
                // One row per user, query and nesting level: summed by query.
                out.merge(
                        rs.getLong(1),
                        new Statement(rs.getString(4), rs.getLong(2), rs.getDouble(3)),
                        (a, b) -> new Statement(a.query(), a.calls() + b.calls(), a.millis() + b.millis()));
            });
        } catch (org.springframework.dao.DataAccessException e) {
            log.info("RETRIEVE steady: no statement table (pg_stat_statements not in this database)");
        }
        return out;
    }

    /** The statements that took the window's time, the costliest first: where a search's time in PostgreSQL goes. */
    private static void logStatements(Map<Long, Statement> before, Map<Long, Statement> after, int searches) {
        var deltas = new ArrayList<Statement>();
        after.forEach((id, now) -> {
            var then = before.getOrDefault(id, new Statement(now.query(), 0, 0));
            if (now.calls() > then.calls()) {
                deltas.add(new Statement(now.query(), now.calls() - then.calls(), now.millis() - then.millis()));
            }
        });
        deltas.sort(java.util.Comparator.comparingDouble(Statement::millis).reversed());
        for (var statement : deltas.subList(0, Math.min(8, deltas.size()))) {
            var text = statement.query().replaceAll("\\s+", " ").strip();
            log.info(
                    "RETRIEVE steady statement | {} calls per search | {} ms each | {} ms per search | {}",
                    fmt((double) statement.calls() / searches),
                    fmt(statement.millis() / statement.calls()),
                    fmt(statement.millis() / searches),
                    text.substring(0, Math.min(110, text.length())));
        }
    }

    /**
     * The machine's CPU ticks from {@code /proc/stat}: user, nice, system, idle, iowait, irq,
     * softirq, steal (zeros where there is no such file).
     */
    private static long[] machineTicks() {
        var ticks = new long[8];
        try {
            var fields = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/stat"))
                    .getFirst()
                    .trim()
                    .split("\\s+");
            for (int i = 0; i < ticks.length && i + 1 < fields.length; i++) {
                ticks[i] = Long.parseLong(fields[i + 1]);
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: no figure
        }
        return ticks;
    }

    /**
     * The CPU time of all PostgreSQL processes on this machine (Linux /proc, whose ticks are
     * USER_HZ, 100 on Linux; 0 elsewhere): the server is local, and nothing else should run on it
     * meanwhile (another cluster's or database's work would count).
     */
    private static long postgresCpuNanos() {
        long ticks = 0;
        try (var processes = java.nio.file.Files.list(java.nio.file.Path.of("/proc"))) {
            for (var dir : (Iterable<java.nio.file.Path>) processes::iterator) {
                if (!dir.getFileName().toString().chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    var stat = java.nio.file.Files.readString(dir.resolve("stat"));
                    var open = stat.indexOf('(');
                    var close = stat.lastIndexOf(')');
                    if (open < 0
                            || close < open
                            || !stat.substring(open + 1, close).startsWith("postgres")) {
                        continue;
                    }
                    // Fields after the name: state is the 3rd field, utime the 14th, stime the 15th.
                    var fields = stat.substring(close + 2).split(" ");
                    ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                } catch (IOException | RuntimeException gone) {
                    // a process that ended meanwhile
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return ticks * 10_000_000L; // USER_HZ is 100 on Linux
    }

    private static void run(
            Retriever retriever,
            Corpus corpus,
            List<Question> questions,
            int searchers,
            long[] times,
            List<List<Long>> found,
            boolean quantizedOnly)
            throws Exception {
        var order = new ArrayList<Integer>();
        for (int q = 0; q < questions.size(); q++) {
            order.add(q);
        }
        Collections.shuffle(order, new Random(23));
        var queue = new ConcurrentLinkedQueue<>(order);
        try (var pool = Executors.newFixedThreadPool(searchers)) {
            var futures = new ArrayList<java.util.concurrent.Future<?>>();
            for (int t = 0; t < searchers; t++) {
                futures.add(pool.submit(() -> {
                    for (Integer q; (q = queue.poll()) != null; ) {
                        var question = questions.get(q);
                        var start = System.nanoTime();
                        var site = corpus.siteId(question.site());
                        var passages = retriever.search(
                                site,
                                question.text(),
                                question.vector(),
                                5,
                                quantizedOnly ? Chunks.Scan.QUANTIZED_IN_DATABASE : retriever.scanFor(site));
                        times[q] = System.nanoTime() - start;
                        synchronized (found) {
                            if (found.size() > q) {
                                found.set(q, passageIds(passages));
                            }
                        }
                    }
                    return null;
                }));
            }
            for (var future : futures) {
                future.get();
            }
        }
    }

    private static List<Question> questions(Corpus corpus, int perBucket, Random random) {
        var bySize = new ArrayList<List<Integer>>();
        for (int b = 0; b < 4; b++) {
            bySize.add(new ArrayList<>());
        }
        for (int s = 0; s < corpus.sites; s++) {
            bySize.get(bucket(corpus.sizes[s])).add(s);
        }
        var out = new ArrayList<Question>();
        for (int b = 0; b < 4; b++) {
            if (bySize.get(b).isEmpty()) {
                continue;
            }
            for (int q = 0; q < perBucket; q++) {
                var site = bySize.get(b).get(random.nextInt(bySize.get(b).size()));
                var paraphrased = q % 2 == 1;
                var text = corpus.question(site, random.nextInt(corpus.sizes[site]), paraphrased, random);
                out.add(new Question(site, b, paraphrased, text, corpus.embed(text)));
            }
        }
        return out;
    }

    /** Another question for each question's site, in its bucket, as often paraphrased. */
    private static List<Question> sameSites(Corpus corpus, List<Question> questions, Random random) {
        var out = new ArrayList<Question>();
        for (var question : questions) {
            var site = question.site();
            var text = corpus.question(site, random.nextInt(corpus.sizes[site]), question.paraphrased(), random);
            out.add(new Question(site, question.bucket(), question.paraphrased(), text, corpus.embed(text)));
        }
        return out;
    }

    static int bucket(int size) {
        return size < 100 ? 0 : size <= 2_000 ? 1 : size <= 20_000 ? 2 : 3;
    }

    private static double recall(List<Integer> picked, List<List<Long>> found, List<List<Long>> truth) {
        var hits = 0;
        var total = 0;
        for (var q : picked) {
            var expected = new HashSet<>(truth.get(q));
            total += expected.size();
            hits += (int) found.get(q).stream().filter(expected::contains).count();
        }
        return total == 0 ? 1 : hits / (double) total;
    }

    /** The indexes of the questions of a size bucket, or of all of them for -1. */
    private static List<Integer> inBucket(List<Question> questions, int bucket) {
        var picked = new ArrayList<Integer>();
        for (int q = 0; q < questions.size(); q++) {
            if (bucket == -1 || questions.get(q).bucket() == bucket) {
                picked.add(q);
            }
        }
        return picked;
    }

    private static double percentile(long[] nanos, List<Integer> picked, int p) {
        var sorted = picked.stream().mapToLong(q -> nanos[q]).sorted().toArray();
        var index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, index)] / 1e6;
    }

    private static List<Long> ids(List<Chunks.Hit> hits) {
        return hits.stream().map(Chunks.Hit::id).toList();
    }

    private static List<Long> passageIds(List<Passage> passages) {
        return passages.stream().map(Passage::chunkId).toList();
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    private static String fmt(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }

    // ---------------------------------------------------------------------------------- the corpus

    /** A chunk's text: its heading path, content and word count. */
    record Chunk(String heading, String content, int words) {}

    /**
     * The synthetic corpus, every piece derived from a seed so that a chunk's text can be made
     * again when a question is asked from it.
     */
    static final class Corpus {

        final int sites;
        final int[] sizes;
        private final double[] globalCdf = zipfCdf(GLOBAL_WORDS, 1.0);
        private final double[] topicCdf = zipfCdf(TOPIC_WORDS, 0.9);
        private final float[][] directions = new float[DIRECTIONS][DIMENSIONS];

        Corpus(int sites, int totalChunks, Random random) {
            this.sites = sites;
            this.sizes = sizes(sites, totalChunks, random);
            var seeded = new Random(3);
            for (var direction : directions) {
                for (int i = 0; i < DIMENSIONS; i++) {
                    direction[i] = (float) seeded.nextGaussian();
                }
            }
        }

        String siteId(int site) {
            return String.format(Locale.ROOT, "bench%011d", site);
        }

        /** ISO code and text search configuration: most sites say none, some English, German, Spanish. */
        String[] language(int site) {
            var r = Math.floorMod(site * 2654435761L, 20);
            return r < 16
                    ? new String[] {null, "simple"}
                    : r < 18
                            ? new String[] {"en", "english"}
                            : r < 19 ? new String[] {"de", "german"} : new String[] {"es", "spanish"};
        }

        String title(int site, int firstChunk) {
            var random = new SplittableRandom(seed(site, firstChunk / CHUNKS_PER_DOCUMENT, 1));
            return topic(site, random) + " " + topic(site, random) + " " + topic(site, random);
        }

        Chunk chunk(int site, int index) {
            var random = new SplittableRandom(seed(site, index, 2));
            var subject = subject(site, index);
            var heading = topic(site, random) + " " + topic(site, random) + " > " + subject[0] + " " + subject[1];
            var words = 120 + random.nextInt(100);
            var content = new StringBuilder(words * 8);
            for (int w = 0; w < words; w++) {
                if (w > 0) {
                    content.append(w % 14 == 0 ? ". " : " ");
                }
                var r = random.nextDouble();
                content.append(
                        r < 0.10
                                ? subject[random.nextInt(subject.length)]
                                : r < 0.40 ? topic(site, random) : global(random));
            }
            content.append('.');
            if (random.nextInt(3) == 0) {
                content.append(' ').append(boilerplate(site));
                words += 12;
            }
            return new Chunk(heading, content.toString(), words);
        }

        /** A question from a chunk: some of its subject and topic words and a few common words. */
        String question(int site, int index, boolean paraphrased, Random random) {
            var subject = subject(site, index);
            var words = new ArrayList<String>();
            words.add(global(new SplittableRandom(random.nextLong()), 40));
            words.add(global(new SplittableRandom(random.nextLong()), 40));
            words.add(global(new SplittableRandom(random.nextLong()), 40));
            var content = chunk(site, index).content().split("[ .]+");
            for (int i = 0; i < 3; i++) {
                words.add(subject[random.nextInt(subject.length)]);
            }
            for (int i = 0; i < 2; i++) {
                String word;
                do {
                    word = content[random.nextInt(content.length)];
                } while (word.startsWith("g"));
                words.add(word);
            }
            if (paraphrased) {
                for (int i = 3; i < words.size(); i++) {
                    if (random.nextInt(10) < 8) {
                        words.set(i, "p" + words.get(i));
                    }
                }
            }
            Collections.shuffle(words, random);
            return String.join(" ", words) + "?";
        }

        /**
         * The corpus's embedding model: a direction per word, none for the most common words, a
         * paraphrase ("p" + word) near its original's direction.
         */
        float[] embed(String text) {
            var counts = new HashMap<String, Integer>();
            for (var word : text.split("[^\\p{L}\\p{N}]+")) {
                if (word.isEmpty()
                        || word.startsWith("g") && Integer.parseInt(word.substring(1), 36) < UNWEIGHTED_WORDS) {
                    continue;
                }
                counts.merge(word, 1, Integer::sum);
            }
            var vector = new float[DIMENSIONS];
            for (var entry : counts.entrySet()) {
                var word = entry.getKey();
                float weight = (float) Math.sqrt(entry.getValue());
                if (word.startsWith("p")) {
                    add(vector, directions[direction(word.substring(1))], 0.8f * weight);
                    add(vector, directions[direction(word)], 0.6f * weight);
                } else {
                    add(vector, directions[direction(word)], weight);
                }
            }
            var norm = 0.0;
            for (var value : vector) {
                norm += value * value;
            }
            if (norm == 0) {
                vector[0] = 1;
                return vector;
            }
            var scale = (float) (1 / Math.sqrt(norm));
            for (int i = 0; i < DIMENSIONS; i++) {
                vector[i] *= scale;
            }
            return vector;
        }

        private static void add(float[] vector, float[] direction, float weight) {
            for (int i = 0; i < DIMENSIONS; i++) {
                vector[i] += weight * direction[i];
            }
        }

        private static int direction(String word) {
            return Math.floorMod(word.hashCode() * 0x9E3779B9, DIRECTIONS);
        }

        private String[] subject(int site, int index) {
            var random = new SplittableRandom(seed(site, index, 3));
            var out = new String[4];
            for (int i = 0; i < out.length; i++) {
                out[i] = topicWord(site, random.nextInt(TOPIC_WORDS));
            }
            return out;
        }

        private String boilerplate(int site) {
            var random = new SplittableRandom(seed(site, 0, 4));
            var out = new StringBuilder();
            for (int i = 0; i < 12; i++) {
                out.append(i % 2 == 0 ? topicWord(site, i) : global(random, 100))
                        .append(i < 11 ? " " : ".");
            }
            return out.toString();
        }

        private String topic(int site, SplittableRandom random) {
            return topicWord(site, pick(topicCdf, random.nextDouble()));
        }

        private static String topicWord(int site, int rank) {
            return "t" + Integer.toString(site, 36) + "x" + Integer.toString(rank, 36);
        }

        private String global(SplittableRandom random) {
            return "g" + Integer.toString(pick(globalCdf, random.nextDouble()), 36);
        }

        private static String global(SplittableRandom random, int top) {
            return "g" + Integer.toString(random.nextInt(top), 36);
        }

        private static long seed(int site, int index, int kind) {
            return (site * 1_000_003L + index) * 31 + kind;
        }

        private static int pick(double[] cdf, double value) {
            var i = Arrays.binarySearch(cdf, value);
            return Math.min(cdf.length - 1, i >= 0 ? i : -i - 1);
        }

        private static double[] zipfCdf(int n, double exponent) {
            var cdf = new double[n];
            var sum = 0.0;
            for (int i = 0; i < n; i++) {
                sum += 1 / Math.pow(i + 1, exponent);
                cdf[i] = sum;
            }
            for (int i = 0; i < n; i++) {
                cdf[i] /= sum;
            }
            return cdf;
        }

        /**
         * Half the sites under 100 chunks (the first one 3), 44 % from 100 to 2,000 and 5 % from
         * 2,000 to 20,000 (both log-uniform), and the last 1 % sharing what is left, each over
         * 20,000 when the total allows it.
         */
        private static int[] sizes(int sites, int total, Random random) {
            var sizes = new int[sites];
            var small = sites / 2;
            var medium = sites * 44 / 100;
            var large = sites * 5 / 100;
            var used = 0;
            for (int s = 0; s < sites; s++) {
                if (s == 0) {
                    sizes[s] = 3;
                } else if (s < small) {
                    sizes[s] = 3 + random.nextInt(97);
                } else if (s < small + medium) {
                    sizes[s] = (int) Math.round(100 * Math.pow(20, random.nextDouble()));
                } else if (s < small + medium + large) {
                    sizes[s] = (int) Math.round(2_000 * Math.pow(10, random.nextDouble()));
                } else {
                    continue;
                }
                used += sizes[s];
            }
            var huge = sites - small - medium - large;
            var left = Math.max(huge, total - used);
            var weights = new double[huge];
            var weightSum = 0.0;
            for (int h = 0; h < huge; h++) {
                weights[h] = 1 + 2 * random.nextDouble();
                weightSum += weights[h];
            }
            var base = Math.min(20_001, left / Math.max(1, huge));
            var spare = left - base * huge;
            for (int h = 0; h < huge; h++) {
                sizes[sites - huge + h] = base + (int) (spare * weights[h] / weightSum);
            }
            return sizes;
        }
    }
}
