package com.helloyuno.knowledge;

import static org.assertj.core.api.Assertions.assertThat;

import com.helloyuno.testsupport.FakeOpenAi;
import com.pgvector.PGvector;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The first pass of the vector search from memory ({@link QuantizedVectors}): it finds what the
 * same pass in PostgreSQL finds, never serves a site's chunks from before a change (whoever made
 * it: this service, another instance, SQL), never another site's, and stays within its size. Every
 * site here is kept in memory from its first chunk; the cache holds 1,024 chunks (200 bytes each).
 */
@LargeSitesInMemory
class QuantizedVectorsIntegrationTests extends KnowledgeIntegrationTest {

    private static final String MODEL = "text-embedding-3-small";

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
    MeterRegistry meters;

    @Autowired
    QuantizedVectors quantized;

    private final Random random = new Random(5);
    private final List<String> vocabulary = new ArrayList<>();

    @BeforeEach
    void words() {
        FakeOpenAi.shared().reset();
        for (int i = 0; i < 300; i++) {
            vocabulary.add("v" + Integer.toString(i * 7919 + 17, 36));
        }
    }

    @Test
    void aTriggerMovesTheSitesVersionAndCountWithEveryChangeToItsChunks() {
        var site = newSite(jdbc, "versions.example");
        var other = newSite(jdbc, "untouched.example");
        assertThat(chunks.knowledgeState(site)).isEqualTo(new Chunks.KnowledgeState(0, 0));

        var document = bulk(site, 30);
        bulk(other, 5);
        var afterInsert = chunks.knowledgeState(site);
        assertThat(afterInsert.chunks()).isEqualTo(30);
        var otherState = chunks.knowledgeState(other);

        // A re-embedding (the backfill's update) changes the vectors, not the count.
        template.update("UPDATE chunks SET embedding_model = 'another-model' WHERE site_id = ? AND ordinal < 3", site);
        var afterUpdate = chunks.knowledgeState(site);
        assertThat(afterUpdate.version()).isGreaterThan(afterInsert.version());
        assertThat(afterUpdate.chunks()).isEqualTo(30);

        // An update that touches no row of the site leaves its version alone.
        template.update("UPDATE chunks SET ordinal = ordinal WHERE site_id = ? AND false", site);
        assertThat(chunks.knowledgeState(site)).isEqualTo(afterUpdate);

        // Removing the document removes its chunks by cascade: counted, and the version moves.
        jdbc.sql("DELETE FROM documents WHERE id = ?").param(document).update();
        var afterDelete = chunks.knowledgeState(site);
        assertThat(afterDelete.chunks()).isZero();
        assertThat(afterDelete.version()).isGreaterThan(afterUpdate.version());

        // Another site's state never moved; deleting a site with chunks works and takes its row along.
        assertThat(chunks.knowledgeState(other)).isEqualTo(otherState);
        jdbc.sql("DELETE FROM sites WHERE site_id = ?").param(other).update();
        assertThat(jdbc.sql("SELECT count(*) FROM knowledge_versions WHERE site_id = ?")
                        .param(other)
                        .query(Long.class)
                        .single())
                .isZero();
    }

    @Test
    void theBitsInMemoryAreTheBitsPgvectorStores() {
        var random = new Random(3);
        for (int round = 0; round < 5; round++) {
            var vector = new float[1536];
            for (int i = 0; i < vector.length; i++) {
                vector[i] = (float) random.nextGaussian();
            }
            // The question's vector as the search sends it: a binary float4[] cast to halfvec.
            var stored = jdbc.sql("SELECT substring(bit_send(binary_quantize(?::real[]::halfvec)::bit(1536)) FROM 5)")
                    .param(vector)
                    .query(byte[].class)
                    .single();
            var words = java.nio.ByteBuffer.wrap(stored).asLongBuffer();
            var fromPostgres = new long[words.remaining()];
            words.get(fromPostgres);
            assertThat(fromPostgres).containsExactly(QuantizedVectors.bits(vector));
        }
    }

    @Test
    void theFirstPassFromMemoryFindsTheExactNearest() {
        var site = newSite(jdbc, "large.example");
        bulk(site, 700); // more than both depths (200 by their bits, 50 compared exactly): the passes decide
        var loads = meters.get("yuno.knowledge.vector.cache.loads").counter();
        var before = loads.count();

        var found = 0;
        for (int q = 0; q < 10; q++) {
            var vector = FakeOpenAi.vector(words(4), 1536);
            var fromMemory = ids(retriever.nearest(site, vector, 10, Chunks.Scan.QUANTIZED));
            var exact = ids(retriever.nearest(site, vector, 10, Chunks.Scan.EXACT));
            assertThat(fromMemory).hasSize(10).doesNotHaveDuplicates();
            assertThat(fromMemory.getFirst()).isEqualTo(exact.getFirst());
            found += (int) exact.stream().filter(fromMemory::contains).count();
        }
        // Approximate past the exact depth, as the benchmark's recall by site size shows: 95 % here at least.
        assertThat(found).isGreaterThanOrEqualTo(95);
        // Loaded once, then served from memory while nothing changed.
        assertThat(loads.count() - before).isEqualTo(1);
        assertThat(meters.get("yuno.knowledge.vector.cache.chunks").gauge().value())
                .isGreaterThanOrEqualTo(700);
    }

    @Test
    void aNewChunkIsFoundByTheNextSearchAndADeletedOneNeverAgainWhoeverChangedThem() {
        var site = newSite(jdbc, "changing.example");
        var other = newSite(jdbc, "neighbour.example");
        bulk(site, 400);
        bulk(other, 50);
        var question = words(5);
        var vector = FakeOpenAi.vector(question, 1536);
        assertThat(retriever.nearest(site, vector, 5, Chunks.Scan.QUANTIZED)).hasSize(5);

        // Another instance (here: plain SQL) adds a chunk whose vector is the question's own.
        var added = insertChunk(site, question);
        var found = ids(retriever.nearest(site, vector, 5, Chunks.Scan.QUANTIZED));
        assertThat(found.getFirst()).isEqualTo(added);

        // The same text in another site never reaches this one.
        var foreign = insertChunk(other, question + " elsewhere");
        assertThat(ids(retriever.nearest(
                        site, FakeOpenAi.vector(question + " elsewhere", 1536), 50, Chunks.Scan.QUANTIZED)))
                .doesNotContain(foreign)
                .allSatisfy(id -> assertThat(siteOf(id)).isEqualTo(site));

        // Deleted by SQL: gone from the next search.
        template.update("DELETE FROM chunks WHERE id = ?", added);
        assertThat(ids(retriever.nearest(site, vector, 5, Chunks.Scan.QUANTIZED)))
                .doesNotContain(added)
                .hasSize(5);

        // Re-embedded with another model: no longer a candidate of this model, then back again.
        var again = insertChunk(site, question);
        template.update("UPDATE chunks SET embedding_model = 'old-model' WHERE id = ?", again);
        assertThat(ids(retriever.nearest(site, vector, 5, Chunks.Scan.QUANTIZED)))
                .doesNotContain(again);
        template.update("UPDATE chunks SET embedding_model = ? WHERE id = ?", MODEL, again);
        assertThat(ids(retriever.nearest(site, vector, 5, Chunks.Scan.QUANTIZED))
                        .getFirst())
                .isEqualTo(again);

        // And through the hybrid search, as a visitor's question goes.
        assertThat(retriever.search(site, question, vector, 5, Chunks.Scan.QUANTIZED))
                .extracting(Passage::chunkId)
                .contains(again)
                .allSatisfy(id -> assertThat(siteOf(id)).isEqualTo(site));
    }

    @Test
    void aHybridSearchAnswersFromTheBitsItHoldsOnlyAtTheVersionItsOwnStatementReads() {
        var site = newSite(jdbc, "held.example");
        bulk(site, 300);
        var question = words(5);
        var vector = FakeOpenAi.vector(question, 1536);
        var loads = meters.get("yuno.knowledge.vector.cache.loads").counter();
        var outdated = meters.get("yuno.knowledge.vector.cache.outdated").counter();
        var first = chunkIds(retriever.search(site, question, vector, 5, Chunks.Scan.QUANTIZED));
        assertThat(first).hasSize(5);
        var loadsBefore = loads.count();
        var outdatedBefore = outdated.count();

        // Nothing changed: the bits held answer, as before, with nothing loaded or found outdated.
        assertThat(chunkIds(retriever.search(site, question, vector, 5, Chunks.Scan.QUANTIZED)))
                .isEqualTo(first);
        assertThat(loads.count()).isEqualTo(loadsBefore);
        assertThat(outdated.count()).isEqualTo(outdatedBefore);

        // Another instance (plain SQL) adds the question's own chunk: the statement reads the new
        // version, the held bits' answer is dropped, and the search goes the long way.
        var added = insertChunk(site, question);
        assertThat(chunkIds(retriever.search(site, question, vector, 5, Chunks.Scan.QUANTIZED))
                        .getFirst())
                .isEqualTo(added);
        assertThat(outdated.count()).isEqualTo(outdatedBefore + 1);
        assertThat(loads.count()).isEqualTo(loadsBefore + 1);

        // Deleted: gone from the very next search (stale bits could not bring it back, the rows being
        // read again in the statement; the counter shows the statement saw the change).
        template.update("DELETE FROM chunks WHERE id = ?", added);
        assertThat(chunkIds(retriever.search(site, question, vector, 5, Chunks.Scan.QUANTIZED)))
                .doesNotContain(added)
                .hasSize(5);
        assertThat(outdated.count()).isEqualTo(outdatedBefore + 2);

        // A site emptied: its version moves again and nothing of it is served from memory.
        template.update("DELETE FROM chunks WHERE site_id = ?", site);
        assertThat(retriever.search(site, question, vector, 5, Chunks.Scan.QUANTIZED))
                .isEmpty();
        assertThat(outdated.count()).isEqualTo(outdatedBefore + 3);
    }

    @Test
    void bitsFoundOutdatedAreNotOfferedAgainUntilTheSiteIsLoadedAgain() {
        var site = newSite(jdbc, "outdated.example");
        bulk(site, 120);
        search(site);
        var held = quantized.held(site, MODEL).orElseThrow();
        assertThat(held.state()).isEqualTo(chunks.knowledgeState(site));

        // Bits another load has replaced are not marked: only the ones a search found outdated.
        var replaced = new QuantizedVectors.SiteBits(held.bits().version(), MODEL, new long[0], new long[0]);
        quantized.outdated(site, replaced);
        assertThat(quantized.held(site, MODEL)).isPresent();
        assertThat(quantized.held(site, "another-model"))
                .as("bits of another model")
                .isEmpty();

        assertThat(quantized.stillOffered(site, held.bits())).isTrue();
        quantized.outdated(site, held.bits());
        assertThat(quantized.held(site, MODEL))
                .as("found outdated: searches read the version first until the site is loaded again")
                .isEmpty();
        assertThat(quantized.stillOffered(site, held.bits()))
                .as("a search that took them before waiting for its slot skips their statement")
                .isFalse();
        insertChunk(site, words(4));
        search(site); // the long way, which loads the site again (reload interval 0 here)
        assertThat(quantized.held(site, MODEL))
                .get()
                .satisfies(again -> assertThat(again.state()).isEqualTo(chunks.knowledgeState(site)));
        assertThat(quantized.stillOffered(site, held.bits()))
                .as("bits no longer held: the search's own statement decides")
                .isTrue();
    }

    private static List<Long> chunkIds(List<Passage> passages) {
        return passages.stream().map(Passage::chunkId).toList();
    }

    @Test
    void theCacheKeepsWithinItsSizeAndASiteLargerThanItIsSearchedInPostgresql() {
        var first = newSite(jdbc, "first.example");
        var second = newSite(jdbc, "second.example");
        var huge = newSite(jdbc, "huge.example");
        bulk(first, 700);
        bulk(second, 400);
        bulk(huge, 1_100);
        var cached = meters.get("yuno.knowledge.vector.cache.chunks").gauge();
        var loads = meters.get("yuno.knowledge.vector.cache.loads").counter();

        search(first);
        search(second);
        assertThat(cached.value()).isLessThanOrEqualTo(1_024);
        var before = loads.count();
        search(second); // still there
        assertThat(loads.count()).isEqualTo(before);
        search(first); // pushed out by the second: loaded again
        assertThat(loads.count()).isEqualTo(before + 1);
        assertThat(cached.value()).isLessThanOrEqualTo(1_024);

        // 1,100 chunks never fit: its first pass stays in PostgreSQL, with the same answer.
        var vector = FakeOpenAi.vector(words(4), 1536);
        var beforeHuge = loads.count();
        assertThat(ids(retriever.nearest(huge, vector, 10, Chunks.Scan.QUANTIZED)))
                .isEqualTo(ids(retriever.nearest(huge, vector, 10, Chunks.Scan.QUANTIZED_IN_DATABASE)));
        assertThat(loads.count()).isEqualTo(beforeHuge);
        assertThat(cached.value()).isLessThanOrEqualTo(1_024);
    }

    @Test
    void eachSiteCountsForMoreThanItsChunksSoThatManySmallSitesCannotOverfillTheCache() {
        var first = newSite(jdbc, "first-of-two.example");
        var second = newSite(jdbc, "second-of-two.example");
        // 700 + 321 chunks fit in 1,024; with each site's overhead (2 chunks' worth) they do not.
        bulk(first, 700);
        bulk(second, 321);
        var loads = meters.get("yuno.knowledge.vector.cache.loads").counter();

        search(first);
        search(second);
        var before = loads.count();
        search(first);

        assertThat(loads.count())
                .as("the first site was pushed out by the second")
                .isEqualTo(before + 1);
        assertThat(meters.get("yuno.knowledge.vector.cache.chunks").gauge().value())
                .isLessThanOrEqualTo(1_024);
    }

    private void search(String site) {
        assertThat(retriever.nearest(site, FakeOpenAi.vector(words(3), 1536), 5, Chunks.Scan.QUANTIZED))
                .hasSize(5);
    }

    private String words(int count) {
        return random.ints(count, 0, vocabulary.size())
                .mapToObj(vocabulary::get)
                .collect(Collectors.joining(" "));
    }

    /** {@code count} chunks of random words with their fake embeddings, in one document; its id. */
    private UUID bulk(String site, int count) {
        var document = document(site);
        var rows = new ArrayList<Object[]>();
        for (int i = 0; i < count; i++) {
            var text = words(12);
            rows.add(new Object[] {site, document, i, text, new PGvector(FakeOpenAi.vector(text, 1536)), MODEL});
        }
        template.batchUpdate(
                "INSERT INTO chunks (site_id, document_id, ordinal, title, content, embedding, embedding_model)"
                        + " VALUES (?, ?, ?, 'Bulk', ?, ?, ?)",
                rows);
        return document;
    }

    private long insertChunk(String site, String text) {
        return jdbc.sql("""
                        INSERT INTO chunks (site_id, document_id, ordinal, title, content, embedding, embedding_model)
                        VALUES (?, ?, 0, 'Added', ?, ?, ?) RETURNING id""")
                .params(site, document(site), text, new PGvector(FakeOpenAi.vector(text, 1536)), MODEL)
                .query(Long.class)
                .single();
    }

    private UUID document(String site) {
        var document = UUID.randomUUID();
        jdbc.sql("INSERT INTO documents (id, site_id, title, content_type, content_hash) VALUES (?, ?, 'Bulk',"
                        + " 'text/plain', ?)")
                .params(document, site, document.toString())
                .update();
        return document;
    }

    private String siteOf(long chunkId) {
        return jdbc.sql("SELECT site_id FROM chunks WHERE id = ?")
                .param(chunkId)
                .query(String.class)
                .single();
    }

    private static List<Long> ids(List<Chunks.Hit> hits) {
        return hits.stream().map(Chunks.Hit::id).toList();
    }
}
