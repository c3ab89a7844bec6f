package com.helloyuno.llm;

/**
 * A structured answer: the parsed value, the JSON text as the model wrote it (for {@code
 * chat_history.raw_json_output}), and what it cost.
 */
public record StructuredResult<T>(T value, String json, Usage usage) {}
