package com.helloyuno.knowledge;

import com.helloyuno.knowledge.Extracted.Block;
import com.helloyuno.llm.Tokens;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Cuts a document into chunks that follow its structure: a new heading always starts a new chunk,
 * paragraphs are packed whole into chunks of at most the token budget, a paragraph over the budget
 * is cut at sentence ends (and a sentence over it at words), and consecutive chunks of one section
 * share an overlap of the previous chunk's last sentences. Every chunk carries the path of headings
 * above it ("Pricing > Refunds").
 */
final class Chunker {

    static final String PATH_SEPARATOR = " > ";
    private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?;:])\\s+|\\n");
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private final int budget;
    private final int overlap;

    Chunker(KnowledgeSettings.Chunking settings) {
        this.budget = settings.chunkTokens();
        this.overlap = settings.overlapTokens();
    }

    /** One chunk before it is stored: its position, heading path (empty at the top) and text. */
    record Draft(int ordinal, String headingPath, String content, int tokens) {}

    List<Draft> chunk(List<Block> blocks) {
        var drafts = new ArrayList<Draft>();
        var headings = new String[7];
        var section = new ArrayList<String>();
        for (var block : blocks) {
            if (block.isHeading()) {
                pack(path(headings), section, drafts);
                section.clear();
                headings[block.level()] = block.text();
                for (int level = block.level() + 1; level < headings.length; level++) {
                    headings[level] = null;
                }
            } else {
                section.add(block.text());
            }
        }
        pack(path(headings), section, drafts);
        return drafts;
    }

    private static String path(String[] headings) {
        var parts = new ArrayList<String>();
        for (var heading : headings) {
            if (heading != null) {
                parts.add(heading.replace('\n', ' '));
            }
        }
        return String.join(PATH_SEPARATOR, parts);
    }

    /** A piece of a section: a whole paragraph, or a part of one that was over the budget. */
    private record Piece(String text, int tokens, boolean startsParagraph) {}

    private void pack(String headingPath, List<String> paragraphs, List<Draft> drafts) {
        var pieces = new ArrayList<Piece>();
        for (var paragraph : paragraphs) {
            split(paragraph, pieces);
        }
        var current = new ArrayList<Piece>();
        var tokens = 0;
        for (var piece : pieces) {
            if (!current.isEmpty() && tokens + 1 + piece.tokens() > budget) {
                emit(headingPath, current, drafts);
                var carried = overlapOf(current);
                current = new ArrayList<>();
                tokens = 0;
                if (!carried.isEmpty()
                        && carried.stream().mapToInt(Piece::tokens).sum() + 1 + piece.tokens() <= budget) {
                    current.addAll(carried);
                    tokens = carried.stream().mapToInt(Piece::tokens).sum();
                }
            }
            current.add(piece);
            tokens += piece.tokens() + 1; // a separator may cost a token
        }
        if (!current.isEmpty()) {
            emit(headingPath, current, drafts);
        }
    }

    /** A paragraph within the budget is one piece; a longer one is cut into sentences (and words). */
    private void split(String paragraph, List<Piece> pieces) {
        var tokens = Tokens.estimate(paragraph);
        if (tokens <= budget) {
            pieces.add(new Piece(paragraph, tokens, true));
            return;
        }
        var first = true;
        for (var sentence : SENTENCE_END.split(paragraph)) {
            if (sentence.isBlank()) {
                continue;
            }
            var parts = Tokens.estimate(sentence) > budget ? splitWords(sentence) : List.of(sentence.strip());
            for (var part : parts) {
                pieces.add(new Piece(part, Tokens.estimate(part), first));
                first = false;
            }
        }
    }

    private List<String> splitWords(String sentence) {
        var parts = new ArrayList<String>();
        var current = new StringBuilder();
        for (var word : WHITESPACE.split(sentence.strip())) {
            // A single "word" over the budget (a long URL, base64) is cut by characters.
            while (Tokens.estimate(word) > budget) {
                var cut = budget * 4;
                if (!current.isEmpty()) {
                    parts.add(current.toString());
                    current.setLength(0);
                }
                parts.add(word.substring(0, cut));
                word = word.substring(cut);
            }
            var joined = current.isEmpty() ? word : current + " " + word;
            if (!current.isEmpty() && Tokens.estimate(joined) > budget) {
                parts.add(current.toString());
                current.setLength(0);
                current.append(word);
            } else {
                current.setLength(0);
                current.append(joined);
            }
        }
        if (!current.isEmpty()) {
            parts.add(current.toString());
        }
        return parts;
    }

    /** The last sentences of a chunk, up to the overlap budget, to start the next chunk with. */
    private List<Piece> overlapOf(List<Piece> chunk) {
        if (overlap == 0) {
            return List.of();
        }
        var text = join(chunk);
        var sentences = SENTENCE_END.split(text);
        var kept = new ArrayList<String>();
        var tokens = 0;
        for (int i = sentences.length - 1; i >= 0; i--) {
            var sentence = sentences[i].strip();
            if (sentence.isEmpty()) {
                continue;
            }
            var t = Tokens.estimate(sentence);
            if (tokens + t > overlap) {
                if (kept.isEmpty()) {
                    // The last sentence alone is over the overlap: take its last words.
                    var words = WHITESPACE.split(sentence);
                    var tail = new ArrayList<String>();
                    for (int w = words.length - 1; w >= 0; w--) {
                        tail.addFirst(words[w]);
                        if (Tokens.estimate(String.join(" ", tail)) > overlap) {
                            tail.removeFirst();
                            break;
                        }
                    }
                    if (!tail.isEmpty()) {
                        kept.add(String.join(" ", tail));
                    }
                }
                break;
            }
            kept.addFirst(sentence);
            tokens += t;
        }
        if (kept.isEmpty()) {
            return List.of();
        }
        var carried = String.join(" ", kept);
        return List.of(new Piece(carried, Tokens.estimate(carried), true));
    }

    private static String join(List<Piece> pieces) {
        var out = new StringBuilder();
        for (var piece : pieces) {
            if (!out.isEmpty()) {
                out.append(piece.startsParagraph() ? "\n\n" : " ");
            }
            out.append(piece.text());
        }
        return out.toString();
    }

    private static void emit(String headingPath, List<Piece> pieces, List<Draft> drafts) {
        var content = join(pieces);
        drafts.add(new Draft(drafts.size(), headingPath, content, Tokens.estimate(content)));
    }
}
