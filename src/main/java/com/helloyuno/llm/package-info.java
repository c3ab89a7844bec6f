/**
 * The model port: chat, streaming chat and embeddings, with an openai-java adapter for any
 * OpenAI-compatible server and an offline adapter used when no API key is configured.
 */
@Room(
        entryPoints = {
            ChatMessage.class,
            ChatModel.class,
            ChatRequest.class,
            ChatResult.class,
            Embeddings.class,
            StructuredResult.class,
            Tokens.class,
            UpstreamUnavailable.class,
            Usage.class
        })
@NullMarked
package com.helloyuno.llm;

import com.helloyuno.Room;
import org.jspecify.annotations.NullMarked;
