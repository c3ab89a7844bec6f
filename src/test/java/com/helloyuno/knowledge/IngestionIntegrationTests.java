package com.helloyuno.knowledge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.helloyuno.problem.ApiException;
import com.helloyuno.testsupport.FakeOpenAi;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

class IngestionIntegrationTests extends KnowledgeIntegrationTest {

    @Autowired
    Ingestion ingestion;

    @Autowired
    Documents documents;

    @Autowired
    EmbeddingBackfill backfill;

    @Autowired
    JdbcClient jdbc;

    String site;

    @BeforeEach
    void site() {
        site = newSite(jdbc, "example.com");
        FakeOpenAi.shared().reset();
    }

    @AfterEach
    void healthyProvider() {
        FakeOpenAi.shared().reset();
    }

    @Test
    void ingestsPlainTextWithEmbeddings() {
        var result = ingestion.ingestText(
                site, "Opening hours", null, "We open at nine.\n\nWe close at five.", "text/plain");

        assertThat(result.created()).isTrue();
        assertThat(result.chunks()).isEqualTo(1);
        var row = jdbc.sql("SELECT d.content_type, d.source, c.title, c.content, c.embedding_model,"
                        + " c.embedding IS NOT NULL AS embedded FROM documents d JOIN chunks c ON c.document_id = d.id"
                        + " WHERE d.id = ?")
                .param(result.documentId())
                .query()
                .singleRow();
        assertThat(row)
                .containsEntry("content_type", "text/plain")
                .containsEntry("source", "api")
                .containsEntry("title", "Opening hours")
                .containsEntry("content", "We open at nine.\n\nWe close at five.")
                .containsEntry("embedding_model", "text-embedding-3-small")
                .containsEntry("embedded", true);
    }

    @Test
    void ingestsMarkdownKeepingHeadingPaths() {
        var result = ingestion.ingestText(
                site,
                null,
                "https://example.com/handbook",
                "# Pricing\nPlans start at ten euros.\n\n## Refunds\nRefunds within thirty days.\n",
                "text/markdown");

        assertThat(headingPaths(result.documentId())).containsExactly("Pricing", "Pricing > Refunds");
        assertThat(jdbc.sql("SELECT DISTINCT title || ' ' || url FROM chunks WHERE document_id = ?")
                        .param(result.documentId())
                        .query(String.class)
                        .single())
                .isEqualTo("Pricing https://example.com/handbook");
    }

    @Test
    void aLongDocumentIsStoredWholeWithItsTextIntactAndMovesTheVersionOnlyAFewTimes() {
        // More chunks than one INSERT writes (500), and text an SQL array literal has to quote.
        var tricky = "Quotes \"q\", a back\\slash, {braces}, commas, NULL and 'apostrophes'.";
        var markdown = new StringBuilder(tricky).append("\n\n");
        for (int i = 0; i < 520; i++) {
            markdown.append("## Part ")
                    .append(i)
                    .append("\n\nSection number ")
                    .append(i)
                    .append(".\n\n");
        }
        var before = jdbc.sql("SELECT last_value FROM knowledge_version_seq")
                .query(Long.class)
                .single();

        var result = ingestion.ingestText(site, "Long", null, markdown.toString(), "text/markdown");

        assertThat(result.chunks()).isEqualTo(521);
        var rows = jdbc.sql("""
                        SELECT ordinal, heading_path, content, embedding IS NOT NULL AND embedding_model IS NOT NULL
                               AS embedded, text_config::text AS config
                        FROM chunks WHERE document_id = ? ORDER BY ordinal""").param(result.documentId()).query().listOfRows();
        assertThat(rows).hasSize(521);
        assertThat(rows.getFirst())
                .containsEntry("ordinal", 0)
                .containsEntry("heading_path", null)
                .containsEntry("content", tricky)
                .containsEntry("config", "simple");
        assertThat(rows.get(520))
                .containsEntry("ordinal", 520)
                .containsEntry("heading_path", "Part 519")
                .containsEntry("content", "Section number 519.");
        assertThat(rows).allSatisfy(row -> assertThat(row).containsEntry("embedded", true));
        assertThat(jdbc.sql("SELECT chunks FROM knowledge_versions WHERE site_id = ?")
                        .param(site)
                        .query(Long.class)
                        .single())
                .isEqualTo(521);
        // The site's version moves once per statement (V10's trigger): two INSERTs, not 521 (a
        // margin for the other sites' writes of background work).
        var after = jdbc.sql("SELECT last_value FROM knowledge_version_seq")
                .query(Long.class)
                .single();
        assertThat(after - before).isBetween(1L, 10L);

        // The backfill's update is one statement too: every vector filled again, the count kept.
        jdbc.sql("UPDATE chunks SET embedding_model = 'an-older-model' WHERE document_id = ?")
                .param(result.documentId())
                .update();
        var beforeBackfill = jdbc.sql("SELECT last_value FROM knowledge_version_seq")
                .query(Long.class)
                .single();
        // The service's own backfill may take some of them in the background: whichever runs, none stay.
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            backfill.fillMissing();
            return jdbc.sql("SELECT count(*) FROM chunks WHERE document_id = ? AND embedding_model = 'an-older-model'")
                            .param(result.documentId())
                            .query(Long.class)
                            .single()
                    == 0;
        });
        assertThat(jdbc.sql("SELECT last_value FROM knowledge_version_seq")
                                .query(Long.class)
                                .single()
                        - beforeBackfill)
                .isLessThan(100L);
    }

    @Test
    void ingestsHtmlKeepingHeadingsAndDroppingScripts() {
        var result = ingestion.ingestText(
                site,
                null,
                null,
                "<html><head><title>Shipping</title><script>var secret = 1;</script></head><body>"
                        + "<h1>Delivery</h1><p>Parcels leave in two days.</p><h2>Abroad</h2><p>Five days.</p></body></html>",
                "text/html; charset=utf-8");

        assertThat(headingPaths(result.documentId())).containsExactly("Delivery", "Delivery > Abroad");
        assertThat(contents(result.documentId())).noneMatch(c -> c.contains("secret"));
        assertThat(jdbc.sql("SELECT title FROM documents WHERE id = ?")
                        .param(result.documentId())
                        .query(String.class)
                        .single())
                .isEqualTo("Shipping");
    }

    @Test
    void ingestsAnUploadedPdf() throws Exception {
        var pdf = TextExtractorTests.pdf("Warranty", "The warranty lasts two years.", "Batteries are covered for one.");

        var result = ingestion.ingestFile(site, "warranty.pdf", "application/pdf", pdf, null, null);

        assertThat(result.created()).isTrue();
        assertThat(String.join(" ", contents(result.documentId())))
                .contains("The warranty lasts two years.", "Batteries are covered for one.");
        assertThat(jdbc.sql("SELECT content_type || ' ' || source FROM documents WHERE id = ?")
                        .param(result.documentId())
                        .query(String.class)
                        .single())
                .isEqualTo("application/pdf upload");
    }

    @Test
    void ingestsUploadedMarkdownAndTextByTheirNames() {
        var md = ingestion.ingestFile(
                site,
                "guide.md",
                "application/octet-stream",
                "# Guide\nStep one.".getBytes(StandardCharsets.UTF_8),
                null,
                null);
        var txt = ingestion.ingestFile(
                site, "notes.txt", null, "Plain notes.".getBytes(StandardCharsets.UTF_8), null, null);

        assertThat(headingPaths(md.documentId())).containsExactly("Guide");
        assertThat(contents(txt.documentId())).containsExactly("Plain notes.");
    }

    @Test
    void theSameContentIsStoredOncePerSite() {
        var first = ingestion.ingestText(site, "FAQ", null, "Refunds take five days.", "text/plain");
        var again = ingestion.ingestText(site, "Another title", null, "Refunds take five days.", "text/plain");
        var otherSite = newSite(jdbc, "example.org");
        var elsewhere = ingestion.ingestText(otherSite, "FAQ", null, "Refunds take five days.", "text/plain");

        assertThat(again.created()).isFalse();
        assertThat(again.documentId()).isEqualTo(first.documentId());
        assertThat(again.chunks()).isEqualTo(first.chunks());
        assertThat(elsewhere.created()).isTrue();
        assertThat(documents.list(site, 100)).hasSize(1);
    }

    @Test
    void deletingADocumentRemovesItsChunks() {
        var result = ingestion.ingestText(site, "FAQ", null, "One.\n\nTwo.", "text/plain");
        var otherSite = newSite(jdbc, "example.org");

        assertThat(documents.delete(otherSite, result.documentId())).isFalse();
        assertThat(documents.delete(site, result.documentId())).isTrue();

        assertThat(jdbc.sql("SELECT count(*) FROM chunks WHERE document_id = ?")
                        .param(result.documentId())
                        .query(Integer.class)
                        .single())
                .isZero();
        assertThat(documents.delete(site, result.documentId())).isFalse();
    }

    @Test
    void listsDocumentsWithTheirChunkCounts() {
        ingestion.ingestText(site, "A", null, "# One\nx\n# Two\ny\n# Three\nz", "text/markdown");

        assertThat(documents.list(site, 100)).singleElement().satisfies(row -> {
            assertThat(row.title()).isEqualTo("A");
            assertThat(row.chunks()).isEqualTo(3);
            assertThat(row.contentType()).isEqualTo("text/markdown");
        });
    }

    @Test
    void emptyContentIsRefused() {
        assertRefused(() -> ingestion.ingestText(site, "x", null, "", "text/plain"), 400, "document_empty");
        assertRefused(() -> ingestion.ingestText(site, "x", null, "  \n\n ", "text/plain"), 400, "document_empty");
        assertRefused(() -> ingestion.ingestText(site, "x", null, null, "text/plain"), 400, "document_empty");
        assertRefused(
                () -> ingestion.ingestText(site, "x", null, "<script>only()</script>", "text/html"),
                400,
                "document_empty");
        assertRefused(
                () -> ingestion.ingestFile(site, "a.txt", "text/plain", new byte[0], null, null),
                400,
                "document_empty");
    }

    @Test
    void contentOverTheLimitsIsRefused() {
        var tooManyChars = "word ".repeat(250_000);
        assertRefused(
                () -> ingestion.ingestText(site, "x", null, tooManyChars, "text/plain"), 413, "document_too_large");
        var tooLarge = new byte[(int) (10 * 1024 * 1024) + 1];
        java.util.Arrays.fill(tooLarge, (byte) 'a');
        assertRefused(
                () -> ingestion.ingestFile(site, "huge.txt", "text/plain", tooLarge, null, null),
                413,
                "document_too_large");
    }

    @Test
    void unsupportedTypesAreRefused() {
        assertRefused(
                () -> ingestion.ingestText(site, "x", null, "{}", "application/json"), 415, "unsupported_media_type");
        assertRefused(
                () -> ingestion.ingestText(site, "x", null, "%PDF-", "application/pdf"), 415, "unsupported_media_type");
        var png = new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10};
        assertRefused(
                () -> ingestion.ingestFile(site, "logo.png", "image/png", png, null, null),
                415,
                "unsupported_media_type");
        assertRefused(
                () -> ingestion.ingestFile(site, "data.bin", "application/octet-stream", png, null, null),
                415,
                "unsupported_media_type");
    }

    @Test
    void aFailingProviderLeavesChunksWithoutVectorsUntilTheBackfillFillsThem() {
        FakeOpenAi.shared().enqueueEmbeddings(failures(4));

        var result = ingestion.ingestText(site, "Later", null, "# A\none\n# B\ntwo", "text/markdown");

        assertThat(embedded(result.documentId())).containsOnly(false);
        FakeOpenAi.shared().reset();
        assertThat(backfill.fillMissing()).isGreaterThanOrEqualTo(2);
        assertThat(embedded(result.documentId())).containsOnly(true);
    }

    @Test
    void chunksEmbeddedWithAnotherModelAreEmbeddedAgainByTheBackfill() {
        var result = ingestion.ingestText(site, "Models", null, "# A\none\n# B\ntwo", "text/markdown");
        jdbc.sql("UPDATE chunks SET embedding_model = 'an-older-model' WHERE document_id = ? AND ordinal = 0")
                .param(result.documentId())
                .update();
        jdbc.sql("UPDATE chunks SET embedding_model = NULL WHERE document_id = ? AND ordinal = 1")
                .param(result.documentId())
                .update();

        assertThat(backfill.fillMissing()).isGreaterThanOrEqualTo(2);

        assertThat(jdbc.sql("SELECT embedding_model FROM chunks WHERE document_id = ? ORDER BY ordinal")
                        .param(result.documentId())
                        .query(String.class)
                        .list())
                .containsOnly("text-embedding-3-small");
    }

    private java.util.List<String> headingPaths(UUID document) {
        return jdbc.sql("SELECT heading_path FROM chunks WHERE document_id = ? ORDER BY ordinal")
                .param(document)
                .query(String.class)
                .list();
    }

    private java.util.List<String> contents(UUID document) {
        return jdbc.sql("SELECT content FROM chunks WHERE document_id = ? ORDER BY ordinal")
                .param(document)
                .query(String.class)
                .list();
    }

    private java.util.List<Boolean> embedded(UUID document) {
        return jdbc.sql("SELECT embedding IS NOT NULL FROM chunks WHERE document_id = ? ORDER BY ordinal")
                .param(document)
                .query(Boolean.class)
                .list();
    }

    private static FakeOpenAi.Reply[] failures(int count) {
        var replies = new FakeOpenAi.Reply[count];
        java.util.Arrays.fill(replies, FakeOpenAi.Reply.status(500));
        return replies;
    }

    static void assertRefused(Runnable call, int status, String code) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status().value()).isEqualTo(status);
            assertThat(e.code()).isEqualTo(code);
        });
    }
}
