/**
 * The model port: chat, streaming chat and embeddings, with an openai-java adapter for any
 * OpenAI-compatible server and an offline adapter used when no API key is configured.
 */
@NullMarked
package com.helloyuno.llm;

import org.jspecify.annotations.NullMarked;
