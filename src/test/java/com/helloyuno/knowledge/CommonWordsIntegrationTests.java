package com.helloyuno.knowledge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * {@link CommonWords} writes the words common across all sites into {@code common_words}, where the
 * search statement looks them up: exactly the lexemes PostgreSQL's statistics of the chunks' text
 * count in at least {@code common-word-share} of them, with words no longer common removed.
 */
class CommonWordsIntegrationTests extends KnowledgeIntegrationTest {

    @Autowired
    CommonWords commonWords;

    @Autowired
    KnowledgeSettings settings;

    @Autowired
    Ingestion ingestion;

    @Autowired
    JdbcClient jdbc;

    @Test
    void theTableHoldsTheStatisticsCommonWordsAndNoStaleOnes() {
        var site = newSite(jdbc, "common.example");
        var text = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            text.append("# Part ")
                    .append(i)
                    .append("\nThe quuxwidget number ")
                    .append(i)
                    .append(".\n\n");
        }
        ingestion.ingestText(site, "Parts", null, text.toString(), "text/markdown");
        jdbc.sql("ANALYZE chunks").update();
        var expected = jdbc.sql("""
                        SELECT DISTINCT e.lexeme FROM pg_stats s,
                             unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) AS e(lexeme, share)
                        WHERE s.schemaname = current_schema() AND s.tablename = 'chunks'
                          AND s.attname = 'search_text' AND e.lexeme IS NOT NULL AND e.share >= ?""")
                .param(settings.retrieval().commonWordShare())
                .query(String.class)
                .list();
        assertThat(expected).isNotEmpty();

        // One word still common is there already (kept), one no longer common is there (removed).
        // (Not through withCommonWords: refresh takes the lock that it holds.)
        var before = commonWordsInTable(jdbc);
        setCommonWords(jdbc, List.of(expected.getFirst(), "zzstaleword"));
        List<String> words;
        try {
            assertThat(commonWords.refresh()).isEqualTo(expected.size());
            words = commonWordsInTable(jdbc);
        } finally {
            setCommonWords(jdbc, before);
        }

        assertThat(words).containsExactlyInAnyOrderElementsOf(expected).doesNotContain("zzstaleword");
    }
}
