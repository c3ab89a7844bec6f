package com.helloyuno.llm;

import java.util.List;

/** Without {@code OPENAI_API_KEY}: no vectors; chunks are stored without them and found by full text. */
final class OfflineEmbeddings implements Embeddings {

    private final String model;

    OfflineEmbeddings(String model) {
        this.model = model;
    }

    @Override
    public List<float[]> embed(List<String> texts) {
        if (texts.isEmpty()) {
            return List.of();
        }
        throw new UpstreamUnavailable(UpstreamUnavailable.Reason.OFFLINE, false);
    }

    @Override
    public boolean available() {
        return false;
    }

    @Override
    public String model() {
        return model;
    }
}
