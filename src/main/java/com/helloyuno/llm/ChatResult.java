package com.helloyuno.llm;

/** A whole answer of the chat model and what it cost. */
public record ChatResult(String text, Usage usage) {}
