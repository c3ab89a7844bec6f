package com.helloyuno.chat;

import com.helloyuno.knowledge.Passage;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Answers without a model (no {@code OPENAI_API_KEY}): the best matching passage, quoted, with a
 * pointer to the next one; or, when nothing matches, an honest "I don't know" with an offer to
 * take contact details. Good enough to make the service useful out of the box.
 */
@Component
class OfflineAnswers {

    static final String NOT_FOUND = "I'm sorry, I couldn't find an answer to that in this site's information."
            + " If you leave your email address or phone number, the team will get back to you.";
    private static final int QUOTE_CHARS = 700;

    static final String THANKS = "Thank you! The team has your contact details and will get back to you.";

    /**
     * For a message that carries the visitor's email or phone: thanks, then what the passages say
     * about the rest of it, if anything (never the offer to take contact details again).
     */
    String thanks(List<Passage> passages) {
        return passages.isEmpty() ? THANKS : THANKS + "\n\n" + answer(passages);
    }

    String answer(List<Passage> passages) {
        if (passages.isEmpty()) {
            return NOT_FOUND;
        }
        var best = passages.getFirst();
        var answer = new StringBuilder("Here is what I found");
        if (best.title() != null && !best.title().isBlank()) {
            answer.append(" in **").append(best.title().strip()).append("**");
        }
        answer.append(":\n\n").append(quote(best.content()));
        passages.stream()
                .skip(1)
                .filter(p -> !p.documentId().equals(best.documentId())
                        && p.title() != null
                        && !p.title().isBlank())
                .findFirst()
                .ifPresent(next -> answer.append("\n\nSee also: **")
                        .append(next.title().strip())
                        .append("**"));
        return answer.toString();
    }

    /** The passage up to a sentence end near the limit. */
    static String quote(String content) {
        var text = content.strip();
        if (text.length() <= QUOTE_CHARS) {
            return text;
        }
        var cut = text.lastIndexOf(". ", QUOTE_CHARS);
        return (cut > QUOTE_CHARS / 2 ? text.substring(0, cut + 1) : text.substring(0, QUOTE_CHARS) + "…");
    }

    /** Pieces of the answer for streaming: words with their following space. */
    static List<String> pieces(String answer) {
        return List.of(answer.split("(?<= )"));
    }
}
