package com.helloyuno.knowledge;

import static org.assertj.core.api.Assertions.assertThat;

import com.helloyuno.testsupport.FakeOpenAi;
import com.pgvector.PGvector;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

class RetrieverIntegrationTests extends KnowledgeIntegrationTest {

    @Autowired
    Retriever retriever;

    @Autowired
    Ingestion ingestion;

    @Autowired
    Chunks chunks;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    JdbcTemplate template;

    @Autowired
    KnowledgeSettings settings;

    String site;
    String otherSite;

    @BeforeEach
    void twoSitesWithTheSameKindOfContent() {
        FakeOpenAi.shared().reset();
        site = newSite(jdbc, "shop.example");
        otherSite = newSite(jdbc, "other.example");
        for (var s : List.of(site, otherSite)) {
            ingestion.ingestText(
                    s,
                    "Help centre",
                    "https://" + (s.equals(site) ? "shop" : "other") + ".example/help",
                    """
                    # Refund policy
                    If you are not satisfied, we reimburse the full amount within thirty days of purchase.

                    # Shipping
                    Orders leave our warehouse within two working days; parcels abroad take a week.

                    # Warranty
                    Article SKU-4471 carries a two-year warranty covering defects in materials.

                    # Opening hours
                    The shop opens Monday to Friday from nine to five.
                    """ + (s.equals(otherSite) ? "\n# Secret\nOnly the other site knows the word zanzibar.\n" : ""),
                    "text/markdown");
        }
    }

    @Autowired
    javax.sql.DataSource dataSource;

    @Autowired
    io.micrometer.core.instrument.MeterRegistry meters;

    @Test
    void aQuestionAskedAgainOfTheSameSiteFindsTheSamePassagesWithoutAnotherEmbeddingsCall() {
        var question = "How many days do I have to get my money back?";

        var first = retriever.search(site, question);
        var again = retriever.search(site, question);
        var elsewhere = retriever.search(otherSite, question);

        assertThat(first).isNotEmpty();
        assertThat(again).isEqualTo(first);
        assertThat(elsewhere).isNotEmpty();
        // One call for the first site's two searches, one for the other site's: a site's askers
        // are never served another site's remembered questions.
        assertThat(FakeOpenAi.shared().embeddingRequests().stream()
                        .filter(request -> request.inputs().contains(question)))
                .hasSize(2);
    }

    @Test
    void searchesBeyondTheirSlotsAreRefusedAsBusyAfterTheirWaitWhileTheOthersFinish() throws Exception {
        // As many searches as yuno.knowledge.retrieval.max-concurrent stuck inside PostgreSQL on a lock.
        var slots = settings.retrieval().maxConcurrent();
        try (var lock = dataSource.getConnection();
                var executor = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            lock.setAutoCommit(false);
            lock.createStatement().execute("LOCK TABLE chunks IN ACCESS EXCLUSIVE MODE");
            var stuck = new ArrayList<java.util.concurrent.Future<List<Passage>>>();
            for (int i = 0; i < slots; i++) {
                stuck.add(executor.submit(() -> retriever.search(site, "refund policy")));
            }
            var inFlight = meters.get("yuno.knowledge.searches.in.flight").gauge();
            var until = System.nanoTime() + 10_000_000_000L;
            while (inFlight.value() < slots && System.nanoTime() < until) {
                Thread.sleep(10);
            }
            assertThat(inFlight.value()).isEqualTo(slots);

            // One more waits its max-wait (1 s) for a slot, not the pool's time-out, and is told why.
            var started = System.nanoTime();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> retriever.search(site, "refund policy"))
                    .isInstanceOf(RetrievalBusy.class)
                    .isInstanceOf(org.springframework.dao.DataAccessException.class);
            assertThat((System.nanoTime() - started) / 1_000_000).isBetween(900L, 2_900L);

            lock.rollback();
            for (var search : stuck) {
                assertThat(search.get(10, java.util.concurrent.TimeUnit.SECONDS))
                        .extracting(Passage::content)
                        .anySatisfy(content -> assertThat(content).contains("reimburse"));
            }
            assertThat(inFlight.value()).isZero();
        }
        assertThat(retriever.search(site, "refund policy")).isNotEmpty();
    }

    @Test
    void findsTheRightChunkForAParaphrasedQuestion() {
        // None of these words is in the refund chunk: only its vector can find it.
        assertThat(chunks.fullTextExact(site, "Can I get my money back?", List.of("english_stem"), 10))
                .isEmpty();

        var passages = retriever.search(site, "Can I get my money back?");

        assertThat(passages).isNotEmpty();
        assertThat(passages.getFirst().headingPath()).isEqualTo("Refund policy");
        assertThat(passages.getFirst().title()).isEqualTo("Help centre");
        assertThat(passages.getFirst().url()).isEqualTo("https://shop.example/help");
        assertThat(passages.getFirst().score()).isBetween(0.0, 1.0);
    }

    @Test
    void findsTheRightChunkForAKeyword() {
        var passages = retriever.search(site, "SKU-4471");

        assertThat(passages.getFirst().headingPath()).isEqualTo("Warranty");
        assertThat(passages.getFirst().content()).contains("two-year warranty");
    }

    @Test
    void aChunkFoundByBothSearchesRanksFirstWithTheHighestScore() {
        var passages = retriever.search(site, "When are parcels shipped abroad?");

        assertThat(passages.getFirst().headingPath()).isEqualTo("Shipping");
        assertThat(passages.getFirst().score()).isEqualTo(1.0);
    }

    /**
     * The full-text half ranks a bounded pool: with 150 chunks matching a word and room for 20, the
     * chunk holding all the question's telling words is still found and ranked first, as the
     * unbounded ranking has it; quotes and backslashes in words are only words.
     */
    @Test
    void boundedFullTextStillFindsTheChunkHoldingEveryTellingWord() {
        var busy = newSite(jdbc, "busy.example");
        var text = new StringBuilder();
        for (int i = 0; i < 150; i++) {
            text.append("# Part ")
                    .append(i)
                    .append("\nOur widget number ")
                    .append(i)
                    .append(" ships today.\n\n");
        }
        text.append("# Special\nThe widget sprocket gizmo is the rare one.\n");
        assertThat(ingestion
                        .ingestText(busy, "Catalogue", null, text.toString(), "text/markdown")
                        .chunks())
                .isEqualTo(151);
        var dictionaries = List.of("english_stem");

        var bounded = chunks.fullText(busy, "widget sprocket gizmo", List.of(), false, dictionaries, 20, 1000, 5);
        var exact = chunks.fullTextExact(busy, "widget sprocket gizmo", dictionaries, 5);

        assertThat(bounded).isNotEmpty();
        assertThat(bounded.getFirst().id()).isEqualTo(exact.getFirst().id());
        assertThat(content(bounded.getFirst().id())).contains("sprocket gizmo");
        // Words common in other sites' text only pick the pool: the same answer when all are common.
        assertThat(withCommonWords(
                                jdbc,
                                dataSource,
                                List.of("widget", "sprocket", "gizmo"),
                                () -> chunks.fullText(
                                        busy, "widget sprocket gizmo", List.of(), false, dictionaries, 20, 1000, 5))
                        .getFirst()
                        .id())
                .isEqualTo(bounded.getFirst().id());
        // Words common in this site's own chunks pick nothing either: with every word its own
        // common word and no row-reading tier (text-scan-rows 0), only the chunks the vector half
        // found are ranked, and the same ranks come out for them.
        var vectorFound = List.of(bounded.getFirst().id());
        siteCommonWords(jdbc, busy, List.of("widget", "sprocket", "gizmo"));
        assertThat(chunks.fullText(busy, "widget sprocket gizmo", List.of(), true, dictionaries, 20, 0, 5))
                .isEmpty();
        assertThat(chunks.fullText(busy, "widget sprocket gizmo", vectorFound, true, dictionaries, 20, 0, 5))
                .containsExactly(bounded.getFirst());
        // The site's own words count only when the search says so.
        assertThat(chunks.fullText(busy, "widget sprocket gizmo", List.of(), false, dictionaries, 20, 0, 5))
                .isNotEmpty();
        // One word rare in the site picks its chunks again.
        siteCommonWords(jdbc, busy, List.of("widget", "sprocket"));
        assertThat(chunks.fullText(busy, "widget sprocket gizmo", List.of(), true, dictionaries, 20, 0, 5)
                        .getFirst())
                .isEqualTo(bounded.getFirst());
        assertThat(chunks.fullText(
                        busy,
                        "O'Brien's back\\slash 'quoted' \"x\" & | !",
                        List.of(),
                        false,
                        dictionaries,
                        20,
                        1000,
                        5))
                .isEmpty();
    }

    /**
     * When every word of the question is common, a site of at most {@code text-scan-rows} chunks
     * is ranked exactly as the unbounded ranking has it (its rows are read); a larger one only
     * through the index, by the chunks holding every word.
     */
    @Test
    void aQuestionOfCommonWordsRanksASmallSiteInFullAndALargerOneByTheChunksHoldingEveryWord() {
        var small = newSite(jdbc, "small.example");
        var text = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            text.append("# Part ").append(i).append('\n');
            // "alpha" in every chunk, "beta" in every third, "gamma" in every fifth, never all three.
            text.append(i % 15 == 0 ? "beta " : "alpha ".repeat(1 + i % 4));
            text.append(i % 3 == 0 ? "beta beta " : "").append(i % 5 == 0 && i % 15 != 0 ? "gamma" : "");
            text.append("\n\n");
        }
        assertThat(ingestion
                        .ingestText(small, "Parts", null, text.toString(), "text/markdown")
                        .chunks())
                .isEqualTo(30);
        var dictionaries = List.of("english_stem");
        var common = List.of("alpha", "beta", "gamma");

        var exact = chunks.fullTextExact(small, "alpha beta gamma", dictionaries, 40);
        var pooled = withCommonWords(
                jdbc,
                dataSource,
                common,
                () -> chunks.fullText(small, "alpha beta gamma", List.of(), false, dictionaries, 100, 30, 40));
        var asLarge = withCommonWords(
                jdbc,
                dataSource,
                common,
                () -> chunks.fullText(small, "alpha beta gamma", List.of(), false, dictionaries, 100, 29, 40));
        var bothAsLarge = withCommonWords(
                jdbc,
                dataSource,
                common,
                () -> chunks.fullText(small, "alpha beta", List.of(), false, dictionaries, 100, 29, 40));

        assertThat(exact).hasSize(30);
        assertThat(pooled).extracting(Chunks.Hit::id).containsExactlyElementsOf(ids(exact));
        assertThat(asLarge).isEmpty();
        assertThat(bothAsLarge)
                .hasSize(8)
                .allSatisfy(hit -> assertThat(content(hit.id())).contains("alpha", "beta"));
    }

    @Test
    void nothingRelevantGivesNothing() {
        assertThat(retriever.search(site, "quantum astronomy of zebras")).isEmpty();
        assertThat(retriever.search(site, "   ")).isEmpty();
    }

    @Test
    void neverReturnsAnotherSitesChunk() {
        var mine = chunkIds(site);

        assertThat(retriever.search(site, "zanzibar")).isEmpty();
        for (var question : List.of("refund", "shipping abroad", "SKU-4471 warranty", "opening hours", "zanzibar")) {
            assertThat(retriever.search(site, question, 20))
                    .as(question)
                    .allSatisfy(p -> assertThat(mine).contains(p.chunkId()));
        }
        assertThat(retriever.search(otherSite, "zanzibar"))
                .singleElement()
                .satisfies(p -> assertThat(p.headingPath()).isEqualTo("Secret"));
    }

    @Test
    void topKIsHonouredAndCapped() {
        assertThat(retriever.search(site, "shop warranty shipping refund hours", 2))
                .hasSize(2);
        for (int i = 0; i < 30; i++) {
            ingestion.ingestText(
                    site,
                    "Warranty note " + i,
                    null,
                    "Warranty note number " + i + ": the warranty covers spare part " + i + ".",
                    "text/plain");
        }
        // 30 and more chunks match: a caller asking for 1,000 gets the configured cap of 20.
        assertThat(retriever.search(site, "warranty", 1000)).hasSize(20);
    }

    /**
     * 50 sites share 2,000 chunks; one holds 10 of them (0.5%). The quantized scan reads only the
     * site's own bits, so it returns the site's full top-k, and for a site no larger than the exact
     * re-ranking depth (50) exactly the exact scan's top-k.
     */
    @Test
    void aSiteWithATinyShareOfAllChunksStillGetsItsFullTopK() {
        final int K = 5;
        var random = new Random(42);
        var vocabulary = new ArrayList<String>();
        for (int i = 0; i < 400; i++) {
            vocabulary.add("w" + Integer.toString(i * 7919 + 13, 36));
        }
        var sites = new ArrayList<String>();
        for (int i = 0; i < 50; i++) {
            sites.add(newSite(jdbc, "site" + i + ".example"));
        }
        var small = sites.getFirst();
        var perSite = new HashMap<String, Set<Long>>();
        var total = 2_000;
        var smallCount = total / 200;
        var rows = new ArrayList<Object[]>();
        var documents = new HashMap<String, UUID>();
        for (var s : sites) {
            var document = UUID.randomUUID();
            documents.put(s, document);
            jdbc.sql("INSERT INTO documents (id, site_id, title, content_type, content_hash) VALUES (?, ?, 'Bulk',"
                            + " 'text/plain', ?)")
                    .params(document, s, document.toString())
                    .update();
        }
        var owners = new ArrayList<String>();
        for (int i = 0; i < total; i++) {
            owners.add(i < smallCount ? small : sites.get(1 + random.nextInt(49)));
        }
        java.util.Collections.shuffle(owners, random);
        for (int i = 0; i < total; i++) {
            var s = owners.get(i);
            var text = random.ints(12, 0, vocabulary.size())
                    .mapToObj(vocabulary::get)
                    .collect(Collectors.joining(" "));
            rows.add(new Object[] {
                s,
                documents.get(s),
                i,
                "Bulk",
                text,
                new PGvector(FakeOpenAi.vector(text, 1536)),
                "text-embedding-3-small"
            });
        }
        template.batchUpdate(
                "INSERT INTO chunks (site_id, document_id, ordinal, title, content, embedding, embedding_model)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?)",
                rows);
        template.execute("ANALYZE chunks");
        for (var s : sites) {
            perSite.put(s, chunkIds(s));
        }
        assertThat(perSite.get(small)).hasSize(smallCount);

        for (int q = 0; q < 5; q++) {
            var question = random.ints(4, 0, vocabulary.size())
                    .mapToObj(vocabulary::get)
                    .collect(Collectors.joining(" "));
            var vector = FakeOpenAi.vector(question, 1536);
            var exact = ids(retriever.nearest(small, vector, K, Chunks.Scan.EXACT));
            assertThat(exact).hasSize(K);
            assertThat(perSite.get(small)).containsAll(exact);
            assertThat(ids(retriever.nearest(small, vector, K, Chunks.Scan.QUANTIZED)))
                    .isEqualTo(exact);
        }
        var vector = new PGvector(FakeOpenAi.vector("any question at all", 1536));
        // The first pass is answered from the covering index alone, never a scan of all chunks.
        template.execute("VACUUM ANALYZE chunks");
        var plan = String.join(
                "\n",
                template.queryForList(
                        "EXPLAIN " + Chunks.QUANTIZED_SCAN,
                        String.class,
                        small,
                        "text-embedding-3-small",
                        Chunks.bits(FakeOpenAi.vector("any question at all", 1536)),
                        200,
                        vector,
                        K));
        assertThat(plan).contains("Index Only Scan using chunks_site_bits_idx").doesNotContain("Seq Scan");
        // No query of any site returns another site's chunk, whichever half finds it.
        for (var s : sites.subList(0, 10)) {
            var question = random.ints(3, 0, vocabulary.size())
                    .mapToObj(vocabulary::get)
                    .collect(Collectors.joining(" "));
            assertThat(retriever.search(s, question, 20))
                    .allSatisfy(p -> assertThat(perSite.get(s)).contains(p.chunkId()));
            assertThat(ids(retriever.nearest(s, FakeOpenAi.vector(question, 1536), 50, Chunks.Scan.QUANTIZED)))
                    .allSatisfy(id -> assertThat(perSite.get(s)).contains(id));
        }
    }

    private Set<Long> chunkIds(String siteId) {
        return new HashSet<>(jdbc.sql("SELECT id FROM chunks WHERE site_id = ?")
                .param(siteId)
                .query(Long.class)
                .list());
    }

    private String content(long chunkId) {
        return jdbc.sql("SELECT content FROM chunks WHERE id = ?")
                .param(chunkId)
                .query(String.class)
                .single();
    }

    private static List<Long> ids(List<Chunks.Hit> hits) {
        return hits.stream().map(Chunks.Hit::id).toList();
    }
}
