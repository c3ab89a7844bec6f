package com.helloyuno.knowledge;

import static org.assertj.core.api.Assertions.assertThat;

import com.helloyuno.llm.Embeddings;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Without {@code OPENAI_API_KEY}: chunks are stored without vectors and found by full text. */
@SpringBootTest(properties = {"yuno.llm.openai-api-key=", "spring.datasource.hikari.maximum-pool-size=3"})
class OfflineKnowledgeIntegrationTests {

    @Autowired
    Ingestion ingestion;

    @Autowired
    Retriever retriever;

    @Autowired
    Embeddings embeddings;

    @Autowired
    EmbeddingBackfill backfill;

    @Autowired
    JdbcClient jdbc;

    @Test
    void storesChunksWithoutVectorsAndRetrievesThemByFullText() {
        assertThat(embeddings.available()).isFalse();
        var site = KnowledgeIntegrationTest.newSite(jdbc, "offline.example");
        var result = ingestion.ingestText(
                site,
                "Help",
                null,
                "# Refund policy\nRefunds are paid within thirty days.\n\n# Shipping\nParcels leave in two days.",
                "text/markdown");

        assertThat(jdbc.sql("SELECT count(*) FROM chunks WHERE document_id = ? AND embedding IS NULL")
                        .param(result.documentId())
                        .query(Integer.class)
                        .single())
                .isEqualTo(2);
        var passages = retriever.search(site, "how long do refunds take?");
        assertThat(passages).first().satisfies(p -> {
            assertThat(p.headingPath()).isEqualTo("Refund policy");
            assertThat(p.score()).isEqualTo(1.0);
        });
        assertThat(retriever.search(site, "parcels"))
                .singleElement()
                .satisfies(p -> assertThat(p.headingPath()).isEqualTo("Shipping"));
        assertThat(retriever.search(site, "unrelated astronomy")).isEmpty();
        assertThat(backfill.fillMissing()).isZero();
    }
}
