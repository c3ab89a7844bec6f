package com.helloyuno.knowledge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.helloyuno.testsupport.FakeOpenAi;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A large site's own common words ({@link SiteWords}): counted in the background from the site's
 * chunks alone, counted again after the site changed, none for a small site; and the search keeps
 * finding the passage that only an uncommon word tells apart. Sites of 50 chunks count as large
 * here, and a change is counted again at once ({@code common-words-refresh=0s}).
 */
@LargeSitesInMemory
class SiteWordsIntegrationTests extends KnowledgeIntegrationTest {

    @Autowired
    SiteWords siteWords;

    @Autowired
    Retriever retriever;

    @Autowired
    Chunks chunks;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    JdbcTemplate template;

    @BeforeEach
    void reset() {
        FakeOpenAi.shared().reset();
    }

    @Test
    void aLargeSitesOwnCommonWordsAreCountedFromItsChunksAloneAndAgainAfterAChange() {
        var site = newSite(jdbc, "acme.example");
        var small = newSite(jdbc, "tiny.example");
        // Every chunk of the site names its brand, one in two its product line, one in four a colour
        // (75 chunks: fewer than max-text-matches, 100, so cheap to read), one chunk a rare part.
        var contents = new ArrayList<String>();
        for (int i = 0; i < 300; i++) {
            contents.add("acmecorp " + (i % 2 == 0 ? "lumafold " : "") + (i % 4 == 1 ? "ochre " : "") + "item" + i
                    + (i == 42 ? " zephyrvalve" : ""));
        }
        insert(site, contents);
        insert(small, List.of("acmecorp tiny", "acmecorp other"));

        assertThat(siteWords.applies(small, chunks.knowledgeState(small))).isFalse();
        assertThat(siteWords.counting(small)).isFalse();

        var words = counted(site, "acmecorp");
        // In more than 100 of its 300 chunks (and 1 %): the brand and the product line; not the colour,
        // the one-off part, or the small site's words.
        assertThat(words)
                .contains("acmecorp", "lumafold")
                .doesNotContain("ochre", "zephyrvalve", "item42", "tiny", "other");

        // The question's rare part still finds its chunk first, by full text alone.
        var passages = retriever.search(site, "acmecorp zephyrvalve", null, 5, Chunks.Scan.QUANTIZED);
        assertThat(passages.getFirst().content()).contains("zephyrvalve");
        // A question of only the site's own common words, and no vector half to rank (offline):
        // they pick the chunks again rather than leave nothing to rank.
        assertThat(retriever.search(site, "acmecorp lumafold", null, 5, Chunks.Scan.QUANTIZED))
                .hasSize(5)
                .allSatisfy(p -> assertThat(p.content()).contains("acmecorp", "lumafold"));

        // The site changes: a new word in 200 more chunks is common after the next count.
        var more = new ArrayList<String>();
        for (int i = 0; i < 200; i++) {
            more.add("borealtrim extra" + i);
        }
        insert(site, more);
        assertThat(counted(site, "borealtrim")).contains("acmecorp", "borealtrim");

        // A word no longer common leaves the table at the next count.
        jdbc.sql("DELETE FROM chunks WHERE site_id = ? AND content LIKE '%lumafold%'")
                .param(site)
                .update();
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> siteWords.applies(site, chunks.knowledgeState(site))
                        && !chunks.siteCommonWords(site).contains("lumafold"));
        assertThat(chunks.siteCommonWords(site)).contains("acmecorp", "borealtrim");
    }

    /** The site's counted words once they contain {@code expected}, asking as searches do. */
    private List<String> counted(String site, String expected) {
        var found = new ArrayList<String>();
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    found.clear();
                    if (siteWords.applies(site, chunks.knowledgeState(site))) {
                        found.addAll(chunks.siteCommonWords(site));
                    }
                    return found.contains(expected);
                });
        return found;
    }

    private void insert(String site, List<String> contents) {
        var document = UUID.randomUUID();
        jdbc.sql("INSERT INTO documents (id, site_id, title, content_type, content_hash) VALUES (?, ?, 'Words',"
                        + " 'text/plain', ?)")
                .params(document, site, document.toString())
                .update();
        var rows = new ArrayList<Object[]>();
        for (int i = 0; i < contents.size(); i++) {
            rows.add(new Object[] {site, document, i, contents.get(i)});
        }
        template.batchUpdate(
                "INSERT INTO chunks (site_id, document_id, ordinal, title, content) VALUES (?, ?, ?, 'Words', ?)",
                rows);
    }
}
