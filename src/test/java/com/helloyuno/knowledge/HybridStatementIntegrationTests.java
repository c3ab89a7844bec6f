package com.helloyuno.knowledge;

import static org.assertj.core.api.Assertions.assertThat;

import com.helloyuno.testsupport.FakeOpenAi;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * {@link Chunks#hybrid}, both halves of a search in one statement, answers as its two statements
 * do ({@link Chunks#rerank}, then {@link Chunks#fullText} over the relevant vector hits): the same
 * hits with the same distances and ranks in the same order, for questions that match words, that
 * match none, whose vector finds nothing relevant (then the site's own common words must not
 * count; a vector of zeros relates to nothing either), and that hold no word at all, with and
 * without words common across all sites.
 */
class HybridStatementIntegrationTests extends KnowledgeIntegrationTest {

    private static final String MODEL = "text-embedding-3-small";
    private static final List<String> DICTIONARIES = List.of("english_stem");
    private static final double MIN_RELEVANCE = 0.2;

    @Autowired
    Ingestion ingestion;

    @Autowired
    Chunks chunks;

    @Autowired
    DataSource dataSource;

    @Autowired
    JdbcClient jdbc;

    @Test
    void oneStatementAnswersAsTheTwo() {
        var site = newSite(jdbc, "hybrid.example");
        var text = new StringBuilder();
        for (int i = 0; i < 60; i++) {
            text.append("# Part ")
                    .append(i)
                    .append("\nOur widget number ")
                    .append(i)
                    .append(i % 3 == 0 ? " ships today with a sprocket.\n\n" : " waits for the gizmo.\n\n");
        }
        ingestion.ingestText(site, "Catalogue", null, text.toString(), "text/markdown");
        var ids = jdbc.sql("SELECT id FROM chunks WHERE site_id = ?")
                .param(site)
                .query(Long.class)
                .list();
        assertThat(ids).hasSizeGreaterThan(50);

        // The site's own common words are in the table; a search says whether they count.
        siteCommonWords(jdbc, site, List.of("widget", "number", "gizmo"));
        var compared = 0;
        for (var question : List.of(
                "When does widget number 12 ship?",
                "sprocket gizmo",
                "widget",
                "Where is my parcel?",
                "?!",
                "the of and")) {
            for (var vector : List.of(
                    FakeOpenAi.vector(question, 1536),
                    FakeOpenAi.vector("Our widget number 7 waits for the gizmo.", 1536),
                    FakeOpenAi.vector("zebra quartz", 1536),
                    // No direction at all: every cosine distance is NaN, which relates to nothing.
                    new float[1536])) {
                for (var siteWords : List.of(false, true)) {
                    for (var common : List.of(List.<String>of(), List.of("ship", "sprocket", "widget"))) {
                        var one = withCommonWords(
                                jdbc, dataSource, common, () -> hybrid(site, ids, vector, question, siteWords));

                        var nearest = chunks.rerank(site, MODEL, vector, ids, 10);
                        var relevant = nearest.stream()
                                .filter(hit -> 1 - hit.value() >= MIN_RELEVANCE)
                                .toList();
                        var text2 = withCommonWords(
                                jdbc,
                                dataSource,
                                common,
                                () -> chunks.fullText(
                                        site,
                                        question,
                                        relevant.stream().map(Chunks.Hit::id).toList(),
                                        !relevant.isEmpty() && siteWords,
                                        DICTIONARIES,
                                        20,
                                        30,
                                        10));

                        assertThat(one.version())
                                .as("the site's knowledge version, read in the same statement")
                                .isEqualTo(chunks.knowledgeState(site).version())
                                .isPositive();
                        assertThat(one.nearest())
                                .as("vector half of %s", question)
                                .isEqualTo(nearest);
                        assertThat(one.text())
                                .as("full text of %s, site words %s", question, siteWords)
                                .isEqualTo(text2);
                        compared++;
                    }
                }
            }
        }
        assertThat(compared).isEqualTo(96);
        // The cases differ where they should: a question in the site's words finds text, and with
        // those words the site's own common ones and a relevant vector half, it ranks only that half.
        var vector = FakeOpenAi.vector("When does widget number 12 ship?", 1536);
        var relevantIds = chunks.rerank(site, MODEL, vector, ids, 10).stream()
                .filter(hit -> 1 - hit.value() >= MIN_RELEVANCE)
                .map(Chunks.Hit::id)
                .toList();
        assertThat(relevantIds).isNotEmpty();
        assertThat(hybrid(site, ids, vector, "widget", false).text())
                .hasSize(10)
                .extracting(Chunks.Hit::id)
                .anySatisfy(id -> assertThat(relevantIds).doesNotContain(id));
        assertThat(hybrid(site, ids, vector, "widget", true).text())
                .as("the site's own common words and a relevant vector half: only that half is ranked")
                .isNotEmpty()
                .extracting(Chunks.Hit::id)
                .isSubsetOf(relevantIds);
        // A site without chunks (or deleted) reads version 0, as knowledgeState has it.
        var empty = newSite(jdbc, "empty.example");
        assertThat(chunks.knowledgeState(empty).version()).isZero();
        assertThat(hybrid(empty, ids, vector, "widget", false))
                .satisfies(halves -> assertThat(halves.version()).isZero())
                .satisfies(halves -> assertThat(halves.nearest())
                        .as("another site's ids find nothing")
                        .isEmpty());
        var unrelated = FakeOpenAi.vector("zebra quartz", 1536);
        assertThat(chunks.rerank(site, MODEL, unrelated, ids, 10)).allMatch(hit -> 1 - hit.value() < MIN_RELEVANCE);
        assertThat(hybrid(site, ids, unrelated, "widget number gizmo", true).text())
                .as("no relevant vector hit: the site's own common words do not count")
                .isNotEmpty();
    }

    /** The site's search in one statement: the test's depths (10 nearest, 20 matches a tier, 30 rows read, 10 ranked). */
    private Chunks.Halves hybrid(String site, List<Long> ids, float[] vector, String question, boolean siteWords) {
        return chunks.hybrid(
                site, MODEL, vector, ids, 10, MIN_RELEVANCE, question, siteWords, DICTIONARIES, 20, 30, 10);
    }
}
