package com.helloyuno.llm;

/**
 * Approximate token counts, without a tokenizer: {@code max(ceil(chars / 4), words)}. Four
 * characters a token is OpenAI's rule of thumb for English; the word count is a floor for text of
 * short words, numbers and scripts without spaces between words, where the rule undercounts.
 */
public final class Tokens {

    /** OpenAI's rule of thumb for English text; every estimate of tokens from characters uses it. */
    public static final int CHARS_PER_TOKEN = 4;

    private Tokens() {}

    /** Tokens of a text: at least one per word, and at least one per {@link #CHARS_PER_TOKEN} characters. */
    public static int estimate(CharSequence text) {
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
        return Math.max(ofCharacters(chars), words);
    }

    /** Tokens of a number of characters, rounded up, where only the count is known. */
    public static int ofCharacters(int characters) {
        return (characters + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN;
    }
}
