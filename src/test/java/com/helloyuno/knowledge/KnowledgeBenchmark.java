package com.helloyuno.knowledge;

import com.helloyuno.YunoApplication;
import com.helloyuno.testsupport.FakeOpenAi;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The knowledge base's benchmark, run by {@code scripts/bench-knowledge.sh} (not a test): ingest
 * throughput through {@link Ingestion} with the loopback fake embeddings server, then retrieval
 * latency (p50/p99) and recall@5 of the HNSW index against exact search, at {@code chunks} chunks
 * over {@code sites} sites.
 *
 * <p>Synthetic text: each site has its own topic words plus words common to all, so a site's
 * chunks cluster as real sites' do; vectors are the fake server's (a dense pseudo-random
 * direction per word, summed).
 */
public final class KnowledgeBenchmark {

    private static final Logger log = LoggerFactory.getLogger(KnowledgeBenchmark.class);
    private static final String MODEL = "text-embedding-3-small";

    private KnowledgeBenchmark() {}

    public static void main(String[] args) throws Exception {
        var totalChunks = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        var siteCount = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        var ingestDocuments = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        var queries = args.length > 3 ? Integer.parseInt(args[3]) : 200;
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
            var ingestion = context.getBean(Ingestion.class);
            var retriever = context.getBean(Retriever.class);
            var random = new Random(7);
            var common = words("c", 300);
            var sites = new ArrayList<String>();
            var topics = new ArrayList<List<String>>();
            for (int s = 0; s < siteCount; s++) {
                var id = String.format(Locale.ROOT, "bench%011d", s);
                jdbc.update("INSERT INTO sites (site_id, domain) VALUES (?, ?)", id, "site" + s + ".example");
                sites.add(id);
                topics.add(words("t" + s + "x", 60));
            }
            Supplier<Integer> siteIndex = () -> random.nextInt(siteCount);

            // 1. Ingest throughput: markdown documents through Ingestion (extract, chunk, embed
            // over HTTP, store with the HNSW index in place), four at a time.
            var documents = new ArrayList<String[]>();
            for (int d = 0; d < ingestDocuments; d++) {
                var s = siteIndex.get();
                var text = new StringBuilder();
                for (int section = 0; section < 10; section++) {
                    text.append("## Section ").append(section).append("\n\n");
                    text.append(sentence(random, topics.get(s), common, 60)).append("\n\n");
                }
                documents.add(new String[] {sites.get(s), text.toString()});
            }
            var ingestedChunks = new AtomicInteger();
            var start = System.nanoTime();
            try (var pool = Executors.newFixedThreadPool(4)) {
                for (var document : documents) {
                    pool.submit(() -> ingestedChunks.addAndGet(ingestion
                            .ingestText(document[0], "Doc", null, document[1], "text/markdown")
                            .chunks()));
                }
            }
            var ingestSeconds = (System.nanoTime() - start) / 1e9;
            log.info(
                    "INGEST {} documents, {} chunks in {} s: {} chunks/s ({} embedding requests)",
                    ingestDocuments,
                    ingestedChunks.get(),
                    fmt(ingestSeconds),
                    fmt(ingestedChunks.get() / ingestSeconds),
                    fake.embeddingRequests().size());

            // 2. Bulk load to the target size, then build the HNSW index once (as a restore or
            // a migration would): inserting 100k 1536-dimension vectors one by one into the
            // index costs about 10 ms each on this machine.
            var remaining = totalChunks - ingestedChunks.get();
            start = System.nanoTime();
            jdbc.execute("DROP INDEX chunks_embedding_hnsw_idx");
            var dataSource = context.getBean(DataSource.class);
            try (var connection = dataSource.getConnection()) {
                var copy = connection.unwrap(PGConnection.class).getCopyAPI();
                var perDocument = 500;
                for (int done = 0; done < remaining; ) {
                    var batch = new StringBuilder();
                    var s = siteIndex.get();
                    var document = UUID.randomUUID();
                    jdbc.update(
                            "INSERT INTO documents (id, site_id, title, content_type, content_hash) VALUES (?, ?, 'Bulk',"
                                    + " 'text/plain', ?)",
                            document,
                            sites.get(s),
                            document.toString());
                    for (int i = 0; i < perDocument && done < remaining; i++, done++) {
                        var text = sentence(random, topics.get(s), common, 60);
                        batch.append(sites.get(s))
                                .append('\t')
                                .append(document)
                                .append('\t')
                                .append(i)
                                .append("\tBulk\t")
                                .append(text)
                                .append('\t')
                                .append(Arrays.toString(FakeOpenAi.vector(text, 1536))
                                        .replace(" ", ""))
                                .append('\t')
                                .append(MODEL)
                                .append('\n');
                    }
                    copy.copyIn(
                            "COPY chunks (site_id, document_id, ordinal, title, content, embedding, embedding_model)"
                                    + " FROM STDIN",
                            new StringReader(batch.toString()));
                }
            }
            var loadSeconds = (System.nanoTime() - start) / 1e9;
            start = System.nanoTime();
            jdbc.execute("SET maintenance_work_mem = '2GB'");
            jdbc.execute("CREATE INDEX chunks_embedding_hnsw_idx ON chunks USING hnsw (embedding vector_cosine_ops)");
            jdbc.execute("ANALYZE chunks");
            var indexSeconds = (System.nanoTime() - start) / 1e9;
            var count = jdbc.queryForObject("SELECT count(*) FROM chunks", Integer.class);
            log.info(
                    "LOAD {} chunks over {} sites: bulk copy {} s, HNSW index build {} s",
                    count,
                    siteCount,
                    fmt(loadSeconds),
                    fmt(indexSeconds));

            // 3. Retrieval: questions in a site's own words; exact vector search is the truth.
            var questions = new ArrayList<String[]>();
            for (int q = 0; q < queries; q++) {
                var s = siteIndex.get();
                questions.add(new String[] {sites.get(s), sentence(random, topics.get(s), common, 6)});
            }
            warmUp(retriever, questions);
            var exact = new ArrayList<List<Long>>();
            var exactTimes = new long[queries];
            for (int q = 0; q < queries; q++) {
                var vector = FakeOpenAi.vector(questions.get(q)[1], 1536);
                var t = System.nanoTime();
                exact.add(ids(retriever.nearest(questions.get(q)[0], vector, 5, Chunks.Scan.EXACT)));
                exactTimes[q] = System.nanoTime() - t;
            }
            report("vector, exact scan of the site", exactTimes, exact, exact);
            for (var scan : List.of(Chunks.Scan.INDEX_STRICT, Chunks.Scan.INDEX_RELAXED)) {
                var times = new long[queries];
                var found = new ArrayList<List<Long>>();
                for (int q = 0; q < queries; q++) {
                    var vector = FakeOpenAi.vector(questions.get(q)[1], 1536);
                    var t = System.nanoTime();
                    found.add(ids(retriever.nearest(questions.get(q)[0], vector, 5, scan)));
                    times[q] = System.nanoTime() - t;
                }
                report(
                        "vector, HNSW iterative " + scan.name().toLowerCase(Locale.ROOT) + " (ef_search 100)",
                        times,
                        found,
                        exact);
            }
            var times = new long[queries];
            var hybridHits = 0;
            for (int q = 0; q < queries; q++) {
                var t = System.nanoTime();
                hybridHits += retriever
                        .search(questions.get(q)[0], questions.get(q)[1], 5)
                        .size();
                times[q] = System.nanoTime() - t;
            }
            log.info(
                    "RETRIEVE hybrid search as configured (embed over loopback + vector + full text + fusion): p50 {} ms,"
                            + " p99 {} ms, {} passages per question",
                    fmt(percentile(times, 50)),
                    fmt(percentile(times, 99)),
                    fmt(hybridHits / (double) queries));
        }
    }

    private static void warmUp(Retriever retriever, List<String[]> questions) {
        for (int i = 0; i < Math.min(20, questions.size()); i++) {
            var vector = FakeOpenAi.vector(questions.get(i)[1], 1536);
            retriever.nearest(questions.get(i)[0], vector, 5, Chunks.Scan.EXACT);
            retriever.nearest(questions.get(i)[0], vector, 5, Chunks.Scan.INDEX_STRICT);
            retriever.search(questions.get(i)[0], questions.get(i)[1], 5);
        }
    }

    private static void report(String name, long[] times, List<List<Long>> found, List<List<Long>> truth) {
        var hits = 0;
        var total = 0;
        for (int q = 0; q < found.size(); q++) {
            var expected = new HashSet<>(truth.get(q));
            total += expected.size();
            hits += (int) found.get(q).stream().filter(expected::contains).count();
        }
        log.info(
                "RETRIEVE {}: p50 {} ms, p99 {} ms, recall@5 {}",
                name,
                fmt(percentile(times, 50)),
                fmt(percentile(times, 99)),
                fmt(total == 0 ? 1 : hits / (double) total));
    }

    private static double percentile(long[] nanos, int p) {
        var sorted = nanos.clone();
        Arrays.sort(sorted);
        var index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, index)] / 1e6;
    }

    private static List<Long> ids(List<Chunks.Hit> hits) {
        return hits.stream().map(Chunks.Hit::id).toList();
    }

    private static List<String> words(String prefix, int count) {
        var out = new ArrayList<String>();
        for (int i = 0; i < count; i++) {
            out.add(prefix + Integer.toString(i * 7919 + 101, 36) + "q");
        }
        return out;
    }

    /** Words, 70% from the site's topic and 30% common to all sites. */
    private static String sentence(Random random, List<String> topic, List<String> common, int length) {
        var out = new StringBuilder();
        for (int i = 0; i < length; i++) {
            if (i > 0) {
                out.append(' ');
            }
            var pool = random.nextInt(10) < 7 ? topic : common;
            out.append(pool.get(random.nextInt(pool.size())));
        }
        return out.append('.').toString();
    }

    private static String fmt(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }
}
