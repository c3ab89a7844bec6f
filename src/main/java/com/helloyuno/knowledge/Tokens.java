package com.helloyuno.knowledge;

/**
 * Approximate token counts, without a tokenizer: {@code max(ceil(chars / 4), words)}. Four
 * characters a token is OpenAI's rule of thumb for English; the word count is a floor for text of
 * short words, numbers and scripts without spaces between words, where the rule undercounts.
 */
final class Tokens {

    private Tokens() {}

    static int estimate(CharSequence text) {
        var chars = text.length();
        var words = 0;
        var inWord = false;
        for (int i = 0; i < chars; i++) {
            var space = Character.isWhitespace(text.charAt(i));
            if (!space && !inWord) {
                words++;
            }
            inWord = !space;
        }
        return Math.max((chars + 3) / 4, words);
    }
}
