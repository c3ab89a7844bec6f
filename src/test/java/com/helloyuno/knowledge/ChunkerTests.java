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

    // Exact cuts with tiny budgets. A token is max(ceil(characters / 4), words); a piece in a chunk
    // costs its tokens plus one for the separator; the overlap carried into the next chunk is the
    // previous chunk's last sentences (or last words) within the overlap budget.

    private static List<String> chunks(int budget, int overlap, String... paragraphs) {
        var blocks = java.util.Arrays.stream(paragraphs).map(Block::paragraph).toList();
        return new Chunker(new KnowledgeSettings.Chunking(budget, overlap))
                .chunk(blocks).stream().map(Chunker.Draft::content).toList();
    }

    @Test
    void aParagraphJoinsTheChunkWhenItFitsExactlyAndNotOneTokenMore() {
        // 3 tokens + 1, then 1 + 5 = 10: exactly the budget.
        assertThat(chunks(10, 0, "a b c", "d e f g h")).containsExactly("a b c\n\nd e f g h");
        // 3 tokens + 1, then 1 + 6 = 11: one over.
        assertThat(chunks(10, 0, "a b c", "d e f g h i")).containsExactly("a b c", "d e f g h i");
    }

    @Test
    void theOverlapIsTheLastWordsWithinItsBudgetAndIsCarriedOnlyWhenTheNextParagraphStillFits() {
        // The first chunk's last words within 4 tokens ("e f g h") start the next chunk when
        // 4 + 1 + the paragraph fit in 10: for 5 tokens they do, for 6 they do not.
        assertThat(chunks(10, 4, "a b c d e f g h", "i j k l m"))
                .containsExactly("a b c d e f g h", "e f g h\n\ni j k l m");
        assertThat(chunks(10, 4, "a b c d e f g h", "i j k l m n")).containsExactly("a b c d e f g h", "i j k l m n");
    }

    @Test
    void theOverlapTakesWholeSentencesFromTheEndUpToItsBudgetTheFirstOneIncluded() {
        // "A b." and "C d." are 2 tokens each: both fit an overlap of 4 exactly.
        assertThat(chunks(10, 4, "A b. C d.", "e f g h i")).containsExactly("A b. C d.", "A b. C d.\n\ne f g h i");
        // With an overlap of 3 only the last one does.
        assertThat(chunks(10, 3, "A b. C d.", "e f g h i")).containsExactly("A b. C d.", "C d.\n\ne f g h i");
    }

    @Test
    void anOverlapOfParagraphsWithoutPunctuationSkipsTheEmptyLinesBetweenThem() {
        assertThat(chunks(6, 4, "a", "b", "c d e")).containsExactly("a\n\nb", "a b\n\nc d e");
    }

    @Test
    void aLastSentenceOverTheOverlapGivesItsLastWordsEvenWhenTheyAreAllOfIt() {
        // 20 characters are 5 tokens, over the overlap of 4; its two words are 2.
        var spaced = "aa" + " ".repeat(16) + "bb";
        assertThat(chunks(10, 4, spaced, "c d e f g")).containsExactly(spaced, "aa bb\n\nc d e f g");
    }

    @Test
    void aParagraphOfExactlyTheBudgetStaysWholeAndALongerOneIsCutAtSentences() {
        // 10 words, 21 characters: 10 tokens.
        assertThat(chunks(10, 0, "a b c d e. f g h i j.")).containsExactly("a b c d e. f g h i j.");
        assertThat(chunks(9, 0, "a b c d e. f g h i j.")).containsExactly("a b c d e.", "f g h i j.");
    }

    @Test
    void aParagraphCutAtLineBreaksLosesItsEmptyLines() {
        assertThat(chunks(5, 0, "a b c\n\nd e f")).containsExactly("a b c", "d e f");
    }

    @Test
    void aSentenceOfExactlyTheBudgetIsKeptAsWrittenAndALongerOneIsCutAtWords() {
        // "a  b c d e." is 5 words: exactly the budget, kept with its double space.
        assertThat(chunks(5, 0, "a  b c d e. f g")).containsExactly("a  b c d e.", "f g");
        // Over the budget, its words are packed: "aa bb cc" is 3 tokens, "aa bb cc dd" 4.
        assertThat(chunks(3, 0, "aa bb cc dd ee")).containsExactly("aa bb cc", "dd ee");
    }

    @Test
    void aWordOverTheBudgetIsCutIntoPiecesOfTheBudgetInCharacters() {
        // A budget of 2 tokens is 8 characters.
        assertThat(chunks(2, 0, "ab " + "x".repeat(20) + " cd"))
                .containsExactly("ab", "xxxxxxxx", "xxxxxxxx", "xxxx cd");
        // A word of 7 characters is 2 tokens: within the budget, not cut.
        assertThat(chunks(2, 0, "ab yyyyyyy cd")).containsExactly("ab", "yyyyyyy", "cd");
    }
}
