package com.helloyuno.knowledge;

import static org.assertj.core.api.Assertions.assertThat;

import com.helloyuno.testsupport.FakeOpenAi;
import com.pgvector.PGvector;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Large sites get an HNSW index of their own: here "large" is 100 chunks, so that the test can
 * make one. The index is built, used for the site's searches only, returns the site's own chunks
 * in the exact order, and goes when the site shrinks below half the threshold.
 */
@TestPropertySource(properties = "yuno.knowledge.retrieval.site-index-min-chunks=100")
class SiteVectorIndexesIntegrationTests extends KnowledgeIntegrationTest {

    @Autowired
    SiteVectorIndexes indexes;

    @Autowired
    Retriever retriever;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    JdbcTemplate template;

    @Autowired
    TransactionTemplate transactions;

    @Autowired
    DataSource dataSource;

    private final Random random = new Random(5);
    private final List<String> vocabulary = words();

    @Test
    void aLargeSiteGetsItsOwnIndexWhichAnswersItsSearchesExactlyAndGoesWhenItShrinks() throws Exception {
        var large = newSite(jdbc, "large.example");
        var alsoLarge = newSite(jdbc, "also-large.example");
        var small = newSite(jdbc, "small.example");
        addChunks(large, 130);
        addChunks(alsoLarge, 120);
        addChunks(small, 20);
        // (The application's own first round may hold the lock: the first round of ours builds.)
        var round = indexes.check();
        while (!round.led()) {
            Thread.sleep(100);
            round = indexes.check();
        }

        assertThat(round.built()).isGreaterThanOrEqualTo(2);
        assertThat(indexes.has(large)).isTrue();
        assertThat(indexes.has(alsoLarge)).isTrue();
        assertThat(indexes.has(small)).isFalse();
        assertThat(retriever.scanFor(large)).isEqualTo(Chunks.Scan.SITE_INDEX);
        assertThat(retriever.scanFor(small)).isEqualTo(Chunks.Scan.QUANTIZED);
        // The search really walks the site's own index.
        var vector = new PGvector(FakeOpenAi.vector(question(), 1536));
        var plan = transactions.execute(status -> {
            template.execute("SET LOCAL enable_sort = off");
            return String.join(
                    "\n",
                    template.queryForList(
                            "EXPLAIN " + Chunks.siteIndexScan(large),
                            String.class,
                            vector,
                            "text-embedding-3-small",
                            vector,
                            5));
        });
        assertThat(plan).contains("chunks_hnsw_" + large);
        // The site's own chunks only, in the exact scan's order (a graph this small is walked whole).
        var mine = chunkIds(large);
        for (int q = 0; q < 5; q++) {
            var question = FakeOpenAi.vector(question(), 1536);
            var found = ids(retriever.nearest(large, question, 10, Chunks.Scan.SITE_INDEX));
            assertThat(found).hasSize(10);
            assertThat(mine).containsAll(found);
            assertThat(found).isEqualTo(ids(retriever.nearest(large, question, 10, Chunks.Scan.EXACT)));
        }
        assertThat(retriever.search(large, question(), 5))
                .isNotEmpty()
                .allSatisfy(passage -> assertThat(mine).contains(passage.chunkId()));

        // Below half the threshold, the index goes and searches scan again.
        jdbc.sql("DELETE FROM chunks WHERE site_id = ? AND ordinal >= 40")
                .param(large)
                .update();
        round = indexes.check();

        assertThat(round.dropped()).isGreaterThanOrEqualTo(1);
        assertThat(indexes.has(large)).isFalse();
        assertThat(indexes.has(alsoLarge)).isTrue();
        assertThat(retriever.scanFor(large)).isEqualTo(Chunks.Scan.QUANTIZED);
        assertThat(template.queryForList(
                        "SELECT indexname FROM pg_indexes WHERE indexname = ?", String.class, "chunks_hnsw_" + large))
                .isEmpty();
        jdbc.sql("DELETE FROM chunks WHERE site_id = ?").param(alsoLarge).update();
        indexes.check();
        assertThat(indexes.has(alsoLarge)).isFalse();
    }

    @Test
    void whileAnotherInstanceHoldsTheLockNothingIsBuiltButTheIndexesAreStillRead() throws Exception {
        // (The application's own first round may still run: wait for it.)
        while (!indexes.check().led()) {
            Thread.sleep(100);
        }
        var large = newSite(jdbc, "locked.example");
        addChunks(large, 110);
        try (var other = dataSource.getConnection();
                var lock = other.prepareStatement("SELECT pg_advisory_lock(?)")) {
            lock.setLong(1, 0x79756e6f686e7377L);
            lock.execute();
            var round = indexes.check();
            assertThat(round.led()).isFalse();
            assertThat(round.built()).isZero();
            assertThat(indexes.has(large)).isFalse();
            try (var unlock = other.prepareStatement("SELECT pg_advisory_unlock(?)")) {
                unlock.setLong(1, 0x79756e6f686e7377L);
                unlock.execute();
            }
        }
        assertThat(indexes.check().built()).isGreaterThanOrEqualTo(1);
        assertThat(indexes.has(large)).isTrue();
        jdbc.sql("DELETE FROM chunks WHERE site_id = ?").param(large).update();
        indexes.check();
        assertThat(indexes.has(large)).isFalse();
    }

    private void addChunks(String siteId, int count) {
        var document = UUID.randomUUID();
        jdbc.sql("INSERT INTO documents (id, site_id, title, content_type, content_hash) VALUES (?, ?, 'Bulk',"
                        + " 'text/plain', ?)")
                .params(document, siteId, document.toString())
                .update();
        var rows = new ArrayList<Object[]>();
        for (int i = 0; i < count; i++) {
            var text = random.ints(12, 0, vocabulary.size())
                    .mapToObj(vocabulary::get)
                    .collect(Collectors.joining(" "));
            rows.add(new Object[] {
                siteId, document, i, text, new PGvector(FakeOpenAi.vector(text, 1536)), "text-embedding-3-small"
            });
        }
        template.batchUpdate(
                "INSERT INTO chunks (site_id, document_id, ordinal, content, embedding, embedding_model)"
                        + " VALUES (?, ?, ?, ?, ?, ?)",
                rows);
    }

    private String question() {
        return random.ints(4, 0, vocabulary.size()).mapToObj(vocabulary::get).collect(Collectors.joining(" "));
    }

    private HashSet<Long> chunkIds(String siteId) {
        return new HashSet<>(jdbc.sql("SELECT id FROM chunks WHERE site_id = ?")
                .param(siteId)
                .query(Long.class)
                .list());
    }

    private static List<Long> ids(List<Chunks.Hit> hits) {
        return hits.stream().map(Chunks.Hit::id).toList();
    }

    private static List<String> words() {
        var out = new ArrayList<String>();
        for (int i = 0; i < 300; i++) {
            out.add("v" + Integer.toString(i * 7919 + 17, 36));
        }
        return out;
    }
}
