package com.helloyuno.llm;

/**
 * Tokens one model call cost. They come from the provider; a provider that reports none (some
 * OpenAI-compatible servers do not, when streaming) gets an estimate of one token per four
 * characters, so that token budgets still count something.
 */
public record Usage(int promptTokens, int completionTokens, int totalTokens) {

    public static final Usage ZERO = new Usage(0, 0, 0);

    public Usage {
        if (promptTokens < 0 || completionTokens < 0 || totalTokens < 0) {
            throw new IllegalArgumentException("Token counts cannot be negative");
        }
    }

    public static Usage of(int promptTokens, int completionTokens) {
        return new Usage(promptTokens, completionTokens, promptTokens + completionTokens);
    }

    /** The sum of two calls, for an answer that took a rewrite and a completion, say. */
    public Usage plus(Usage other) {
        return new Usage(
                promptTokens + other.promptTokens,
                completionTokens + other.completionTokens,
                totalTokens + other.totalTokens);
    }

    static Usage estimate(int promptCharacters, int completionCharacters) {
        return of(Tokens.ofCharacters(promptCharacters), Tokens.ofCharacters(completionCharacters));
    }
}
