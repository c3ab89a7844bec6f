package com.helloyuno.llm;

import java.util.function.Consumer;

/** Without {@code OPENAI_API_KEY}: no model; the chat pipeline builds answers from passages itself. */
final class OfflineChatModel implements ChatModel {

    @Override
    public boolean available() {
        return false;
    }

    @Override
    public ChatResult complete(ChatRequest request) {
        throw offline();
    }

    @Override
    public ChatResult stream(ChatRequest request, Consumer<String> onToken) {
        throw offline();
    }

    @Override
    public <T> StructuredResult<T> structured(ChatRequest request, Class<T> type) {
        throw offline();
    }

    private static UpstreamUnavailable offline() {
        return new UpstreamUnavailable(UpstreamUnavailable.Reason.OFFLINE, false);
    }
}
