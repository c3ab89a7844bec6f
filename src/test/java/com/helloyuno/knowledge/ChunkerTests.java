package com.helloyuno.knowledge;

import static org.assertj.core.api.Assertions.assertThat;

import com.helloyuno.knowledge.Extracted.Block;
import com.helloyuno.llm.Tokens;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ChunkerTests {

    private final Chunker chunker = new Chunker(new KnowledgeSettings.Chunking(50, 10));

    @Test
    void everyChunkKeepsTheHeadingsAboveIt() {
        var drafts = chunker.chunk(List.of(
                Block.paragraph("Welcome to the shop."),
                Block.heading(1, "Pricing"),
                Block.paragraph("Plans start at ten euros."),
                Block.heading(2, "Refunds"),
                Block.paragraph("Refunds are paid within thirty days."),
                Block.heading(2, "Invoices"),
                Block.paragraph("Invoices come by email."),
                Block.heading(1, "Shipping"),
                Block.paragraph("Parcels leave in two days.")));

        assertThat(drafts)
                .extracting(Chunker.Draft::headingPath)
                .containsExactly("", "Pricing", "Pricing > Refunds", "Pricing > Invoices", "Shipping");
        assertThat(drafts.get(2).content()).isEqualTo("Refunds are paid within thirty days.");
        assertThat(drafts).extracting(Chunker.Draft::ordinal).containsExactly(0, 1, 2, 3, 4);
    }

    @Test
    void packsParagraphsUpToTheBudgetAndSplitsLongOnesAtSentencesWithOverlap() {
        var sentences = IntStream.range(0, 30)
                .mapToObj(i -> "Sentence number " + i + " says something useful.")
                .collect(Collectors.joining(" "));
        var drafts = chunker.chunk(List.of(Block.heading(1, "Long"), Block.paragraph(sentences)));

        assertThat(drafts).hasSizeGreaterThan(3);
        for (var draft : drafts) {
            assertThat(draft.tokens()).isLessThanOrEqualTo(50);
            assertThat(draft.headingPath()).isEqualTo("Long");
        }
        // Each chunk after the first starts with the end of the one before it.
        for (int i = 1; i < drafts.size(); i++) {
            var previous = drafts.get(i - 1).content();
            var firstSentence = drafts.get(i).content().split("(?<=\\.) ")[0];
            assertThat(previous).endsWith(firstSentence);
        }
        // Nothing is lost.
        var all = drafts.stream().map(Chunker.Draft::content).collect(Collectors.joining(" "));
        for (int i = 0; i < 30; i++) {
            assertThat(all).contains("Sentence number " + i + " ");
        }
    }

    @Test
    void smallParagraphsOfOneSectionShareAChunk() {
        var drafts =
                chunker.chunk(List.of(Block.paragraph("One."), Block.paragraph("Two."), Block.paragraph("Three.")));

        assertThat(drafts)
                .singleElement()
                .satisfies(d -> assertThat(d.content()).isEqualTo("One.\n\nTwo.\n\nThree."));
    }

    @Test
    void aWordLongerThanTheBudgetIsCut() {
        var drafts = chunker.chunk(List.of(Block.paragraph("x".repeat(1000))));

        assertThat(drafts).hasSizeGreaterThan(1);
        assertThat(drafts).allSatisfy(d -> assertThat(d.tokens()).isLessThanOrEqualTo(50));
    }

    @Test
    void tokensAreEstimatedFromCharactersWithAWordFloor() {
        assertThat(Tokens.estimate("abcdefgh")).isEqualTo(2);
        assertThat(Tokens.estimate("a b c d e")).isEqualTo(5);
        assertThat(Tokens.estimate("")).isZero();
    }
}
