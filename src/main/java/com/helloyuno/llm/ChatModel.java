package com.helloyuno.llm;

import java.util.function.Consumer;

/**
 * The chat half of the model port. Every call has a deadline ({@code yuno.llm.timeout}, retries
 * included), is retried only before its first token, and waits at most {@code
 * yuno.llm.acquire-timeout} for admission ({@link ModelAdmission}: adaptive, up to {@code
 * yuno.llm.max-concurrency} calls in flight, fewer while the provider answers 429). Every failure
 * of the provider, of whatever kind, is an {@link UpstreamUnavailable}.
 *
 * <p>Callers never hold a database connection or a transaction across these calls.
 *
 * <p>Without {@code OPENAI_API_KEY} the bean is an offline stand-in: {@link #available()} is false
 * and every call throws {@link UpstreamUnavailable} with {@link UpstreamUnavailable.Reason#OFFLINE}.
 */
public interface ChatModel {

    /** Whether a model answers at all; false when running offline. */
    boolean available();

    /** The whole answer at once. */
    ChatResult complete(ChatRequest request);

    /**
     * Streams the answer: {@code onToken} gets the text in order, piece by piece, on the calling
     * thread (the first token alone; pieces already waiting when the previous one has been handled
     * come together, so a piece may hold several of the provider's tokens), and the result holds
     * the whole text and its usage. An exception thrown by {@code onToken}
     * (the visitor went away, say) stops the stream and propagates unchanged.
     *
     * @throws UpstreamUnavailable with {@link UpstreamUnavailable#tokensSent()} true when the
     *     failure came after {@code onToken} had been called: the caller then ends its own stream
     *     with an error instead of answering 503
     */
    ChatResult stream(ChatRequest request, Consumer<String> onToken);

    /**
     * An answer as JSON that follows the schema of {@code type} ({@code response_format} {@code
     * json_schema}, strict), parsed into it. {@code type} is a record of strings, numbers,
     * booleans, enums, lists and nested records; property names follow the record's components, or
     * their {@code @JsonProperty}; enum values are the constants' names (openai-java's schema
     * generator ignores {@code @JsonProperty} on enum constants while its parser honours it).
     */
    <T> StructuredResult<T> structured(ChatRequest request, Class<T> type);
}
